"""Answering the questions people type: the general lexicon, numbers, the foundation's names,
answerability by what is asked about, page furniture, list items and the answer sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from cepf_bot.analysis.expansion import PHRASAL, QueryExpander
from cepf_bot.analysis.lexicon import chinese_weight, english_weight, general_lexicon
from cepf_bot.analysis.numerals import approximate_tokens, chinese_numeral_value, normalise_numbers
from cepf_bot.analysis.vocabulary import read_vocabulary
from cepf_bot.corpus.document import is_dateline, list_units
from cepf_bot.corpus.folder import DOCUMENT_INFO_TITLE, parse_document
from cepf_bot.search.answer_sentence import (
    QuestionType,
    asked_unit,
    candidate_spans,
    most_specific,
    pick_answer,
    question_type,
    type_matches,
)
from cepf_bot.search.query import Query, QueryWord, Role
from cepf_bot.search.support import EVERYDAY, support
from cepf_bot.types import Hit, Passage, Verdict
from tests.conftest import REPO_CORPUS

# --- the general lexicon ---------------------------------------------------------------------

def test_cantonese_is_read_in_mandarin_words_only_when_it_is_cantonese():
    lexicon = general_lexicon()
    assert lexicon.to_mandarin("報告交咗俾邊幾個部門") == "報告交了给哪几个部門"
    assert lexicon.to_mandarin("綠會秘書長叫咩名") == "綠會秘書長叫什么名"
    assert lexicon.to_mandarin("绿会跟UNEP啥关系") == "绿会跟UNEP啥关系"  # Mandarin: untouched
    assert lexicon.to_mandarin("生态系统同样重要") == "生态系统同样重要"


@pytest.mark.parametrize("word", ["啥", "嘛", "呀", "咋", "来着", "他们", "请问", "搞", "嘅", "咗",
                                  "they", "the", "please", "what", "does", "哈喽", "去年"])
def test_function_words_of_every_class_are_known(word):
    assert general_lexicon().is_function_word(word)


@pytest.mark.parametrize("word", ["那次", "这场", "该项", "此次"])
def test_a_demonstrative_with_a_measure_word_points_and_names_nothing(word):
    assert general_lexicon().is_function_word(word)


@pytest.mark.parametrize("word", ["斑海豹", "收入", "观察员", "iucn", "observer", "公约", "每年",
                                  "那年会"])
def test_content_words_are_not_function_words(word):
    assert not general_lexicon().is_function_word(word)


def test_background_weight_makes_everyday_words_light_and_names_heavy():
    assert english_weight("capital") < EVERYDAY < english_weight("wwf")
    assert english_weight("the") < 4
    assert chinese_weight(17024, 60_101_967) < EVERYDAY  # 写
    assert chinese_weight(67, 60_101_967) > 13  # 阿拉善
    assert chinese_weight(0, 60_101_967) == chinese_weight(1, 60_101_967)  # capped, unseen


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("run", "value"), [("七十", 70), ("二十", 20), ("两千", 2000),
                                            ("两千三百", 2300), ("一万", 10000), ("十", 10),
                                            ("两千三", None), ("二三", None)])
def test_chinese_numerals(run, value):
    assert chinese_numeral_value(run) == value


def test_numbers_are_normalised_only_before_a_measure_word():
    assert normalise_numbers("七十余人") == "70余人"
    assert normalise_numbers("2300万左右") == "23000000左右"
    assert normalise_numbers("about 23 million yuan") == "about 23000000 yuan"
    words = "全国性一级学会，第三份公约，三公约"
    assert normalise_numbers(words) == words


def test_approximate_figures_meet_the_exact_ones(segmenter):
    exact = set(segmenter.tokens("支出总额:23122739.73元，爱心人次:2240次"))
    assert {"~2e7", "~23e6"} <= set(segmenter.tokens("2300万左右")) & exact
    assert "~2e3" in set(segmenter.tokens("两千多")) & exact
    assert approximate_tokens("2019", "年") == []  # a year is not a rough figure
    assert approximate_tokens("12") == []


def test_a_numeral_with_some_digits_uncounted_is_a_rough_figure(segmenter):
    """二千几万 (2,0xx万), 二千三百几万, 十几个: their least value, read as "more than"."""
    assert normalise_numbers("收入是不是二千几万") == "收入是不是20000000多"
    assert normalise_numbers("二千三百几万") == "23000000多"
    assert normalise_numbers("十几个") == "10多个"
    for words in ("一几", "几万", "几个人"):  # no unit before 几: not a figure
        assert normalise_numbers(words) == words
    exact = set(segmenter.tokens("收入总额:27103400.95元，支出总额:23122739.73元"))
    assert "~2e7" in set(segmenter.tokens("二千几万")) & exact
    assert {"~2e7", "~23e6"} <= set(segmenter.tokens("二千三百几万")) & exact


def test_just_over_and_about_make_a_rough_figure_not_a_year(segmenter):
    assert normalise_numbers("两千出头") == "2000出头"
    assert normalise_numbers("两千左右") == "2000左右"
    assert "~2e3" in set(segmenter.tokens("两千出头")) & set(segmenter.tokens("2240次"))
    assert approximate_tokens("2000", "出头") == ["~2e3", "~20e2"]
    assert approximate_tokens("2000", "年") == []
    assert approximate_tokens("2019", "出台") == []  # 2019出台: a year


def test_a_number_and_its_measure_word_are_separate_tokens(segmenter):
    assert segmenter.tokens("2900余人")[:1] == ["2900"]
    assert {"余", "人"} <= set(segmenter.tokens("2900余人"))


def test_the_foundations_names_are_one_term(segmenter):
    names = {segmenter.tokens(name)[0]
             for name in ("绿会", "绿发会", "中国绿发会", "我会", "CBCGDF")}
    assert names == {"中国绿发会"}


# --- question analysis ----------------------------------------------------------------------

def roles(searcher, question):
    return {w.word: w.role for w in searcher.analyse(question).words}


def test_a_question_word_the_lexicon_lists_whole_is_not_cut(searcher):
    """怎么样 is one question word (how is it), not 怎么 and a content word 样; 多少钱 is
    still 多少 and what is asked about."""
    found = roles(searcher, "明天北京天气怎么样")
    assert found.get("怎么样") == Role.FUNCTION and "样" not in found
    assert "钱" in roles(searcher, "捐款要多少钱")


def test_question_words_get_their_roles(searcher):
    found = roles(searcher, "绿会的秘书长叫啥名字呀")
    assert found["绿会"] == Role.NAME and found["秘书长"] == Role.CONTENT
    assert found["名字"] == Role.ASKED and found["呀"] == Role.FUNCTION
    assert roles(searcher, "献爱心的人次有两千多吗")["2000"] == Role.NUMBER
    assert roles(searcher, "綠會收入係咪得二千幾萬咋")["20000000"] == Role.NUMBER


def test_the_foundations_name_decides_only_when_nothing_else_is_asked(searcher):
    assert "中国绿发会" not in searcher.analyse("绿会的秘书长是谁").terms
    assert "中国绿发会" in searcher.analyse("绿会").terms


def test_a_dictionary_word_made_of_a_question_word_and_a_noun_is_cut_in_two(searcher):
    """jieba's dictionary holds 哪些项目 and 多少钱 whole: 项目 and 钱 are what is asked
    about, as in 什么项目, which jieba cuts itself."""
    found = roles(searcher, "绿会做过哪些项目")
    assert found["哪些"] == Role.FUNCTION and found["项目"] == Role.CONTENT
    assert "钱" in roles(searcher, "绿发会一共收了多少钱")
    hits = searcher.search("绿发会一共收了多少钱")
    assert hits and "27103400.95" in hits[0].passage.text


def test_a_question_word_glued_to_a_measure_word_asks_for_that_unit(searcher):
    """jieba's dictionary holds 几月, 几号 and 几期 whole, as rare words: they ask for a month,
    a day and an issue, and weigh nothing against a passage (the unit is searched, as 名字 is)."""
    lexicon = general_lexicon()
    glued = ("几期", "几号", "哪天", "多少份")
    assert [lexicon.measure_asked(w) for w in glued] == list("期号天份")
    # not a question word and a unit: almost, geometry, even if; and words listed whole
    assert [lexicon.measure_asked(w) for w in ("几乎", "几何", "哪怕", "几个", "期")] == [""] * 5
    query = searcher.analyse("绿会的年会是几月几号开的")
    found = {w.word: w for w in query.words}
    assert found["几月"].role == found["几号"].role == Role.ASKED
    assert found["几号"].tokens == ("号",) and "几号" not in query.terms


def test_the_measure_words_are_what_cc_cedict_gives():
    """data/lexicon/measure_words.txt is written by tools/measure_words.py, not by hand."""
    import subprocess
    import sys

    tool = Path(__file__).resolve().parents[3] / "tools" / "measure_words.py"
    run = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert {"期", "份", "届", "月", "号"} <= general_lexicon().measure_words
    assert not {"乎", "何", "怕", "的"} & general_lexicon().measure_words


def test_an_everyday_name_after_a_name_the_corpus_lacks_is_another_organisation(searcher):
    """基金会 is one of the foundation's names, but in 阿拉善SEE基金会 or "the Ford Foundation"
    it heads another organisation's name: the question is not about the foundation."""
    assert roles(searcher, "阿拉善SEE基金会是做什么的")["基金会"] == Role.FUNCTION
    assert roles(searcher, "What does the Ford Foundation do?")["foundation"] == Role.FUNCTION
    assert roles(searcher, "这个基金会的秘书长是谁")["基金会"] == Role.NAME
    assert roles(searcher, "what does the foundation do")["foundation"] == Role.NAME
    assert searcher.ask("阿拉善SEE基金会是做什么的").verdict != Verdict.ANSWER


