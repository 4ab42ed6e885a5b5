"""STYLE.md practices 1 and 2, enforced by a machine.

The import rules between packages (app/ never imports Qt or ui/, domains import only downward)
are import-linter contracts in pyproject.toml, run by `lint-imports` in the README's test command;
the tests below check what an import graph cannot see, by reading the syntax tree:
- ui/ holds no SQL (adjacent literals, `+` and f-strings joined first) and never touches the
  database's internals (`conn`, `execute*`, `query`, `transaction`, `tuples`, `scalar`);
- app/ does not reach Qt through `importlib` or `__import__` either;
- only app/db.py opens SQLite or touches a connection's `row_factory` / a `Database`'s `conn`.
Each rule is shown to fail on a planted violation, and to pass on the tree as it is.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)|DROP\s+(TABLE|INDEX|VIEW|TRIGGER)|ALTER\s+TABLE|PRAGMA\s+\w+)",
    re.I | re.S,
)
DB_INTERNALS = {"conn", "execute", "executemany", "executescript", "query", "transaction", "tuples",
                "scalar"}
QT = re.compile(r"^(PySide\d|shiboken\d|PyQt\d|ui)(\.|$)")


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every string the code could hand to SQLite: literals (Python joins adjacent ones), f-string
    text with its holes left out, and `"a" + "b"` chains folded."""
    folded: set[int] = set()

    def fold(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return " ".join(v.value for v in node.values
                            if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = fold(node.left), fold(node.right)
            if left is not None or right is not None:
                folded.update((id(node.left), id(node.right)))
                return (left or " ") + " " + (right or " ")
        return None

    for node in ast.walk(tree):
        if id(node) in folded:
            continue
        text = fold(node)
        if text is not None:
            yield node.lineno, text


def _import_targets(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Modules imported, also through `importlib.import_module("…")` and `__import__("…")`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            for a in node.names:
                yield node.lineno, f"{node.module}.{a.name}"
        elif isinstance(node, ast.Call) and node.args:
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            arg = node.args[0]
            if name in ("import_module", "__import__") and isinstance(arg, ast.Constant) \
                    and isinstance(arg.value, str):
                yield node.lineno, arg.value


def ui_violations(source: str) -> list[str]:
    tree = ast.parse(source)
    found = [f"l.{n}: SQL {m.group(0)[:40]!r}" for n, s in _strings(tree) if (m := SQL.search(s))]
    found += [f"l.{n}: imports {mod}" for n, mod in _import_targets(tree)
              if mod.split(".")[0] in ("sqlite3", "sqlite_utils", "apsw")]
    found += [f"l.{node.lineno}: .{node.attr}" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and node.attr in DB_INTERNALS]
    return found


def app_violations(source: str, *, is_db: bool = False) -> list[str]:
    tree = ast.parse(source)
    found = [f"l.{n}: imports {mod}" for n, mod in _import_targets(tree) if QT.match(mod)]
    if not is_db:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and (
                    node.attr in ("conn", "row_factory")
                    or (node.attr == "connect" and isinstance(node.value, ast.Name)
                        and node.value.id == "sqlite3")):
                found.append(f"l.{node.lineno}: .{node.attr} outside app/db.py")
        found += [f"l.{n}: imports {mod}" for n, mod in _import_targets(tree)
                  if mod in ("sqlite3.connect", "apsw")]
    return found


def _tree(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


# ---------- the tree as it is ----------

def test_ui_holds_no_sql_and_no_database_internals():
    problems = {str(p.relative_to(ROOT)): v for p in _tree("ui") + [ROOT / "main.py"]
                if (v := ui_violations(p.read_text(encoding="utf-8")))}
    assert problems == {}


def test_app_reaches_no_qt_and_only_db_opens_sqlite():
    problems = {str(p.relative_to(ROOT)): v for p in _tree("app")
                if (v := app_violations(p.read_text(encoding="utf-8"), is_db=p == ROOT / "app/db.py"))}
    assert problems == {}


def test_importing_every_app_module_loads_no_qt():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in _tree("app") if p.name != "__main__.py"
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
    assert len(modules) > 40


def test_top_of_app_holds_only_foundations():
    loose = sorted(p.stem for p in (ROOT / "app").glob("*.py"))
    assert len(loose) <= 12, loose
    assert set(loose) <= {"__init__", "__main__", "db", "changes", "migrations", "errors", "audit", "seals", "ids",
                          "paths", "safe_write"}, loose


def test_every_package_says_what_it_is():
    for init in (ROOT / "app").rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()[0]) > 10, init


# ---------- each rule fails on a planted violation ----------

@pytest.mark.parametrize("source", [
    'SQL = "SELECT name " "FROM recipients"\n',                      # split over two literals
    'def f(t):\n    return f"SELECT * FROM {t} WHERE id = ?"\n',       # an f-string
    'q = "UPDATE funds " + "SET name = ?"\n',                          # joined with +
    'x = "delete from donations"\n',                                   # lower case
    "import sqlite3\n",
    'import importlib\nm = importlib.import_module("sqlite3")\n',
    "def f(db):\n    db.conn.commit()\n",
    "def f(db):\n    db.executemany(a, b)\n",
    "def f(db):\n    db.executescript(a)\n",
    "def f(db):\n    with db.transaction() as c:\n        pass\n",
    "def f(db):\n    return db.query(a)\n",
])
def test_ui_rule_catches_a_planted_violation(source):
    assert ui_violations(source)


@pytest.mark.parametrize("source", [
    "def f():\n    import importlib\n    return importlib.import_module('PySide6.QtWidgets')\n",
    "def f():\n    return __import__('ui.main_window')\n",
    "from PySide6 import QtCore\n",
    "import sqlite3\nc = sqlite3.connect('x.db')\n",
    "def f(db):\n    return db.conn.execute('x')\n",
    "def f(cur):\n    cur.row_factory = None\n",
])
def test_app_rule_catches_a_planted_violation(source):
    assert app_violations(source)


def test_the_rules_let_ordinary_code_pass():
    assert ui_violations('label = "选择基金"\ntitle = f"{name}的捐赠"\nself.list.select()\n') == []
    assert app_violations("from app.db import Database\ndef f(db):\n    return db.query('x')\n") == []


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports")
    assert exe, "import-linter is a test dependency"
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}
    return subprocess.run([exe, "--no-cache"], cwd=tree, capture_output=True, text=True, env=env)


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("app/rules/money.py", "import PySide6.QtCore", "app/ never imports the screens or Qt"),
    ("app/funds/funds.py", "from ui import settings", "app/ never imports the screens or Qt"),
    ("app/funds/funds.py", "from app.programmes import programmes", "Domains import only downward"),
    ("app/rules/masking.py", "from app.station import station", "Domains import only downward"),
    ("app/db.py", "from app.rules import money", "Foundations import no domain, toolkit or rule"),
])
def test_import_contracts_fail_on_a_planted_violation(tmp_path, module, line, contract):
    for part in ("app", "ui"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    clean = _lint_imports(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    planted = _lint_imports(tmp_path)
    assert planted.returncode != 0
    assert f"{contract} BROKEN" in planted.stdout, planted.stdout
