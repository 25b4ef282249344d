"""Corpus files read in a bounded worker process: a hostile file costs its limits, never the bot.

A Word zip bomb or a PDF whose pages share one huge content stream can make a reader run for
minutes and take gigabytes. Every document (for a reindex and for an upload's preview alike) is
therefore read by `read_bounded` in a child process (`python -m cepf_bot.corpus.worker`) that
has a wall-clock limit per file, a memory limit (`RLIMIT_AS`) and a limit on the characters it
may return. Over a limit is one `CorpusError` naming the file and the limit; the child is killed
and the next file gets a fresh one. Workers that stayed small are reused, so a corpus of
thousands of small files does not pay a process start for each.

The protocol is one JSON line and the file's bytes in, one JSON line out; nothing is pickled.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from cepf_bot.corpus.document import Block, DocumentText
from cepf_bot.errors import CorpusError

log = logging.getLogger(__name__)

READ_SECONDS = 30.0
READ_MEMORY_MB = 512
MAX_DOCUMENT_CHARS = 5_000_000
_KEEP_WORKER_RSS_KB = 200 * 1024  # a worker that grew past this is not reused
_IDLE_WORKERS = 2


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may cost: seconds of wall clock, megabytes of address space, and
    characters of text."""

    seconds: float = READ_SECONDS
    memory_mb: int = READ_MEMORY_MB
    max_chars: int = MAX_DOCUMENT_CHARS


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cepf_bot.corpus.worker", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True)  # a Ctrl-C to the bot is not the worker's to get

    def request(self, path: Path, data: bytes, limits: ReadLimits) -> dict[str, object]:
        """The worker's reply for one file; a `CorpusError` when it runs out of time or dies."""
        assert self.process.stdin is not None and self.process.stdout is not None
        header = {"path": str(path), "size": len(data), "seconds": limits.seconds,
                  "max_chars": limits.max_chars}
        try:
            self.process.stdin.write(json.dumps(header).encode() + b"\n" + data)
            self.process.stdin.flush()
        except OSError:
            pass  # it died: the read below says how
        deadline = time.monotonic() + limits.seconds
        fd = self.process.stdout.fileno()
        chunks: list[bytes] = []
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.kill()
                    raise CorpusError(f"{path}: reading it took more than {limits.seconds:g} s "
                                      "(the limit per file)", code="too_slow", file=path.name,
                                      seconds=limits.seconds)
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise CorpusError(f"{path}: {self._death()}", code="reader_stopped",
                                      file=path.name, memory_mb=self.memory_mb)
                chunks.append(chunk)
                if chunk.endswith(b"\n"):
                    return json.loads(b"".join(chunks))  # type: ignore[no-any-return]

    def _death(self) -> str:
        self.kill()
        code = self.process.returncode
        how = signal.Signals(-code).name if code is not None and code < 0 \
            else f"exit status {code}"
        return (f"its reader stopped ({how}): over the limit of {self.memory_mb} MB of memory "
                "or of CPU time per file")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]


class _Workers:
    """Idle workers to reuse, shared by the threads of a process (a reindex and a preview)."""

    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def worker(self, memory_mb: int) -> Iterator[_Worker]:
        with self._lock:
            found = next((w for w in self._idle if w.memory_mb == memory_mb), None)
            if found is not None:
                self._idle.remove(found)
        worker = found if found is not None and found.alive() else _Worker(memory_mb)
        keep = False
        try:
            yield worker
            keep = worker.alive()
        finally:
            with self._lock:
                if keep and len(self._idle) < _IDLE_WORKERS:
                    self._idle.append(worker)
                    worker = None  # type: ignore[assignment]
            if worker is not None:
                worker.kill()


_WORKERS = _Workers()


