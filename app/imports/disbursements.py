"""Bringing in past aid (last year's sign-off lists), so the not-again rules count it from day one.

Read through the shared reader (`app.sheets`), checked row by row, then written
all or nothing (`app.imports.common`). Each row is one person who received aid: the
person is found in the register by ID number (or, without one, by a name that
only one registered person in that village has); the programme and date come
from the file's 项目 / 发放日期 columns or from the command line. Rows become
lines of confirmed distributions with origin ``import``, one distribution per
programme and date, status 已签领. They record history only: no money leaves a
fund (it left before the station used this program) and they do not count
against a programme's budget.

People on the list who are not registered yet are reported, not imported and
not an error: register them (import-recipients) and import the list again —
rows already brought in are recognised and left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import audit, sheets
from app.changes import Changes
from app.db import Database, now_iso
from app.errors import InputError
from app.ids import new_id
from app.imports.common import ImportResult, backup_before_writing, run_import, stop_before_writing
from app.programmes.programmes import Programme, find_programme
from app.rules.idcard import IdNumberError, parse_id
from app.sheets import AMOUNT, CODE, DATE, Field, MonthOnly, Problem, Row, Table
from app.station import station
from app.station.accounts import Operator, require_admin

KIND = "recipients"  # the person columns are named as in rosters
CHANGES = Changes(distributions=True, funds=True, recipients=True, programmes=True)  # what an import of this kind may change
EARLIEST = dt.date(1990, 1, 1)

FIELDS = sheets.fields(KIND, (
    Field("seq", "序号", informational=True),
    Field("name", "姓名", required=True, synonyms=("领取人姓名", "受助人员")),
    Field("id_number", "身份证号", CODE),
    Field("village", "地区/村"),
    Field("village_group", "村组"),
    Field("categories", "类别", informational=True),
    Field("amount", "金额", AMOUNT, synonyms=("发放金额", "救助金额", "补助金额", "慰问金", "慰问金额", "实发金额",
                                            "发放标准", "标准", "金额合计")),
    Field("goods", "发放物资", synonyms=("物资", "物品", "发放物品", "慰问品")),
    Field("date", "发放日期", DATE, synonyms=("日期", "发放时间", "领取日期", "领取时间")),
    Field("programme", "救助项目", synonyms=("项目", "项目名称", "救助类型", "发放项目")),
    Field("signature", "领取人签字", informational=True,
          synonyms=("领取人签字手印", "签字", "签名", "领取人签名", "本人签字", "手印", "签字或手印")),
    Field("note", "备注", synonyms=("说明",)),
))


@dataclass
class AidRow:
    """One row of the list: who, which programme, when, how much — or its problems."""

    number: int
    name: str
    id_number: str = ""
    village: str = ""
    recipient_id: str | None = None
    programme: Programme | None = None
    on: dt.date | None = None
    amount_fen: int = 0
    goods: str = ""
    note: str = ""
    problems: list[Problem] = field(default_factory=list)
    status: str = "new"  # new, duplicate (already brought in), unregistered, invalid


@dataclass
class AidPreview:
    table: Table
    rows: list[AidRow]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "duplicate": 0, "unregistered": 0, "invalid": 0}
        for r in self.rows:
            out[r.status] += 1
        return out

    def unregistered(self) -> list[dict[str, Any]]:
        return [{"row": r.number, "name": r.name, "id_number": r.id_number, "village": r.village}
                for r in self.rows if r.status == "unregistered"]


def preview(db: Database, path: str | Path, *, programme: str | None = None, on: dt.date | None = None,
            sheet: str | None = None, header_row: int | None = None,
            mapping: Mapping[str, str | int | None] | None = None, today: dt.date | None = None) -> AidPreview:
    """Read and check a list; nothing is written. Raises `SheetError` for an unreadable file."""
    today = today or dt.date.today()
    default_prog = find_programme(db, programme) if programme else None
    table = sheets.read_table(path, FIELDS, sheet=sheet, header_row=header_row, mapping=mapping)
    head = {f.key: table.column_header(f.key) for f in FIELDS}
    progs = _ProgrammeNames(db)
    rows: list[AidRow] = []
    for row in table.rows:
        r = AidRow(row.number, "".join(str(row.get("name") or "").split()), problems=list(row.problems))
        bad = {p.column for p in r.problems}
        _read_person(r, row, head, bad, today)
        _read_programme(r, row, head, bad, progs, default_prog)
        _read_date(r, row, head, bad, on, today)
        _read_amount(r, row, head, bad)
        rows.append(r)
    _match(db, rows, head)
    return AidPreview(table, rows)


class _ProgrammeNames:
    """Programmes by the name a list gives, each looked up once (None: no such programme)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._found: dict[str, Programme | None] = {}

    def get(self, name: str) -> Programme | None:
        if name not in self._found:
            try:
                self._found[name] = find_programme(self._db, name)
            except InputError:
                self._found[name] = None
        return self._found[name]


