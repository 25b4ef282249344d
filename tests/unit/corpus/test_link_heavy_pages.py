"""A web page of links is refused before trafilatura parses it (M2): its time grows faster
than the square of the links in one element, and a 5.2 MB page of 100,000 links ran for
minutes, past the worker's limit, before the error said anything about why."""

from pathlib import Path

import pytest

from cepf_bot.corpus.readers.webpage import MAX_LINKS
from cepf_bot.corpus.reading import read_document
from cepf_bot.corpus.worker import ReadLimits, read_bounded
from cepf_bot.errors import CorpusError

ARTICLE = "<h1>链接页</h1><p>中国绿发会的正文段落，介绍国际合作。</p>"


def _page(links: int, tag: str = "a") -> bytes:
    anchors = "".join(f'<{tag} href="https://example.org/{i}">链接{i}</{tag}> '
                      for i in range(links))
    return (f"<html><head><title>链接</title></head><body><article>{ARTICLE}<p>{anchors}</p>"
            "</article></body></html>").encode()


def test_a_page_of_100000_links_is_refused_in_one_line_naming_the_file(tmp_path):
    data = _page(100_000)
    assert len(data) > 5_000_000
    path = tmp_path / "corpus" / "links.html"
    with pytest.raises(CorpusError) as raised:
        read_bounded(path, data, ReadLimits(seconds=10))  # today's code: over 10 s, killed
    line = str(raised.value)
    assert str(path) in line and f"more than {MAX_LINKS:,} links" in line and "\n" not in line


def test_the_bound_counts_link_tags_in_any_case_and_nothing_else(tmp_path):
    with pytest.raises(CorpusError, match="links"):
        read_document(tmp_path / "a.html", _page(MAX_LINKS + 1, "A"))
    # <abbr>, <area>, <article> are not links: a page of them is read
    text = read_document(tmp_path / "a.html", _page(MAX_LINKS + 1, "abbr"))
    assert text is not None and text.title.startswith("链接")


def test_a_page_with_a_menu_of_hundreds_of_links_is_still_read(tmp_path):
    menu = "".join(f'<li><a href="/n/{i}">栏目{i}</a></li>' for i in range(600))
    data = (f"<html><head><title>新闻</title></head><body><nav><ul>{menu}</ul></nav>"
            f"<article>{ARTICLE}</article></body></html>").encode()
    text = read_document(Path(tmp_path / "news.html"), data)
    assert text is not None
    assert any("国际合作" in line for block in text.blocks for line in block.lines)
