"""The webhook server under attack, over loopback: what it reads, how long it waits, how many
connections it holds, and what it logs. One real bot serves the whole module."""

from __future__ import annotations

import os
import signal
import socket
import time

import pytest

from cepf_bot.serving.webhook import HEADER_SECONDS, MAX_BODY, MAX_CONNECTIONS
from tests.botprocess import BotProcess

from .test_serving import SECRET, free_port, post, update


@pytest.fixture(scope="module")
def hook(fake, tmp_path_factory, jieba_cache):  # type: ignore[no-untyped-def]
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    bot = BotProcess(fake, tmp_path_factory.mktemp("hook"), CEPF_CACHE_DIR=str(jieba_cache),
                     CEPF_WEBHOOK_URL=url, CEPF_WEBHOOK_SECRET=SECRET, PORT=str(port),
                     CEPF_WEBHOOK_LISTEN="127.0.0.1").start(ready="setWebhook")
    deadline = time.monotonic() + 10
    while post(url, update(1, 300, "warm up"), SECRET) != 200:
        assert time.monotonic() < deadline, "the webhook server did not come up"
        time.sleep(0.1)
    yield bot, port
    bot.stop(signal.SIGKILL)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.settimeout(10)
    return sock


def headers(length: int, secret: str | None = SECRET) -> bytes:
    lines = ["POST /telegram/hook HTTP/1.1", "Host: x", "Content-Type: application/json",
             f"Content-Length: {length}"]
    if secret is not None:
        lines.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def status_then_closed(sock: socket.socket) -> int:
    """The response's status code, after which the server must close the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return int(data.split(b" ", 2)[1])


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


@pytest.mark.parametrize(("secret", "length", "status"), [
    ("wrong-secret-0123456789", 500_000_000, 403),
    (None, 10, 403),
    (SECRET, MAX_BODY + 1, 413),
])
def test_headers_alone_decide_and_the_body_is_never_read(hook, secret, length, status):
    _, port = hook
    with connect(port) as sock:
        sock.sendall(headers(length, secret))  # and not one byte of the body
        assert status_then_closed(sock) == status


def test_large_announced_bodies_with_a_wrong_secret_do_not_grow_the_process(hook):
    bot, port = hook
    before = rss_kb(bot.proc.pid)
    socks = [connect(port) for _ in range(5)]
    for sock in socks:
        sock.sendall(headers(400_000_000, "wrong-secret-0123456789"))
    for sock in socks:
        with pytest.raises(OSError):  # closed under the sender: the body is not taken in
            for _ in range(200):
                sock.sendall(b"x" * 65536)
        sock.close()
    assert rss_kb(bot.proc.pid) - before < 20_000


def test_a_stalled_client_is_cut_off_after_the_header_and_body_timeouts(hook):
    _, port = hook
    with connect(port) as in_headers, connect(port) as in_body:
        in_headers.sendall(b"POST /telegram/hook HTTP/1.1\r\nHost: x\r\n")
        in_body.sendall(headers(200) + b'{"update_id": 5')
        started = time.monotonic()
        assert in_headers.recv(100) == b""  # closed by the server
        assert in_body.recv(100) == b""
        assert time.monotonic() - started < HEADER_SECONDS * 3


def test_stalled_connections_never_keep_a_new_one_out(fake, hook):
    bot, port = hook
    stalled = []
    for _ in range(MAX_CONNECTIONS * 2):  # twice the bound, all half-open
        sock = connect(port)
        sock.sendall(b"POST /telegram/hook HTTP/1.1\r\n")
        stalled.append(sock)
    try:
        assert post(f"http://127.0.0.1:{port}/telegram/hook", update(40, 340, "收入总额"),
                    SECRET) == 200
        fake.wait_for("sendMessage", chat_id=340)
        open_count = 0
        for sock in stalled:
            sock.settimeout(0.01)
            try:
                open_count += sock.recv(1) != b""
            except TimeoutError:
                open_count += 1
            except OSError:
                pass
        assert open_count <= MAX_CONNECTIONS  # the oldest were closed first
        assert stalled[0].fileno() != -1
    finally:
        for sock in stalled:
            sock.close()
    log = bot.log()
    assert log.count("closing the oldest") <= 21  # one line per kind, rate-limited
    assert "Traceback" not in log


def test_malformed_requests_are_a_few_log_lines_and_no_traceback(hook):
    bot, port = hook
    before = len(bot.log())
    for garbage in [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
                    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"] * 60:
        with connect(port) as sock:
            sock.sendall(garbage)
            while sock.recv(4096):
                pass
    bot.wait_for_log("Malformed HTTP message")
    written = bot.log()[before:]
    assert "Traceback" not in written
    assert len(written.splitlines()) <= 45  # 120 requests; at most 20 lines a kind a minute


def test_the_token_and_secret_never_reach_the_log(hook):
    bot, _ = hook
    log = bot.log()
    from tests.fake_telegram import TOKEN
    for secret in (TOKEN, SECRET):
        assert secret.lower() not in log.lower()


@pytest.fixture
def started_bot(fake, tmp_path, jieba_cache):  # type: ignore[no-untyped-def]
    bot = BotProcess(fake, tmp_path, CEPF_CACHE_DIR=str(jieba_cache))
    yield bot
    bot.stop(signal.SIGKILL)


def test_a_malformed_getme_is_retried_with_backoff_in_one_line_each(fake, started_bot):
    fake.fail("getMe", status=200, result={"unexpected": True}, times=2)
    started_bot.start()
    log = started_bot.log()
    assert log.count("getMe answer is malformed") == 2
    assert "Traceback" not in log


def test_sighup_during_start_up_does_not_kill_the_bot(fake, started_bot):
    fake.fail("getMe", status=502, description="Bad Gateway")  # start-up takes a second more
    asked, polled = len(fake.calls_of("getMe")), len(fake.calls_of("getUpdates"))
    started_bot.launch()
    deadline = time.monotonic() + 30
    while len(fake.calls_of("getMe")) == asked:  # it is starting: index loaded, Telegram next
        assert time.monotonic() < deadline and started_bot.proc.poll() is None
        time.sleep(0.02)
    for _ in range(3):
        os.kill(started_bot.proc.pid, signal.SIGHUP)
        time.sleep(0.2)
    fake.wait_for("getUpdates", count=polled + 1, timeout=30)
    assert started_bot.proc.poll() is None


def test_idle_connections_without_headers_never_cut_off_a_slow_real_update(fake, hook):
    bot, port = hook
    body = update(41, 341, "收入总额")
    real = connect(port)
    real.sendall(headers(len(body)))  # the secret is right; the body comes late
    time.sleep(0.3)
    idle = []
    try:
        for _ in range(MAX_CONNECTIONS * 3):  # churn from one address, no headers sent
            sock = connect(port)
            sock.sendall(b"POST /telegram/hook HTTP/1.1\r\n")
            idle.append(sock)
        real.sendall(body)
        response = real.recv(4096)
        assert response.split(b" ", 2)[1] == b"200", response
        fake.wait_for("sendMessage", chat_id=341)
    finally:
        real.close()
        for sock in idle:
            sock.close()
    assert "Traceback" not in bot.log()


@pytest.mark.parametrize("body", [
    b'{"update_id": 42, "message": {"message_id": 1, "date": 1e20, "text": "x",'
    b' "chat": {"id": 342, "type": "private"}}}',
    b'{"update_id": 43, "message": ' + b'{"a": ' * 100_000 + b'1' + b'}' * 100_001,
], ids=["huge-date", "deep-json"])
def test_an_undecodable_update_with_the_right_secret_is_400_not_500(hook, body):
    bot, port = hook
    before = len(bot.log())
    assert post(f"http://127.0.0.1:{port}/telegram/hook", body, SECRET) == 400
    written = bot.log()[before:]
    assert "handler error" not in written
    assert "Traceback" not in written
