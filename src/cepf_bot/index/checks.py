"""What a loaded index must look like beyond its checksums: the shapes of passages.json and
terms.json, and the kinds, ranges and lengths of the postings arrays.

Checksums prove only that the files are the ones meta.json names, not that a writer was ours
(a tampered index with its checksums recomputed); these checks stop such an index on load.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cepf_bot.types import DocumentInfo


def check_rows(rows: object, documents: tuple[DocumentInfo, ...], terms: object) -> None:
    """A `ValueError` unless passages.json and terms.json have the shapes the searcher reads:
    checksums prove only that the files are the ones meta.json names, not that a writer was
    ours (a tampered index with its checksums recomputed)."""
    if not isinstance(rows, list) or not isinstance(terms, list):
        raise ValueError("passages or terms are not lists")
    if not all(isinstance(t, str) for t in terms) or len(set(terms)) != len(terms):
        raise ValueError("terms are not distinct strings")
    for d in documents:
        if (not isinstance(d.id, str) or not isinstance(d.title, str)
                or not isinstance(d.passages, int) or d.passages < 0
                or not isinstance(d.metadata, dict) or not isinstance(d.url, str)
                or not isinstance(d.format, str)):
            raise ValueError(f"document {d.id!r} is malformed")
    if sum(d.passages for d in documents) != len(rows):
        raise ValueError("the documents' passage counts do not add up")
    strings = (0, 2, 3, 4, 6)
    for row in rows:
        if (not isinstance(row, list) or len(row) != 7
                or not all(isinstance(row[i], str) for i in strings)
                or not isinstance(row[1], int) or not 0 <= row[1] < len(documents)
                or not isinstance(row[5], int) or row[5] < 0):
            raise ValueError(f"passage {str(row)[:80]} is malformed")


def array_problem(arrays: dict[str, np.ndarray], parts: dict[str, np.ndarray],
                   text_offsets: np.ndarray, passages: int) -> str:
    """What is wrong with the postings arrays ("" when nothing): their kinds, ranges and
    lengths, checked whole (vectorised: a few ms at 100k passages) so that no question can
    index past the passages or read a text out of place."""
    kinds = {"idf": "f", "weights": "f", "offsets": "iu", "docs": "iu", "tf": "iu",
             "doc_len": "iu", "term_lexicon_ids": "iu"}
    every = {**arrays, **parts, "text_offsets": text_offsets}
    for name, array in every.items():
        if array.ndim != 1 or array.dtype.kind not in kinds.get(name, "iu"):
            return f"{name} is not a vector of the right kind"
    offsets, docs = arrays["offsets"], arrays["docs"]
    if len(arrays["weights"]) != len(docs) or len(arrays["idf"]) != len(offsets) - 1:
        return "postings lengths do not match"
    if int(offsets[0]) != 0 or int(offsets[-1]) != len(docs) or bool((np.diff(offsets) < 0).any()):
        return "postings offsets out of order"
    if any(int(block.min()) < 0 or int(block.max()) >= passages for block in _blocks(docs)):
        return "postings point past the passages"
    if int(text_offsets[0]) != 0 or bool((np.diff(text_offsets) < 0).any()):
        return "text offsets out of order"
    if not (np.isfinite(arrays["idf"]).all()
            and all(np.isfinite(block).all() for block in _blocks(arrays["weights"]))):
        return "scores are not finite"
    if any(int(block.min()) < 0 for a in ("tf", "doc_len", "term_lexicon_ids")
           for block in _blocks(parts[a])):
        return "negative counts"
    return ""


BLOCK = 1 << 20  # elements a whole-array check reads at a time


def _blocks(array: np.ndarray) -> Iterator[np.ndarray]:
    """The array's elements in non-empty blocks, read from its file when it is mapped: a check
    of every posting then leaves no page of the 120 MB weights mapped in (and counted in the
    resident memory of) the process, only a block at a time."""
    if not isinstance(array, np.memmap) or array.filename is None:
        if len(array):
            yield array
        return
    with open(array.filename, "rb") as f:
        f.seek(array.offset)
        for start in range(0, len(array), BLOCK):
            block = np.fromfile(f, dtype=array.dtype, count=min(BLOCK, len(array) - start))
            if not len(block):  # the file shrank since its checksum was read
                return
            yield block
