"""A document sent by a member of staff: its preview, then its safe arrival in the corpus.

`preview_upload` reads the file with the corpus's own readers and says what it would change:
a new document, or a replacement (passages added, removed and kept, by their ids).
`write_upload` puts it into the corpus folder atomically (a hidden temporary file, fsync,
then a link — or a rename, when the replacement was shown) under a sanitised name; it never
overwrites a file the preview did not show. Nothing here knows Telegram.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cepf_bot.corpus.folder import (
    NOT_DOCUMENTS,
    document_id,
    document_of,
    size_limit,
)
from cepf_bot.corpus.reading import FORMATS, format_of
from cepf_bot.corpus.worker import ReadLimits, read_bounded
from cepf_bot.errors import CorpusError, UploadError
from cepf_bot.files import DEFAULT_MAX_FILE_BYTES, file_digest, place_file
from cepf_bot.types import Document, DocumentInfo, Passage

_UNSAFE = re.compile(r"[^\w\-. ]+")
_NAME_CHARS = 120
_NAME_BYTES = 180  # room left for the suffix and the temporary file's prefix and tail



FIRST_PASSAGE_CHARS = 300


@dataclass(frozen=True)
class DocumentSummary:
    """What a preview shows of the document read, kept while it waits instead of the document
    itself (up to millions of characters, for up to 15 minutes)."""

    title: str
    format: str
    passages: int
    first_passage: str  # at most FIRST_PASSAGE_CHARS, cut with …

    @classmethod
    def of(cls, document: Document) -> DocumentSummary:
        first = document.passages[0].text
        if len(first) > FIRST_PASSAGE_CHARS:
            first = first[:FIRST_PASSAGE_CHARS] + "…"
        return cls(document.title, document.format, len(document.passages), first)


@dataclass(frozen=True)
class UploadPreview:
    """What adding the file would do. `document` None: it cannot be read (`error` says why)."""

    name: str  # the file name it would have in the corpus folder
    document: DocumentSummary | None
    error: str = ""
    replaces: bool = False
    added: int = 0  # passages new to the document
    removed: int = 0  # passages the replaced version had and this one has not
    kept: int = 0
    # why it cannot be added, for the person: a key of the bot's texts and its values
    # (`error` is the same in English, for logs and the CLI)
    reason: str = ""
    values: tuple[tuple[str, object], ...] = ()
    # a reader's error as values (`CepfError.code`, `params`), for the detail in any language
    detail_code: str = ""
    detail_params: tuple[tuple[str, object], ...] = ()


def safe_file_name(name: str) -> str:
    """A plain file name for the corpus folder: no folders, not hidden, no odd characters,
    the suffix in lower case, and never the name of a word file or README.md."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._-")[:_NAME_CHARS]
    while len(stem.encode()) > _NAME_BYTES:  # a file name is at most 255 bytes, not characters
        stem = stem[:-1]
    stem = stem.rstrip(" ._-") or "document"
    safe = f"{stem}.{suffix.lower()}" if suffix else stem
    if safe in NOT_DOCUMENTS:
        safe = f"upload-{safe}"
    return safe


MB = 1024 * 1024  # the README's "5 MB" and "20 MB" are the reindex's 5 and 20 MiB


def size_refusal(name: str, size: int, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
                 ) -> tuple[tuple[str, object], ...]:
    """When a file of `size` bytes is larger than the reindex takes for its format (with
    `max_file_bytes`, the setting the reindex uses): its size and the limit in MB, as the
    README says them (20 MB, not 21; 1.5 MB for a limit that is no whole MB); () when it
    fits."""
    limit = size_limit(Path(name), max_file_bytes)
    if size <= limit:
        return ()
    return (("size", size / MB), ("limit", megabytes(limit)))


def megabytes(size: int) -> str:
    """`size` in MB as the README writes a limit: "5", "20", "1.5" (at most two decimals)."""
    return f"{size / MB:.2f}".rstrip("0").rstrip(".")


def unsupported_format(name: str) -> str:
    """Why a file named `name` cannot go into the corpus, or "" when its format can."""
    if format_of(Path(name)) is not None:
        return ""
    return f"{name}: not a format the corpus takes ({', '.join(FORMATS)})"


