"""`cepf-bot chat`: a private chat in a terminal, driven through a real pseudo-terminal —
a question, a follow-up read with it, small talk, "more", an example by its number."""

import codecs
import os
import pty
import re
import select
import subprocess
import sys
import time

import pytest

from cepf_bot.reply.chat import ChatSession, plain
from cepf_bot.types import Lang

PROMPT = "> "
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal:
    """`cepf-bot chat` on the slave side of a pty; the test types and reads on the master."""

    def __init__(self, *argv: str) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen([sys.executable, "-m", "cepf_bot", "chat", *argv],
                                        stdin=slave, stdout=slave, stderr=slave,
                                        close_fds=True)
        os.close(slave)
        self.seen = ""
        # one decoder across reads: a character whose bytes arrive in two reads stays whole
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def read_until_prompt(self, timeout: float = 60) -> str:
        """Everything written up to the next prompt (the prompt left out)."""
        deadline = time.monotonic() + timeout
        buffer = ""
        while not buffer.endswith(PROMPT):
            left = deadline - time.monotonic()
            assert left > 0, f"no prompt; the terminal shows: {buffer!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                data = os.read(self.master, 65536)
                assert data, f"the chat ended; it showed: {buffer!r}"
                buffer += self.decoder.decode(data)
        self.seen += buffer
        return ANSI.sub("", buffer[: -len(PROMPT)]).replace("\r\n", "\n")

    def type(self, line: str) -> str:
        """Type a line and press Enter; the reply (the echo of the line left out)."""
        os.write(self.master, (line + "\n").encode())
        shown = self.read_until_prompt()
        return shown.split("\n", 1)[1] if shown.startswith(line) else shown

    def close(self) -> int:
        os.write(self.master, b"quit\n")
        code = self.process.wait(timeout=20)
        os.close(self.master)
        return code


@pytest.fixture
def terminal(corpus_dir):
    term = Terminal("--corpus", str(corpus_dir), "--language", "zh-hk")
    yield term
    if term.process.poll() is None:
        term.process.kill()


def test_chat_answers_a_question_a_follow_up_and_a_thank_you_in_a_pty(terminal):
    welcome = terminal.read_until_prompt()
    assert "你好" in welcome and "1. " in welcome  # in the user's language, with examples
    answer = terminal.type("绿会哪一年成立的")
    assert answer.startswith("答：1985年\n「1985年")  # the fact first, then its sentence
    follow_up = terminal.type("谁创办的")  # read with the previous question
    assert follow_up.startswith("答：吕正操、钱昌照、包尔汉")
    thanks = terminal.type("多謝晒！好有用，我會同班學生分享 🙏")
    assert thanks.startswith("不客氣") and "  1. " in thanks  # Hong Kong script, examples
    assert "<b>" not in terminal.seen and "&lt;" not in terminal.seen  # no HTML shown
    assert terminal.close() == 0


def test_chat_pages_with_more_and_asks_an_example_by_its_number(terminal):
    terminal.read_until_prompt()
    first = terminal.type("国际合作项目")
    assert "更多" in first
    more = terminal.type("更多")
    assert more.startswith("3. ")  # the next page of the ranking
    no_answer = terminal.type("明天會下雨嗎")
    assert "1. " in no_answer
    example = terminal.type("1")
    assert example.startswith("答：") and "綠" in example  # offered in 繁體, answered so
    assert terminal.close() == 0


def test_chat_ends_at_the_end_of_input(corpus_dir):
    done = subprocess.run([sys.executable, "-m", "cepf_bot", "chat", "--corpus",
                           str(corpus_dir)], input="收入总额\n", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "答：27103400.95元" in done.stdout


def test_plain_text_keeps_bold_only_on_a_terminal():
    html = "<b>答：</b>A &amp; B <i>x</i>"
    assert plain(html) == "答：A & B x"
    assert plain(html, bold=True) == "\x1b[1m答：\x1b[0mA & B x"


def test_small_talk_needs_no_search(searcher):
    session = ChatSession(searcher, {Lang.EN: ["Who is the secretary general?"]})
    assert session.reply("thanks so much, really helpful!").startswith("You're welcome")
    assert session.reply("1").startswith("Answer: ")
