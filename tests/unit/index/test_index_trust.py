"""An index this version did not write: a newer format is left alone (L5), and a tampered one
whose checksums were recomputed is refused on load, not at the first question (L12)."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cepf_bot.errors import IndexLoadError, IndexNewer
from cepf_bot.index import checks
from cepf_bot.index.build import FORMAT_VERSION
from cepf_bot.index.store import load_index, save_index
from tests.conftest import open_engine


def _generation(index_path: Path) -> Path:
    return index_path / (index_path / "CURRENT").read_text().split()[0]


def _seal(index_path: Path, edit_meta=None, arrays=None) -> None:  # type: ignore[no-untyped-def]
    """Change the current generation as a careful tamperer (or a newer writer) would: the
    files, then every checksum recomputed, meta.json's in CURRENT too."""
    gen = _generation(index_path)
    meta = json.loads((gen / "meta.json").read_text())
    for name, array in (arrays or {}).items():
        np.save(gen / f"{name}.npy", array, allow_pickle=False)
        meta["checksums"][f"{name}.npy"] = hashlib.sha256(
            (gen / f"{name}.npy").read_bytes()).hexdigest()
    if edit_meta:
        edit_meta(meta)
    (gen / "meta.json").write_text(json.dumps(meta))
    digest = hashlib.sha256((gen / "meta.json").read_bytes()).hexdigest()
    (index_path / "CURRENT").write_text(f"{gen.name} {digest}")


def _newer(meta: dict) -> None:  # type: ignore[type-arg]
    meta["format_version"] = FORMAT_VERSION + 1


def test_an_index_of_a_newer_format_is_never_replaced(tmp_path, index):
    save_index(index, tmp_path / "idx")
    _seal(tmp_path / "idx", _newer)
    newer = _generation(tmp_path / "idx")
    with pytest.raises(IndexNewer, match="newer than this cepf-bot reads or writes"):
        save_index(index, tmp_path / "idx")
    assert _generation(tmp_path / "idx") == newer and newer.is_dir()


def test_an_engine_refuses_a_newer_index_in_one_line_and_keeps_it(tmp_path, corpus_dir, index):
    save_index(index, tmp_path / "idx")
    _seal(tmp_path / "idx", _newer)
    newer = _generation(tmp_path / "idx")
    with pytest.raises(IndexNewer) as raised:  # `ask` and `serve` open an engine
        open_engine(corpus_dir, tmp_path / "idx")
    assert "\n" not in str(raised.value) and "upgrade cepf-bot" in str(raised.value)
    assert _generation(tmp_path / "idx") == newer


def test_a_newer_generation_beside_the_current_one_is_never_deleted(tmp_path, index):
    """An older cepf-bot (before this check) replaced CURRENT; the newer generation it left
    must survive this version's next reindex."""
    save_index(index, tmp_path / "idx")
    _seal(tmp_path / "idx", _newer)
    newer = _generation(tmp_path / "idx")
    (tmp_path / "idx" / "CURRENT").unlink()  # as if an older version had replaced it
    save_index(index, tmp_path / "idx")
    save_index(index, tmp_path / "idx")
    assert newer.is_dir()
    assert _generation(tmp_path / "idx") != newer


