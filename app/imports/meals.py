"""The canteen's monthly meal list (就餐登记表), in either shape canteens keep: one row per person
with a meal count, or a daily grid (a column per day 1–31: ticks, 1s or counts).

Read through the shared reader (`app.sheets`), every row checked (`app.meals.counts`), then
written all or nothing (`app.imports.common`). A row is matched by ID number when it has one,
otherwise by name among the people enrolled at the canteen that month, a village or group column
telling namesakes apart. A month already paid is refused as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import sheets
from app.db import Database
from app.errors import Conflict
from app.imports.common import ImportResult, backup_before_writing, run_import, stop_before_writing
from app.meals import counts
from app.meals.scheme import Canteen
from app.rules.idcard import normalise
from app.sheets import CODE, INT, Field, Problem, Table
from app.station.accounts import Operator

FIELDS = sheets.fields("recipients", (
    Field("seq", "序号", informational=True),
    Field("name", "姓名", required=True, synonyms=("老人姓名", "就餐人", "就餐老人")),
    Field("id_number", "身份证号", CODE),
    Field("village", "地区/村"),
    Field("village_group", "村组"),
    Field("meals", "就餐次数", INT, synonyms=("餐次", "就餐餐次", "用餐次数", "次数", "合计", "合计餐次",
                                            "就餐天数", "天数", "本月就餐")),
    Field("note", "备注", synonyms=("说明",)),
))
_DAY = re.compile(r"(\d{1,2})(?:\.0)?\s*[日号]?")


@dataclass
class MealPreview:
    table: Table
    month: str
    counts: dict[str, tuple[list[int], int]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    grid: bool = False


def _day_columns(table: Table) -> dict[str, int]:
    out: dict[str, int] = {}
    for col in table.layout.notes:
        header = str(table.layout.headers[col]).strip()
        m = _DAY.fullmatch(header)
        if m:
            out[header] = int(m.group(1))
    return out


def preview(db: Database, path: str | Path, canteen: Canteen, month: str) -> MealPreview:
    table = sheets.read_table(path, FIELDS)
    pv = MealPreview(table, month)
    day_cols = _day_columns(table)
    header_row = table.header_row
    for header, d in day_cols.items():
        if not 1 <= d <= counts.DAYS:
            pv.errors.append(Problem(header_row, header, f"日期列只能是 1–31 日，这一列写的是“{header}”", "bad_day"))
    pv.grid = bool(day_cols)
    if not pv.grid and "meals" not in table.layout.columns:
        pv.errors.append(Problem(header_row, "", "表中既没有“就餐次数”列，也没有 1–31 日的日期列", "no_meals"))
    if pv.errors:
        return pv
    enrolled = _enrolled_names(db, canteen, month)
    by_id = {r[1]: r[0] for r in db.tuples("SELECT id, id_number FROM recipients WHERE id_number IS NOT NULL")} \
        if any(r.get("id_number") for r in table.rows) else {}
    found: dict[str, tuple[int, list[int], int]] = {}
    id_header = table.layout.header_of("id_number") or "身份证号"
    name_header = table.layout.header_of("name") or "姓名"
    meals_header = table.layout.header_of("meals") or "就餐次数"
    total: int | None
    for row in table.rows:
        pv.errors.extend(row.problems)
        if row.problems:
            continue
        rid = _match(row, by_id, enrolled, pv.errors, id_header, name_header)
        days: list[int] = []
        bad = False
        if pv.grid:
            days = [0] * counts.DAYS
            for header, text in row.notes:
                col_day = day_cols.get(str(header).strip())
                if col_day is None:
                    continue
                try:
                    days[col_day - 1] += counts.parse_mark(text)
                except ValueError:
                    pv.errors.append(Problem(row.number, header, counts.mark_problem(text, col_day), "bad_mark"))
                    bad = True
            total = sum(days)
            stated = row.get("meals")
            if stated is not None and stated != total and not bad:
                pv.errors.append(Problem(row.number, meals_header,
                                         f"合计写的是 {stated} 餐，每日加起来是 {total} 餐", "total_mismatch"))
                bad = True
        else:
            total = row.get("meals")
            if total is None:
                pv.errors.append(Problem(row.number, meals_header, "没有填就餐次数", "no_count"))
                bad = True
            elif total < 0:
                pv.errors.append(Problem(row.number, meals_header, f"就餐次数不能是负数：{total}", "negative"))
                bad = True
        if rid is None or bad:
            continue
        if rid in found:
            pv.errors.append(Problem(row.number, name_header, f"{row.get('name')} 在第 {found[rid][0]} 行已经有了",
                                     "twice"))
            continue
        found[rid] = (row.number, days, int(total or 0))
    people = counts.people_for(db, list(found))
    other = counts.elsewhere_days(db, canteen.id, month)
    for rid, (number, days, total) in found.items():
        person = people[rid]
        if not days:
            days_check = [0] * counts.DAYS
            problems = counts.day_problems(person, canteen.id, month, days_check, {})
            if not any(s[2] == canteen.id for s in person.spans):
                problems = [(0, f"{person.name} 没有在本助餐点登记助餐")]
        else:
            problems = counts.day_problems(person, canteen.id, month, days, other.get(rid, {}))
        for d, msg in problems:
            column = next((h for h, dd in day_cols.items() if dd == d), "") if d else name_header
            pv.errors.append(Problem(number, column or name_header, msg, "bad_day"))
        if not problems and total:
            pv.counts[rid] = (days, total)
    pv.errors.sort(key=lambda p: p.row)
    return pv


def _enrolled_names(db: Database, canteen: Canteen, month: str) -> dict[str, list[tuple[str, str, str]]]:
    """Name → [(recipient id, village, group)] of people enrolled at the canteen during the month."""
    first, last = f"{month}-01", f"{month}-{counts.month_days(month):02d}"
    out: dict[str, list[tuple[str, str, str]]] = {}
    for rid, name, village, group in db.tuples(
            "SELECT DISTINCT r.id, r.name, r.village, r.village_group FROM meal_enrolments e JOIN recipients r"
            " ON r.id = e.recipient_id WHERE e.canteen_id = ? AND (e.enrolled_from = '' OR e.enrolled_from <= ?)"
            " AND (e.closed_on IS NULL OR e.closed_on >= ?)", (canteen.id, last, first)):
        out.setdefault(name, []).append((rid, village, group))
    return out


def _match(row: Any, by_id: dict[str, str], enrolled: dict[str, list[tuple[str, str, str]]],
           errors: list[Problem], id_header: str, name_header: str) -> str | None:
    name = (row.get("name") or "").strip()
    idn = normalise(str(row.get("id_number") or ""))
    if idn:
        rid = by_id.get(idn)
        if rid is None:
            errors.append(Problem(row.number, id_header, f"身份证号 {idn} 不在受助对象名册中", "unregistered"))
        return rid
    options = enrolled.get(name, [])
    village = (row.get("village") or "").strip()
    group = (row.get("village_group") or "").strip()
    if village:
        options = [o for o in options if village in o[1] or o[1] in village]
    if group:
        options = [o for o in options if o[2] == group or o[2].rstrip("组") == group.rstrip("组")]
    if not options:
        errors.append(Problem(row.number, name_header, f"本助餐点登记助餐的人中没有{name}"
                              + ("（按所填村、组）" if village or group else "") + "：请填身份证号，或先登记助餐",
                              "not_enrolled"))
        return None
    if len(options) > 1:
        errors.append(Problem(row.number, name_header, f"本助餐点有 {len(options)} 个{name}，"
                              "请填身份证号或村、组以区分", "namesake"))
        return None
    return options[0][0]


def import_meals(db: Database, actor: Operator, path: str | Path, canteen: Canteen, month: str, *,
                 dry_run: bool = False, report: str | Path | None = None) -> ImportResult:
    """Read, check and (all or nothing) write a canteen's month."""
    def apply(pv: MealPreview) -> ImportResult:
        result = ImportResult(file=Path(path).name, sheet=pv.table.sheet, errors=pv.errors, dry_run=dry_run,
                              skipped=len(pv.table.skipped), valid=len(pv.counts))
        meals = sum(t for _, t in pv.counts.values())
        result.details = {"canteen": canteen.name, "month": month, "shape": "grid" if pv.grid else "counts",
                          "people": len(pv.counts), "meals": meals}
        if stop_before_writing(result, skip_invalid=False, ready=f"{len(pv.counts)} 人 {meals} 餐可以导入"):
            return result
        backup_before_writing(db)
        result.imported = counts.save_month(db, actor, canteen, month, pv.counts, source=Path(path).name)
        result.message = f"已导入“{canteen.name}”{month} 的就餐记录：{result.imported} 人，{meals} 餐"
        return result

    try:
        counts.refuse_if_settled(db, canteen, month)
    except Conflict as exc:
        return ImportResult(file=Path(path).name, errors=[Problem(0, "", exc.message, exc.reason)], dry_run=dry_run,
                            refused=True, message=exc.message, reason=exc.reason)
    return run_import(path, report, dry_run, lambda: preview(db, path, canteen, month), apply)


def import_month(db: Database, actor: Operator, path: str | Path, canteen_id: str, month: str) -> ImportResult:
    """The window's import, on the worker with its own connection."""
    from app.meals.scheme import get_canteen

    own = db.reopen()
    try:
        return import_meals(own, actor, path, get_canteen(own, canteen_id), month)
    finally:
        own.close()
