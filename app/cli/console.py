"""Chinese on the console and in redirected files: the encoding of standard output and error.

Redirected to a file or a pipe, the command line writes UTF-8 (what every later
reader — Notepad, WPS, scripts — understands), whatever the Windows locale says.
On a Windows console Python normally writes Unicode itself (the stream's
encoding is then utf-8); if it does not (legacy console I/O), the stream uses
the console's own code page, usually 936 (GBK), and a character that page lacks
becomes "?" rather than an error. Elsewhere a terminal keeps its own encoding.
"""

from __future__ import annotations

import codecs
import sys
from typing import Any, TextIO


def console_code_page() -> int | None:
    """The Windows console's output code page (936 for GBK), or None elsewhere."""
    if sys.platform != "win32":
        return None
    import ctypes

    cp = int(ctypes.windll.kernel32.GetConsoleOutputCP())
    return cp or None


def choose_encoding(*, is_tty: bool, platform: str, current: str, code_page: int | None) -> str:
    """The encoding a stream should use (see the module's docstring)."""
    if not is_tty:
        return "utf-8"
    if platform == "win32" and codecs.lookup(current).name != "utf-8" and code_page:
        return f"cp{code_page}"
    return current


def setup_stream(stream: Any, *, platform: str | None = None, code_page: int | None = None) -> str:
    """Reconfigure one text stream in place; returns the encoding it now uses."""
    if stream is None or not hasattr(stream, "reconfigure"):
        return ""  # no console at all (a windowed program), or a stream we did not make
    platform = platform or sys.platform
    try:
        is_tty = bool(stream.isatty())
    except (OSError, ValueError):
        is_tty = False
    if code_page is None and platform == "win32" and is_tty:
        code_page = console_code_page()
    encoding = choose_encoding(is_tty=is_tty, platform=platform, current=stream.encoding or "utf-8",
                               code_page=code_page)
    stream.reconfigure(encoding=encoding, errors="replace")
    return encoding


def setup_console(streams: tuple[TextIO | None, ...] | None = None) -> None:
    """Standard output and error as described above (call once, first thing in the CLI)."""
    for stream in streams or (sys.stdout, sys.stderr):
        setup_stream(stream)
