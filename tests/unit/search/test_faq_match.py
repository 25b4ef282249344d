"""Staff's pairs matched question to question: paraphrases in three scripts get the staff's
answer, other questions get exactly what they got before, a bad pair keeps the old index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cepf_bot.config import resolve_paths
from cepf_bot.corpus.folder import read_examples
from cepf_bot.engine import Engine
from cepf_bot.errors import CorpusError
from cepf_bot.types import Verdict
from tests.conftest import REPO_CORPUS, shared_file

FAQ = Path(__file__).resolve().parents[2] / "data" / "faq.md"

# paraphrases of each pair's question, none of them a wording of the file
PARAPHRASES = {
    "怎么给绿发会捐款？": ["怎么捐款给绿会", "我想給綠發會捐款，要怎麼做？",
                         "How do I make a donation to CBCGDF?"],
    "怎样成为绿发会的志愿者？": ["我想做志愿者", "我可以當綠會的志願者嗎",
                             "How can I become a volunteer?"],
    "绿发会在香港有办事处吗？": ["绿会香港有没有办公室", "綠會喺香港有冇辦事處",
                             "Is there a CBCGDF office in Hong Kong?"],
    "怎么联系绿发会？": ["怎么联系你们", "請問怎樣聯繫綠發會", "How can I contact CBCGDF?"],
}
UNCOVERED = ["绿会是什么", "绿发会成立于哪一年", "What is the weather today",
             "绿会2019年的收入是多少", "番茄炒蛋怎么做", "绿会的理事长是谁"]


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Engine]:
    """An engine over the repository's corpus, and one over the same corpus with faq.md."""
    root = tmp_path_factory.mktemp("faq")
    plain, with_faq = root / "plain", root / "with_faq"
    shutil.copytree(REPO_CORPUS, plain)
    shutil.copytree(REPO_CORPUS, with_faq)
    shutil.copy(FAQ, with_faq / "faq.md")
    return tuple(Engine.open(resolve_paths(corpus=str(c), index=str(root / f"{c.name}-index")))
                 for c in (plain, with_faq))  # type: ignore[return-value]


@pytest.mark.parametrize(("question", "paraphrase"),
                         [(q, p) for q, ps in PARAPHRASES.items() for p in ps])
def test_a_paraphrase_gets_the_staff_answer_verbatim(engines, question, paraphrase):
    searcher = engines[1].searcher
    results = searcher.ask(paraphrase)
    assert results.verdict == Verdict.ANSWER
    assert results.faq is not None and results.faq.question == question
    assert results.faq.answer in FAQ.read_text("utf-8")


def _same(a, b) -> None:
    assert (a.verdict, [h.passage.id for h in a.hits], a.answer, a.faq) == \
        (b.verdict, [h.passage.id for h in b.hits], b.answer, None)


def test_questions_the_pairs_do_not_cover_get_what_they_got_before(engines):
    examples = read_examples(REPO_CORPUS)
    for question in [*UNCOVERED, *(q for qs in examples.values() for q in qs)]:
        _same(engines[1].searcher.ask(question), engines[0].searcher.ask(question))


def test_the_development_questions_get_what_they_got_before(engines):
    path = shared_file("eval", "dev_v2.jsonl")
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            question = json.loads(line)["q"]
            _same(engines[1].searcher.ask(question), engines[0].searcher.ask(question))


def test_a_question_about_the_foundation_alone_matches_no_pair(engines):
    # every pair names the foundation: its name alone is no question of theirs
    assert engines[1].searcher.ask("绿发会").faq is None
    assert engines[1].searcher.ask("CBCGDF").faq is None


def test_a_bad_pair_refuses_the_reindex_with_one_line_and_the_old_index_serves(
        tmp_path, corpus_dir):
    shutil.copy(FAQ, corpus_dir / "faq.md")
    engine = Engine.open(resolve_paths(corpus=str(corpus_dir), index=str(tmp_path / "index")))
    text = (corpus_dir / "faq.md").read_text("utf-8")
    (corpus_dir / "faq.md").write_text(text + "\n## 没有答案的问题\n", "utf-8")
    line = len((text + "\n").splitlines()) + 1
    with pytest.raises(CorpusError) as caught:
        engine.reindex()
    assert str(caught.value) == f"{corpus_dir / 'faq.md'}:{line}: the question has no answer " \
        "(paragraphs under it)"
    assert engine.searcher.ask("怎么捐款给绿会").faq is not None  # the previous index
    reopened = Engine.open(resolve_paths(corpus=str(corpus_dir), index=str(tmp_path / "index")))
    assert reopened.searcher.ask("怎么捐款给绿会").faq is not None


def test_an_empty_faq_file_changes_nothing(engines, tmp_path, corpus_dir):
    (corpus_dir / "faq.md").write_text("# 常见问题\n", "utf-8")
    empty = Engine.open(resolve_paths(corpus=str(corpus_dir), index=str(tmp_path / "index")))
    assert empty.faq == ()
    for question in [*UNCOVERED, *PARAPHRASES]:
        _same(empty.searcher.ask(question), engines[0].searcher.ask(question))
