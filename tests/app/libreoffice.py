"""Running headless LibreOffice from a test: open files and save them again (xlsx, pdf …).

Without `soffice` the calling test is skipped, unless CHARITYDESK_REQUIRE_SOFFICE=1 (CI) makes
that a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

TIMEOUT = 180


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = "LibreOffice (soffice) is not on PATH"
    if os.environ.get("CHARITYDESK_REQUIRE_SOFFICE") == "1":
        pytest.fail(reason + " (CHARITYDESK_REQUIRE_SOFFICE=1)", pytrace=False)
    pytest.skip(reason)


def convert(files: list[Path], out: Path, scratch: Path, to: str = "xlsx") -> list[Path]:
    """Open every file in one LibreOffice run and save it as `to` into `out`."""
    exe = soffice()
    home = scratch / "lo-home"
    home.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    cmd = [exe, f"-env:UserInstallation={(scratch / 'lo-profile').as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--convert-to", to, "--outdir", str(out), *map(str, files)]
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(scratch)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"LibreOffice did not convert {len(files)} files in {TIMEOUT} s")
    assert proc.returncode == 0, stderr.decode(errors="replace")
    made = [out / f"{f.stem}.{to.split(':')[0]}" for f in files]
    missing = [m.name for m in made if not m.is_file()]
    assert not missing, f"LibreOffice wrote no {missing}: {stderr.decode(errors='replace')}"
    return made
