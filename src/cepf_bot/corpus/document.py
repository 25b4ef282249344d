"""A corpus file's text, whatever its format: title, link, and blocks of lines under sections.

What every reader (`read_markdown`, `read_html`, `read_docx`, `read_pdf`) gives, and the two
ways one can fail. The text stays the foundation's: readers only choose which text belongs to
the document (not a site's menu, not a page number) and where passages begin; they never
rewrite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """Lines that make one passage (or a list of them), under `section`, on `page` (0: none)."""

    lines: list[str]
    section: str | None = None
    page: int = 0


@dataclass
class DocumentText:
    """What a reader found in a file. `title` None: the file has none (an error for Markdown)."""

    title: str | None
    blocks: list[Block]
    metadata: dict[str, str] = field(default_factory=dict)
    url: str = ""
    format: str = "md"




