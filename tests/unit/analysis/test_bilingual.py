"""CC-CEDICT compiled for one corpus: what an English or Chinese question word meets."""

from pathlib import Path

import numpy as np
import pytest

from cepf_bot.analysis.bilingual import Bridge, compile_bridge, pinyin_keys
from cepf_bot.analysis.cedict import cedict_path, completed_words, sense_words
from cepf_bot.index import bm25, synonym_sets
from cepf_bot.types import BM25Params

CEDICT = """\
# CC-CEDICT sample
濕地 湿地 [shi1 di4] /wetland/
穿山甲 穿山甲 [chuan1 shan1 jia3] /pangolin (Manis pentadactylata)/scaly ant-eater/
基金會 基金会 [ji1 jin1 hui4] /foundation (institution supported by an endowment)/
根據 根据 [gen1 ju4] /according to/based on/basis/foundation/CL:個|个[ge4]/
植樹 植树 [zhi2 shu4] /to plant trees/
湖 湖 [hu2] /lake/
編 编 [bian1] /to edit/to compile/to weave/
編輯 编辑 [bian1 ji2] /to edit/to compile/editor/
聯繫 联系 [lian2 xi4] /connection/contact/relation/to link/
名錄 名录 [ming2 lu4] /directory/list of names/list/
鏈表 链表 [lian4 biao3] /linked list/
國際 国际 [guo2 ji4] /international/
合作 合作 [he2 zuo4] /to cooperate/to collaborate/cooperation/
國際合作 国际合作 [guo2 ji4 he2 zuo4] /international cooperation/
免費 免费 [mian3 fei4] /free (of charge)/
自由 自由 [zi4 you2] /freedom/free/liberty/
負責 负责 [fu4 ze2] /to be in charge of/to bear responsibility for/
"""


@pytest.fixture
def cedict(tmp_path: Path) -> Path:
    path = tmp_path / "cedict.txt"
    path.write_text(CEDICT, encoding="utf-8")
    return path


def test_a_sense_keeps_its_content_words_stemmed_and_drops_explanations():
    assert sense_words("pangolin (Manis pentadactylata)") == ("pangolin",)
    assert sense_words("to plant trees") == ("plant", "tree")
    assert sense_words("CL:個|个[ge4]") == ()


def test_a_bracketed_complement_completes_a_sense():
    assert completed_words("free (of charge)") == ("free", "charg")
    assert completed_words("to default (on a loan)") == ("default", "loan")
    assert completed_words("pangolin (Manis pentadactylata)") == ()  # no complement
    assert completed_words("(literary) to go") == ()  # a label, not a complement


def test_a_completed_sense_is_a_phrase_met_across_its_small_words(cedict: Path):
    """免费 is "free (of charge)": the question's "free of charge" is 免费 alone, at full
    weight, where "free" alone is 免费 or 自由 and "charge" alone is 负责."""
    bridge = compile_bridge({"免费", "自由", "负责"}, path=cedict)
    assert bridge.english_phrases(["free", "", "charg"]) == [(0, 3, {"免费": 1.0})]
    assert set(bridge.english[("free",)]) == {"免费", "自由"}
    assert bridge.english[("charg",)] == {"负责": 1.0}  # the complement alone is no sense
    # at most two small words are passed over, and a word that is not small stops the phrase
    assert [(a, b) for a, b, _ in bridge.english_phrases(["free", "", "", "", "charg"])] \
        == [(0, 1), (4, 5)]
    assert [(a, b) for a, b, _ in bridge.english_phrases(["free", "\0", "charg"])] \
        == [(0, 1), (2, 3)]


def test_english_words_meet_only_the_chinese_terms_the_corpus_has(cedict: Path):
    bridge = compile_bridge({"湿地", "基金会", "volunt"}, path=cedict)
    assert bridge.english[("wetland",)] == {"湿地": 1.0}
    assert bridge.english[("foundat",)] == {"基金会": 1.0}  # 根据 is not in the corpus
    assert ("lake",) not in bridge.english  # 湖 is not in the corpus either


def test_a_single_character_translates_only_a_word_no_longer_headword_does(cedict: Path):
    """A character alone is ambiguous (会, 年): it renders an English word only when no
    headword of two or more characters the corpus has does (审/编/Angel: "edited")."""
    alone = compile_bridge({"编", "湖", "lake"}, path=cedict)
    assert alone.english[("edit",)] == {"编": 1.0}
    assert alone.english[("lake",)] == {"湖": 1.0}
    assert "编" not in alone.chinese and "湖" not in alone.chinese  # never from Chinese
    beside = compile_bridge({"编", "编辑"}, path=cedict)
    assert beside.english[("edit",)] == {"编辑": 1.0}
    assert beside.english[("weav",)] == {"编": 1.0}


def test_a_phrase_meets_a_sense_in_any_word_order(cedict: Path):
    bridge = compile_bridge({"植树"}, path=cedict)
    assert bridge.english_phrases(["tree", "plant"]) == [(0, 2, {"植树": 1.0})]


def test_chinese_words_meet_the_english_stems_the_corpus_has(cedict: Path):
    bridge = compile_bridge({"pangolin", "wetland"}, path=cedict)
    assert bridge.chinese["穿山甲"] == {"pangolin": 1.0}
    assert bridge.chinese["湿地"] == {"wetland": 1.0}
    assert "基金会" not in bridge.chinese


def test_the_corpus_names_are_found_by_their_pinyin(cedict: Path):
    bridge = compile_bridge({"周晋峰", "南汇"}, path=cedict)
    assert bridge.english_phrases(["zhou", "jinfeng"]) == [(0, 2, {"周晋峰": 1.0})]
    assert bridge.english_phrases(["nanhui"]) == [(0, 1, {"南汇": 1.0})]


