"""Which reader reads a corpus file, by its suffix; any failure a `CorpusError` naming it.

The readers of PDF, Word and web pages are imported only when such a file is read: `ask` on a
Markdown corpus never loads them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from cepf_bot.corpus.document import DocumentText
from cepf_bot.errors import CorpusError, NoText, Unreadable

log = logging.getLogger("cepf_bot.readers")

FORMATS = {".md": "md", ".txt": "txt", ".html": "html", ".htm": "html", ".docx": "docx",
           ".pdf": "pdf"}


def format_of(path: Path) -> str | None:
    """'md', 'txt', 'html', 'docx' or 'pdf' by the file's suffix; None for anything else."""
    return FORMATS.get(path.suffix.lower())


def web_url(url: str) -> str:
    """`url` when it is an http(s) link with a host, else "": nothing else is ever shown."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    ok = parts.scheme.lower() in ("http", "https") and parts.netloc and not any(
        c.isspace() or c in "<>\"'" for c in url)
    return url if ok else ""


def _reader(kind: str) -> Callable[[Path, bytes], DocumentText]:
    if kind in ("md", "txt"):
        from cepf_bot.corpus.readers.markdown import read_markdown_file
        return read_markdown_file
    if kind == "html":
        from cepf_bot.corpus.readers.webpage import read_html
        return read_html
    if kind == "docx":
        from cepf_bot.corpus.readers.word import read_docx
        return read_docx
    from cepf_bot.corpus.readers.pdf import read_pdf
    return read_pdf


def read_document(path: Path, data: bytes) -> DocumentText | None:
    """The text of the file at `path` (its bytes `data`); None when it has no text to index
    (logged). A file that cannot be read is a `CorpusError` naming it — never a traceback."""
    kind = format_of(path)
    if kind is None:
        raise CorpusError(f"{path}: not a document format ({', '.join(sorted(FORMATS))})",
                          code="not_a_format", file=path.name)
    try:
        text = _reader(kind)(path, data)
    except CorpusError:
        raise
    except NoText as e:
        log.warning("%s: skipped, %s", path, e)
        return None
    except Unreadable as e:
        raise CorpusError(f"{path}: cannot read this {kind.upper()} file ({e})",
                          code=e.code or "unreadable", file=path.name, format=kind.upper(),
                          **e.params) from None
    except MemoryError:
        raise  # over the reading worker's memory limit: it names the limit
    except Exception as e:  # a damaged file can break a library anywhere: name it, go on
        raise CorpusError(f"{path}: cannot read this {kind.upper()} file "
                          f"({type(e).__name__}: {e})", code="unreadable", file=path.name,
                          format=kind.upper()) from None
    text.format = kind
    # the one place a link is checked: the index holds only http(s) links, or none
    text.url = web_url(text.url or text.metadata.get("source", ""))
    return text
