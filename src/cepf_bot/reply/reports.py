"""The query log's summary as text, for `cepf-bot report` and the admins' /stats."""

from __future__ import annotations

import time
from collections.abc import Mapping

from cepf_bot.querylog import LogSummary, Missing
from cepf_bot.reply.tables import table


def printable(text: str) -> str:
    """A logged question safe to print: control characters (escape sequences) shown as \\x…"""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def format_summary(summary: LogSummary, questions: Mapping[str, str] | None = None) -> str:
    """The summary as plain text, for `cepf-bot report` and /stats; `questions`: each staff
    pair's question by its id (a pair no longer in the corpus shows its id)."""
    def block(title: str, items: list[Missing]) -> list[str]:
        if not items:
            return [title, "  (none)"]
        rows = [[f"{m.count}×", printable(m.question),
                 f"(last {time.strftime('%Y-%m-%d', time.gmtime(m.last_at))})",
                 f"[top: {m.top_passage}]" if m.top_passage else ""] for m in items]
        return [title, *(f"  {line}" for line in table(rows, "><<<"))]

    share = f"{summary.answered / summary.questions:.0%}" if summary.questions else "-"
    sure = f"{summary.confident / summary.questions:.0%}" if summary.questions else "-"
    lines = [f"{summary.questions} questions logged, {share} answered ({sure} with an exact "
             f"answer); 👍 {summary.thumbs_up}, 👎 {summary.thumbs_down}", ""]
    lines += block("Unanswered (add to the corpus?):", summary.unanswered)
    lines += ["", *block("Closest passages only (no exact answer in the text?):",
                         summary.closest)]
    lines += ["", *block("Down-voted (wrong or weak answer?):", summary.down_voted)]
    if summary.faq:
        named = questions or {}
        rows = [[f"{n}×", printable(named.get(pair, f"(pair {pair}, no longer in the corpus)")),
                 f"[{pair}]"] for pair, n in summary.faq.items()]
        lines += ["", "Answered by the staff's pairs (faq.md):",
                  *(f"  {line}" for line in table(rows, "><<"))]
    return "\n".join(lines)
