"""Markdown and plain-text documents: front matter, `# ` title, `## ` sections, paragraphs.

    ---
    date: 2020-09-06
    source: https://…
    ---
    # Document title
    ## Section heading
    A paragraph is a passage.

Paragraphs are separated by blank lines; lines under a heading with no blank line between form
one block. A `.txt` file without a `# ` heading takes its first line as its title.
"""

from __future__ import annotations

import re
from pathlib import Path

from cepf_bot.corpus.document import Block, DocumentText
from cepf_bot.errors import CorpusError
from cepf_bot.files import decode

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """The `key: value` lines between two `---` lines at the top, and the lines after them."""
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            meta = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    meta[key.strip()] = value.strip()
            return meta, lines[end + 1 :]
    return {}, lines


def read_markdown(text: str, *, plain: bool = False) -> DocumentText:
    """The title, blocks and front matter of a Markdown text (`plain`: a .txt file, whose
    first line is its title when it has no `# ` heading)."""
    meta, lines = front_matter(text.splitlines())
    title: str | None = None
    section: str | None = None
    blocks: list[Block] = []
    current: list[str] = []

    def close() -> None:
        if current:
            blocks.append(Block(current.copy(), section))
            current.clear()

    for raw in lines:
        line = raw.strip()
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading:
            close()
            if title is None and len(heading.group(1)) == 1:
                title = heading.group(2)
            else:
                section = heading.group(2)
        elif not line:
            close()
        else:
            current.append(line)
    close()
    if title is None and plain and blocks:
        title = blocks[0].lines.pop(0)
        if not blocks[0].lines:
            blocks.pop(0)
    return DocumentText(title, blocks, meta)


def read_markdown_file(path: Path, data: bytes) -> DocumentText:
    return markdown_document(path, decode(path, data))


def markdown_document(path: Path, text: str) -> DocumentText:
    """The text of the Markdown (or .txt) file at `path`; a `CorpusError` if it is empty."""
    if not text.strip():
        raise CorpusError(f"{path}: empty file", code="empty", file=path.name)
    return read_markdown(text, plain=path.suffix.lower() == ".txt")
