"""A fake Telegram Bot API server on 127.0.0.1, for driving the real bot over real HTTP.

The bot under test points `TELEGRAM_API_BASE_URL` at `server.base_url`. The server answers the
Bot API methods the bot uses, hands out queued updates through long polling (`getUpdates`),
records every call, and injects faults: an HTTP status with a Bot API error body, a delay.

Like the real Bot API it refuses, with 400 and Telegram's description, what Telegram refuses:
an empty text, a text over 4096 characters after entities are parsed, HTML it cannot parse,
callback data outside 1-64 bytes, more than 50 inline results, a command menu Telegram would
not take (a command not of 1-32 lower-case letters, digits and _, a description of 0 or more
than 256 characters, a language code not of two letters, an unknown scope), a description over
512 or a short description over 120 characters. Every refusal is kept in
`refused`, so a test can assert that a conversation had none.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

from .telegram_html import LIMIT, markup_problems, utf16_length, visible_text

BOT_ID = 7000001
CALLBACK_DATA_BYTES = 64
INLINE_RESULTS_MAX = 50
ANSWER_CALLBACK_TEXT = 200
BOT_USERNAME = "cepf_test_bot"
TOKEN = "1234567:TEST-token-for-the-fake-Bot-API-only"  # 7 digits: no real token shape


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    method: str
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    result: Any = None  # with status 200: this result instead of the real one


def _decode(value: str) -> Any:
    """PTB sends each parameter form-encoded, complex ones as JSON text."""
    try:
        return json.loads(value)
    except ValueError:
        return value


BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files


class _Refusal(Exception):
    """A 400 the real Bot API would give, with its description."""


class _QuietServer(ThreadingHTTPServer):
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a bot killed mid-request resets its connection; that is not a test failure


class FakeTelegram:
    """Start with `start()`, stop with `stop()`; thread-safe."""

    def __init__(self, token: str = TOKEN, port: int = 0) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.refused: list[tuple[str, str]] = []  # (method, description) of each 400 we gave
        self.faults: list[Fault] = []
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._connections: set[socket.socket] = set()
        self._cond = threading.Condition()
        self._server = _QuietServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.get_updates_seen = threading.Event()
        self.files: dict[str, bytes] = {}  # file_id -> bytes, served at /file/bot<token>/…

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegram:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and drop every open connection, as a server that goes away does."""
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        with self._cond:
            connections, self._connections = self._connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
                connection.close()

    # --- what tests call -----------------------------------------------------------------

    def fail(self, method: str, **kwargs: Any) -> None:
        """Make the next call(s) of `method` fail as described (see `Fault`)."""
        with self._cond:
            self.faults.append(Fault(method, **kwargs))

    def push(self, update: dict[str, Any]) -> int:
        with self._cond:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._cond.notify_all()
            return update_id

    def user(self, user_id: int, language_code: str = "zh-hans") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"u{user_id}",
                "language_code": language_code}

    def chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = f"group {chat_id}"
        return chat

    def message(
        self,
        text: str,
        *,
        chat_id: int,
        user_id: int | None = None,
        chat_type: str = "private",
        language_code: str = "zh-hans",
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Deliver a text message from a person; returns the message object."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id or abs(chat_id), language_code), "text": text,
        }
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0,
                             "length": len(text.split()[0].encode("utf-16-le")) // 2})
        mention = f"@{BOT_USERNAME}"
        if mention in text:
            offset = len(text[: text.index(mention)].encode("utf-16-le")) // 2
            entities.append({"type": "mention", "offset": offset, "length": len(mention)})
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        with self._cond:
            self._messages[(chat_id, message["message_id"])] = message
        self.push({"message": message})
        return message

    def document(self, file_name: str, data: bytes, *, chat_id: int, user_id: int | None = None,
                 size: int | None = None, language_code: str = "en") -> dict[str, Any]:
        """Send the bot a file (`size`: what Telegram says its size is, when not its own)."""
        file_id = f"file{next(self._update_ids)}"
        with self._cond:
            self.files[file_id] = data
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id), "from": self.user(user_id or chat_id, language_code),
            "document": {"file_id": file_id, "file_unique_id": f"u{file_id}",
                         "file_name": file_name, "file_size": size or len(data)},
        }
        with self._cond:
            self._messages[(chat_id, message["message_id"])] = message
        self.push({"message": message})
        return message

    def press(self, bot_message: dict[str, Any], data: str, *, user_id: int,
              language_code: str = "zh-hans") -> None:
        """Press an inline button with callback `data` under one of the bot's messages."""
        self.push({"callback_query": {
            "id": f"cb{next(self._update_ids)}", "from": self.user(user_id, language_code),
            "chat_instance": "ci", "data": data, "message": bot_message}})

    def inline(self, query: str, *, user_id: int, language_code: str = "zh-hans") -> str:
        """Type `@bot query`; returns the inline query's id (answerInlineQuery names it)."""
        query_id = f"iq{next(self._update_ids)}"
        self.push({"inline_query": {"id": query_id, "from": self.user(user_id, language_code),
                                    "query": query, "offset": ""}})
        return query_id

    def calls_of(self, method: str, **match: Any) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method
                    and all(str(c.params.get(k)) == str(v) for k, v in match.items())]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                 **match: Any) -> list[Call]:
        """Wait until the bot made `count` calls of `method` matching `match`; return them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method
                         and all(str(c.params.get(k)) == str(v) for k, v in match.items())]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params.get("chat_id")) for c in self.calls[-10:]]
                    raise AssertionError(f"no {count}x {method} {match} in {timeout}s; "
                                         f"last calls: {seen}")
                self._cond.wait(min(left, 0.2))

    def sent_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages the bot sent into a chat, as the server stored them."""
        with self._cond:
            return [m for (c, _), m in sorted(self._messages.items())
                    if c == chat_id and m.get("from", {}).get("id") == BOT_ID]

    # --- the server ----------------------------------------------------------------------

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _respond(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The response; a call is recorded once its effects are (a test that waits for a
        sendMessage then reads the chat's messages finds it there), a long poll as it starts."""
        call = Call(method, params)
        if method == "getUpdates":  # a long poll: seen as it starts
            self._record(call)
            return self._response(method, params)
        try:
            return self._response(method, params)
        finally:
            self._record(call)

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _response(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._cond:
            fault = self._take_fault(method)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status == 200 and fault.result is not None:
                return 200, {"ok": True, "result": fault.result}
            if fault.status != 200:
                body: dict[str, Any] = {"ok": False, "error_code": fault.status,
                                        "description": fault.description}
                if fault.retry_after is not None:
                    body["parameters"] = {"retry_after": fault.retry_after}
                return fault.status, body
        refusal = refusal_of(method, params)
        if refusal is not None:
            with self._cond:
                self.refused.append((method, refusal))
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {refusal}"}
        handler = getattr(self, f"_api_{method}", None)
        try:
            result = handler(params) if handler else True
        except _Refusal as e:
            with self._cond:
                self.refused.append((method, str(e)))
            return 400, {"ok": False, "error_code": 400, "description": str(e)}
        return 200, {"ok": True, "result": result}

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "CEPF test",
                "username": BOT_USERNAME, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": True}

    def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.get_updates_seen.set()
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        with self._cond:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            return list(itertools.islice(self._updates, 0, 100))

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        with self._cond:
            data = self.files.get(file_id)
        if data is None:
            raise _Refusal("Bad Request: invalid file_id")
        if len(data) > BOT_DOWNLOAD_LIMIT:
            raise _Refusal("Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": f"documents/{file_id}"}

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id, "private" if chat_id > 0 else "supergroup"),
            "from": self._api_getMe({}), "text": params.get("text", ""),
        }
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        reply_id = reply_id or params.get("reply_to_message_id")
        with self._cond:
            if reply_id and (chat_id, int(reply_id)) in self._messages:
                message["reply_to_message"] = self._messages[(chat_id, int(reply_id))]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._messages[(chat_id, message["message_id"])] = message
        return message

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        with self._cond:
            message = self._messages.get(key)
            if message is None:
                return True
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            return message

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm the second waits
            # for the client's delayed ACK (40 ms), a stall the real Bot API does not have.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def setup(self) -> None:
                super().setup()
                with fake._cond:
                    fake._connections.add(self.connection)

            def finish(self) -> None:
                with fake._cond:
                    fake._connections.discard(self.connection)
                with contextlib.suppress(OSError):
                    super().finish()

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                prefix = f"/bot{fake.token}/"
                if unquote(self.path).startswith(f"/file/bot{fake.token}/documents/"):
                    self._download(self.path.rsplit("/", 1)[1])
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if not self.path.startswith(prefix):
                    status, body = 401, {"ok": False, "error_code": 401,
                                         "description": "Unauthorized"}
                else:
                    method = self.path[len(prefix):].split("?")[0]
                    if self.headers.get("Content-Type", "").startswith("application/json"):
                        params = json.loads(raw or "{}")
                    else:
                        params = {k: _decode(v) for k, v in parse_qsl(raw)}
                    status, body = fake._respond(method, params)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _download(self, file_id: str) -> None:
                with fake._cond:
                    data = fake.files.get(file_id)
                    fake.calls.append(Call("download", {"file_id": file_id}))
                    fake._cond.notify_all()
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def text_refusal(text: Any, parse_mode: Any) -> str | None:
    """Why Telegram would refuse `text` as a message, or None."""
    if not isinstance(text, str):
        return "message text is empty"
    if parse_mode == "HTML":
        problems = [p for p in markup_problems(text) if p != "no visible text"]
        if problems:
            return f"can't parse entities: {problems[0]}"
        text = visible_text(text)
    if not text.strip():
        return "message text is empty"
    if utf16_length(text) > LIMIT:
        return "message is too long"
    return None


def markup_refusal(markup: Any) -> str | None:
    """Why Telegram would refuse an inline keyboard, or None."""
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_BYTES:
                return "BUTTON_DATA_INVALID"
            if not str(button.get("text", "")).strip():
                return "BUTTON_TEXT_EMPTY"
    return None


MENU_COMMANDS_MAX = 100
DESCRIPTION_MAX = 512
SHORT_DESCRIPTION_MAX = 120
SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators",
          "chat", "chat_administrators", "chat_member"}


