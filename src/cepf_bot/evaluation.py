"""Scoring a question set: hit@1, MRR@5, answer sentence right and off-topic rejection, by
language and kind."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cepf_bot.errors import EvalFileError
from cepf_bot.reply.tables import table
from cepf_bot.types import Results


@dataclass(frozen=True)
class Question:
    q: str
    must: tuple[str, ...]
    lang: str
    kind: str
    after: str | None = None  # the previous question in the same chat, for a follow-up

    @property
    def off_topic(self) -> bool:
        return not self.must


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # rank (1-5) of the first passage containing every `must`, if any
    results: int
    top: str | None  # id of the top passage
    answer_right: bool = False  # the answer sentence contains every `must`

    @property
    def correct(self) -> bool:
        return self.results == 0 if self.question.off_topic else self.rank == 1


@dataclass
class Tally:
    questions: int = 0
    hit1: int = 0
    rr: float = 0.0
    negatives: int = 0
    rejected: int = 0
    answers: int = 0  # answer sentences that contain every `must`

    def add(self, o: Outcome) -> None:
        if o.question.off_topic:
            self.negatives += 1
            self.rejected += o.results == 0
        else:
            self.questions += 1
            self.hit1 += o.rank == 1
            self.rr += 1 / o.rank if o.rank else 0.0
            self.answers += o.answer_right

    @property
    def hit1_rate(self) -> float:
        return self.hit1 / self.questions if self.questions else 1.0

    @property
    def answer_rate(self) -> float:
        return self.answers / self.questions if self.questions else 1.0

    def as_dict(self) -> dict[str, object]:
        return {
            "questions": self.questions,
            "hit@1": round(self.hit1 / self.questions, 4) if self.questions else None,
            "mrr@5": round(self.rr / self.questions, 4) if self.questions else None,
            "answer": round(self.answers / self.questions, 4) if self.questions else None,
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
                 "rank": o.rank, "results": o.results, "top": o.top,
                 "answer_right": o.answer_right}
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
            after = obj.get("after")
            if after is not None and not isinstance(after, str):
                raise TypeError("after must be a string")
            questions.append(
                Question(obj["q"], tuple(map(str, must)), str(obj.get("lang", "?")),
                         str(obj.get("kind", "?")), after)
            )
        except (ValueError, KeyError, TypeError) as e:
            raise EvalFileError(f"{path}:{n}: not a question ({e})") from None
    return questions


def evaluate(questions: list[Question], ask: Callable[[str, str | None], Results]) -> Report:
    """Run every question through `ask(question, after)` (top 5) and tally the outcomes."""
    report = Report()
    for question in questions:
        results = ask(question.q, question.after)
        hits = results.hits[:5]
        rank = next(
            (h.rank for h in hits if all(m in h.passage.text for m in question.must)), None
        ) if question.must else None
        answer = results.answer.text if results.answer else ""
        right = bool(question.must) and all(m in answer for m in question.must)
        outcome = Outcome(question, rank, len(hits), hits[0].passage.id if hits else None, right)
        for tally in (report.overall, report.by_lang[question.lang],
                      report.by_kind[question.kind]):
            tally.add(outcome)
        if not outcome.correct or (question.must and not right):
            report.misses.append(outcome)
    return report


def format_report(report: Report) -> str:
    """The report as a table for a terminal."""
    def row(name: str, t: Tally) -> list[str]:
        d = t.as_dict()
        def rate(key: str) -> str:
            return "-" if d[key] is None else f"{d[key]:.3f}"
        neg = f"{t.rejected}/{t.negatives}" if t.negatives else "-"
        return [name, str(t.questions), rate("hit@1"), rate("mrr@5"), rate("answer"), neg]

    rows = [["", "n", "hit@1", "mrr@5", "answer", "rejected"], row("overall", report.overall)]
    rows += [row(f"lang {k}", v) for k, v in sorted(report.by_lang.items())]
    rows += [row(f"kind {k}", v) for k, v in sorted(report.by_kind.items())]
    lines = table(rows, "<>>>>>")
    if report.misses:
        lines.append("\nmisses:")
        for o in report.misses:
            q = o.question
            what = ("answered, should be rejected" if q.off_topic
                    else f"rank {o.rank}" if o.rank else "not in top 5")
            if not q.off_topic and not o.answer_right:
                what += ", answer sentence wrong"
            lines.append(f"  [{q.lang}] {q.q}  must={list(q.must)}  {what}; top={o.top}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Targets:
    """What a run must reach (None: not checked)."""

    min_hit1: float | None = None
    min_lang_hit1: float | None = None
    min_answer: float | None = None
    min_rejected: int | None = None  # negatives that get no passage
    all_rejected: bool = False


def shortfalls(report: Report, targets: Targets) -> list[str]:
    """One line for each target the report misses."""
    out = []
    overall = report.overall
    if targets.min_hit1 is not None and overall.hit1_rate < targets.min_hit1:
        out.append(f"hit@1 {overall.hit1_rate:.3f} is below --min-hit1 {targets.min_hit1}")
    if targets.min_lang_hit1 is not None:
        for lang, tally in sorted(report.by_lang.items()):
            if tally.questions and tally.hit1_rate < targets.min_lang_hit1:
                out.append(f"hit@1 {tally.hit1_rate:.3f} in {lang} is below --min-lang-hit1 "
                           f"{targets.min_lang_hit1}")
    if targets.min_answer is not None and overall.answer_rate < targets.min_answer:
        out.append(f"answer sentence right {overall.answer_rate:.3f} is below --min-answer "
                   f"{targets.min_answer}")
    if targets.min_rejected is not None and overall.rejected < targets.min_rejected:
        out.append(f"{overall.rejected} of {overall.negatives} negatives got no passage, "
                   f"fewer than --min-rejected {targets.min_rejected}")
    if targets.all_rejected and overall.rejected < overall.negatives:
        out.append("an off-topic question got passages")
    return out
