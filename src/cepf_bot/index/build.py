"""Build the search index from a corpus: segment (or reuse) each document's terms, then the
postings, updated in place from the previous index when only some files changed.

Saving and loading it is `store`'s job; keeping the live one is `engine`'s.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from cepf_bot import __version__
from cepf_bot.analysis.bilingual import compile_bridge
from cepf_bot.analysis.expansion import QueryExpander
from cepf_bot.analysis.learnt import MAX_PER_INDEX
from cepf_bot.analysis.prefix_dictionary import COMPLETE_DICTIONARY_CHARS
from cepf_bot.analysis.segment import SEGMENTER_VERSION, Segmenter
from cepf_bot.corpus.folder import Corpus
from cepf_bot.index.bm25 import (
    Lexicon,
    Postings,
    PostingsParts,
    sort_parts,
    weigh,
)
from cepf_bot.index.faq import build_faq
from cepf_bot.index.lazy import PassageChain, PassageRange, PassageStore
from cepf_bot.index.postings_update import update_parts
from cepf_bot.index.term_cache import (
    PASSAGE_FORMAT,
    cache_key,
    document_terms,
    load_lexicon,
    save_lexicon,
)
from cepf_bot.types import BM25Params, Document, DocumentInfo, IndexMeta, Passage

FORMAT_VERSION = 12  # 10: the staff's question-answer pairs in meta.json; 11: the bridge's phrases
# of their own in their word order; 12: a sense completed by its bracketed complement (free (of
# charge)) is a phrase

log = logging.getLogger("cepf_bot.index")


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


def _previous_parts(previous: Index | None, lexicon_id: str, lexicon: Lexicon,
                    segmenter: Segmenter, params: BM25Params) -> PostingsParts | None:
    """The previous index's postings parts, if a reindex may start from them."""
    if (previous is None or not previous.parts
            or previous.meta.lexicon != lexicon_id
            or previous.meta.tokenizer != segmenter.settings()
            or previous.meta.params != params
            or len(previous.meta.document_keys) != len(previous.documents)):
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
    seconds: float | None = None,
) -> Index:
    """Segment the corpus and compute the postings. With a token `cache`, documents whose
    files are unchanged are not segmented again; with a compatible `previous` index, its
    postings are updated in place of a full merge (same result, far less work). `seconds`:
    the CPU time segmenting one document may take (a `CorpusError` naming it when over).
    `jieba_cache`: where jieba's dictionary and the parsed CC-CEDICT are cached."""
    started = time.perf_counter()
    documents = corpus.documents
    if sum(len(p.text) for d in documents for p in d.passages) > COMPLETE_DICTIONARY_CHARS:
        segmenter.warm_up()
    settings_json = json.dumps(segmenter.settings(), ensure_ascii=False, sort_keys=True)
    lexicon_id, lexicon = load_lexicon(cache) if cache is not None else ("", Lexicon())
    keys = [cache_key(d, settings_json, lexicon_id) for d in documents]
    base = _previous_parts(previous, lexicon_id, lexicon, segmenter, params)

    passage_map = np.empty(0, dtype=np.int32)
    if base is not None:
        assert previous is not None
        old_keys = previous.meta.document_keys
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
    found, taught, segmented = document_terms(
        documents, keys, wanted, segmenter, lexicon, cache=cache, progress=progress,
        jieba_cache=jieba_cache, seconds=seconds)
    if cache is not None and segmented:
        try:
            save_lexicon(cache, lexicon_id, lexicon)
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
    old_learnt = previous.meta.learnt if previous is not None else {}
    learnt = {keys[i]: words for i in range(len(documents))
              if (words := taught[i] if i in taught else old_learnt.get(keys[i], []))}
    learnt_words = _learnt_words(learnt.values())

    passages = PassageChain([d.passages for d in documents])
    counts = np.diff(postings.offsets).tolist()

    def passages_with(term: str) -> int:
        t = postings.terms.get(term)
        return 0 if t is None else int(counts[t])

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
        expansion=QueryExpander.for_vocabulary(corpus.vocabulary, segmenter,
                                               corpus_terms=postings.terms).to_json(),
        traditional=dict(corpus.vocabulary.traditional),
        # the whole word: jieba keeps a dictionary word whole and emits it after its parts
        term_classes=_term_classes(segmenter, corpus.vocabulary.classes),
        renderings=corpus.vocabulary.renderings,
        translations={p.original: i for i, p in _translated(documents, passages)},
        segmented_documents=segmented,
        learnt=learnt,
        learnt_words=learnt_words,
        incremental=base is not None,
        lexicon=lexicon_id,
        document_keys=keys,
        passage_format=PASSAGE_FORMAT,
        bridge=compile_bridge(postings.terms, rendered=corpus.vocabulary.renderings,
                              cache_dir=jieba_cache, frequency=passages_with).to_json(),
        faq=build_faq(corpus.faq, segmenter, postings.terms, corpus.vocabulary.renderings,
                      cache_dir=jieba_cache, frequency=passages_with).to_json(),
    )
    infos = tuple(DocumentInfo(d.id, d.title, len(d.passages), dict(d.metadata), d.digest,
                               d.url, d.format)
                  for d in documents)
    return Index(meta, infos, passages, postings,
                 parts={"tf": parts.tf, "doc_len": parts.doc_len,
                        "term_lexicon_ids": term_lexicon_ids})


def _learnt_words(taught: Iterable[list[str]]) -> list[str]:
    """The words the documents taught, in document order, at most MAX_PER_INDEX."""
    words: dict[str, None] = {}
    for document_words in taught:
        for word in document_words:
            if len(words) >= MAX_PER_INDEX:
                return list(words)
            words.setdefault(word, None)
    return list(words)


def _translated(documents: Sequence[Document], passages: Sequence[Passage]
                ) -> list[tuple[int, Passage]]:
    """(position, passage) of every passage of an official translation (`translation_of`)."""
    found, start = [], 0
    for document in documents:
        if document.metadata.get("translation_of"):
            found += [(start + i, p) for i, p in enumerate(document.passages) if p.original]
        start += len(document.passages)
    return found


def _term_classes(segmenter: Segmenter, classes: dict[str, str]) -> dict[str, str]:
    """Each dictionary word's index term -> the word's class (jieba keeps a dictionary word
    whole and emits it after its search-mode parts)."""
    return {tokens[-1]: cls for word, cls in sorted(classes.items())
            if (tokens := segmenter.tokens(word))}


def reusable_documents(index: Index | None) -> dict[tuple[str, str], Document]:
    """`index`'s documents by id and file digest, their passages read from the index when
    needed: what a reindex takes instead of splitting an unchanged file again."""
    if (index is None or not isinstance(index.passages, PassageStore)
            or index.meta.passage_format != PASSAGE_FORMAT):
        return {}
    documents, start = {}, 0
    for info in index.documents:
        stop = start + info.passages
        if info.digest:
            documents[info.id, info.digest] = Document(
                info.id, "", info.title, dict(info.metadata),
                PassageRange(index.passages, start, stop), info.digest, info.url, info.format)
        start = stop
    return documents


def is_current(index: Index, *, fingerprint: str, params: BM25Params) -> bool:
    """Whether `index` was built from this corpus, by this code, with these parameters."""
    return (
        index.meta.format_version == FORMAT_VERSION
        and index.meta.corpus_fingerprint == fingerprint
        and index.meta.tokenizer.get("segmenter_version") == SEGMENTER_VERSION
        and index.meta.passage_format == PASSAGE_FORMAT
        and index.meta.params == params
    )
