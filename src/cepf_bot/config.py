"""Settings from the environment and the command line; the only reader of `os.environ`."""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from cepf_bot.errors import ConfigError
from cepf_bot.files import DEFAULT_MAX_FILE_BYTES

PACKAGE_DIR = Path(__file__).resolve().parent



def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def default_corpus_dir(cwd: Path) -> Path:
    """`./corpus` when it exists, else the corpus shipped inside the package."""
    for candidate in (
        cwd / "corpus",
        PACKAGE_DIR / "data" / "corpus",  # installed wheel
        PACKAGE_DIR.parent.parent / "corpus",  # editable install from a checkout
    ):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR / "data" / "corpus"


@dataclass(frozen=True)
class Paths:
    """Where the corpus is read, the index written, and jieba's cache kept."""

    corpus_dir: Path
    index_path: Path
    cache_dir: Path
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES  # a larger corpus file is refused
    read_seconds: float = 30.0  # reading one file may take this long (wall clock)
    read_memory_mb: int = 512  # and this much memory


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
        corpus_dir=Path(corpus_dir) if corpus_dir else default_corpus_dir(cwd),
        index_path=Path(index_path) if index_path else data_home / "cepf-bot" / "index",
        cache_dir=Path(cache_dir) if cache_dir else cache_home / "cepf-bot",
        max_file_bytes=int(_number(env, "CEPF_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)),
        read_seconds=_number(env, "CEPF_READ_SECONDS", 30) or 30,
        read_memory_mb=int(_number(env, "CEPF_READ_MEMORY_MB", 512)) or 512,
    )


DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")


def _read_token(env: Mapping[str, str]) -> str:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    token_file = env.get("TELEGRAM_BOT_TOKEN_FILE", "").strip()
    if not token and token_file:
        try:
            token = Path(token_file).read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
            raise ConfigError(
                f"TELEGRAM_BOT_TOKEN_FILE {token_file}: cannot read ({reason})"
            ) from None
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set (or TELEGRAM_BOT_TOKEN_FILE naming a file with it); "
            "get a token from @BotFather"
        )
    if not _TOKEN.match(token):
        raise ConfigError("the bot token is malformed: expected digits, ':', then 30 or more "
                          "letters, digits, '-' or '_' (as @BotFather gives it)")
    return token


def _int_list(name: str, value: str) -> frozenset[int]:
    try:
        return frozenset(int(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise ConfigError(
            f"{name} must be comma-separated Telegram user ids, like 123,456"
        ) from None


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value):  # nan would switch a limit off, inf overflow an int
        raise ConfigError(f"{name} must be a finite number, not {raw!r}")
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class _WebhookSettings(TypedDict):
    webhook_url: str
    webhook_secret: str
    port: int
    listen: str


def _webhook(env: Mapping[str, str], option: str | None) -> _WebhookSettings:
    url = (option or env.get("CEPF_WEBHOOK_URL", "")).strip()
    secret = env.get("CEPF_WEBHOOK_SECRET", "").strip()
    port = _number(env, "PORT", 8080)
    if url:
        if not url.startswith(("https://", "http://")):
            raise ConfigError("the webhook URL must start with https://")
        if not secret:
            raise ConfigError("webhook mode needs CEPF_WEBHOOK_SECRET (16-256 characters of "
                              "A-Z a-z 0-9 _ -); Telegram sends it with every update")
        if not _SECRET.match(secret):
            raise ConfigError("CEPF_WEBHOOK_SECRET must be 16-256 characters of A-Z a-z 0-9 _ -")
    if not 0 < port < 65536 or port != int(port):
        raise ConfigError("PORT must be a TCP port number")
    return {"webhook_url": url, "webhook_secret": secret, "port": int(port),
            "listen": env.get("CEPF_WEBHOOK_LISTEN", "").strip() or "0.0.0.0"}


def heartbeat_path(index_path: Path, env: Mapping[str, str] | None = None) -> Path:
    """Where the bot serving the index at `index_path` proves it is alive, for `cepf-bot health
    --serving`: one heartbeat per instance. CEPF_HEARTBEAT_FILE if set; else under the user's
    private $XDG_RUNTIME_DIR, named by the index; else beside the index."""
    env = os.environ if env is None else env
    if env.get("CEPF_HEARTBEAT_FILE"):
        return Path(env["CEPF_HEARTBEAT_FILE"])
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime).is_dir():
        instance = hashlib.sha256(str(index_path.absolute()).encode()).hexdigest()[:16]
        return Path(runtime) / "cepf-bot" / f"{instance}.heartbeat"
    return index_path / "serving.heartbeat"


