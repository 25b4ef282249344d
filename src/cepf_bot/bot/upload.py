"""Adding a document from the phone: an admin sends a file to the bot in a private chat.

The bot downloads it (at most 20 MB, Telegram's limit for bots) into a temporary folder,
reads it with the corpus's readers and replies with a preview — title, passage count, the
first passage, new or a replacement (with what changes) — and two buttons, "Add to the corpus"
and "Cancel". Adding writes the file into the corpus folder atomically and reindexes as
/reindex does; if that fails the folder is put back and the old index keeps answering.
Anyone else gets a polite refusal. A preview waits PENDING_SECONDS for its button.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import stat
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from cepf_bot.bot.access import require_admin
from cepf_bot.bot.send import cosmetic, locale_of, say, send, toast
from cepf_bot.bot.state import BotContext, BotState, PendingUpload
from cepf_bot.corpus.reading import FORMATS
from cepf_bot.corpus.upload import (
    UploadPreview,
    safe_file_name,
    size_refusal,
    unsupported_format,
)
from cepf_bot.errors import UploadError, os_error_line
from cepf_bot.logging_setup import safe_line
from cepf_bot.reply.compose import interface_html
from cepf_bot.reply.error_texts import error_detail
from cepf_bot.reply.render import escape
from cepf_bot.reply.texts import ui_text
from cepf_bot.types import Lang

log = logging.getLogger("cepf_bot.bot")

PENDING_SECONDS = 900
MAX_PENDING = 8
UPLOAD_PREFIX = "cepf-upload-"  # then the bot's pid: a folder of a bot that is gone is stale


def discard_pending(state: BotState) -> None:
    """Remove every waiting preview's download (the bot is shutting down: no button can
    come)."""
    while state.uploads:
        state.uploads.popitem()[1].discard()


def remove_stale_uploads(folder: Path | None = None) -> int:
    """Remove the downloads that bots left in the temporary folder when they were killed: this
    user's `cepf-upload-<pid>-…` folders whose bot is no longer running, or older than a
    preview waits. How many were removed."""
    folder = folder or Path(tempfile.gettempdir())
    removed = 0
    now = time.time()
    for entry in folder.glob(f"{UPLOAD_PREFIX}*"):
        try:
            info = entry.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
        except OSError:
            continue
        pid = entry.name[len(UPLOAD_PREFIX):].split("-", 1)[0]
        if not pid.isdigit():  # not a bot's (`cepf-upload-run-…` of a script): not ours
            continue
        if now - info.st_mtime <= PENDING_SECONDS and _running(int(pid)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running
        return True
    return True


def _pending(context: BotContext) -> OrderedDict[str, PendingUpload]:
    """Previews waiting for a button, oldest first; expired ones dropped."""
    pending = context.bot_data.uploads
    now = time.monotonic()
    for token in [t for t, p in pending.items() if now - p.at > PENDING_SECONDS]:
        pending.pop(token).discard()
    while len(pending) >= MAX_PENDING:
        pending.popitem(last=False)[1].discard()
    return pending


async def document_upload(update: Update, context: BotContext) -> None:
    """A file sent in a private chat: a preview for an admin, a polite refusal for others."""
    message, user = update.effective_message, update.effective_user
    document = message.document if message is not None else None
    if (document is None or not await require_admin(update, context, "a document upload")
            or message is None or user is None):
        return
    name = safe_file_name(document.file_name or "document")
    if unsupported_format(name):  # not downloaded at all
        await say(update, context, message, "upload_unsupported", name=escape(name),
                  formats=", ".join(FORMATS))
        return
    # the reindex's limit for its format, before the download and the preview
    limit = context.bot_data.engine.paths.max_file_bytes
    if document.file_size and (too_large := size_refusal(name, document.file_size, limit)):
        # values by name, straight to the text: `say`'s own keywords are not among them
        await send(message, interface_html("upload_too_large", locale_of(update),
                                           context.bot_data.engine.searcher.traditional,
                                           **dict(too_large)))
        return
    await cosmetic("typing action", message.chat.send_action(ChatAction.TYPING))
    folder = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))
    try:
        telegram_file = await context.bot.get_file(document.file_id)
        await telegram_file.download_to_drive(folder / name)
        data = (folder / name).read_bytes()
    except (TelegramError, OSError) as e:  # the reply never quotes it: a URL holds the token
        shutil.rmtree(folder, ignore_errors=True)
        log.warning("download of %s failed: %s", name, e)
        await say(update, context, message, "upload_download_failed", error=type(e).__name__)
        return
    engine = context.bot_data.engine
    preview = await asyncio.to_thread(engine.preview_upload, name, data)
    if preview.document is None:
        shutil.rmtree(folder, ignore_errors=True)
        values = {k: escape(v) if isinstance(v, str) else v for k, v in preview.values}
        # the reader's own detail in the admin's language, when its error says it as values
        detail = error_detail(preview.detail_code, dict(preview.detail_params),
                              locale_of(update).lang)
        if detail is not None and "detail" in values:
            values["detail"] = escape(detail)
        await send(message, interface_html(preview.reason or "upload_failed", locale_of(update),
                                           engine.searcher.traditional,
                                           error=escape(preview.error), **values))
        return
    token = secrets.token_hex(6)
    _pending(context)[token] = PendingUpload(user.id, preview, folder, time.monotonic())
    locale = locale_of(update)
    convert = engine.searcher.traditional
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton(interface_html("upload_add", locale, convert),
                             callback_data=f"up:add:{token}"),
        InlineKeyboardButton(interface_html("upload_cancel", locale, convert),
                             callback_data=f"up:no:{token}"),
    ]])
    await send(message, convert.convert(preview_html(preview, locale.lang), locale.script),
               reply_markup=buttons)


def preview_html(preview: UploadPreview, lang: Lang) -> str:
    """The preview of an upload in the admin's language (the caller converts the script)."""
    document = preview.document
    assert document is not None
    first = document.first_passage
    change = (ui_text("upload_replaces", lang, added=preview.added, removed=preview.removed,
                      kept=preview.kept) if preview.replaces else ui_text("upload_new", lang))
    return ui_text("upload_preview", lang, title=escape(document.title),
                   name=escape(preview.name), format=document.format.upper(),
                   passages=document.passages, first=escape(first), change=change)


