"""The fact itself: the span of the answer sentence that the question asks for, by the kind
of thing asked and patterns of that kind; none when the sentence has no span of the kind."""

import json

import pytest

from cepf_bot.cli import main
from cepf_bot.search.answer_fact import MAX_FACT_CHARS, find_fact, wanted_kinds
from cepf_bot.types import FactKind

CLASSES = {"吕正操": "person", "钱昌照": "person", "包尔汉": "person", "胡德平": "person",
           "国务院": "government", "民政部": "government", "中国科学技术协会": "government",
           "济州岛": "place", "国际湿地公约": "organisation"}
FOUNDED = ("1985年,由时任全国政协副主席吕正操、钱昌照、包尔汉等同志创办,第四届理事长为中共中央"
           "统战部原副部长、全国工商联原党组书记胡德平。")
REGISTERED = "是经国务院批准成立,中国科学技术协会主管,民政部登记注册的全国性公益公募基金会"
FINANCES = "• 收入总额:27103400.95元\n• 支出总额:23122739.73元\n• 爱心人次:2240次"


def fact(question, sentence, focus=(), terms=(), required=()):
    return find_fact(question, sentence, focus=focus, terms=terms, required=required,
                     classes=CLASSES)


@pytest.mark.parametrize("question, kinds", [
    ("绿会哪一年成立的", (FactKind.DATE,)),
    ("收入总额是多少", (FactKind.AMOUNT,)),
    ("一共有多少", (FactKind.AMOUNT, FactKind.COUNT)),
    ("培训了多少人", (FactKind.COUNT,)),
    ("what is the total income", (FactKind.AMOUNT,)),
    ("秘书长是谁", (FactKind.PERSON, FactKind.ORGANISATION)),
    ("在哪里登记的", (FactKind.PLACE, FactKind.ORGANISATION)),
    ("是哪个单位主管的", (FactKind.ORGANISATION,)),
    ("调研去了哪些地方", (FactKind.LIST,)),
    ("那本书叫什么名字", (FactKind.NAME,)),
    ("绿会是湿地公约的观察员吗", (FactKind.YES,)),
    ("绿会长期致力于什么事业", ()),
])
def test_the_kind_asked_for_comes_from_the_question_wording(question, kinds):
    assert wanted_kinds(question) == kinds


def test_a_date_question_gets_the_date_not_the_sentence():
    assert fact("绿会哪一年成立的", FOUNDED, focus=["成立"]).text == "1985年"


def test_the_body_nearest_the_asked_relation_in_its_clause_answers():
    assert fact("是经过谁批准成立的", REGISTERED, focus=["批准"]).text == "国务院"
    assert fact("是哪个单位主管的", REGISTERED, focus=["主管"]).text == "中国科学技术协会"
    assert fact("在哪里登记注册的", REGISTERED, focus=["登记", "注册"]).text == "民政部"


def test_people_listed_together_are_one_answer_and_the_clause_decides_which():
    assert fact("是谁创办的", FOUNDED, focus=["创办"]).text == "吕正操、钱昌照、包尔汉"
    # 第四届理事长 is in the clause with 胡德平, not the founders' clause before it
    assert fact("第四届理事长是哪位", FOUNDED, focus=["理事长"]).text == "胡德平"


def test_an_amount_is_the_one_beside_the_asked_label():
    assert fact("支出总额是多少", FINANCES, focus=["支出"]).text == "23122739.73元"
    assert fact("收入总额是多少", FINANCES, focus=["收入"]).text == "27103400.95元"
    assert fact("爱心人次有多少", FINANCES, focus=["爱心"]).text == "2240次"


def test_a_count_of_the_asked_measure_wins():
    sentence = "在全国6个城市县举办15场斑海豹宣传科普教育活动,2900余人参加培训"
    assert fact("举办了多少场活动", sentence, focus=["活动"]).text == "15场"
    assert fact("有多少人参加", sentence, focus=["参加"]).text == "2900余人"


def test_a_list_is_its_items_without_the_verb_before_or_the_tail_after():
    sentence = "调研组分别赴浙江、新疆、山东、福建、重庆、贵州等地进行调研"
    places = fact("调研去了哪些地方", sentence, focus=["地方"])
    assert places.text == "浙江、新疆、山东、福建、重庆、贵州"


def test_a_name_in_quotes_answers_what_is_it_called():
    sentence = "编撰科普书籍《碎冰上的斑海豹》,斑海豹公益短视频剪辑、播放"
    assert fact("那本书叫什么名字", sentence, focus=["书"]).text == "《碎冰上的斑海豹》"


def test_yes_only_when_the_sentence_states_every_asked_word():
    sentence = "国际湿地公约(Ramsar Convention)观察员"
    said = fact("绿会是国际湿地公约的观察员吗", sentence, focus=["国际湿地公约"],
                required=[frozenset({"国际湿地公约"}), frozenset({"观察员"})])
    assert said.kind == FactKind.YES and "国际湿地公约" in said.text
    # a word the sentence does not have: no yes (收费 is not stated)
    assert fact("课程收费吗", "完成课程编译和推广工作", focus=["课程"],
                required=[frozenset({"课程"}), frozenset({"收费"})]) is None


def test_a_former_holder_is_not_a_yes():
    assert fact("理事长还是胡德平吗", FOUNDED, focus=["胡德平"],
                required=[frozenset({"理事长"}), frozenset({"胡德平"})]) is None


def test_no_span_of_the_asked_kind_is_no_fact():
    assert fact("绿会哪一年成立的", "长期致力于生物多样性保护与绿色发展事业。") is None
    assert fact("秘书长是谁", "积极推荐人才国际组织任职。") is None


def test_a_fact_is_never_longer_than_its_limit():
    long_list = "、".join(f"第{i}个很长很长的组织名称" for i in range(20))
    found = fact("有哪些组织", f"包括{long_list}等")
    assert found is None or len(found.text) <= MAX_FACT_CHARS


def test_ask_json_gives_the_fact(capsys, corpus_dir):
    assert main(["ask", "--corpus", str(corpus_dir), "--json", "绿会哪一年成立的"]) == 0
    answer = json.loads(capsys.readouterr().out)["answer"]
    assert answer["fact"] == "1985年" and answer["fact_kind"] == "date"
    assert answer["fact"] in answer["text"]  # verbatim
    assert main(["ask", "--corpus", str(corpus_dir), "--json", "绿会长期致力于什么事业"]) == 0
    assert json.loads(capsys.readouterr().out)["answer"]["fact"] is None
