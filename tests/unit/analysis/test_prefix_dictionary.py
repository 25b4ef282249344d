"""jieba's prefix dictionary from the JSON-lines cache: the same dictionary as jieba's own load,
in slices, and any cache not made from this jieba's dictionary ignored and rewritten."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from cepf_bot.analysis import prefix_dictionary
from cepf_bot.analysis.segment import Segmenter, jieba


def _tokenizer(jieba_cache: Path) -> object:
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(jieba_cache)  # jieba's own marshal cache, shared by the tests
    return tokenizer


@pytest.fixture(scope="module")
def made(jieba_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A folder with the cache written by a first load, and jieba's own load to compare."""
    folder = tmp_path_factory.mktemp("prefix-dictionary")
    reference = _tokenizer(jieba_cache)
    reference.initialize()
    prefix_dictionary.initialize(_tokenizer(jieba_cache), jieba, folder)
    return folder / prefix_dictionary.CACHE_NAME, reference


def test_the_cache_gives_the_dictionary_jieba_loads(made, jieba_cache, tmp_path):
    cache, reference = made
    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy(cache, folder)
    tokenizer = _tokenizer(folder)  # jieba's own load would leave its cache here
    prefix_dictionary.initialize(tokenizer, jieba, folder)
    assert tokenizer.initialized
    assert tokenizer.total == reference.total
    assert tokenizer.FREQ == reference.FREQ
    assert tokenizer.lcut("中国生物多样性保护与绿色发展基金会") == \
        reference.lcut("中国生物多样性保护与绿色发展基金会")
    assert not (folder / "jieba.cache").exists()


def test_the_cache_is_read_a_slice_at_a_time(made):
    cache, reference = made
    lines = cache.read_text("utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["entries"] == len(reference.FREQ) and header["jieba"] == jieba.__version__
    slices = [json.loads(line) for line in lines[1:]]
    assert len(slices) >= len(reference.FREQ) // prefix_dictionary.CHUNK
    assert max(len(s) for s in slices) <= prefix_dictionary.CHUNK


@pytest.mark.parametrize("damage", ["cut short", "not json", "another jieba"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(made, jieba_cache, tmp_path,
                                                             damage, caplog):
    cache, reference = made
    lines = cache.read_text("utf-8").splitlines()
    header = json.loads(lines[0])
    broken = {
        "cut short": "\n".join(lines[:-2]) + "\n",
        "not json": lines[0] + "\n{not json\n",
        "another jieba": json.dumps({**header, "jieba": "0.0"}) + "\n" + "\n".join(lines[1:]),
    }[damage]
    (tmp_path / prefix_dictionary.CACHE_NAME).write_text(broken, "utf-8")
    tokenizer = _tokenizer(jieba_cache)
    with caplog.at_level(logging.WARNING):
        prefix_dictionary.initialize(tokenizer, jieba, tmp_path)
    assert tokenizer.FREQ == reference.FREQ and tokenizer.total == reference.total
    assert (tmp_path / prefix_dictionary.CACHE_NAME).read_text("utf-8") == cache.read_text("utf-8")
    assert all("\n" not in r.getMessage() and not r.exc_info for r in caplog.records)


def test_a_cache_that_cannot_be_written_still_loads(jieba_cache, tmp_path, caplog):
    (tmp_path / prefix_dictionary.CACHE_NAME).mkdir()  # in the way, for root too
    tokenizer = _tokenizer(jieba_cache)
    with caplog.at_level(logging.WARNING):
        prefix_dictionary.initialize(tokenizer, jieba, tmp_path)
    assert tokenizer.initialized and len(tokenizer.FREQ) > 100_000
    assert "cannot write jieba's dictionary cache" in caplog.text
    assert len(caplog.records) == 2  # unreadable, then unwritable: one line each


def test_the_segmenter_reads_its_dictionary_from_the_cache(made, tmp_path):
    cache, reference = made
    shutil.copy(cache, tmp_path)
    segmenter = Segmenter(cache_dir=tmp_path)
    assert segmenter.frequency("基金会") == reference.FREQ["基金会"]
    assert not (tmp_path / "jieba.cache").exists()  # jieba's own load never ran