def menu_refusal(params: dict[str, Any]) -> str | None:
    """Why Telegram would refuse a setMyCommands / setMy(Short)Description call, or None."""
    code = params.get("language_code")
    if code not in (None, "") and not (isinstance(code, str) and len(code) == 2
                                       and code.isalpha() and code.islower()):
        return "language code is invalid"
    scope = params.get("scope")
    if scope is not None:
        if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
            return "can't parse BotCommandScope"
        if scope["type"].startswith("chat") and "chat_id" not in scope:
            return "chat not found"
    return None


def refusal_of(method: str, params: dict[str, Any]) -> str | None:
    """Why the real Bot API would answer this call with 400, or None."""
    if method == "setMyCommands":
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > MENU_COMMANDS_MAX:
            return "commands are invalid"
        for c in commands:
            name, text = str(c.get("command", "")), str(c.get("description", ""))
            if not (1 <= len(name) <= 32 and all(ch.islower() or ch.isdigit() or ch == "_"
                                                 for ch in name)):
                return "BOT_COMMAND_INVALID"
            if not 1 <= len(text) <= 256:
                return "BOT_COMMAND_DESCRIPTION_INVALID"
        return menu_refusal(params)
    if method == "setMyDescription":
        if len(str(params.get("description") or "")) > DESCRIPTION_MAX:
            return "description is too long"
        return menu_refusal(params)
    if method == "setMyShortDescription":
        if len(str(params.get("short_description") or "")) > SHORT_DESCRIPTION_MAX:
            return "short description is too long"
        return menu_refusal(params)
    if method in ("sendMessage", "editMessageText"):
        return (text_refusal(params.get("text"), params.get("parse_mode"))
                or markup_refusal(params.get("reply_markup")))
    if method == "editMessageReplyMarkup":
        return markup_refusal(params.get("reply_markup"))
    if method == "answerCallbackQuery":
        if len(str(params.get("text") or "")) > ANSWER_CALLBACK_TEXT:
            return "MESSAGE_TOO_LONG"
        return None
    if method == "answerInlineQuery":
        results = params.get("results") or []
        if len(results) > INLINE_RESULTS_MAX:
            return "RESULTS_TOO_MUCH"
        for result in results:
            content = result.get("input_message_content") or {}
            refusal = (text_refusal(content.get("message_text"), content.get("parse_mode"))
                       or markup_refusal(result.get("reply_markup")))
            if refusal is not None:
                return f"MESSAGE_TEXT_INVALID: {refusal}"
    return None
