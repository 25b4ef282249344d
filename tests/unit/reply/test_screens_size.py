"""Every information screen fits Telegram (4,096 characters a message) and a phone, however
many documents the corpus has and however long their titles (issue 26: /about sent 4,476
characters with 35 long-titled documents)."""

import pytest

from cepf_bot.analysis.script import TraditionalConverter
from cepf_bot.reply.screens import about_html, documents_html
from cepf_bot.types import DocumentInfo, IndexInfo, Lang, Locale, Script

TELEGRAM_CHARS = 4096
PHONE_CHARS = 1200  # about a phone screen and a half of text


def _info(documents: int, title_chars: int = 200) -> IndexInfo:
    title = ("中国生物多样性保护与绿色发展基金会年度报告" * 20)[:title_chars]
    docs = tuple(DocumentInfo(f"d{i}", f"{i} {title}", 3, {}, url=f"https://x.org/{i}",
                              format="pdf") for i in range(documents))
    return IndexInfo("gen-1", "2026-12-01T04:08:00+00:00", docs, 3 * documents, 0, 0.0)


@pytest.mark.parametrize("locale", [Locale(Lang.ZH, Script.SIMPLIFIED),
                                    Locale(Lang.ZH, Script.HONG_KONG),
                                    Locale(Lang.EN, Script.SIMPLIFIED)])
@pytest.mark.parametrize("documents", [1, 35, 5000])
def test_about_is_one_phone_sized_message(locale, documents):
    html = about_html(_info(documents), locale, TraditionalConverter())
    assert len(html) <= PHONE_CHARS < TELEGRAM_CHARS
    assert f"{documents}" in html
    if documents > 10:
        assert ("还有" in html or "還有" in html or "and" in html) and str(documents - 10) in html


def test_about_lists_a_small_corpus_whole():
    html = about_html(_info(3, 20), Locale(), TraditionalConverter())
    assert html.count("•") == 3 and "还有" not in html


def test_documents_pages_each_fit_a_message():
    pages = documents_html(_info(300), Locale(Lang.EN, Script.SIMPLIFIED),
                           TraditionalConverter())
    assert len(pages) > 1
    assert all(len(page) <= TELEGRAM_CHARS for page in pages)
    assert sum(page.count("•") for page in pages) == 300
