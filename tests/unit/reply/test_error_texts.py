"""A reader's or an upload's error in the reader's language: the readers, the worker and the
upload say what went wrong as a code with values, and the reply renders it per language."""

from __future__ import annotations

import errno
import io
import re
import string
from pathlib import Path

import pytest

from cepf_bot.corpus.reading import read_document
from cepf_bot.corpus.upload import UploadPreview, preview_upload, write_upload
from cepf_bot.corpus.worker import read_bounded
from cepf_bot.errors import CorpusError, UploadError
from cepf_bot.reply.error_texts import DETAILS, error_detail
from cepf_bot.types import Lang

BROKEN_PDF = b"%PDF-1.4 this is not a pdf"
# what may stay Latin inside a Chinese detail: the values and these units
LATIN_ALLOWED = re.compile(r"\{[^}]*\}|MB|CPU|/reindex|# ")


def encrypted_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_every_detail_has_both_languages_with_the_same_values_and_no_english_in_chinese():
    for code, by_lang in DETAILS.items():
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f}
                  for lang, text in by_lang.items()}
        assert fields[Lang.ZH] == fields[Lang.EN], code
        assert not re.search(r"[A-Za-z]{2,}", LATIN_ALLOWED.sub("", by_lang[Lang.ZH])), code


@pytest.mark.parametrize(("name", "data", "code", "chinese", "english"), [
    ("broken.pdf", BROKEN_PDF, "damaged", "broken.pdf：已损坏，或不是 PDF 文件",
     "broken.pdf: damaged, or not a PDF file"),
    ("locked.pdf", None, "encrypted", "locked.pdf：已加密，需要密码",
     "locked.pdf: encrypted, it needs a password"),
    ("notes.docx", b"PK not a zip", "damaged", "notes.docx：已损坏，或不是 DOCX 文件",
     "notes.docx: damaged, or not a DOCX file"),
    ("empty.md", b"   \n", "empty", "empty.md：空文件", "empty.md: empty file"),
])
def test_a_readers_error_renders_in_each_language(name, data, code, chinese, english):
    with pytest.raises(CorpusError) as raised:
        read_document(Path(name), encrypted_pdf() if data is None else data)
    error = raised.value
    assert error.code == code and error.params["file"] == name
    assert error_detail(error.code, error.params, Lang.ZH) == chinese
    assert error_detail(error.code, error.params, Lang.EN) == english
    assert name in str(error)  # the message itself stays English, for logs and the CLI


def test_the_worker_process_passes_the_code_and_values_back():
    with pytest.raises(CorpusError) as raised:
        read_bounded(Path("broken.pdf"), BROKEN_PDF)
    assert raised.value.code == "damaged"
    assert raised.value.params == {"file": "broken.pdf", "format": "PDF"}


def test_a_preview_keeps_the_readers_code_for_the_reply(tmp_path):
    preview = preview_upload(tmp_path, "broken.pdf", BROKEN_PDF, [], [])
    assert preview.document is None and preview.reason == "upload_unreadable"
    assert error_detail(preview.detail_code, dict(preview.detail_params), Lang.ZH) == \
        "broken.pdf：已损坏，或不是 PDF 文件"


def test_an_upload_that_cannot_be_written_renders_in_each_language(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("cepf_bot.corpus.upload.place_file", refuse)
    with pytest.raises(UploadError) as raised:
        write_upload(tmp_path, UploadPreview("a.md", None), b"# A\n\ntext")
    error = raised.value
    assert error.code == "read_only"
    assert error_detail(error.code, error.params, Lang.ZH).startswith(
        f"这里的资料库文件夹 {tmp_path} 是只读的")


def test_an_unknown_code_or_missing_value_keeps_the_english_message():
    assert error_detail("", {}, Lang.ZH) is None
    assert error_detail("no-such-code", {"file": "a"}, Lang.ZH) is None
    assert error_detail("too_many_pages", {"file": "a.pdf"}, Lang.ZH) is None  # no pages
    assert error_detail("too_many_pages", {"file": "a.pdf", "pages": "many", "limit": 2},
                        Lang.ZH) is None  # a value of another kind
