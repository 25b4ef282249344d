"""A compound's head parts: what it is, not what modifies it."""

from cepf_bot.analysis.compounds import corpus_cut, covers, head_parts, negations


def test_parts_that_cover_the_word_all_count():
    assert head_parts("主管单位", ["主管", "单位"]) == ["主管", "单位"]


def test_only_the_part_that_ends_a_compound_counts():
    assert head_parts("斑海豹", ["海豹"]) == ["海豹"]
    assert head_parts("出版社", ["出版"]) == []  # a publisher is not a publication
    assert head_parts("办事处", ["办事"]) == []


def test_function_characters_need_no_part():
    assert head_parts("全名是", ["全名"], lambda ch: ch == "是") == ["全名"]
    assert head_parts("全名是", ["全名"]) == []


def test_a_word_that_is_not_chinese_keeps_its_parts():
    assert head_parts("foundation", ["foundat"]) == ["foundat"]


def test_covers_needs_every_character():
    assert covers("主管单位", ["主管", "单位"])
    assert not covers("副秘书长", ["秘书", "秘书长"])


def test_a_word_is_denied_by_a_negating_prefix_or_in_place_of_its_first_character():
    assert "免费" in negations("收费") and "无偿" in negations("有偿")
    assert "非营利" in negations("营利") and "不公开" in negations("公开")
    assert "不过" not in negations("超过")  # 不 in place of a first character makes another word
    assert negations("免费") == [] and negations("fee") == [] and negations("钱") == []


def test_an_unknown_word_is_cut_where_the_corpus_has_words():
    known = {"年会", "保护地", "会定"}.__contains__
    assert corpus_cut("年会定", known) == ["年会", "定"]  # 年 + 会定 covers as much: the first
    assert corpus_cut("保护地年会", known) == ["保护地", "年会"]
    assert corpus_cut("有个", known) is None  # nothing the corpus has: the dictionary's cut
