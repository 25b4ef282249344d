"""PDF, Word and web pages in the corpus: real files made here, through reindex and ask."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cepf_bot.corpus.folder import load_corpus
from cepf_bot.corpus.reading import read_document
from tests.conftest import REPO_CORPUS, open_engine
from tests.documents import FOOTER, SITE_MENU, Text, write_docx, write_html, write_pdf

SEED = REPO_CORPUS / "foundation-international-cooperation.md"
URL = "https://www.cbcgdf.org/NewsShow/5/12345.html"
TABLE = [("项目", "2019年", "2018年"), ("收入总额", "27103400.95元", "25000000元"),
         ("支出总额", "23122739.73元", "")]


@pytest.fixture(scope="module")
def seed_text() -> Text:
    return Text.of_markdown(SEED)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read(path: Path):  # type: ignore[no-untyped-def]
    return read_document(path, path.read_bytes())


def test_a_pdf_is_read_verbatim_page_by_page_without_its_page_numbers(tmp_path, seed_text):
    document = read(write_pdf(tmp_path / "report.pdf", seed_text))
    assert document.title == seed_text.title and document.format == "pdf"
    got = [squeeze("".join(b.lines)) for b in document.blocks]
    assert got == [squeeze(p) for _, p in seed_text.paragraphs]  # every paragraph, in order
    assert {b.page for b in document.blocks} == {1, 2, 3}
    assert not any(re.search(r"-\s*\d\s*-", line) for b in document.blocks for line in b.lines)
    assert document.blocks[1].section == "中国绿发会国际交流与合作工作简介"


def test_a_scanned_pdf_is_skipped_with_a_warning_naming_it(corpus_dir, seed_text, caplog):
    write_pdf(corpus_dir / "scan.pdf", seed_text, scanned=True)
    corpus = load_corpus(corpus_dir)
    assert [d.format for d in corpus.documents] == ["md"]
    assert "scan.pdf: skipped, no text layer" in caplog.text


@pytest.mark.parametrize("semantic", [True, False], ids=["html5-tags", "all-divs"])
def test_a_web_page_keeps_its_article_title_and_canonical_link_only(tmp_path, seed_text,
                                                                    semantic):
    document = read(write_html(tmp_path / "page.html", seed_text, URL, semantic=semantic))
    assert document.title == seed_text.title and document.url == URL
    text = "\n".join(line for b in document.blocks for line in b.lines)
    for furniture in [*SITE_MENU[1:], *FOOTER, "热门文章", "_hmt", "tracking", "font-family"]:
        assert furniture not in text
    assert squeeze(text) == squeeze("".join(p for _, p in seed_text.paragraphs))


def test_a_word_file_has_its_headings_as_sections_and_tables_as_label_value_rows(
        tmp_path, seed_text):
    document = read(write_docx(tmp_path / "report.docx", seed_text, TABLE))
    assert document.title == seed_text.title
    assert document.blocks[0].section == "收支信息"
    assert document.blocks[-1].section == "财务报表"
    assert document.blocks[-1].lines == [
        "收入总额: 2019年 27103400.95元; 2018年 25000000元",
        "支出总额: 2019年 23122739.73元"]


def test_every_format_through_reindex_and_ask_with_page_and_link(corpus_dir, tmp_path,
                                                                  seed_text):
    (corpus_dir / "foundation-international-cooperation.md").unlink()
    write_pdf(corpus_dir / "report.pdf", seed_text)
    write_html(corpus_dir / "page.htm", Text("暗夜保护地", seed_text.paragraphs[-5:-4]), URL)
    write_docx(corpus_dir / "finances.docx", Text("财务", []), TABLE)
    engine = open_engine(corpus_dir, tmp_path / "index")
    formats = {d.id: d.format for d in engine.info().documents}
    assert formats == {"report.pdf": "pdf", "page.htm": "html", "finances.docx": "docx"}
    results = engine.searcher.ask("2018年的收入总额")
    assert results.hits[0].passage.document_id == "finances.docx"
    dark = engine.searcher.ask("暗夜保护地是哪年被列入名录的").hits[0].passage
    assert dark.url == URL
    page = [p for p in engine.searcher.index.passages if p.document_id == "page.htm"]
    assert len(page) == 1 and "首页" not in page[0].text  # one short article: no menu either
    rabies = engine.searcher.ask("狂犬病项目是什么时候签的").hits[0].passage
    assert rabies.document_id == "report.pdf" and rabies.page in (1, 2)
    assert rabies.source.endswith(f"p. {rabies.page}")


def cli(corpus: Path, index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import os
    env = {**os.environ, "CEPF_CORPUS_DIR": str(corpus), "CEPF_INDEX_PATH": str(index)}
    return subprocess.run([sys.executable, "-m", "cepf_bot", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_summarises_formats_and_links_answers_to_http_sources_only(
        corpus_dir, tmp_path, seed_text):
    write_html(corpus_dir / "page.html", Text("暗夜保护地", seed_text.paragraphs[-5:-4]), URL)
    seed = corpus_dir / "foundation-international-cooperation.md"
    seed.write_text(seed.read_text("utf-8").replace(
        "---\n", "---\nsource: javascript:alert(1)\n", 1), "utf-8")
    done = cli(corpus_dir, tmp_path / "index", "reindex")
    assert done.returncode == 0 and "documents by format: 1 html, 1 md" in done.stdout
    asked = json.loads(cli(corpus_dir, tmp_path / "index", "ask", "--json",
                           "暗夜保护地名录").stdout)
    page = [r for r in asked["results"] if r["passage_id"].startswith("page.html#")]
    assert page and page[0]["url"] == URL
    assert all(r["url"] is None for r in asked["results"]
               if r["passage_id"].startswith("foundation"))  # javascript: is never shown
    printed = cli(corpus_dir, tmp_path / "index", "ask", "暗夜保护地名录").stdout
    assert URL in printed and "javascript" not in printed


def _encrypted(pdf: Path) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(pdf))
    writer.encrypt("staff-only", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("name", "damage", "why"), [
    ("broken.pdf", lambda pdf: pdf[: len(pdf) // 3], "cannot read this PDF file"),
    ("locked.pdf", None, "encrypted"),
    ("broken.docx", lambda _: b"PK\x03\x04 not really a zip", "cannot read this DOCX file"),
    ("binary.html", lambda _: b"\x00\x01\x02" * 100, "skipped"),
])
def test_a_bad_file_is_one_line_naming_it_and_the_last_index_keeps_answering(
        corpus_dir, tmp_path, seed_text, name, damage, why):
    assert cli(corpus_dir, tmp_path / "index", "reindex").returncode == 0
    pdf = write_pdf(tmp_path / "good.pdf", seed_text).read_bytes()
    data = _encrypted(tmp_path / "good.pdf") if damage is None else damage(pdf)
    (corpus_dir / name).write_bytes(data)
    done = cli(corpus_dir, tmp_path / "index", "reindex")
    if name == "binary.html":  # an HTML file of junk has no main text: skipped, not fatal
        assert done.returncode == 0 and "binary.html: skipped" in done.stderr
        return
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and name in done.stderr and why in done.stderr
    asked = cli(corpus_dir, tmp_path / "index", "ask", "收入总额")
    assert "27103400.95" in asked.stdout and name in asked.stderr


def test_a_word_file_that_unpacks_to_too_much_is_refused_before_unpacking(tmp_path):
    import zipfile

    from cepf_bot.corpus.readers.word import MAX_UNPACKED_BYTES
    from cepf_bot.errors import CorpusError

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(CorpusError, match=r"bomb\.docx: cannot read this DOCX file .*unpacks to"):
        read(bomb)
