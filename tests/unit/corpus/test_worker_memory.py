"""The reading worker judges its memory by what it holds itself, not by the process that
started it: Linux carries getrusage's peak across exec, so a worker started by a bot (or a
test run) holding 500 MB read every error as "needs more than 512 MB of memory"."""


import pytest

from cepf_bot.corpus.worker import ReadLimits, read_bounded
from cepf_bot.errors import CorpusError

MB = 1024 * 1024


def test_a_worker_started_by_a_big_process_names_the_files_own_error(tmp_path):
    held = bytearray(500 * MB)
    held[::4096] = b"\1" * len(held[::4096])  # resident, not only reserved
    # 509 MB: no idle worker of an earlier test has this limit, so a new one starts now
    with pytest.raises(CorpusError) as raised:
        read_bounded(tmp_path / "bad.md", b"# x\n\xff", ReadLimits(memory_mb=509))
    assert "UTF-8" in str(raised.value) and "memory" not in str(raised.value)
    assert raised.value.code != "too_much_memory"
    del held


def test_a_file_over_the_limit_is_still_refused_for_memory(tmp_path):
    text = ("# 大\n\n" + "绿色发展基金会保护生物多样性。" * 2_000_000).encode()  # ~90 MB
    with pytest.raises(CorpusError) as raised:
        read_bounded(tmp_path / "huge.md", text, ReadLimits(memory_mb=200, seconds=60))
    assert "needs more than 200 MB of memory (the limit per file)" in str(raised.value)
    assert raised.value.code == "too_much_memory"
