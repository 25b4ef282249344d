"""The Telegram bot: handlers and the Application. Nothing about ranking lives here."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from .config import BotSettings, Paths
from .corpus import CorpusError
from .index import reindex
from .querylog import QueryLog, format_summary
from .render import escape, excerpt, passage_html, readable_figures, split_messages
from .scripts import reader_script
from .search import Searcher
from .texts import EXAMPLES, language, text
from .types import BM25Params, Hit

log = logging.getLogger(__name__)

PAGE = 3  # passages a reply shows
INLINE_RESULTS = 5
INLINE_CACHE_SECONDS = 10  # short, so that a reindex shows up soon
SEND_ATTEMPTS = 3
CONNECTIONS = 16
CONCURRENT_UPDATES = 32
_COMMAND_PREFIX = re.compile(r"^/\w+(@\w+)?\s*")


class UserRateLimiter:
    """A token bucket per user: `per_minute` questions a minute, bursts of `burst`.

    Bounded: idle users are forgotten once the table grows past `max_users`.
    """

    def __init__(self, per_minute: float, burst: float, max_users: int = 10_000) -> None:
        self.rate = per_minute / 60
        self.burst = max(burst, 1.0)
        self.max_users = max_users
        self._buckets: OrderedDict[int, list[float]] = OrderedDict()  # user -> [tokens, t, told]

    def allow(self, user_id: int, now: float | None = None) -> tuple[bool, bool]:
        """(allowed, notify): notify is True once per spell of being limited."""
        if self.rate <= 0:
            return True, False
        now = time.monotonic() if now is None else now
        tokens, last, told = self._buckets.pop(user_id, [self.burst, now, 0.0])
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        notify = not allowed and not told
        self._buckets[user_id] = [tokens - 1 if allowed else tokens, now,
                                  0.0 if allowed else 1.0]
        while len(self._buckets) > self.max_users:
            self._buckets.popitem(last=False)
        return allowed, notify


@dataclass
class BotState:
    """What the handlers share, kept in `application.bot_data["state"]`."""

    searcher: Searcher
    settings: BotSettings
    paths: Paths
    limiter: UserRateLimiter
    reindex_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    unloadable: str | None = None  # an index generation on disk that failed to load
    query_log: QueryLog | None = None

    def localise(self, html: str, lang: str, script: str) -> str:
        """A reply as the reader should see it: readable figures, their script."""
        return self.searcher.traditional.convert(readable_figures(html, lang), script)


def _state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.bot_data["state"]


def _lang(update: Update, question: str = "") -> str:
    user = update.effective_user
    return language(question, user.language_code if user else None)


def _script(update: Update, question: str = "") -> str:
    user = update.effective_user
    return reader_script(question, user.language_code if user else None)


async def _say(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, key: str,
               question: str = "", **kwargs: object) -> Message | None:
    """Reply with one interface text, in the reader's language and script."""
    markup = kwargs.pop("reply_markup", None)
    lang = _lang(update, question)
    html = _state(context).localise(text(key, lang, **kwargs), lang, _script(update, question))
    return await _send(message, html, reply_markup=markup)


def question_of(message: Message | None, username: str) -> str:
    """The question in a message: its text without a leading command or a mention of the bot."""
    if message is None or not message.text:
        return ""
    question = _COMMAND_PREFIX.sub("", message.text, count=1)
    if username:
        question = re.sub(rf"@{re.escape(username)}\b", " ", question, flags=re.IGNORECASE)
    return question.strip()


