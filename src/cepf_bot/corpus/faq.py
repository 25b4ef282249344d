"""Staff's questions and answers: `faq.md` and any `*.faq.md` of the corpus folder.

One pair per `## ` heading; the heading is the question, then optional lines `also:` (other
wordings, any language, separated by ` / `), `source:` (an http(s) link) and `date:`
(YYYY-MM-DD), then the answer's paragraphs, verbatim:

    ## 怎么给绿会捐款？
    also: How can I donate to the foundation? / 可以網上捐款嗎
    source: https://example.org/donate
    date: 2026-12-01

    The staff's answer, verbatim, one or more paragraphs.

A pair's date is its `date:` line; without one, the file's modification date (the bot writes a
`date:` line for every pair it adds, so rewriting the file does not change older pairs' dates).
Any problem is a `CorpusError` naming the file and the line: a reindex refuses the corpus and the
previous index keeps serving. The text is kept as typed; it is escaped wherever it is shown.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from cepf_bot.errors import CorpusError
from cepf_bot.files import file_digest, place_file, read_raw
from cepf_bot.types import FaqPair

FAQ_FILE = "faq.md"
FAQ_SUFFIX = ".faq.md"
# What one Telegram message carries (4,096 UTF-16 units, counted after the HTML is parsed) less
# the room of the label line above it (「常见问题 · 2026年12月1日」, "FAQ · 1 December 2026")
LABEL_ROOM = 96
MAX_ANSWER_CHARS = 4096 - LABEL_ROOM
MAX_QUESTION_CHARS = 300
ALSO_SEPARATOR = " / "
_FIELD = re.compile(r"^(also|source|date)\s*[:：]\s*(.*)$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINK = re.compile(r"^https?://\S+$")


def is_faq_file(path: Path) -> bool:
    """`faq.md`, or a name ending in `.faq.md`."""
    return path.name == FAQ_FILE or path.name.endswith(FAQ_SUFFIX)


def pair_id(question: str) -> str:
    """A short, stable id of a pair: a hash of its question, blind to width and case."""
    normal = " ".join(unicodedata.normalize("NFKC", question).lower().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:8]


def utf16_length(text: str) -> int:
    """How Telegram counts a message's length."""
    return len(text.encode("utf-16-le")) // 2


def parse_faq(path: Path, text: str, *, modified: str = "") -> list[FaqPair]:
    """The pairs of one Q&A file; a `CorpusError` naming the file and its line for the first
    problem. `modified`: the file's modification date, for pairs without a `date:` line."""
    pairs: list[FaqPair] = []
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    for i, line in enumerate(lines[: starts[0] if starts else len(lines)]):
        if line.strip() and not line.startswith("# "):
            raise CorpusError(f"{path}:{i + 1}: text before the first question (a question is "
                              "a line that starts with '## ')")
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        pairs.append(_pair(path, lines, start, end, modified))
    seen: dict[str, int] = {}
    for pair in pairs:
        if pair.id in seen:
            raise CorpusError(f"{path}:{pair.line}: the same question as line {seen[pair.id]}")
        seen[pair.id] = pair.line
    return pairs


