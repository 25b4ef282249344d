"""A PDF's structure: a page break after a sentence's end and a heading line start a new
passage, and the heading titles the passages under it — not glued to the paragraph before."""

from cepf_bot.corpus.readers.pdf import _paragraphs

# a full line of a page
LONG = "绿会开展国际交流与合作，深度参与全球环境治理，传递中国生态环境保护的好故事好声音"


def test_a_heading_right_under_a_paragraphs_last_sentence_starts_a_titled_passage():
    page = [LONG, LONG + "。", "收支信息", LONG, "收入总额很多很多。"]
    blocks = _paragraphs([page])
    assert [b.lines for b in blocks] == [[LONG + LONG + "。"], [LONG + "收入总额很多很多。"]]
    assert blocks[0].section is None and blocks[1].section == "收支信息"


def test_a_page_break_after_a_sentence_starts_a_new_passage_with_its_page():
    first, second = [LONG, LONG + "。"], [LONG, LONG + "。"]
    blocks = _paragraphs([first, second])
    assert len(blocks) == 2 and [b.page for b in blocks] == [1, 2]


def test_a_sentence_cut_by_the_page_break_stays_one_passage():
    blocks = _paragraphs([[LONG, LONG], [LONG + "。"]])
    assert [b.lines for b in blocks] == [[LONG * 3 + "。"]] and blocks[0].page == 1
