"""Value objects that cross module boundaries.

Everything here is a frozen dataclass: the corpus produces `Passage`s, the index carries
`IndexMeta`, and a search returns `Hit`s. Only the command line and the bot turn them into text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Passage:
    """One retrievable unit of the foundation's text.

    `id` is the document's id and a hash of the passage's own text
    (``foundation-international-cooperation#3f9a0c12``): stable across rebuilds, and across
    edits to other passages. `text` is the foundation's text
    verbatim; `title` is the passage's own heading (a section heading or a heading-like first
    sentence), and `document` is the title of the document it comes from.
    """

    id: str
    document_id: str
    document: str
    title: str
    text: str
    paragraph: str = ""  # for one item of a list paragraph: a key shared by the paragraph's items
    section: str = ""  # the nearest heading above the passage ("" when none)
    page: int = 0  # the PDF page it is on (0: not from a PDF)
    url: str = ""  # its document's http(s) link ("" when none)
    original: str = ""  # for a passage of an official translation: the aligned original's id

    @property
    def source(self) -> str:
        """Where it comes from, for a label: its section, its document, its page."""
        parts = [self.section] if self.section and self.section != self.document else []
        parts.append(self.document)
        if self.page:
            parts.append(f"p. {self.page}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Document:
    """A corpus file: its id (see `corpus.document_id`), title, metadata, passages, link.

    `digest` is the SHA-256 of the file's bytes: a reindex takes an unchanged file's passages
    and tokens from the previous index instead of splitting and segmenting it again.
    """

    id: str
    path: str
    title: str
    metadata: dict[str, str]
    passages: Sequence[Passage]
    digest: str
    url: str = ""  # an http(s) link to the original: front matter `source:`, a page's canonical
    format: str = "md"  # md, txt, html, docx or pdf


@dataclass(frozen=True)
class DocumentInfo:
    """What an index keeps of a document (for /about and reports): no text, its passage count."""

    id: str
    title: str
    passages: int
    metadata: dict[str, str]
    digest: str = ""  # of the file's bytes, as in `Document`
    url: str = ""
    format: str = "md"


@dataclass(frozen=True)
class Hit:
    """A passage that answers a query, with its BM25 score and the query terms it contains.

    `rank` counts from 1. `terms` are normalised query tokens (lower-cased, simplified) found in
    the passage, used to highlight the text.
    """

    rank: int
    score: float
    passage: Passage
    terms: tuple[str, ...] = ()


class FactKind(StrEnum):
    """What kind of thing a question asks for, and its answer's fact is."""

    AMOUNT = "amount"
    DATE = "date"
    COUNT = "count"
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"
    LIST = "list"
    NAME = "name"
    ROLE = "role"  # a post, role or tie of a named person or body: the clause that states it
    YES = "yes"  # a yes/no question the sentence answers yes; `text` is what states it


@dataclass(frozen=True)
class Fact:
    """The span of an answer sentence that is what the question asks for, verbatim."""

    text: str
    kind: FactKind


@dataclass(frozen=True)
class Answer:
    """The sentence that answers a question: verbatim from the passage `passage_id`, and the
    fact in it that the question asks for (None when it has none of the asked kind)."""

    text: str
    passage_id: str
    fact: Fact | None = None


@dataclass(frozen=True)
class Correction:
    """A word as typed, and the corpus term it was read as (绿法会 -> 绿发会, IUNC -> IUCN)."""

    typed: str
    read: str


@dataclass(frozen=True)
class FaqPair:
    """A question staff answered (`corpus/faq.md`): the question, other wordings of it, the
    answer verbatim, an optional http(s) link, its date (YYYY-MM-DD) and where it is written.
    `id` is a short hash of the question (`corpus.faq.pair_id`)."""

    id: str
    question: str
    also: tuple[str, ...]
    answer: str
    source: str = ""
    date: str = ""
    file: str = ""
    line: int = 0

    @property
    def wordings(self) -> tuple[str, ...]:
        """The question and its other wordings, the question first."""
        return (self.question, *self.also)


class Verdict(StrEnum):
    """How sure a search is that its best passage answers the question (`verdict`)."""

    ANSWER = "answer"  # the text answers it: the answer sentence, then the passages
    CLOSEST = "closest"  # about the foundation's world, but maybe not answered: the closest
    NONE = "none"  # small talk, or outside the foundation's world: no passages


@dataclass(frozen=True)
class Results:
    """A question's verdict, its answer sentence (for `closest`, the closest sentence; None
    for `none`), its ranked passages (none only for `none`), and the words it was read with
    when they were typed wrong. A verdict left out is `answer` with passages, else `none`."""

    answer: Answer | None
    hits: list[Hit]
    read_as: tuple[Correction, ...] = ()
    read_with: str | None = None  # the previous question a follow-up was read with
    verdict: Verdict = None  # type: ignore[assignment]  # set in __post_init__ when left out
    # for a reader of English: the English of the Chinese the reply shows (the answer
    # sentence, its fact, the passages' titles), so no reply asks the searcher again
    english: Mapping[str, str] = field(default_factory=dict)
    # the staff's pair that answers it (the verdict is then `answer`; `hits` are the
    # documents' passages that add something, possibly none)
    faq: FaqPair | None = None

    def __post_init__(self) -> None:
        if self.verdict is None:
            object.__setattr__(self, "verdict", Verdict.ANSWER if self.hits else Verdict.NONE)


