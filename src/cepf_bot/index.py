"""Build, save, load and refresh the search index.

On disk an index is a folder:

    INDEX_PATH/
      CURRENT               the name of the generation in use, replaced atomically
      gen-…/meta.json       IndexMeta, with a checksum of every other file
      gen-…/passages.json   documents and passages, verbatim (ensure_ascii=False)
      gen-…/terms.json      the vocabulary, in term-id order
      gen-…/*.npy           postings arrays, read with allow_pickle=False

A new generation is written completely (and fsync'd) under a temporary name, renamed, and only
then named in CURRENT: a reader, or a reindex killed at any moment, always sees a whole index.
Nothing is pickled; loading never executes code.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import __version__
from .bm25 import Postings, build_postings
from .corpus import Corpus, CorpusError, corpus_fingerprint, load_corpus
from .expand import QueryExpander, traditional_overrides
from .segment import SEGMENTER_VERSION, Segmenter
from .types import BM25Params, IndexMeta, Passage

FORMAT_VERSION = 1
_ARRAYS = ("idf", "offsets", "docs", "weights")
_CURRENT = "CURRENT"

log = logging.getLogger(__name__)


class IndexLoadError(Exception):
    """The index cannot be used: missing, damaged, or of a format this version cannot read."""


class IndexMissing(IndexLoadError):
    """No index has been written at this path yet."""


@dataclass(frozen=True)
class DocumentInfo:
    """What /about and reindex reports need of a document, kept in the index."""

    id: str
    title: str
    passages: int
    metadata: dict[str, str]


@dataclass(frozen=True)
class Index:
    """A loaded (or freshly built) index: its metadata, passages and postings."""

    meta: IndexMeta
    documents: tuple[DocumentInfo, ...]
    passages: tuple[Passage, ...]
    postings: Postings
    generation: str = ""  # the folder it was loaded from or saved to; "" if only in memory


def passage_tokens(segmenter: Segmenter, passage: Passage) -> list[str]:
    """A passage's index terms: its text, and its title when the text does not contain it."""
    text = passage.text if passage.title in passage.text else f"{passage.title}\n{passage.text}"
    return segmenter.tokens(text)


