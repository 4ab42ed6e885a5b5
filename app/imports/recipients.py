"""Importing the rosters stations already keep (花名册) into the recipient register.

Two steps, so a wizard can show what will happen before anything is written:
`preview()` reads the file through `app.sheets` and checks every row with the
register's own rules (`recipients.clean`), and `apply()` writes the valid
rows in one transaction. `import_file()` does both, as the command line does.

Rules per row (issue 5): a wrong check character, an impossible birth date,
too few digits, an ID that Excel stored as a number, a missing name, the same
ID twice in the file (an error on the later row), and a birth date or sex
column that contradicts the ID are errors; an 年龄 column is only read for
people and never checked. A person already registered with the same ID is
not an error: the row counts as a duplicate and is left alone, or updated
when asked. Category labels not yet on the list are added to it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app import audit, sheets
from app.changes import Changes
from app.db import Database, now_iso
from app.errors import InputError
from app.ids import new_id
from app.imports.common import (
    ImportResult,
    RowsPreview,
    backup_before_writing,
    run_import,
    stop_before_writing,
)
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.rules.codes import parse_phone
from app.rules.idcard import IdNumberError, parse_id
from app.sheets import CODE, DATE, Field, MonthOnly, Problem, Table
from app.station import station
from app.station.accounts import Operator, require_write

KIND = "recipients"
CHANGES = Changes(recipients=True)  # what an import of this kind may change

#: The columns a roster may have. Names people use for each are in app/sheets/synonyms.json.
FIELDS = sheets.fields(KIND, (
    Field("seq", "序号", informational=True),
    Field("name", "姓名", required=True),
    Field("id_number", "身份证号", CODE),
    Field("sex", "性别"),
    Field("birth_date", "出生年月", DATE),
    Field("age", "年龄", informational=True),
    Field("village", "所在村"),
    Field("village_group", "村组"),
    Field("address", "住址"),
    Field("phone", "联系电话", CODE),
    Field("categories", "人员类别"),
    Field("guardian_name", "监护人姓名"),
    Field("guardian_phone", "监护人电话", CODE),
    Field("guardian_relation", "与监护人关系"),
    Field("bank_name", "开户行"),
    Field("bank_account", "银行账号", CODE),
    Field("note", "备注"),
))

_SEXES = {"男": "男", "女": "女", "男性": "男", "女性": "女"}
_CATEGORY_SPLIT = re.compile(r"[、,，;；/／|\s]+")
_PHONE_SPLIT = re.compile(r"[/／、,，;；]+|\s{2,}")
_VILLAGE_GROUP = re.compile(r"^(.+?(?:村|社区|居委会))(.+组)$")
#: 东风3组, 3组, 三组: a group written without its village's 村 (the village part is a short name).
_SHORT_GROUP = re.compile(r"^(.*?)((?:\d+|[一二三四五六七八九十百零〇]+)(?:村民小)?组)$")
#: Fields `update` may change on a registered person (non-empty values from the file only).
_UPDATABLE = ("name", "village", "village_group", "address", "phone", "guardian_name", "guardian_phone",
              "guardian_relation", "bank_name", "bank_account", "note")


@dataclass
class RosterRow:
    """One data row of the roster: the person as cleaned, or the row's problems."""

    number: int
    person: RecipientInput | None
    problems: list[Problem] = field(default_factory=list)
    existing_id: str | None = None      # the registered person this row matches
    id_number: str = ""                 # the row's ID number when it is valid, even if the row is not

    @property
    def status(self) -> str:
        """"invalid", "duplicate" (already registered) or "new"."""
        if self.problems:
            return "invalid"
        return "duplicate" if self.existing_id else "new"


@dataclass
class RosterPreview(RowsPreview):
    """Everything `apply` needs, and what a wizard shows: rows, problems, counts."""

    table: Table
    rows: list[RosterRow]

    def to_dict(self, limit: int = 200) -> dict[str, Any]:
        """A JSON-friendly summary: mapping, counts, and the first rows with their status."""
        return {
            "file": self.table.path.name, "sheet": self.table.sheet, "sheets": self.table.sheet_names,
            "header_row": self.table.header_row, "columns": self.table.columns,
            "note_columns": self.table.note_columns, "counts": self.counts,
            "skipped": [s.to_dict() for s in self.table.skipped],
            "rows": [{"row": r.number, "status": r.status, "name": r.person.name if r.person else "",
                      "problems": [p.to_dict() for p in r.problems]} for r in self.rows[:limit]],
        }


