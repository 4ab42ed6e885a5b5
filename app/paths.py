"""Where files live: the default database in the user's data folder, and shipped resources."""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
APP_NAME = "CharityDesk"


def data_dir() -> Path:
    """The user's data folder (e.g. ~/.local/share/CharityDesk, %LOCALAPPDATA%\\CharityDesk)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """`CHARITYDESK_DB` if set, else charitydesk.db in the user's data folder."""
    env = os.environ.get("CHARITYDESK_DB")
    if env:
        return Path(env)
    return data_dir() / "charitydesk.db"


def font_path() -> Path:
    return RESOURCES / "fonts" / "wqy-microhei.ttc"
