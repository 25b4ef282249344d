"""`cepf-bot chat`: a private chat with the bot in a terminal, without Telegram.

The same logic as a Telegram private chat: small talk gets its short reply and example
questions, a question its answer page (`compose_reply`), a follow-up is read with the previous
question (`conversation.Memory`), "more" / 更多 shows the next page, a number asks the example
question of that number, and a question with no answer offers questions it can answer. The
replies are the bot's own messages with the HTML taken out; matched words stay bold on a
terminal. No Telegram types.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from cepf_bot.reply.compose import PAGE, compose_reply, compose_turn, interface_html
from cepf_bot.reply.locale import reply_locale
from cepf_bot.search.conversation import Memory
from cepf_bot.search.searcher import Searcher
from cepf_bot.types import Lang, Locale

MORE = frozenset({"more", "more results", "next", "更多", "更多结果", "更多結果", "下一页",
                  "下一頁"})
QUIT = frozenset({"quit", "exit", "/quit", "/exit", "退出", "再见!", ":q"})
_TAG = re.compile(r"<(/?)(b|i|u|a)(?:\s[^>]*)?>")
_ANY_TAG = re.compile(r"<[^>]+>")
KEY = ("chat", "you")  # the one asker of a terminal chat, as Memory keys them


def plain(message: str, *, bold: bool = False) -> str:
    """A Telegram HTML message as terminal text: bold kept as ANSI bold when `bold`, other
    tags out, entities decoded."""
    if bold:
        message = _TAG.sub(lambda m: ("\x1b[0m" if m.group(1) else "\x1b[1m")
                           if m.group(2) == "b" else "", message)
    return html.unescape(_ANY_TAG.sub("", message))


@dataclass
class ChatSession:
    """One person's conversation: what they asked last (for follow-ups and "more"), and the
    example questions last offered (to pick by number)."""

    searcher: Searcher
    examples: Mapping[Lang, Sequence[str]]
    language_code: str | None = None
    bold: bool = False
    asked: Memory = field(default_factory=Memory)
    _last: tuple[str, str | None, int, Locale] | None = None  # question, after, offset, locale
    _offered: list[tuple[str, Locale]] = field(default_factory=list)

    def reply(self, text: str) -> str:
        """What the bot says to `text`."""
        text = text.strip()
        if not text:
            return ""
        if text.lower() in MORE:
            return self._more()
        locale = reply_locale(text, self.language_code)
        if text.isdigit() and 0 < int(text) <= len(self._offered):
            # an example is answered in the script it was offered in
            text, locale = self._offered[int(text) - 1]
        after = self.asked.recall(KEY)
        page = compose_turn(self.searcher, text, locale, after=after,
                            examples=list(self.examples.get(locale.lang, [])))
        if not page.hits:
            return self._with_examples(page.messages[0], locale, page.suggested)
        self.asked.remember(KEY, page.subject)
        self._last = (text, after, PAGE if page.more else 0, locale)
        return self._page(page.messages, more=page.more, locale=locale)

    def welcome(self, locale: Locale) -> str:
        """The first screen: what the bot does, how to talk to it, four example questions."""
        return self._with_examples(interface_html("chat_welcome", locale,
                                                  self.searcher.traditional), locale, range(4))

    def _more(self) -> str:
        if self._last is None or not self._last[2]:
            return self._say("no_more", self._last[3] if self._last else Locale())
        question, after, offset, locale = self._last
        page = compose_reply(self.searcher, question, locale, offset, after)
        self._last = (question, after, offset + PAGE if page.more else 0, locale)
        return self._page(page.messages, more=page.more, locale=locale)

    def _page(self, messages: Sequence[str], *, more: bool, locale: Locale) -> str:
        text = "\n\n".join(plain(m, bold=self.bold) for m in messages)
        if more:
            text += "\n\n" + self._say("chat_more_hint", locale)
        return text

    def _with_examples(self, message: str, locale: Locale, chosen: Sequence[int]) -> str:
        examples = list(self.examples.get(locale.lang, []))
        convert = self.searcher.traditional.convert
        self._offered = [(examples[i], locale) for i in chosen if i < len(examples)]
        lines = [plain(message, bold=self.bold)]
        lines += [f"  {n}. {convert(q, locale.script)}"
                  for n, (q, _) in enumerate(self._offered, 1)]
        return "\n".join(lines)

    def _say(self, key: str, locale: Locale) -> str:
        return plain(interface_html(key, locale, self.searcher.traditional))


def run_chat(session: ChatSession, read: Callable[[str], str], write: Callable[[str], None],
             *, prompt: str = "> ") -> int:
    """The conversation loop: read a line, write the reply, until "quit" or the end of
    input."""
    locale = reply_locale("", session.language_code)
    write(session.welcome(locale))
    while True:
        try:
            line = read(prompt)
        except EOFError:
            write("")
            return 0
        if line.strip().lower() in QUIT:
            return 0
        answer = session.reply(line)
        if answer:
            write(answer + "\n")
