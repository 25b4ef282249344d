"""Files read safely (size limit, UTF-8, errors that name the file) and written whole
(a private temporary file, fsync, then rename or link: nobody ever sees half a file)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from cepf_bot.errors import CorpusError

DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024



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


def file_digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes: how a reindex recognises an unchanged file."""
    return hashlib.sha256(data).hexdigest()


def fingerprint(digests: dict[str, str]) -> str:
    """One hash of files' relative paths and their digests: what an index depends on."""
    h = hashlib.sha256()
    for relative in sorted(digests):
        h.update(f"{relative}\0{digests[relative]}\n".encode())
    return h.hexdigest()


def fsync_folder(folder: Path) -> None:
    """fsync `folder` itself: a file renamed or linked into it stays there after a crash."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def place_file(target: Path, data: bytes, *, overwrite: bool, mode: int = 0o600) -> None:
    """Put `data` at `target` whole: written to a hidden private file beside it, fsync'd,
    then renamed over it (`overwrite`) or linked to its name, which raises FileExistsError
    when the name is taken (the first writer wins). Nobody ever sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)
        fsync_folder(target.parent)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
