"""The staff's Q&A file: one pair per '## ' heading, bad input one line naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cepf_bot.corpus.faq import MAX_ANSWER_CHARS, faq_text, parse_faq
from cepf_bot.corpus.folder import corpus_fingerprint, load_corpus
from cepf_bot.errors import CorpusError

FAQ = """# 常见问题

## 怎么给绿会捐款？
also: How can I donate to the foundation? / 可以網上捐款嗎
source: https://example.org/donate

The staff's answer, verbatim.

A second paragraph <b>with markup</b> & more.

## 绿发会在香港有办事处吗？
date: 2026-11-30

没有。请联系北京办公室。
"""


def test_each_heading_is_a_pair_with_its_wordings_link_and_answer_verbatim():
    pairs = parse_faq(Path("faq.md"), FAQ, modified="2026-12-01")
    assert [p.question for p in pairs] == ["怎么给绿会捐款？", "绿发会在香港有办事处吗？"]
    donate, office = pairs
    assert donate.also == ("How can I donate to the foundation?", "可以網上捐款嗎")
    assert donate.wordings[0] == donate.question
    assert donate.source == "https://example.org/donate"
    assert donate.answer == ("The staff's answer, verbatim.\n\n"
                             "A second paragraph <b>with markup</b> & more.")
    assert (donate.line, office.line) == (3, 11)
    assert donate.date == "2026-12-01"  # no date line: the file's modification date
    assert office.date == "2026-11-30" and office.source == "" and office.also == ()


def test_the_written_file_reads_back_as_the_same_pairs():
    pairs = parse_faq(Path("faq.md"), FAQ, modified="2026-12-01")
    again = parse_faq(Path("faq.md"), faq_text(pairs))
    assert again == [p.__class__(**{**p.__dict__, "line": q.line}) for p, q in zip(pairs, again,
                                                                                  strict=True)]


@pytest.mark.parametrize(("text", "line", "problem"), [
    ("## 问题一\n\n答案。\n\n## 问题二\nalso: x\n\n", 5, "no answer"),
    ("## \n\n答案。\n", 1, "no question"),
    ("## 问题\nsource: ftp://example.org/x\n\n答案。\n", 1, "not an http(s) link"),
    ("## 问题\nsource: javascript:alert(1)\n\n答案。\n", 1, "not an http(s) link"),
    ("## 问题\ndate: 2026-13-45\n\n答案。\n", 1, "date is not YYYY-MM-DD"),
    ("一段没有问题的文字\n\n## 问题\n\n答案。\n", 1, "text before the first question"),
    ("## 问题\n\n答案。\n# 标题\n", 4, "'# ' heading inside an answer"),
    ("## 问题\nalso: a\nalso: b\n\n答案。\n", 3, "a second 'also:'"),
    ("## 问题\n\n答案。\n\n## 问题\n\n另一个答案。\n", 5, "the same question"),
    ("## 问题\n\n" + "长" * (MAX_ANSWER_CHARS + 1) + "\n", 1, "longer than one message"),
])
def test_a_bad_pair_is_one_line_naming_the_file_and_its_line(text, line, problem):
    with pytest.raises(CorpusError) as caught:
        parse_faq(Path("corpus/faq.md"), text)
    message = str(caught.value)
    assert message.startswith(f"corpus/faq.md:{line}: ")
    assert problem in message and "\n" not in message


def test_an_answer_that_just_fits_one_message_is_taken():
    [pair] = parse_faq(Path("faq.md"), "## 问题\n\n" + "长" * MAX_ANSWER_CHARS + "\n")
    assert len(pair.answer) == MAX_ANSWER_CHARS < 4096


def test_the_corpus_reads_faq_files_as_pairs_not_documents(corpus_dir):
    before = corpus_fingerprint(corpus_dir)
    assert load_corpus(corpus_dir).faq == ()
    (corpus_dir / "faq.md").write_text(FAQ, "utf-8")
    (corpus_dir / "sub").mkdir()
    (corpus_dir / "sub" / "office.faq.md").write_text("## 有没有微信公众号？\n\n有。\n", "utf-8")
    corpus = load_corpus(corpus_dir)
    assert [p.question for p in corpus.faq] == ["怎么给绿会捐款？", "绿发会在香港有办事处吗？",
                                                "有没有微信公众号？"]
    assert all("faq" not in d.id for d in corpus.documents)
    assert corpus_fingerprint(corpus_dir) == corpus.fingerprint != before


def test_a_question_in_two_files_names_the_second(corpus_dir):
    (corpus_dir / "faq.md").write_text(FAQ, "utf-8")
    (corpus_dir / "more.faq.md").write_text("## 怎么给绿会捐款？\n\n另一个答案。\n", "utf-8")
    with pytest.raises(CorpusError, match=r"more\.faq\.md:1: the same question as .*faq\.md:3"):
        load_corpus(corpus_dir)


def test_a_faq_file_not_utf8_names_its_line(corpus_dir):
    (corpus_dir / "faq.md").write_bytes("## 问题\n\n答案\n".encode() + b"\xff\xfe\n")
    with pytest.raises(CorpusError, match=r"faq\.md:4: not UTF-8"):
        load_corpus(corpus_dir)
