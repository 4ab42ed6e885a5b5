"""Receipt speed: measures, never asserts.

(a) The donation desk: one donation saved (with its receipt number) and its
    receipt PDF bytes ready — target under 150 ms. The font is registered at
    start-up, as the GUI does; the first, cold call is shown too.
(b) 1,000 receipts in one PDF (`python -m app receipts`) against plain
    reportlab drawing exactly the same strings, at the same places and sizes,
    with the same embedded font — both as whole processes (start, imports,
    font, data, PDF written), side by side, alternating — target within 1.5×.

    python bench/bench_receipts.py [--donations 20000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# ---------- the plain reportlab baseline (run as its own process) ----------
def plain(strings_file: str, out: str) -> None:
    """Draw recorded pages with nothing but reportlab: same strings, font, sizes, places."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pages = json.loads(Path(strings_file).read_text(encoding="utf-8"))
    font = "WQYMicroHei"
    pdfmetrics.registerFont(TTFont(font, str(ROOT / "resources/fonts/wqy-microhei.ttc"), subfontIndex=0))
    c = Canvas(out, initialFontName=font)
    for page in pages:
        c.setPageSize(tuple(page["size"]))
        for text, x, y, size in page["strings"]:
            c.setFont(font, size)
            c.drawString(x, y, text)
        c.showPage()
    c.save()