@dataclass(frozen=True)
class BotSettings:
    """Everything `cepf-bot serve` needs besides the corpus and index paths.

    `token` is a secret: it is kept out of `repr` so it cannot reach a log line by accident.
    """

    token: str = field(repr=False)
    api_base_url: str
    admin_ids: frozenset[int]
    user_rate: float  # questions a user may ask per minute (0 = unlimited)
    user_burst: float
    flood_rate: float  # messages per second the bot sends at most (Telegram's limit is ~30)
    group_flood_rate: float  # messages per minute into one group (Telegram's limit is 20)
    timeout: float  # seconds to wait for the Bot API before retrying
    webhook_url: str  # "" for long polling
    webhook_secret: str = field(repr=False)
    listen: str
    port: int
    # how long an admin's FAQ answer waits for its text, and its preview for Add or Cancel
    preview_seconds: float = 900

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, webhook_url: str | None = None
    ) -> BotSettings:
        """From the environment; `webhook_url` (the --webhook-url option) wins over
        CEPF_WEBHOOK_URL."""
        env = os.environ if env is None else env
        base = env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
        if not base.startswith(("http://", "https://")):
            raise ConfigError("TELEGRAM_API_BASE_URL must start with http:// or https://")
        return cls(
            token=_read_token(env),
            api_base_url=base,
            admin_ids=_int_list("CEPF_ADMIN_IDS", env.get("CEPF_ADMIN_IDS", "")),
            user_rate=_number(env, "CEPF_USER_RATE", 20),
            user_burst=_number(env, "CEPF_USER_BURST", 8),
            flood_rate=_number(env, "CEPF_FLOOD_RATE", 30),
            group_flood_rate=_number(env, "CEPF_GROUP_FLOOD_RATE", 20),
            timeout=_number(env, "CEPF_TELEGRAM_TIMEOUT", 10) or 10,
            **_webhook(env, webhook_url),
            preview_seconds=_number(env, "CEPF_PREVIEW_SECONDS", 900) or 900,
        )


@dataclass(frozen=True)
class QueryLogSettings:
    """Where questions are logged (None: not at all), for how long, and the hashing salt."""

    path: Path | None
    days: float
    salt: str = field(repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> QueryLogSettings:
        env = os.environ if env is None else env
        raw = env.get("CEPF_QUERY_LOG", "").strip()
        data_home = Path(env.get("XDG_DATA_HOME") or _home(env) / ".local" / "share")
        if raw.lower() in ("off", "0", "false", "no", "none"):
            path = None
        else:
            path = Path(raw) if raw else data_home / "cepf-bot" / "queries.sqlite"
        return cls(path, _number(env, "CEPF_QUERY_LOG_DAYS", 90) or 90,
                   env.get("CEPF_QUERY_LOG_SALT", ""))


# Every environment variable, its default and what it sets, by the commands that read it (for
# each command's --help; the README's tables say the same).
_PATHS = [
    ("CEPF_CORPUS_DIR", "./corpus if it exists, else the corpus in the package", "the corpus"),
    ("CEPF_INDEX_PATH", "$XDG_DATA_HOME/cepf-bot/index (~/.local/share/cepf-bot/index)",
     "the index folder"),
    ("CEPF_CACHE_DIR", "$XDG_CACHE_HOME/cepf-bot (~/.cache/cepf-bot)", "jieba's cache"),
    ("CEPF_MAX_FILE_BYTES", str(DEFAULT_MAX_FILE_BYTES), "a larger corpus file is refused"),
    ("CEPF_READ_SECONDS", "30", "seconds reading one corpus file may take"),
    ("CEPF_READ_MEMORY_MB", "512", "megabytes of memory reading one corpus file may take"),
]
_QUERY_LOG = [
    ("CEPF_QUERY_LOG", "$XDG_DATA_HOME/cepf-bot/queries.sqlite", "the query log; off: none"),
    ("CEPF_QUERY_LOG_DAYS", "90", "days a logged question is kept"),
    ("CEPF_QUERY_LOG_SALT", "a random salt in <log>.salt", "salt of the user hashes"),
]
_HEARTBEAT = [("CEPF_HEARTBEAT_FILE", "$XDG_RUNTIME_DIR/cepf-bot/<index>.heartbeat, else "
               "<index>/serving.heartbeat", "the serving bot's heartbeat")]
ENVIRONMENT: dict[str, list[tuple[str, str, str]]] = {
    "ask": _PATHS, "reindex": _PATHS, "eval": _PATHS,
    "serve": [
        ("TELEGRAM_BOT_TOKEN", "required (or TELEGRAM_BOT_TOKEN_FILE)", "from @BotFather"),
        ("TELEGRAM_BOT_TOKEN_FILE", "-", "a file holding the token"),
        ("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL, "the Bot API"),
        ("CEPF_ADMIN_IDS", "none", "user ids allowed /reindex and /stats, comma-separated"),
        ("CEPF_USER_RATE", "20", "questions a user may ask a minute (0: no limit)"),
        ("CEPF_USER_BURST", "8", "questions a user may ask at once"),
        ("CEPF_FLOOD_RATE", "30", "messages a second the bot sends at most"),
        ("CEPF_GROUP_FLOOD_RATE", "20", "messages a minute into one group"),
        ("CEPF_TELEGRAM_TIMEOUT", "10", "seconds to wait for the Bot API"),
        ("CEPF_PREVIEW_SECONDS", "900", "how long an admin's FAQ answer and preview wait"),
        ("CEPF_WEBHOOK_URL", "none: long polling", "serve a webhook at this https URL"),
        ("CEPF_WEBHOOK_SECRET", "required with a webhook", "16-256 of A-Z a-z 0-9 _ -"),
        ("CEPF_WEBHOOK_LISTEN", "0.0.0.0", "address the webhook server listens on"),
        ("PORT", "8080", "port the webhook server listens on"),
        *_PATHS, *_QUERY_LOG, *_HEARTBEAT,
    ],
    "report": [*_PATHS, *_QUERY_LOG],
    "health": [*_PATHS, *_HEARTBEAT],
}


def environment_help(command: str) -> str:
    """The environment variables `command` reads, with their defaults, for its --help."""
    rows = ENVIRONMENT.get(command, [])
    if not rows:
        return ""
    width = max(len(name) for name, _, _ in rows)
    lines = [f"  {name:<{width}}  {meaning} (default: {default})"
             for name, default, meaning in rows]
    return "environment variables:\n" + "\n".join(lines)
