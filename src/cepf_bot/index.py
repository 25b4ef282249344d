"""Build, save, load and refresh the search index.

On disk an index is a folder:

    INDEX_PATH/
      CURRENT                  the name of the generation in use, replaced atomically
      gen-…/meta.json          IndexMeta, with a checksum of every other file
      gen-…/passages.json      documents, and each passage's id, document and title
      gen-…/texts.bin          the passages' text, verbatim UTF-8, one after another
      gen-…/terms.json         the vocabulary, in term-id order
      gen-…/*.npy              postings arrays and text offsets, allow_pickle=False, mapped
      token-cache/*.npy        each document's term ids, by what they depend on
      token-cache/lexicon.txt  the term of each term id (append-only)

A new generation is written completely (and fsync'd) under a temporary name, renamed, and only
then named in CURRENT: a reader, or a reindex killed at any moment, always sees a whole index.
Nothing is pickled; loading never executes code. Loading maps the arrays and the texts and
decodes a passage's text only when a query returns it, so a cold start stays short at 100,000
passages.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import hashlib
import json
import logging
import mmap
import multiprocessing
import os
import shutil
import sys
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from . import __version__
from .bm25 import (
    DocumentTerms,
    Lexicon,
    LocalTerms,
    Postings,
    PostingsParts,
    Vocabulary,
    sort_parts,
    update_parts,
    weigh,
    with_lexicon,
)
from .corpus import (
    DEFAULT_MAX_FILE_BYTES,
    Corpus,
    CorpusError,
    corpus_fingerprint,
    load_corpus,
)
from .expand import QueryExpander, traditional_overrides
from .segment import SEGMENTER_VERSION, Segmenter
from .types import BM25Params, Document, DocumentInfo, IndexMeta, Passage

FORMAT_VERSION = 3
_ARRAYS = ("idf", "offsets", "docs", "weights")
_PARTS = ("tf", "doc_len", "term_lexicon_ids")  # what an incremental reindex starts from
_FILES = {*(f"{a}.npy" for a in (*_ARRAYS, *_PARTS)), "text_offsets.npy", "texts.bin",
          "passages.json", "terms.json"}
# Documents needing more characters than this are segmented by a pool of processes.
PARALLEL_CHARS = 1_000_000
# Bump when passage splitting changes: cached document terms are then stale.
PASSAGE_FORMAT = 1
_CURRENT = "CURRENT"

log = logging.getLogger(__name__)


class IndexLoadError(Exception):
    """The index cannot be used: missing, damaged, or of a format this version cannot read."""


class IndexMissing(IndexLoadError):
    """No index has been written at this path yet."""


class LazyPassages(Sequence[Passage]):
    """Passages made only when asked for: subclasses say how many and how to make one."""

    def _passage(self, i: int) -> Passage:
        raise NotImplementedError

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        if isinstance(i, slice):
            return [self._passage(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._passage(i)


class PassageStore(LazyPassages):
    """A loaded index's passages: ids and titles in memory, texts decoded from the mapped
    `texts.bin` only when asked for."""

    def __init__(self, rows: list[list], documents: tuple[DocumentInfo, ...], texts: bytes,
                 offsets: np.ndarray) -> None:
        self._rows = rows  # [passage id, document index, title]
        self._documents = documents
        self._texts = texts
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._rows)

    def _passage(self, i: int) -> Passage:
        pid, doc, title = self._rows[i]
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        document = self._documents[doc]
        return Passage(pid, document.id, document.title, title,
                       bytes(self._texts[start:end]).decode("utf-8"))


class PassageRange(LazyPassages):
    """Passages `start` to `stop` of a `PassageStore` (one document's), which a new index can
    copy as they are stored."""

    def __init__(self, store: PassageStore, start: int, stop: int) -> None:
        self._store, self._start, self._stop = store, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    def _passage(self, i: int) -> Passage:
        return self._store._passage(self._start + i)

    def stored(self) -> tuple[list[list], memoryview, np.ndarray]:
        """The passages' [id, document index, title] rows, their texts' UTF-8 one after
        another (a view of the stored bytes), and each text's length in bytes."""
        offsets = np.asarray(self._store._offsets[self._start : self._stop + 1])
        return (self._store._rows[self._start : self._stop],
                memoryview(self._store._texts)[int(offsets[0]) : int(offsets[-1])],
                np.diff(offsets))


class PassageChain(LazyPassages):
    """The passages of several documents, one after another."""

    def __init__(self, documents: Sequence[Sequence[Passage]]) -> None:
        self.documents = documents
        self._starts = np.cumsum([0, *(len(d) for d in documents)]).tolist()

    def __len__(self) -> int:
        return self._starts[-1]

    def _passage(self, i: int) -> Passage:
        d = bisect.bisect_right(self._starts, i) - 1
        return self.documents[d][i - self._starts[d]]


@dataclass(frozen=True)
class Index:
    """A loaded (or freshly built) index: its metadata, passages and postings."""

    meta: IndexMeta
    documents: tuple[DocumentInfo, ...]
    passages: Sequence[Passage]
    postings: Postings
    generation: str = ""  # the folder it was loaded from or saved to; "" if only in memory
    # tf, doc_len, term_lexicon_ids: what a later reindex updates instead of starting over
    parts: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)