@dataclass(frozen=True)
class BM25Params:
    """rank-bm25's `BM25Okapi` parameters; an index is built for one set of them.

    k1=1.2, b=0.75 sit in the middle of a plateau measured on the dev set and a proxy set
    (k1 0.9-1.5 x b 0.5-0.75 all give the same hit@1; k1=2 or b=0.9 lose questions).
    """

    k1: float = 1.2
    b: float = 0.75
    epsilon: float = 0.25


@dataclass(frozen=True)
class Relevance:
    """When a ranking reaches the verdict model at all (`verdict`): the best score must reach
    `floor` (`min_score` at the weight of what it matched; else the verdict is `none`), and a
    passage below `min_relative` times the best score is not shown; `typed_within` and
    `support_power`: see below."""

    min_score: float = 1.0
    min_relative: float = 0.2
    # a passage scored at least this share of the best, whose answer sentence holds the asked
    # date, amount, count or person's name when the best's does not, comes first
    # (typed_first; chosen by tools/cv_relevance.py --choose-with-pages: 0.8 in every fold)
    typed_within: float = 0.8
    # the best passages' BM25 scores times the share of the question they support to this
    # power decide which comes first (supported_first; 0: BM25's order)
    support_power: float = 3.0
    # a question whose best term is less key to the corpus than this gets `none` (topicality;
    # 0: never)
    min_topicality: float = 0.25
    # the best BM25 passages that support (supported_first), the asked type (typed_first) and
    # the verdict read; the one shown first is one of them (tools/cv_relevance.py
    # --only candidates --choose-with-pages: 5 in every fold, of 3, 5 and 8)
    candidates: int = 5

    def floor(self, heaviest: float) -> float:
        """The score the best passage must reach: `min_score` at the weight of the heaviest
        question term it matches, a term of the question's own words weighing 1 (a follow-up's
        context weighs less than the question's own words, and so does what it scores)."""
        return self.min_score * min(heaviest, 1.0)


@dataclass(frozen=True)
class IndexInfo:
    """What `/about`, `health` and a reindex summary show of the index in use."""

    generation: str  # "" when it lives only in memory
    built_at: str
    documents: tuple[DocumentInfo, ...]
    passages: int
    segmented_documents: int  # how many documents its build had to segment
    build_seconds: float

    def by_format(self) -> str:
        """"1 docx, 1 html, 2 md": how many documents of each format."""
        formats = Counter(d.format for d in self.documents)
        return ", ".join(f"{n} {kind}" for kind, n in sorted(formats.items()))


@dataclass(frozen=True)
class IndexMeta:
    """What an index was built from and how; stored as JSON beside the index arrays.

    `tokenizer` is the segmenter's settings (`Segmenter.settings()`); `expansion` the query
    expander's phrase table and `traditional` the corpus's script corrections, so that questions
    are read with the vocabulary the index was built with. `lexicon` names the token cache's
    lexicon and `document_keys` each document's cache key: what an incremental reindex reuses.
    """

    format_version: int
    package_version: str
    corpus_fingerprint: str
    tokenizer: dict[str, object]
    params: BM25Params
    built_at: str
    documents: int
    passages: int
    build_seconds: float
    expansion: list[list[object]] = field(default_factory=list)
    traditional: dict[str, str] = field(default_factory=dict)
    term_classes: dict[str, str] = field(default_factory=dict)  # dictionary term -> [class]
    renderings: dict[str, str] = field(default_factory=dict)  # Chinese term -> its English
    # an original passage's id -> the position of its official translation's passage
    translations: dict[str, int] = field(default_factory=dict)
    segmented_documents: int = 0  # how many documents this build had to segment
    # words each document taught (`analysis.learnt`), by document key; and all of them, which
    # questions are read with
    learnt: dict[str, list[str]] = field(default_factory=dict)
    learnt_words: list[str] = field(default_factory=list)
    incremental: bool = False  # whether it updated the previous postings
    lexicon: str = ""
    document_keys: list[str] = field(default_factory=list)
    passage_format: int = 0
    # CC-CEDICT compiled for this corpus (`analysis.bilingual.Bridge.to_json`)
    bridge: dict[str, object] = field(default_factory=dict)
    # the staff's question-answer pairs (`corpus/faq.md`), their wordings' terms and the bridge
    # that knows them (`index.faq.FaqIndex.to_json`); empty without a Q&A file
    faq: dict[str, object] = field(default_factory=dict)


class Lang(StrEnum):
    """The language of the bot's own words around the foundation's text."""

    ZH = "zh"
    EN = "en"


class Script(StrEnum):
    """The script Chinese text is shown in."""

    SIMPLIFIED = "zh-hans"
    TAIWAN = "zh-tw"
    HONG_KONG = "zh-hk"


@dataclass(frozen=True)
class Locale:
    """How a reply reads: its language and the script of its Chinese text."""

    lang: Lang = Lang.ZH
    script: Script = Script.SIMPLIFIED