def _read_person(r: AidRow, row: Row, head: Mapping[str, str], bad: set[str], today: dt.date) -> None:
    """Who the row is about: name, village, ID number (checked), goods and the note."""
    r.village = str(row.get("village") or "").strip()
    r.goods = str(row.get("goods") or "").strip()
    r.note = "；".join([str(row.get("note") or "").strip()] + [f"{h}：{v}" for h, v in row.notes]).strip("；")
    if not r.name and head["name"] not in bad:
        r.problems.append(Problem(r.number, head["name"], "没有填写姓名", "empty"))
    raw_id = str(row.get("id_number") or "")
    if raw_id and head["id_number"] not in bad:
        try:
            r.id_number = parse_id(raw_id, today=today).number
        except IdNumberError as exc:
            r.problems.append(Problem(r.number, head["id_number"], exc.message, exc.reason))


def _read_programme(r: AidRow, row: Row, head: Mapping[str, str], bad: set[str], progs: _ProgrammeNames,
                    default_prog: Programme | None) -> None:
    """The row's programme: its own column, else the one given for the whole list."""
    name = str(row.get("programme") or "").strip()
    if name:
        r.programme = progs.get(name)
        if r.programme is None:
            r.problems.append(Problem(r.number, head["programme"],
                                      f"没有名为“{name}”的救助项目，请先建立项目", "no_programme"))
    elif default_prog is not None:
        r.programme = default_prog
    elif head["programme"] not in bad:
        r.problems.append(Problem(r.number, head["programme"],
                                  "不知道是哪个救助项目：表格中没有“救助项目”列，请用 --programme 指定",
                                  "no_programme"))


def _read_date(r: AidRow, row: Row, head: Mapping[str, str], bad: set[str], on: dt.date | None,
               today: dt.date) -> None:
    """The row's day (a month alone counts as its 1st), else the one given for the whole list."""
    when = row.get("date") if head["date"] not in bad else None
    if isinstance(when, MonthOnly):
        r.note = "；".join(x for x in (r.note, f"发放日期只写到月（{when.iso()}），按当月 1 日记") if x)
        when = dt.date(when.year, when.month, 1)
    r.on = when or on
    if r.on is None and head["date"] not in bad:
        r.problems.append(Problem(r.number, head["date"],
                                  "没有发放日期：表格中没有“发放日期”列，请用 --date 指定", "no_date"))
    elif r.on is not None and (r.on > today or r.on < EARLIEST):
        r.problems.append(Problem(r.number, head["date"], f"发放日期 {r.on} 不合理（应在 1990 年到今天之间）",
                                  "bad_date"))


def _read_amount(r: AidRow, row: Row, head: Mapping[str, str], bad: set[str]) -> None:
    """The amount (else the programme's), and a goods programme's goods when the row names none."""
    amount = row.get("amount") if head["amount"] not in bad else None
    if amount is None and r.programme is not None:
        amount = r.programme.amount_fen
    r.amount_fen = int(amount or 0)
    if r.programme is not None and r.programme.kind == "goods" and not r.goods:
        r.goods = r.programme.goods


