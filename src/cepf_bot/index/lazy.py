"""Sequences of passages made only when asked for: a loaded index's, a range of it, a chain.

A loaded index keeps ids and titles in memory and decodes a passage's text from the mapped
`texts.bin` only when a query returns it, so a cold start stays short at 100,000 passages.
"""

from __future__ import annotations

import bisect
import mmap
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from cepf_bot.types import DocumentInfo, Passage


class LazyPassages(Sequence[Passage]):
    """Passages made only when asked for: subclasses say how many and how to make one."""

    def _passage(self, i: int) -> Passage:
        raise NotImplementedError

    def ids(self) -> list[str]:
        """Every passage's id, in order (subclasses that keep ids decode no text for it)."""
        return [self._passage(i).id for i in range(len(self))]

    @overload
    def __getitem__(self, i: int) -> Passage: ...
    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...
    def __getitem__(self, i: int | slice) -> Passage | list[Passage]:
        if isinstance(i, slice):
            return [self._passage(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._passage(i)


class PassageStore(LazyPassages):
    """A loaded index's passages: ids and titles in memory, texts decoded from the mapped
    `texts.bin` only when asked for."""

    def __init__(self, rows: list[list[Any]], documents: tuple[DocumentInfo, ...],
                 texts: bytes | mmap.mmap, offsets: np.ndarray) -> None:
        # [passage id, document index, title, paragraph key, section, page, original's id]
        self._rows = rows
        self._documents = documents
        self._texts = texts
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._rows)

    def ids(self) -> list[str]:
        return [row[0] for row in self._rows]

    def _passage(self, i: int) -> Passage:
        pid, doc, title, paragraph, section, page, original = self._rows[i]
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        document = self._documents[doc]
        return Passage(pid, document.id, document.title, title,
                       bytes(self._texts[start:end]).decode("utf-8", "replace"), paragraph, section,
                       page, document.url, original)


class PassageRange(LazyPassages):
    """Passages `start` to `stop` of a `PassageStore` (one document's), which a new index can
    copy as they are stored."""

    def __init__(self, store: PassageStore, start: int, stop: int) -> None:
        self._store, self._start, self._stop = store, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    def _passage(self, i: int) -> Passage:
        return self._store._passage(self._start + i)

    def ids(self) -> list[str]:
        return [row[0] for row in self._store._rows[self._start : self._stop]]

    def stored(self) -> tuple[list[list[Any]], memoryview, np.ndarray]:
        """The passages' [id, document index, title, paragraph key, section, page, original]
        rows, their texts' UTF-8 one after another (a view of the stored bytes), and each
        text's length in bytes."""
        offsets = np.asarray(self._store._offsets[self._start : self._stop + 1])
        return (self._store._rows[self._start : self._stop],
                memoryview(self._store._texts)[int(offsets[0]) : int(offsets[-1])],
                np.diff(offsets))


class PassageChain(LazyPassages):
    """The passages of several documents, one after another."""

    def __init__(self, documents: Sequence[Sequence[Passage]]) -> None:
        self.documents = documents
        self._starts: list[int] = np.cumsum([0, *(len(d) for d in documents)]).tolist()

    def __len__(self) -> int:
        return self._starts[-1]

    def _passage(self, i: int) -> Passage:
        d = bisect.bisect_right(self._starts, i) - 1
        return self.documents[d][i - self._starts[d]]

    def ids(self) -> list[str]:
        return [pid for document in self.documents for pid in passage_ids(document)]


def passage_ids(passages: Sequence[Passage]) -> list[str]:
    """The passages' ids in order, without decoding a stored passage's text."""
    return passages.ids() if isinstance(passages, LazyPassages) else [p.id for p in passages]
