"""A long line of random common characters costs work in proportion to its length (issue 26:
a 900 KB line took 48 s to reindex, 18 s of it compiling the bridge and 9 s saving it; a 5 MB
one, minutes). Counted in calls and lines, not timed."""

import json
import random
from pathlib import Path

import pytest

from cepf_bot.analysis import bilingual
from cepf_bot.analysis import cedict as cedict_module
from cepf_bot.analysis.bilingual import compile_bridge, names_in_pinyin
from cepf_bot.corpus.folder import load_corpus
from cepf_bot.index.build import build_index
from cepf_bot.index.store import save_index
from cepf_bot.types import BM25Params, IndexMeta


def common_characters() -> list[str]:
    """GB2312's first level: the 3,755 most common characters."""
    pairs = (bytes([high, low]) for high in range(0xB0, 0xD8) for low in range(0xA1, 0xFF))
    return [c for c in (p.decode("gb2312", errors="ignore") for p in pairs) if c]


def random_line(length: int, seed: int = 26) -> str:
    rng = random.Random(seed)
    characters = common_characters()
    return "".join(rng.choice(characters) for _ in range(length))


@pytest.fixture
def counted_names(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every term whose pinyin the bridge reads."""
    read: list[str] = []
    original = bilingual.pinyin_keys

    def counting(term: str) -> list[tuple[str, ...]]:
        read.append(term)
        return original(term)

    monkeypatch.setattr(bilingual, "pinyin_keys", counting)
    return read


def test_names_by_pinyin_are_the_terms_in_most_passages_up_to_the_budget(counted_names):
    terms = [f"{a}{b}" for a in "周吴郑王冯陈" for b in "晋峰汇东滩卫"]  # 36 names
    passages = {t: i % 7 for i, t in enumerate(terms)}
    table = names_in_pinyin(terms, frequency=passages.__getitem__, limit=10)
    kept = {t for found in table.values() for t in found}
    assert len(counted_names) == 10
    assert kept <= set(counted_names)
    assert min(passages[t] for t in counted_names) >= max(
        passages[t] for t in terms if t not in counted_names)


def test_a_long_random_line_reads_at_most_the_budget_of_names(tmp_path, segmenter, monkeypatch,
                                                               counted_names):
    monkeypatch.setattr(bilingual, "MAX_NAMES", 300, raising=False)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "line.md").write_text(f"# 长行\n\n{random_line(20_000)}\n", "utf-8")
    index = build_index(load_corpus(corpus), segmenter, BM25Params(), seconds=60)
    name_like = [t for t in index.postings.terms
                 if 2 <= len(t) <= 4 and bilingual._HAN_WORD.match(t)]
    assert len(name_like) > 3_000  # what the bridge read the pinyin of, one by one, before
    # the budget's terms, each read twice: as names for Latin words of questions, and as the
    # pinyin spellings English pages may use
    assert len(set(counted_names)) == 300 and len(counted_names) <= 2 * 300


def test_cc_cedict_is_parsed_once_then_read_from_the_cache(tmp_path, monkeypatch):
    cedict = tmp_path / "cedict.txt"
    cedict.write_text("濕地 湿地 [shi1 di4] /wetland/\n植樹 植树 [zhi2 shu4] /to plant trees/\n",
                      "utf-8")
    cache = tmp_path / "cache"
    cedict_module.read_entries.cache_clear()
    first = compile_bridge({"湿地", "植树"}, path=cedict, cache_dir=cache)
    assert list(cache.glob("cedict-*.json"))

    def no_parsing(path: Path):
        raise AssertionError("parsed again")

    parse = cedict_module.read_cedict
    monkeypatch.setattr(cedict_module, "read_cedict", no_parsing)
    cedict_module.read_entries.cache_clear()  # as a new process
    assert compile_bridge({"湿地", "植树"}, path=cedict, cache_dir=cache) == first
    monkeypatch.setattr(cedict_module, "read_cedict", parse)
    for damaged in cache.glob("cedict-*.json"):
        damaged.write_text('[["湿地", 5]]', "utf-8")
    cedict_module.read_entries.cache_clear()
    assert compile_bridge({"湿地", "植树"}, path=cedict, cache_dir=cache) == first
    cedict_module.read_entries.cache_clear()


def test_meta_json_is_written_a_field_a_line(tmp_path, index):
    """Not walked in Python entry by entry (asdict and json's indent did: 9 s, 1 GB)."""
    saved = save_index(index, tmp_path / "idx")
    lines = (tmp_path / "idx" / saved.generation / "meta.json").read_text("utf-8").splitlines()
    fields = len(IndexMeta.__dataclass_fields__) + 1  # and the checksums
    assert len(lines) == fields + 2
    assert json.loads("\n".join(lines))["bridge"] == index.meta.bridge