def _match(db: Database, rows: list[AidRow], head: Mapping[str, str]) -> None:
    """Find each row's person; mark duplicates within the file and rows already brought in."""
    numbers = [r.id_number for r in rows if r.id_number]
    by_number: dict[str, tuple[str, str, str]] = {}
    for i in range(0, len(numbers), 500):
        chunk = numbers[i:i + 500]
        for rid, number, name, village in db.query(
                f"SELECT id, id_number, name, village FROM recipients WHERE id_number IN ({','.join('?' * len(chunk))})",
                chunk):
            by_number[number] = (rid, name, village)
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if any(not r.id_number for r in rows):
        for rid, name, village in db.query("SELECT id, name, village FROM recipients"):
            by_name[name].append((rid, village))
    seen: dict[tuple[str, str, dt.date], int] = {}
    for r in rows:
        if r.id_number:
            hit = by_number.get(r.id_number)
            if hit:
                r.recipient_id = hit[0]
                r.village = r.village or hit[2]
        elif r.name:
            same = [x for x in by_name.get(r.name, []) if not r.village or x[1] == r.village]
            if len(same) == 1:
                r.recipient_id, r.village = same[0][0], r.village or same[0][1]
            elif len(same) > 1:
                r.problems.append(Problem(r.number, head["id_number"],
                                          f"登记了 {len(same)} 个叫 {r.name} 的人，请填写身份证号以便区分",
                                          "ambiguous_name"))
        if r.problems:
            r.status = "invalid"
            continue
        if r.recipient_id is None:
            r.status = "unregistered"
            continue
        assert r.programme is not None and r.on is not None
        key = (r.recipient_id, r.programme.id, r.on)
        if key in seen:
            r.problems.append(Problem(r.number, head["name"], f"与第 {seen[key]} 行是同一人、同一项目、同一天",
                                      "duplicate_in_file"))
            r.status = "invalid"
            continue
        seen[key] = r.number
        if db.one("SELECT 1 FROM distributions d JOIN disbursements b ON b.distribution_id = d.id"
                  " WHERE d.programme_id = ? AND d.distributed_on = ? AND d.status = 'confirmed'"
                  " AND b.recipient_id = ? AND b.status != 'reversed'",
                  (r.programme.id, r.on.isoformat(), r.recipient_id)):
            r.status = "duplicate"


