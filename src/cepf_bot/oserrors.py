"""One line for an OSError: the path and the cause, never an empty message."""

from __future__ import annotations

from pathlib import Path


def os_error_line(error: OSError, path: str | Path | None = None) -> str:
    """'<path>: <cause>' — the error's own file name first, else `path`; the cause is the
    system's words (No space left on device) or, failing those, the error's class."""
    where = error.filename or path
    cause = error.strerror or str(error) or type(error).__name__
    return f"{where}: {cause}" if where else cause


def with_path(error: OSError, path: str | Path) -> OSError:
    """The same error, naming `path` when it named none (np.save and write() do not)."""
    if error.filename:
        return error
    return type(error)(error.errno, error.strerror or str(error) or type(error).__name__,
                       str(path))
