"""The screens stay in parts a reader can hold: no class in ui/ over 300 lines, no file over 500."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parent.parent / "ui"
MAX_CLASS = 300
MAX_FILE = 500


def _sources() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_no_ui_class_over_300_lines():
    big = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_CLASS:
                    big.append(f"{path.relative_to(UI.parent)}:{node.lineno} {node.name} {size} lines")
    assert _sources(), "no ui/ sources found"
    assert big == [], "split these classes into parts:\n" + "\n".join(big)


def test_no_ui_file_over_500_lines():
    big = [f"{p.relative_to(UI.parent)} {n} lines" for p in _sources()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_FILE]
    assert big == [], "split these files:\n" + "\n".join(big)