def test_a_rule_explains_a_compound_the_corpus_does_not_know(searcher):
    query = searcher.analyse("绿发会的财务收支情况")
    assert "收支信息" in next(w for w in query.words if w.word == "财务收支").targets


def test_a_synonym_never_matches_inside_a_longer_word(searcher):
    query = searcher.analyse("联合国开发计划署")  # 计划 (-> 项目) is inside the name
    assert "项目" not in query.terms


def test_focus_is_the_words_beside_the_question_word(searcher):
    focus = {w.word for w in searcher.analyse("污染环境罪报告报送了哪些部门").focus}
    assert focus == {"报送", "部门"}


# --- answerability -------------------------------------------------------------------------

def word(text, role=Role.CONTENT, weight=10.0):
    return QueryWord(text, (text,), frozenset(), role, "han"), weight


def weigh(words_and_weights, in_passage, known=(), distinctive=()):
    """The support of a passage that has `in_passage` for a question of these words."""
    words = [w for w, _ in words_and_weights]
    weights = {w.word: x for w, x in words_and_weights}
    query = Query("q", {}, (), tuple(words))
    return support(query, set(in_passage), "", known=lambda w: w.word in known,
                   distinctive=lambda w: w.word in distinctive,
                   weight=lambda w: weights[w.word])


