"""answer / closest / none: one calibrated decision from a handful of general features.

A question's ranking is described by a few numbers that say nothing about any one question —
how strong and how clear the best BM25 match is, how much of what the question asks about the
best passage supports (`answerability`), whether a distinctive term matched, how much of the
question the corpus does not know, whether a figure or a year of the question is missing from
the passage, whether the answer sentence holds the kind of thing asked (an amount, a date, a
person, a list), whether any word of the foundation's world is there at all. A multinomial
logistic regression, fitted by `tools/fit_verdict.py` on the labelled question pools and
shipped as JSON (`data/verdict_model.json`), turns them into the probabilities of the three
verdicts; the verdict is `answer` when that is likely enough, else the likelier of the other two.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cepf_bot.analysis.compounds import covers
from cepf_bot.search.answer_sentence import QuestionType, asked_unit, question_type, type_matches
from cepf_bot.search.query import Query, QueryWord, Role
from cepf_bot.search.support import Support, is_supported
from cepf_bot.types import Verdict

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "verdict_model.json"
CLASSES = (Verdict.ANSWER, Verdict.CLOSEST, Verdict.NONE)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")

# Every feature, in the order of the model's coefficients; all lie in about [0, 1].
FEATURES = (
    "score",  # the best BM25 score, squashed: log(1 + s) / 4
    "margin",  # (best - second) / best
    "share",  # the share of the question's information weight the best passage supports
    "distinctive",  # a distinctive term (project, body, person, figure's label) matched
    "unknown",  # the share of the question's weight in words the corpus does not know at all
    "elsewhere",  # … in words the corpus knows, but not in this passage
    "focus_elsewhere",  # what is asked is a named thing the corpus has, but not this passage
    "focus_missing",  # the share of what is asked (the words beside the question word) the
    # passage lacks
    "missing_most",  # the weight of the weightiest content word the passage lacks, against
    # the weightiest content word's
    "number_missing",  # a figure of the question is not in the passage
    "year_missing",  # a year of the question is not in the passage
    "typed",  # the question asks for a kind of thing (amount, date, person, list, name, yes/no)
    "type_present",  # … and the answer sentence has it
    "literal",  # the share of the content weight the passage has as typed, not by a synonym
    "coverage",  # the share of the question's idf-weighted terms the best passage has (a term
    # the index lacks weighs the index's highest idf)
    "rarest",  # the highest idf of a matched term, against the index's highest
    "domain",  # the share of the question's content weight the corpus knows
    "name",  # the question names the foundation
    "no_content",  # no content word at all (only the name, function words, figures)
    "latin",  # the question is written in Latin letters (English)
    "follow_up",  # read with the previous question (its words weigh half)
)


@dataclass(frozen=True)
class Evidence:
    """What the decision sees of one question's best passage (for tests, eval and fitting)."""

    features: dict[str, float]
    probabilities: dict[Verdict, float]
    verdict: Verdict


