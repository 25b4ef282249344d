"""Changes on disk that are whole or absent, and survive a crash."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