def passage_tokens(segmenter: Segmenter, passage: Passage) -> list[str]:
    """A passage's index terms: its text, and its title when the text does not contain it."""
    text = passage.text if passage.title in passage.text else f"{passage.title}\n{passage.text}"
    return segmenter.tokens(text)


_LEXICON = "lexicon.txt"


def _cache_key(document: Document, settings_json: str, lexicon_id: str) -> str:
    """What a document's terms depend on: its file's bytes, how it is split and segmented,
    and the lexicon that numbers the terms."""
    key = f"{PASSAGE_FORMAT}\0{lexicon_id}\0{settings_json}\0{document.digest}"
    return hashlib.blake2b(key.encode(), digest_size=20).hexdigest()


def _load_lexicon(cache: Path) -> tuple[str, Lexicon]:
    """The token cache's lexicon and its identity; a new empty one if missing or damaged."""
    try:
        lines = (cache / _LEXICON).read_text("utf-8").split("\n")
        header = lines[0].split()
        if header[:2] == ["#", "cepf-bot-lexicon"] and len(header) == 3:
            return header[2], Lexicon(lines[1:-1])
    except (OSError, UnicodeDecodeError, IndexError):
        pass
    return uuid.uuid4().hex, Lexicon()


def _save_lexicon(cache: Path, lexicon_id: str, lexicon: Lexicon) -> None:
    tmp = cache / f".{_LEXICON}.{os.getpid()}"
    tmp.write_text("\n".join([f"# cepf-bot-lexicon {lexicon_id}", *lexicon.terms, ""]),
                   "utf-8")
    os.replace(tmp, cache / _LEXICON)


def _save_terms(path: Path, terms: DocumentTerms) -> None:
    """One document's terms as a single int32 array: P, N, offsets, term ids, tf, lengths."""
    p, n = len(terms.lengths), len(terms.term_ids)
    flat = np.concatenate([[p, n], terms.offsets, terms.term_ids, terms.tf, terms.lengths])
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        np.save(f, flat.astype(np.int32), allow_pickle=False)
    os.replace(tmp, path)


def _load_terms(path: Path, lexicon_size: int) -> DocumentTerms | None:
    try:
        flat = np.load(path, allow_pickle=False)
        p, n = int(flat[0]), int(flat[1])
        if flat.dtype != np.int32 or len(flat) != 2 + (p + 1) + 2 * n + p:
            return None
        offsets = flat[2 : p + 3].astype(np.int64)
        ids = flat[p + 3 : p + 3 + n]
        if n and (ids.min() < 0 or ids.max() >= lexicon_size):
            return None
        return DocumentTerms(offsets, ids, flat[p + 3 + n : p + 3 + 2 * n], flat[p + 3 + 2 * n :])
    except (OSError, ValueError, IndexError):
        return None  # missing or damaged: segment again


_worker_segmenter: Segmenter | None = None


def _init_worker(settings: dict[str, object], cache_dir: Path | None) -> None:
    global _worker_segmenter
    _worker_segmenter = Segmenter.from_settings(settings, cache_dir=cache_dir)
    _worker_segmenter.warm_up()


