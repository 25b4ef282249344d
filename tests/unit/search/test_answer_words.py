"""The answer sentence segments only the sentences that may hold one of the matched terms
(`Segmenter.may_have_words`): a sentence it skips must have none of them among its plain
words, or the answer, and the verdict that reads it, would change."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cepf_bot.analysis.segment import Segmenter
from cepf_bot.search.answer_sentence import MAX_SCAN_CHARS, MAX_SPANS, candidate_spans
from cepf_bot.search.searcher import Searcher


@pytest.fixture(scope="module")
def learnt(index, jieba_cache) -> Searcher:
    """A searcher whose segmenter reads with the index's learnt words, as the engine's does."""
    segmenter = Segmenter.from_settings(index.meta.tokenizer, cache_dir=jieba_cache)
    segmenter.learn(index.meta.learnt_words)
    return Searcher(index, segmenter)


def test_no_plain_word_of_a_corpus_sentence_is_skipped(learnt):
    assert learnt.segmenter.learnt_words and learnt.segmenter.canonical_names
    checked = 0
    for passage in learnt.index.passages:
        text = passage.text[:MAX_SCAN_CHARS]
        for start, end in candidate_spans(text)[:MAX_SPANS]:
            sentence = text[start:end]
            for word in learnt._plain_words(sentence):
                assert learnt.segmenter.may_have_words(sentence, {word}), (sentence, word)
                checked += 1
    assert checked > 500


# pieces that segmentation changes: the foundation's names, Chinese numerals before a measure
# word, 万, full-width and grouped digits, British spellings and stems, compatibility ideographs
_PIECES = ["绿会", "我会", "中国绿发会", "绿发会", "三千", "七十余人", "两千三", "第三", "十",
           "2300万", "１,０００元", "２０１９年", "ＩＵＣＮ", "Organisations", "planting",
           "centre", "斑海豹", "保护", "生物多样性", "北川理工学院", "北理", "暗夜保护地",
           "湿地", "志愿者", "\uf900", "神", "。", "，", "、", "\n", " ", "(", "《", "》"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12))
def test_no_plain_word_of_a_made_up_sentence_is_skipped(learnt, pieces):
    sentence = "".join(pieces)
    for word in learnt._plain_words(sentence):
        assert learnt.segmenter.may_have_words(sentence, {word}), (sentence, word)


def test_a_sentence_without_the_terms_is_not_segmented(learnt):
    segmenter = learnt.segmenter
    assert not segmenter.may_have_words("我们保护湿地。", {"斑海豹", "暗夜"})
    assert segmenter.may_have_words("我们保护斑海豹。", {"斑海豹"})
    # a term the text cannot spell but segmentation can give: always segmented
    assert segmenter.may_have_words("绿会保护湿地。", set(segmenter.canonical_names))
    assert segmenter.may_have_words("organisations", {"organ"})
    assert segmenter.may_have_words("三千人", {"3000"})
