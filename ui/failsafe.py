"""No traceback window, ever: an error nobody expected becomes a plain message.

The packaged window program has no console; Python's own last resort there is a
window full of traceback. Instead the details go to a log file in the user's data
folder (or the temporary folder, if that cannot be written) and the volunteer sees
one sentence, what to do and where the details are. Known problems of the world
(`CharityDeskError`: a damaged file, a missing font) show their own Chinese message.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import CharityDeskError

TITLE = "CharityDesk — 出错了"
EXIT_BUG = 70


def write_log(text: str) -> Path | None:
    """Append to charitydesk-error.log in the data folder, else in the temporary folder."""
    from app.paths import data_dir

    stamp = dt.datetime.now().isoformat(timespec="seconds")
    for folder in (data_dir(), Path(tempfile.gettempdir())):
        path = folder / "charitydesk-error.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                f.write(f"--- {stamp}\n{text}\n")
            return path
        except OSError:
            continue
    return None


def message_for(exc: BaseException, log: Path | None) -> str:
    if isinstance(exc, CharityDeskError):
        return exc.message
    where = f"\n\n详细情况已记在：{log}\n请把这个文件交给帮您安装程序的人。" if log else ""
    return f"程序遇到了意外的问题，没有完成刚才的操作。已保存的数据不受影响。{where}"


def report(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: log the details, show one plain sentence (if a window can show)."""
    log = write_log("".join(traceback.format_exception(kind, exc, tb)))
    if sys.stderr is not None:
        print(f"错误：{message_for(exc, log)}", file=sys.stderr)
    if isinstance(QApplication.instance(), QApplication):
        QMessageBox.critical(None, TITLE, message_for(exc, log))


def install() -> None:
    """Errors in slots and timers, which Qt hands to sys.excepthook, become plain messages."""
    sys.excepthook = report


def guarded(start: Callable[[], int]) -> int:
    """Run the program; any error that escapes is reported plainly and ends it with code 70."""
    try:
        return start()
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - the last resort
        report(type(exc), exc, exc.__traceback__)
        return EXIT_BUG
