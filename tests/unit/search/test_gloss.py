"""The English gloss of an answer: renderers of dates, counts and names on the corpus's cases
and made-up ones, the glossary's coverage of the dictionary, and glosses end to end."""

from __future__ import annotations

import json

import pytest

from cepf_bot.analysis.english_forms import FACT, fact_english, person_name, place_name
from cepf_bot.analysis.vocabulary import read_vocabulary
from cepf_bot.search.gloss import fact_in_english
from tests.conftest import REPO_CORPUS, shared_file


def english(text: str) -> list[str | None]:
    return [fact_english(m) for m in FACT.finditer(text)]


@pytest.mark.parametrize(("chinese", "expected"), [
    ("2016年7月至10月", "July–October 2016"),         # the corpus's
    ("2019年10月至12月", "October–December 2019"),
    ("2018年初", "early 2018"),
    ("2019年11月底", "late November 2019"),
    ("2015年至2017年", "2015–2017"),
    ("截止至2020年8月25日", "25 August 2020"),
    ("1966年", "1966"),
    ("2021年3月至2022年1月", "March 2021 – January 2022"),  # made up
    ("2023年中", "mid-2023"),
    ("2023年5月上旬", "early May 2023"),
    ("2024年下半年", "the second half of 2024"),
])
def test_dates_and_ranges(chinese, expected):
    assert english(chinese) == [expected]


def test_a_year_before_a_word_starting_with_zhong_is_just_the_year():
    assert english("2015年中国“污染环境罪”") == ["2015"]  # not mid-2015


@pytest.mark.parametrize(("chinese", "expected"), [
    ("七十余人", "more than 70 people"),                 # the corpus's
    ("2900余人", "more than 2900 people"),
    ("近二十个保护地", "nearly 20"),
    ("两轮讨论", "2 rounds"),
    ("七项建议", "7"),
    ("为期3年", "3 years"),
    ("2240次", "2240 times"),
    ("第4次会议", "4th"),
    ("第三份", "3rd"),
    ("一人", "1 person"),                                  # made up
    ("约三百名志愿者", "about 300 people"),
    ("12000多人次", "more than 12,000 visits"),
    ("第二十一届", "21st"),
])
def test_counts_with_their_measure_words(chinese, expected):
    assert english(chinese)[0] == expected


def test_amounts_as_the_replies_give_them():
    assert english("27103400.95元") == [
        "27103400.95 yuan (27,103,400.95 yuan, about 27.1 million yuan)"]
    assert english("2300万元") == ["23,000,000 yuan, about 23.0 million yuan"]
    assert english("50000元") == ["50000 yuan (50,000 yuan)"]
    assert english("500元") == ["500 yuan"]


@pytest.mark.parametrize(("chinese", "expected"), [
    ("谢伯阳", "Xie Boyang"), ("周晋峰", "Zhou Jinfeng"), ("吕正操", "Lü Zhengcao"),
    ("胡德平", "Hu Deping"), ("王小明", "Wang Xiaoming"),
])
def test_people_in_pinyin_family_name_first(chinese, expected):
    assert person_name(chinese) == expected


@pytest.mark.parametrize(("chinese", "expected"), [
    ("浙江", "Zhejiang"), ("新疆", "Xinjiang"), ("贵州", "Guizhou"), ("黑龙江", "Heilongjiang"),
])
def test_places_in_pinyin(chinese, expected):
    assert place_name(chinese) == expected


RENDERED_CLASSES = ("foundation", "status", "government", "organisation", "project", "place")


def test_every_organisation_project_title_and_place_of_the_dictionary_has_english():
    vocabulary = read_vocabulary(REPO_CORPUS)
    renderings = vocabulary.renderings
    missing = [f"{word} [{kind}]" for word, kind in vocabulary.classes.items()
               if kind in RENDERED_CLASSES and word not in renderings
               and not (kind == "place" and place_name(word))]
    assert missing == []
    people = [w for w, kind in vocabulary.classes.items() if kind == "person"]
    assert all(person_name(w) for w in people)


def test_a_quoted_phrase_is_the_rendering_and_never_matched(searcher):
    rules = {r.target: r for r in read_vocabulary(REPO_CORPUS).glossary}
    iucn = rules["世界自然保护联盟"]
    assert iucn.rendering == "International Union for Conservation of Nature (IUCN)"
    assert all('"' not in p for p in iucn.phrases)
    assert searcher.ask("Tell me about Kejiwang").hits == []  # rendering-only: not a question word


@pytest.mark.parametrize(("sentence", "parts"), [
    ("2020年初,我会与全球狂犬病控制联盟(GARC)签署谅解备忘录。",
     ["Early 2020", "CBCGDF", "Global Alliance for Rabies Control (GARC) signed memorandum"]),
    ("调研组分别赴浙江、新疆、重庆等地进行调研", ["Zhejiang, Xinjiang, Chongqing"]),
    ("现任理事长谢伯阳。", ["Current Chairman Xie Boyang"]),
    ("累计培训学员七十余人", ["more than 70 people"]),
    ("世界自然保护联盟(IUCN)绿色犯罪学专家组成员", ["(IUCN) green criminology expert group"]),
    ("《经济、社会和文化权利国际公约》", ["International Covenant on Economic, Social and "
                                   "Cultural Rights"]),
])
def test_glosses_render_term_by_term_in_order(searcher, sentence, parts):
    gloss = searcher.gloss(sentence)
    for part in parts:
        assert part in gloss
    assert "(IUCN) (IUCN)" not in gloss and "(GARC) (GARC)" not in gloss


def test_a_word_without_a_rendering_is_left_out_not_guessed(searcher):
    gloss = searcher.glosser.gloss("我会剪辑短视频书籍")
    assert gloss.text == "CBCGDF book"  # 剪辑 (edit) and 短视频 (short videos): no rendering
    assert (gloss.rendered, gloss.content) == (2, 4)


def test_every_answered_english_dev_question_has_a_gloss_with_the_fact(searcher):
    path = shared_file("eval", "dev_v2.jsonl")
    questions = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    answered = stated = 0
    for q in questions:
        if q["lang"] != "en" or not q["must"]:
            continue
        results = searcher.ask(q["q"])
        if results.answer is None:
            continue
        answered += 1
        gloss = searcher.gloss(results.answer.text).lower()
        assert gloss, q["q"]
        stated += all(fact_in_english(searcher.glosser, m).lower() in gloss for m in q["must"])
    assert answered >= 12 and stated >= answered - 2


def test_an_english_reader_gets_the_gloss_and_english_titles_in_telegram(fake, bot):
    fake.message("When did they sign the rabies MoU?", chat_id=881, language_code="en")
    text = fake.wait_for("sendMessage", chat_id=881)[0].params["text"]
    assert "<i>In English, term by term: Early 2020, CBCGDF and Global Alliance for Rabies " \
           "Control (GARC) signed memorandum of understanding" in text
    assert "<b>全球狂犬病控制联盟(GARC)合作项目</b> · <i>Global Alliance for Rabies Control " \
           "(GARC) cooperation project</i>" in text
    fake.message("狂犬病备忘录是什么时候签的", chat_id=882, language_code="zh-hans")
    chinese = fake.wait_for("sendMessage", chat_id=882)[0].params["text"]
    assert "In English" not in chinese and "Global Alliance" not in chinese
