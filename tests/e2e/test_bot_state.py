"""The handlers share one typed `BotState` as `bot_data` (PTB's `ContextTypes`), pending
uploads included: the real Application, in this process, against the fake Bot API."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from telegram import Update

from cepf_bot.bot.application import build_application
from cepf_bot.bot.state import BotContext, BotState
from cepf_bot.config import BotSettings
from tests.conftest import REPO_CORPUS, open_engine, reindex
from tests.fake_telegram import TOKEN, FakeTelegram

ADMIN = 42


def test_handlers_keep_a_pending_upload_in_the_typed_bot_state(fake: FakeTelegram,
                                                               tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS, corpus)
    reindex(corpus, tmp_path / "index")
    settings = BotSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN,
                                     "TELEGRAM_API_BASE_URL": fake.base_url,
                                     "CEPF_ADMIN_IDS": str(ADMIN)})
    application = build_application(settings, open_engine(corpus, tmp_path / "index"))
    assert isinstance(application.bot_data, BotState)
    assert application.context_types.context is BotContext

    def update(**content: Any) -> Update:
        found = Update.de_json({"update_id": 1, **content}, application.bot)
        assert found is not None
        return found

    async def upload_then_cancel() -> None:
        async with application:
            state = application.bot_data
            sent = len(fake.sent_messages(ADMIN))
            document = fake.document("stars.md", "# 星空\n\n暗夜星空保护地。\n".encode(),
                                     chat_id=ADMIN)
            await application.process_update(update(message=document))
            preview = fake.sent_messages(ADMIN)[sent]
            assert "stars.md" in preview["text"]
            (token,) = state.uploads
            assert state.uploads[token].user_id == ADMIN
            await application.process_update(update(callback_query={
                "id": "cb1", "from": fake.user(ADMIN, "en"), "chat_instance": "ci",
                "data": f"up:no:{token}", "message": preview}))
            assert not state.uploads
            assert fake.sent_messages(ADMIN)[-1]["text"].startswith("Cancelled")

    asyncio.run(upload_then_cancel())