def test_an_unknown_rare_word_weighs_against_the_passage():
    result = weigh([word("基金会名", weight=12), word("阿拉善", weight=13.7)],
                   in_passage={"基金会名"})
    assert result.share < 0.5 and result.unknown == 13.7


def test_extra_everyday_words_around_a_distinctive_match_are_forgiven():
    question = [word("世界环境公约", weight=14), word("写", weight=8.2), word("论文", weight=9.9)]
    assert weigh(question, {"世界环境公约"}, distinctive={"世界环境公约"}).share == 1.0
    assert weigh(question, {"世界环境公约"}).share < 0.5  # no distinctive match: they count
    assert EVERYDAY > 9.9


def test_a_word_known_elsewhere_in_the_corpus_is_never_forgiven():
    question = [word("iucn", weight=14), word("理事长", weight=9.0), word("现任", weight=9.0)]
    result = weigh(question, {"iucn"}, known={"理事长", "现任"}, distinctive={"iucn"})
    assert result.share < 0.5 and result.known == 18.0


def test_function_words_and_the_name_count_for_nothing():
    question = [word("秘书长"), word("啥", Role.FUNCTION), word("绿会", Role.NAME)]
    assert weigh(question, {"秘书长"}).share == 1.0
    assert weigh([word("绿会", Role.NAME)], set()).share == 0.0  # nothing weighed at all


@pytest.mark.parametrize("question", ["阿拉善的沙漠有多大", "WWF是谁创办的", "去北京要办签证吗",
                                      "How old is the oldest tree in Tibet?"])
def test_near_domain_questions_the_text_cannot_answer_are_never_answered(searcher, question):
    results = searcher.ask(question)
    assert results.verdict != Verdict.ANSWER
    assert (results.answer is None) == (results.hits == [])  # closest: its closest sentence