async def _send(message: Message, html: str, **kwargs: object) -> Message | None:
    """Reply to `message` in HTML, retrying network failures (flood control is retried by the
    rate limiter); a message Telegram refuses is logged, never raised."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await message.reply_html(html, do_quote=True,
                                            disable_web_page_preview=True, **kwargs)
        except BadRequest as e:
            log.warning("Telegram refused a reply in chat %s: %s", message.chat_id, e)
            return None
        except NetworkError as e:
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("sending failed (%s: %s); retry %d of %d", type(e).__name__, e,
                        attempt, SEND_ATTEMPTS - 1)
            await asyncio.sleep(0.5 * 2 ** (attempt - 1))
    return None


async def _cosmetic(what: str, call) -> None:  # type: ignore[no-untyped-def]
    """Run a call whose failure must not stop an answer (a chat action, a menu, a markup)."""
    try:
        await call
    except TelegramError as e:
        log.warning("%s failed: %s", what, e)


def compose_reply(state: BotState, question: str, lang: str, script: str,
                  offset: int = 0) -> tuple[list[Hit], list[str], bool]:
    """The hits for a page of the answer, the Telegram HTML messages that show them (or the
    no-answer text), and whether there are more. Pure: what the bot sends, without sending."""
    hits = state.searcher.search(question, k=PAGE + 1, offset=offset)
    more, hits = len(hits) > PAGE, hits[:PAGE]
    if not hits:
        return [], [state.localise(text("no_more" if offset else "no_answer", lang), lang,
                                   script)], False
    blocks = [state.localise(passage_html(h), lang, script) for h in hits]
    return hits, split_messages(blocks), more


def _keyboard(lang: str, *, more_offset: int | None, source: str,
              log_row: int | None) -> InlineKeyboardMarkup | None:
    rows = []
    if log_row is not None:
        rows.append([InlineKeyboardButton("👍", callback_data=f"fb:{log_row}:+"),
                     InlineKeyboardButton("👎", callback_data=f"fb:{log_row}:-")])
    if more_offset is not None:
        rows.append([InlineKeyboardButton(text("more", lang),
                                          callback_data=f"more:{more_offset}:{source}")])
    return InlineKeyboardMarkup(rows) if rows else None


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    question: str,
    *,
    reply_to: Message,
    offset: int = 0,
    source: str = "q",
) -> None:
    """Search and reply with a page of passages, or with the no-answer text."""
    state = _state(context)
    started = time.perf_counter()
    user = update.effective_user
    lang, script = _lang(update, question), _script(update, question)
    if user is not None:
        allowed, notify = state.limiter.allow(user.id)
        if not allowed:
            log.info("rate-limited user in chat type %s", reply_to.chat.type)
            if notify:
                await _say(update, context, reply_to, "rate_limited", question)
            return
    hits, messages, more = await asyncio.to_thread(compose_reply, state, question, lang, script,
                                                   offset)
    log_row = None
    if state.query_log is not None and offset == 0 and user is not None:
        log_row = await asyncio.to_thread(
            state.query_log.record, question=question, lang=script if lang == "zh" else lang,
            chat_type=reply_to.chat.type, user_id=user.id, hits=hits)
    if not hits:
        await _send(reply_to, messages[0])
    else:
        for i, html in enumerate(messages):
            last = i == len(messages) - 1
            markup = _keyboard(lang, more_offset=offset + PAGE if more else None,
                               source=source, log_row=log_row) if last else None
            await _send(reply_to, html, reply_markup=markup)
    log.info("answered chat=%s latency=%.1fms passages=%d offset=%d", reply_to.chat.type,
             (time.perf_counter() - started) * 1000, len(hits), offset)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, with example questions as buttons that ask them."""
    lang, script = _lang(update), _script(update)
    convert = _state(context).searcher.traditional.convert
    keyboard = [[InlineKeyboardButton(convert(q, script), callback_data=f"ex:{i}")]
                for i, q in enumerate(EXAMPLES[lang])]
    await _say(update, context, update.effective_message, "start",
               reply_markup=InlineKeyboardMarkup(keyboard))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask in private chats, groups and inline."""
    await _say(update, context, update.effective_message, "help", username=context.bot.username)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>, in any chat."""
    message = update.effective_message
    question = question_of(message, context.bot.username)
    if not question:
        await _say(update, context, message, "ask_usage")
        return
    await answer(update, context, question, reply_to=message)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot knows: documents, passages, when the index was built."""
    index = _state(context).searcher.index
    lang = _lang(update)
    lines = [text("about", lang, documents=index.meta.documents, passages=index.meta.passages,
                  built_at=index.meta.built_at)]
    lines += [f"• {d.title} ({d.passages})" for d in index.documents[:30]]
    await _send(update.effective_message,
                _state(context).localise(escape("\n".join(lines)), lang, _script(update)))


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> bool:
    """Whether the user is in CEPF_ADMIN_IDS; if not, a polite refusal and a log line."""
    user = update.effective_user
    if user is not None and user.id in _state(context).settings.admin_ids:
        return True
    log.warning("refused %s from user %s (not in CEPF_ADMIN_IDS)", command,
                user.id if user else "?")
    await _say(update, context, update.effective_message, "not_admin")
    return False


async def reindex_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins only: rebuild from the corpus folder and swap the index in without a restart."""
    state = _state(context)
    user = update.effective_user
    message = update.effective_message
    if not await _admin(update, context, "/reindex"):
        return
    await _cosmetic("typing action", message.chat.send_action(ChatAction.TYPING))
    async with state.reindex_lock:
        started = time.perf_counter()
        try:
            index, segmenter = await asyncio.to_thread(
                reindex, state.paths.corpus_dir, state.paths.index_path, BM25Params(),
                cache_dir=state.paths.cache_dir, max_file_bytes=state.paths.max_file_bytes,
            )
            await asyncio.to_thread(segmenter.warm_up)
        except (CorpusError, OSError) as e:
            log.warning("reindex by admin %s failed: %s", user.id, e)
            await _say(update, context, message, "reindex_failed", error=escape(str(e)))
            return
        state.searcher = Searcher(index, segmenter, state.searcher.relevance)
    seconds = time.perf_counter() - started
    log.info("reindexed by admin %s: %d documents, %d passages in %.2fs", user.id,
             index.meta.documents, index.meta.passages, seconds)
    await _say(update, context, message, "reindex_ok", documents=index.meta.documents,
               passages=index.meta.passages, seconds=seconds)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins only: unanswered and down-voted questions, most frequent first."""
    state = _state(context)
    message = update.effective_message
    if not await _admin(update, context, "/stats"):
        return
    if state.query_log is None:
        await _send(message, "The query log is off (CEPF_QUERY_LOG=off).")
        return
    summary = await asyncio.to_thread(state.query_log.summary, 10)
    for html in split_messages([escape(format_summary(summary))]):
        await _send(message, html)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat every text message is a question."""
    message = update.effective_message
    await answer(update, context, message.text or "", reply_to=message)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: answer mentions of the bot and replies to its messages, ignore the rest."""
    message = update.effective_message
    username = context.bot.username or ""
    mentioned = bool(username) and f"@{username.lower()}" in (message.text or "").lower()
    replied = (message.reply_to_message is not None
               and message.reply_to_message.from_user is not None
               and message.reply_to_message.from_user.id == context.bot.id)
    if not (mentioned or replied):
        return
    await answer(update, context, question_of(message, username), reply_to=message)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline buttons: an example question, or the next page of an answer."""
    query = update.callback_query
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None
    await _cosmetic("answering a button", query.answer())
    if message is None:
        return
    lang = _lang(update)
    kind, _, rest = data.partition(":")
    if kind == "fb":
        row, _, vote = rest.partition(":")
        state = _state(context)
        if state.query_log is not None and row.isdigit() and vote in ("+", "-"):
            await asyncio.to_thread(state.query_log.feedback, int(row), 1 if vote == "+" else -1)
            log.info("feedback %s on logged answer %s", vote, row)
        return
    if kind == "ex" and rest.isdigit() and int(rest) < len(EXAMPLES[lang]):
        example = int(rest)
        await answer(update, context, EXAMPLES[lang][example], reply_to=message,
                     source=f"ex{example}")
        return
    if kind == "more":
        offset_text, _, source = rest.partition(":")
        if source == "q":  # the answer quotes the question it answers
            question = question_of(message.reply_to_message, context.bot.username)
            target = message.reply_to_message
        else:
            number = source.removeprefix("ex")
            examples = EXAMPLES[lang]
            question = examples[int(number)] if number.isdigit() and int(number) < len(
                examples) else ""
            target = message
        if offset_text.isdigit() and question and target is not None:
            await _cosmetic("removing the button", message.edit_reply_markup(None))
            await answer(update, context, question, reply_to=target, offset=int(offset_text),
                         source=source)
            return
    await _say(update, context, message, "expired")


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question: the top passages as articles to send into any chat."""
    query = update.inline_query
    question = query.query.strip()
    lang = language(question, query.from_user.language_code)
    hits: list[Hit] = []
    if question:
        hits = await asyncio.to_thread(_state(context).searcher.search, question,
                                       k=INLINE_RESULTS)
    results = [
        InlineQueryResultArticle(
            id=str(h.rank),
            title=h.passage.title[:100],
            description=_snippet(h),
            input_message_content=InputTextMessageContent(
                passage_html(h, number=False), parse_mode=ParseMode.HTML,
                link_preview_options=None),
        )
        for h in hits
    ]
    button_ = None if hits or not question else InlineQueryResultsButton(
        text=text("inline_none", lang), start_parameter="help")
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=False,
                       button=button_)
    log.info("answered chat=inline passages=%d", len(hits))


def _snippet(hit: Hit, chars: int = 100) -> str:
    spans = excerpt(hit.passage.text, hit.terms, chars)
    return " … ".join(hit.passage.text[a:b].strip() for a, b in spans)[:chars]


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every error with its update in one line; tell the person, briefly."""
    error = context.error
    if update is None:  # polling itself: Telegram unreachable, a conflict, a timeout
        log.warning("Telegram: %s: %s", type(error).__name__, error)
        return
    update_id = update.update_id if isinstance(update, Update) else "?"
    log.error("update %s failed: %s: %s", update_id, type(error).__name__, error)
    log.debug("traceback of update %s", update_id, exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        await _cosmetic("the apology", update.effective_message.reply_text(
            text("apology", _lang(update))))


COMMANDS = [
    ("start", "开始 · start"),
    ("help", "怎么问 · how to ask"),
    ("ask", "提问 · ask a question"),
    ("about", "我知道什么 · what I know"),
]


async def post_init(application: Application) -> None:
    """Start-up work: the command menu (cosmetic) and jieba's dictionary, off the event loop."""
    await _cosmetic("setting the command menu", application.bot.set_my_commands(
        [BotCommand(c, d) for c, d in COMMANDS]))
    state: BotState = application.bot_data["state"]
    await asyncio.to_thread(state.searcher.segmenter.warm_up)
    log.info("serving @%s: %d documents, %d passages (index built %s)",
             application.bot.username, state.searcher.index.meta.documents,
             state.searcher.index.meta.passages, state.searcher.index.meta.built_at)


def build_application(settings: BotSettings, paths: Paths, searcher: Searcher,
                      query_log: QueryLog | None = None) -> Application:
    """The configured python-telegram-bot Application with every handler registered."""
    timeout = settings.timeout
    limiter = AIORateLimiter(
        overall_max_rate=settings.flood_rate, group_max_rate=settings.group_flood_rate,
        max_retries=3,
    )
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_url.replace("/bot", "/file/bot", 1))
        .rate_limiter(limiter)
        # Updates are handled concurrently, but not 256 at once (PTB's default): an answer
        # takes about a millisecond of CPU, and every request queued for a connection makes
        # httpcore's pool bookkeeping slower for all the others.
        .concurrent_updates(CONCURRENT_UPDATES)
        # httpcore scans its whole pool for every request: PTB's default of 256 connections
        # costs more CPU than the answers themselves. Requests queue for a free connection.
        .connection_pool_size(CONNECTIONS)
        .pool_timeout(timeout * 3)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .write_timeout(timeout)
        .get_updates_read_timeout(timeout + 30)
        .post_init(post_init)
        .build()
    )
    application.bot_data["state"] = BotState(
        searcher=searcher, settings=settings, paths=paths,
        limiter=UserRateLimiter(settings.user_rate, settings.user_burst),
        query_log=query_log,
    )
    messages = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("ask", ask_command))
    application.add_handler(CommandHandler("about", about))
    application.add_handler(CommandHandler("reindex", reindex_command))
    application.add_handler(CommandHandler("stats", stats))
    application.add_handler(MessageHandler(messages & filters.ChatType.PRIVATE, private_text))
    application.add_handler(MessageHandler(messages & filters.ChatType.GROUPS, group_text))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_error_handler(error_handler)
    return application
