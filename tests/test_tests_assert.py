"""Honest tests: every test function asserts something that could break.

A test asserts when it (or a helper of its own module that it calls) uses `assert`, `pytest.raises`
/ `pytest.warns` / `pytest.fail`, `qtbot.wait*` (which fails on timeout), `qtmodeltester.check`,
or an `assert_*` method."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CHECKING_CALLS = {"raises", "warns", "fail", "waitUntil", "waitSignal", "waitSignals", "waitCallback",
                  "assertNotEmitted", "check"}


def _asserts(fn: ast.AST, helpers: set[str]) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in CHECKING_CALLS or name.startswith("assert") or name in helpers:
                return True
    return False


def unasserted_tests(source: str) -> list[str]:
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    helpers: set[str] = set()
    for _ in range(3):  # helpers that call helpers that assert
        helpers |= {f.name for f in functions if not f.name.startswith("test") and _asserts(f, helpers)}
    return [f.name for f in functions if f.name.startswith("test") and not _asserts(f, helpers)]


def test_every_test_asserts_something():
    found = {str(p.relative_to(ROOT)): bad for p in sorted(ROOT.rglob("test_*.py"))
             if (bad := unasserted_tests(p.read_text(encoding="utf-8")))}
    assert found == {}


def test_a_test_that_only_runs_code_is_found():
    source = (
        "def helper(x):\n    assert x\n\n"
        "def test_runs_only(db):\n    record(db)\n\n"
        "def test_uses_helper():\n    helper(1)\n\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        int('x')\n"
    )
    assert unasserted_tests(source) == ["test_runs_only"]
