"""How the bot runs: long polling or a webhook, plus the housekeeping loop beside either.

The housekeeping loop writes a heartbeat (read by `cepf-bot health --serving`) and watches the
index folder: when another process — `docker exec … cepf-bot reindex` — makes a new generation
current, the bot loads it and swaps it in without a restart. SIGHUP makes it look at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from cepf_bot.bot.application import BotApplication
from cepf_bot.config import BotSettings, heartbeat_path
from cepf_bot.serving.heartbeat import remove_heartbeat, write_heartbeat
from cepf_bot.serving.webhook import webhook_server

log = logging.getLogger("cepf_bot.serving")

WATCH_SECONDS = 2.0
PRUNE_SECONDS = 3600  # how often a serving bot applies the query log's retention


async def housekeeping(application: BotApplication, alive: Callable[[], bool], mode: str
                       ) -> None:
    """Every WATCH_SECONDS (or at once on SIGHUP): heartbeat while `alive()`, index watch."""
    state = application.bot_data
    wake = asyncio.Event()
    loop = asyncio.get_running_loop()

    def hang_up() -> None:
        log.info("SIGHUP: looking at the index now")
        wake.set()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGHUP, hang_up)
    beat = heartbeat_path(state.engine.paths.index_path)
    next_prune = time.monotonic() + PRUNE_SECONDS
    try:
        while True:
            if state.query_log is not None and time.monotonic() >= next_prune:
                # Retention holds for a bot that runs for months, not only at start.
                removed = await asyncio.to_thread(state.query_log.prune)
                if removed:
                    log.info("query log: %d questions past retention deleted", removed)
                next_prune = time.monotonic() + PRUNE_SECONDS
            if alive():
                try:
                    await asyncio.to_thread(write_heartbeat, beat, mode)
                except OSError as e:
                    log.warning("cannot write the heartbeat %s: %s", beat, e.strerror or e)
            await asyncio.to_thread(state.engine.reload_if_changed)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), WATCH_SECONDS)
            wake.clear()
    finally:
        remove_heartbeat(beat)


async def _reach_telegram(application: BotApplication, max_wait: float) -> str | None:
    """getMe until Telegram answers with a user (backing off to `max_wait` s between tries,
    one line each); the bot's username. A rejected token raises InvalidToken at once:
    retrying cannot help."""
    delay = 1.0
    bot = application.bot
    while True:
        try:
            await bot.initialize()
            me = await bot.get_me()
            return me.username
        except InvalidToken:
            raise
        except TelegramError as e:  # unreachable, 5xx, flood control, an unparsable answer
            log.warning("Telegram unreachable at start (%s: %s); retrying in %.0f s",
                        type(e).__name__, e, delay)
        except (KeyError, TypeError, ValueError, AttributeError) as e:  # an answer not a User
            log.warning("Telegram's getMe answer is malformed (%s: %s); retrying in %.0f s",
                        type(e).__name__, e, delay)
        finally:
            await bot.shutdown()
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_wait)


def wait_for_telegram(application: BotApplication, *, max_wait: float = 60.0) -> str | None:
    """Block until the Bot API answers; see `_reach_telegram`."""
    return asyncio.run(_reach_telegram(application, max_wait))


def run_polling(application: BotApplication, *, poll_timeout: int = 20) -> None:
    """Long-poll until SIGINT or SIGTERM."""
    tasks: list[asyncio.Task[None]] = []
    original_post_init = application.post_init

    async def post_init(app: BotApplication) -> None:
        if original_post_init:
            await original_post_init(app)
        alive = lambda: app.running and app.updater is not None and app.updater.running  # noqa: E731
        tasks.append(asyncio.create_task(housekeeping(app, alive, "polling")))

    async def post_stop(app: BotApplication) -> None:
        for task in tasks:
            task.cancel()

    application.post_init = post_init
    application.post_stop = post_stop
    application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=poll_timeout,
                            poll_interval=0.0)


async def _serve_webhook(application: BotApplication, settings: BotSettings) -> None:
    path = urlsplit(settings.webhook_url).path or "/"
    server = webhook_server(application, path, settings.webhook_secret)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    listening = False
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        server.listen(settings.port, address=settings.listen)
        listening = True
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES, max_connections=40,
        )
        log.info("webhook listening on %s:%d%s", settings.listen, settings.port, path)
        housekeeper = asyncio.create_task(
            housekeeping(application, lambda: listening and application.running, "webhook"))
        await stop.wait()
        housekeeper.cancel()
    finally:
        if listening:
            server.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:  # run_polling calls it itself; this loop is ours
            await application.post_shutdown(application)


def run_webhook(application: BotApplication, settings: BotSettings) -> None:
    """Serve Telegram's webhook on settings.listen:settings.port until SIGINT or SIGTERM."""
    asyncio.run(_serve_webhook(application, settings))
