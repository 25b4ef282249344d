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

from dataclasses import dataclass

from .segment import Segmenter
from .vocabulary import Vocabulary

SYNONYM_WEIGHT = 0.6
GLOSSARY_WEIGHT = 1.0


@dataclass(frozen=True)
class Expansion:
    """A question's expansion terms (term -> weight) and the own tokens that a rule covered."""

    terms: dict[str, float]
    covered: frozenset[int]  # positions in the question's token list


class QueryExpander:
    """Phrase tables: a run of question tokens -> corpus terms with a weight."""

    def __init__(self, table: dict[tuple[str, ...], dict[str, float]]) -> None:
        self.table = table
        self._longest = max((len(k) for k in table), default=0)

    @classmethod
    def for_vocabulary(cls, vocabulary: Vocabulary, segmenter: Segmenter) -> QueryExpander:
        """The expander a corpus's synonyms and glossary configure."""
        table: dict[tuple[str, ...], dict[str, float]] = {}
        for rules, weight in ((vocabulary.synonyms, SYNONYM_WEIGHT),
                              (vocabulary.glossary, GLOSSARY_WEIGHT)):
            for rule in rules:
                target_terms = segmenter.tokens(rule.target)
                for phrase in rule.phrases:
                    key = tuple(segmenter.tokens(phrase))
                    if not key or not target_terms:
                        continue
                    entry = table.setdefault(key, {})
                    for term in target_terms:
                        entry[term] = max(entry.get(term, 0.0), weight)
        return cls(table)

    def to_json(self) -> list[list[object]]:
        return [[list(k), v] for k, v in self.table.items()]

    @classmethod
    def from_json(cls, rows: list[list[object]]) -> QueryExpander:
        return cls({tuple(k): dict(v) for k, v in rows})  # type: ignore[arg-type, call-overload]

    def expand(self, tokens: list[str]) -> Expansion:
        """Every rule whose phrase occurs in `tokens`, longest phrases first at each position."""
        terms: dict[str, float] = {}
        covered: set[int] = set()
        for i in range(len(tokens)):
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                entry = self.table.get(tuple(tokens[i : i + n]))
                if entry:
                    for term, weight in entry.items():
                        terms[term] = max(terms.get(term, 0.0), weight)
                    covered.update(range(i, i + n))
                    break
        return Expansion(terms, frozenset(covered))
