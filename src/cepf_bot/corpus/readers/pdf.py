"""PDF reports, by pypdf: the text layer, page by page, put back into paragraphs.

pypdf reads Chinese CID fonts (the predefined Adobe-GB1 CMaps such as UniGB-UCS2-H, and
ToUnicode maps) and needs no other package; `benchmarks/readers.py` compares it with
pdfminer.six. A PDF keeps lines, not paragraphs, so:

- a line that is only a page number ("3", "- 3 -", "第 3 页", "3/12") is dropped;
- lines are joined into a paragraph until one ends a sentence (。！？!?) short of the
  document's usual line length; a line break is no space, except between two Latin words;
- a line starting with a bullet (• ● ■ - …) is a list item, a line of its own;
- a short line with no sentence end, followed by text, is a section heading (two in a row:
  the first is text), even right after a paragraph whose last line ends a sentence: it
  closes that paragraph and titles the passages under it; no line is ever dropped but page
  numbers;
- a page break ends a paragraph whose last line ends a sentence (a new page starts a new
  passage; a sentence cut by the page break goes on);
- each passage keeps the page it starts on ("p. 3").

The title is the PDF's own Title, else the first line of the first page. A PDF whose pages
have no text at all (a scan) is skipped with a warning; an encrypted one is refused.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from cepf_bot.corpus.document import Block, DocumentText
from cepf_bot.errors import NoText, Unreadable

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—\s]*\d{1,4}[-–—\s]*|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？!?…]['\"”’）)]*$")
HEADING_MAX_CHARS = 30
MAX_PAGES = 2000
SHORT_LINE = 0.9  # a line this much shorter than the document's usual one can end a paragraph
_BULLETS = ("•", "·", "●", "○", "■", "□", "◆", "▪", "‣", "-", "*")


def read_pdf(path: Path, data: bytes) -> DocumentText:
    import io

    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted: it needs a password", code="encrypted")
        if len(reader.pages) > MAX_PAGES:
            raise Unreadable(f"{len(reader.pages):,} pages (at most {MAX_PAGES:,} a document)",
                             code="too_many_pages", pages=len(reader.pages), limit=MAX_PAGES)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.get("/Title") or "") if reader.metadata else ""
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise Unreadable(f"damaged or not a PDF: {e}", code="damaged") from None
    except NotImplementedError as e:  # pypdf: an encryption it cannot open
        raise Unreadable(f"encrypted: {e}", code="encrypted") from None
    lines_by_page = [[" ".join(line.split()) for line in text.splitlines()]
                     for text in pages]
    lines_by_page = [[line for line in lines if line and not _PAGE_NUMBER.match(line)]
                     for lines in lines_by_page]
    if not any(lines_by_page):
        raise NoText(f"no text layer in its {len(pages)} pages (a scan?)")
    title = " ".join(str(title).split())
    first = next(lines for lines in lines_by_page if lines)
    if not title:
        title = first[0]
    if first and first[0] == title:
        first.pop(0)
    return DocumentText(title, _paragraphs(lines_by_page), {})


def _paragraphs(lines_by_page: list[list[str]]) -> list[Block]:
    lengths = [len(line) for lines in lines_by_page for line in lines]
    full = statistics.median(lengths) * SHORT_LINE if lengths else 0
    blocks: list[Block] = []
    section: str | None = None
    heading: str | None = None  # a heading-like line not yet followed by text
    current: list[str] = []
    start_page = 0

    def close() -> None:
        if current:
            blocks.append(Block(["".join(current)], section, start_page))
            current.clear()

    for number, lines in enumerate(lines_by_page, start=1):
        if current and _SENTENCE_END.search(current[-1]):
            close()  # a page break after a sentence's end starts a new passage
        for line in lines:
            ends = bool(_SENTENCE_END.search(line))
            if (current and _SENTENCE_END.search(current[-1]) and not ends
                    and len(line) <= HEADING_MAX_CHARS and len(line) < full
                    and not line.startswith(_BULLETS)):
                close()  # a heading right under a paragraph's last sentence
            if line.startswith(_BULLETS):  # a list item: a line of its own
                close()
                section, heading = (section if heading is None else heading), None
                if blocks and blocks[-1].lines[-1].startswith(_BULLETS) and (
                        blocks[-1].section == section):
                    blocks[-1].lines.append(line)
                else:
                    blocks.append(Block([line], section, number))
                continue
            if not current and not ends and len(line) <= HEADING_MAX_CHARS and len(line) < full:
                if heading is not None:  # two in a row: the first was text, not a heading
                    blocks.append(Block([heading], section, number))
                heading = line
                continue
            section, heading = (section if heading is None else heading), None
            if not current:
                start_page = number
            elif _is_word_char(current[-1][-1]) and _is_word_char(line[0]):
                line = " " + line  # two Latin words across a line break
            current.append(line)
            if ends and len(line) < full:
                close()
    close()
    if heading is not None:  # a last short line is text: nothing is dropped
        blocks.append(Block([heading], section, len(lines_by_page)))
    return blocks


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()
