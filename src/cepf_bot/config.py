"""Settings from the environment and the command line; the only reader of `os.environ`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the setting, never its secret value."""


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def default_corpus_dir(env: Mapping[str, str], cwd: Path) -> Path:
    """`./corpus` when it exists, else the corpus shipped inside the package."""
    for candidate in (
        cwd / "corpus",
        PACKAGE_DIR / "corpus",  # installed wheel
        PACKAGE_DIR.parent.parent / "corpus",  # editable install from a checkout
    ):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR / "corpus"


@dataclass(frozen=True)
class Paths:
    """Where the corpus is read, the index written, and jieba's cache kept."""

    corpus_dir: Path
    index_path: Path
    cache_dir: Path


def resolve_paths(
    *,
    corpus: str | None = None,
    index: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Paths:
    """Options first, then CEPF_CORPUS_DIR / CEPF_INDEX_PATH / CEPF_CACHE_DIR, then defaults
    under the user's XDG data and cache folders (never inside site-packages)."""
    env = os.environ if env is None else env
    cwd = cwd or Path.cwd()
    home = _home(env)
    data_home = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    cache_home = Path(env.get("XDG_CACHE_HOME") or home / ".cache")
    corpus_dir = corpus or env.get("CEPF_CORPUS_DIR")
    index_path = index or env.get("CEPF_INDEX_PATH")
    cache_dir = env.get("CEPF_CACHE_DIR")
    return Paths(
        corpus_dir=Path(corpus_dir) if corpus_dir else default_corpus_dir(env, cwd),
        index_path=Path(index_path) if index_path else data_home / "cepf-bot" / "index",
        cache_dir=Path(cache_dir) if cache_dir else cache_home / "cepf-bot",
    )