@pytest.mark.parametrize(("question", "expected"), [
    ("绿会跟IDA有啥关系呀", "IDA"),
    ("綠會嘅秘書長係邊個", "周晋峰"),
    ("斑海豹計畫嘅宣導品有咩", "宣传物品"),
    ("how much money did they spend", "23122739.73"),
])
def test_chat_style_questions_are_answered(searcher, question, expected):
    results = searcher.ask(question)
    assert results.hits and expected in results.hits[0].passage.text
    assert results.verdict != Verdict.NONE


# --- page furniture and list paragraphs ------------------------------------------------------

def test_credit_and_as_of_lines_become_one_document_information_passage():
    text = ("---\ndateline: 2020/9/6 本站\n---\n# 标题\n\n正文第一段。\n\n"
            "（截止至2020年8月25日）\n\n整理/张三 审/国际部 编/李四\n")
    document = parse_document("d", Path("d.md"), text, "0")
    assert [p.title for p in document.passages] == ["标题", DOCUMENT_INFO_TITLE]
    assert document.passages[-1].text == (
        "2020/9/6 本站\n（截止至2020年8月25日）\n整理/张三 审/国际部 编/李四")


def test_a_long_list_paragraph_is_split_into_its_items_verbatim():
    items = ["现已成为甲组织会员单位;", "乙公约观察员;", "丙公约观察员;", "与丁建立广泛联系。"]
    paragraph = "".join(items) + "补充说明" * 80
    units = list_units(paragraph)
    assert units[:3] == items[:3] and "".join(units) == paragraph
    assert list_units("短段落;一;二;三。") == ["短段落;一;二;三。"]


def test_items_of_one_paragraph_share_its_key_and_the_title(index):
    items = [p for p in index.passages if p.paragraph]
    assert len(items) >= 3 and len({p.paragraph for p in items}) == 1
    assert len({p.title for p in items}) == 1


# --- the answer sentence --------------------------------------------------------------------

@pytest.mark.parametrize(("question", "kind"), [
    ("斑海豹项目培训了多少人", QuestionType.AMOUNT), ("NRDC培训是哪年办的", QuestionType.WHEN),
    ("绿会的秘书长是谁", QuestionType.WHO), ("绿会是CITES的观察员吗", QuestionType.YES_NO),
    ("调研去了哪些省", QuestionType.LIST), ("报告叫什么名字", QuestionType.NAME),
    ("how many people were trained", QuestionType.AMOUNT),
    ("when did they sign", QuestionType.WHEN),
    ("介绍一下绿会", QuestionType.OTHER),
    ("我想给绿会捐款 怎么捐", QuestionType.HOW), ("how can i donate", QuestionType.HOW),
    ("how many people attended", QuestionType.AMOUNT),
    # 几 and any measure word asks how many; 几月, 几号 ask when; 几乎 (almost) asks nothing
    ("研修班一共办了几期", QuestionType.AMOUNT), ("年会办了几届", QuestionType.AMOUNT),
    ("会是几月几号开的", QuestionType.WHEN), ("几乎都去了", QuestionType.OTHER),
    # "which" before a plural asks for a list; before a singular, for one thing
    ("which treaties did they join", QuestionType.LIST),
    ("which of their reserves got listed", QuestionType.LIST),
    ("Which UN conventions does it observe", QuestionType.LIST),
    ("which international organizations is it a member of", QuestionType.LIST),
    ("which body supervises it", QuestionType.OTHER), ("which year?", QuestionType.WHEN),
    ("in which city was the training held", QuestionType.OTHER),
    # which years, which months ask when; which cities, which provinces ask for a list
    ("那是哪几年", QuestionType.WHEN), ("哪几个月办的", QuestionType.WHEN),
    ("哪几个城市", QuestionType.LIST),
])
def test_question_types(question, kind):
    assert question_type(question) == kind


def test_a_way_answers_how_a_figure_does_not():
    """How to donate is answered by a channel (a site, an account, an address), not by the
    count of donations."""
    assert not type_matches(QuestionType.HOW, None, "• 爱心人次:2240次", ())
    assert type_matches(QuestionType.HOW, None, "捐款可通过官网在线完成。", ())


