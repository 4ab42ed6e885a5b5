"""Helpers for driving real widgets."""

import pytest


def type_into(qtbot, widget, text):
    """Type like a person: real key events for ASCII; CJK arrives as an input method commits it."""
    for ch in text:
        if ord(ch) < 128:
            qtbot.keyClicks(widget, ch)
        else:
            widget.insert(ch)


@pytest.fixture
def typer(qtbot):
    return lambda widget, text: type_into(qtbot, widget, text)
