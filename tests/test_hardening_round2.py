"""Hardening, round 2 (issue 26): no document or question is fatal, readers bounded in time and
memory, text paths linear, names and long titles shown safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import cn2an
import pytest

from cepf_bot.english_forms import FACT, fact_english
from cepf_bot.numbers import approximate_tokens, chinese_numeral_value, normalise_numbers
from cepf_bot.render import readable_figures

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
