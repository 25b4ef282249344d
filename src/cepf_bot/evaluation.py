"""Scoring a question set by the verdicts, by language and kind: for answerable questions found@1
(the first passage holds the fact, for `answer` or `closest`), MRR@5, the answer sentence right,
confident (`answer`, and found); near negatives not answered; far negatives and small talk with
no passages."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cepf_bot.errors import EvalFileError
from cepf_bot.reply.tables import table
from cepf_bot.types import Results, Verdict


@dataclass(frozen=True)
class Question:
    q: str
    must: tuple[str, ...]
    lang: str
    kind: str
    after: str | None = None  # the previous question in the same chat, for a follow-up
    neg: str | None = None  # a negative's label: near (about the foundation's world) or far

    @property
    def off_topic(self) -> bool:
        return not self.must

    @property
    def far(self) -> bool:
        """Small talk or a far negative: must get no passages at all."""
        return self.off_topic and (self.neg == "far" or self.kind == "chat")


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # rank (1-5) of the first passage containing every `must`, if any
    results: int
    top: str | None  # id of the top passage
    answer_right: bool = False  # the answer sentence contains every `must`
    verdict: Verdict = Verdict.NONE

    @property
    def correct(self) -> bool:
        """Answerable: confident, found and the sentence right; a far negative or small talk:
        no passages; another negative: not answered."""
        if self.question.far:
            return self.results == 0
        if self.question.off_topic:
            return self.verdict != Verdict.ANSWER
        return self.rank == 1 and self.answer_right and self.verdict == Verdict.ANSWER


@dataclass
class Tally:
    questions: int = 0
    hit1: int = 0
    rr: float = 0.0
    negatives: int = 0
    rejected: int = 0  # negatives with no passages
    answers: int = 0  # answer sentences that contain every `must`
    confident: int = 0  # answerable questions with the verdict `answer` and found@1
    near: int = 0  # negatives about the foundation's world (and unlabelled ones)
    near_unanswered: int = 0  # … with `closest` or `none`
    far: int = 0  # far negatives and small talk
    far_none: int = 0  # … with no passages

    def add(self, o: Outcome) -> None:
        if o.question.off_topic:
            self.negatives += 1
            self.rejected += o.results == 0
            if o.question.far:
                self.far += 1
                self.far_none += o.results == 0
            else:
                self.near += 1
                self.near_unanswered += o.verdict != Verdict.ANSWER
        else:
            self.questions += 1
            self.hit1 += o.rank == 1
            self.rr += 1 / o.rank if o.rank else 0.0
            self.answers += o.answer_right
            self.confident += o.rank == 1 and o.verdict == Verdict.ANSWER

    @property
    def hit1_rate(self) -> float:
        return self.hit1 / self.questions if self.questions else 1.0

    @property
    def answer_rate(self) -> float:
        return self.answers / self.questions if self.questions else 1.0

    @property
    def confident_rate(self) -> float:
        return self.confident / self.questions if self.questions else 1.0

    @property
    def near_rate(self) -> float:
        return self.near_unanswered / self.near if self.near else 1.0

    @property
    def far_rate(self) -> float:
        return self.far_none / self.far if self.far else 1.0

    def as_dict(self) -> dict[str, object]:
        def rate(n: int, d: int) -> float | None:
            return round(n / d, 4) if d else None

        return {
            "questions": self.questions,
            "found@1": rate(self.hit1, self.questions),
            "mrr@5": round(self.rr / self.questions, 4) if self.questions else None,
            "answer": rate(self.answers, self.questions),
            "confident": rate(self.confident, self.questions),
            "near": self.near,
            "near_unanswered": rate(self.near_unanswered, self.near),
            "far": self.far,
            "far_none": rate(self.far_none, self.far),
            "negatives": self.negatives,
            "rejected": self.rejected,
        }


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[Outcome] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.as_dict(),
            "by_lang": {k: v.as_dict() for k, v in sorted(self.by_lang.items())},
            "by_kind": {k: v.as_dict() for k, v in sorted(self.by_kind.items())},
            "misses": [
                {"q": o.question.q, "must": list(o.question.must), "lang": o.question.lang,
                 "verdict": o.verdict.value, "rank": o.rank, "results": o.results,
                 "top": o.top, "answer_right": o.answer_right}
                for o in self.misses
            ],
        }


def read_questions(path: Path) -> list[Question]:
    """Questions from a JSONL file with `q`, `must`, `lang`, `kind` on each line."""
    questions = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            must = obj["must"]
            if not isinstance(obj["q"], str) or not isinstance(must, list):
                raise TypeError("q must be a string and must a list")
            after, neg = obj.get("after"), obj.get("neg")
            if after is not None and not isinstance(after, str):
                raise TypeError("after must be a string")
            if neg not in (None, "near", "far"):
                raise TypeError("neg must be near or far")
            questions.append(
                Question(obj["q"], tuple(map(str, must)), str(obj.get("lang", "?")),
                         str(obj.get("kind", "?")), after, neg)
            )
        except (ValueError, KeyError, TypeError) as e:
            raise EvalFileError(f"{path}:{n}: not a question ({e})") from None
    return questions


def outcome_of(question: Question, results: Results) -> Outcome:
    """What a question's results (their top 5) come to against its labels."""
    hits = results.hits[:5]
    rank = next(
        (h.rank for h in hits if all(m in h.passage.text for m in question.must)), None
    ) if question.must else None
    answer = results.answer.text if results.answer else ""
    right = bool(question.must) and all(m in answer for m in question.must)
    return Outcome(question, rank, len(hits), hits[0].passage.id if hits else None, right,
                   results.verdict)


