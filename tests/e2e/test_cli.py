import json
import subprocess
import sys

import pytest

from cepf_bot.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_prints_the_answer_then_title_document_marked_text_and_score(capsys, corpus_dir):
    code, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "绿发会的收入总额是多少？")
    assert code == 0
    answer, passages = out.split("\n\n", 1)
    assert answer.startswith("答：• 收入总额:27103400.95元")  # in the question's language
    assert passages.startswith("1. 收支信息  [收支信息 · 国际交流合作")  # section, document
    assert "【收入总额】:27103400.95元" in out and "收支信息 · 国际交流合作" in out


def test_ask_json_shape(capsys, corpus_dir):
    code, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "--json", "-k", "2",
                       "国际合作项目")
    assert code == 0
    obj = json.loads(out)
    assert obj["query"] == "国际合作项目"
    assert [r["rank"] for r in obj["results"]] == [1, 2]
    first = obj["results"][0]
    assert set(first) == {"rank", "score", "passage_id", "title", "source", "url", "page",
                          "text"}
    assert first["url"] is None and first["page"] is None  # the seed has no http(s) source
    assert obj["answer"]["passage_id"] == first["passage_id"]
    assert obj["answer"]["text"] in first["text"]  # verbatim
    assert isinstance(first["score"], float)
    texts = [r["text"] for r in obj["results"]]
    assert all("项目" in x or "合作" in x for x in texts)
    assert first["source"] == "国际交流合作"


def test_ask_json_off_topic_has_empty_results(capsys, corpus_dir):
    _, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "--json", "明天会下雨吗")
    assert json.loads(out) == {"query": "明天会下雨吗", "answer": None, "read_as": [],
                               "results": []}


def test_ask_stdin_answers_each_line_in_order(capsys, corpus_dir, monkeypatch):
    import io

    lines = ["收入总额", "", "\x00\u202e<script>", "🙂", "巴塞尔公约"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "--stdin")
    assert code == 0
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["query"] for o in objs] == lines
    assert [bool(o["results"]) for o in objs] == [True, False, False, False, True]


def test_reindex_reports_what_it_indexed(capsys, corpus_dir, tmp_path):
    code, out, _ = run(capsys, "reindex", "--corpus", str(corpus_dir), "--index",
                       str(tmp_path / "i"))
    assert code == 0
    assert "indexed 1 documents (1 segmented, the rest unchanged), 18 passages" in out
    assert (tmp_path / "i" / "CURRENT").exists()


def test_reindex_of_a_bad_corpus_fails_with_one_line_and_keeps_the_index(
    capsys, corpus_dir, tmp_path
):
    run(capsys, "reindex", "--corpus", str(corpus_dir), "--index", str(tmp_path / "i"))
    before = (tmp_path / "i" / "CURRENT").read_text()
    (corpus_dir / "bad.md").write_bytes(b"# x\n\xff")
    code, out, err = run(capsys, "reindex", "--corpus", str(corpus_dir), "--index",
                         str(tmp_path / "i"))
    assert code == 1
    assert err.strip().count("\n") == 0 and "bad.md" in err and "UTF-8" in err
    assert "Traceback" not in err
    assert (tmp_path / "i" / "CURRENT").read_text() == before
    code, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "--index",
                       str(tmp_path / "i"), "--json", "收入总额")
    assert code == 0 and json.loads(out)["results"]


def test_empty_corpus_folder_fails_cleanly(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "reindex", "--corpus", str(tmp_path / "empty"))
    assert code == 1 and "no documents" in err


def test_eval_reports_and_guards_with_min_hit1(capsys, corpus_dir, tmp_path, dev_questions):
    code, out, _ = run(capsys, "eval", "--corpus", str(corpus_dir), str(dev_questions))
    assert code == 0
    assert "hit@1" in out and "lang zh-Hans" in out and "kind finance" in out
    code, out, _ = run(capsys, "eval", "--corpus", str(corpus_dir), "--json", str(dev_questions))
    report = json.loads(out)
    assert report["overall"]["negatives"] == report["overall"]["rejected"]
    hard = tmp_path / "hard.jsonl"
    hard.write_text(json.dumps({"q": "收入总额", "must": ["不存在的字"], "lang": "x",
                                "kind": "y"}) + "\n", "utf-8")
    code, out, err = run(capsys, "eval", "--corpus", str(corpus_dir), "--min-hit1", "0.5",
                         str(hard))
    assert code == 1 and "below --min-hit1" in err and "misses:" in out


def test_eval_names_a_malformed_line(capsys, corpus_dir, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "x", "must": []}\nnot json\n', "utf-8")
    code, _, err = run(capsys, "eval", "--corpus", str(corpus_dir), str(bad))
    assert code == 1 and "bad.jsonl:2" in err


@pytest.mark.parametrize("argv", [["ask"], ["ask", "x", "-k", "0"]])
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as e:
        main(argv) if argv[-1] == "0" else sys.exit(main(argv))
    assert e.value.code == 2


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "cepf_bot", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("cepf-bot ")