def features(query: Query, *, best: float, second: float, support: Support,
             matched: Collection[str], passage_text: str, answer_text: str,
             idf: Callable[[str], float | None], top_idf: float,
             known: Callable[[QueryWord], bool], weight: Callable[[QueryWord], float]
             ) -> dict[str, float]:
    """The features of a question against its best passage (`passage_text` normalised,
    simplified; `answer_text` the answer sentence picked from it, normalised)."""
    counted = support.supported + support.known + support.unknown
    numbers = [w for w in query.words if w.role == Role.NUMBER]
    number_missing = any(not (set(w.tokens) & set(matched)) and w.word not in passage_text
                         for w in numbers)
    years = _YEAR.findall(query.mandarin or query.text)
    year_missing = any(y not in passage_text for y in years)
    kind = question_type(query.asked_form)
    typed = kind != QuestionType.OTHER
    present = typed and type_matches(kind, asked_unit(query.asked_form),
                                     answer_text, matched)
    idfs = {t: idf(t) for t in query.terms}
    weights = {t: w * (top_idf if idfs[t] is None else idfs[t] or 0.0)
               for t, w in query.terms.items()}
    total = sum(weights.values())
    coverage = sum(weights[t] for t in matched if t in weights) / total if total else 0.0
    rarest = max((idfs[t] or 0.0 for t in matched if idfs.get(t) is not None), default=0.0)
    content = [w for w in (*query.words, *query.context) if w.role == Role.CONTENT]
    in_corpus = sum(1 for w in content if known(w))
    content_weight = sum(weight(w) for w in content)
    focus = [w for w in query.focus if w.role == Role.CONTENT]
    focus_missing = sum(not is_supported(w, matched, passage_text) for w in focus)
    heaviest = max((weight(w) for w in content), default=0.0)
    missing = max((weight(w) for w in content if not is_supported(w, matched, passage_text)),
                  default=0.0)
    literal = sum(weight(w) for w in content if _literally_in(w, matched, passage_text))
    latin = sum(c.isascii() and c.isalpha() for c in query.text)
    letters = sum(c.isalpha() for c in query.text) or 1
    return {
        "score": math.log1p(max(best, 0.0)) / 4,
        "margin": (best - second) / best if best > 0 else 0.0,
        "share": support.share,
        "distinctive": float(support.distinctive),
        "unknown": support.unknown / counted if counted else 0.0,
        "elsewhere": support.known / counted if counted else 0.0,
        "focus_elsewhere": float(support.focus_elsewhere),
        "focus_missing": focus_missing / len(focus) if focus else 0.0,
        "missing_most": missing / heaviest if heaviest else 0.0,
        "number_missing": float(number_missing),
        "year_missing": float(year_missing),
        "typed": float(typed),
        "type_present": float(present),
        "literal": literal / content_weight if content_weight else 0.0,
        "coverage": coverage,
        "rarest": rarest / top_idf if top_idf > 0 else 0.0,
        "domain": in_corpus / len(content) if content else 0.0,
        "name": float(any(w.role == Role.NAME for w in query.words)),
        "no_content": float(not content),
        "latin": latin / letters,
        "follow_up": float(bool(query.context)),
    }


def _literally_in(word: QueryWord, matched: Collection[str], passage_text: str) -> bool:
    """The word itself is in the passage, or all its parts (not only what a rule says it
    means)."""
    if word.word in matched or (len(word.word) > 1 and word.word in passage_text):
        return True
    parts = [t for t in word.tokens if t != word.word]
    return bool(parts) and covers(word.word, parts) and all(
        p in matched or p in passage_text for p in parts)


@dataclass(frozen=True)
class VerdictModel:
    """A multinomial logistic regression over `FEATURES`: one row of weights per verdict
    (`CLASSES` order) and the intercepts; `answer_at`: the probability of `answer` it takes."""

    weights: tuple[tuple[float, ...], ...]
    intercepts: tuple[float, ...]
    answer_at: float = 0.5
    features: tuple[str, ...] = FEATURES

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> VerdictModel:
        """The shipped model (JSON written by `tools/fit_verdict.py`)."""
        data = json.loads(path.read_text("utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> VerdictModel:
        listed = data["features"]
        if not isinstance(listed, list):
            raise ValueError("the verdict model lists no features")
        names = tuple(str(name) for name in listed)
        if names != FEATURES:
            raise ValueError(f"the verdict model was fitted on other features: {names}")
        weights = data["weights"]
        return cls(tuple(tuple(float(x) for x in weights[c]) for c in CLASSES),  # type: ignore[index]
                   tuple(float(data["intercepts"][c]) for c in CLASSES),  # type: ignore[index]
                   float(data["answer_at"]), names)  # type: ignore[arg-type]

    def as_dict(self, **extra: object) -> dict[str, object]:
        return {"features": list(self.features),
                "weights": {c.value: list(w) for c, w in zip(CLASSES, self.weights, strict=True)},
                "intercepts": {c.value: b for c, b in zip(CLASSES, self.intercepts, strict=True)},
                "answer_at": self.answer_at, **extra}

    def probabilities(self, values: Mapping[str, float]) -> dict[Verdict, float]:
        x = [values[name] for name in self.features]
        logits = [b + sum(w * v for w, v in zip(row, x, strict=True))
                  for row, b in zip(self.weights, self.intercepts, strict=True)]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(CLASSES, exps, strict=True)}

    def decide(self, values: Mapping[str, float]) -> Evidence:
        p = self.probabilities(values)
        if p[Verdict.ANSWER] >= self.answer_at:
            verdict = Verdict.ANSWER
        else:
            verdict = Verdict.CLOSEST if p[Verdict.CLOSEST] >= p[Verdict.NONE] else Verdict.NONE
        return Evidence(dict(values), p, verdict)


def vector(values: Mapping[str, float], names: Sequence[str] = FEATURES) -> list[float]:
    """The features in the model's order (for fitting)."""
    return [values[name] for name in names]
