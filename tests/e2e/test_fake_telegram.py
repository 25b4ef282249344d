"""The fake Bot API refuses what the real one refuses, so the bot's tests catch it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.fake_telegram import TOKEN, FakeTelegram


@pytest.fixture(scope="module")
def fake() -> FakeTelegram:
    server = FakeTelegram().start()
    yield server
    server.stop()


def call(fake: FakeTelegram, method: str, **params: object) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{fake.port}/bot{TOKEN}/{method}", data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def keyboard(data: str) -> dict:
    return {"inline_keyboard": [[{"text": "go", "callback_data": data}]]}


@pytest.mark.parametrize(("params", "description"), [
    ({"text": ""}, "message text is empty"),
    ({"text": "<b></b>", "parse_mode": "HTML"}, "message text is empty"),
    ({"text": "x" * 4097}, "message is too long"),
    ({"text": "<b>" + "x" * 4097 + "</b>", "parse_mode": "HTML"}, "message is too long"),
    ({"text": "a <b>b", "parse_mode": "HTML"}, "can't parse entities"),
    ({"text": "a < b", "parse_mode": "HTML"}, "can't parse entities"),
    ({"text": "a &nbsp; b", "parse_mode": "HTML"}, "can't parse entities"),
    ({"text": "<div>x</div>", "parse_mode": "HTML"}, "can't parse entities"),
    ({"text": "ok", "reply_markup": keyboard("x" * 65)}, "BUTTON_DATA_INVALID"),
    ({"text": "ok", "reply_markup": keyboard("")}, "BUTTON_DATA_INVALID"),
])
def test_send_message_refuses_what_telegram_refuses(fake, params, description):
    status, body = call(fake, "sendMessage", chat_id=1, **params)
    assert status == 400 and not body["ok"]
    assert description in body["description"]
    assert fake.refused[-1][0] == "sendMessage"


@pytest.mark.parametrize("params", [
    {"text": "x" * 4096},
    {"text": "<b>" + "x" * 4090 + "</b> &amp;", "parse_mode": "HTML"},  # 4096 visible, more HTML
    {"text": "a &lt; b", "parse_mode": "HTML"},
    {"text": "ok", "reply_markup": keyboard("x" * 64)},
    {"text": "斑海豹" * 1365},  # 4095 UTF-16 units
])
def test_send_message_accepts_what_telegram_accepts(fake, params):
    status, body = call(fake, "sendMessage", chat_id=1, **params)
    assert status == 200 and body["ok"], body


def test_more_than_50_inline_results_are_refused(fake):
    result = {"type": "article", "id": "1", "title": "t",
              "input_message_content": {"message_text": "x"}}
    status, _ = call(fake, "answerInlineQuery", inline_query_id="q",
                     results=[{**result, "id": str(i)} for i in range(51)])
    assert status == 400
    status, _ = call(fake, "answerInlineQuery", inline_query_id="q",
                     results=[{**result, "id": str(i)} for i in range(50)])
    assert status == 200


def test_inline_result_with_bad_html_is_refused(fake):
    result = {"type": "article", "id": "1", "title": "t",
              "input_message_content": {"message_text": "<b>x", "parse_mode": "HTML"}}
    status, body = call(fake, "answerInlineQuery", inline_query_id="q", results=[result])
    assert status == 400 and "MESSAGE_TEXT_INVALID" in body["description"]