def _pair(path: Path, lines: list[str], start: int, end: int, modified: str) -> FaqPair:
    question = lines[start][3:].strip()
    where = f"{path}:{start + 1}"
    if not question:
        raise CorpusError(f"{where}: a '## ' heading with no question")
    if len(question) > MAX_QUESTION_CHARS:
        raise CorpusError(f"{where}: question longer than {MAX_QUESTION_CHARS} characters")
    fields: dict[str, str] = {}
    body_start = start + 1
    for i in range(start + 1, end):
        line = lines[i].strip()
        if not line and not fields:
            body_start = i + 1
            continue
        m = _FIELD.match(line)
        if not m or lines[i].startswith(" "):
            break
        name = m.group(1).lower()
        if name in fields:
            raise CorpusError(f"{path}:{i + 1}: a second '{name}:' line for one question")
        fields[name] = m.group(2).strip()
        body_start = i + 1
    also = tuple(w.strip() for w in fields.get("also", "").split(ALSO_SEPARATOR.strip())
                 if w.strip())
    source = fields.get("source", "")
    if "source" in fields and not _LINK.match(source):
        raise CorpusError(f"{where}: source is not an http(s) link: {source[:80]!r}")
    when = fields.get("date", "")
    if "date" in fields and not _valid_date(when):
        raise CorpusError(f"{where}: date is not YYYY-MM-DD: {when[:40]!r}")
    body = lines[body_start:end]
    for i, line in enumerate(body, body_start + 1):
        if line.startswith("# "):
            raise CorpusError(f"{path}:{i}: a '# ' heading inside an answer (a question starts "
                              "with '## ')")
    answer = "\n".join(body).strip()
    answer = re.sub(r"\n{3,}", "\n\n", answer)
    if not answer:
        raise CorpusError(f"{where}: the question has no answer (paragraphs under it)")
    if utf16_length(answer) > MAX_ANSWER_CHARS:
        raise CorpusError(f"{where}: answer longer than one message can carry "
                          f"({utf16_length(answer)} characters; at most {MAX_ANSWER_CHARS})")
    return FaqPair(id=pair_id(question), question=question, also=also, answer=answer,
                   source=source, date=when or modified, file=path.name, line=start + 1)


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def modified_date(path: Path) -> str:
    """The file's modification date (UTC), YYYY-MM-DD ("" when it cannot be read)."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    except OSError:
        return ""


def faq_text(pairs: Sequence[FaqPair]) -> str:
    """The pairs as a Q&A file (what the bot writes when staff add or remove a pair)."""
    parts = []
    for pair in pairs:
        head = [f"## {pair.question}"]
        if pair.also:
            head.append("also: " + ALSO_SEPARATOR.join(pair.also))
        if pair.source:
            head.append(f"source: {pair.source}")
        if pair.date:
            head.append(f"date: {pair.date}")
        parts.append("\n".join(head) + "\n\n" + pair.answer + "\n")
    return "\n".join(parts)


def read_faq(root: Path, files: Mapping[Path, tuple[int, int] | None],
             digests: dict[str, str], max_file_bytes: int) -> tuple[FaqPair, ...]:
    """Every pair of the Q&A `files` (their digests added to `digests`); a `CorpusError` naming
    the file and line of the first bad pair, or of a question asked in two files."""
    pairs: list[FaqPair] = []
    seen: dict[str, str] = {}
    for path, identity in files.items():
        data = read_raw(path, max_bytes=max_file_bytes, identity=identity)
        digests[path.relative_to(root).as_posix()] = file_digest(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise CorpusError(f"{path}:{line}: not UTF-8 text") from None
        for pair in parse_faq(path, text.removeprefix("\ufeff"), modified=modified_date(path)):
            if pair.id in seen:
                raise CorpusError(f"{path}:{pair.line}: the same question as {seen[pair.id]}")
            seen[pair.id] = f"{path}:{pair.line}"
            pairs.append(pair)
    return tuple(pairs)


def changed_faq(root: Path, files: Sequence[Path], change: Callable[[list[FaqPair]],
                list[FaqPair]], *, pair_id: str = "") -> tuple[Path, bytes | None]:
    """Apply `change` to the pairs of one Q&A file and write it whole (temporary file, fsync,
    rename): the file holding `pair_id` when given, else the corpus's `faq.md`. The file and
    the bytes it had (None when it is new), for `restore_faq`. A `CorpusError` when the file
    holding the pair cannot be found or read, an `OSError` when it cannot be written."""
    target = root / FAQ_FILE
    for path in files:
        if pair_id and any(p.id == pair_id for p in _file_pairs(path)):
            target = path
            break
    else:
        if pair_id:
            raise CorpusError(f"{root}: no question with the id {pair_id} (removed already?)")
    previous = target.read_bytes() if target.exists() else None
    pairs = _file_pairs(target) if previous is not None else []
    head = "# 常见问题\n\n" if previous is None or previous.startswith(b"# ") else ""
    place_file(target, (head + faq_text(change(pairs))).encode("utf-8"), overwrite=True,
               mode=0o644)
    return target, previous


def _file_pairs(path: Path) -> list[FaqPair]:
    data = read_raw(path)
    try:
        return parse_faq(path, data.decode("utf-8").removeprefix("\ufeff"),
                         modified=modified_date(path))
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text") from None


def restore_faq(target: Path, previous: bytes | None) -> None:
    """Put a Q&A file back as it was before `changed_faq` (the reindex failed)."""
    if previous is None:
        target.unlink(missing_ok=True)
    else:
        place_file(target, previous, overwrite=True, mode=0o644)
