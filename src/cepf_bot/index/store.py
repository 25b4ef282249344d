"""The index on disk: save, load, CURRENT, generations, checksums and the writer lock.

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

import contextlib
import fcntl
import hashlib
import json
import mmap
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from cepf_bot.analysis.expansion import QueryExpander
from cepf_bot.analysis.segment import Segmenter
from cepf_bot.errors import IndexLoadError, IndexMissing, IndexNewer, with_path
from cepf_bot.files import fsync_folder
from cepf_bot.index.bm25 import Postings, TermIds
from cepf_bot.index.build import FORMAT_VERSION, Index
from cepf_bot.index.checks import array_problem, check_rows
from cepf_bot.index.faq import FaqIndex
from cepf_bot.index.lazy import PassageChain, PassageRange, PassageStore
from cepf_bot.types import BM25Params, DocumentInfo, IndexMeta

_ARRAYS = ("idf", "offsets", "docs", "weights")
_PARTS = ("tf", "doc_len", "term_lexicon_ids")  # what an incremental reindex starts from
_FILES = {*(f"{a}.npy" for a in (*_ARRAYS, *_PARTS)), "text_offsets.npy", "texts.bin",
          "passages.json", "terms.json"}
_CURRENT = "CURRENT"


def _stored_passages(index: Index) -> tuple[list[list[Any]], list[bytes | memoryview],
                                                 np.ndarray]:
    """passages.json's rows, the pieces of texts.bin and the texts' offsets in it. Passages
    taken from a previous index are copied as they are stored there."""
    doc_index = {d.id: i for i, d in enumerate(index.documents)}
    groups = (index.passages.documents if isinstance(index.passages, PassageChain)
              else [index.passages])
    rows: list[list[Any]] = []
    pieces: list[bytes | memoryview] = []
    sizes = [np.zeros(1, dtype=np.int64)]
    for group in groups:
        if isinstance(group, PassageRange) and len(group):
            stored_rows, data, lengths = group.stored()
            document = doc_index[group[0].document_id]
            rows += ([pid, document, *rest] for pid, _, *rest in stored_rows)
            pieces.append(data)
            sizes.append(lengths)
        else:
            encoded = [p.text.encode("utf-8") for p in group]
            rows += ([p.id, doc_index[p.document_id], p.title, p.paragraph, p.section, p.page,
                      p.original] for p in group)
            pieces += encoded
            sizes.append(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
    return rows, pieces, np.cumsum(np.concatenate(sizes))


def _digest(path: Path) -> str:
    # SHA-256: hashlib's fastest with SHA extensions (1.7 GB/s here, blake2b 0.9); 330 MB at 100k
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


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


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _meta_json(meta: IndexMeta, checksums: dict[str, str]) -> bytes:
    """meta.json a field a line, by json's C encoder: `asdict` and an indent walk every entry
    of the bridge in Python (9 s for a line of 300,000 random characters)."""
    values = {f.name: getattr(meta, f.name) for f in fields(meta)} | {
        "params": asdict(meta.params), "checksums": checksums}
    return ("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                                for k, v in values.items()) + "\n}\n").encode()


@contextlib.contextmanager
def writer_lock(index_path: Path) -> Iterator[None]:
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
    with contextlib.nullcontext() if locked else writer_lock(index_path):
        refuse_newer_index(index_path)
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

                def written(file_name: str, data: Sequence[bytes | memoryview] | np.ndarray
                            ) -> None:
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
            _write(tmp / "meta.json", _meta_json(index.meta, checksums))
            fsync_folder(tmp)
            os.rename(tmp, index_path / name)
        except OSError as e:  # a full disk: name the folder, not just "[Errno 28]"
            shutil.rmtree(tmp, ignore_errors=True)
            raise with_path(e, index_path) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        pointer = index_path / f".{_CURRENT}.{name}"
        # The pointer carries meta.json's checksum, as meta.json carries everyone else's.
        _write(pointer, f"{name} {_digest(index_path / name / 'meta.json')}".encode())
        os.replace(pointer, index_path / _CURRENT)
        fsync_folder(index_path)
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


def _stored_format(folder: Path) -> object:
    """The format version a generation's meta.json gives (None when it cannot be read)."""
    try:
        meta = json.loads((folder / "meta.json").read_bytes())
    except (OSError, ValueError):
        return None
    return meta.get("format_version") if isinstance(meta, dict) else None


