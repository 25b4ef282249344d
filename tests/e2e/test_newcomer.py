"""A newcomer's first hour: the suite needs nothing beside the repository and never touches
the user's own files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cepf_bot.analysis.segment import Group
from cepf_bot.cli import main
from cepf_bot.config import QueryLogSettings, heartbeat_path, resolve_paths
from cepf_bot.querylog import QueryLog
from cepf_bot.reply.tables import display_width, table
from cepf_bot.search.spelling import Speller, one_edit_apart
from cepf_bot.serving.heartbeat import write_heartbeat
from cepf_bot.types import Correction
from tests.conftest import REAL_HOME, REPO


def snapshot(folder: Path) -> dict[str, float]:
    if not folder.exists():
        return {}
    return {str(p): p.stat().st_mtime for p in folder.rglob("*")}


def test_every_path_a_test_uses_is_in_its_temporary_folder(tmp_path):
    paths = resolve_paths()
    log = QueryLogSettings.from_env().path
    assert log is not None
    for path in (Path.home(), paths.index_path, paths.cache_dir.parent, log,
                 heartbeat_path(index_path=paths.index_path)):
        assert path.is_relative_to(tmp_path.parent), path
        assert not path.is_relative_to(REAL_HOME) or REAL_HOME.is_relative_to(tmp_path.parent)


def test_asking_and_logging_leave_the_real_home_untouched(capsys, tmp_path):
    watched = [REAL_HOME / ".local" / "share" / "cepf-bot", REAL_HOME / ".cache" / "cepf-bot"]
    before = [snapshot(folder) for folder in watched]
    assert main(["ask", "绿发会的收入总额是多少？"]) == 0
    log = QueryLog.open(QueryLogSettings.from_env().path)
    log.record(question="test", lang="zh", chat_type="private", user_id=1, hits=[])
    log.close()
    assert [snapshot(folder) for folder in watched] == before
    assert (tmp_path / "index").is_dir() and (tmp_path / "queries.sqlite").is_file()


def test_the_suite_skips_what_needs_the_shared_folder_when_it_is_absent(tmp_path):
    env = {**os.environ, "CEPF_SHARED_DIR": str(tmp_path / "nowhere")}
    tests = [
        "tests/unit/corpus/test_corpus.py::test_every_line_of_the_seed_is_in_the_corpus_verbatim",
        "tests/e2e/test_cli.py::test_eval_reports_and_guards_with_min_hit1",
    ]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                             *tests], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout and "CEPF_SHARED_DIR" in result.stdout


@pytest.mark.parametrize(("command", "variable"), [
    ("serve", "TELEGRAM_BOT_TOKEN"), ("serve", "CEPF_WEBHOOK_SECRET"), ("ask", "CEPF_INDEX_PATH"),
    ("report", "CEPF_QUERY_LOG"), ("health", "CEPF_HEARTBEAT_FILE"), ("reindex", "CEPF_CORPUS_DIR"),
])
def test_help_lists_the_environment_a_command_needs(capsys, command, variable):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "environment variables:" in out and variable in out and "default:" in out


def test_each_instance_has_its_own_heartbeat(tmp_path, capsys):
    first, second = tmp_path / "index-a", tmp_path / "index-b"
    assert heartbeat_path(first) != heartbeat_path(second)
    assert main(["ask", "--index", str(second), "收入总额"]) == 0
    write_heartbeat(heartbeat_path(first), "polling")  # another bot, serving another index
    assert main(["health", "--serving", "--index", str(second)]) == 1
    assert "no heartbeat" in capsys.readouterr().out
    write_heartbeat(heartbeat_path(second), "polling")
    assert main(["health", "--serving", "--index", str(second)]) == 0


def test_tables_line_up_by_display_width():
    lines = table([["问题", "3"], ["a longer question", "12"], ["綠會嘅收入係幾多", "1"]], "<>")
    assert len({display_width(line) for line in lines}) == 1


def test_the_cli_answers_in_the_questions_language_and_script(capsys):
    assert main(["ask", "今天天气怎么样"]) == 0
    assert capsys.readouterr().out.startswith("抱歉")
    assert main(["ask", "綠會的收入總額是多少"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("答：") and "收入總額" in out
    assert main(["ask", "What is the weather like?"]) == 0
    assert capsys.readouterr().out.startswith("Sorry")


# --- forgiving typing ------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "near"), [
    ("iunc", "iucn", True), ("iucnn", "iucn", True), ("iuc", "iucn", True), ("ucn", "iucn", True),
    ("igbf", "gbif", False), ("iucn", "iucn", False), ("cites", "sites", True),
])
def test_one_edit_apart(a, b, near):
    assert one_edit_apart(a, b) is near


def test_a_homophone_or_a_slip_is_read_as_the_corpus_term():
    speller = Speller(["绿发会", "秘书长", "理事长"], ["iucn", "cites"],
                      is_known=lambda w: w in {"绿发会", "秘书长", "秘书", "iucn", "cites"},
                      is_english=lambda w: w in {"sites", "unit"})
    groups = [Group("绿", ("绿",), "han"), Group("法会", ("法会",), "han"),
              Group("iunc", ("iunc",), "word"), Group("sites", ("sites",), "word")]
    assert speller.corrections(groups) == [Correction("绿法会", "绿发会"),
                                           Correction("iunc", "iucn")]  # "sites" is English
    assert speller.corrections([Group("秘书长", ("秘书长",), "han")]) == []  # nothing unknown


@pytest.mark.parametrize(("question", "read", "expected"), [
    ("绿法会的收入是多少", "绿发会", "27103400.95"),
    ("秘书张是谁", "秘书长", "周晋峰"),
])
def test_a_mistyped_question_is_answered_and_says_how_it_was_read(question, read, expected,
                                                                  capsys):
    assert main(["ask", "--json", question]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["read"] for c in out["read_as"]] == [read]
    assert expected in out["results"][0]["text"]
    assert main(["ask", question]) == 0
    assert (f"以 {read} 理解" if read[0] > "z" else f"read as: {read.upper()}") in \
        capsys.readouterr().out


def test_a_slipped_acronym_is_answered_as_typed_or_as_read(capsys):
    # "member" already finds the membership list: the verdict may answer before any reading
    assert main(["ask", "--json", "Is the foundation a member of the IUNC?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "answer" and "IUCN" in out["answer"]["text"]
    assert [c["read"] for c in out["read_as"]] in ([], ["iucn"])


@pytest.mark.parametrize("question",
                         ["WWF是谁创办的", "阿拉善SEE基金会是做什么的", "今天北京天气怎么样"])
def test_no_correction_makes_an_off_topic_question_answered(question, capsys):
    # near the foundation's world (another foundation, WWF) they may get the closest
    # passages; no reading of theirs is ever answered
    assert main(["ask", "--json", question]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] != "answer" and out["read_as"] == []
    assert (out["verdict"] == "none") == (out["results"] == [])