def record_strings(db, layout: str) -> list[dict]:
    """Render our batch once while noting every string drawn, page by page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.pdfgen.textobject import PDFTextObject

    from app.donations import receipt_print
    from app.pdf.receipt import render

    pages: list[dict] = [{"size": None, "strings": []}]
    orig = {n: getattr(Canvas, n) for n in ("drawString", "drawCentredString", "drawRightString",
                                            "showPage")}

    def note(name):
        shift = {"drawString": 0.0, "drawCentredString": 0.5, "drawRightString": 1.0}[name]

        def f(self, x, y, text, *a, **k):
            left = x - shift * stringWidth(text, self._fontname, self._fontsize) if shift else x
            pages[-1]["strings"].append([text, left, y, self._fontsize])
            return orig[name](self, x, y, text, *a, **k)
        return f

    def show(self):
        pages[-1]["size"] = list(self._pagesize)
        pages.append({"size": None, "strings": []})
        return orig["showPage"](self)

    text_out = PDFTextObject.textOut

    def t_out(self, text):
        pages[-1]["strings"].append([text, self._x0, self._y0, self._fontsize])
        return text_out(self, text)

    try:
        for n in ("drawString", "drawCentredString", "drawRightString"):
            setattr(Canvas, n, note(n))
        Canvas.showPage = show
        PDFTextObject.textOut = t_out
        render(receipt_print.batch_views(db), layout)
    finally:
        for n, f in orig.items():
            setattr(Canvas, n, f)
        PDFTextObject.textOut = text_out
    return [p for p in pages if p["size"]]


def _run(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - t


def _setup(path: Path, donations: int) -> None:
    py = [sys.executable, "-m", "app", "--db", str(path)]
    subprocess.run(py + ["init", "--station-code", "ST01", "--station-name", "东风村慈善工作站",
                         "--township", "东风镇"], check=True, cwd=ROOT, capture_output=True)
    subprocess.run(py + ["demo", "--recipients", "200", "--donations", str(donations)],
                   check=True, cwd=ROOT, capture_output=True)
    subprocess.run(py + ["fund", "create", "--name", "助学定向基金", "--kind", "directed"],
                   cwd=ROOT, capture_output=True)


def _fresh_batch(path: Path, n: int) -> None:
    """`n` donations entered at the desk and never printed: what a batch print holds."""
    import random

    from app import demo
    from app.db import Database
    from app.donations import donations, donors
    from app.funds import funds
    from app.station import accounts

    rng = random.Random(5)
    db = Database.open(path)
    actor = accounts.SYSTEM
    fund_ids = [f.id for f in funds.list_funds(db)]
    today = dt.date.today()
    with db.transaction():
        people = [donors.create_donor(db, actor, "person", demo._name(rng)).id for _ in range(200)]
        for i in range(n):
            on = today - dt.timedelta(days=rng.randint(0, 300))
            base = dict(donor_id=rng.choice(people), donated_on=on, fund_id=rng.choice(fund_ids),
                        purpose=rng.choice(demo.PURPOSES))
            if i % 10 == 9:
                goods = [donations.GoodsLine(item, rng.randint(1, 30), unit, price)
                         for item, unit, price in rng.sample(demo.GOODS, rng.randint(1, 3))]
                data = donations.DonationInput(method=None, goods=goods, **base)
            else:
                data = donations.DonationInput(amount_fen=rng.choice((1000, 5000, 20000, 123456)),
                                               method=rng.choice(donations.METHODS), **base)
            donations.record_donation(db, actor, data)
    db.close()


def bench_desk(path: Path, n: int = 40) -> None:
    from app.db import Database
    from app.donations import donations, donors, receipt_print, receipts
    from app.pdf import fonts
    from app.station import accounts

    db = Database.open(path)
    actor = accounts.SYSTEM
    donor = donors.create_donor(db, actor, "person", "张三明")

    def once(i: int) -> float:
        t = time.perf_counter()
        d = donations.record_donation(db, actor, donations.DonationInput(
            donor.id, dt.date.today(), amount_fen=10000 + i, method="wechat", purpose="慈心一日捐"))
        r = receipts.receipt_for_donation(db, d.id)
        assert r is not None
        pdf = receipt_print.receipt_pdf(db, r.number)
        assert pdf.startswith(b"%PDF")
        return (time.perf_counter() - t) * 1000

    t = time.perf_counter()
    fonts.register()
    startup = (time.perf_counter() - t) * 1000
    cold = once(0)
    warm = sorted(once(i) for i in range(1, n + 1))
    print(f"(a) donation saved + receipt PDF ready ({db.scalar('SELECT count(*) FROM donations'):,} "
          f"donations in the file), target < 150 ms")
    print(f"    font registration at start-up: {startup:6.1f} ms (once per process)")
    print(f"    first save after start-up:     {cold:6.1f} ms")
    print(f"    next {n}: median {statistics.median(warm):6.1f} ms, "
          f"p95 {warm[int(len(warm) * 0.95) - 1]:6.1f} ms, max {warm[-1]:6.1f} ms")
    db.close()


def bench_batch(path: Path, tmp: Path, layouts: list[str], rounds: int) -> None:
    from app.db import Database

    db = Database.open(path)
    count = db.scalar("SELECT count(*) FROM donations")
    print(f"(b) {count:,} receipts in one PDF, whole process, best and median of {rounds}; "
          f"target ratio ≤ 1.5")
    runs = [(layout, layout) for layout in layouts]
    runs.append(("a4-3", "a4-3 copies"))  # every receipt already printed once: all marked 补打
    for layout, label in runs:
        if label.endswith("copies"):
            _run([sys.executable, "-m", "app", "--db", str(path), "receipts", "-o",
                  str(tmp / "count.pdf")])  # counts one print of each
        strings = tmp / f"strings-{label}.json"
        pages = record_strings(db, layout)
        strings.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        ours_cmd = [sys.executable, "-m", "app", "--db", str(path), "receipts", "--layout", layout,
                    "--no-count", "-o", str(tmp / f"ours-{layout}.pdf")]
        plain_cmd = [sys.executable, str(Path(__file__).resolve()), "--plain", str(strings),
                     str(tmp / f"plain-{layout}.pdf")]
        _run(ours_cmd), _run(plain_cmd)  # warm the file cache
        ours, base = [], []
        for _ in range(rounds):
            ours.append(_run(ours_cmd))
            base.append(_run(plain_cmd))
        n_str = sum(len(p["strings"]) for p in pages)
        o_sz = (tmp / f"ours-{layout}.pdf").stat().st_size / 1e6
        p_sz = (tmp / f"plain-{layout}.pdf").stat().st_size / 1e6
        print(f"    {label:11} {len(pages):5} pages {n_str:6} strings | CharityDesk "
              f"{min(ours):5.2f} s (median {statistics.median(ours):5.2f}, {o_sz:.1f} MB) | "
              f"plain reportlab {min(base):5.2f} s (median {statistics.median(base):5.2f}, "
              f"{p_sz:.1f} MB) | ratio {min(ours) / min(base):.2f} "
              f"(median {statistics.median(ours) / statistics.median(base):.2f})")
    db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plain", nargs=2, metavar=("STRINGS.json", "OUT.pdf"), help=argparse.SUPPRESS)
    ap.add_argument("--donations", type=int, default=20000, help="donations in the desk's file")
    ap.add_argument("--batch", type=int, default=1000, help="receipts in the batch PDF")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--layouts", default="a5,a4-3,slip")
    args = ap.parse_args()
    if args.plain:
        plain(*args.plain)
        return
    with tempfile.TemporaryDirectory(prefix="bench-receipts-") as d:
        tmp = Path(d)
        desk, batch = tmp / "desk.db", tmp / "batch.db"
        _setup(desk, args.donations)
        _setup(batch, 0)
        _fresh_batch(batch, args.batch)
        bench_desk(desk)
        bench_batch(batch, tmp, args.layouts.split(","), args.rounds)


if __name__ == "__main__":
    main()
