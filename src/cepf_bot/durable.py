"""Making a change on disk survive a crash: a folder's entries fsync'd after a rename in it."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """fsync `folder` itself: a file renamed or linked into it stays there after a crash."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
