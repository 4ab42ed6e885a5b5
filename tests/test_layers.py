"""STYLE.md practice 1, enforced: app/ never imports Qt; ui/ never writes SQL."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_app_imports_no_qt():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "app").rglob("*.py") if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "qt = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt')) or m == 'ui' "
        "or m.startswith('ui.')]\n"
        "print(qt); sys.exit(1 if qt else 0)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert len(modules) > 10


def test_app_sources_do_not_mention_qt():
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(PySide6|PyQt\d|ui\b)", text, re.M), path


SQL = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b",
                 re.I)


def test_ui_writes_no_sql():
    for path in (ROOT / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not SQL.search(text), f"SQL in {path}"
        assert "sqlite3" not in text and ".execute(" not in text, path