def test_asked_unit():
    assert asked_unit("培训了多少人") == "人" and asked_unit("收入是多少钱") == "元"
    assert asked_unit("爱心人次是多少") == "次"


def test_the_asked_unit_is_the_measure_word_after_the_question_word():
    """Any measure word counts (几期, 多少头), what follows 几 or 多少 says what is counted,
    and a measure word after a demonstrative (那个, 那次) only points."""
    assert asked_unit("那个研修班一共办了几期") == "期"
    assert asked_unit("那次专项行动查获多少只穿山甲") == "只"
    assert asked_unit("保护区有多少头斑海豹") == "头"
    assert asked_unit("这个会开了几个小时") == "个"
    assert asked_unit("一共来了几个人") == "人"


def answers(question: str, sentence: str) -> bool:
    """Whether the sentence holds the count a how-many question asks for."""
    return type_matches(QuestionType.AMOUNT, asked_unit(question), sentence, ())


def test_a_count_in_chinese_numerals_or_in_a_measure_word_of_its_unit_answers_how_many():
    """七项, 两轮 and 第三份 are counts as 7项 is; 项 and 场 count in 个, 名 counts in 人; a
    figure of another unit, or none, does not answer."""
    assert answers("调研报告一共提了几项建议", "报告提出七项建议。")
    assert answers("一共有几项重点工作", "项目包括5项重点工作。")
    assert answers("线上讨论了几轮", "提案经过两轮讨论。")
    assert answers("会是第几份综合性的公约", "将成为第三份综合性的世界公约。")
    assert answers("培训了多少人", "累计培训学员七十余人。")
    assert answers("来了多少人", "共有3名代表出席。")
    assert not answers("线上讨论了几轮", "提案经过多次讨论。")
    assert not answers("调研报告一共提了几项建议", "报告报送六部门。")
    assert not answers("研修班一共办了几期", "累计培训学员七十余人。")


def test_a_list_of_long_items_by_commas_answers_which_ones():
    roles = ("周晋峰博士还担任罗马俱乐部执委,世界绿色设计组织副主席,世界环境法委员会委员,"
             "海洋连通性工作组执委,绿色犯罪学专家组成员。")
    assert type_matches(QuestionType.LIST, None, roles, ())
    assert type_matches(QuestionType.LIST, None, "调研组分别赴浙江、新疆、山东等地进行调研。", ())
    clauses = "2016年8月,与协会联合组织研修班,累计培训七十余人。"
    assert not type_matches(QuestionType.LIST, None, clauses, ())


def test_a_year_of_the_calendar_is_no_count_of_years():
    """多少年 and 几年 ask for a span: 为期3年 and 十年 answer it, 2019年 does not."""
    assert answers("协议签了几年", "签订为期3年的合作研究协议。")
    assert answers("项目做了多少年", "项目已坚持十年。")
    assert not answers("斑海豹能活多少年", "2019年10月至12月,在全国6个城市举办活动。")


PASSAGE = Passage("d#1", "d", "文档", "某项目", "某项目。2019年,我会举办活动,共有2900余人参加培训。"
                  "活动得到多家媒体报道。项目由甲、乙、丙三家单位支持。")


def answer_to(question, terms, passage=PASSAGE):
    """The answer sentence `pick_answer` picks from `passage`, every term weighing 1."""
    hit = Hit(1, 1.0, passage, tuple(terms))
    return pick_answer(question, hit, lambda t: 1.0, lambda text: {t for t in terms if t in text})


def test_the_sentence_with_the_asked_measure_answers_how_many():
    sentence = ("研修班共举办3期。", "累计培训学员70余人。")
    passage = Passage("d#2", "d", "文档", "研修班", "".join(sentence))
    picked = answer_to("那个研修班一共办了几期", ("研修班", "培训"), passage)
    assert picked is not None and picked.text == sentence[0]


@pytest.mark.parametrize(("question", "terms", "expected"), [
    ("活动有多少人参加", ("活动", "参加"), "2019年,我会举办活动,共有2900余人参加培训。"),
    ("活动是哪年办的", ("活动",), "2019年,我会举办活动,共有2900余人参加培训。"),
    ("哪些单位支持项目", ("单位", "项目"), "项目由甲、乙、丙三家单位支持。"),
    ("有媒体报道吗", ("媒体", "报道"), "活动得到多家媒体报道。"),
])
def test_the_answer_is_the_sentence_of_the_asked_kind_verbatim(question, terms, expected):
    answer = answer_to(question, terms)
    assert answer is not None and answer.text == expected and answer.passage_id == "d#1"
    assert answer.text in PASSAGE.text


