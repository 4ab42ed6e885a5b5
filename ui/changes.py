"""The one change signal: a page that changed something says what (`announce`), the main window
tells the pages that show it (`listen`). Plain callbacks on the GUI thread, not a Qt Signal: the
flags travel as they are, and a closed window's listener is dropped rather than called."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.changes import Changes
from ui.worker import alive

Listener = Callable[[Changes, "QWidget | None"], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    _listeners.append(listener)


def forget(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def announce(changes: Changes, by: QWidget | None = None) -> None:
    """Say on the GUI thread, after the write has committed, what it changed. `by`: the widget that
    made the change; its own page has already shown it and is not told again."""
    if not changes:
        return
    for listener in list(_listeners):
        if alive(listener):
            listener(changes, by)
        else:
            forget(listener)
