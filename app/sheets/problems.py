"""What can go wrong with a spreadsheet: a whole file (`SheetError`) or one cell (`Problem`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import InputError


class SheetError(InputError):
    """A file that cannot be used as a table at all: not a spreadsheet, locked, empty, absurd.

    `reason` is one of: missing, empty_file, not_spreadsheet, unsupported (.ods),
    encrypted, damaged, too_large, too_many_rows, cell_too_long, no_sheet,
    choose_sheet, no_header, no_data, missing_columns, bad_mapping, bad_report.
    `facts` carry what a caller may show: sheets, headers, header_row, row, column.
    """


@dataclass(frozen=True)
class Problem:
    """One problem on one row, as the volunteer will find it in Excel.

    `row` is the row number Excel shows (1-based, title rows counted); `column`
    is the header text as written in the file; `reason` is a short code for
    callers and tests; `message` is plain Chinese.
    """

    row: int
    column: str
    message: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def text(self) -> str:
        """`身份证号：校验位不对…`, as written into a report cell."""
        return f"{self.column}：{self.message}" if self.column else self.message
