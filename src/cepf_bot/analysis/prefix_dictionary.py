"""jieba's prefix dictionary (every word and word prefix with its frequency, ~500,000
entries), loaded from a cache read a slice at a time.

jieba caches the dictionary with `marshal`: one C call that holds the interpreter lock for the
whole load (0.9 s on a slow machine), so a bot loading it in a thread answers nothing
meanwhile. This cache is JSON lines, CHUNK entries a line: the lock is free between lines,
the load takes less than half as long, and nothing in it can run code. The first line names
the jieba release and the dictionary file it was made from; any other cache, or one cut
short, is ignored and jieba's own load (its marshal cache or the dictionary itself) is used,
then this cache written for the next start.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from cepf_bot.files import place_file

log = logging.getLogger(__name__)

CACHE_NAME = "jieba-prefix-dictionary.jsonl"
FORMAT = 1
CHUNK = 20_000  # entries a line: ~25 ms of parsing on a slow machine


def _source(jieba: Any) -> dict[str, Any]:
    """What a cache must have been made from: this jieba and its default dictionary file."""
    dictionary = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stat = dictionary.stat()
    return {"format": FORMAT, "jieba": jieba.__version__, "dictionary": str(dictionary),
            "dictionary_bytes": stat.st_size, "dictionary_mtime_ns": stat.st_mtime_ns}


def _read(path: Path, source: dict[str, Any]) -> tuple[dict[str, int], int] | None:
    """The dictionary and its total from the cache at `path`, or None when there is none or it
    was made from something else or is damaged."""
    try:
        with path.open(encoding="utf-8") as f:
            header = json.loads(f.readline())
            if not isinstance(header, dict) or \
                    {k: header.get(k) for k in source} != source:
                return None
            freq: dict[str, int] = {}
            for line in f:
                freq.update(json.loads(line))
    except (OSError, ValueError) as e:
        log.warning("jieba's dictionary cache %s is unreadable (%s); loading it again", path, e)
        return None
    if len(freq) != header.get("entries") or not isinstance(header.get("total"), int):
        log.warning("jieba's dictionary cache %s is incomplete; loading it again", path)
        return None
    return freq, header["total"]


def _write(path: Path, source: dict[str, Any], freq: dict[str, int], total: int) -> None:
    items = list(freq.items())
    lines = [json.dumps({**source, "entries": len(items), "total": total})]
    lines += [json.dumps(dict(items[i : i + CHUNK]), ensure_ascii=False, separators=(",", ":"))
              for i in range(0, len(items), CHUNK)]
    try:
        place_file(path, ("\n".join(lines) + "\n").encode("utf-8"), overwrite=True, mode=0o644)
    except OSError as e:
        log.warning("cannot write jieba's dictionary cache %s (%s); every start will be slower",
                    path, e)


def initialize(tokenizer: Any, jieba: Any, folder: Path | None) -> None:
    """Give `tokenizer` (a new jieba.Tokenizer on the default dictionary) its prefix dictionary:
    from this cache in `folder` when it is current, else by jieba, and the cache written."""
    if folder is None:
        tokenizer.initialize()
        return
    path = folder / CACHE_NAME
    source = _source(jieba)
    cached = _read(path, source) if path.exists() else None
    if cached is None:
        tokenizer.initialize()
        _write(path, source, tokenizer.FREQ, tokenizer.total)
        return
    tokenizer.FREQ, tokenizer.total = cached
    tokenizer.initialized = True