def _segment_in_worker(passages: list[Passage]) -> LocalTerms:
    assert _worker_segmenter is not None
    return LocalTerms.from_tokens([passage_tokens(_worker_segmenter, p) for p in passages])


def document_terms(
    documents: Sequence[Document],
    keys: Sequence[str],
    wanted: Sequence[int],
    segmenter: Segmenter,
    lexicon: Lexicon,
    *,
    cache: Path | None = None,
    progress: bool = False,
    jieba_cache: Path | None = None,
) -> tuple[dict[int, DocumentTerms], int]:
    """The terms of the `wanted` documents, and how many had to be segmented: from the token
    cache when a document's passages are unchanged, else segmented — by two processes when
    there is a lot of text."""
    found: dict[int, DocumentTerms] = {}
    if cache is not None:
        for i in wanted:
            terms = _load_terms(cache / f"{keys[i]}.npy", len(lexicon))
            if terms is not None:
                found[i] = terms
    todo = [i for i in wanted if i not in found]
    chars = sum(len(p.text) for i in todo for p in documents[i].passages)
    bar = tqdm(total=len(todo), unit="doc", desc="segmenting", leave=False,
               disable=not (progress and todo and sys.stderr.isatty()))
    if chars > PARALLEL_CHARS and (os.cpu_count() or 1) > 1:
        segmenter.warm_up()
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=context,
                                 initializer=_init_worker,
                                 initargs=(segmenter.settings(), jieba_cache)) as pool:
            work = (list(documents[i].passages) for i in todo)
            for i, local in zip(todo, pool.map(_segment_in_worker, work, chunksize=4),
                                strict=True):
                found[i] = local.with_lexicon(lexicon)
                bar.update()
    else:
        local = []
        for i in todo:
            local.append(LocalTerms.from_tokens(
                [passage_tokens(segmenter, p) for p in documents[i].passages]))
            bar.update()
        found.update(zip(todo, with_lexicon(local, lexicon), strict=True))
    bar.close()
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            for i in todo:
                _save_terms(cache / f"{keys[i]}.npy", found[i])
            used = {f"{k}.npy" for k in keys}
            for stale in cache.glob("*.np[yz]"):
                if stale.name not in used:
                    stale.unlink(missing_ok=True)
        except OSError as e:
            log.warning("cannot write the token cache %s (%s)", cache, e.strerror or e)
    return found, len(todo)


