"""What a question's words name in one index: a dictionary term's class, the foundation, an
acronym the corpus uses, a rare term of some document — and so whether a question names a
subject of its own or leans on the previous one (a follow-up)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cepf_bot.analysis.lexicon import english_zipf, is_chinese, refers_back
from cepf_bot.index.bm25 import Postings
from cepf_bot.search.query import Query, QueryWord, Role
from cepf_bot.search.support import EVERYDAY

# A term in at most this many passages (or this share of them) is some document's own
RARE_PASSAGES = 20
RARE_SHARE = 0.02
ACRONYM_ZIPF = 4.0  # an English word rarer than ten in a million words may be an acronym


class Subjects:
    """The subjects a question's words name, against an index's terms (`postings`), its
    dictionary's term classes (`classes`) and the words' background weight (`weight`)."""

    def __init__(self, postings: Postings, classes: Mapping[str, str],
                 weight: Callable[[QueryWord], float]) -> None:
        self.postings = postings
        self.classes = classes
        self.weight = weight

    def is_follow_up(self, query: Query) -> bool:
        """Whether a question leans on the previous one: it refers back (它, 他们, 那…呢, they,
        and …) or names no subject of its own (a dictionary term, an acronym, the foundation)."""
        if any(refers_back(w.word) for w in query.words):
            return True
        return not any(self.names_a_subject(w) or self.is_rare_term(w) for w in query.words
                       if w.role in (Role.CONTENT, Role.NAME, Role.ASKED))

    def is_rare_term(self, word: QueryWord) -> bool:
        """A content word the corpus has in few passages that is no everyday word: a name or
        term of some document, whether or not the hand dictionary lists it (a question about a
        newly added document is complete without the previous one)."""
        if word.role != Role.CONTENT or len(word.word) < 2 or not word.tokens:
            return False
        df = self.postings.document_frequency(word.tokens[-1])
        return (0 < df <= max(RARE_PASSAGES, RARE_SHARE * self.postings.doc_count)
                and self.weight(word) >= EVERYDAY)

    def kind(self, word: QueryWord) -> str | None:
        """The dictionary class of what the word names (观察员 -> status), if any; else the one
        class of the dictionary terms a Chinese term of it begins (支出 of 支出总额 -> finance),
        so that "and the expenditure?" takes the place of the income asked before."""
        direct = next((self.classes[t] for t in sorted(word.terms) if t in self.classes), None)
        if direct:
            return direct
        headed = {c for t in word.terms if len(t) > 1 and is_chinese(t)
                  for term, c in self.classes.items() if term != t and term.startswith(t)}
        return headed.pop() if len(headed) == 1 else None

    def names_a_subject(self, word: QueryWord) -> bool:
        """Whether the word names something the corpus is about: a dictionary name, the
        foundation, or an acronym its text uses."""
        named = word.role == Role.NAME or any(t in self.classes for t in word.terms)
        return named or self.is_acronym(word)

    def is_acronym(self, word: QueryWord) -> bool:
        """An ASCII word the corpus uses that is no common English word (IUCN, GARC; not "year")."""
        return (word.kind == "word" and len(word.word) > 1
                and word.word in self.postings.terms
                and english_zipf(word.word) < ACRONYM_ZIPF)
