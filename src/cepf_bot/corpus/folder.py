"""Corpus files -> documents and passages, plus the vocabulary files kept beside them.

A corpus is a folder. Every document file in it (recursively) is a document: Markdown (`*.md`,
except `README.md`) and plain text (`*.txt`, except the word files at the top), web pages
(`*.html`, `*.htm`), Word files (`*.docx`) and PDF (`*.pdf`). Each format's reader
(`document_text`) gives a title, a link and blocks of lines under sections; here blocks become
passages. A block is a passage; a long list paragraph becomes one passage per item, and one
over MAX_PASSAGE_CHARS is cut at sentence ends (`corpus.document.bounded_pieces`). A short
first sentence without a comma titles its passage.

Beside the documents live the word files (`vocabulary.py`). Every problem with a file is a
`CorpusError` that names the file.

A passage's id is the document's id and a short hash of its own text (`document#3f9a0c12`, with
`-2`, `-3` for repeats of the same text in one document): an edit elsewhere in the document
changes no other passage's id, so the query log's ids and feedback stay right across edits.
A Markdown document's id is its path without `.md`; any other's is its path with its suffix
(`reports/2019.pdf`), so a PDF and its Word version are two documents.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cepf_bot.analysis.script import HAN_CHARACTER
from cepf_bot.analysis.vocabulary import WORD_FILES, Vocabulary, read_vocabulary
from cepf_bot.corpus.document import Block, DocumentText, bounded_pieces, join_slight, list_units
from cepf_bot.corpus.faq import is_faq_file, read_faq
from cepf_bot.corpus.readers.markdown import markdown_document
from cepf_bot.corpus.reading import format_of
from cepf_bot.corpus.worker import ReadLimits, read_bounded
from cepf_bot.errors import CorpusError
from cepf_bot.files import DEFAULT_MAX_FILE_BYTES, file_digest, fingerprint, read_raw
from cepf_bot.types import Document, FaqPair, Lang, Passage

__all__ = ["Corpus", "corpus_fingerprint", "faq_files", "faq_pairs",
           "load_corpus", "parse_document"]

log = logging.getLogger("cepf_bot.corpus")

_FIRST_SENTENCE = re.compile(r"^(.+?[。！？!?])")
_TITLE_MAX_CHARS = 40
PASSAGE_ID_CHARS = 8
# Page furniture: credit lines (整理/… 审/… 编/…) and "as of" lines (截止至2020年8月25日).
_FURNITURE = re.compile(
    r"^[（(]?\s*(?:截止至|截止|截至|统计截至|数据截至)"
    r"|^(?:(?:整理|审核|审|校对|编辑|编|责编|责任编辑|撰稿|作者|来源|摄影)\s*[/:：]\s*\S+\s*)+$")
DOCUMENT_INFO_TITLE = "文档信息"
TEXT_FORMATS = ("md", "txt", "html")
MAX_TITLE_CHARS = 200
MAX_PASSAGES = 50_000  # per document: a bomb's million passages would stall every question
MAX_BINARY_BYTES = 20 * 1024 * 1024  # Word and PDF: Telegram's limit for a bot's download


def size_limit(path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> int:
    """The most bytes a corpus file of this format may have: 5 MB for text, 20 MB for Word
    and PDF (the reindex refuses a larger one; an upload is checked against the same)."""
    return max_file_bytes if format_of(path) in TEXT_FORMATS else max(max_file_bytes,
                                                                         MAX_BINARY_BYTES)
EXAMPLES_FILE = "examples.txt"
# Files of the corpus folder's top that are not documents, whatever their suffix
NOT_DOCUMENTS = ("README.md", EXAMPLES_FILE, *WORD_FILES)


@dataclass(frozen=True)
class Corpus:
    """The documents of a corpus folder, its word files, and the fingerprint of both."""

    root: Path
    documents: tuple[Document, ...]
    vocabulary: Vocabulary
    fingerprint: str
    faq: tuple[FaqPair, ...] = ()  # the staff's question-answer pairs (`corpus.faq`)

    @property
    def passages(self) -> list[Passage]:
        return [p for d in self.documents for p in d.passages]


def document_paths(root: Path) -> list[Path]:
    """The corpus's document files in a stable order. Symlinked folders are not followed; a
    special file (a FIFO, a device, a socket) is skipped, never opened, and so is a symlinked
    file that points outside the corpus folder, each with a warning naming it."""
    return list(document_files(root))


def document_files(root: Path, *, faq: bool = False) -> dict[Path, tuple[int, int] | None]:
    """`document_paths`, each with the (device, inode) it had when listed: reading checks
    that it is still that file (None: a broken link, whose reading names the problem).
    `faq`: the Q&A files instead (`faq.md`, `*.faq.md`), listed under the same rules."""
    paths: dict[Path, tuple[int, int] | None] = {}
    inside = root.resolve()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if not (is_faq_file(path) and not name.startswith(".") if faq
                    else _is_document(root, path)):
                continue
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:  # the bytes of a name that is not UTF-8, as Python's repr
                raise CorpusError(f"{os.fsencode(path)!r}: file name is not valid UTF-8 "
                                  "(rename the file)") from None
            if path.is_symlink() and not _points_inside(path, inside):
                log.warning("%s: skipped, a link to a file outside the corpus folder", path)
                continue
            try:
                info = path.stat()
            except OSError:
                paths[path] = None  # a broken link: reading it names the problem
                continue
            if not stat.S_ISREG(info.st_mode):
                log.warning("%s: skipped, not a regular file", path)
                continue
            paths[path] = (info.st_dev, info.st_ino)
    return paths


def _is_document(root: Path, path: Path) -> bool:
    name = path.name
    if (name.startswith(".") or format_of(path) is None or name == "README.md"
            or is_faq_file(path)):
        return False
    return not (path.parent == root and name in NOT_DOCUMENTS)


def document_id(root: Path, path: Path) -> str:
    """`reports/2019` for reports/2019.md; `reports/2019.pdf` for any other format."""
    relative = path.relative_to(root)
    return (relative.with_suffix("") if relative.suffix == ".md" else relative).as_posix()


def _points_inside(link: Path, root: Path) -> bool:
    try:
        return link.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop: reading it names the problem
        return True


def is_furniture(line: str) -> bool:
    """A credit line or an "as of" line: about the page, not the foundation."""
    return bool(_FURNITURE.match(line.strip()))


def _gather_furniture(blocks: list[Block], meta: dict[str, str]) -> list[Block]:
    """Paragraphs of page furniture (and the front matter's dateline) as one document-information
    passage at the end: still searchable, never a short passage that wins by its length."""
    kept, furniture = [], []
    for block in blocks:
        if all(is_furniture(line) for line in block.lines):
            furniture += block.lines
        else:
            kept.append(block)
    if meta.get("dateline"):
        furniture.insert(0, meta["dateline"])
    if furniture and kept:
        kept.append(Block(furniture, DOCUMENT_INFO_TITLE))
    return kept if kept else blocks


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
    """Split one Markdown document's text into passages; a `CorpusError` if it has no title or
    no text. `digest` is the SHA-256 of the file's bytes."""
    return document_of(doc_id, path, markdown_document(path, text), digest)


def short_title(title: str) -> str:
    """A title or heading as every reply can show it: at most MAX_TITLE_CHARS, cut with …
    (one of 5,000 characters would not fit a Telegram message beside its passage)."""
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "…"


def document_of(doc_id: str, path: Path, text: DocumentText, digest: str) -> Document:
    """A document's passages from what its reader found; a `CorpusError` if it has no title
    or no text."""
    if not text.title:
        raise CorpusError(f"{path}: no title (the first '# ' heading)", code="no_title",
                          file=path.name)
    title = short_title(text.title)
    blocks = join_slight(_gather_furniture(text.blocks, text.metadata))
    if not blocks:
        raise CorpusError(f"{path}: no text under the title", code="no_text_under_title",
                          file=path.name)
    passages = []
    seen: dict[str, int] = {}
    for block in blocks:
        body = "\n".join(block.lines)
        section = short_title(block.section) if block.section else block.section
        passage_title = (section if section == DOCUMENT_INFO_TITLE else
                         heading_like_first_sentence(body) or section or title)
        units = list_units(body)
        paragraph = passage_key(body) if len(units) > 1 else ""
        units = [piece for unit in units for piece in bounded_pieces(unit)]
        for unit in units:
            key = passage_key(unit)
            seen[key] = seen.get(key, 0) + 1
            passages.append(Passage(
                id=f"{doc_id}#{key}" + (f"-{seen[key]}" if seen[key] > 1 else ""),
                document_id=doc_id, document=title, title=passage_title, text=unit,
                paragraph=paragraph, section=section or "", page=block.page, url=text.url))
        if len(passages) > MAX_PASSAGES:
            raise CorpusError(f"{path}: more than {MAX_PASSAGES:,} passages (the limit per "
                              "document)", code="too_many_passages", file=path.name,
                              limit=MAX_PASSAGES)
    metadata = {**text.metadata, "lang": text.metadata.get("lang") or _language(passages)}
    return Document(id=doc_id, path=str(path), title=title, metadata=metadata,
                    passages=tuple(passages), digest=digest, url=text.url, format=text.format)


def _language(passages: list[Passage]) -> str:
    """"en" for a document written in English (front matter `lang:` says so otherwise),
    "zh" for one in Chinese: what most of its letters are."""
    text = "".join(p.text for p in passages[:50])
    han = len(HAN_CHARACTER.findall(text))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return "en" if latin > 4 * han else "zh"


def align_translations(documents: list[Document]) -> list[Document]:
    """Each official translation (front matter `translation_of: <document id>`) with its
    passages aligned to the original's, section by section in order, passage by passage. A
    section count or passage count that differs is a warning naming both files; those passages
    stay unaligned."""
    by_id = {d.id: d for d in documents}
    aligned = []
    for document in documents:
        original = by_id.get(document.metadata.get("translation_of", ""))
        if "translation_of" in document.metadata and original is None:
            log.warning("%s: translation_of names %r, which is not in the corpus", document.path,
                        document.metadata["translation_of"])
        if original is None or original is document:
            aligned.append(document)
            continue
        ours, theirs = _by_section(document.passages), _by_section(original.passages)
        if len(ours) != len(theirs):
            log.warning("%s has %d sections, its original %s has %d: not aligned",
                        document.path, len(ours), original.path, len(theirs))
            aligned.append(document)
            continue
        pairs = {}
        for mine, other in zip(ours, theirs, strict=True):
            if len(mine) != len(other):
                log.warning("%s: a section of %d passages against %d in %s: not aligned",
                            document.path, len(mine), len(other), original.path)
                continue
            pairs.update({p.id: o.id for p, o in zip(mine, other, strict=True)})
        passages = tuple(replace(p, original=pairs.get(p.id, "")) for p in document.passages)
        aligned.append(replace(document, passages=passages))
    return aligned


def _by_section(passages: Sequence[Passage]) -> list[list[Passage]]:
    sections: list[list[Passage]] = []
    current = None
    for passage in passages:
        if passage.section != current or not sections:
            sections.append([])
            current = passage.section
        sections[-1].append(passage)
    return sections


def passage_key(text: str) -> str:
    """A short hash of a passage's text, blind to width forms, case and white space."""
    normal = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:PASSAGE_ID_CHARS]


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def corpus_fingerprint(root: Path) -> str:
    """The fingerprint `load_corpus` would give for the files as they are now, without parsing
    anything: a cheap check whether an index is stale."""
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found")
    digests = {}
    word_files = [root / name for name in WORD_FILES if (root / name).is_file()]
    for path, identity in [*document_files(root).items(), *faq_files(root).items(),
                           *((p, None) for p in word_files)]:
        digests[_relative(root, path)] = file_digest(
            read_raw(path, max_bytes=MAX_BINARY_BYTES * 8, identity=identity))
    return fingerprint(digests)


