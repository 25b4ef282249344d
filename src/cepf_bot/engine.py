"""The one owner of the live index and its Searcher: open, reindex and swap, reload, info.

The command line, the bot and the serving loop ask the engine; none of them touches index files
or builds a Searcher. A reindex reads the word files and the documents once, inside the writer
lock, builds, saves a new generation and only then swaps it in; a question asked meanwhile is
answered by the previous Searcher. When a build fails, the last good index keeps serving.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from cepf_bot.analysis.segment import Segmenter
from cepf_bot.analysis.vocabulary import read_vocabulary
from cepf_bot.config import Paths
from cepf_bot.corpus.faq import changed_faq, restore_faq
from cepf_bot.corpus.folder import corpus_fingerprint, faq_files, load_corpus, read_examples
from cepf_bot.corpus.upload import UploadPreview, preview_upload, undo_upload, write_upload
from cepf_bot.corpus.worker import ReadLimits
from cepf_bot.errors import CorpusError, IndexLoadError, IndexMissing, IndexNewer
from cepf_bot.files import place_file
from cepf_bot.index.build import Index, build_index, is_current, reusable_documents
from cepf_bot.index.faq import FaqIndex
from cepf_bot.index.store import (
    current_generation,
    load_index,
    refuse_newer_index,
    save_index,
    writer_lock,
)
from cepf_bot.search.searcher import Searcher
from cepf_bot.types import BM25Params, FaqPair, IndexInfo, Lang, Relevance

log = logging.getLogger("cepf_bot.engine")


class Engine:
    """The live index of one corpus folder and index folder; safe to share between threads."""

    def __init__(self, paths: Paths, *, params: BM25Params | None = None,
                 relevance: Relevance | None = None) -> None:
        self.paths = paths
        self.params = params or BM25Params()
        self.relevance = relevance or Relevance()
        self._searcher: Searcher | None = None
        self._swap = threading.Lock()  # one reindex or reload at a time in this process
        self.unloadable: str | None = None  # a generation on disk that failed to load
        self._examples: dict[Lang, list[str]] | None = None

    @property
    def searcher(self) -> Searcher:
        """The Searcher of the index in use (take it once per question: a swap replaces it)."""
        if self._searcher is None:
            raise RuntimeError("the engine is not open")
        return self._searcher

    @classmethod
    def open(cls, paths: Paths, *, params: BM25Params | None = None,
             relevance: Relevance | None = None) -> Engine:
        """An engine answering from the saved index if it is current, else from a rebuild
        (saved when the index folder is writable). When the rebuild fails, the last good index
        keeps serving and one warning says why; only when there is none does the
        `CorpusError` propagate."""
        engine = cls(paths, params=params, relevance=relevance)
        engine._swap_in(*engine._open_index())
        return engine

    def _open_index(self) -> tuple[Index, Segmenter | None]:
        paths = self.paths
        saved: Index | None = None
        try:
            saved = load_index(paths.index_path)
        except IndexMissing:
            reason = "no index yet"
        except IndexNewer:  # a newer cepf-bot's: neither replaced nor deleted by this one
            raise
        except IndexLoadError as e:
            reason = f"index unusable: {e}"
        else:
            try:
                fingerprint = corpus_fingerprint(paths.corpus_dir)
            except CorpusError as e:
                log.warning("cannot check the corpus (%s); answering from the last good index "
                            "(built %s)", e, saved.meta.built_at)
                return saved, None
            if is_current(saved, fingerprint=fingerprint, params=self.params):
                return saved, None
            reason = "the corpus or the settings changed since the index was built"
        log.info("%s; rebuilding the index from %s", reason, paths.corpus_dir)
        try:
            return self._build(saved, tolerate_read_only=True)
        except CorpusError as e:
            if saved is None:
                raise
            log.warning("reindex failed: %s; answering from the last good index (built %s)",
                        e, saved.meta.built_at)
            return saved, None

    def _build(self, previous: Index | None, *, tolerate_read_only: bool = False,
               progress: bool = False, edit: Callable[[], Callable[[], None]] | None = None
               ) -> tuple[Index, Segmenter]:
        """Read the corpus (word files first) under the writer lock, build, save; the index and
        the segmenter that cut it. `edit`: a change to the corpus made first, under the same
        lock (two admins' changes never interleave), returning how to undo it: undone when
        the build fails."""
        paths = self.paths
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(writer_lock(paths.index_path))
                writable = True
            except OSError as e:
                if not tolerate_read_only:
                    raise
                log.warning("cannot write the index to %s (%s); using it from memory",
                            paths.index_path, e.strerror or e)
                writable = False
            if writable:
                refuse_newer_index(paths.index_path)  # before the work, not only at the save
            if writable and (previous is None
                             or current_generation(paths.index_path) != previous.generation):
                previous = _load_quietly(paths.index_path) or previous  # made while we waited
            undo = edit() if edit is not None else None
            try:
                vocabulary = read_vocabulary(paths.corpus_dir, max_bytes=paths.max_file_bytes)
                segmenter = Segmenter.for_vocabulary(vocabulary, cache_dir=paths.cache_dir)
                corpus = load_corpus(paths.corpus_dir, vocabulary=vocabulary,
                                     max_file_bytes=paths.max_file_bytes,
                                     parsed=reusable_documents(previous),
                                     limits=read_limits(paths))
                index = build_index(corpus, segmenter, self.params, progress=progress,
                                    jieba_cache=paths.cache_dir,
                                    cache=paths.index_path / "token-cache" if writable else None,
                                    previous=previous if writable else None,
                                    seconds=paths.read_seconds)
            except CorpusError as e:
                if undo is not None:
                    undo()
                elif writable:
                    _note_failure(paths, str(e))
                raise
            except OSError:
                if undo is not None:
                    undo()
                raise
            except Exception as e:  # our own bug on some file: still one line, old index serves
                log.debug("reindex failed", exc_info=True)
                if undo is not None:
                    undo()
                error = CorpusError(f"{paths.corpus_dir}: cannot index the corpus "
                                    f"({type(e).__name__}: {e})")
                if writable:
                    _note_failure(paths, str(error))
                raise error from None
            if writable:
                _note_failure(paths, None)
            if not writable:
                return index, segmenter
            try:
                return save_index(index, paths.index_path, locked=True), segmenter
            except OSError as e:
                if not tolerate_read_only:
                    raise
                log.warning("cannot save the index to %s (%s); using it from memory",
                            paths.index_path, e.strerror or e)
                return index, segmenter

    def _swap_in(self, index: Index, segmenter: Segmenter | None = None) -> Searcher:
        """Answer from `index` from now on; `segmenter` is the one that cut it, if at hand."""
        if segmenter is None or segmenter.settings() != index.meta.tokenizer:
            segmenter = Segmenter.from_settings(index.meta.tokenizer,
                                                cache_dir=self.paths.cache_dir)
        segmenter.learn(index.meta.learnt_words)
        searcher = Searcher(index, segmenter, self.relevance)
        self._searcher = searcher  # one assignment: a question sees the old or the new one
        self._examples = None
        return searcher

    def reindex(self, *, progress: bool = False, warm_up: bool = False) -> IndexInfo:
        """Rebuild from the corpus folder, save, and swap the new index in; a bad corpus raises
        `CorpusError` (an unwritable index folder `OSError`) and the old index keeps serving.
        Files whose bytes did not change are neither split nor segmented again. `warm_up`:
        load jieba before the swap, so that the next question does not wait for it."""
        with self._swap:
            index, segmenter = self._build(None, progress=progress)
            if warm_up:
                segmenter.warm_up()
            self._swap_in(index, segmenter)
            return self.info()

    def reload_if_changed(self) -> str | None:
        """Swap in the generation current on disk if another process made it (a
        `cepf-bot reindex` beside a serving bot); its name, or None when nothing changed.
        A generation that cannot be loaded is logged once and the old index keeps serving."""
        name = current_generation(self.paths.index_path)
        if not name or name == self.searcher.index.generation or name == self.unloadable:
            return None
        with self._swap:
            if name == self.searcher.index.generation:
                return None
            try:
                index = load_index(self.paths.index_path)
                segmenter = Segmenter.from_settings(index.meta.tokenizer,
                                                    cache_dir=self.paths.cache_dir)
            except (IndexLoadError, ValueError) as e:
                log.warning("new index %s cannot be loaded (%s); still answering from %s",
                            name, e, self.searcher.index.generation or "memory")
                self.unloadable = name
                return None
            segmenter.warm_up()  # before the swap: no question waits for jieba
            self._swap_in(index, segmenter)
        log.info("index %s reloaded from disk: %d documents, %d passages", index.generation,
                 index.meta.documents, index.meta.passages)
        return index.generation

    def preview_upload(self, name: str, data: bytes) -> UploadPreview:
        """What adding `data` as the corpus file `name` would do, read in the bounded worker
        against the index in use; nothing is written."""
        index = self.searcher.index
        return preview_upload(self.paths.corpus_dir, name, data, index.documents,
                              index.passages, read_limits(self.paths),
                              self.paths.max_file_bytes)

    def add_upload(self, preview: UploadPreview, data: bytes) -> tuple[IndexInfo, bool]:
        """Add a previewed file: written whole into the corpus folder, then reindexed. All or
        nothing: on any failure of the reindex the folder is put back as it was and the error
        raised, and the old index keeps serving; a file that cannot be written is an
        `UploadError` (and nothing changed). The new index, and whether a file was replaced.
        (The file is read again by the reindex: a preview keeps only a summary.)"""
        previous = write_upload(self.paths.corpus_dir, preview, data)
        try:
            info = self.reindex(warm_up=True)
        except BaseException:
            undo_upload(self.paths.corpus_dir, preview.name, previous)
            raise
        return info, previous is not None

    def add_faq(self, pair: FaqPair) -> IndexInfo:
        """Write a staff's pair into the corpus's `faq.md` whole (in place of a pair of the
        same question) and reindex, under the writer lock: two admins adding at once lose
        neither pair. All or nothing: on any failure the file is put back, the error raised,
        and the old index keeps serving."""
        return self._edit_faq(lambda pairs: [*(p for p in pairs if p.id != pair.id), pair])

    def remove_faq(self, pair_id: str) -> IndexInfo:
        """Take the pair `pair_id` out of the Q&A file that holds it and reindex, as
        `add_faq` does."""
        return self._edit_faq(lambda pairs: [p for p in pairs if p.id != pair_id],
                              pair_id=pair_id)

    def _edit_faq(self, change: Callable[[list[FaqPair]], list[FaqPair]], *,
                  pair_id: str = "") -> IndexInfo:
        root = self.paths.corpus_dir

        def edit() -> Callable[[], None]:
            target, previous = changed_faq(root, list(faq_files(root)), change,
                                           pair_id=pair_id)
            return lambda: restore_faq(target, previous)

        with self._swap:
            index, segmenter = self._build(None, edit=edit)
            segmenter.warm_up()
            self._swap_in(index, segmenter)
            return self.info()

    @property
    def faq(self) -> tuple[FaqPair, ...]:
        """The staff's pairs the index in use answers with."""
        return FaqIndex.from_json(self.searcher.index.meta.faq).pairs

    def info(self) -> IndexInfo:
        """The index in use."""
        return info_of(self.searcher.index)

    @property
    def examples(self) -> dict[Lang, list[str]]:
        """The corpus's example questions (`examples.txt`), read again after a reindex."""
        if self._examples is None:
            self._examples = read_examples(self.paths.corpus_dir)
        return self._examples

    @staticmethod
    def stored_info(index_path: Path) -> IndexInfo:
        """The index saved at `index_path`, loaded and checked (for `health`); raises
        `IndexLoadError` when it cannot be used."""
        return info_of(load_index(index_path))


FAILURE_FILE = "reindex-failed.txt"


def _note_failure(paths: Paths, error: str | None) -> None:
    """Keep the line of a failed reindex beside the index (with the corpus's fingerprint, to
    tell whether it still holds), for `health`; a good reindex removes it."""
    target = paths.index_path / FAILURE_FILE
    try:
        if error is None:
            target.unlink(missing_ok=True)
            return
        try:
            fingerprint = corpus_fingerprint(paths.corpus_dir)
        except CorpusError:
            fingerprint = ""
        paths.index_path.mkdir(parents=True, exist_ok=True)
        place_file(target, f"{fingerprint}\n{error}\n".encode(), overwrite=True, mode=0o644)
    except OSError as e:
        log.warning("cannot note the failed reindex in %s (%s)", target, e.strerror or e)


def last_failure(paths: Paths) -> str | None:
    """The line of the last reindex that failed, if the corpus is still as it was then."""
    try:
        fingerprint, error = (paths.index_path / FAILURE_FILE).read_text("utf-8").split("\n")[:2]
        return error if fingerprint == corpus_fingerprint(paths.corpus_dir) else None
    except (OSError, UnicodeDecodeError, ValueError, CorpusError):
        return None


def read_limits(paths: Paths) -> ReadLimits:
    """What reading one corpus file may cost, as configured."""
    return ReadLimits(seconds=paths.read_seconds, memory_mb=paths.read_memory_mb)


def info_of(index: Index) -> IndexInfo:
    meta = index.meta
    return IndexInfo(index.generation, meta.built_at, index.documents, meta.passages,
                     meta.segmented_documents, meta.build_seconds)


def _load_quietly(index_path: Path) -> Index | None:
    """The current index to start a reindex from, if there is a sound one."""
    try:
        return load_index(index_path)
    except IndexLoadError:
        return None
