"""Every error cepf-bot raises on purpose, under one base, and the one line that shows one.

    CepfError
    ├── ConfigError        a setting is missing or malformed (names the setting, never a secret)
    ├── CorpusError        a corpus file or the folder cannot be used (names the file)
    ├── UploadError        an upload cannot go into the corpus (says why, for the person)
    ├── ReaderError        a reader cannot take a file
    │   ├── Unreadable     encrypted, damaged, not this format
    │   └── NoText         nothing to index (a scan without a text layer): skipped, warned
    ├── IndexLoadError     the index is missing, damaged, or of a format this version cannot read
    │   ├── IndexMissing   no index has been written at this path yet
    │   └── IndexNewer     written by a newer cepf-bot: never read, replaced or deleted by this one
    └── EvalFileError      a question file is malformed (names the line)

An `OSError` is not wrapped: `os_error_line` gives it the same one-line form.

Each error may carry a `code` and its `params` (what went wrong, as values: `too_many_pages`
with `pages` and `limit`): the message stays English for logs and the CLI, and a reply renders
the code in the reader's own language (`reply.texts.error_detail`).
"""

from __future__ import annotations

from pathlib import Path


class CepfError(Exception):
    """An error cepf-bot raises on purpose; its message is one line for a person to read,
    `code` and `params` the same for a reply in another language ("" when it has none)."""

    def __init__(self, message: str = "", *, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class ConfigError(CepfError):
    """A setting is missing or malformed; the message names the setting, never its secret value."""


class CorpusError(CepfError):
    """A corpus file (or the folder) cannot be used; the message names it and the problem."""


class UploadError(CepfError):
    """The upload cannot go into the corpus; the message says why, for the person."""


class ReaderError(CepfError):
    """A reader cannot take a file (the caller adds the file's name)."""


class Unreadable(ReaderError):
    """A file a reader cannot take; the message says why (encrypted, damaged, not this format)."""


class NoText(ReaderError):
    """A file with nothing to index (a scanned PDF without a text layer): skipped, with a
    warning."""


class IndexLoadError(CepfError):
    """The index cannot be used: missing, damaged, or of a format this version cannot read."""


class IndexMissing(IndexLoadError):
    """No index has been written at this path yet."""


class IndexNewer(IndexLoadError):
    """The index is of a newer format than this version writes: it is left as it is (a reindex
    by this version would replace it, and the next would delete it)."""


class EvalFileError(CepfError):
    """The question file is malformed; the message names the line."""


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


def error_line(error: BaseException) -> str:
    """The one line a person sees for `error`: its message, or the OS's words with the path."""
    if isinstance(error, OSError):
        return os_error_line(error)
    return str(error) or type(error).__name__