def _previous_parts(previous: Index | None, lexicon_id: str, lexicon: Lexicon,
                    segmenter: Segmenter, params: BM25Params) -> PostingsParts | None:
    """The previous index's postings parts, if a reindex may start from them."""
    if (previous is None or not previous.parts
            or previous.meta.extra.get("lexicon") != lexicon_id
            or previous.meta.tokenizer != segmenter.settings()
            or previous.meta.params != params
            or len(previous.meta.extra.get("document_keys", ())) != len(previous.documents)):
        return None
    term_lex = np.asarray(previous.parts["term_lexicon_ids"])
    if len(term_lex) and int(term_lex.max()) >= len(lexicon):
        return None
    counts = np.zeros(len(lexicon), dtype=np.int64)
    counts[term_lex] = np.diff(np.asarray(previous.postings.offsets))
    offsets = np.zeros(len(lexicon) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return PostingsParts(offsets, previous.postings.docs, previous.parts["tf"],
                         previous.parts["doc_len"])


def build_index(
    corpus: Corpus,
    segmenter: Segmenter,
    params: BM25Params,
    *,
    cache: Path | None = None,
    progress: bool = False,
    jieba_cache: Path | None = None,
    previous: Index | None = None,
) -> Index:
    """Segment the corpus and compute the postings. With a token `cache`, documents whose
    files are unchanged are not segmented again; with a compatible `previous` index, its
    postings are updated in place of a full merge (same result, far less work)."""
    started = time.perf_counter()
    documents = corpus.documents
    settings_json = json.dumps(segmenter.settings(), ensure_ascii=False, sort_keys=True)
    lexicon_id, lexicon = _load_lexicon(cache) if cache is not None else ("", Lexicon())
    keys = [_cache_key(d, settings_json, lexicon_id) for d in documents]
    base = _previous_parts(previous, lexicon_id, lexicon, segmenter, params)

    passage_map = np.empty(0, dtype=np.int32)
    if base is not None:
        assert previous is not None
        old_keys = previous.meta.extra["document_keys"]
        old_starts = np.concatenate([[0], np.cumsum([d.passages for d in previous.documents])])
        # A key names one file's bytes, and a corpus has no duplicate files: one old position
        # per key. Keep a document's postings only while old positions increase: renumbering
        # must keep passages ascending within each term (a renamed file may move; re-added).
        old_position = {key: j for j, key in enumerate(old_keys)}
        kept: dict[int, int] = {}
        last = -1
        for i, key in enumerate(keys):
            j = old_position.get(key, -1)
            if j > last:
                kept[i] = last = j
        wanted = [i for i in range(len(documents)) if i not in kept]
        passage_map = np.full(len(base.doc_len), -1, dtype=np.int32)
    else:
        kept, wanted = {}, list(range(len(documents)))
    found, segmented = document_terms(documents, keys, wanted, segmenter, lexicon, cache=cache,
                                      progress=progress, jieba_cache=jieba_cache)
    if cache is not None and segmented:
        try:
            _save_lexicon(cache, lexicon_id, lexicon)
        except OSError as e:
            log.warning("cannot write the token cache %s (%s)", cache, e.strerror or e)

    if base is not None:
        lengths, added = [], []
        start = 0
        for i, document in enumerate(documents):
            count = len(document.passages)
            if i in kept:
                j = kept[i]
                passage_map[old_starts[j] : old_starts[j] + count] = np.arange(
                    start, start + count, dtype=np.int32)
                lengths.append(base.doc_len[old_starts[j] : old_starts[j] + count])
            else:
                part = found[i]
                added.append((start, part))
                lengths.append(part.lengths)
            start += count
        added_parts = sort_parts([p for _, p in added], len(lexicon), [s for s, _ in added])
        parts = update_parts(base, passage_map,
                             replace(added_parts, doc_len=np.concatenate(lengths)))
    else:
        parts = sort_parts([found[i] for i in range(len(documents))], len(lexicon))
    postings, term_lexicon_ids = weigh(parts, lexicon, params)

    passages = PassageChain([d.passages for d in documents])
    meta = IndexMeta(
        format_version=FORMAT_VERSION,
        package_version=__version__,
        corpus_fingerprint=corpus.fingerprint,
        tokenizer=segmenter.settings(),
        params=params,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        documents=len(documents),
        passages=len(passages),
        build_seconds=round(time.perf_counter() - started, 3),
        extra={
            "expansion": QueryExpander.for_corpus(corpus.root, segmenter).to_json(),
            "traditional": traditional_overrides(corpus.root),
            "segmented_documents": segmented,
            "incremental": base is not None,
            "lexicon": lexicon_id,
            "document_keys": keys,
            "passage_format": PASSAGE_FORMAT,
        },
    )
    infos = tuple(DocumentInfo(d.id, d.title, len(d.passages), dict(d.metadata), d.digest)
                  for d in documents)
    return Index(meta, infos, passages, postings,
                 parts={"tf": parts.tf, "doc_len": parts.doc_len,
                        "term_lexicon_ids": term_lexicon_ids})


def reusable_documents(index: Index | None) -> dict[tuple[str, str], Document]:
    """`index`'s documents by id and file digest, their passages read from the index when
    needed: what a reindex takes instead of splitting an unchanged file again."""
    if (index is None or not isinstance(index.passages, PassageStore)
            or index.meta.extra.get("passage_format") != PASSAGE_FORMAT):
        return {}
    documents, start = {}, 0
    for info in index.documents:
        stop = start + info.passages
        if info.digest:
            documents[info.id, info.digest] = Document(
                info.id, "", info.title, dict(info.metadata),
                PassageRange(index.passages, start, stop), info.digest)
        start = stop
    return documents


def _stored_passages(index: Index) -> tuple[list[list], list[bytes | memoryview], np.ndarray]:
    """passages.json's rows, the pieces of texts.bin and the texts' offsets in it. Passages
    taken from a previous index are copied as they are stored there."""
    doc_index = {d.id: i for i, d in enumerate(index.documents)}
    groups = (index.passages.documents if isinstance(index.passages, PassageChain)
              else [index.passages])
    rows: list[list] = []
    pieces: list[bytes | memoryview] = []
    sizes = [np.zeros(1, dtype=np.int64)]
    for group in groups:
        if isinstance(group, PassageRange) and len(group):
            stored_rows, data, lengths = group.stored()
            document = doc_index[group[0].document_id]
            rows += ([pid, document, title] for pid, _, title in stored_rows)
            pieces.append(data)
            sizes.append(lengths)
        else:
            encoded = [p.text.encode("utf-8") for p in group]
            rows += ([p.id, doc_index[p.document_id], p.title] for p in group)
            pieces += encoded
            sizes.append(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    return rows, pieces, np.cumsum(np.concatenate(sizes))


def _digest(path: Path) -> str:
    # SHA-256: as strong as any, and the fastest hashlib has where the CPU has SHA extensions
    # (1.7 GB/s here against 0.9 for blake2b); an index at 100k passages is about 330 MB.
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _synced_digest(path: Path) -> str:
    """Flush a written file to disk, then checksum it."""
    with path.open("rb") as f:
        os.fsync(f.fileno())
    return _digest(path)


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
    """One writer at a time per index folder (the bot's /reindex and a `cepf-bot reindex`):
    held for a whole build, since the token cache's lexicon grows during it."""
    index_path.mkdir(parents=True, exist_ok=True)
    with (index_path / ".lock").open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def save_index(index: Index, index_path: Path, *, locked: bool = False) -> Index:
    """Write `index` as a new generation and make it current, atomically; returns the index
    with its generation name. `locked`: the caller holds the writer lock already."""
    index_path.mkdir(parents=True, exist_ok=True)
    with contextlib.nullcontext() if locked else _writer_lock(index_path):
        _remove_superseded_generations(index_path)  # the new one and the current one remain
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"gen-{stamp}-{uuid.uuid4().hex[:8]}"
        tmp = index_path / f".tmp-{name}"
        tmp.mkdir()
        try:
            if set(index.parts) != set(_PARTS):
                raise ValueError("an index needs its parts to be saved")
            rows, pieces, text_offsets = _stored_passages(index)
            arrays = {a: getattr(index.postings, a) for a in _ARRAYS}
            arrays["text_offsets"] = text_offsets
            arrays.update(index.parts)
            # Each file is fsync'd and checksummed on another thread while the next is written.
            with ThreadPoolExecutor(max_workers=2) as pool:
                pending = {}

                def written(file_name: str,
                            data: Sequence[bytes | memoryview] | np.ndarray) -> None:
                    with (tmp / file_name).open("wb") as f:
                        if isinstance(data, np.ndarray):
                            np.save(f, data, allow_pickle=False)
                        else:
                            f.writelines(data)
                    pending[file_name] = pool.submit(_synced_digest, tmp / file_name)

                written("passages.json", [_json_bytes({
                    "documents": [asdict(d) for d in index.documents], "passages": rows})])
                written("terms.json", [_json_bytes(list(index.postings.terms))])
                written("texts.bin", pieces)
                for array, values in arrays.items():
                    written(f"{array}.npy", np.asarray(values))
                checksums = {name: pending[name].result() for name in sorted(pending)}
            meta = asdict(index.meta) | {"checksums": checksums}
            _write(tmp / "meta.json", json.dumps(meta, ensure_ascii=False, indent=1).encode())
            _fsync_dir(tmp)
            os.rename(tmp, index_path / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        pointer = index_path / f".{_CURRENT}.{name}"
        # The pointer carries meta.json's checksum, as meta.json carries everyone else's.
        _write(pointer, f"{name} {_digest(index_path / name / 'meta.json')}".encode())
        os.replace(pointer, index_path / _CURRENT)
        _fsync_dir(index_path)
    return replace(index, generation=name)


def current_generation(index_path: Path) -> str | None:
    """The name of the generation CURRENT points to (a cheap read, for watching)."""
    current = _current(index_path)
    return current[0] if current else None


def _current(index_path: Path) -> tuple[str, str] | None:
    """CURRENT's generation name and meta.json checksum."""
    try:
        fields = (index_path / _CURRENT).read_text("ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    return (fields[0], fields[1] if len(fields) > 1 else "") if fields else None


def _remove_superseded_generations(index_path: Path) -> None:
    """Delete the generations before the current one and leftovers of killed writers. A new
    one is written only then, so that it reuses their space on disk and their memory in the
    page cache (fresh memory is slow to touch on some virtual machines)."""
    current = current_generation(index_path)
    for entry in index_path.iterdir():
        if entry.name == current:
            continue
        if entry.name.startswith(("gen-", ".tmp-gen-")) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(f".{_CURRENT}."):
            entry.unlink(missing_ok=True)


def _map(path: Path) -> bytes:
    """The file's bytes, memory-mapped read-only (empty files cannot be mapped)."""
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)  # type: ignore[return-value]


def _checked_digest(path: Path) -> str:
    try:
        return _digest(path)
    except OSError as e:
        raise IndexLoadError(f"{path}: unreadable ({e.strerror or e})") from None


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as e:
        raise IndexLoadError(f"{path}: unreadable ({e})") from None


def load_index(index_path: Path) -> Index:
    """Load the current generation, checking its format version and checksums."""
    current = _current(index_path)
    if current is None:
        raise IndexMissing(f"{index_path}: no index yet")
    name, meta_digest = current
    folder = index_path / name
    if "/" in name or not name.startswith("gen-") or not folder.is_dir():
        raise IndexLoadError(f"{index_path}: CURRENT names a missing generation ({name!r})")
    try:
        meta_bytes = (folder / "meta.json").read_bytes()
    except OSError as e:
        raise IndexLoadError(f"{folder}/meta.json: unreadable ({e.strerror or e})") from None
    if hashlib.sha256(meta_bytes).hexdigest() != meta_digest:
        raise IndexLoadError(f"{folder}/meta.json: checksum mismatch (tampered or damaged)")
    try:
        meta = json.loads(meta_bytes)
    except ValueError as e:
        raise IndexLoadError(f"{folder}/meta.json: unreadable ({e})") from None
    if not isinstance(meta, dict):
        raise IndexLoadError(f"{folder}/meta.json: not an index metadata object")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise IndexLoadError(
            f"{folder}: index format {version!r} is newer than this cepf-bot reads "
            f"({FORMAT_VERSION}); upgrade cepf-bot or reindex"
        )
    checksums = meta.get("checksums")
    if not isinstance(checksums, dict) or set(checksums) != _FILES:
        raise IndexLoadError(f"{folder}/meta.json: checksums missing or incomplete")
    with ThreadPoolExecutor(max_workers=2) as pool:
        actual = dict(zip(checksums, pool.map(_checked_digest, (folder / f for f in checksums)),
                          strict=True))
    for file_name, digest in checksums.items():
        if actual[file_name] != digest:
            raise IndexLoadError(f"{folder / file_name}: checksum mismatch "
                                 "(truncated, corrupted or tampered)")
    try:
        stored = _read_json(folder / "passages.json")
        documents = tuple(DocumentInfo(**d) for d in stored["documents"])
        rows = stored["passages"]
        terms = _read_json(folder / "terms.json")
        arrays = {a: np.load(folder / f"{a}.npy", allow_pickle=False, mmap_mode="r")
                  for a in (*_ARRAYS, "text_offsets")}
        parts = {a: np.load(folder / f"{a}.npy", allow_pickle=False, mmap_mode="r")
                 for a in _PARTS}
        text_offsets = arrays.pop("text_offsets")
        texts = _map(folder / "texts.bin")
        passages = PassageStore(rows, documents, texts, text_offsets)
        params = BM25Params(**meta["params"])
        index_meta = IndexMeta(
            **{k: v for k, v in meta.items() if k not in ("checksums", "params")}, params=params
        )
        postings = Postings(
            terms=Vocabulary(terms),
            doc_count=len(passages),
            **arrays,
        )
        Segmenter.from_settings(index_meta.tokenizer)  # validates the stored vocabulary
        QueryExpander.from_json(index_meta.extra.get("expansion", []))
        if (len(text_offsets) != len(rows) + 1 or int(text_offsets[-1]) != len(texts)
                or any(not 0 <= r[1] < len(documents) for r in rows)):
            raise ValueError("passages and texts do not match")
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise IndexLoadError(f"{folder}: malformed index ({e})") from None
    if len(postings.offsets) != len(terms) + 1 or len(passages) != index_meta.passages:
        raise IndexLoadError(f"{folder}: inconsistent index (sizes do not match)")
    if (len(parts["tf"]) != len(postings.docs) or len(parts["doc_len"]) != len(passages)
            or len(parts["term_lexicon_ids"]) != len(terms)):
        raise IndexLoadError(f"{folder}: inconsistent index (parts do not match)")
    return Index(index_meta, documents, passages, postings, generation=name, parts=parts)


def is_current(index: Index, *, fingerprint: str, params: BM25Params) -> bool:
    """Whether `index` was built from this corpus, by this code, with these parameters."""
    return (
        index.meta.format_version == FORMAT_VERSION
        and index.meta.corpus_fingerprint == fingerprint
        and index.meta.tokenizer.get("segmenter_version") == SEGMENTER_VERSION
        and index.meta.params == params
    )


def reindex(
    corpus_dir: Path,
    index_path: Path,
    params: BM25Params,
    *,
    cache_dir: Path | None = None,
    progress: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> tuple[Index, Segmenter]:
    """Build from the corpus folder and save; a bad corpus raises before anything is written.
    Files whose bytes did not change are neither split nor segmented again."""
    segmenter = Segmenter.for_corpus(corpus_dir, cache_dir=cache_dir)
    with _writer_lock(index_path):
        previous = _load_quietly(index_path)
        corpus = load_corpus(corpus_dir, max_file_bytes=max_file_bytes,
                             parsed=reusable_documents(previous))
        index = build_index(corpus, segmenter, params, cache=index_path / "token-cache",
                            progress=progress, jieba_cache=cache_dir, previous=previous)
        return save_index(index, index_path, locked=True), segmenter


def open_index(
    corpus_dir: Path,
    index_path: Path,
    params: BM25Params,
    *,
    cache_dir: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
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
            log.warning("cannot check the corpus (%s); answering from the last good index "
                        "(built %s)", e, saved.meta.built_at)
            return saved, segmenter_of(saved, cache_dir)
        if is_current(saved, fingerprint=fingerprint, params=params):
            return saved, segmenter_of(saved, cache_dir)
        reason = "the corpus or the settings changed since the index was built"
    log.info("%s; rebuilding the index from %s", reason, corpus_dir)
    try:
        segmenter = Segmenter.for_corpus(corpus_dir, cache_dir=cache_dir)
        corpus = load_corpus(corpus_dir, max_file_bytes=max_file_bytes,
                             parsed=reusable_documents(saved))
    except CorpusError as e:
        if saved is None:
            raise
        log.warning("reindex failed: %s; answering from the last good index (built %s)",
                    e, saved.meta.built_at)
        return saved, segmenter_of(saved, cache_dir)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_writer_lock(index_path))
            writable = True
        except OSError as e:
            log.warning("cannot write the index to %s (%s); using it from memory", index_path,
                        e.strerror or e)
            writable = False
        index = build_index(corpus, segmenter, params, jieba_cache=cache_dir,
                            cache=index_path / "token-cache" if writable else None,
                            previous=saved if writable else None)
        if writable:
            try:
                index = save_index(index, index_path, locked=True)
            except OSError as e:
                log.warning("cannot save the index to %s (%s); using it from memory",
                            index_path, e.strerror or e)
    return index, segmenter


def _load_quietly(index_path: Path) -> Index | None:
    """The current index to start a reindex from, if there is a sound one."""
    try:
        return load_index(index_path)
    except IndexLoadError:
        return None


def segmenter_of(index: Index, cache_dir: Path | None = None) -> Segmenter:
    """A segmenter that cuts queries exactly as `index`'s passages were cut."""
    return Segmenter.from_settings(index.meta.tokenizer, cache_dir=cache_dir)
