from cepf_bot.reply.locale import reply_locale
from cepf_bot.types import Lang, Locale, Script


def test_the_question_decides_before_the_telegram_setting():
    assert reply_locale("綠發會的理事長是誰", "en") == Locale(Lang.ZH, Script.TAIWAN)
    assert reply_locale("绿发会的理事长是谁", "zh-hk") == Locale(Lang.ZH, Script.SIMPLIFIED)
    assert reply_locale("Who is the secretary general?", "zh-hans") == Locale(Lang.EN,
                                                                              Script.SIMPLIFIED)


def test_a_hong_kong_or_taiwan_user_who_writes_no_chinese_gets_their_script():
    assert reply_locale("", "zh-HK") == Locale(Lang.ZH, Script.HONG_KONG)
    assert reply_locale("IUCN?", "zh-tw") == Locale(Lang.EN, Script.TAIWAN)
    assert reply_locale("", None) == Locale(Lang.EN, Script.SIMPLIFIED)


def test_a_staff_answer_is_labelled_dated_and_escaped_in_the_readers_script():
    from cepf_bot.analysis.script import TraditionalConverter
    from cepf_bot.reply.faq_text import faq_html
    from cepf_bot.types import FaqPair, Locale, Script

    pair = FaqPair("ab12cd34", "怎么捐款？", (), "请<b>转账</b> & 写信给办公室。",
                   source="https://example.org/d?a=1&b=2", date="2026-12-01")
    convert = TraditionalConverter()
    zh = faq_html(pair, Locale(Lang.ZH), convert)
    assert zh == ('<b><a href="https://example.org/d?a=1&amp;b=2">常见问题 · 2026年12月1日</a></b>'
                  "\n请&lt;b&gt;转账&lt;/b&gt; &amp; 写信给办公室。")
    hant = faq_html(pair, Locale(Lang.ZH, Script.TAIWAN), convert)
    assert "常見問題" in hant and "请&lt;b&gt;转账" in hant  # the staff's text as typed
    en = faq_html(pair, Locale(Lang.EN), convert)
    assert en.startswith('<b><a href="https://example.org/d?a=1&amp;b=2">FAQ · 1 December 2026')


def test_traditional_replies_keep_link_addresses_as_they_are(tmp_path):
    """L7: OpenCC converted a link's address for traditional readers (…/新闻/ -> …/新聞/), a
    page that does not exist. The text is converted; an href and a bare URL are not."""
    from cepf_bot.analysis.script import TraditionalConverter
    from cepf_bot.reply.compose import compose_reply
    from tests.conftest import engine_with_pages

    url = "https://www.cbcgdf.org/新闻/绿发会/2020.html"
    convert = TraditionalConverter({"绿发会": "綠發會"})
    html = f'<a href="{url}">新闻 绿发会</a> 原文 {url}。更多新闻'
    assert convert.convert(html, Script.TAIWAN) == (
        f'<a href="{url}">新聞 綠發會</a> 原文 {url}。更多新聞')
    assert convert.convert(f"<a href='{url}'>新闻</a>", Script.HONG_KONG) == (
        f"<a href='{url}'>新聞</a>")

    searcher = engine_with_pages(tmp_path, {
        "news.md": f"---\nsource: {url}\n---\n# 新闻发布\n\n"
                   "黑颈鹤保护小区位于云南省会泽县大桥乡，由当地村民守护。\n"}).searcher
    reply = compose_reply(searcher, "黑頸鶴保護小區在哪裡", reply_locale("黑頸鶴保護小區在哪裡"))
    page = "\n".join(reply.messages)
    assert f'href="{url}"' in page
    assert "新聞" in page  # the title is still in the reader's script
