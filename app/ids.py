"""Ids that stay unique when files from many stations are merged.

32 hex characters: 48 bits of milliseconds since 1970 then 80 random bits, so
new rows sort roughly by time (friendly to indexes) and never clash.
"""

from __future__ import annotations

import os
import time


def new_id() -> str:
    ms = time.time_ns() // 1_000_000
    return f"{ms:012x}{os.urandom(10).hex()}"
