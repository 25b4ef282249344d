"""Staff add a document from the phone: the upload flow through the real bot and the fake Bot
API (getFile and the download served by it)."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest

from cepf_bot.corpus.upload import UploadPreview, safe_file_name, write_upload
from cepf_bot.errors import UploadError
from tests.conftest import REPO_CORPUS
from tests.documents import Text, write_docx, write_html, write_pdf

ADMIN, STAFF_CHAT, OTHER = 42, 42, 77
URL = "https://www.cbcgdf.org/NewsShow/9/777.html"
SEED = REPO_CORPUS / "foundation-international-cooperation.md"


def corpus_of(bot) -> Path:  # type: ignore[no-untyped-def]
    return Path(bot.env["CEPF_CORPUS_DIR"])


def last_reply(fake, chat_id: int, count: int) -> dict:  # type: ignore[no-untyped-def]
    fake.wait_for("sendMessage", count, chat_id=chat_id)
    return fake.sent_messages(chat_id)[-1]


def buttons(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("files")
    text = Text.of_markdown(SEED)
    night = Text("暗夜星空保护地", [("", "2018年初，阿里暗夜保护地被列入“世界暗夜保护地名录”。")])
    second = "那曲暗夜保护地于2019年建成，是西藏第二个国际认可的暗夜保护地。"
    night2 = Text("暗夜星空保护地", [*night.paragraphs, ("", second)])
    return {
        "report.pdf": write_pdf(folder / "report.pdf", text).read_bytes(),
        "finances.docx": write_docx(folder / "finances.docx", Text("财务报表", []), [
            ("项目", "金额"), ("年度捐赠收入", "31415926.53元")]).read_bytes(),
        "night.html": write_html(folder / "night.html", night, URL).read_bytes(),
        "night2.html": write_html(folder / "night2.html", night2, URL).read_bytes(),
    }


def test_someone_not_an_admin_gets_a_polite_refusal_and_nothing_is_downloaded(fake, bot,
                                                                               files):
    fake.document("report.pdf", files["report.pdf"], chat_id=OTHER)
    reply = last_reply(fake, OTHER, 1)
    assert "only the bot's administrators" in reply["text"]
    assert fake.calls_of("getFile") == []


def test_a_file_over_20_mb_is_refused_before_downloading(fake, bot, files):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.document("huge.pdf", files["report.pdf"], chat_id=STAFF_CHAT, size=25_000_000)
    assert "too large (23.8 MB); this format takes at most 20 MB" in last_reply(
        fake, STAFF_CHAT, sent + 1)["text"]
    assert fake.calls_of("getFile") == []


def test_a_text_file_over_the_reindexs_5_mb_is_refused_before_the_preview(fake, bot):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.document("notes.txt", b"x", chat_id=STAFF_CHAT, size=6 * 1024 * 1024,
                  language_code="zh-tw")
    reply = last_reply(fake, STAFF_CHAT, sent + 1)
    # said the way the README says it, in the admin's script
    assert "文件太大（6.0 MB），這種格式最多 5 MB" in reply["text"] and buttons(reply) == []
    assert fake.calls_of("getFile") == []


def test_a_file_of_another_format_is_refused_before_downloading(fake, bot):
    sent = len(fake.sent_messages(STAFF_CHAT))
    downloads = len(fake.calls_of("getFile"))
    fake.document("photo.jpg", b"\xff\xd8\xff", chat_id=STAFF_CHAT)
    reply = last_reply(fake, STAFF_CHAT, sent + 1)
    assert "does not take this format (photo.jpg)" in reply["text"]
    assert len(fake.calls_of("getFile")) == downloads


def test_a_file_already_in_the_corpus_under_another_name_is_said_at_once(fake, bot):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.document("copy.md", SEED.read_bytes(), chat_id=STAFF_CHAT)
    reply = last_reply(fake, STAFF_CHAT, sent + 1)
    assert "The same file is in the corpus already, as foundation-international-cooperation" \
        in reply["text"] and buttons(reply) == []


def test_a_failed_download_is_said_without_the_url_that_holds_the_token(fake, bot):
    from tests.fake_telegram import TOKEN

    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.fail("getFile", status=200, result={"file_id": "gone", "file_unique_id": "ugone",
                                             "file_size": 10, "file_path": "documents/gone"})
    fake.document("gone.pdf", b"%PDF-1.4", chat_id=STAFF_CHAT)
    reply = last_reply(fake, STAFF_CHAT, sent + 1)["text"]
    assert "Downloading the file from Telegram failed" in reply
    assert TOKEN.split(":")[1].lower() not in reply.lower() and "/file/bot" not in reply
    assert TOKEN.split(":")[1] not in bot.log()


def test_a_corrupt_file_is_named_with_its_problem_and_nothing_changes(fake, bot):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.document("broken.pdf", b"%PDF-1.4 this is not a pdf", chat_id=STAFF_CHAT)
    reply = last_reply(fake, STAFF_CHAT, sent + 1)
    assert "This file cannot be read" in reply["text"] and "broken.pdf" in reply["text"]
    assert buttons(reply) == [] and not (corpus_of(bot) / "broken.pdf").exists()


def test_a_preview_then_cancel_leaves_the_corpus_as_it_was(fake, bot, files):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.document("finances.docx", files["finances.docx"], chat_id=STAFF_CHAT)
    preview = last_reply(fake, STAFF_CHAT, sent + 1)
    assert "财务报表" in preview["text"] and "DOCX · 1 passages" in preview["text"]
    assert "new document" in preview["text"] and "年度捐赠收入: 31415926.53元" in preview["text"]
    assert fake.calls_of("download")
    add, cancel = buttons(preview)
    assert add.startswith("up:add:") and cancel.startswith("up:no:")
    assert all(len(b.encode()) <= 64 for b in (add, cancel))
    fake.press(preview, cancel, user_id=ADMIN, language_code="en")
    assert "Cancelled" in last_reply(fake, STAFF_CHAT, sent + 2)["text"]
    assert not (corpus_of(bot) / "finances.docx").exists()
    fake.press(preview, add, user_id=ADMIN, language_code="en")  # the preview is gone
    fake.wait_for("answerCallbackQuery", 2)
    assert not (corpus_of(bot) / "finances.docx").exists()


def test_add_writes_the_file_reindexes_and_answers_link_their_source(fake, bot, files):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.document("night.html", files["night.html"], chat_id=STAFF_CHAT)
    preview = last_reply(fake, STAFF_CHAT, sent + 1)
    fake.press(preview, buttons(preview)[0], user_id=ADMIN, language_code="en")
    added = last_reply(fake, STAFF_CHAT, sent + 2)
    assert "Added night.html" in added["text"]
    assert (corpus_of(bot) / "night.html").read_bytes() == files["night.html"]
    fake.message("阿里暗夜保护地什么时候被列入名录", chat_id=601)
    answer = last_reply(fake, 601, 1)
    assert f'<a href="{URL}">暗夜星空保护地</a>' in fake.calls_of(
        "sendMessage", chat_id=601)[-1].params["text"]
    assert answer


def test_a_replacement_is_shown_only_its_sender_decides_and_it_replaces(fake, bot, files):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.document("night.html", files["night2.html"], chat_id=STAFF_CHAT)
    preview = last_reply(fake, STAFF_CHAT, sent + 1)
    assert re.search(r"replaces the document of that name: 1 passages added, 0 removed, "
                     r"1 unchanged", preview["text"])
    fake.press(preview, buttons(preview)[0], user_id=OTHER, language_code="en")
    toast = fake.wait_for("answerCallbackQuery", 1, text="Only the admin who sent the file "
                          "can decide.")
    assert toast and (corpus_of(bot) / "night.html").read_bytes() == files["night.html"]
    fake.press(preview, buttons(preview)[0], user_id=ADMIN, language_code="en")
    assert "Added night.html" in last_reply(fake, STAFF_CHAT, sent + 2)["text"]
    assert (corpus_of(bot) / "night.html").read_bytes() == files["night2.html"]


def test_documents_lists_every_document_for_admins_only(fake, bot):
    sent = len(fake.sent_messages(STAFF_CHAT))
    fake.message("/documents", chat_id=STAFF_CHAT)
    listing = fake.wait_for("sendMessage", sent + 1, chat_id=STAFF_CHAT)[-1].params["text"]
    assert "暗夜星空保护地</a> · HTML · 2 段" in listing and f'href="{URL}"' in listing
    assert "国际交流合作 · MD · 18 段" in listing
    assert "#" not in listing  # no ids on a phone
    fake.message("/documents", chat_id=OTHER, language_code="en")
    assert "only the bot's administrators" in last_reply(fake, OTHER, 2)["text"]


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd.md", "passwd.md"), (".hidden.pdf", "hidden.pdf"),
    ("C:\\Users\\staff\\年报 2019.PDF", "年报 2019.pdf"), ("stopwords.txt", "upload-stopwords.txt"),
    ("a/b/..", "document"), ("报告<script>.docx", "报告_script.docx"),
])
def test_upload_names_are_sanitised(name, safe):
    assert safe_file_name(name) == safe


def test_a_read_only_corpus_is_a_clear_message(tmp_path, monkeypatch):
    import tempfile

    def read_only(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    preview = UploadPreview("a.md", None)
    with pytest.raises(UploadError, match="read-only here"):
        write_upload(tmp_path, preview, b"# t\n\ntext\n")
