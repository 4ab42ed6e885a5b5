"""Build the one-folder program: `python packaging/build.py` → dist/CharityDesk/.

The folder holds `CharityDesk` (the window, no console) and `charitydesk-cli` (the
command line), `.exe` on Windows, with the fonts in resources/, Qt's Chinese
translations, PDFium and every data file of app/. It is built from the one spec,
packaging/charitydesk.spec, by PyInstaller (`pip install -e ".[package]"`). It runs
on the system it was built on: Linux builds the Linux folder (UOS, Kylin, Debian);
Windows builds the Windows one (PyInstaller cannot cross-build). No UPX: packed
executables are quarantined by 360, 火绒 and Defender. On Windows each executable
carries a version resource with the program's name and version.

    python packaging/build.py [--dist DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "charitydesk.spec"
NAME = "CharityDesk"
CLI = "charitydesk-cli"
PRODUCT = "CharityDesk 慈善工作站助手"


def version() -> str:
    """The version in pyproject.toml."""
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])


def version_resource(exe_name: str, description: str, ver: str | None = None) -> str:
    """A Windows version resource (PyInstaller's VSVersionInfo text) for one executable."""
    ver = ver or version()
    parts = [int(p) for p in ver.split(".")[:4] if p.isdigit()]
    four = tuple((parts + [0, 0, 0, 0])[:4])
    strings = {"CompanyName": NAME, "FileDescription": description, "FileVersion": ver,
               "InternalName": exe_name, "OriginalFilename": exe_name + ".exe",
               "ProductName": PRODUCT, "ProductVersion": ver, "LegalCopyright": "Apache-2.0"}
    table = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={four}, prodvers={four}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
          {table}])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""


def executables(dist: Path) -> tuple[Path, Path]:
    """The window program and the command line inside the built folder."""
    ext = ".exe" if sys.platform == "win32" else ""
    folder = dist / NAME
    return folder / (NAME + ext), folder / (CLI + ext)


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns dist/CharityDesk."""
    env = dict(os.environ, CHARITYDESK_BUILD_WORK=str(work))
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    gui, cli = executables(dist)
    missing = [p for p in (gui, cli) if not p.exists()]
    if missing:
        raise SystemExit(f"build incomplete, missing: {', '.join(map(str, missing))}")
    return dist / NAME


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="where dist/CharityDesk goes")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's scratch folder")
    args = p.parse_args(argv)
    folder = build(args.dist.resolve(), args.work.resolve())
    print(f"built {folder} (version {version()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
