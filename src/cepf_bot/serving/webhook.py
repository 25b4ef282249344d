"""The webhook's HTTP server, which faces the internet: it bounds what it reads, how long it
waits and how many connections it holds.

What nginx does for a small-body API endpoint, done in tornado:

- **Headers decide.** The secret token and `Content-Length` are checked as soon as the headers
  are in, before any byte of the body is read (`stream_request_body` + `prepare`). A wrong
  secret is 403, a body over MAX_BODY 413, no length 411; the connection is then closed, so
  no unfinished body is ever kept.
- **Timeouts.** HEADER_SECONDS to send the headers (also how long an idle keep-alive
  connection is kept), BODY_SECONDS to send the body.
- **A bound on connections that have not sent their headers.** At most PENDING_PER_ADDRESS
  of them from one address, and at MAX_CONNECTIONS open connections a new one closes the
  oldest of them. A connection whose headers arrived with the right secret is never closed for
  a newcomer, so no one without the secret can cut off Telegram's own requests.
- **One line per kind of refusal, rate-limited** (see `logging_setup.RateLimitFilter`); no
  traceback.
"""

from __future__ import annotations

import hmac
import json
import logging
import weakref
from collections import OrderedDict, deque
from typing import Any, ClassVar

import tornado.httpserver
import tornado.iostream
import tornado.web
from telegram import Update
from telegram.ext import Application

# The server serves any python-telegram-bot Application: it only decodes updates and queues them.
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

log = logging.getLogger("cepf_bot.webhook")

MAX_BODY = 1 << 20  # a Telegram update is a few kB; 1 MB is generous
MAX_HEADERS = 16 << 10
HEADER_SECONDS = 5.0
BODY_SECONDS = 5.0
MAX_CONNECTIONS = 128
PENDING_PER_ADDRESS = 16  # connections from one address still sending headers
RECENT_UPDATES = 2048  # update ids remembered to drop Telegram's redeliveries
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    """POST <path>: one update from Telegram, with the secret token in a header."""

    def initialize(self, telegram: AnyApplication, secret: str,
                   recent: OrderedDict[int, None]) -> None:
        self.telegram = telegram
        self.secret = secret.encode()
        self.recent = recent
        self.chunks: list[bytes] = []
        self.received = 0

    def prepare(self) -> None:
        """Runs on the headers alone; refusing here closes the connection unread."""
        stream = getattr(self.request.connection, "stream", None)
        if self.request.method != "POST":
            self._refuse(405, "not a POST")
            return
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):  # constant time
            self._refuse(403, f"{'wrong' if given else 'no'} secret token")
            return
        length = self.request.headers.get("Content-Length", "")
        if not length.isdigit():
            self._refuse(411, "no Content-Length")
        elif int(length) > MAX_BODY:
            self._refuse(413, f"a body of {int(length):,} bytes announced "
                              f"(at most {MAX_BODY:,})")
        elif stream is not None:  # the secret is right: never evicted for a newcomer
            BoundedHTTPServer.trusted.add(stream)

    def data_received(self, chunk: bytes) -> None:
        if self._finished:  # refused already: the rest is dropped as the connection closes
            return
        self.received += len(chunk)
        if self.received > MAX_BODY:  # more than announced: never kept
            self._refuse(413, "a body longer than announced")
            return
        self.chunks.append(chunk)

    async def post(self) -> None:
        if self._finished:
            return
        try:
            update = Update.de_json(json.loads(b"".join(self.chunks)), self.telegram.bot)
        except Exception as e:  # any odd update (1e20 dates, deep JSON) is the sender's
            self._refuse(400, f"a malformed update ({type(e).__name__})")
            return
        if update is None:
            self._refuse(400, "an empty update")
            return
        if update.update_id in self.recent:
            log.info("webhook: update %d delivered again; answered once already",
                     update.update_id)
        else:
            self.recent[update.update_id] = None
            while len(self.recent) > RECENT_UPDATES:
                self.recent.popitem(last=False)
            await self.telegram.update_queue.put(update)
        self.set_status(200)
        self.finish()

    def _refuse(self, status: int, why: str) -> None:
        log.warning("webhook request from %s refused: %s", self.request.remote_ip, why)
        self.chunks.clear()
        self.set_status(status)
        self.finish()

    def log_exception(self, *args: Any) -> None:  # one line, no traceback
        log.warning("webhook handler error: %s", args[1] if len(args) > 1 else args)


class BoundedHTTPServer(tornado.httpserver.HTTPServer):
    """An HTTPServer holding at most `max_connections`; a new connection closes the oldest
    one that has not sent its headers with the right secret, and one address keeps at most
    `pending_per_address` such connections."""

    # streams whose headers carried the right secret (set by WebhookHandler.prepare)
    trusted: ClassVar[weakref.WeakSet[tornado.iostream.IOStream]] = weakref.WeakSet()

    def initialize(self, *args: Any, max_connections: int = MAX_CONNECTIONS,
                   pending_per_address: int = PENDING_PER_ADDRESS, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections
        self.pending_per_address = pending_per_address
        self._streams: deque[tuple[tornado.iostream.IOStream, str]] = deque()

    def handle_stream(self, stream: tornado.iostream.IOStream, address: tuple[Any, ...]) -> None:
        host = str(address[0]) if address else ""
        self._streams = deque((s, a) for s, a in self._streams if not s.closed())
        pending = [(s, a) for s, a in self._streams if s not in self.trusted]
        mine = [s for s, a in pending if a == host]
        if len(mine) >= self.pending_per_address:
            log.warning("webhook: %s holds %d connections without headers; closing its oldest",
                        host, len(mine))
            mine[0].close()
        elif len(self._streams) >= self.max_connections:
            if not pending:  # every connection is Telegram's: the newcomer waits its turn
                log.warning("webhook: %d connections open, all trusted; refusing a new one",
                            len(self._streams))
                stream.close()
                return
            log.warning("webhook: %d connections open; closing the oldest without headers",
                        len(self._streams))
            pending[0][0].close()
        self._streams = deque((s, a) for s, a in self._streams if not s.closed())
        self._streams.append((stream, host))
        super().handle_stream(stream, address)


def webhook_server(telegram: AnyApplication, path: str, secret: str, *,
                   max_connections: int = MAX_CONNECTIONS) -> BoundedHTTPServer:
    """The server for Telegram's webhook at `path`; call `.listen(port, address)`."""
    app = tornado.web.Application(
        [(path, WebhookHandler, {"telegram": telegram, "secret": secret,
                                 "recent": OrderedDict()})],
        log_function=lambda handler: None,  # refusals are logged once, by the handler
    )
    return BoundedHTTPServer(
        app, xheaders=True, max_connections=max_connections,
        idle_connection_timeout=HEADER_SECONDS, body_timeout=BODY_SECONDS,
        max_header_size=MAX_HEADERS, max_body_size=MAX_BODY, max_buffer_size=MAX_BODY * 2,
    )