def read_bounded(path: Path, data: bytes, limits: ReadLimits | None = None) -> DocumentText | None:
    """`readers.read_document` in a worker process within `limits`: the text of the file, None
    when it has no text to index (logged), a `CorpusError` naming the file otherwise."""
    limits = limits or ReadLimits()
    with _WORKERS.worker(limits.memory_mb) as worker:
        reply = worker.request(path, data, limits)
        if int(reply.get("maxrss_kb", 0)) > _KEEP_WORKER_RSS_KB:  # type: ignore[call-overload]
            worker.kill()
    for line in reply.get("warnings", []):  # type: ignore[attr-defined]
        log.warning("%s", line)
    if "error" in reply:
        params = reply.get("params") or {}
        assert isinstance(params, dict)
        raise CorpusError(str(reply["error"]), code=str(reply.get("code") or ""), **params)
    text = reply.get("text")
    if text is None:
        return None
    assert isinstance(text, dict)
    blocks = [Block(list(b["lines"]), b["section"], int(b["page"])) for b in text["blocks"]]
    return DocumentText(text["title"], blocks, dict(text["metadata"]), text["url"],
                        text["format"])


# The worker's side: runs in the child process only.

class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _peak_rss_kb() -> int:
    """The most memory this process has held, in kB: Linux's VmHWM, which counts this
    program only. getrusage's ru_maxrss also keeps the peak of the process that started it
    (Linux carries it across exec): a worker started by a bot holding 450 MB would read as
    over its limit before reading anything."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _serve(memory_mb: int) -> None:
    import resource

    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library that prints cannot break the protocol
    requests = sys.stdin.buffer
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    logging.getLogger().setLevel(logging.CRITICAL)  # pypdf's and trafilatura's chatter
    warnings = _Warnings()
    ours = logging.getLogger("cepf_bot")
    ours.setLevel(logging.WARNING)
    ours.addHandler(warnings)
    ours.propagate = False
    from cepf_bot.corpus.reading import read_document

    while header := requests.readline():
        request = json.loads(header)
        data = requests.read(request["size"])
        used = resource.getrusage(resource.RUSAGE_SELF)
        cpu = int(used.ru_utime + used.ru_stime + float(request["seconds"])) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
        warnings.lines.clear()
        path = Path(request["path"])
        reply: dict[str, object]
        try:
            text = read_document(path, data)
            del data
            chars = 0 if text is None else sum(len(line) for b in text.blocks for line in b.lines)
            if chars > request["max_chars"]:
                raise CorpusError(f"{path}: more than {request['max_chars']:,} characters of "
                                  "text (the limit per document)", code="too_much_text",
                                  file=path.name, limit=request["max_chars"])
            reply = {"text": None if text is None else asdict(text)}
        except CorpusError as e:  # what went wrong as values too, for a reply in any language
            reply = {"error": str(e), "code": e.code, "params": e.params}
        except MemoryError:
            text = None
            reply = {"error": f"{path}: reading it needs more than {memory_mb} MB of memory "
                              "(the limit per file)", "retire": True, "code": "too_much_memory",
                     "params": {"file": path.name, "memory_mb": memory_mb}}
        except Exception as e:  # the reader's own bug: still one line naming the file
            reply = {"error": f"{path}: cannot read ({type(e).__name__}: {e})",
                     "code": "read_failed", "params": {"file": path.name}}
        reply["warnings"] = list(warnings.lines)
        reply["maxrss_kb"] = _peak_rss_kb()
        if "error" in reply and reply["maxrss_kb"] * 1024 > 0.8 * limit:  # type: ignore[operator]
            # a library out of memory says so in its own words ("XMLSyntaxError: unknown
            # error"): name the limit instead
            reply["error"] = (f"{path}: reading it needs more than {memory_mb} MB of memory "
                              "(the limit per file)")
            reply["code"], reply["params"] = "too_much_memory", {"file": path.name,
                                                                "memory_mb": memory_mb}
            reply["retire"] = True
        if reply.get("retire"):
            reply["maxrss_kb"] = 1 << 40
        replies.write(json.dumps(reply).encode() + b"\n")
        replies.flush()
        text = None


if __name__ == "__main__":
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else READ_MEMORY_MB)