def preview(db: Database, path: str | Path, *, sheet: str | None = None, header_row: int | None = None,
            mapping: Mapping[str, str | int | None] | None = None, today: dt.date | None = None) -> RosterPreview:
    """Read and check a roster file; nothing is written. Raises `SheetError` for an unreadable file."""
    table = sheets.read_table(path, FIELDS, sheet=sheet, header_row=header_row, mapping=mapping)
    today = today or dt.date.today()
    id_header = table.column_header("id_number")
    out: list[RosterRow] = []
    seen: dict[str, int] = {}
    headers = {f.key: table.column_header(f.key) for f in FIELDS}
    own = station.own_village(db)
    for row in table.rows:
        rr = _check_row(headers, row, today, own)
        if rr.id_number:
            first = seen.get(rr.id_number)
            if first is not None:
                rr.problems.append(Problem(row.number, id_header, f"与第 {first} 行的身份证号重复", "duplicate_in_file"))
                rr.person = None
            else:
                seen[rr.id_number] = row.number
        out.append(rr)
    _match_registered(db, out)
    return RosterPreview(table, out)


def apply(db: Database, actor: Operator, pv: RosterPreview, *, skip_invalid: bool = False,
          update: bool = False, dry_run: bool = False) -> ImportResult:
    """Write a previewed roster: all rows or none (unless `skip_invalid`); a dry run writes nothing."""
    require_write(actor)
    table = pv.table
    errors = pv.problems
    counts = pv.counts
    result = ImportResult(
        file=table.path.name, sheet=table.sheet, skipped=len(table.skipped), errors=errors,
        valid=counts["new"] + counts["duplicate"], duplicates=counts["duplicate"], dry_run=dry_run,
        details={"header_row": table.header_row, "columns": table.columns, "note_columns": table.note_columns},
    )
    if stop_before_writing(result, skip_invalid=skip_invalid, ready=f"{counts['new']} 行可以导入"):
        return result
    backup_before_writing(db)
    with db.transaction() as c:
        _match_registered(db, pv.rows)  # again, inside the write lock: someone may have added people
        new = [(r.number, r.person) for r in pv.rows if r.status == "new" and r.person is not None]
        dups = [r for r in pv.rows if r.status == "duplicate"]
        at = now_iso()
        names = list(dict.fromkeys(cat for _, p in new for cat in p.categories))
        cat_ids = dict(zip(names, recipients.category_ids(db, actor, names), strict=True)) if names else {}
        people: list[tuple[Any, ...]] = []
        links: list[tuple[str, str]] = []
        for _, person in new:
            rid = new_id()
            people.append(recipients.row_values(rid, person, actor.id, at))
            links.extend((rid, cat_ids[cat]) for cat in person.categories)
        c.executemany(recipients.INSERT_SQL, people)
        c.executemany("INSERT INTO recipient_categories(recipient_id, category_id) VALUES (?,?)", links)
        changes = _update_registered(db, actor, dups) if update else []
        after: dict[str, Any] = {"rows": len(people), "file": table.path.name, "sheet": table.sheet}
        if update:
            after["updated"] = [ch["id"] for ch in changes]
        if errors:
            after["invalid_rows"] = sorted({p.row for p in errors})
        audit.record(c, actor, "import", "recipients", table.path.name, None, after)
    result.imported = len(people)
    result.updated = len(changes)
    result.duplicates = len(dups)
    result.message = f"已导入 {len(people)} 人" + (f"，更新 {len(changes)} 人" if update else "")
    return result


def import_file(db: Database, actor: Operator, path: str | Path, *, sheet: str | None = None,
                header_row: int | None = None, mapping: Mapping[str, str | int | None] | None = None,
                dry_run: bool = False, skip_invalid: bool = False, update: bool = False,
                report: str | Path | None = None, today: dt.date | None = None) -> ImportResult:
    """Read, check and (unless refused or a dry run) write a roster; the command line calls this.

    A file that cannot be read gives a refused result, not an exception. With
    `report`, rows with problems are written back with a 错误说明 column.
    """
    require_write(actor)
    return run_import(
        path, report, dry_run,
        lambda: preview(db, path, sheet=sheet, header_row=header_row, mapping=mapping, today=today),
        lambda pv: apply(db, actor, pv, skip_invalid=skip_invalid, update=update, dry_run=dry_run))


