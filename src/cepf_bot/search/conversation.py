"""A conversation, not a search box: per-chat memory for follow-ups, small talk, suggestions,
and cleaning what people paste. No Telegram types: the bot keeps one of each and asks.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from enum import StrEnum

from cepf_bot.analysis.lexicon import about_the_bot, is_question_word
from cepf_bot.analysis.script import question_to_simplified
from cepf_bot.index import bm25
from cepf_bot.search.query import Role
from cepf_bot.search.searcher import Searcher

FOLLOW_UP_SECONDS = 600  # a previous question is remembered for 10 minutes
MAX_REMEMBERED = 10_000  # chats × users, and sent messages, kept at most (oldest forgotten)
SUGGESTIONS = 3


class Memory:
    """Bounded, expiring memory: key -> value, the oldest forgotten first."""

    def __init__(self, seconds: float = FOLLOW_UP_SECONDS, size: int = MAX_REMEMBERED) -> None:
        self.seconds, self.size = seconds, size
        self._items: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()

    def remember(self, key: Hashable, value: str, now: float | None = None) -> None:
        self._items.pop(key, None)
        self._items[key] = (time.monotonic() if now is None else now, value)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def recall(self, key: Hashable, now: float | None = None) -> str | None:
        found = self._items.get(key)
        if found is None:
            return None
        at, value = found
        if (time.monotonic() if now is None else now) - at > self.seconds:
            del self._items[key]
            return None
        return value

    def __len__(self) -> int:
        return len(self._items)


# --- small talk ------------------------------------------------------------------------------

class SmallTalk(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    IDENTITY = "identity"
    CAPABILITY = "capability"


_SMALL_TALK = [  # matched on lower-case simplified text
    (SmallTalk.THANKS, re.compile(r"谢|感谢|唔该|唔該|thank|thx|\bty\b|cheers|appreciate")),
    (SmallTalk.GOODBYE, re.compile(r"再见|拜拜|回见|晚安|\bbye\b|goodbye|see you|good night")),
    (SmallTalk.GREETING, re.compile(r"你好|您好|嗨|哈喽|哈罗|嘿|在吗|在不在|早上好|早安|晚上好"
                                    r"|下午好|早晨|\bhello\b|\bhi\b|\bhey\b|good (?:morning|"
                                    r"afternoon|evening|day)|\bmorning\b|\byo\b")),
]


_ASKS = re.compile(r"[?？]|[吗嗎么麼呢](?=[\s,，.。!！~～]|$)")


def small_talk(searcher: Searcher, question: str) -> SmallTalk | None:
    """What kind of small talk a message is, if that is all it is: a question about the bot
    itself (who are you, what can you do), or a greeting, thanks or goodbye that asks about
    nothing in the corpus. Words around it (多謝晒！好有用，我會同班學生分享 🙏, thanks so much,
    this really helped) are still small talk as long as the message asks nothing — no
    question mark, question word or particle — and names nothing the corpus is about (a
    dictionary name, an acronym it uses, a figure)."""
    if about := about_the_bot(question):
        return SmallTalk(about)
    text = question_to_simplified(question).lower()
    kind = next((kind for kind, pattern in _SMALL_TALK if pattern.search(text)), None)
    if kind is None:
        return None
    query = searcher.analyse(question)
    if any(w.role == Role.NUMBER for w in query.words):
        return None
    if not query.content and not any(w.role == Role.NAME for w in query.words):
        return kind  # 在吗？ 多谢晒！ thx: nothing else in it
    asks = _ASKS.search(text) or any(is_question_word(w.word) for w in query.words)
    # the foundation's own name is no subject here (谢谢绿会; 我会 is the corpus's "we")
    names = any(searcher.names_a_subject(w) for w in query.content)
    return None if asks or names else kind


# --- example questions and suggestions -------------------------------------------------------

def suggestions(searcher: Searcher, question: str, examples: Sequence[str],
                n: int = SUGGESTIONS) -> list[int]:
    """Indexes of the example questions to offer after `question` got no answer: those whose
    answer lies in the passages that the words it did understand point to (a question about
    the seal project's budget: the seal project, the finances), then the first ones."""
    postings = searcher.index.postings
    understood = {t: 1.0 for w in searcher.analyse(question).words
                  if w.role in (Role.CONTENT, Role.ASKED) for t in w.terms if t in postings.terms}
    ranked: list[int] = []
    if understood:
        scores = bm25.score(postings, understood)
        ranked = [d for d in bm25.top_k(scores, SUGGESTIONS * 2) if scores[d] > 0]
    scored = []
    for i, example in enumerate(examples):
        terms = searcher.analyse(example).terms  # analyses are cached by the searcher
        top = int(bm25.score(postings, terms).argmax()) if terms else -1
        if top in ranked:
            scored.append((ranked.index(top), i))
    chosen = [i for _, i in sorted(scored)][:n]
    return chosen + [i for i in range(len(examples)) if i not in chosen][: n - len(chosen)]