def apply(db: Database, actor: Operator, pv: AidPreview, *, skip_invalid: bool = False,
          dry_run: bool = False) -> ImportResult:
    """Write the previewed rows: all or none (unless `skip_invalid`); a dry run writes nothing."""
    require_admin(actor, "导入以往发放记录")
    table = pv.table
    errors = pv.problems
    counts = pv.counts()
    unregistered = pv.unregistered()
    result = ImportResult(
        file=table.path.name, sheet=table.sheet, skipped=len(table.skipped), errors=errors,
        valid=counts["new"] + counts["duplicate"] + counts["unregistered"], duplicates=counts["duplicate"],
        dry_run=dry_run,
        details={"header_row": table.header_row, "columns": table.columns, "unregistered": unregistered,
                 "distributions": []},
    )
    tail = f"；{len(unregistered)} 人尚未登记，没有导入（先登记后再导入这份名单即可）" if unregistered else ""
    if stop_before_writing(result, skip_invalid=skip_invalid, ready=f"{counts['new']} 行可以导入", tail=tail):
        return result
    backup_before_writing(db)
    groups: dict[tuple[str, dt.date], list[AidRow]] = defaultdict(list)
    for r in pv.rows:
        if r.status == "new" and r.programme is not None and r.on is not None:
            groups[(r.programme.id, r.on)].append(r)
    code = station.get_station(db).station_code
    made = []
    with db.transaction() as c:
        at = now_iso()
        for (pid, on), members in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            did = _distribution(c, actor, pid, on, code, table.path.name, at,
                                len(members), sum(r.amount_fen for r in members))
            start = int(c.execute("SELECT coalesce(max(line_no), 0) FROM disbursements WHERE distribution_id = ?",
                                  (did,)).fetchone()[0])
            lines = []
            for n, r in enumerate(members, start=start + 1):
                lines.append((new_id(), did, n, r.recipient_id, r.name, r.id_number, r.village, r.amount_fen,
                              r.goods, f"导入：{table.path.name} 第 {r.number} 行" + (f"；{r.note}" if r.note else ""),
                              at, actor.id, at, actor.id))
            c.executemany(
                "INSERT INTO disbursements(id, distribution_id, line_no, recipient_id, name, id_number, village,"
                " amount_fen, goods, status, reason, status_at, status_by, created_at, created_by)"
                " VALUES (?,?,?,?,?,?,?,?,?,'signed',?,?,?,?,?)", lines)
            made.append({"distribution": did, "programme": members[0].programme.name if members[0].programme else "",
                         "date": on.isoformat(), "lines": len(lines)})
            audit.record(c, actor, "import", "disbursements", did, None, {
                "file": table.path.name, "sheet": table.sheet, "lines": len(lines),
                "rows": [r.number for r in members], "total_fen": sum(r.amount_fen for r in members)})
    result.imported = sum(len(m) for m in groups.values())
    result.details["distributions"] = made
    result.message = f"已导入 {result.imported} 条以往发放记录" + (
        f"，{counts['duplicate']} 条此前已导入" if counts["duplicate"] else "") + tail
    return result


def _distribution(c: Any, actor: Operator, programme_id: str, on: dt.date, code: str, file: str, at: str,
                  people: int, total_fen: int) -> str:
    """The imported distribution of this programme and day (made once, then added to: its `people`
    and `total_fen` stay as first imported, the lines hold the rest)."""
    row = c.execute("SELECT id FROM distributions WHERE programme_id = ? AND distributed_on = ? AND origin = 'import'"
                    " AND status = 'confirmed'", (programme_id, on.isoformat())).fetchone()
    if row is not None:
        c.execute("UPDATE distributions SET updated_at = ?, updated_by = ? WHERE id = ?", (at, actor.id, row[0]))
        return str(row[0])
    did = new_id()
    c.execute("INSERT INTO distributions(id, programme_id, distributed_on, status, origin, people, total_fen, note,"
              " station_code, created_at, created_by, updated_at, updated_by, confirmed_at, confirmed_by)"
              " VALUES (?,?,?,'confirmed','import',?,?,?,?,?,?,?,?,?,?)",
              (did, programme_id, on.isoformat(), people, total_fen, f"从 {file} 导入的以往发放记录", code, at,
               actor.id, at, actor.id, at, actor.id))
    audit.record(c, actor, "create", "distributions", did, None,
                 {"programme_id": programme_id, "date": on.isoformat(), "origin": "import", "file": file})
    return did


def import_file(db: Database, actor: Operator, path: str | Path, *, programme: str | None = None,
                on: dt.date | None = None, sheet: str | None = None, header_row: int | None = None,
                mapping: Mapping[str, str | int | None] | None = None, dry_run: bool = False,
                skip_invalid: bool = False, report: str | Path | None = None,
                today: dt.date | None = None) -> ImportResult:
    """Read, check and (unless refused or a dry run) write a past aid list; the command line calls this."""
    require_admin(actor, "导入以往发放记录")
    return run_import(
        path, report, dry_run,
        lambda: preview(db, path, programme=programme, on=on, sheet=sheet, header_row=header_row,
                        mapping=mapping, today=today),
        lambda pv: apply(db, actor, pv, skip_invalid=skip_invalid, dry_run=dry_run))
