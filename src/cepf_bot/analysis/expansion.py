"""Query expansion: everyday words and English mapped to the corpus's own vocabulary.

Two files in the corpus folder share one format, a corpus term, `=`, and the words or phrases
people use for it, comma-separated:

    synonyms.txt   收入 = 挣, 赚, 进账          (expansion at `SYNONYM_WEIGHT`)
    glossary.txt   秘书长 = secretary general   (a translation, at full weight)

Both sides go through the segmenter, so a phrase matches a run of the question's tokens however
it is written (case, full-width forms, English stopwords). The tables are stored in the index,
so a question is always expanded with the vocabulary its index was built with.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass

from cepf_bot.analysis.english_stems import english_stem
from cepf_bot.analysis.lexicon import is_english_word
from cepf_bot.analysis.segment import Group, Segmenter
from cepf_bot.analysis.vocabulary import Vocabulary

SYNONYM_WEIGHT = 0.6
GLOSSARY_WEIGHT = 1.0
PHRASAL = ""  # first element of a key matched with the question's stopwords in place
SCATTER_SLACK = 3  # other words a phrase's words may stand among, in any order


def is_acronym(word: str, rendering: str = "") -> bool:
    """Whether a rule's one-word phrase names its term as an acronym does: upper case in the
    rule's rendering ("... (CMS)"), or a word no English list has (ramsar, iucn)."""
    return (re.search(rf"\b{re.escape(word.upper())}\b", rendering) is not None
            or not is_english_word(word))


@dataclass(frozen=True)
class Expansion:
    """A question's expansion terms (term -> weight), and the corpus terms each position a
    rule covered stands for."""

    terms: dict[str, float]
    targets: dict[int, frozenset[str]]  # position -> the corpus terms its rule gave

    @property
    def all_targets(self) -> frozenset[str]:
        return frozenset().union(*self.targets.values())