# ---------- one row ----------

def split_village(village: str, group: str, own_village: str = "") -> tuple[str, str]:
    """村 and 组 apart when both are written in one cell (东风村3组); a group written alone or with
    a short village name (3组, 东风3组) belongs to the station's own village unless it names another."""
    if village or not group:
        return village, group
    m = _VILLAGE_GROUP.match(group)
    if m:
        return m.group(1), m.group(2)
    m = _SHORT_GROUP.match(group)
    if m:
        short, group = m.group(1).strip(), m.group(2)
        if not short or own_village.startswith(short):
            return own_village, group
        return short, group
    return village, group


def _check_row(headers: Mapping[str, str], row: sheets.Row, today: dt.date, own_village: str = "") -> RosterRow:
    problems = list(row.problems)
    bad = {p.column for p in problems}

    def text(key: str) -> str:
        v = row.get(key)
        return "" if v is None else str(v)

    notes: list[str] = []
    if text("note"):
        notes.append(text("note"))
    notes.extend(f"{h}：{v}" for h, v in row.notes)
    birth = row.get("birth_date")
    id_number = "" if headers["id_number"] in bad else text("id_number")
    sex_text = text("sex")
    if isinstance(birth, MonthOnly):
        if id_number:
            problems.extend(_month_mismatch(row.number, headers["birth_date"], birth, id_number, today))
        else:
            notes.append(f"{headers['birth_date']}：{birth.iso()}")
        birth = None
    phone, more = _first_phone(text("phone"))
    if more:
        notes.append(f"其他电话：{more}")
    village, group = split_village(text("village"), text("village_group"), own_village)
    data = RecipientInput(
        name=text("name"), id_number=id_number, sex=_SEXES.get(sex_text, sex_text), birth_date=birth,
        village=village, village_group=group, address=text("address"), phone=phone,
        guardian_name=text("guardian_name"), guardian_phone=text("guardian_phone"),
        guardian_relation=text("guardian_relation"), bank_name=text("bank_name"),
        bank_account=text("bank_account"), note="；".join(notes),
        categories=[c for c in _CATEGORY_SPLIT.split(text("categories")) if c],
    )
    try:
        person = recipients.clean(data, today=today)
    except InputError as exc:
        found = [p for p in _all_problems(headers, row.number, data, today) if p.column not in bad]
        problems.extend(found or ([] if problems else [Problem(row.number, "", exc.message, exc.reason)]))
        return RosterRow(row.number, None, problems, id_number=_valid_id(id_number, today))
    if problems:
        return RosterRow(row.number, None, problems, id_number=person.id_number)
    return RosterRow(row.number, person, problems, id_number=person.id_number)


def _valid_id(text: str, today: dt.date) -> str:
    try:
        return parse_id(text, today=today).number if text else ""
    except IdNumberError:
        return ""


def _first_phone(text: str) -> tuple[str, str]:
    """The first of several phone numbers in one cell, and the rest as text."""
    parts = [p for p in _PHONE_SPLIT.split(text) if p.strip()]
    if len(parts) <= 1:
        return text, ""
    return parts[0].strip(), "、".join(p.strip() for p in parts[1:])


def _month_mismatch(number: int, column: str, birth: MonthOnly, id_number: str,
                    today: dt.date) -> list[Problem]:
    try:
        parsed = parse_id(id_number, today=today)
    except IdNumberError:
        return []  # reported against the ID column
    if (parsed.birth_date.year, parsed.birth_date.month) != (birth.year, birth.month):
        return [Problem(number, column,
                        f"出生年月 {birth.iso()} 与身份证号不符（身份证号为 {parsed.birth_date.isoformat()}）",
                        "birth_mismatch")]
    return []


