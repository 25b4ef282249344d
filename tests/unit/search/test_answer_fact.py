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


def fact(question, sentence, focus=(), terms=(), required=(), classes=CLASSES):
    return find_fact(question, sentence, focus=focus, terms=terms, required=required,
                     classes=classes)


@pytest.mark.parametrize("question, kinds", [
    ("绿会哪一年成立的", (FactKind.DATE,)),
    ("周晋峰去中卫讲座是哪天", (FactKind.DATE,)),
    ("会议是几号开的", (FactKind.DATE,)),
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


# --- the asked kind in other words, and spans cut by the kind ---------------------------------

ROLES = ("中国绿发会秘书长周晋峰博士还担任罗马俱乐部执委,世界绿色设计组织副主席,世界自然保护联盟"
         "世界环境法委员会委员。")
CONVENTIONS = "、".join(f"联合国《第{n}号很长的国际公约》(C{n})" for n in range(1, 9)) + "观察员;"


@pytest.mark.parametrize("question, kinds", [
    ("周晋峰在罗马俱乐部担任什么职务", (FactKind.ROLE,)),
    ("绿会跟unep啥关系", (FactKind.ROLE,)),
    ("what's their role with gbif?", (FactKind.ROLE,)),
    ("与美国环保协会的调研是在哪段期间进行的", (FactKind.DATE,)),
    ("那是哪几年？", (FactKind.DATE,)),
    ("how long was the undp research agreement?", (FactKind.COUNT, FactKind.DATE)),
    ("合作协议为期多久", (FactKind.COUNT, FactKind.DATE)),
    ("exact total expenditure in yuan, please.", (FactKind.AMOUNT,)),
    ("what did cbcgdf's outgoings come to?", (FactKind.AMOUNT,)),
    ("跟edf做的调研最后出了个什么报告", (FactKind.NAME,)),
    ("绿会的业务主管单位是哪个机关", (FactKind.ORGANISATION,)),
    ("which iucn body approved the dark-sky reserves?", (FactKind.ORGANISATION,)),
])
def test_the_kind_asked_in_other_words(question, kinds):
    assert wanted_kinds(question) == kinds


def test_a_role_is_the_clause_naming_the_body_it_is_in():
    assert fact("周晋峰在罗马俱乐部担任什么职务", ROLES, terms=["周晋峰", "罗马俱乐部", "担任"]
                ).text == "中国绿发会秘书长周晋峰博士还担任罗马俱乐部执委"
    found = fact("周晋峰在世界自然保护联盟担任什么职务", ROLES,
                 terms=["周晋峰", "世界自然保护联盟", "担任"])
    assert found.kind == FactKind.ROLE and found.text == "世界自然保护联盟世界环境法委员会委员"


def test_who_is_a_named_person_gets_their_role_not_nothing():
    found = fact("胡德平是谁", FOUNDED, terms=["胡德平"])
    assert found.kind == FactKind.ROLE and "全国工商联原党组书记胡德平" in found.text


def test_a_body_keeps_its_acronym_and_the_unit_of_it_named_after():
    sentence = ("2018年初,两个暗夜保护地通过世界自然保护联盟(IUCN)暗夜顾问委员会审核,被正式列入"
                "“世界暗夜保护地名录”。")
    found = fact("暗夜保护地是哪个机构审核的", sentence, focus=["审核"],
                 classes={**CLASSES, "世界自然保护联盟": "organisation"})
    assert found.text == "世界自然保护联盟(IUCN)暗夜顾问委员会"


def test_a_list_keeps_the_count_that_closes_it():
    sentence = "报告报送全国人大、全国政协、最高人民法院、最高人民检察院、公安部、环保部六部门。"
    assert fact("报告报送了哪些部门", sentence, focus=["报送"]).text == \
        "全国人大、全国政协、最高人民法院、最高人民检察院、公安部、环保部六部门"


def test_clauses_closed_by_their_count_are_a_list():
    sentence = ("编撰科普书籍《碎冰上的斑海豹》,斑海豹公益短视频剪辑、播放,斑海豹宣传物品制作、"
                "推广,斑海豹新媒体运营矩阵等4项重点工作,引导公众参与。")
    found = fact("做了哪些重点工作", sentence, focus=["重点工作"])
    assert found.text.startswith("编撰科普书籍") and found.text.endswith("等4项重点工作")


def test_a_long_list_answers_with_the_whole_items_that_fit():
    found = fact("是哪些公约的观察员", CONVENTIONS, focus=["观察员"])
    assert found.kind == FactKind.LIST and len(found.text) <= MAX_FACT_CHARS
    assert found.text.startswith("联合国《第1号") and found.text.endswith(")")
    assert found.text in CONVENTIONS


def test_a_name_after_an_asked_label_and_the_object_of_an_asked_verb():
    assert fact("这页是谁整理的", "整理/Cyan、Linda 审/绿会国际部 编/Angel",
                focus=["整理"]).text == "Cyan、Linda"
    sentence = ("与自然资源保护协会合作组织研修班,主要针对各层级环境法庭的法官、检察官以及环境律师,"
                "邀请专家授课")
    assert fact("研修班主要针对谁", sentence, focus=["针对"]).text == \
        "各层级环境法庭的法官、检察官以及环境律师"


def test_the_tail_of_a_noun_before_who_is_not_a_verb_asked():
    """秘书长谁 asks who the 秘书长 is, not what follows 书长: the name, not the clause."""
    sentence = "绿会副理事长兼秘书长周晋峰博士对会议进行指导。"
    classes = {**CLASSES, "周晋峰": "person"}
    assert fact("秘书长谁", sentence, focus=["秘书长"], terms=["秘书长"],
                classes=classes).text == "周晋峰"


def test_a_date_inside_a_title_is_not_the_date_asked():
    sentence = "调研结果形成《2015年中国“污染环境罪”案件调研报告》,并征求了意见。"
    assert fact("调研是什么时候做的", sentence, focus=["调研"]) is None


def test_a_yes_names_the_body_holding_most_asked_words_with_its_acronym():
    sentence = ("与联合国环境规划署(UNEP)、联合国开发计划署(UNDP)、联合国粮食及农业组织(FAO)、"
                "国际暗夜协会(IDA)、非洲野生动物基金会(AWF)等联合国机构、国际公约和国际组织建立广泛联系")
    said = fact("绿会和联合国环境规划署有没有联系", sentence, focus=["规划署"],
                required=[frozenset({"联合国"}), frozenset({"环境", "规划署"}),
                          frozenset({"联系"})])
    assert said.kind == FactKind.YES and said.text == "联合国环境规划署(UNEP)"


def test_a_yes_no_question_about_a_figure_gets_the_exact_figure():
    assert fact("收入总额是不是两千多万", FINANCES, focus=["收入"],
                required=[frozenset({"收入"})]).text == "27103400.95元"
    assert fact("爱心人次有两千多吗", FINANCES, focus=["爱心"],
                required=[frozenset({"爱心"})]).text == "2240次"


def test_a_unit_of_a_body_the_question_names_answers_which_body():
    sentence = "两个暗夜保护地通过世界自然保护联盟(IUCN)暗夜顾问委员会审核"
    found = fact("which iucn body approved the dark-sky reserves?", sentence,
                 focus=["审核"], terms=["世界自然保护联盟", "审核"],
                 classes={**CLASSES, "世界自然保护联盟": "organisation"})
    assert found.text == "世界自然保护联盟(IUCN)暗夜顾问委员会"


def test_a_full_name_is_the_name_its_abbreviation_stands_for():
    sentence = "中国生物多样性保护与绿色发展基金会(简称“中国绿发会”、“绿会”),是经国务院批准成立"
    for question in ("绿会全称是什么", "what is 绿会's full chinese name?"):
        assert wanted_kinds(question) == (FactKind.NAME,)
        assert fact(question, sentence, focus=["全称"]).text == "中国生物多样性保护与绿色发展基金会"


def test_how_many_a_page_lists_is_a_count_and_a_list_does_not_start_inside_a_title():
    assert wanted_kinds("how many visits does the page list") == (FactKind.AMOUNT,
                                                                   FactKind.COUNT)
    found = fact("都有哪些公约", CONVENTIONS, focus=["公约"])
    assert found.text.startswith("联合国《第1号"), found.text


def test_the_asked_measure_is_not_where_the_count_is():
    sentence = "2900余人参加培训,其中幼儿40余人、中小学生2600余人、大学生及志愿者260余人"
    terms = ["中小学生", "学生", "人"]
    assert fact("中小学生有多少人", sentence, focus=terms, terms=terms).text == "2600余人"


@pytest.mark.parametrize("question", ["狂犬病那个培训课程收费吗",
                                      "全球狂犬病控制联盟那个中文课程收费吗？"])
def test_a_yes_no_question_is_answered_by_the_words_denial_but_never_with_yes(question, capsys):
    """The course is 免费 (free): that sentence answers "is it charged?" (收费), and it is no
    yes to it."""
    assert main(["ask", "--json", question]) == 0
    answer = json.loads(capsys.readouterr().out)["answer"]
    assert "免费" in answer["text"] and answer["fact_kind"] != FactKind.YES.value
