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
    # the fact first, in the question's language, then the sentence it is from
    assert answer.startswith("答：27103400.95元（27,103,400.95 元，约 2710 万元）\n「• 收入总额:")
    assert passages.startswith("1. 收支信息  [收支信息 · 国际交流合作")  # section, document
    assert "【收入总额】:27103400.95元" in out and "收支信息 · 国际交流合作" in out


def test_ask_closest_prints_one_plain_line_then_the_passages_never_an_answer(capsys,
                                                                           corpus_dir):
    code, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "绿会2019年的收入是多少")
    assert code == 0
    first, passages = out.split("\n\n", 1)
    assert first == "资料里没有找到确切的答案，最接近的是：" and "答：" not in out
    assert passages.startswith("1. 收支信息")
    _, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "--json", "绿会2019年的收入是多少")
    obj = json.loads(out)
    assert obj["verdict"] == "closest" and obj["results"]
    assert obj["answer"]["text"] in obj["results"][0]["text"]  # the closest sentence


def test_ask_json_shape(capsys, corpus_dir):
    code, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "--json", "-k", "2",
                       "国际合作项目")
    assert code == 0
    obj = json.loads(out)
    assert obj["query"] == "国际合作项目"
    assert obj["verdict"] in ("answer", "closest")
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
    assert json.loads(out) == {"query": "明天会下雨吗", "verdict": "none", "answer": None,
                               "read_as": [], "results": []}


def test_ask_stdin_answers_each_line_in_order(capsys, corpus_dir, monkeypatch):
    import io

    lines = ["收入总额", "", "\x00\u202e<script>", "🙂", "巴塞尔公约"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(capsys, "ask", "--corpus", str(corpus_dir), "--stdin")
    assert code == 0
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["query"] for o in objs] == lines
    assert [bool(o["results"]) for o in objs] == [True, False, False, False, True]
    assert [o["verdict"] == "none" for o in objs] == [False, True, True, True, False]


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
    assert "found@1" in out and "confident" in out and "lang zh-Hans" in out
    assert "kind finance" in out
    code, out, _ = run(capsys, "eval", "--corpus", str(corpus_dir), "--json", str(dev_questions))
    report = json.loads(out)
    assert report["overall"]["negatives"] == report["overall"]["rejected"]
    assert report["overall"]["near"] == 4 and report["overall"]["near_unanswered"] == 1.0
    hard = tmp_path / "hard.jsonl"
    hard.write_text(json.dumps({"q": "收入总额", "must": ["不存在的字"], "lang": "x",
                                "kind": "y"}) + "\n", "utf-8")
    code, out, err = run(capsys, "eval", "--corpus", str(corpus_dir), "--min-hit1", "0.5",
                         str(hard))
    assert code == 1 and "below --min-hit1" in err and "misses:" in out


def test_eval_gates_on_the_verdicts(capsys, corpus_dir, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"q": "绿发会的收入总额是多少？", "must": ["27103400.95"], "lang": "zh", "kind": "f"},
        {"q": "明天北京天气怎么样", "must": [], "lang": "zh", "kind": "negative", "neg": "far"},
    ]) + "\n", "utf-8")
    gates = ["--min-confident", "1", "--min-far", "1", "--min-near", "1",
             "--min-lang-answer", "1"]
    code, _, err = run(capsys, "eval", "--corpus", str(corpus_dir), *gates, str(questions))
    assert code == 0, err
    far_answered = tmp_path / "far.jsonl"
    far_answered.write_text(json.dumps({"q": "收入总额", "must": [], "lang": "zh",
                                        "kind": "chat"}) + "\n", "utf-8")
    code, out, err = run(capsys, "eval", "--corpus", str(corpus_dir), "--min-far", "1",
                         str(far_answered))
    assert code == 1 and "below --min-far 1" in err and "should get none" in out


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


def test_add_puts_a_file_in_the_corpus_and_answers_from_it(capsys, corpus_dir, tmp_path):
    page = tmp_path / "wetland.md"
    page.write_text("# 湿地调查\n\n湿地调查覆盖了十二个保护小区。\n", "utf-8")
    args = ["--corpus", str(corpus_dir), "--index", str(tmp_path / "i")]
    code, out, _ = run(capsys, "add", *args, str(page))
    assert code == 0 and "added wetland.md" in out and (corpus_dir / "wetland.md").exists()
    code, _, err = run(capsys, "add", *args, str(page))
    assert code == 1 and "--replace" in err