def evaluate(questions: list[Question], ask: Callable[[str, str | None], Results]) -> Report:
    """Run every question through `ask(question, after)` (top 5) and tally the outcomes."""
    report = Report()
    for question in questions:
        outcome = outcome_of(question, ask(question.q, question.after))
        for tally in (report.overall, report.by_lang[question.lang],
                      report.by_kind[question.kind]):
            tally.add(outcome)
        if not outcome.correct:
            report.misses.append(outcome)
    return report


def format_report(report: Report) -> str:
    """The report as a table for a terminal."""
    def row(name: str, t: Tally) -> list[str]:
        d = t.as_dict()

        def rate(key: str) -> str:
            return "-" if d[key] is None else f"{d[key]:.3f}"

        near = f"{t.near_unanswered}/{t.near}" if t.near else "-"
        far = f"{t.far_none}/{t.far}" if t.far else "-"
        return [name, str(t.questions), rate("found@1"), rate("mrr@5"), rate("answer"),
                rate("confident"), near, far]

    rows = [["", "n", "found@1", "mrr@5", "answer", "confident", "near unanswered",
             "far none"], row("overall", report.overall)]
    rows += [row(f"lang {k}", v) for k, v in sorted(report.by_lang.items())]
    rows += [row(f"kind {k}", v) for k, v in sorted(report.by_kind.items())]
    lines = table(rows, "<>>>>>>>")
    if report.misses:
        lines.append("\nmisses:")
        for o in report.misses:
            lines.append(f"  [{o.question.lang}] {o.question.q}  must={list(o.question.must)}  "
                         f"{miss(o)}; top={o.top}")
    return "\n".join(lines)


def miss(o: Outcome) -> str:
    """What went wrong with one question, in words."""
    q = o.question
    if q.far:
        return f"{o.verdict}, {o.results} passages, should get none"
    if q.off_topic:
        return "answered, should not be"
    what = [f"rank {o.rank}" if o.rank else "not in top 5"]
    if not o.answer_right:
        what.append("answer sentence wrong")
    if o.verdict != Verdict.ANSWER:
        what.append(f"verdict {o.verdict}")
    return ", ".join(what)


@dataclass(frozen=True)
class Targets:
    """What a run must reach (None: not checked). Rates are of the questions they concern."""

    min_hit1: float | None = None  # found@1, overall
    min_lang_hit1: float | None = None  # found@1, in every language
    min_answer: float | None = None  # the answer sentence right, overall
    min_rejected: int | None = None  # negatives that get no passage
    all_rejected: bool = False
    min_lang_answer: float | None = None  # the answer sentence right, in every language
    min_confident: float | None = None  # `answer` and found@1, overall
    min_near: float | None = None  # near negatives not answered
    min_far: float | None = None  # far negatives and small talk with no passages


def shortfalls(report: Report, targets: Targets) -> list[str]:
    """One line for each target the report misses."""
    out = []
    overall = report.overall

    def below(value: float, target: float | None, what: str, flag: str) -> None:
        if target is not None and value < target:
            out.append(f"{what} {value:.3f} is below {flag} {target}")

    below(overall.hit1_rate, targets.min_hit1, "found@1", "--min-hit1")
    below(overall.answer_rate, targets.min_answer, "answer sentence right", "--min-answer")
    below(overall.confident_rate, targets.min_confident, "confident", "--min-confident")
    if overall.near:
        below(overall.near_rate, targets.min_near, "near negatives not answered", "--min-near")
    if overall.far:
        below(overall.far_rate, targets.min_far, "far negatives and small talk with no "
              "passages", "--min-far")
    for lang, tally in sorted(report.by_lang.items()):
        if tally.questions:
            below(tally.hit1_rate, targets.min_lang_hit1, f"found@1 in {lang}",
                  "--min-lang-hit1")
            below(tally.answer_rate, targets.min_lang_answer,
                  f"answer sentence right in {lang}", "--min-lang-answer")
    if targets.min_rejected is not None and overall.rejected < targets.min_rejected:
        out.append(f"{overall.rejected} of {overall.negatives} negatives got no passage, "
                   f"fewer than --min-rejected {targets.min_rejected}")
    if targets.all_rejected and overall.rejected < overall.negatives:
        out.append("an off-topic question got passages")
    return out
