"""Slight blocks (datelines, bylines, labels, heading lines, pictures' file names) are read with
their neighbours, so no passage wins a question by being short. Invented documents only."""

from pathlib import Path

from cepf_bot.corpus.document import Block, content_size, is_slight, join_slight
from cepf_bot.corpus.folder import parse_document

ARTICLE = """# 湿地鸟类调查
## 调查
2021/4/3 10:20:00 本站

photo_20210403.jpg

春季调查在河口湿地进行,志愿者记录到三十六种水鸟,其中包括四只黑脸琵鹭。

调查路线

调查沿海堤步行八公里,每五百米设一个观察点,由两名志愿者轮流记录。

原文地址:访问原文地址
"""


def test_content_leaves_out_numbers_links_and_punctuation():
    assert content_size("2021/4/3 10:20:00 https://example.org/a.html") == 0
    assert content_size("本站") == 2
    assert content_size("Original article:") == 4


def test_a_dateline_a_label_and_a_heading_line_are_slight_a_sentence_is_not():
    assert is_slight(Block(["2021/4/3 10:20:00 本站"]))
    assert is_slight(Block(["Original Chinese article:"]))
    assert is_slight(Block(["调查路线"]))
    assert not is_slight(Block(["志愿者记录到三十六种水鸟,其中包括四只黑脸琵鹭。"]))
    assert not is_slight(Block(["The volunteers counted thirty-six species of water birds."]))


def test_slight_blocks_join_the_next_block_and_the_last_joins_the_one_before():
    document = parse_document("birds", Path("birds.md"), ARTICLE, "0" * 64)
    texts = [p.text for p in document.passages]
    assert len(texts) == 2
    assert texts[0].startswith("2021/4/3 10:20:00 本站\n春季调查")
    assert texts[1].startswith("调查路线\n调查沿海堤步行八公里")
    assert texts[1].endswith("原文地址:访问原文地址")
    assert not any("photo_20210403.jpg" in t for t in texts)


def test_blocks_of_different_sections_are_never_joined():
    blocks = [Block(["短标题"], "甲"), Block(["另一节的一段完整的话,讲的是别的事情。"], "乙")]
    assert [b.lines for b in join_slight(blocks)] == [["短标题"],
                                                      ["另一节的一段完整的话,讲的是别的事情。"]]


def _joined_as_before(blocks: list[Block]) -> list[Block]:
    """The first join_slight, quadratic in a run of slight blocks: the reference."""
    from dataclasses import replace

    from cepf_bot.corpus import document

    kept = [replace(b, lines=[x for x in b.lines if not document._PICTURE_NAME.match(x)])
            for b in blocks]
    joined: list[Block] = []
    pending = None
    for block in (b for b in kept if b.lines):
        if pending is not None and (pending.section != block.section or (
                pending.page and block.page and pending.page != block.page)):
            document._append(joined, pending)
            pending = None
        if pending is not None:
            block = replace(block, lines=pending.lines + block.lines,
                            page=pending.page or block.page)
            pending = None
        text = "\n".join(block.lines)
        slight = content_size(text) < 12 or all(
            content_size(x) <= 24 and not document._SENTENCE_END.search(x) for x in block.lines)
        if slight:
            pending = block
        else:
            joined.append(block)
    if pending is not None:
        document._append(joined, pending)
    return joined


def test_blocks_are_joined_as_the_reference_joins_them():
    import random

    rng = random.Random(26)
    pieces = ["调查路线", "2021/4/3", "本站", "志愿者记录到三十六种水鸟。", "a", "b.", "ab cd",
              "https://example.org/x", "photo.jpg", "www.example.org", "湿地" * 7, "Original:",
              "调查沿海堤步行八公里,每五百米设一个观察点,由两名志愿者轮流记录", "1.5", "_x_"]
    for _ in range(3_000):
        blocks = [Block([rng.choice(pieces) for _ in range(rng.randint(0, 3))],
                        rng.choice([None, "甲", "乙"]), rng.choice([0, 0, 1, 2]))
                  for _ in range(rng.randint(0, 8))]
        assert join_slight(blocks) == _joined_as_before(blocks), blocks


def test_a_long_run_of_slight_blocks_is_joined_in_linear_time(monkeypatch):
    """A Word file of 123,456 short paragraphs without a sentence end (35 KB zipped) took
    minutes: every join re-read all the lines joined so far."""
    from cepf_bot.corpus import document

    calls = []
    original = document.content_size
    monkeypatch.setattr(document, "content_size", lambda text: calls.append(1) or original(text))
    blocks = [Block(["中国绿发会参与国际合作的段落文字"]) for _ in range(3_000)]
    joined = join_slight(blocks)
    assert len(joined) == 1 and len(joined[0].lines) == 3_000
    assert len(calls) <= 2 * 3_000