def _all_problems(headers: Mapping[str, str], number: int, d: RecipientInput,
                  today: dt.date) -> list[Problem]:
    """Every rule `recipients.clean` applies, each on its own, so a row lists all its problems."""
    out = []

    def add(key: str, exc: InputError) -> None:
        out.append(Problem(number, headers[key], exc.message, exc.reason))

    if not "".join(d.name.split()):
        add("name", InputError("empty", "没有填写"))
    if d.id_number.strip():
        try:
            parsed = parse_id(d.id_number, today=today)
        except IdNumberError as exc:
            add("id_number", exc)
        else:
            if d.sex and d.sex != parsed.sex:
                add("sex", InputError("sex_mismatch", f"性别“{d.sex}”与身份证号不符（身份证号显示为{parsed.sex}）"))
            if d.birth_date and d.birth_date != parsed.birth_date:
                add("birth_date", InputError(
                    "birth_mismatch", f"出生日期 {d.birth_date} 与身份证号不符（身份证号为 {parsed.birth_date}）"))
    elif d.sex and d.sex not in ("男", "女"):
        add("sex", InputError("bad_sex", f"性别应为 男 或 女：{d.sex}"))
    for key in ("phone", "guardian_phone"):
        value = getattr(d, key)
        if value.strip():
            try:
                parse_phone(value)
            except InputError as exc:
                add(key, exc)
    return out


# ---------- the register ----------

def _match_registered(db: Database, rows: list[RosterRow]) -> None:
    """Mark rows whose person is already registered: same ID number; without an ID, the same
    name, birth date and village as a registered person who has no ID either."""
    numbers = [r.person.id_number for r in rows if r.person is not None and r.person.id_number]
    by_number: dict[str, str] = {}
    for i in range(0, len(numbers), 500):
        chunk = numbers[i:i + 500]
        for rid, number in db.query(
                f"SELECT id, id_number FROM recipients WHERE id_number IN ({','.join('?' * len(chunk))})", chunk):
            by_number[number] = rid
    plain = [r for r in rows if r.person is not None and not r.person.id_number and r.person.birth_date]
    by_person: dict[tuple[str, str, str], str] = {}
    if plain:
        for rid, name, birth, village in db.query(
                "SELECT id, name, birth_date, village FROM recipients WHERE id_number IS NULL AND birth_date IS NOT NULL"):
            by_person.setdefault((name, birth, village), rid)
    for r in rows:
        p = r.person
        if p is None:
            r.existing_id = None
        elif p.id_number:
            r.existing_id = by_number.get(p.id_number)
        elif p.birth_date:
            r.existing_id = by_person.get((p.name, p.birth_date.isoformat(), p.village.strip()))


def _update_registered(db: Database, actor: Operator, rows: list[RosterRow]) -> list[dict[str, Any]]:
    """Change registered people to what the file says: non-empty cells replace, categories are added.

    Each changed person goes through `recipients.update_recipient`, so the
    person's own history shows the change with its before and after.
    """
    changes = []
    for r in rows:
        if r.person is None or r.existing_id is None:
            continue
        before = recipients.get_recipient(db, r.existing_id)
        current = RecipientInput(
            name=before.name, id_number=before.id_number or "", sex=before.sex,
            birth_date=dt.date.fromisoformat(before.birth_date) if before.birth_date else None,
            village=before.village, village_group=before.village_group, address=before.address,
            phone=before.phone, guardian_name=before.guardian_name, guardian_phone=before.guardian_phone,
            guardian_relation=before.guardian_relation, bank_name=before.bank_name,
            bank_account=before.bank_account, note=before.note, categories=list(before.categories),
            household_id=before.household_id, is_household_head=before.is_household_head,
        )
        new_values = {k: getattr(r.person, k) for k in _UPDATABLE if getattr(r.person, k).strip()}
        diff = {k: [getattr(current, k), v] for k, v in new_values.items() if getattr(current, k) != v}
        added = [cat for cat in r.person.categories if cat not in current.categories]
        if not diff and not added:
            continue
        recipients.update_recipient(db, actor, r.existing_id,
                                    replace(current, **new_values, categories=current.categories + added))
        entry: dict[str, Any] = {"id": r.existing_id, "row": r.number, "changes": diff}
        if added:
            entry["categories_added"] = added
        changes.append(entry)
    return changes
