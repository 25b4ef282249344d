"""Segmenting one document is held to the limit a reader is (issue 26: a 5 MB line of Chinese
read in the bounded worker, then took 50-100 s to segment in the reindex itself)."""

import pytest

from cepf_bot.corpus.folder import load_corpus
from cepf_bot.errors import CorpusError
from cepf_bot.index.build import build_index
from cepf_bot.types import BM25Params


def test_a_document_over_the_cpu_limit_is_one_line_naming_it(tmp_path, segmenter):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "绿发会的志愿者在各地开展宣传活动。" * 3000
    (corpus / "long.md").write_text(f"# 长文\n\n{body}\n", "utf-8")
    loaded = load_corpus(corpus)
    with pytest.raises(CorpusError) as raised:
        build_index(loaded, segmenter, BM25Params(), seconds=0.001)
    line = str(raised.value)
    assert "long.md" in line and "the limit per file" in line and "\n" not in line
    index = build_index(loaded, segmenter, BM25Params(), seconds=30)  # within the limit
    assert index.meta.passages == len(loaded.passages)