def _is_newer(version: object) -> bool:
    return isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION


def _newer_line(folder: Path, version: object) -> str:
    return (f"{folder}: index format {version} is newer than this cepf-bot reads or writes "
            f"({FORMAT_VERSION}); upgrade cepf-bot (the index is left as it is)")


def refuse_newer_index(index_path: Path) -> None:
    """An `IndexNewer` when the current generation was written by a newer cepf-bot: this one
    must not replace it (nor, at its next reindex, delete it)."""
    name = current_generation(index_path)
    if not name or "/" in name or not name.startswith("gen-"):
        return
    version = _stored_format(index_path / name)
    if _is_newer(version):
        raise IndexNewer(_newer_line(index_path / name, version))


def _remove_superseded_generations(index_path: Path) -> None:
    """Delete the generations before the current one and leftovers of killed writers. A new
    one is written only then, so that it reuses their space on disk and their memory in the
    page cache (fresh memory is slow to touch on some virtual machines). A generation of a
    newer format than this version writes is never deleted: it is a newer cepf-bot's."""
    current = current_generation(index_path)
    for entry in index_path.iterdir():
        if entry.name == current:
            continue
        if (entry.name.startswith("gen-") and entry.is_dir()
                and _is_newer(_stored_format(entry))):
            continue
        if entry.name.startswith(("gen-", ".tmp-gen-")) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(f".{_CURRENT}."):
            entry.unlink(missing_ok=True)


def _map(path: Path) -> bytes | mmap.mmap:
    """The file's bytes, memory-mapped read-only (empty files cannot be mapped)."""
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _checked_digest(path: Path) -> str:
    try:
        return _digest(path)
    except OSError as e:
        raise IndexLoadError(f"{path}: unreadable ({e.strerror or e})") from None


def _read_json(path: Path) -> Any:  # any shape: the loader turns a wrong one into an error
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
    if _is_newer(version):
        raise IndexNewer(_newer_line(folder, version))
    if not isinstance(version, int) or isinstance(version, bool):
        raise IndexLoadError(f"{folder}/meta.json: malformed index (format {version!r})")
    if version < FORMAT_VERSION:
        raise IndexLoadError(f"{folder}: index format {version} is older than this cepf-bot's "
                             f"({FORMAT_VERSION}); it needs a reindex")
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
        # plain views of the mappings for questions: slicing a np.memmap runs its Python
        # __getitem__ and __array_finalize__ each time (the checks below read the files)
        passages = PassageStore(rows, documents, texts, text_offsets.view(np.ndarray))
        params = BM25Params(**meta["params"])
        index_meta = IndexMeta(
            **{k: v for k, v in meta.items() if k not in ("checksums", "params")}, params=params
        )
        postings = Postings(
            terms=TermIds(terms),
            doc_count=len(passages),
            **{a: array.view(np.ndarray) for a, array in arrays.items()},
        )
        Segmenter.from_settings(index_meta.tokenizer)  # validates the stored vocabulary
        QueryExpander.from_json(index_meta.expansion)
        FaqIndex.from_json(index_meta.faq)
        check_rows(rows, documents, terms)
        if len(text_offsets) != len(rows) + 1 or int(text_offsets[-1]) != len(texts):
            raise ValueError("passages and texts do not match")
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as e:
        raise IndexLoadError(f"{folder}: malformed index ({e})") from None
    if len(postings.offsets) != len(terms) + 1 or len(passages) != index_meta.passages:
        raise IndexLoadError(f"{folder}: inconsistent index (sizes do not match)")
    if (len(parts["tf"]) != len(postings.docs) or len(parts["doc_len"]) != len(passages)
            or len(parts["term_lexicon_ids"]) != len(terms)):
        raise IndexLoadError(f"{folder}: inconsistent index (parts do not match)")
    if problem := array_problem(arrays, parts, text_offsets, len(rows)):
        raise IndexLoadError(f"{folder}: inconsistent index ({problem})")
    return Index(index_meta, documents, passages, postings, generation=name,
                 parts={a: array.view(np.ndarray) for a, array in parts.items()})