@pytest.mark.parametrize(("question", "now"), [
    ("那份湿地倡议现在叫什么", True), ("湿地倡議而家改咗咩名", True),
    ("what is the wetland appeal called now?", True),
    ("那份湿地倡议叫什么", False), ("那份湿地倡议原来叫什么", False),
])
def test_a_question_about_the_present_is_answered_by_the_sentence_that_states_it(question, now):
    """现在, 而家, now: the sentence that says how things stand now (现已更名为…) answers, though
    the sentence that names the thing matches more of the question (an invented passage)."""
    text = "《保护湿地倡议》由多家机构发起。经过两轮讨论后,现已更名为《可持续发展倡议》。"
    answer = answer_to(question, ("湿地", "倡议"), Passage("a#1", "a", "倡议", "倡议", text))
    assert answer is not None
    assert answer.text.startswith("经过两轮讨论后") == now


def test_a_pages_dateline_is_never_the_answer_to_when():
    """The dateline a page's first passage starts with says when it was posted: a when
    question is answered by the sentence that dates what happened, even when neither holds a
    word of the question (a Chinese question about an English page)."""
    dated = Passage("p#1", "p", "Lecture", "Lecture", "2019/11/25 10:38:00 本站\n"
                    "On November 16, 2019, Dr. Zhou gave a lecture to the cadres. It was well "
                    "received.")
    answer = pick_answer("周博士去中卫讲座是哪天", Hit(1, 1.0, dated, ()), lambda t: 1.0,
                         lambda text: set())
    assert answer is not None
    assert answer.text == "On November 16, 2019, Dr. Zhou gave a lecture to the cadres."


def test_a_heading_line_loses_a_tie_to_a_sentence_of_its_paragraph():
    """A heading line read with its paragraph names what the paragraph is about: when it and a
    sentence below it match the question equally, the sentence answers (an invented page)."""
    text = ("二、开展湿地鸟类(WBC)调查\n志愿者在湖边记录鸟类。"
            "调查采用国际通行的湿地鸟类计数方法(Wetland Bird Count,简称WBC)。")
    page = Passage("w#1", "w", "湖区简报", "湖区简报", text)
    answer = pick_answer("what does WBC stand for", Hit(1, 1.0, page, ("wbc",)), lambda t: 1.0,
                         lambda sentence: {"wbc"} if "WBC" in sentence else set())
    assert answer is not None and answer.text.startswith("调查采用")
    # the same line as the paragraph's last, with nothing below it, is a sentence like others
    alone = Passage("w#2", "w", "湖区简报", "湖区简报",
                    "志愿者在湖边记录鸟类。\n开展湿地鸟类(WBC)调查")
    answer = pick_answer("what does WBC stand for", Hit(1, 1.0, alone, ("wbc",)), lambda t: 1.0,
                         lambda sentence: {"wbc"} if "WBC" in sentence else set())
    assert answer is not None and answer.text == "开展湿地鸟类(WBC)调查"


def test_a_title_or_an_initial_does_not_end_an_english_sentence():
    text = "On 16 May, Dr. Zhou spoke to J. Smith. It ended."
    assert [text[a:b].strip() for a, b in candidate_spans(text)] == [
        "On 16 May, Dr. Zhou spoke to J. Smith.", "It ended."]


@pytest.mark.parametrize(("line", "dateline"), [
    ("2017/9/13 21:47:00 本站中国绿发会", True), ("绿会 中国绿发会 2022-04-24", True),
    ("收入总额:27103400.95元", False),
    ("2019年3月14日,周晋峰在北京会见了来访的代表团一行。", False),
])
def test_a_dateline_is_a_date_stamp_with_little_else(line, dateline):
    assert is_dateline(line) == dateline


def test_the_answer_is_at_most_260_characters(searcher):
    for question in ("绿会是哪些国际组织的会员？", "周晋峰担任哪些职务", "斑海豹项目做了什么"):
        answer = searcher.ask(question).answer
        assert answer is not None and len(answer.text) <= 260


