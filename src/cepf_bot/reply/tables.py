"""Plain-text tables that line up on a terminal: widths by display width, where a CJK character
or an emoji takes two columns (wcwidth)."""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth


def display_width(text: str) -> int:
    """How many terminal columns `text` takes (a control character counts as one)."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcswidth(c), 1) for c in text)


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` columns, left (<) or right (>) aligned."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text


def table(rows: Sequence[Sequence[str]], aligns: str, gap: str = "  ") -> list[str]:
    """Rows of cells as lines whose columns line up; `aligns` has one < or > a column."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(aligns))]
    return [gap.join(pad(cell, widths[i], aligns[i]) for i, cell in enumerate(row)).rstrip()
            for row in rows]
