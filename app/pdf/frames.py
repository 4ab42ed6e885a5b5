"""Page sizes and boxes: divide a page into parts, rows and columns, in points.

A `Box` is a rectangle with its origin at the bottom left, as reportlab draws.
Layouts are written as boxes cut from the page (`take_top`, `rows`, `cols`),
so the same drawing code fills an A5 sheet, a third of an A4 sheet or a
190 × 101.6 mm receipt slip.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4

A4 = (210 * MM, 297 * MM)
A5_LANDSCAPE = (210 * MM, 148 * MM)
#: The three-part receipt paper stations buy (three layers: 存根联, 收据联, 记账联).
SLIP = (190 * MM, 101.6 * MM)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)

    def take_top(self, h: float) -> tuple[Box, Box]:
        """(the top `h` points, the rest below)."""
        return Box(self.x, self.top - h, self.w, h), Box(self.x, self.y, self.w, self.h - h)

    def take_bottom(self, h: float) -> tuple[Box, Box]:
        """(the bottom `h` points, the rest above)."""
        return Box(self.x, self.y, self.w, h), Box(self.x, self.y + h, self.w, self.h - h)

    def take_left(self, w: float) -> tuple[Box, Box]:
        return Box(self.x, self.y, w, self.h), Box(self.x + w, self.y, self.w - w, self.h)

    def take_right(self, w: float) -> tuple[Box, Box]:
        return Box(self.right - w, self.y, w, self.h), Box(self.x, self.y, self.w - w, self.h)

    def rows(self, weights: list[float] | int) -> list[Box]:
        """Split top to bottom: n equal rows, or rows in proportion to `weights`."""
        ws = [1.0] * weights if isinstance(weights, int) else list(weights)
        total, out, top = sum(ws), [], self.top
        for w in ws:
            h = self.h * w / total
            out.append(Box(self.x, top - h, self.w, h))
            top -= h
        return out

    def cols(self, weights: list[float] | int) -> list[Box]:
        """Split left to right: n equal columns, or in proportion to `weights`."""
        ws = [1.0] * weights if isinstance(weights, int) else list(weights)
        total, out, left = sum(ws), [], self.x
        for w in ws:
            width = self.w * w / total
            out.append(Box(left, self.y, width, self.h))
            left += width
        return out


def page_box(pagesize: tuple[float, float], margin: float = 0.0) -> Box:
    """The page (less a margin all round) as a box."""
    return Box(0, 0, pagesize[0], pagesize[1]).inset(margin)


def stacked_parts(pagesize: tuple[float, float], n: int) -> list[Box]:
    """A page cut into `n` equal parts, top to bottom (A4 into three receipt parts)."""
    return page_box(pagesize).rows(n)
