"""Each document's term ids, cached by what they depend on, and segmentation that fills it.

    token-cache/<key>.npy     one document's term ids (P, N, offsets, ids, tf, lengths: int32)
    token-cache/lexicon.txt   the term of each term id (append-only), under the lexicon's id

A key names a document's file bytes, how it is split and segmented, and the lexicon: an
unchanged file is never segmented again. Segmenting a lot of text uses two processes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import sys
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from tqdm import tqdm

from cepf_bot.analysis.learnt import document_words
from cepf_bot.analysis.numerals import normalise_numbers
from cepf_bot.analysis.script import to_simplified, without_readings
from cepf_bot.analysis.segment import Segmenter, normalise
from cepf_bot.errors import CorpusError
from cepf_bot.index.bm25 import DocumentTerms, Lexicon, LocalTerms, with_lexicon
from cepf_bot.types import Document, Passage

# Documents needing more characters than this are segmented by a pool of processes.
PARALLEL_CHARS = 1_000_000
# Bump when passage splitting changes: cached document terms are then stale.
PASSAGE_FORMAT = 11  # 9: slight blocks joined, passages indexed in simplified; 10: passages
# over MAX_PASSAGE_CHARS split at sentence ends; 11: an English full stop ends a sentence there

log = logging.getLogger("cepf_bot.token_cache")


def passage_tokens(segmenter: Segmenter, passage: Passage) -> list[str]:
    """A passage's index terms: its text, and its title when the text does not contain it."""
    return segmenter.tokens(index_text(passage))


def index_text(passage: Passage) -> str:
    """What a passage is indexed by: its text (and its title when the text does not contain
    it) in simplified characters, as questions are read, with reading aids left out. The
    passage itself stays verbatim; only its index terms come from this."""
    text = passage.text if passage.title in passage.text else f"{passage.title}\n{passage.text}"
    return without_readings(to_simplified(text))


_LEXICON = "lexicon.txt"


def cache_key(document: Document, settings_json: str, lexicon_id: str) -> str:
    """What a document's terms depend on: its file's bytes, how it is split and segmented,
    and the lexicon that numbers the terms."""
    key = f"{PASSAGE_FORMAT}\0{lexicon_id}\0{settings_json}\0{document.digest}"
    return hashlib.blake2b(key.encode(), digest_size=20).hexdigest()


def load_lexicon(cache: Path) -> tuple[str, Lexicon]:
    """The token cache's lexicon and its identity; a new empty one if missing or damaged."""
    try:
        lines = (cache / _LEXICON).read_text("utf-8").split("\n")
        header = lines[0].split()
        if header[:2] == ["#", "cepf-bot-lexicon"] and len(header) == 3:
            return header[2], Lexicon(lines[1:-1])
    except (OSError, UnicodeDecodeError, IndexError):
        pass
    return uuid.uuid4().hex, Lexicon()


def save_lexicon(cache: Path, lexicon_id: str, lexicon: Lexicon) -> None:
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


def _save_words(path: Path, words: list[str]) -> None:
    """The words a document taught, as a JSON list."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(words, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


def _load_words(path: Path) -> list[str] | None:
    try:
        words = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None  # missing or damaged: segment again
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return None
    return words


_worker_segmenter: Segmenter | None = None


def _init_worker(settings: dict[str, object], cache_dir: Path | None) -> None:
    global _worker_segmenter
    _worker_segmenter = Segmenter.from_settings(settings, cache_dir=cache_dir)
    _worker_segmenter.warm_up()


def _segment_in_worker(work: tuple[str, list[Passage], float | None]
                       ) -> tuple[LocalTerms, list[str]]:
    assert _worker_segmenter is not None
    path, passages, seconds = work
    tokens, words = bounded_tokens(_worker_segmenter, path, passages, seconds)
    return LocalTerms.from_tokens(tokens), words


def bounded_tokens(segmenter: Segmenter, path: str, passages: Sequence[Passage],
                   seconds: float | None) -> tuple[list[list[str]], list[str]]:
    """The passages' terms and the words the document teaches (`analysis.learnt`: jieba's
    words that spell one are joined), within `seconds` of this thread's CPU time (None: no
    limit); over it, a `CorpusError` naming the file. Segmenting is linear but slow on unknown
    text (about 30 µs a character: a 5 MB line of Chinese took 50 s), so it is held to the
    limit a reader is, to the passage (each at most MAX_PASSAGE_CHARS)."""
    start = time.thread_time()
    pieces = []
    texts = []
    for passage in passages:
        text = index_text(passage)
        texts.append(normalise_numbers(normalise(text)))
        pieces.append(segmenter.pieces(text))
        if seconds is not None and time.thread_time() - start > seconds:
            raise CorpusError(f"{path}: segmenting it took more than {seconds:g} s of CPU "
                              "(the limit per file)")
    titles = {normalise_numbers(normalise(without_readings(to_simplified(p.title))))
              for p in passages}
    words = document_words(
        texts, sorted(titles),
        [[[(g.word, not g.tokens) for g in piece] for piece in passage if piece
          and piece[0].kind == "han"] for passage in pieces],
        segmenter.knows, segmenter.words)
    learnt = frozenset(words)  # the document's own: its terms depend on nothing else
    return [[t for g in segmenter.join(p, learnt) for t in g.tokens] for p in pieces], words


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
    seconds: float | None = None,
) -> tuple[dict[int, DocumentTerms], dict[int, list[str]], int]:
    """The terms of the `wanted` documents, the words each taught, and how many had to be
    segmented: from the token cache when a document's passages are unchanged, else segmented —
    by two processes when there is a lot of text."""
    found: dict[int, DocumentTerms] = {}
    learnt: dict[int, list[str]] = {}
    if cache is not None:
        for i in wanted:
            terms = _load_terms(cache / f"{keys[i]}.npy", len(lexicon))
            words = _load_words(cache / f"{keys[i]}.words.json")
            if terms is not None and words is not None:
                found[i], learnt[i] = terms, words
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
            work = ((documents[i].path, list(documents[i].passages), seconds) for i in todo)
            for i, (local, words) in zip(todo, pool.map(_segment_in_worker, work,
                                                         chunksize=4), strict=True):
                found[i], learnt[i] = local.with_lexicon(lexicon), words
                bar.update()
    else:
        segmented: list[LocalTerms] = []
        for i in todo:
            tokens, learnt[i] = bounded_tokens(segmenter, documents[i].path,
                                               documents[i].passages, seconds)
            segmented.append(LocalTerms.from_tokens(tokens))
            bar.update()
        found.update(zip(todo, with_lexicon(segmented, lexicon), strict=True))
    bar.close()
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            for i in todo:
                _save_terms(cache / f"{keys[i]}.npy", found[i])
                _save_words(cache / f"{keys[i]}.words.json", learnt[i])
            used = {f"{k}{ext}" for k in keys for ext in (".npy", ".words.json")}
            for stale in [*cache.glob("*.np[yz]"), *cache.glob("*.words.json")]:
                if stale.name not in used:
                    stale.unlink(missing_ok=True)
        except OSError as e:
            log.warning("cannot write the token cache %s (%s)", cache, e.strerror or e)
    return found, learnt, len(todo)
