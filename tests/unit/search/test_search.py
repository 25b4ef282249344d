import pytest

from cepf_bot.analysis.expansion import SYNONYM_WEIGHT
from cepf_bot.search.searcher import MAX_QUERY_CHARS


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("收入总额", "27103400.95"),
        ("斑海豹科普活动有多少中小学生参加", "2600"),
        ("绿发会是CITES的观察员吗", "观察员"),
        ("綠發會的理事長是誰", "谢伯阳"),
        ("Who is the secretary general?", "周晋峰"),
    ],
)
def test_top_passage_answers_the_question(searcher, question, expected):
    hits = searcher.search(question)
    assert hits and expected in hits[0].passage.text
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert hits == sorted(hits, key=lambda h: -h.score)


@pytest.mark.parametrize(
    "question", ["明天会下雨吗", "怎样保护视力", "How do I reset my password?", "帮我写一首诗"]
)
def test_off_topic_question_gets_no_passages(searcher, question):
    assert searcher.search(question) == []


@pytest.mark.parametrize(
    "question",
    ["", "   \n\t ", "!!!？？。，", "🙂🐼🌍", "<b>&amp;</b>", "\u202e\u200b\x00\x1b[31m",
     "a" * 100_000],
)
def test_empty_or_junk_question_gets_no_passages(searcher, question):
    assert searcher.search(question) == []


@pytest.mark.parametrize(("question", "expected"), [
    ("斑海豹" * 40_000, "斑海豹"),
    ("收入总额 " * 20_000, "27103400.95"),
])
def test_huge_question_is_cut_and_still_answered(searcher, question, expected):
    hits = searcher.search(question)
    assert hits and expected in hits[0].passage.text
    assert len(searcher.analyse(question).text) <= MAX_QUERY_CHARS


def test_matched_terms_are_reported_for_highlighting(searcher):
    hit = searcher.search("斑海豹科普书籍")[0]
    assert "斑海豹" in hit.terms


def test_synonyms_expand_with_less_weight_than_own_words(searcher):
    query = searcher.analyse("秘书长挣了多少钱")
    assert query.terms["秘书长"] == 1.0
    assert query.terms["收入"] == pytest.approx(SYNONYM_WEIGHT)
    assert "挣" in query.own and "收入" not in query.own


def test_glossary_translates_english_at_full_weight(searcher):
    query = searcher.analyse("Club of Rome")
    assert query.terms["罗马俱乐部"] == 1.0
    assert "of" not in query.own


def test_an_inflected_english_word_meets_the_glossary_phrase_of_its_stem(searcher):
    """"chairs" is the glossary's "chair" (理事长): the question's word by its stem."""
    assert searcher.analyse("who chairs the foundation now").terms["理事长"] == 1.0
    hits = searcher.search("Who chairs CBCGDF's board at present?")
    assert hits and "谢伯阳" in hits[0].passage.text


def test_an_english_phrase_the_glossary_renders_as_one_word_weighs_as_one_concept(searcher):
    """"set up" is 创办, one term: its two English words weigh half each, so a page that says
    "set up" does not outweigh the passage that says 创办 by counting the concept twice."""
    terms = searcher.analyse("What year was the foundation set up?").terms
    assert terms["创办"] == 1.0
    assert terms["set"] == terms["up"] == 0.5
    terms = searcher.analyse("who is the secretary general").terms
    assert terms["secretari"] == terms["general"] == 0.5
    # the asked word of the phrase too ("chinese name" is 简称)
    terms = searcher.analyse("what is its chinese name").terms
    assert terms["chines"] == terms["name"] == 0.5
    # a word a rule renders alone keeps its full weight
    assert searcher.analyse("who founded it").terms["found"] == 1.0


def test_a_glossary_phrase_that_is_not_its_own_stem_is_not_met_by_stems():
    """A phrase's word is matched by a question's stem only when it is a stem itself: "gives"
    finds "give", never "giving" (donations) nor "publish" "publisher"."""
    from cepf_bot.analysis.expansion import QueryExpander

    expander = QueryExpander({("chair",): {"理事长": 1.0}, ("giving",): {"爱心": 1.0}})
    assert expander.expand(["chairs"], stems=["chair"]).terms == {"理事长": 1.0}
    assert expander.expand(["gives"], stems=["give"]).terms == {}
    assert expander.expand(["giving"], stems=["give"]).terms == {"爱心": 1.0}


def test_an_english_phrase_is_met_in_any_order_within_a_few_words():
    """"reserves ... for dark skies" is the glossary's "dark sky reserves", as CC-CEDICT's
    senses are met in any order; words further apart, a phrase half there, or a Chinese
    phrase's tokens out of order are not."""
    from cepf_bot.analysis.expansion import QueryExpander

    expander = QueryExpander({("dark", "sky", "reserves"): {"暗夜保护地": 1.0},
                              ("光", "污染"): {"光污染": 1.0}})
    tokens = ["reserves", "got", "international", "recognition", "dark", "skies"]
    stems = ["reserv", "got", "internat", "recognit", "dark", "sky"]
    found = expander.expand(tokens, stems=stems)
    assert found.terms == {"暗夜保护地": 1.0}
    assert set(found.targets) == {0, 4, 5}  # the positions it stands for, not those between
    far = ["reserves", "a", "b", "c", "d", "e", "dark", "skies"]
    assert expander.expand(far, stems=[*far[:-1], "sky"]).terms == {}
    assert expander.expand(["dark", "reserves"], stems=["dark", "reserv"]).terms == {}
    assert expander.expand(["污染", "光"]).terms == {}
    assert expander.expand(["光", "污染"]).terms == {"光污染": 1.0}  # in order, as before


def test_paging_continues_the_ranking(searcher):
    first = searcher.search("绿发会国际合作项目", k=2)
    second = searcher.search("绿发会国际合作项目", k=2, offset=2)
    assert [h.rank for h in second] == [3, 4]
    assert not {h.passage.id for h in first} & {h.passage.id for h in second}


def test_a_message_of_telegrams_4096_characters_is_read_as_its_first_200(searcher):
    """Every step after the cut is linear in the question: 1,000 characters of unknown Han
    cost 60-130 ms of CPU per question (issue 26; `benchmarks/question_cpu.py`)."""
    import random

    r = random.Random(5)
    common = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就"
    message = "".join(r.choice(common) for _ in range(4096))
    assert searcher.analyse(message).text == searcher.analyse(message[:200]).text


def test_no_question_of_the_evaluation_files_is_cut():
    import json

    from tests.conftest import shared_file

    for name in ("dev_questions", "dev_v2", "dev_followups", "pool_a", "pool_b", "dev_real"):
        for line in shared_file("eval", f"{name}.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                assert len(json.loads(line)["q"]) <= MAX_QUERY_CHARS, (name, line)


def test_a_compound_is_explained_by_its_head_not_its_modifier(searcher):
    """出版社 (a publisher) is not the 出版 (publishing) a rule reads as books: the corpus's
    rules explain an unknown compound only through the part that says what it is."""
    words = {w.word: w for w in searcher.analyse("碎冰上的斑海豹是哪个出版社出的").words}
    assert not words["出版社"].targets
