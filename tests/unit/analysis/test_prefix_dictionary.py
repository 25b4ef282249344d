"""jieba's prefix dictionary, with the corpus's words added, from the JSON-lines cache: the same
dictionary and cuts as jieba's own load and add_word, read a first character at a time, and
any cache not made from this jieba, dictionary and words ignored and rewritten."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from cepf_bot.analysis import prefix_dictionary
from cepf_bot.analysis.segment import Segmenter, jieba

WORDS = [("中国绿发会", None), ("周晋峰", 50), ("暗夜保护地", None)]
TEXT = "中国绿发会秘书长周晋峰博士在暗夜保护地参加了国际会议"


def _tokenizer(jieba_cache: Path) -> object:
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(jieba_cache)  # jieba's own marshal cache, shared by the tests
    return tokenizer


@pytest.fixture(scope="module")
def made(jieba_cache: Path, tmp_path_factory: pytest.TempPathFactory):
    """The cache a first load wrote, and jieba's own load with the words added to compare."""
    folder = tmp_path_factory.mktemp("prefix-dictionary")
    reference = _tokenizer(jieba_cache)
    reference.initialize()
    before = {w: reference.FREQ.get(w) or 0 for w, _ in WORDS}
    total = reference.total
    for word, freq in WORDS:
        reference.add_word(word, freq)
    background = prefix_dictionary.initialize(_tokenizer(jieba_cache), jieba, folder, WORDS)
    assert background == prefix_dictionary.Background(total, before)
    return folder / prefix_dictionary.CACHE_NAME, reference, background


def _from_cache(made, folder: Path):  # type: ignore[no-untyped-def]
    cache, _, _ = made
    folder.mkdir(exist_ok=True)
    shutil.copy(cache, folder)
    tokenizer = _tokenizer(folder)  # jieba's own load would leave its cache here
    background = prefix_dictionary.initialize(tokenizer, jieba, folder, WORDS)
    return tokenizer, background


def test_the_cache_gives_the_dictionary_and_cuts_of_jiebas_own_load(made, tmp_path):
    _, reference, background = made
    tokenizer, read = _from_cache(made, tmp_path / "copy")
    assert read == background and tokenizer.total == reference.total
    assert tokenizer.lcut(TEXT) == reference.lcut(TEXT)
    prefix_dictionary.complete(tokenizer)
    assert type(tokenizer.FREQ) is dict and tokenizer.FREQ == reference.FREQ
    assert not (tmp_path / "copy" / "jieba.cache").exists()


def test_a_question_reads_the_lines_of_its_own_characters_only(made, tmp_path):
    _, reference, _ = made
    tokenizer, _ = _from_cache(made, tmp_path / "copy")
    assert tokenizer.lcut(TEXT) == reference.lcut(TEXT)
    read = dict(tokenizer.FREQ)
    assert {w[0] for w in read} <= set(TEXT)
    assert read == {w: f for w, f in reference.FREQ.items() if w[0] in set(TEXT)}
    assert len(read) < len(reference.FREQ) / 10


def test_each_line_holds_the_words_of_one_first_character(made):
    cache, reference, _ = made
    data = cache.read_bytes()
    header_end = data.index(b"\n") + 1
    header, body = json.loads(data[:header_end]), data[header_end:]
    assert header["entries"] == len(reference.FREQ) and header["jieba"] == jieba.__version__
    spans = sorted(header["lines"].items(), key=lambda item: item[1])
    assert spans[0][1][0] == 0 and spans[-1][1][1] == len(body)
    for first, (start, stop) in spans[:: max(1, len(spans) // 200)]:
        assert {w[0] for w in json.loads(body[start:stop])} == {first}


@pytest.mark.parametrize("damage", ["cut short", "not json", "another jieba", "other words"])
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(made, jieba_cache, tmp_path,
                                                             damage, caplog):
    cache, reference, background = made
    data = cache.read_bytes()
    header_end = data.index(b"\n") + 1
    header = json.loads(data[:header_end])
    broken = {
        "cut short": data[:-100],
        "not json": data[:header_end] + b"{not json",
        "another jieba": json.dumps({**header, "jieba": "0.0"}).encode() + b"\n"
        + data[header_end:],
        "other words": json.dumps({**header, "added_words": "0" * 64}).encode() + b"\n"
        + data[header_end:],
    }[damage]
    (tmp_path / prefix_dictionary.CACHE_NAME).write_bytes(broken)
    tokenizer = _tokenizer(jieba_cache)
    with caplog.at_level(logging.WARNING):
        read = prefix_dictionary.initialize(tokenizer, jieba, tmp_path, WORDS)
    assert read == background and tokenizer.FREQ == reference.FREQ
    assert (tmp_path / prefix_dictionary.CACHE_NAME).read_bytes() == data
    assert all("\n" not in r.getMessage() and not r.exc_info for r in caplog.records)


def test_a_cache_that_cannot_be_written_still_loads(made, jieba_cache, tmp_path, caplog):
    _, reference, _ = made
    (tmp_path / prefix_dictionary.CACHE_NAME).mkdir()  # in the way, for root too
    tokenizer = _tokenizer(jieba_cache)
    with caplog.at_level(logging.WARNING):
        prefix_dictionary.initialize(tokenizer, jieba, tmp_path, WORDS)
    assert tokenizer.FREQ == reference.FREQ
    assert "cannot write jieba's dictionary cache" in caplog.text
    assert len(caplog.records) == 2  # unusable, then unwritable: one line each


def test_the_segmenter_reads_its_dictionary_from_the_cache(jieba_cache, tmp_path):
    first = Segmenter(user_words=["暗夜保护地"], cache_dir=tmp_path)
    expected = first.tokens(TEXT), first.frequency("暗夜保护地"), first.total_frequency
    assert (tmp_path / prefix_dictionary.CACHE_NAME).exists()
    (tmp_path / "jieba.cache").unlink()
    again = Segmenter(user_words=["暗夜保护地"], cache_dir=tmp_path)
    assert (again.tokens(TEXT), again.frequency("暗夜保护地"), again.total_frequency) == expected
    again.warm_up()
    assert type(again._tokenizer().FREQ) is dict
    assert not (tmp_path / "jieba.cache").exists()  # jieba's own load never ran