# --- the vocabulary's rules -----------------------------------------------------------------

def test_no_english_phrase_shrinks_to_one_everyday_word(segmenter):
    """A glossary phrase whose words are mostly stopwords ("set up", "sent to") must not match
    the one word left, if that word is an everyday one (it would match unrelated questions)."""
    vocabulary = read_vocabulary(REPO_CORPUS)
    expander = QueryExpander.for_vocabulary(vocabulary, segmenter)
    shrunk = []
    for rule in vocabulary.glossary:
        for phrase in rule.phrases:
            key = [g.key for g in segmenter.groups(phrase) if g.key]
            if len(phrase.split()) > 1 and len(key) == 1 and english_weight(key[0]) < 8.5 \
                    and (PHRASAL, *phrase.split()) not in expander.table:
                shrunk.append(f"{phrase} -> {key[0]}")
    assert shrunk == [], shrunk


def test_a_phrasal_verb_matches_only_with_its_small_word(searcher):
    assert "致力于" in searcher.analyse("What does the foundation work on?").terms
    assert "致力于" not in searcher.analyse("Where do they work?").terms


def test_hyphenated_and_joined_english_words_are_split(searcher):
    assert [w.word for w in searcher.analyse("dark-sky reserves").words][:2] == ["dark", "sky"]
    assert [w.word for w in searcher.analyse("seaprotection").words] == ["sea", "protection"]
    assert [w.word for w in searcher.analyse("fishermen").words] == ["fishermen"]  # a word


def test_a_word_is_supported_by_its_parts_only_when_they_make_all_of_it():
    """主管 and 单位 make 主管单位; 秘书 and 秘书长 do not make 副秘书长: a passage about the
    secretary-general does not answer who the deputy is."""
    from cepf_bot.search.support import is_supported

    deputy = QueryWord("副秘书长", ("秘书", "秘书长", "副秘书长"), frozenset(), Role.CONTENT, "han")
    body = QueryWord("主管单位", ("主管", "单位", "主管单位"), frozenset(), Role.CONTENT, "han")
    assert not is_supported(deputy, ["秘书长"], "中国绿发会秘书长周晋峰")
    assert is_supported(body, ["主管", "单位"], "中国科学技术协会主管,单位性质")
    stemmed = QueryWord("chairs", ("chairs", "chair"), frozenset(), Role.CONTENT, "word")
    assert is_supported(stemmed, ["chair"], "the chair")  # a stem is not a piece of the word


def test_a_yes_no_question_is_checked_by_the_word_that_tells_sentences_apart():
    """A passage about a report names it in sentence after sentence; what a yes/no question
    asks of it (sent to the NPC?) stands in one sentence, and that word is the focus the
    answer must hold (an invented passage)."""
    text = ("某某调研报告项目。调研组走访多地,形成某某调研报告。"
            "报告报送全国人大等六部门。")
    page = Passage("r#1", "r", "简报", "某某调研报告项目", text)
    terms = ("某某调研报告", "全国人大")
    hit = Hit(1, 1.0, page, terms)

    def words(sentence):
        return {t for t in terms if t in sentence}

    options = [(frozenset({"某某调研报告"}), 14.0), (frozenset({"全国人大"}), 12.0)]
    focus = most_specific(options, hit, words)
    assert focus == {"全国人大"}
    answer = pick_answer("某某调研报告有没有报送全国人大", hit, lambda t: 1.0, words, focus)
    assert answer is not None and answer.text == "报告报送全国人大等六部门。"
    assert most_specific([], hit, words) == frozenset()


def test_when_is_answered_by_a_day_or_a_month_before_a_year_alone():
    """A sentence that names only the year (in a title, say) loses to one that dates the event
    to its month; when the year is what is asked, either answers."""
    text = "2019年度工作会议举行。会议于11月底在北京召开。"
    page = Passage("m#1", "m", "简报", "简报", text)
    terms = ("会议",)
    hit = Hit(1, 1.0, page, terms)

    def words(sentence):
        return {t for t in terms if t in sentence}

    when = pick_answer("会议什么时候开的", hit, lambda t: 1.0, words)
    assert when is not None and when.text == "会议于11月底在北京召开。"
    year = pick_answer("会议是哪一年开的", hit, lambda t: 1.0, words)
    assert year is not None and year.text == "2019年度工作会议举行。"
