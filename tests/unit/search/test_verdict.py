"""The three verdicts — answer, closest, none — from one fitted model, and what each shows."""

from __future__ import annotations

import json

import pytest

from cepf_bot.evaluation import Question, Targets, evaluate, shortfalls
from cepf_bot.reply.compose import compose_inline, compose_reply
from cepf_bot.search.searcher import Searcher
from cepf_bot.search.verdict import CLASSES, FEATURES, MODEL_PATH, VerdictModel
from cepf_bot.types import Answer, Lang, Locale, Results, Verdict

CLOSEST_ZH = "资料里没有找到确切的答案，最接近的是："
CLOSEST_EN = "I could not find an exact answer; the closest passages are:"


def model_that_says(verdict: Verdict) -> VerdictModel:
    """A model whose every question gets `verdict` (only its intercepts speak)."""
    zeros = (0.0,) * len(FEATURES)
    return VerdictModel((zeros, zeros, zeros),
                        tuple(5.0 if c == verdict else 0.0 for c in CLASSES), 0.5)


@pytest.fixture(scope="module")
def closest_searcher(searcher: Searcher) -> Searcher:
    """The corpus's searcher with a model that is never sure: every ranked question is
    `closest`."""
    return Searcher(searcher.index, searcher.segmenter, searcher.relevance,
                    model_that_says(Verdict.CLOSEST))


# --- the model -------------------------------------------------------------------------------

def test_the_shipped_model_is_json_over_the_features_in_order():
    data = json.loads(MODEL_PATH.read_text("utf-8"))
    assert data["features"] == list(FEATURES)
    assert all(len(data["weights"][c]) == len(FEATURES) for c in CLASSES)
    assert 0.0 < data["answer_at"] < 1.0
    model = VerdictModel.load()
    assert VerdictModel.from_dict(model.as_dict()) == model


def test_a_model_fitted_on_other_features_is_refused():
    data = VerdictModel.load().as_dict()
    data["features"] = [*FEATURES[1:], FEATURES[0]]
    with pytest.raises(ValueError, match="other features"):
        VerdictModel.from_dict(data)


def test_probabilities_sum_to_one_and_answer_needs_its_threshold():
    model = model_that_says(Verdict.ANSWER)
    values = dict.fromkeys(FEATURES, 0.5)
    p = model.probabilities(values)
    assert sum(p.values()) == pytest.approx(1.0) and p[Verdict.ANSWER] > 0.9
    assert model.decide(values).verdict == Verdict.ANSWER
    unsure = VerdictModel(model.weights, model.intercepts, answer_at=0.999)
    assert unsure.decide(values).verdict != Verdict.ANSWER


# --- what the shipped model decides, on general questions ------------------------------------

@pytest.mark.parametrize("question", ["绿发会的收入总额是多少？", "绿会的秘书长是谁",
                                      "What was the total expenditure?"])
def test_a_question_the_text_answers_gets_the_answer(searcher, question):
    results = searcher.ask(question)
    assert results.verdict == Verdict.ANSWER
    assert results.answer is not None and results.hits


@pytest.mark.parametrize("question", ["明天北京天气怎么样", "用Python写一个冒泡排序",
                                      "How do I reset my password?", "!!!", "hi there"])
def test_far_questions_and_small_talk_get_none_with_no_passages(searcher, question):
    results = searcher.ask(question)
    assert results == Results(None, [], verdict=Verdict.NONE)


def test_a_year_the_text_does_not_give_is_never_answered(searcher):
    results = searcher.ask("绿会2019年的收入是多少")
    assert results.verdict == Verdict.CLOSEST
    assert results.hits and results.answer is not None  # the closest sentence


def test_the_judgement_shows_the_features_and_the_probabilities(searcher):
    judgement = searcher.judge("绿会2019年的收入是多少")
    assert judgement.evidence is not None
    assert judgement.evidence.features["year_missing"] == 1.0
    assert set(judgement.evidence.features) == set(FEATURES)
    assert sum(judgement.evidence.probabilities.values()) == pytest.approx(1.0)


# --- what `closest` shows --------------------------------------------------------------------

def test_closest_reply_says_so_in_one_plain_line_and_never_gives_an_answer_line(
        closest_searcher):
    reply = compose_reply(closest_searcher, "绿发会的收入总额是多少？", Locale(Lang.ZH))
    assert reply.verdict == Verdict.CLOSEST and reply.hits
    first, rest = reply.messages[0].split("\n\n", 1)
    assert first == CLOSEST_ZH
    assert "答：" not in reply.messages[0] and rest.startswith("1. <b>收支信息</b>")
    assert "<u>" in rest  # the best sentence marked


def test_closest_reply_in_english(closest_searcher):
    reply = compose_reply(closest_searcher, "What was the total income?", Locale(Lang.EN))
    assert reply.messages[0].startswith(CLOSEST_EN + "\n\n")
    assert "Answer: " not in reply.messages[0]


def test_closest_inline_result_starts_with_the_line(closest_searcher):
    first = compose_inline(closest_searcher, "绿发会的收入总额是多少？", Locale(Lang.ZH))[0]
    assert first.html.startswith(CLOSEST_ZH + "\n\n") and "答：" not in first.html


def test_closest_keeps_the_closest_sentence_as_its_answer(closest_searcher):
    results = closest_searcher.ask("绿发会的收入总额是多少？")
    assert results.verdict == Verdict.CLOSEST
    assert results.answer is not None and "27103400.95" in results.answer.text


# --- eval speaks the verdicts ----------------------------------------------------------------

def test_eval_counts_found_confident_near_and_far_by_verdict(searcher):
    questions = [Question("q1", ("x",), "zh", "finance"),
                 Question("q2", (), "zh", "negative", neg="near"),
                 Question("q3", (), "en", "chat")]
    hit = searcher.ask("收入总额").hits[0]
    text = hit.passage.text
    must = text[:4]
    questions[0] = Question("q1", (must,), "zh", "finance")
    answers = {"q1": Results(Answer(text, hit.passage.id), [hit], verdict=Verdict.CLOSEST),
               "q2": Results(Answer(text, hit.passage.id), [hit], verdict=Verdict.ANSWER),
               "q3": Results(Answer(text, hit.passage.id), [hit], verdict=Verdict.CLOSEST)}
    report = evaluate(questions, lambda q, after: answers[q])
    overall = report.overall
    assert (overall.hit1, overall.answers, overall.confident) == (1, 1, 0)
    assert (overall.near, overall.near_unanswered, overall.far, overall.far_none) == (1, 0, 1, 0)
    missed = shortfalls(report, Targets(min_confident=0.5, min_near=0.9, min_far=0.9,
                                        min_hit1=1.0))
    assert len(missed) == 3 and all("below" in line for line in missed)
