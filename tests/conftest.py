"""Shared fixtures: the repository's corpus, a session-wide jieba cache, isolated paths.

No test touches the user's files: every test runs with HOME, the XDG folders and every
CEPF_* path in a temporary folder. The shared development sets live beside the repository
(`CEPF_SHARED_DIR`, default `../shared`); tests that need them skip, saying so, when it is absent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from cepf_bot.analysis.segment import Segmenter
from cepf_bot.analysis.vocabulary import read_vocabulary
from cepf_bot.config import QueryLogSettings, heartbeat_path, resolve_paths
from cepf_bot.corpus.folder import load_corpus
from cepf_bot.engine import Engine
from cepf_bot.index.build import Index, build_index
from cepf_bot.search.searcher import Searcher
from cepf_bot.types import BM25Params

REPO = Path(__file__).resolve().parent.parent
REPO_CORPUS = REPO / "corpus"
SHARED = Path(os.environ.get("CEPF_SHARED_DIR") or REPO.parent / "shared")
REAL_HOME = Path(os.environ.get("HOME") or Path.home())  # as it was before any test


def shared_file(*parts: str) -> Path:
    """A file of the shared development sets, or a skip that says where it was looked for."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"{path} not found: the shared development sets live beside the "
                    "repository (set CEPF_SHARED_DIR to their folder)")
    return path


@pytest.fixture
def seed() -> Path:
    return shared_file("seed", "foundation-international-cooperation.txt")


@pytest.fixture
def dev_questions() -> Path:
    return shared_file("eval", "dev_questions.jsonl")


@pytest.fixture(scope="session")
def jieba_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jieba-cache")


def _isolate(monkeypatch: pytest.MonkeyPatch, folder: Path, jieba_cache: Path) -> None:
    """HOME, the XDG folders and every CEPF_* path into `folder` (jieba's cache shared)."""
    for name in list(os.environ):
        if name.startswith(("CEPF_", "TELEGRAM_")) and name != "CEPF_SHARED_DIR":
            monkeypatch.delenv(name)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    for name, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                      ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(name, str(folder / sub))
    runtime = folder / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("CEPF_INDEX_PATH", str(folder / "index"))
    monkeypatch.setenv("CEPF_CACHE_DIR", str(jieba_cache))
    monkeypatch.setenv("CEPF_QUERY_LOG", str(folder / "queries.sqlite"))


@pytest.fixture(scope="session", autouse=True)
def isolated_session(tmp_path_factory: pytest.TempPathFactory, jieba_cache: Path
                     ) -> Iterator[None]:
    """The same isolation for the whole session: a module's or the session's fixtures (an
    engine reindexed once for a module, a bot) are set up before a test's own isolation, and
    would otherwise resolve their cache and index in the real home."""
    monkeypatch = pytest.MonkeyPatch()
    _isolate(monkeypatch, tmp_path_factory.mktemp("session"), jieba_cache)
    yield
    monkeypatch.undo()


@pytest.fixture(autouse=True)
def isolated_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jieba_cache: Path
) -> Iterator[None]:
    """No test reads or writes the user's real home, index, cache, query log, heartbeat or
    environment settings: HOME, XDG folders and every CEPF_* path point into `tmp_path`."""
    _isolate(monkeypatch, tmp_path, jieba_cache)
    yield
    # what this test's commands and bots (they inherit the environment) would write: never the
    # real home. Only the suite's own paths are checked, so another process writing the home
    # while the suite runs cannot fail it.
    paths = resolve_paths()
    written = [paths.index_path, paths.cache_dir, heartbeat_path(paths.index_path)]
    log_path = QueryLogSettings.from_env().path
    written += [log_path] if log_path else []
    outside = [p for p in written if REAL_HOME in p.resolve().parents]
    assert not outside, f"a test would write into the real home: {outside}"


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


@pytest.fixture(scope="session")
def searcher(index: Index, segmenter: Segmenter) -> Searcher:
    """A Searcher over the repository's corpus, shared by every test that only asks."""
    return Searcher(index, segmenter)


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


def engine_with_pages(folder: Path, pages: Mapping[str, str]) -> Engine:
    """An engine over a copy of the repository's corpus in `folder` with `pages` (file name ->
    text) added, its index built there as `cepf-bot ask` builds a missing one."""
    corpus = folder / "corpus"
    shutil.copytree(REPO_CORPUS, corpus)
    for name, text in pages.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return open_engine(corpus, folder / "index")


@pytest.fixture(scope="module")
def fake():  # type: ignore[no-untyped-def]
    """A fake Bot API for a test module's bot."""
    from .fake_telegram import FakeTelegram

    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bot(fake, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """`cepf-bot serve` for a test module, talking to `fake`."""
    from .botprocess import BotProcess

    workdir = tmp_path_factory.mktemp("bot")
    process = BotProcess(fake, workdir, CEPF_CACHE_DIR=str(workdir / "cache")).start()
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def nothing_refused(request: pytest.FixtureRequest) -> None:
    """Telegram would have refused none of what the module's bot sent during the test."""
    if "bot" not in request.fixturenames:
        yield
        return
    fake = request.getfixturevalue("fake")
    before = len(fake.refused)
    yield
    assert fake.refused[before:] == []


E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/, and every test that starts a bot or a fake Bot API, is
    marked e2e, so `pytest -m "not e2e"` is the quick loop."""
    for item in items:
        if E2E in item.path.parents or {"bot", "fake"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
