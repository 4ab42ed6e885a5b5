"""Chinese output of the command line: UTF-8 when redirected, the console's code page (GBK) on a
legacy Windows console — tested on any system by faking the platform and the console."""

import io
import os
import subprocess
import sys
from pathlib import Path

from app.cli.console import choose_encoding, setup_stream

ROOT = Path(__file__).resolve().parent.parent.parent.parent


class FakeStream(io.TextIOWrapper):
    def __init__(self, encoding: str, tty: bool) -> None:
        self.raw_bytes = io.BytesIO()
        super().__init__(self.raw_bytes, encoding=encoding)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def written(self) -> bytes:
        self.flush()
        return self.raw_bytes.getvalue()


def test_redirected_output_is_utf8_whatever_the_locale_says():
    s = FakeStream("gbk", tty=False)
    assert setup_stream(s, platform="win32", code_page=936) == "utf-8"
    s.write("东风村 ✓")
    assert s.written().decode("utf-8") == "东风村 ✓"


def test_legacy_gbk_windows_console_gets_gbk_and_no_crash_on_what_gbk_lacks():
    s = FakeStream("cp1252", tty=True)
    assert setup_stream(s, platform="win32", code_page=936) == "cp936"
    s.write("捐赠收据 ✓")
    assert s.written() == "捐赠收据 ?".encode("gbk")


def test_unicode_windows_console_and_linux_terminal_keep_their_encoding():
    assert choose_encoding(is_tty=True, platform="win32", current="utf-8", code_page=936) == "utf-8"
    assert choose_encoding(is_tty=True, platform="linux", current="UTF-8", code_page=None) == "UTF-8"
    s = FakeStream("ascii", tty=True)
    setup_stream(s, platform="linux")
    s.write("东风 ok")  # a terminal that cannot show Chinese gets "?", not a traceback
    assert s.written() == b"?? ok"


def test_the_cli_redirected_to_a_file_writes_utf8(tmp_path):
    out = tmp_path / "输出 文件.txt"
    env = dict(os.environ, PYTHONIOENCODING="gbk", PYTHONPATH=str(ROOT))
    with out.open("wb") as f:
        code = subprocess.run([sys.executable, "-m", "app", "--db", str(tmp_path / "村 站.db"), "init",
                               "--station-code", "ST01", "--station-name", "东风村慈善工作站"],
                              stdout=f, stderr=subprocess.PIPE, env=env, cwd=tmp_path).returncode
    assert code == 0
    assert "东风村慈善工作站" in out.read_bytes().decode("utf-8")
