"""Shared fixtures: the repository's corpus, a session-wide jieba cache, isolated paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cepf_bot.config import resolve_paths
from cepf_bot.corpus import load_corpus
from cepf_bot.engine import Engine
from cepf_bot.index import Index, build_index
from cepf_bot.segment import Segmenter
from cepf_bot.types import BM25Params
from cepf_bot.vocabulary import read_vocabulary

REPO = Path(__file__).resolve().parent.parent
REPO_CORPUS = REPO / "corpus"
SEED = REPO.parent / "shared" / "seed" / "foundation-international-cooperation.txt"
DEV_QUESTIONS = REPO.parent / "shared" / "eval" / "dev_questions.jsonl"


@pytest.fixture(scope="session")
def jieba_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jieba-cache")


@pytest.fixture(autouse=True)
def isolated_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jieba_cache: Path
) -> None:
    """No test reads or writes the user's real index, cache or environment settings."""
    for name in ("CEPF_CORPUS_DIR", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN_FILE",
                 "CEPF_ADMIN_IDS", "TELEGRAM_API_BASE_URL", "CEPF_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CEPF_INDEX_PATH", str(tmp_path / "index"))
    monkeypatch.setenv("CEPF_CACHE_DIR", str(jieba_cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the repository's corpus, free to edit."""
    target = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def segmenter(jieba_cache: Path) -> Segmenter:
    return segmenter_for(REPO_CORPUS, jieba_cache)


@pytest.fixture(scope="session")
def index(segmenter: Segmenter) -> Index:
    return build_index(load_corpus(REPO_CORPUS), segmenter, BM25Params())


def segmenter_for(corpus: Path, cache_dir: Path | None = None) -> Segmenter:
    """The segmenter a corpus folder's word files configure."""
    return Segmenter.for_vocabulary(read_vocabulary(corpus), cache_dir=cache_dir)


def reindex(corpus: Path, index_path: Path, params: BM25Params | None = None) -> Index:
    """What `cepf-bot reindex` does, through the engine; the index it built and saved."""
    engine = Engine(resolve_paths(corpus=str(corpus), index=str(index_path)), params=params)
    engine.reindex()
    return engine.searcher.index


def open_engine(corpus: Path, index_path: Path, params: BM25Params | None = None) -> Engine:
    """What `cepf-bot ask` does before it searches."""
    return Engine.open(resolve_paths(corpus=str(corpus), index=str(index_path)), params=params)