def build_index(corpus: Corpus, segmenter: Segmenter, params: BM25Params) -> Index:
    """Segment every passage of the corpus and compute the postings."""
    started = time.perf_counter()
    passages = tuple(corpus.passages)
    postings = build_postings([passage_tokens(segmenter, p) for p in passages], params)
    meta = IndexMeta(
        format_version=FORMAT_VERSION,
        package_version=__version__,
        corpus_fingerprint=corpus.fingerprint,
        tokenizer=segmenter.settings(),
        params=params,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        documents=len(corpus.documents),
        passages=len(passages),
        build_seconds=round(time.perf_counter() - started, 3),
        extra={
            "expansion": QueryExpander.for_corpus(corpus.root, segmenter).to_json(),
            "traditional": traditional_overrides(corpus.root),
        },
    )
    documents = tuple(
        DocumentInfo(d.id, d.title, len(d.passages), dict(d.metadata)) for d in corpus.documents
    )
    return Index(meta, documents, passages, postings)


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@contextlib.contextmanager
def _writer_lock(index_path: Path):
    with (index_path / ".lock").open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def save_index(index: Index, index_path: Path) -> Index:
    """Write `index` as a new generation and make it current, atomically; returns the index
    with its generation name."""
    index_path.mkdir(parents=True, exist_ok=True)
    with _writer_lock(index_path):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"gen-{stamp}-{uuid.uuid4().hex[:8]}"
        tmp = index_path / f".tmp-{name}"
        tmp.mkdir()
        try:
            files = {
                "passages.json": _json_bytes(
                    {
                        "documents": [asdict(d) for d in index.documents],
                        "passages": [asdict(p) for p in index.passages],
                    }
                ),
                "terms.json": _json_bytes(list(index.postings.terms)),
            }
            for file_name, data in files.items():
                _write(tmp / file_name, data)
            for array in _ARRAYS:
                with (tmp / f"{array}.npy").open("wb") as f:
                    np.save(f, getattr(index.postings, array), allow_pickle=False)
                    f.flush()
                    os.fsync(f.fileno())
            checksums = {p.name: _digest(p) for p in sorted(tmp.iterdir())}
            meta = asdict(index.meta) | {"checksums": checksums}
            _write(tmp / "meta.json", json.dumps(meta, ensure_ascii=False, indent=1).encode())
            _fsync_dir(tmp)
            os.rename(tmp, index_path / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        pointer = index_path / f".{_CURRENT}.{name}"
        _write(pointer, name.encode())
        previous = _current_name(index_path)
        os.replace(pointer, index_path / _CURRENT)
        _fsync_dir(index_path)
        _remove_old_generations(index_path, keep={name, previous})
    return replace(index, generation=name)


def current_generation(index_path: Path) -> str | None:
    """The name of the generation CURRENT points to (a cheap read, for watching)."""
    return _current_name(index_path)


def _current_name(index_path: Path) -> str | None:
    try:
        return (index_path / _CURRENT).read_text("ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def _remove_old_generations(index_path: Path, keep: set[str | None]) -> None:
    """Delete generations other than `keep` and leftovers of killed writers."""
    for entry in index_path.iterdir():
        if entry.name in keep:
            continue
        if entry.name.startswith(("gen-", ".tmp-gen-")) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(f".{_CURRENT}."):
            entry.unlink(missing_ok=True)


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as e:
        raise IndexLoadError(f"{path}: unreadable ({e})") from None


def load_index(index_path: Path) -> Index:
    """Load the current generation, checking its format version and checksums."""
    name = _current_name(index_path)
    if name is None:
        raise IndexMissing(f"{index_path}: no index yet")
    folder = index_path / name
    if "/" in name or not name.startswith("gen-") or not folder.is_dir():
        raise IndexLoadError(f"{index_path}: CURRENT names a missing generation ({name!r})")
    meta = _read_json(folder / "meta.json")
    if not isinstance(meta, dict):
        raise IndexLoadError(f"{folder}/meta.json: not an index metadata object")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise IndexLoadError(
            f"{folder}: index format {version!r} is newer than this cepf-bot reads "
            f"({FORMAT_VERSION}); upgrade cepf-bot or reindex"
        )
    checksums = meta.get("checksums")
    expected = {*(f"{a}.npy" for a in _ARRAYS), "passages.json", "terms.json"}
    if not isinstance(checksums, dict) or set(checksums) != expected:
        raise IndexLoadError(f"{folder}/meta.json: checksums missing or incomplete")
    for file_name, digest in checksums.items():
        path = folder / file_name
        try:
            actual = _digest(path)
        except OSError as e:
            raise IndexLoadError(f"{path}: unreadable ({e.strerror or e})") from None
        if actual != digest:
            raise IndexLoadError(f"{path}: checksum mismatch (truncated, corrupted or tampered)")
    try:
        stored = _read_json(folder / "passages.json")
        documents = tuple(DocumentInfo(**d) for d in stored["documents"])
        passages = tuple(Passage(**p) for p in stored["passages"])
        terms = _read_json(folder / "terms.json")
        arrays = {a: np.load(folder / f"{a}.npy", allow_pickle=False) for a in _ARRAYS}
        params = BM25Params(**meta["params"])
        index_meta = IndexMeta(
            **{k: v for k, v in meta.items() if k not in ("checksums", "params")}, params=params
        )
        postings = Postings(
            terms={t: i for i, t in enumerate(terms)},
            doc_count=len(passages),
            **arrays,
        )
        Segmenter.from_settings(index_meta.tokenizer)  # validates the stored vocabulary
        QueryExpander.from_json(index_meta.extra.get("expansion", []))
    except (KeyError, TypeError, ValueError) as e:
        raise IndexLoadError(f"{folder}: malformed index ({e})") from None
    if len(postings.offsets) != len(terms) + 1 or len(passages) != index_meta.passages:
        raise IndexLoadError(f"{folder}: inconsistent index (sizes do not match)")
    return Index(index_meta, documents, passages, postings, generation=name)


def is_current(index: Index, *, fingerprint: str, params: BM25Params) -> bool:
    """Whether `index` was built from this corpus, by this code, with these parameters."""
    return (
        index.meta.format_version == FORMAT_VERSION
        and index.meta.corpus_fingerprint == fingerprint
        and index.meta.tokenizer.get("segmenter_version") == SEGMENTER_VERSION
        and index.meta.params == params
    )


def reindex(
    corpus_dir: Path, index_path: Path, params: BM25Params, *, cache_dir: Path | None = None
) -> tuple[Index, Segmenter]:
    """Build from the corpus folder and save; a bad corpus raises before anything is written."""
    segmenter = Segmenter.for_corpus(corpus_dir, cache_dir=cache_dir)
    index = build_index(load_corpus(corpus_dir), segmenter, params)
    return save_index(index, index_path), segmenter


def open_index(
    corpus_dir: Path, index_path: Path, params: BM25Params, *, cache_dir: Path | None = None
) -> tuple[Index, Segmenter]:
    """The index to answer from, and the segmenter its queries need: the saved index if it is
    current, else a rebuild (saved when the index folder is writable).

    When the rebuild fails, the last good index keeps serving and one warning says why; only
    when there is none does the `CorpusError` propagate.
    """
    saved: Index | None = None
    try:
        saved = load_index(index_path)
    except IndexMissing:
        reason = "no index yet"
    except IndexLoadError as e:
        reason = f"index unusable: {e}"
    else:
        try:
            fingerprint = corpus_fingerprint(corpus_dir)
        except CorpusError as e:
            log.warning("cannot check the corpus (%s); answering from the index of %s",
                        e, saved.meta.built_at)
            return saved, segmenter_of(saved, cache_dir)
        if is_current(saved, fingerprint=fingerprint, params=params):
            return saved, segmenter_of(saved, cache_dir)
        reason = "the corpus or the settings changed since the index was built"
    log.info("%s; rebuilding the index from %s", reason, corpus_dir)
    try:
        segmenter = Segmenter.for_corpus(corpus_dir, cache_dir=cache_dir)
        index = build_index(load_corpus(corpus_dir), segmenter, params)
    except CorpusError as e:
        if saved is None:
            raise
        log.warning("reindex failed: %s; answering from the last good index (built %s)",
                    e, saved.meta.built_at)
        return saved, segmenter_of(saved, cache_dir)
    try:
        index = save_index(index, index_path)
    except OSError as e:
        log.warning("cannot save the index to %s (%s); using it from memory", index_path,
                    e.strerror or e)
    return index, segmenter


def segmenter_of(index: Index, cache_dir: Path | None = None) -> Segmenter:
    """A segmenter that cuts queries exactly as `index`'s passages were cut."""
    return Segmenter.from_settings(index.meta.tokenizer, cache_dir=cache_dir)
