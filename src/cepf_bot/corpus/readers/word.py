"""Word documents (.docx), by python-docx: paragraphs and tables in the order they appear.

- The title is the first paragraph styled Title (else the first Heading 1, else the file's
  core-properties title, else its name); later headings title the passages under them.
- A paragraph is a block; its soft line breaks are line ends.
- A table is one block of rows as "label: value" text — staff keep finances in tables. With a
  header row and more than two columns, each value is given with its column's header:
  "收入总额: 2019年 27103400.95元; 2018年 …". Merged cells are read once.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from cepf_bot.corpus.document import Block, DocumentText
from cepf_bot.errors import Unreadable

if TYPE_CHECKING:
    from docx.table import Table

_HEADING_LEVEL = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def read_docx(path: Path, data: bytes) -> DocumentText:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(part.file_size for part in package.infolist())
        if unpacked > MAX_UNPACKED_BYTES:  # a zip bomb is refused before anything is unpacked
            raise Unreadable(f"it unpacks to {unpacked:,} bytes (at most {MAX_UNPACKED_BYTES:,})",
                             code="unpacks_too_large", size=unpacked, limit=MAX_UNPACKED_BYTES)
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as e:
        raise Unreadable(f"not a Word .docx file, or damaged or encrypted: {e}",
                         code="damaged") from None
    title: str | None = None
    section: str | None = None
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, docx.table.Table):
            rows = _table_rows(item)
            if rows:
                blocks.append(Block(rows, section))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        level = _HEADING_LEVEL.match(style)
        if style.lower() == "title" or (level and level.group(1) == "1" and title is None
                                        and not blocks):
            if title is None:
                title = _one_line(text)
            else:
                section = _one_line(text)
        elif level:
            section = _one_line(text)
        else:
            blocks.append(Block([line.strip() for line in text.splitlines() if line.strip()],
                                section))
    title = title or (document.core_properties.title or "").strip() or path.stem
    return DocumentText(title, blocks, {})


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _table_rows(table: Table) -> list[str]:
    grid: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell appears once per column it spans
                continue
            previous = cell._tc
            cells.append(_one_line(cell.text))
        if any(cells):
            grid.append(cells)
    if not grid:
        return []
    width = max(len(r) for r in grid)
    if width <= 2:
        return [f"{r[0]}: {r[1]}" if len(r) > 1 and r[1] else r[0] for r in grid]
    header, rows = grid[0], grid[1:]
    lines = []
    for row in rows:
        pairs = [f"{h} {v}".strip() for h, v in zip(header[1:], row[1:], strict=False) if v]
        lines.append(f"{row[0]}: {'; '.join(pairs)}" if pairs else row[0])
    return lines