def load_corpus(root: Path, *, vocabulary: Vocabulary | None = None,
                max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                parsed: Mapping[tuple[str, str], Document] | None = None,
                limits: ReadLimits | None = None) -> Corpus:
    """Read and split every document of the corpus folder; the first bad file raises.

    `vocabulary` is the folder's word files as already read (read now when None): the
    fingerprint covers exactly the bytes read. `parsed` holds documents split before, by id and
    digest: a file whose bytes are unchanged is taken from there instead of split again. Every
    other file is read in a worker process, within `limits` (`corpus.worker`)."""
    if not root.is_dir():
        raise CorpusError(f"{root}: corpus folder not found")
    if vocabulary is None:
        vocabulary = read_vocabulary(root, max_bytes=max_file_bytes)
    paths = document_files(root)
    if not paths:
        raise CorpusError(f"{root}: no documents (*.md, *.txt, *.html, *.docx, *.pdf) in the "
                          "corpus folder")
    documents = []
    digests: dict[str, str] = dict(vocabulary.digests)
    seen: dict[str, Path] = {}
    for path, identity in paths.items():
        data = read_raw(path, max_bytes=size_limit(path, max_file_bytes), identity=identity)
        digest = digests[_relative(root, path)] = file_digest(data)
        if digest in seen:
            raise CorpusError(f"{path}: duplicate document (same content as {seen[digest]})")
        seen[digest] = path
        doc_id = document_id(root, path)
        known = parsed.get((doc_id, digest)) if parsed else None
        if known is not None:
            documents.append(replace(known, path=str(path)))
            continue
        text = read_bounded(path, data, limits)
        if text is not None:  # None: nothing to index (a scan), and a warning said so
            documents.append(document_of(doc_id, path, text, digest))
    if not documents:
        raise CorpusError(f"{root}: no document with text in the corpus folder")
    documents = align_translations(documents)
    faq = read_faq(root, faq_files(root), digests, max_file_bytes)
    return Corpus(root=root, documents=tuple(documents), vocabulary=vocabulary,
                  fingerprint=fingerprint(digests), faq=faq)


def faq_files(root: Path) -> dict[Path, tuple[int, int] | None]:
    """The corpus's Q&A files (`faq.md`, `*.faq.md`, in any folder), as `document_files`."""
    return document_files(root, faq=True)


def faq_pairs(root: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[FaqPair, ...]:
    """The pairs of the corpus's Q&A files as they are now (a `CorpusError` for a bad one)."""
    return read_faq(root, faq_files(root), {}, max_file_bytes)



def read_examples(corpus_dir: Path) -> dict[Lang, list[str]]:
    """`examples.txt` of the corpus: "[zh]" and "[en]" sections, one question a line."""
    examples: dict[Lang, list[str]] = {Lang.ZH: [], Lang.EN: []}
    path = corpus_dir / EXAMPLES_FILE
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return examples
    current: list[str] | None = None
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line in ("[zh]", "[en]"):
            current = examples[Lang(line[1:-1])]
        elif line and current is not None:
            current.append(line)
    return examples
