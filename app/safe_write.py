"""Writing a file all or nothing, for exports that go onto USB sticks.

The content goes to a hidden temporary file beside the target, which then
replaces the target in one step: a full stick or a pulled cable leaves the old
file (or none), never half a file. Problems of the world leave as `DataError`
with a plain message (disk full, file open in Excel/WPS, no permission).
"""

from __future__ import annotations

import errno
import gc
import os
import secrets
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.errors import DataError, InputError


def write_file(path: str | Path, write: Callable[[Path], object], *, example: str = "报表.xlsx") -> Path:
    """Call `write(tmp_path)` to make the file, then move it into place at `path`.
    `example` is the file name suggested when `path` is a folder."""
    target = Path(path)
    refuse_folder(target, example)
    tmp = target.with_name(f".~{target.stem}-{secrets.token_hex(4)}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _probe(target)  # can the file be written at all? Know before the work, not after it
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        _let_go(exc)
        _discard(tmp)
        raise DataError("disk_full" if exc.errno == errno.ENOSPC else "cannot_write", _why(exc, target),
                        path=str(target)) from exc
    except BaseException:
        _discard(tmp)
        raise
    return target


#: Excel and WPS on Windows hold an open file so that it cannot be replaced; elsewhere it can.
_WINDOWS = os.name == "nt"
_WRITE_PROTECTED, _SHARING_VIOLATION, _LOCK_VIOLATION = 19, 32, 33  # Windows error numbers


def _probe(target: Path) -> None:
    """Make and remove a file beside the target (the folder takes new files), and on Windows open an
    existing target for writing without changing it (no program holds it open)."""
    probe = target.with_name(f".~probe-{secrets.token_hex(4)}")
    with open(probe, "wb"):
        pass
    probe.unlink()
    if _WINDOWS and target.exists():
        with open(target, "r+b"):
            pass


def _why(exc: OSError, target: Path) -> str:
    """A plain Chinese reason for a file that could not be written (the system's words are English)."""
    winerror = getattr(exc, "winerror", None)
    if exc.errno == errno.ENOSPC:
        return f"磁盘或U盘已满，无法写入 {target}。请删掉一些文件，或换一个位置保存。"
    if exc.errno == errno.EROFS or winerror == _WRITE_PROTECTED:
        return f"{target.parent} 只能读、不能写（U盘的写保护开关打开了？光盘？），请换一个位置保存。"
    if isinstance(exc, PermissionError) or winerror in (_SHARING_VIOLATION, _LOCK_VIOLATION):
        return (f"无法写入 {target}：文件可能正在其他程序（Excel、WPS）中打开，或者没有写入权限。"
                "请关闭它后重试，或换一个位置保存。")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EEXIST):  # EEXIST: a file named like the folder
        return f"无法在 {target.parent} 建立文件：这个文件夹不存在或不能写入，请换一个位置保存。"
    code = errno.errorcode.get(exc.errno or 0, "")
    return f"无法写入文件 {target}，请换一个位置保存（系统错误 {code or exc.errno}）。"


def refuse_folder(path: Path, example: str = "报表.xlsx") -> None:
    """A folder given where a file name belongs gets a plain refusal, not a file beside it."""
    if path.is_dir():
        raise InputError("is_folder", f"{path} 是一个文件夹，请给出文件名（如 {path / example}）",
                         path=str(path))


def _let_go(exc: BaseException) -> None:
    """Drop what the failed writer still holds (openpyxl's half-written zip, its open file), so the
    temporary file is closed before it is removed. Closing it may fail once more on the same full
    disk: that is the failure already being reported, not news for standard error."""
    hook = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        seen: BaseException | None = exc
        while seen is not None:  # the writer may have caught and raised again: its frames hang on the chain
            traceback.clear_frames(seen.__traceback__)
            seen = seen.__context__ or seen.__cause__
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:  # e.g. the "folder" is a file: there is nothing to remove
        pass


def write_bytes(path: str | Path, data: bytes) -> Path:
    return write_file(path, lambda tmp: tmp.write_bytes(data),
                      example="文件.pdf" if data.startswith(b"%PDF") else "文件")
