"""Which library reads PDF, Word and web pages: speed and text quality on Chinese files made
from the seed document (`tests/documents.py`).

    python benchmarks/readers.py [--corpus corpus] [--repeat 5]

Quality: the share of the document's paragraphs found whole in the extracted text (white
space ignored), and how many pieces of the page around the article (menu, footer, ICP number,
sidebar, scripts) leaked in. The alternatives compared (pdfminer.six, a plain HTML parser) are
measured only when installed; reportlab and python-docx make the files.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.documents import FOOTER, SITE_MENU, Text, write_docx, write_html, write_pdf

LEAKS = [*SITE_MENU[1:], *FOOTER, "ICP", "热门文章", "tracking", "_hmt", "font-family"]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def quality(text: str, document: Text) -> tuple[float, int]:
    flat = squeeze(text)
    found = sum(squeeze(p) in flat for _, p in document.paragraphs)
    return found / len(document.paragraphs), sum(leak in text for leak in LEAKS)


def timed(read: Callable[[], str], repeat: int) -> tuple[str, float]:
    times, text = [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        text = read()
        times.append(time.perf_counter() - started)
    return text, statistics.median(times) * 1000


def cepf_reader(path: Path) -> Callable[[], str]:
    from cepf_bot.corpus.reading import read_document

    def read() -> str:
        document = read_document(path, path.read_bytes())
        assert document is not None
        return "\n".join(line for block in document.blocks for line in block.lines)
    return read


def pdfminer_reader(path: Path) -> Callable[[], str] | None:
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        return None
    return lambda: extract_text(str(path))


class _PlainParser(HTMLParser):
    """All text but that of script, style, nav, header, footer and aside."""

    SKIP = frozenset({"script", "style", "nav", "header", "footer", "aside", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in self.SKIP and self.depth > 0

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def plain_html_reader(path: Path) -> Callable[[], str]:
    def read() -> str:
        parser = _PlainParser()
        parser.feed(path.read_text("utf-8"))
        return "\n".join(parser.parts)
    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    source = next(p for p in sorted(args.corpus.glob("*.md")) if p.name != "README.md")
    document = Text.of_markdown(source)
    folder = Path(tempfile.mkdtemp(prefix="cepf-readers-"))
    pdf = write_pdf(folder / "seed.pdf", document)
    docx = write_docx(folder / "seed.docx", document)
    page = write_html(folder / "seed.html", document)
    divs = write_html(folder / "divs.html", document, semantic=False)
    rows = [
        ("PDF", "pypdf (chosen)", cepf_reader(pdf)),
        ("PDF", "pdfminer.six", pdfminer_reader(pdf)),
        ("DOCX", "python-docx (chosen)", cepf_reader(docx)),
        ("HTML", "trafilatura (chosen)", cepf_reader(page)),
        ("HTML", "html.parser, boilerplate tags dropped", plain_html_reader(page)),
        ("HTML, all `<div>`", "trafilatura (chosen)", cepf_reader(divs)),
        ("HTML, all `<div>`", "html.parser, boilerplate tags dropped", plain_html_reader(divs)),
    ]
    print(f"seed: {source} ({len(document.paragraphs)} paragraphs); files in {folder}")
    print("| format | reader | paragraphs found whole | page furniture leaked | ms per file |")
    print("|---|---|---|---|---|")
    for kind, name, read in rows:
        if read is None:
            print(f"| {kind} | {name} | not installed | | |")
            continue
        read()  # the first read pays imports and lazy set-up: not counted
        text, ms = timed(read, args.repeat)
        found, leaked = quality(text, document)
        print(f"| {kind} | {name} | {found:.0%} | {leaked} of {len(LEAKS)} | {ms:.1f} |")


if __name__ == "__main__":
    main()
