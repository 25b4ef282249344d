"""The upload's preview applies the limits the reindex applies (L1): a file it offers to add
is one the reindex takes, and one the reindex would refuse is refused at the preview, its limit
said as the README says it."""

import shutil

import pytest

from cepf_bot.corpus.upload import megabytes, preview_upload, size_refusal
from cepf_bot.errors import CorpusError
from tests.conftest import REPO_CORPUS, open_engine

LIMIT = 200_000  # CEPF_MAX_FILE_BYTES, lower than the default 5 MB


def _markdown(size: int) -> bytes:
    head = "# 上传测试\n\n".encode()
    line = b"The foundation held a volunteer training on wetland birds.\n\n"
    body = line * ((size - len(head)) // len(line) + 1)
    return head + body[: size - len(head) - 1] + b"\n"


def test_the_readme_says_limits_in_whole_mb_or_at_most_two_decimals():
    assert megabytes(5 * 1024 * 1024) == "5"
    assert megabytes(20 * 1024 * 1024) == "20"
    assert megabytes(1024 * 1024 * 3 // 2) == "1.5"
    assert megabytes(LIMIT) == "0.19"
    assert dict(size_refusal("big.md", 7_029_013)) == {"size": pytest.approx(6.703, abs=1e-3),
                                                        "limit": "5"}
    assert size_refusal("big.pdf", 7_029_013) == ()  # 20 MB for PDF and Word


@pytest.mark.parametrize("size", [LIMIT - 5, LIMIT, LIMIT + 1, LIMIT + 5000])
def test_the_preview_refuses_exactly_what_the_reindex_refuses(tmp_path, monkeypatch, size):
    monkeypatch.setenv("CEPF_MAX_FILE_BYTES", str(LIMIT))
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS, corpus)
    engine = open_engine(corpus, tmp_path / "idx")
    data = _markdown(size)
    assert len(data) == size
    preview = engine.preview_upload("upload.md", data)
    if preview.document is None:
        assert preview.reason == "upload_too_large"
        assert dict(preview.values)["limit"] == "0.19"
        with pytest.raises(CorpusError, match=r"upload\.md"):  # the reindex refuses it too
            engine.add_upload(_forced(preview), data)
        assert not (corpus / "upload.md").exists()
    else:
        info, replaced = engine.add_upload(preview, data)  # offered, so it must go in
        assert not replaced and "upload" in {d.id for d in info.documents}
    assert (preview.document is None) == (size > LIMIT)


def _forced(preview):  # type: ignore[no-untyped-def]
    """The preview as if it had offered Add: what the reindex does with the file."""
    from dataclasses import replace

    from cepf_bot.corpus.upload import DocumentSummary
    return replace(preview, document=DocumentSummary("上传测试", "md", 1, ""))


def test_preview_upload_takes_the_reindex_setting(tmp_path):
    data = _markdown(LIMIT + 1)
    assert preview_upload(tmp_path, "a.md", data, [], []).document is not None
    refused = preview_upload(tmp_path, "a.md", data, [], [], max_file_bytes=LIMIT)
    assert refused.document is None and "at most 200,000" in refused.error
