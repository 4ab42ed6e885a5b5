"""Township consolidation at a town's scale: 50 station files, 100,000 people, 250,000 aid lines.

Prints our time for `consolidate` (check every file, load the cache, find duplicates, write the
township workbook and 50 return files), the floor — python-calamine only reading the same files,
every sheet — and the ratio. The files are made once with the program's own exchange-file writer
(synthetic stations, 2% of people registered and aided at a second station) and kept in
/tmp/charitydesk-bench-consolidate. Target (issue 18): under 15 s on a 2-core PC.

    python bench/bench_consolidate.py [--stations 50] [--people 100000] [--lines 250000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.rules.idcard import check_char  # noqa: E402
from app.township.consolidate import consolidate  # noqa: E402
from app.township.format import AID, DONATIONS, FUNDS, REGISTER  # noqa: E402
from app.township.station_file import Span, write_exchange  # noqa: E402

NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "秀英明华建国桂兰小红志强玉梅海燕春生德福"
#: Programmes and their distribution days (大病救助: any day), as stations run them.
PROGRAMMES = [("高龄老人慰问金", "现金救助", 20000, ["2025-01-10", "2025-04-10", "2025-07-10", "2025-10-10"]),
              ("冬季送温暖", "实物救助", 15000, ["2025-01-20", "2025-12-20"]),
              ("助学金", "现金救助", 50000, ["2025-03-01", "2025-09-01"]),
              ("大病救助", "现金救助", 100000, [])]


def _id(rng: random.Random, n: int) -> str:
    birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(80 * 365))
    body = f"370102{birth:%Y%m%d}{n % 1000:03d}"
    return body + check_char(body)


def make_files(folder: Path, stations: int, people: int, lines: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    per_people, per_lines = people // stations, lines // stations
    everyone = [_id(rng, n) for n in range(people)]
    paths = []
    for s in range(stations):
        code = f"370102{s + 1:03d}001"
        ident = {"station_code": code, "station_uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                 "name": f"第{s + 1}村慈善工作站", "township": "东风镇"}
        mine = everyone[s * per_people:(s + 1) * per_people]
        # 2% also registered here though they live at the next station: double registrations.
        mine = mine + everyone[((s + 1) % stations) * per_people:][: per_people // 50]
        register = []
        for i, idn in enumerate(mine):
            name = rng.choice(NAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
            register.append([code, f"{code}-r{i}", name, idn, "男" if int(idn[16]) % 2 else "女", birth,
                             f"第{s + 1}村", f"{i % 9 + 1}组", f"{code}-h{i // 3}", "高龄老人", "在册", ""])
        aid = []
        given: set[tuple[int, str, str]] = set()  # one line per person and distribution day
        while len(aid) < per_lines:
            i = rng.randrange(len(register))
            prog, kind, fen, days = rng.choice(PROGRAMMES)
            day = (dt.date.fromisoformat(rng.choice(days)) if days
                   else dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365)))
            if (i, prog, day.isoformat()) in given:
                continue
            given.add((i, prog, day.isoformat()))
            j = len(aid)
            counted = rng.random() > 0.02
            aid.append([code, f"{code}-l{j}", day.isoformat(), prog, kind, register[i][1], register[i][2],
                        register[i][3], register[i][6], fen, "", "已签收" if counted else "已冲销",
                        "是" if counted else "否"])
        donations = [[code, f"f1:2025-{m:02d}", "慈善基金（非定向）", f"2025-{m:02d}", 40, 40 * 20000, 1]
                     for m in range(1, 13)]
        funds = [[code, "f1", "慈善基金（非定向）", "非定向", 0, 12 * 800000, sum(r[9] for r in aid if r[12] == "是"),
                  12 * 800000 - sum(r[9] for r in aid if r[12] == "是")]]
        path = folder / f"{code}.xlsx"
        write_exchange(path, ident, Span(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                       {REGISTER.name: register, AID.name: aid, DONATIONS.name: donations, FUNDS.name: funds})
        paths.append(path)
    return paths


def calamine_only(paths: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for p in paths:
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
        wb.close()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stations", type=int, default=50)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--lines", type=int, default=250_000)
    args = ap.parse_args()
    folder = Path(tempfile.gettempdir()) / f"charitydesk-bench-consolidate-v2-{args.stations}-{args.people}-{args.lines}"
    if not folder.is_dir() or len(list(folder.glob("*.xlsx"))) != args.stations:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        start = time.perf_counter()
        make_files(folder, args.stations, args.people, args.lines)
        print(f"made {args.stations} station files in {time.perf_counter() - start:.1f} s: {folder}")
    paths = sorted(folder.glob("*.xlsx"))
    floor = calamine_only(paths)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        out = consolidate(paths, Path(tmp) / "town.xlsx", cache=Path(tmp) / "cache.db",
                          return_dir=Path(tmp) / "returns")
        ours = time.perf_counter() - start
    t = out.totals
    print(f"stations {len(out.stations)}, registered {t['registered']:,}, aid lines {t['aid_lines']:,}, "
          f"duplicate aid {len(out.duplicate_aid):,}, double registrations {len(out.duplicates):,}, "
          f"set aside {len(out.rejected)}")
    print(f"consolidate (ours):        {ours:6.2f} s  (target < 15 s)")
    print(f"calamine only reading:     {floor:6.2f} s")
    print(f"ratio ours / floor:        {ours / floor:6.2f}")


if __name__ == "__main__":
    main()