def test_the_cli_refuses_a_newer_index_in_one_line(tmp_path, corpus_dir, index):
    save_index(index, tmp_path / "idx")
    _seal(tmp_path / "idx", _newer)
    newer = _generation(tmp_path / "idx")
    for command in (["reindex"], ["ask", "绿发会的收入总额是多少"]):
        run = subprocess.run([sys.executable, "-m", "cepf_bot", *command, "--corpus",
                              str(corpus_dir), "--index", str(tmp_path / "idx")],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode != 0
        assert "Traceback" not in run.stderr
        assert "newer than this cepf-bot" in run.stderr
    assert sorted(p.name for p in (tmp_path / "idx").glob("gen-*")) == [newer.name]


@pytest.mark.parametrize("tamper", [
    "docs past the passages", "docs negative", "offsets out of order", "idf of strings",
    "weights not finite", "docs two-dimensional", "text offsets out of order",
    "a passage row of the wrong shape", "a document count that does not add up",
    "terms not strings",
])
def test_a_tampered_index_with_recomputed_checksums_is_refused_on_load(tmp_path, index, tamper):
    save_index(index, tmp_path / "idx")
    gen = _generation(tmp_path / "idx")

    def load(name: str) -> np.ndarray:
        return np.load(gen / f"{name}.npy", allow_pickle=False)

    docs, offsets = load("docs"), load("offsets")
    arrays: dict[str, np.ndarray] = {}
    if tamper == "docs past the passages":
        arrays["docs"] = np.full_like(docs, 10**6)
    elif tamper == "docs negative":
        docs[0] = -5
        arrays["docs"] = docs
    elif tamper == "offsets out of order":
        offsets[1], offsets[2] = offsets[2] + 3, offsets[1]
        arrays["offsets"] = offsets
    elif tamper == "idf of strings":
        arrays["idf"] = np.array(["x"] * len(load("idf")))
    elif tamper == "weights not finite":
        weights = load("weights")
        weights[0] = np.nan
        arrays["weights"] = weights
    elif tamper == "docs two-dimensional":
        arrays["docs"] = docs.reshape(-1, 1)
    elif tamper == "text offsets out of order":
        text_offsets = load("text_offsets")
        text_offsets[1] = text_offsets[-1] + 10
        arrays["text_offsets"] = text_offsets
    else:
        stored = json.loads((gen / "passages.json").read_text())
        terms = json.loads((gen / "terms.json").read_text())
        if tamper == "a passage row of the wrong shape":
            stored["passages"][0][5] = "page one"
        elif tamper == "a document count that does not add up":
            stored["documents"][0]["passages"] += 1
        else:
            terms[0] = 7
        (gen / "passages.json").write_text(json.dumps(stored, ensure_ascii=False))
        (gen / "terms.json").write_text(json.dumps(terms, ensure_ascii=False))

        def rehash(meta: dict) -> None:  # type: ignore[type-arg]
            for name in ("passages.json", "terms.json"):
                meta["checksums"][name] = hashlib.sha256((gen / name).read_bytes()).hexdigest()

        _seal(tmp_path / "idx", rehash)
        arrays = {}
    if arrays:
        _seal(tmp_path / "idx", arrays=arrays)
    with pytest.raises(IndexLoadError, match=r"malformed|inconsistent") as raised:
        load_index(tmp_path / "idx")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(("name", "value"), [("docs", 10**6), ("weights", np.nan), ("tf", -1)])
def test_a_tampered_last_posting_is_found_in_the_last_block(tmp_path, index, monkeypatch,
                                                            name, value):
    """The big arrays are checked a block at a time, read from their files: every block."""
    monkeypatch.setattr(checks, "BLOCK", 7)
    save_index(index, tmp_path / "idx")
    load_index(tmp_path / "idx")  # whole, in many blocks: nothing refused
    array = np.load(_generation(tmp_path / "idx") / f"{name}.npy", allow_pickle=False)
    assert len(array) > 3 * checks.BLOCK
    array[-1] = value
    _seal(tmp_path / "idx", arrays={name: array})
    with pytest.raises(IndexLoadError, match="inconsistent"):
        load_index(tmp_path / "idx")


def test_ask_on_a_tampered_index_answers_from_a_rebuild_without_a_traceback(tmp_path,
                                                                             corpus_dir):
    open_engine(corpus_dir, tmp_path / "idx")
    docs = np.load(_generation(tmp_path / "idx") / "docs.npy", allow_pickle=False)
    _seal(tmp_path / "idx", arrays={"docs": np.full_like(docs, 10**6)})
    health = subprocess.run([sys.executable, "-m", "cepf_bot", "health", "--corpus",
                             str(corpus_dir), "--index", str(tmp_path / "idx")],
                            capture_output=True, text=True, timeout=120)
    assert health.returncode != 0 and "Traceback" not in health.stderr + health.stdout
    assert "postings point past the passages" in health.stderr + health.stdout
    run = subprocess.run([sys.executable, "-m", "cepf_bot", "ask", "--json", "--corpus",
                          str(corpus_dir), "--index", str(tmp_path / "idx"),
                          "绿发会的收入总额是多少"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "27103400.95" in run.stdout


def test_a_running_engine_keeps_its_index_when_a_tampered_one_appears(tmp_path, corpus_dir):
    engine = open_engine(corpus_dir, tmp_path / "idx")
    good = engine.searcher.index.generation
    save_index(engine.searcher.index, tmp_path / "idx")
    docs = np.load(_generation(tmp_path / "idx") / "docs.npy", allow_pickle=False)
    _seal(tmp_path / "idx", arrays={"docs": np.full_like(docs, 10**6)})
    assert engine.reload_if_changed() is None
    assert engine.searcher.index.generation == good
    assert engine.searcher.search("绿发会的收入总额是多少")
