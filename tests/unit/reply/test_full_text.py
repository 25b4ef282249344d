"""The "Full text" button's passage, found by its key in one dictionary look-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from cepf_bot.corpus.folder import load_corpus, passage_key
from cepf_bot.index.build import build_index
from cepf_bot.reply.compose import full_passage_html
from cepf_bot.search.searcher import Searcher
from cepf_bot.types import BM25Params, Lang, Locale, Script
from tests.conftest import segmenter_for

REPEATED = "同一段落在文档里出现了两次。"
ONCE = "这一段只出现一次，讲的是斑海豹。"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory, jieba_cache: Path) -> Searcher:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "twice.md").write_text(f"# 重复\n\n{REPEATED}\n\n{ONCE}\n\n{REPEATED}\n",
                                     encoding="utf-8")
    index = build_index(load_corpus(corpus), segmenter_for(corpus, jieba_cache), BM25Params())
    return Searcher(index, segmenter_for(corpus, jieba_cache))


LOCALE = Locale(Lang.ZH, Script.SIMPLIFIED)


def test_every_passage_is_found_by_its_key(searcher: Searcher) -> None:
    passages = searcher.index.passages
    keys = searcher.passage_keys
    assert len(keys) == len(passages)
    assert all(passages[at].id.endswith(f"#{key}") for key, at in keys.items())
    assert searcher.passage_keys is keys  # built once per index, not per press


def test_a_repeated_passage_is_found_by_its_numbered_key(searcher: Searcher) -> None:
    first, second = passage_key(REPEATED), f"{passage_key(REPEATED)}-2"
    assert searcher.passage_keys[first] != searcher.passage_keys[second]
    (html,) = full_passage_html(searcher, second, LOCALE)
    assert REPEATED in html and ONCE not in html


@pytest.mark.parametrize("key", ["0123456789abcdef", f"{passage_key(REPEATED)}-3", "zz", ""])
def test_an_unknown_or_forged_key_shows_nothing(searcher: Searcher, key: str) -> None:
    assert full_passage_html(searcher, key, LOCALE) == []
