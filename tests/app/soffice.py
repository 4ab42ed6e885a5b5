"""LibreOffice for the tests that open our Excel files in it: find `soffice` (skip, or fail when
CHARITYDESK_REQUIRE_SOFFICE=1) and convert files in one headless run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

SOFFICE_TIMEOUT = 180


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = "LibreOffice (soffice) is not on PATH: cannot check that the reports open in it"
    if os.environ.get("CHARITYDESK_REQUIRE_SOFFICE") == "1":
        pytest.fail(reason + " (CHARITYDESK_REQUIRE_SOFFICE=1)", pytrace=False)
    pytest.skip(reason)


def convert(soffice: str, files: list[Path], out: Path, scratch: Path) -> None:
    """Open and save every file in one headless LibreOffice, with a throw-away profile and HOME."""
    home = scratch / "home"
    home.mkdir()
    out.mkdir()
    cmd = [soffice, f"-env:UserInstallation={(scratch / 'profile').as_uri()}", "--headless",
           "--norestore", "--nolockcheck", "--convert-to", "xlsx", "--outdir", str(out),
           *map(str, files)]
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(scratch)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=SOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # soffice starts soffice.bin: end the whole group
        proc.communicate()
        pytest.fail(f"LibreOffice did not convert {len(files)} files in {SOFFICE_TIMEOUT} s")
    log = f"{' '.join(cmd)}\n--- stdout\n{stdout.decode(errors='replace')}" \
          f"\n--- stderr\n{stderr.decode(errors='replace')}"
    assert proc.returncode == 0, log
    missing = [f.name for f in files if not (out / f.name).is_file()]
    assert not missing, f"LibreOffice wrote no {missing}\n{log}"
