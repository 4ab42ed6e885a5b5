"""The one-folder program for Linux (UOS/Kylin/Debian), built for real by packaging/build.py:
the packaged command line runs init, demo and check on a Chinese path with spaces, the packaged
window starts (offscreen), shows its first window and closes — all from a folder whose path holds
Chinese and a space, as on a volunteer's desktop. Slow (a PyInstaller build, about a
minute on two cores); skips only when PyInstaller is not installed."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
_spec = importlib.util.spec_from_file_location("charitydesk_build", ROOT / "packaging" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHARITYDESK_DB", "PYTHONPATH")}
    env.update(XDG_CONFIG_HOME=str(tmp / "配置"), XDG_DATA_HOME=str(tmp / "数据"), **extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (pip install -e '.[package]')")
    where = tmp_path_factory.mktemp("package")
    return build.build(where / "张三 的桌面" / "dist", where / "build")  # a Chinese path with a space


def test_packaged_cli_init_demo_check_on_a_chinese_path(built, tmp_path):
    _, cli = build.executables(built.parent)
    db = tmp_path / "村 委会" / "慈善 工作站.db"
    env = _env(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([str(cli), "--db", str(db), *args], capture_output=True, env=env, timeout=120)

    init = run("init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")
    assert init.returncode == 0, init.stderr.decode("utf-8", "replace")
    assert "东风村慈善工作站" in init.stdout.decode("utf-8")  # redirected: UTF-8
    demo = run("demo", "--recipients", "200", "--donations", "200", "--json")
    assert demo.returncode == 0, demo.stderr.decode("utf-8", "replace")
    assert json.loads(demo.stdout)["donations"] == 200
    check = run("check", "--json")
    got = json.loads(check.stdout)
    assert check.returncode == 0 and got["ok"] is True and got["counts"]["recipients"] == 200


def test_packaged_window_shows_its_first_window_then_closes(built, tmp_path):
    gui, _ = build.executables(built.parent)
    record = tmp_path / "record.json"
    out = subprocess.run([str(gui), "--db", str(tmp_path / "新 站点" / "站.db")], capture_output=True,
                         env=_env(tmp_path, CHARITYDESK_SMOKE=str(record), QT_QPA_PLATFORM="offscreen"),
                         timeout=120)
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    got = json.loads(record.read_text(encoding="utf-8"))
    assert got["kind"] == "FirstRunDialog" and got["title"].startswith("CharityDesk")
    assert got["window_shown"] >= got["splash_shown"]


def test_package_holds_fonts_translations_pdfium_and_data_without_upx(built):
    inside = built / "_internal"
    assert (inside / "resources" / "fonts" / "wqy-microhei.ttc").exists()
    assert (inside / "app" / "sheets" / "synonyms.json").exists()
    assert list(inside.rglob("qtbase_zh_CN.qm"))
    assert list(inside.rglob("*pdfium*.so")) or list(inside.rglob("pdfium.dll"))
    for exe in build.executables(built.parent):
        assert b"UPX!" not in exe.read_bytes()


def test_windows_version_resource_names_the_program_and_version():
    made: dict[str, object] = {}

    def record(name: str):
        def f(*args, **kwargs):
            made.setdefault(name, []).append((args, kwargs))
            return (name, args, kwargs)
        return f

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct"]
    eval(build.version_resource("CharityDesk", build.PRODUCT, "0.1.0"), {n: record(n) for n in names})
    strings = dict(args for args, _ in made["StringStruct"])
    assert strings["ProductName"] == "CharityDesk 慈善工作站助手" and strings["ProductVersion"] == "0.1.0"
    assert strings["OriginalFilename"] == "CharityDesk.exe"
    assert made["FixedFileInfo"][0][1]["filevers"] == (0, 1, 0, 0)
