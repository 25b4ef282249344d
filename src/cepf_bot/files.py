"""Files read safely (size limit, UTF-8, errors that name the file) and written whole
(a private temporary file, fsync, then rename or link: nobody ever sees half a file)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from cepf_bot.errors import CorpusError

DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024



def read_raw(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
             identity: tuple[int, int] | None = None) -> bytes:
    """A corpus file's bytes, or a `CorpusError` if it is too large or unreadable.

    The file is opened without following a link in its last part and without blocking (a
    FIFO swapped in after the folder was listed never hangs the reindex), checked on the open
    descriptor to be a regular file — the one listed, when `identity` (device, inode) is
    given — and read from that descriptor."""
    try:
        target = path.resolve(strict=True)  # a link inside the corpus, checked when listed
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, RuntimeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise CorpusError(f"{path}: cannot read ({reason})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CorpusError(f"{path}: not a regular file (replaced while being read?)")
        if identity is not None and (info.st_dev, info.st_ino) != identity:
            raise CorpusError(f"{path}: replaced by another file while the corpus was read; "
                              "reindex again")
        if info.st_size > max_bytes:
            raise CorpusError(f"{path}: file too large ({info.st_size} bytes, limit "
                              f"{max_bytes})")
        chunks = []
        left = max_bytes + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:  # it grew since fstat
            raise CorpusError(f"{path}: file too large (over {max_bytes} bytes)")
        return data
    except OSError as e:
        raise CorpusError(f"{path}: cannot read ({e.strerror or e})") from None
    finally:
        os.close(fd)


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
