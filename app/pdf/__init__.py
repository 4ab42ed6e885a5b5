"""The shared PDF toolkit for receipts, sign-off sheets and public notices.

- `fonts`: the one CJK font shipped in resources/fonts, registered once, embedded
  in every PDF; `new_canvas` makes a canvas that never falls back to Helvetica.
- `frames`: page sizes (A4, A5, the 190 × 101.6 mm receipt slip) and boxes to
  divide a page into parts, rows and columns.
- `draw`: text that fits its box (shrink, wrap, cut with …), stamps such as
  补打 and 作废, seal circles, cut lines, vertical labels, dates as 2026年03月05日.
- `table`: a ruled table with a shaded header row, cells that keep their text,
  and page breaks that leave room for a totals block (sign-off sheets, notices).
- `receipt`: the donation receipt in its three layouts.

Everything is drawn with reportlab's canvas directly (no platypus), so a
thousand receipts cost little more than the text they hold.
"""
