"""Corpus files -> documents and passages, plus the vocabulary files kept beside them.

A corpus is a folder. Every `*.md` file in it (recursively, except `README.md`) is a document:

    ---
    date: 2020-09-06
    source: https://…
    ---
    # Document title
    ## Section heading
    A paragraph is a passage. A short first sentence without a comma is its title。…

Paragraphs are separated by blank lines; lines under a heading with no blank line between (such
as the finance block under `## 收支信息`) form one passage whose title is that heading.

Beside the documents live the vocabulary files (`dictionary.txt`, `stopwords.txt`, …) that the
segmenter uses. Every problem with a file is a `CorpusError` that names the file.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .types import Document, Passage

DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
VOCABULARY_FILES = (
    "dictionary.txt", "stopwords.txt", "synonyms.txt", "glossary.txt", "traditional.txt",
)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FIRST_SENTENCE = re.compile(r"^(.+?[。！？!?])")
_TITLE_MAX_CHARS = 40


class CorpusError(Exception):
    """A corpus file (or the folder) cannot be used; the message names it and the problem."""


@dataclass(frozen=True)
class Corpus:
    """The documents of a corpus folder and the fingerprint of everything the index depends on."""

    root: Path
    documents: tuple[Document, ...]
    fingerprint: str

    @property
    def passages(self) -> list[Passage]:
        return [p for d in self.documents for p in d.passages]


def document_paths(root: Path) -> list[Path]:
    """The corpus's document files in a stable order; symlinked folders are not followed."""
    paths = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md") and name != "README.md" and not name.startswith("."):
                paths.append(Path(folder) / name)
    return paths


def read_raw(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """A corpus file's bytes, or a `CorpusError` if it is too large or unreadable."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusError(f"{path}: file too large ({size} bytes, limit {max_bytes})")
        return path.read_bytes()
    except CorpusError:
        raise
    except OSError as e:
        raise CorpusError(f"{path}: cannot read ({e.strerror or e})") from None


def decode(path: Path, data: bytes) -> str:
    """A corpus file's text, or a `CorpusError` if it is binary or not UTF-8."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CorpusError(f"{path}: binary file (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CorpusError(
            f"{path}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """A corpus file's text, or a `CorpusError` saying why it cannot be used."""
    return decode(path, read_raw(path, max_bytes=max_bytes))


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            meta = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    meta[key.strip()] = value.strip()
            return meta, lines[end + 1 :]
    return {}, lines


def heading_like_first_sentence(text: str) -> str | None:
    """The paragraph's first sentence when it reads as a heading: short, comma-free, not all."""
    m = _FIRST_SENTENCE.match(text)
    if not m:
        return None
    sentence = m.group(1)
    if len(sentence) > _TITLE_MAX_CHARS or len(sentence) == len(text.rstrip()):
        return None
    if any(c in sentence for c in ",，;；"):
        return None
    return sentence.rstrip("。！？!?")


def parse_document(doc_id: str, path: Path, text: str, digest: str) -> Document:
    """Split one document's text into passages; a `CorpusError` if it has no title or no text.
    `digest` is the SHA-256 of the file's bytes."""
    if not text.strip():
        raise CorpusError(f"{path}: empty file")
    meta, lines = _front_matter(text.splitlines())
    title: str | None = None
    section: str | None = None
    blocks: list[tuple[str | None, list[str]]] = []
    current: list[str] = []

    def close() -> None:
        if current:
            blocks.append((section, current.copy()))
            current.clear()

    for raw in lines:
        line = raw.strip()
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading:
            close()
            if title is None and len(heading.group(1)) == 1:
                title = heading.group(2)
            else:
                section = heading.group(2)
        elif not line:
            close()
        else:
            current.append(line)
    close()

    if title is None:
        raise CorpusError(f"{path}: no title (the first '# ' heading)")
    if not blocks:
        raise CorpusError(f"{path}: no text under the title")
    passages = []
    for n, (block_section, block_lines) in enumerate(blocks, start=1):
        body = "\n".join(block_lines)
        passage_title = heading_like_first_sentence(body) or block_section or title
        passages.append(
            Passage(
                id=f"{doc_id}#{n}",
                document_id=doc_id,
                document=title,
                title=passage_title,
                text=body,
            )
        )
    return Document(id=doc_id, path=str(path), title=title, metadata=meta,
                    passages=tuple(passages), digest=digest)


def file_digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes: how a reindex recognises an unchanged file."""
    return hashlib.sha256(data).hexdigest()


def fingerprint_files(root: Path, paths: list[Path],
                      known: Mapping[Path, str] | None = None) -> str:
    """A hash of the files' relative paths and contents (the index depends on nothing else);
    `known` holds the digests of files already read."""
    known = known or {}
    h = hashlib.sha256()
    for path in paths:
        digest = known.get(path)
        if digest is None:
            try:
                digest = file_digest(path.read_bytes())
            except OSError as e:
                raise CorpusError(f"{path}: cannot read ({e.strerror or e})") from None
        h.update(f"{path.relative_to(root).as_posix()}\0{digest}\n".encode())
    return h.hexdigest()


def index_inputs(root: Path) -> list[Path]:
    """Every file an index of `root` depends on: its documents and its vocabulary files."""
    vocab = [root / name for name in VOCABULARY_FILES if (root / name).is_file()]
    return sorted(document_paths(root) + vocab)


def corpus_fingerprint(root: Path) -> str:
    """The fingerprint `load_corpus` would give, without parsing anything."""
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found")
    return fingerprint_files(root, index_inputs(root))


def load_corpus(root: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                parsed: Mapping[tuple[str, str], Document] | None = None) -> Corpus:
    """Read and split every document of the corpus folder; the first bad file raises.
    `parsed` holds documents split before, by id and digest: a file whose bytes are unchanged
    is taken from there instead of being decoded and split again."""
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found")
    paths = document_paths(root)
    if not paths:
        raise CorpusError(f"{root}: no documents (*.md) in the corpus folder")
    documents = []
    digests: dict[Path, str] = {}
    seen: dict[str, Path] = {}
    for path in paths:
        data = read_raw(path, max_bytes=max_file_bytes)
        digest = digests[path] = file_digest(data)
        if digest in seen:
            raise CorpusError(f"{path}: duplicate document (same content as {seen[digest]})")
        seen[digest] = path
        doc_id = path.relative_to(root).with_suffix("").as_posix()
        known = parsed.get((doc_id, digest)) if parsed else None
        if known is not None:
            documents.append(replace(known, path=str(path)))
        else:
            documents.append(parse_document(doc_id, path, decode(path, data), digest))
    fingerprint = fingerprint_files(root, index_inputs(root), known=digests)  # read once
    return Corpus(root=root, documents=tuple(documents), fingerprint=fingerprint)


def read_word_list(path: Path) -> list[str]:
    """Non-empty lines of a vocabulary file, without `#` comments; missing file -> empty list."""
    if not path.is_file():
        return []
    words = []
    for line in read_text(path).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words