async def upload_button(update: Update, context: BotContext) -> None:
    """"up:add:<token>" or "up:no:<token>": only the admin who sent the file decides."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = (query.data or "").split(":")
    action, token = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    pending = _pending(context)
    upload = pending.get(token)
    message = query.message if isinstance(query.message, Message) else None
    if upload is None or message is None or action not in ("add", "no"):
        await toast(update, context, "expired")
        return
    if user.id != upload.user_id:
        await toast(update, context, "upload_not_yours")
        return
    pending.pop(token)
    await cosmetic("answering a button", query.answer())
    await cosmetic("removing the buttons", message.edit_reply_markup(None))
    try:
        if action == "add":
            await _add(update, context, message, upload)
        else:
            await say(update, context, message, "upload_cancelled")
    finally:
        upload.discard()


async def _add(update: Update, context: BotContext, message: Message,
               upload: PendingUpload) -> None:
    engine = context.bot_data.engine
    name = upload.preview.name
    await cosmetic("typing action", message.chat.send_action(ChatAction.TYPING))
    try:  # the engine writes the file, reindexes, and puts the folder back on any failure
        info, replaced = await asyncio.to_thread(engine.add_upload, upload.preview,
                                                 upload.data)
    except UploadError as e:
        log.warning("upload of %s by admin %s not written: %s", name, upload.user_id, e)
        detail = error_detail(e.code, e.params, locale_of(update).lang) or str(e)
        await say(update, context, message, "upload_failed", error=escape(detail))
        return
    except Exception as e:  # the folder is put back: Add is all or nothing
        error = os_error_line(e) if isinstance(e, OSError) else safe_line(str(e))
        log.warning("upload of %s by admin %s undone, reindex failed: %s", name,
                    upload.user_id, error)
        await say(update, context, message, "reindex_failed", error=escape(error))
        return
    log.info("%s %s by admin %s: %d documents, %d passages", name,
             "replaced" if replaced else "added", upload.user_id,
             len(info.documents), info.passages)
    await say(update, context, message, "upload_added", name=escape(name),
              documents=len(info.documents), passages=info.passages)
