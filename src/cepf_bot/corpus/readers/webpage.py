"""Web pages: the main text only, by trafilatura.

trafilatura (the field's standard main-text extractor) drops what is around the article — the
site's menu, breadcrumbs, sidebars, scripts, styles and footer (copyright, ICP numbers, site
maps) — and gives the article as XML: headings, paragraphs, lists and tables. Its metadata
gives the title (from `<title>`, `og:title` or `<h1>`, the site's name stripped) and the URL
(`<link rel="canonical">` or `og:url`). `benchmarks/readers.py` compares it with a plain
parser that only drops the usual boilerplate tags.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from cepf_bot.corpus.document import Block, DocumentText
from cepf_bot.errors import NoText, Unreadable

if TYPE_CHECKING:
    from configparser import ConfigParser

    from lxml.etree import _Element
    from trafilatura.settings import Document


# trafilatura's time grows faster than the square of the links inside one element: 4,000
# take 1.4 s, 8,000 take 12 s and 20,000 more than the 30 s a file may take (one page of
# 100,000 links, 5.2 MB, ran for minutes). An article has some hundreds; more than this is a
# site map or a link farm, refused before parsing, in one line (at most ~3 s to read).
MAX_LINKS = 5_000
_LINK_TAG = re.compile(rb"<a[\s>/]", re.IGNORECASE)


def read_html(path: Path, data: bytes) -> DocumentText:
    import lxml.etree
    import trafilatura

    links = sum(1 for _ in zip(_LINK_TAG.finditer(data), range(MAX_LINKS + 1), strict=False))
    if links > MAX_LINKS:
        raise Unreadable(f"more than {MAX_LINKS:,} links, the limit per web page: a site map "
                         "or a list of links, not an article")
    try:
        # as_dict=False gives a Document or None; the declared type also allows the old dict
        extracted = cast("Document | None", trafilatura.bare_extraction(
            data, with_metadata=True, include_tables=True, include_comments=False,
            favor_recall=True, as_dict=False, config=_config()))
    except (ValueError, lxml.etree.LxmlError) as e:
        raise Unreadable(f"not a web page: {e}", code="damaged") from None
    if extracted is None or extracted.body is None:
        raise NoText("no main text found in the page")
    title = (extracted.title or "").strip() or None
    blocks = _blocks(extracted.body, title)
    if not blocks:
        raise NoText("no main text found in the page")
    return DocumentText(title or blocks[0].lines[0], blocks, {}, url=extracted.url or "")


@functools.cache
def _config() -> ConfigParser:
    """trafilatura's settings, but for Chinese: its minimum of 250 characters of main text is
    a long Chinese article; below it, trafilatura falls back to the whole page, menu and all.
    A page of one short paragraph is an article too."""
    from trafilatura.settings import use_config

    config = use_config()
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE"):
        config.set("DEFAULT", key, "1")
    return config


def _blocks(body: _Element, title: str | None) -> list[Block]:
    """trafilatura's body (head, p, list, table, quote …) as blocks under their headings."""
    blocks: list[Block] = []
    section: str | None = None
    for element in body:
        text = _text(element)
        if not text:
            continue
        if element.tag == "head":
            if text != title:
                section = text
        elif element.tag == "list":
            items = [_text(item) for item in element.iter("item")]
            blocks.append(Block([i for i in items if i], section))
        elif element.tag == "table":
            rows = [" ".join(_text(c) for c in row.iter("cell") if _text(c))
                    for row in element.iter("row")]
            blocks.append(Block([_label_value(r) for r in rows if r], section))
        else:
            blocks.append(Block(_lines(element), section))
    return blocks


def _text(element: _Element) -> str:
    """The element's text, its white space collapsed as a browser shows it."""
    return " ".join("".join(element.itertext()).split())


def _lines(element: _Element) -> list[str]:
    """The element's text as lines: a `<br>` (trafilatura's `<lb/>`) ends one."""
    for lb in element.iter("lb"):
        lb.tail = "\n" + (lb.tail or "")
    lines = ("".join(element.itertext())).split("\n")
    return [" ".join(line.split()) for line in lines if line.strip()]


def _label_value(row: str) -> str:
    label, _, value = row.partition(" ")
    return f"{label}: {value}" if value else label
