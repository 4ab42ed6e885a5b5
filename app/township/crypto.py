"""Password-protected workbooks: the Office "agile" encryption that Excel, WPS and LibreOffice
open with a password (msoffcrypto-tool writes and reads it), so a lost USB stick shows nothing."""

from __future__ import annotations

import dataclasses
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.safe_write import write_file

#: What an encrypted Office file starts with (an OLE compound file); a plain .xlsx is a zip.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WrongPassword(Exception):
    """The password does not open the file (or none was given)."""


def write_protected(path: str | Path, write: Callable[[Path], Any], password: str) -> Any:
    """Make the workbook with `write(plain_path)`, then put it at `path` encrypted with `password`.
    Returns what `write` returned, its path set to `path`."""
    from msoffcrypto.format.ooxml import OOXMLFile

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    with tempfile.TemporaryDirectory(prefix="charitydesk-") as tmp:
        plain = Path(tmp) / "plain.xlsx"
        result = write(plain)

        def encrypt(out: Path) -> None:
            with open(plain, "rb") as src, open(out, "wb") as dst:
                OOXMLFile(src).encrypt(password, dst)

        write_file(target, encrypt)
    if dataclasses.is_dataclass(result) and hasattr(result, "path"):
        return dataclasses.replace(result, path=target)  # type: ignore[type-var]
    return result


def is_encrypted(head: bytes) -> bool:
    return head.startswith(OLE_MAGIC)


def decrypt(data: bytes, password: str) -> bytes:
    """The plain workbook inside an encrypted one. Raises WrongPassword, or ValueError when the
    file is an OLE file that is not an encrypted workbook (an old .xls, say)."""
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            raise ValueError("not encrypted")
    except ValueError:
        raise
    except Exception as exc:  # msoffcrypto raises its own kinds for files it cannot parse
        raise ValueError(str(exc)) from exc
    if not password:
        raise WrongPassword("no password")
    try:
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    except Exception as exc:  # InvalidKeyError and the rest: the password does not open it
        raise WrongPassword(str(exc)) from exc
    return out.getvalue()