def preview_upload(corpus_dir: Path, name: str, data: bytes, documents: Sequence[DocumentInfo],
                   passages: Sequence[Passage], limits: ReadLimits | None = None,
                   max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> UploadPreview:
    """Read `data` as the file `name` would be in the corpus, within the limits the reindex
    applies (`limits`, `max_file_bytes`: what is refused here would be refused there).
    `documents` and `passages` are the live index's: they tell a replacement from a new
    document (only the replaced document's passages are read), and a file already in the
    corpus under another name is said at once, not at the reindex."""
    name = safe_file_name(name)
    path = corpus_dir / name
    digest = file_digest(data)
    same = next((d for d in documents if d.digest == digest), None)
    if same is not None and same.id != document_id(corpus_dir, path):
        return UploadPreview(name, None, f"the same file is in the corpus already, as {same.id}",
                             reason="upload_duplicate", values=(("id", same.id),))
    if why := unsupported_format(name):
        return UploadPreview(name, None, why, reason="upload_unsupported",
                             values=(("name", name), ("formats", ", ".join(FORMATS))))
    if too_large := size_refusal(name, len(data), max_file_bytes):
        return UploadPreview(name, None, f"too large ({len(data):,} bytes; at most "
                                         f"{size_limit(path, max_file_bytes):,})",
                             reason="upload_too_large", values=too_large)
    doc_id = document_id(corpus_dir, path)
    try:
        text = read_bounded(path, data, limits)
        if text is None:
            return UploadPreview(name, None, "no text to index (a scanned PDF?)",
                                 reason="upload_no_text")
        document = document_of(doc_id, path, text, digest)
    except CorpusError as e:
        detail = str(e).replace(str(corpus_dir) + os.sep, "")
        return UploadPreview(name, None, detail, reason="upload_unreadable",
                             values=(("detail", detail),), detail_code=e.code,
                             detail_params=tuple(sorted(e.params.items())))
    old = {p.id for p in _passages_of(doc_id, documents, passages)}
    new = {p.id for p in document.passages}
    return UploadPreview(name, DocumentSummary.of(document), replaces=path.exists(),
                         added=len(new - old),
                         removed=len(old - new), kept=len(new & old))


def _passages_of(doc_id: str, documents: Sequence[DocumentInfo],
                 passages: Sequence[Passage]) -> Sequence[Passage]:
    """An indexed document's passages: the index keeps each document's passages together, in
    the order of its documents."""
    start = 0
    for document in documents:
        if document.id == doc_id:
            return passages[start : start + document.passages]
        start += document.passages
    return ()


def write_upload(corpus_dir: Path, preview: UploadPreview, data: bytes) -> bytes | None:
    """Write the previewed file into the corpus folder atomically; the bytes it replaced (None
    when it is new), for `undo_upload`. An `UploadError` when the folder is read-only, or
    when a file of that name appeared after a preview that did not show a replacement."""
    target = corpus_dir / preview.name
    try:
        previous = target.read_bytes() if preview.replaces and target.exists() else None
        place_file(target, data, overwrite=preview.replaces, mode=0o644)
    except FileExistsError:  # linked, never renamed over: no silent overwrite
        raise UploadError(f"{preview.name} exists now; send the file again to see what "
                          "replacing it changes", code="exists_now", file=preview.name) from None
    except OSError as e:
        raise _write_error(e, corpus_dir) from None
    return previous


def undo_upload(corpus_dir: Path, name: str, previous: bytes | None) -> None:
    """Put the corpus folder back as it was before `write_upload` (the reindex failed)."""
    target = corpus_dir / name
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        place_file(target, previous, overwrite=True, mode=0o644)


def _write_error(error: OSError, corpus_dir: Path) -> UploadError:
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return UploadError(f"the corpus folder {corpus_dir} is read-only here (mounted "
                           "read-only?): add the file where the corpus is kept, then /reindex",
                           code="read_only", folder=str(corpus_dir))
    return UploadError(f"cannot write into {corpus_dir}: {error.strerror or error}",
                       code="cannot_write", folder=str(corpus_dir),
                       cause=error.strerror or type(error).__name__)

