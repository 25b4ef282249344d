"""What the handlers share: the bot's state in `bot_data`, typed through PTB's `ContextTypes`."""

from __future__ import annotations

import asyncio
import shutil
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from cepf_bot.bot.rate_limit import UserRateLimiter
from cepf_bot.bot.waiting import WaitingList
from cepf_bot.config import BotSettings
from cepf_bot.corpus.upload import UploadPreview
from cepf_bot.engine import Engine
from cepf_bot.querylog import QueryLog
from cepf_bot.search.conversation import Memory
from cepf_bot.types import Script

SENT_SECONDS = 86_400  # a reply to one of the bot's answers is read with its question this long


@dataclass
class PendingUpload:
    """A previewed upload waiting for its "Add" or "Cancel" button."""

    user_id: int
    preview: UploadPreview
    folder: Path  # the temporary folder holding the download
    at: float

    @property
    def data(self) -> bytes:
        return (self.folder / self.preview.name).read_bytes()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class FaqDraft:
    """An admin's answer to a question: waiting for its text (`answer` empty), then for its
    preview's "Add" or "Cancel" button."""

    user_id: int
    question: str
    at: float
    answer: str = ""


@dataclass
class BotState:
    """What the handlers share: `context.bot_data` (see `BotContext`)."""

    engine: Engine
    settings: BotSettings
    limiter: UserRateLimiter
    query_log: QueryLog | None = None
    # each user's last question in each chat (for follow-ups), and the question each answer
    # the bot sent was for (for a reply to it): bounded, forgetting the oldest
    asked: Memory = field(default_factory=Memory)
    answered: Memory = field(default_factory=lambda: Memory(seconds=SENT_SECONDS))
    # previews waiting for a button, by token, oldest first
    uploads: OrderedDict[str, PendingUpload] = field(default_factory=OrderedDict)
    # private chats given their own (traditional) command menu, oldest first
    chat_menus: OrderedDict[int, Script] = field(default_factory=OrderedDict)
    # the questions /stats offered an Answer button for, by token; each admin's answer waiting
    # for its text; answers previewed, waiting for Add or Cancel, by token
    faq_questions: OrderedDict[str, str] = field(default_factory=OrderedDict)
    faq_awaiting: dict[int, FaqDraft] = field(default_factory=dict)
    faq_drafts: OrderedDict[str, FaqDraft] = field(default_factory=OrderedDict)
    # who asked to be told when staff answer (None: the query log is off)
    waiting: WaitingList | None = None
    # the start-up work answering does not wait for (menus, jieba's dictionary): kept here
    # so the task is not garbage-collected while it runs
    settling: asyncio.Task[None] | None = None


class BotContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotState]):
    """The context every handler gets: AIORateLimiter's bot (its per-call argument is
    max_retries, an int), PTB's default user and chat data, the bot's state as `bot_data`.
    A class, not an alias: `ContextTypes` instantiates it."""