def test_a_name_run_together_that_is_an_english_word_is_not_a_key():
    assert ("bite",) not in pinyin_keys("比特")


def test_the_bridge_survives_json(cedict: Path):
    bridge = compile_bridge({"湿地", "pangolin", "联系", "名录"}, path=cedict)
    assert bridge.foreign
    assert Bridge.from_json(bridge.to_json()) == bridge


def test_a_phrase_that_names_a_thing_of_its_own_is_not_translated_word_by_word(cedict: Path):
    """linked list is 链表, which the corpus lacks: its words do not stand for 联系 and 名录.
    international cooperation is 国际合作, made of the corpus's 国际 and 合作: its words
    translate as before."""
    bridge = compile_bridge({"联系", "名录", "国际", "合作"}, path=cedict)
    assert bridge.english_phrases(["link", "list"]) == []
    assert [terms for _, _, terms in bridge.english_phrases(["link"])] == [{"联系": 1.0}]
    cooperation = bridge.english_phrases(["internat", "cooper"])
    assert [(a, b) for a, b, _ in cooperation] == [(0, 1), (1, 2)]


def test_a_phrase_of_its_own_is_met_only_in_its_own_word_order(cedict: Path):
    """'list linked' (a list, linked) is not the fixed expression 'linked list': its words
    translate one by one."""
    bridge = compile_bridge({"联系", "名录"}, path=cedict)
    assert bridge.english_phrases(["link", "list"]) == []
    assert [(a, b) for a, b, _ in bridge.english_phrases(["list", "link"])] == [(0, 1), (1, 2)]
    assert bridge.fixed_expressions(["revers", "link", "list"]) == [(1, 3)]
    assert bridge.fixed_expressions(["list", "link"]) == []


def test_the_shipped_dictionary_is_found():
    path = cedict_path()
    assert path is not None and path.stat().st_size > 5_000_000


def _set_scores(docs, members):  # type: ignore[no-untyped-def]
    postings = bm25.build_postings(docs, BM25Params())
    terms = list(postings.terms)  # in id order
    tf = np.asarray([docs[int(d)].count(terms[t]) for t in range(len(terms))
                     for d in postings.docs[postings.offsets[t]:postings.offsets[t + 1]]],
                    dtype=np.int32)
    lengths = np.array([len(d) for d in docs], dtype=np.int32)
    scores = np.zeros(len(docs))
    for where, contribution in synonym_sets.set_contributions(
            postings, tf, lengths, BM25Params(), [members]):
        scores[where] += contribution
    return scores


def test_a_synonym_set_scores_as_one_term_with_shared_tf_and_union_df():
    """A word's translations share its weight (their weights are translation probabilities,
    summing to one): a passage with both of two equal translations has the word once."""
    docs = [["湿地", "泽地", "x"], ["湿地", "泽地", "y"], ["z", "w", "a"], ["q", "r", "b"],
            ["u", "v", "c"], ["o", "p", "d"]]
    scores = _set_scores(docs, (("湿地", 1.0), ("泽地", 1.0)))
    merged = [["s", "x", "e"], ["s", "y", "f"], *docs[2:]]  # one term "s" where both are
    expected = bm25.score(bm25.build_postings(merged, BM25Params()), {"s": 1.0})
    assert scores == pytest.approx(expected)


def test_only_the_shares_of_a_sets_weights_count():
    docs = [["湿地", "x"], ["泽地", "y"], ["湿地", "泽地"], ["q", "r"], ["u", "v"], ["o", "p"]]
    likely = _set_scores(docs, (("湿地", 1.0), ("泽地", 0.25)))
    assert likely == pytest.approx(_set_scores(docs, (("湿地", 4.0), ("泽地", 1.0))))
    assert likely[2] > likely[0] > likely[1] > 0  # the likelier translation counts more


def test_a_proper_name_sense_gives_its_pinyin_name(tmp_path: Path):
    path = tmp_path / "cedict.txt"
    path.write_text("中衛 中卫 [Zhong1 wei4] /Zhongwei prefecture level city in Ningxia/\n",
                    encoding="utf-8")
    bridge = compile_bridge({"中卫", "zhongwei"}, path=path)
    assert bridge.chinese["中卫"] == {"zhongwei": 1.0}


def test_the_corpus_names_meet_their_pinyin_spelling_in_english_pages(cedict: Path):
    bridge = compile_bridge({"周晋峰", "zhou", "jinfeng", "湖", "lake"}, path=cedict)
    assert bridge.chinese["周晋峰"] == {"zhou": 1.0, "jinfeng": 1.0}
    assert "湖" not in bridge.chinese or "hu" not in bridge.chinese["湖"]


def test_pinyin_read_a_character_at_a_time_is_pypinyins_reading_of_the_word():
    import random

    from cepf_bot.analysis.english_forms import load_pinyin, pinyin

    rng = random.Random(26)
    characters = [chr(c) for c in range(0x4E00, 0x9FA6, 7)] + list("重长行乐绿ü〇a3 ·（")
    for _ in range(2_000):
        word = "".join(rng.choice(characters) for _ in range(rng.randint(1, 5)))
        whole = [s for s in load_pinyin()(word, v_to_u=True, errors="ignore") if s]
        assert pinyin(word) == whole, word


def test_an_english_word_is_one_wordfreq_knows():
    from wordfreq import zipf_frequency

    from cepf_bot.analysis.lexicon import is_english_word

    for word in ("bite", "zhou", "jinfeng", "nanhui", "wetland", "xyzzyq", "Bite", "it's"):
        assert is_english_word(word) == (zipf_frequency(word, "en", wordlist="small") > 0)
