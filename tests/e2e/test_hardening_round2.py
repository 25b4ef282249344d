"""Hardening, round 2 (issue 26): no document or question is fatal, readers bounded in time and
memory, text paths linear, names and long titles shown safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import cn2an
import pytest

from cepf_bot.analysis.english_forms import FACT, fact_english
from cepf_bot.analysis.numerals import approximate_tokens, chinese_numeral_value, normalise_numbers
from cepf_bot.reply.render import readable_figures

HUGE = "9" * 400


def cli(env: dict[str, str], *args: str, stdin: str | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cepf_bot", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def env(tmp_path, corpus_dir, jieba_cache) -> dict[str, str]:
    return {**os.environ, "CEPF_CORPUS_DIR": str(corpus_dir),
            "CEPF_INDEX_PATH": str(tmp_path / "index"), "CEPF_CACHE_DIR": str(jieba_cache),
            "CEPF_QUERY_LOG": "off"}


@pytest.mark.parametrize("figure", ["9" * 309, HUGE, HUGE + "亿", HUGE + "元", HUGE + "人",
                                    "9" * 20 + "万元"])
def test_a_figure_too_large_to_compute_with_stays_text(figure):
    assert approximate_tokens(figure.rstrip("亿元人万")) == []
    assert normalise_numbers(figure) == figure
    assert all(fact_english(m) is None for m in FACT.finditer(figure))
    assert readable_figures(figure) == figure


@pytest.mark.parametrize("run", ["1" * 100_000, "一" * 100_000, "1." * 50_000])
def test_the_number_normaliser_is_linear_in_a_long_run(run):
    started = time.process_time()
    normalise_numbers(run + "人")
    assert time.process_time() - started < 0.5  # quadratic: minutes


def test_the_numbers_people_write_still_meet_the_digits():
    assert normalise_numbers("七十余人 2300万 两千三百人 1.5亿") \
        == "70余人 23000000 2300人 150000000"
    assert normalise_numbers("第三十人 两千三人 三公约") == "第三十人 两千三人 三公约"


def test_a_zero_inside_a_chinese_numeral_is_read_as_cn2an_writes_it():
    assert normalise_numbers("一千五百零八人") == "1508人"
    numbers = [*range(1, 2000), *range(10_000, 10_000_000, 9_973), 100_010_000, 1_000_000_005]
    wrong = [n for n in numbers if chinese_numeral_value(cn2an.an2cn(n)) != n]
    assert wrong == []


def test_a_huge_figure_in_a_question_is_answered(env):
    result = cli(env, "ask", "--stdin", stdin="绿发会的收入总额是多少\n" + HUGE + "\n秘书长是谁\n")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert json.loads(result.stdout.splitlines()[0])["results"]


def test_a_huge_figure_in_a_document_is_indexed(env, corpus_dir):
    (corpus_dir / "figure.md").write_text(f"# 大数\n\n捐赠金额为{HUGE}元。\n", "utf-8")
    result = cli(env, "reindex")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# Hostile documents: built here, small on disk, huge once read.

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/'
       'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="word/document.xml"/></Relationships>')


def word_bomb(xml_bytes: int) -> bytes:
    """A .docx far under the unpacked-size guard whose XML is `xml_bytes` of paragraphs."""
    import io
    import zipfile

    paragraph = "<w:p><w:r><w:t>中国绿发会参与国际合作的段落文字</w:t></w:r></w:p>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CT)
        package.writestr("_rels/.rels", _RELS)
        with package.open("word/document.xml", "w") as xml:
            xml.write(f"<w:document {_W}><w:body>".encode())
            chunk = (paragraph * 10_000).encode()
            for _ in range(xml_bytes // len(chunk)):
                xml.write(chunk)
            xml.write(b"</w:body></w:document>")
    return buffer.getvalue()


def page_bomb(pages: int, lines: int) -> bytes:
    """A PDF whose `pages` pages all draw one content stream of `lines` lines."""
    import zlib

    content = b"BT /F1 10 Tf 20 TL 40 780 Td " + b"(Green development report line.) ' " * lines \
        + b"ET"
    packed = zlib.compress(content, 9)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + b" ".join(b"3 0 R" for _ in range(pages))
           + b"] /Count " + str(pages).encode() + b" >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode() + packed
           + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n"
    out += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in range(1, 6))
    out += f"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def refused_in_one_line(env: dict[str, str], corpus_dir: Path, name: str, data: bytes,
                        **limits: str) -> str:
    """Reindex with `name` added: refused in one line naming it; the old index still serves."""
    assert cli(env, "reindex").returncode == 0
    current = Path(env["CEPF_INDEX_PATH"], "CURRENT").read_text()
    (corpus_dir / name).write_bytes(data)
    started = time.monotonic()
    result = cli({**env, **limits}, "reindex")
    took = time.monotonic() - started
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and "Traceback" not in result.stderr
    assert name in lines[0], lines
    assert Path(env["CEPF_INDEX_PATH"], "CURRENT").read_text() == current
    asked = cli({**env, **limits}, "ask", "--json", "收入总额")
    assert asked.returncode == 0 and json.loads(asked.stdout)["results"]
    return f"{lines[0]} ({took:.1f} s)"


def test_a_pdf_page_bomb_is_stopped_at_the_time_limit(env, corpus_dir):
    line = refused_in_one_line(env, corpus_dir, "pages.pdf", page_bomb(1000, 1000),
                               CEPF_READ_SECONDS="3")
    assert "more than 3 s (the limit per file)" in line
    assert float(line.rsplit("(", 1)[1].split()[0]) < 3 + 8  # the limit, then start-up


def test_a_pdf_of_too_many_pages_is_refused_by_its_page_count(env, corpus_dir):
    line = refused_in_one_line(env, corpus_dir, "many.pdf", page_bomb(3000, 1))
    assert "3,000 pages (at most 2,000" in line


def test_a_word_zip_bomb_is_stopped_at_the_memory_limit(env, corpus_dir):
    line = refused_in_one_line(env, corpus_dir, "bomb.docx", word_bomb(20_000_000),
                               CEPF_READ_MEMORY_MB="150")
    assert "needs more than 150 MB of memory (the limit per file)" in line


def test_health_names_the_file_the_last_reindex_refused(env, corpus_dir):
    refused_in_one_line(env, corpus_dir, "pages.pdf", page_bomb(3000, 1))
    health = cli(env, "health")
    assert health.returncode == 1 and "pages.pdf" in health.stdout, health.stdout
    assert "still serves" in health.stdout
    (corpus_dir / "pages.pdf").unlink()
    assert cli(env, "health").returncode == 0  # the corpus is as the index again


def test_a_file_name_with_a_newline_or_escapes_cannot_forge_or_paint_a_line(env, corpus_dir):
    (corpus_dir / "evil\n2026-12-01 INFO cepf_bot: reindexed.md").write_bytes(b"\x00bin")
    result = cli(env, "reindex")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "evil\\n2026-12-01" in result.stderr
    (corpus_dir / "evil\n2026-12-01 INFO cepf_bot: reindexed.md").unlink()
    (corpus_dir / "a\x1b[2J\u202eevil.md").write_bytes(b"\x00bin")
    result = cli(env, "reindex")
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "a\\x1b[2J\\u202eevil.md" in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "1e400"])
def test_a_number_setting_that_is_not_finite_is_one_line(env, value):
    result = cli({**env, "CEPF_MAX_FILE_BYTES": value}, "ask", "收入总额")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "CEPF_MAX_FILE_BYTES must be a finite number" in result.stderr


def test_questions_not_in_utf8_on_stdin_are_each_answered(env):
    result = subprocess.run([sys.executable, "-m", "cepf_bot", "ask", "--stdin"], env=env,
                            input=b"\xff" + "收入總額\n".encode() + "秘书长是谁\n".encode(),
                            capture_output=True, timeout=120)
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_ask_into_a_closed_pipe_says_nothing(env):
    assert cli(env, "reindex").returncode == 0
    result = subprocess.run(
        f"printf '收入总额\\n秘书长是谁\\n%.0s' $(seq 200) | {sys.executable} -m cepf_bot ask "
        "--stdin | head -1", shell=True, env=env, capture_output=True, text=True, timeout=120)
    assert len(result.stdout.splitlines()) == 1 and result.stderr == ""


def test_a_long_line_of_markup_is_cut_outside_its_tags_and_each_piece_is_balanced():
    from cepf_bot.reply.render import TELEGRAM_LIMIT, split_messages, telegram_length
    from tests.telegram_html import problems

    line = '<i>— <a href="https://www.cbcgdf.org/x">' + "中国绿发会&amp;伙伴" * 1500 + "</a></i>"
    pieces = split_messages([f"<b>{'长标题' * 2000}</b>\n{line}"])
    assert len(pieces) > 2
    for piece in pieces:
        assert telegram_length(piece) <= TELEGRAM_LIMIT and problems(piece) == [], piece[-80:]


def test_a_title_longer_than_a_message_is_cut_when_read(corpus_dir):
    from cepf_bot.corpus.folder import MAX_TITLE_CHARS, load_corpus

    (corpus_dir / "long.md").write_text("# " + "与合作伙伴" * 1000 + "\n\n## " + "长章节" * 1500
                                        + "\n\n简介。QWERTZ项目的介绍。\n", "utf-8")
    document = next(d for d in load_corpus(corpus_dir).documents if d.id == "long")
    assert len(document.title) == MAX_TITLE_CHARS and document.title.endswith("…")
    assert all(len(p.title) <= MAX_TITLE_CHARS and len(p.section) <= MAX_TITLE_CHARS
               for p in document.passages)


@pytest.mark.parametrize("swap", ["fifo", "link outside"])
def test_a_file_swapped_after_the_listing_is_refused_never_read_or_waited_on(corpus_dir,
                                                                             tmp_path, swap):
    from cepf_bot.corpus.folder import document_files
    from cepf_bot.errors import CorpusError
    from cepf_bot.files import read_raw

    (corpus_dir / "news.md").write_text("# 新闻\n\n观鸟节活动。\n", "utf-8")
    listed = document_files(corpus_dir)
    path = corpus_dir / "news.md"
    (tmp_path / "secret.md").write_text("# 机密\n\n外部文件的内容。\n", "utf-8")
    path.unlink()
    if swap == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(tmp_path / "secret.md")
    started = time.monotonic()
    with pytest.raises(CorpusError, match=r"news\.md: (not a regular file|replaced)"):
        read_raw(path, identity=listed[path])
    assert time.monotonic() - started < 1


def test_the_spelling_corrector_has_one_budget_per_question(searcher):
    import random

    rng = random.Random(0)
    han = [chr(c) for c in range(0x4E00, 0x9FA5)]
    question = "".join("".join(rng.choice(han) for _ in range(6)) + "x"
                       for _ in range(143))[:1000]  # runs of unknown Han, each ended by a letter
    groups = searcher.segmenter.groups(question)
    searcher.speller.corrections(groups)
    started = time.process_time()
    searcher.speller.corrections(groups)
    assert time.process_time() - started < 0.025  # per run: ~50 ms, 10 accounts x 8: seconds
    assert searcher.ask("秘书张是谁").read_as  # a real slip is still read right


def test_the_answer_sentence_of_a_long_paragraph_of_short_clauses_is_bounded_and_cached(
        searcher):
    from cepf_bot.types import Hit, Passage

    text = "，".join(f"第{i}项收入{i * 7}元" for i in range(30_000)) + "。"  # ~300k characters
    passage = Passage(id="t#1", document_id="t", document="表", title="收支表", text=text)
    hit = Hit(1, 5.0, passage, ("收入",))
    query = searcher.analyse("收入是多少")
    started = time.process_time()
    first = searcher._answer(query, hit)
    assert time.process_time() - started < 0.5  # was 10 s
    started = time.process_time()
    assert searcher._answer(query, hit) == first
    assert time.process_time() - started < 0.001
