"""The backup stick: a USB stick the volunteer chose, found again whatever drive letter it gets.

Choosing a stick writes a small marker file (`CharityDesk备份盘.json`) in the folder
chosen on it, naming the station. Windows gives a stick a different drive letter
from one day to the next, so the program does not remember a path: it looks for
the marker at the top of every drive (and one folder down), and backs up into the
folder that holds it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import string
from pathlib import Path

from app.errors import InputError
from app.safe_write import write_bytes

MARKER = "CharityDesk备份盘.json"


def roots() -> list[Path]:
    """Where sticks appear: `CHARITYDESK_STICK_ROOTS` (paths joined by os.pathsep) when set;
    else every drive letter but C: on Windows, and /media, /run/media and /mnt elsewhere."""
    env = os.environ.get("CHARITYDESK_STICK_ROOTS")
    if env is not None:
        return [Path(p) for p in env.split(os.pathsep) if p]
    if os.name == "nt":
        system = os.environ.get("SystemDrive", "C:").upper()[:1]
        return [Path(f"{d}:\\") for d in string.ascii_uppercase if d not in ("A", "B", system)]
    out: list[Path] = []
    for base in (Path("/media"), Path("/run/media"), Path("/mnt")):
        try:
            for child in base.iterdir():  # /media/USER/STICK or /media/STICK
                out.append(child)
                if child.is_dir() and not os.path.ismount(child):
                    out.extend(c for c in child.iterdir() if c.is_dir())
        except OSError:
            continue
    return out


def find(station_code: str) -> Path | None:
    """The folder on a plugged-in stick marked for this station, or None."""
    for root in roots():
        for folder in _candidates(root):
            marker = folder / MARKER
            try:
                if not marker.is_file():
                    continue
                meta = json.loads(marker.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if not station_code or meta.get("station_code") in (station_code, ""):
                return folder
    return None


def mark(folder: str | Path, station_code: str, station_name: str) -> Path:
    """Make `folder` (on a stick) this station's backup place. A write-protected or full stick
    raises `DataError` (from `write_bytes`); a folder that does not exist, `InputError`."""
    f = Path(folder)
    if not f.is_dir():
        raise InputError("not_a_folder", f"找不到这个文件夹：{f}。请插好U盘后选择U盘上的文件夹。", path=str(f))
    meta = {"program": "CharityDesk", "station_code": station_code, "station_name": station_name,
            "marked_at": dt.datetime.now().isoformat(timespec="seconds"),
            "note": "这个U盘存放 CharityDesk 的自动备份，请不要删除本文件。"}
    write_bytes(f / MARKER, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
    return f


def _candidates(root: Path) -> list[Path]:
    out = [root]
    try:
        out.extend(c for c in root.iterdir() if c.is_dir() and not c.name.startswith("."))
    except OSError:
        pass
    return out
