"""The one Excel writer every export and report uses (see `app.excel.writer`)."""

from app.excel.writer import (
    DATE_FORMAT,
    MONEY_FORMAT,
    Cancelled,
    Column,
    Fen,
    Report,
    Written,
    display_width,
    sheet_name,
    write_table,
)

__all__ = ["DATE_FORMAT", "MONEY_FORMAT", "Cancelled", "Column", "Fen", "Report", "Written", "display_width",
           "sheet_name", "write_table"]