class QueryExpander:
    """Phrase tables: a run of question tokens -> corpus terms with a weight."""

    def __init__(self, table: dict[tuple[str, ...], dict[str, float]],
                 heads: dict[tuple[str, ...], frozenset[str]] | None = None) -> None:
        self.table = table
        # the whole corpus terms a phrase stands for (not their search-mode parts): what a
        # passage must have to answer for the phrase
        self.heads = heads if heads is not None else {k: frozenset(v) for k, v in table.items()}
        self._longest = max((len(k) for k in table), default=0)

    @classmethod
    def for_vocabulary(cls, vocabulary: Vocabulary, segmenter: Segmenter,
                       corpus_terms: Container[str] = ()) -> QueryExpander:
        """The expander a corpus's synonyms and glossary configure. A glossary phrase that the
        corpus itself uses as a term (an acronym: CMS, IUCN) is one more name of the rule's
        corpus term: every phrase of that rule finds it too, so "migratory species" finds a
        passage that says only CMS. Only an acronym: an English word the corpus's English
        pages use (founding, wetland) stays a word of its own, not a name of the rule's term."""
        table: dict[tuple[str, ...], dict[str, float]] = {}
        heads: dict[tuple[str, ...], set[str]] = {}
        for rules, weight in ((vocabulary.synonyms, SYNONYM_WEIGHT),
                              (vocabulary.glossary, GLOSSARY_WEIGHT)):
            for rule in rules:
                groups = [g for g in segmenter.groups(rule.target) if g.tokens]
                groups += [g for phrase in rule.phrases
                           if len(found := segmenter.groups(phrase)) == 1
                           and found[0].kind == "word" and found[0].word in corpus_terms
                           and is_acronym(found[0].word, rule.rendering)
                           for g in found]
                target_terms = [t for g in groups for t in g.tokens]
                for phrase in rule.phrases:
                    phrase_groups = segmenter.groups(phrase)
                    key = tuple(k for g in phrase_groups if (k := g.key))
                    if len(key) == 1 and len(phrase_groups) > 1:
                        # "work on" is not "work": the phrase keeps its small words
                        key = (PHRASAL, *(g.key or g.word for g in phrase_groups))
                    if not key or not target_terms:
                        continue
                    entry = table.setdefault(key, {})
                    for term in target_terms:
                        entry[term] = max(entry.get(term, 0.0), weight)
                    heads.setdefault(key, set()).update(g.tokens[-1] for g in groups)
        return cls(table, {k: frozenset(v) for k, v in heads.items()})

    def to_json(self) -> list[list[object]]:
        return [[list(k), v, sorted(self.heads.get(k, ()))] for k, v in self.table.items()]

    @classmethod
    def from_json(cls, rows: list[list[object]]) -> QueryExpander:
        # rows from meta.json: a malformed one raises TypeError, a malformed index to the loader
        table: dict[tuple[str, ...], dict[str, float]] = {
            tuple(row[0]): dict(row[1])  # type: ignore[arg-type, call-overload]
            for row in rows}
        heads: dict[tuple[str, ...], frozenset[str]] = {
            tuple(row[0]): frozenset(row[2])  # type: ignore[arg-type, call-overload]
            for row in rows if len(row) > 2}
        return cls(table, heads or None)

    def expand(self, tokens: list[str], *, phrasal: bool = False,
               stems: list[str] | None = None) -> Expansion:
        """Every rule whose phrase occurs in `tokens` (the question's words, `Group.key`),
        longest phrases first at each position; `stems`, beside them, the same words by their
        stems (`stem_key`), tried when the words as written match nothing: "chairs" finds the
        phrase "chair", but "gives" never finds "giving" (a phrase is keyed as written).
        `phrasal`: `tokens` are all of the question's words, stopwords included, and only
        phrases that keep their small words match."""
        terms: dict[str, float] = {}
        targets: dict[int, set[str]] = {}
        prefix = (PHRASAL,) if phrasal else ()
        for i in range(len(tokens)):
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                key = (*prefix, *tokens[i : i + n])
                entry = self.table.get(key)
                if not entry and stems is not None and stems[i : i + n] != tokens[i : i + n]:
                    key = (*prefix, *stems[i : i + n])
                    entry = self.table.get(key)
                if entry:
                    self._record(key, entry, range(i, i + n), terms, targets)
                    break
        if not phrasal:
            self._expand_scattered(tokens, stems or tokens, terms, targets)
        return Expansion(terms, {i: frozenset(t) for i, t in targets.items()})

    def _record(self, key: tuple[str, ...], entry: dict[str, float], positions: Iterable[int],
                terms: dict[str, float], targets: dict[int, set[str]]) -> None:
        """A matched rule: its terms at their weight, and the corpus terms it stands for at
        the question's positions it covered."""
        for term, weight in entry.items():
            terms[term] = max(terms.get(term, 0.0), weight)
        for position in positions:
            targets.setdefault(position, set()).update(self.heads.get(key, entry))

    def _expand_scattered(self, tokens: list[str], stems: list[str], terms: dict[str, float],
                          targets: dict[int, set[str]]) -> None:
        """A phrase of several English words whose words, as written or by their stems, stand
        in any order within SCATTER_SLACK more words of each other where no rule matched
        ("reserves ... for dark skies" finds "dark sky reserves"), as CC-CEDICT's senses are
        matched in any order."""
        at: dict[str, list[int]] = {}
        for i in range(len(tokens)):
            if i not in targets:
                for word in {tokens[i], stems[i]}:
                    at.setdefault(word, []).append(i)
        phrases, by_word = self._scattered
        candidates = {n for word in at for n in by_word.get(word, ())}
        for key, key_stems, entry in (phrases[n] for n in sorted(candidates)):
            places = [sorted({*at.get(w, ()), *at.get(stem, ())})
                      for w, stem in zip(key, key_stems, strict=True)]
            if not all(places):
                continue
            for start in places[0]:
                spots = [_nearest(p, start) for p in places]
                if len(set(spots)) == len(key) and \
                        max(spots) - min(spots) < len(key) + SCATTER_SLACK:
                    self._record(key, entry, spots, terms, targets)
                    break

    @functools.cached_property
    def _scattered(self) -> tuple[list[tuple[tuple[str, ...], tuple[str, ...], dict[str, float]]],
                                  dict[str, list[int]]]:
        """The English phrases of two or more plain words (not the small-word phrases) with
        their words' stems, and each word and stem -> the phrases that have it."""
        phrases = [(k, tuple(english_stem(w) for w in k), v) for k, v in self.table.items()
                   if len(k) > 1 and k[0] != PHRASAL and all(w.isascii() for w in k)]
        by_word: dict[str, list[int]] = {}
        for n, (key, key_stems, _) in enumerate(phrases):
            for word in {*key, *key_stems}:
                by_word.setdefault(word, []).append(n)
        return phrases, by_word


def _nearest(positions: list[int], to: int) -> int:
    return min(positions, key=lambda at: abs(at - to))


def stem_key(group: Group) -> str:
    """What a rule's phrase matches of a word by its stem: an English word's Snowball stem (its
    last token), any other word's key."""
    key = group.key or group.word
    return group.tokens[-1] if group.kind == "word" and group.tokens else key
