"""A passage far longer than the corpus's others can still be answered (L13): BM25 divides a
term's weight by the passage's length against the average, and the verdict calls a best score
under 1 `none`, so a 1,500-character paragraph (or a multi-MB one) was never found. Over-long
passages are cut at sentence ends into pieces of at most MAX_PASSAGE_CHARS."""

from pathlib import Path

from cepf_bot.corpus.document import MAX_PASSAGE_CHARS, bounded_pieces
from cepf_bot.corpus.folder import parse_document
from cepf_bot.types import Verdict
from tests.conftest import engine_with_pages

FILLER = "绿发会的志愿者在各地开展了宣传活动，向公众介绍生态保护的意义。"
FACT = "黑颈鹤保护小区位于云南省会泽县大桥乡，由当地村民守护。"


def _paragraph(fillers: int) -> str:
    return FILLER * (fillers // 2) + FACT + FILLER * (fillers // 2)


def test_pieces_are_verbatim_bounded_and_end_at_sentence_ends():
    text = _paragraph(46)  # 1,453 characters
    pieces = bounded_pieces(text)
    assert len(pieces) == 3
    assert all(len(p) <= MAX_PASSAGE_CHARS for p in pieces)
    assert "".join(pieces) == text
    assert all(p.endswith("。") for p in pieces)
    assert any(FACT in p for p in pieces)  # the fact sentence is never cut


def test_an_english_paragraph_is_cut_where_a_sentence_ends_not_inside_one():
    """An English page's long paragraph: pieces end at a full stop (after a closing quote
    too), never at a comma mid-sentence, and Dr. or an initial ends no sentence."""
    sentence = ("Dr. Zhou and the team, with volunteers from several provinces, visited the "
                "reserve in the spring, counting the birds that winter there. ")
    quoted = 'The rangers called it "a model for others." '
    text = (sentence * 3 + quoted + sentence * 3).strip()
    pieces = bounded_pieces(text)
    assert len(pieces) > 1 and " ".join(pieces) == text
    assert all(len(p) <= MAX_PASSAGE_CHARS for p in pieces)
    assert all(p.endswith((".", '."')) for p in pieces)
    assert all(not p.startswith("Zhou") for p in pieces)


def test_a_sentence_longer_than_an_equal_share_stays_whole_while_it_fits():
    """A 539-character English sentence and a short one: equal halves would cut the first at
    a comma; it ends the first piece whole instead."""
    clause = "The delegates, who came from many provinces, "
    first = (clause * 12).strip(", ") + "."
    second = (clause * 4).strip(", ") + "."
    pieces = bounded_pieces(f"{first} {second}")
    assert pieces == [first, second]


def test_a_short_passage_is_itself_and_a_text_without_breaks_is_cut_at_the_limit():
    assert bounded_pieces(FACT) == [FACT]
    pieces = bounded_pieces("鹤" * 1_300)
    assert len(pieces) == 3 and "".join(pieces) == "鹤" * 1_300
    assert all(len(p) <= MAX_PASSAGE_CHARS for p in pieces)


def test_a_multi_megabyte_paragraph_becomes_bounded_passages(tmp_path):
    body = _paragraph(150_000)  # 4.6 million characters, one paragraph
    document = parse_document("long", tmp_path / "long.md", f"# 长段落\n\n{body}\n", "0" * 64)
    assert max(len(p.text) for p in document.passages) <= MAX_PASSAGE_CHARS
    assert "".join(p.text for p in document.passages) == body
    assert sum(FACT in p.text for p in document.passages) == 1


def _engine_with(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    return engine_with_pages(tmp_path, {"long.md": f"# 长段落\n\n{body}\n"})


def test_a_fact_in_a_long_paragraph_is_answered(tmp_path):
    engine = _engine_with(tmp_path, _paragraph(46))  # 1,453 characters, 9× the corpus's mean
    results = engine.searcher.ask("黑颈鹤在哪里")
    assert results.verdict != Verdict.NONE
    assert FACT in results.hits[0].passage.text
    assert results.hits[0].score >= 1


def test_a_fact_in_a_paragraph_of_a_hundred_thousand_characters_is_answered(tmp_path):
    engine = _engine_with(tmp_path, _paragraph(4_000))  # 124,027 characters
    for question in ("黑颈鹤在哪里", "会泽县大桥乡有什么"):
        results = engine.searcher.ask(question)
        assert results.verdict != Verdict.NONE, question
        assert FACT in results.hits[0].passage.text
