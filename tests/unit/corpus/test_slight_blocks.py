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
