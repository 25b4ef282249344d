"""The staff's pairs from the command line: ask --json marks a FAQ answer, a malformed pair
fails reindex in one line naming faq.md and its line, and `faq list` lists the pairs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cepf_bot.cli import main

FAQ = Path(__file__).resolve().parents[1] / "data" / "faq.md"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_gives_the_staff_answer_marked_as_a_faq_pair(capsys, corpus_dir, tmp_path):
    shutil.copy(FAQ, corpus_dir / "faq.md")
    where = ["--corpus", str(corpus_dir), "--index", str(tmp_path / "i")]
    code, out, _ = run(capsys, "ask", *where, "--json", "Is there a CBCGDF office in Hong Kong?")
    obj = json.loads(out)
    assert code == 0 and obj["verdict"] == "answer"
    answer = obj["answer"]
    assert answer["faq"] is True and answer["question"] == "绿发会在香港有办事处吗？"
    assert answer["text"] == "The foundation has no office in Hong Kong. Write to the Beijing " \
        "office."
    assert answer["passage_id"] is None and len(answer["pair_id"]) == 8
    _, out, _ = run(capsys, "ask", *where, "--json", "绿发会的收入总额是多少？")
    assert "faq" not in json.loads(out)["answer"]  # the documents' answer, as before
    code, out, _ = run(capsys, "ask", *where, "怎么联系你们")
    assert code == 0 and out.startswith("常见问题 · ") and "https://example.org/contact" in out


def test_a_malformed_pair_fails_reindex_in_one_line_and_ask_answers_from_the_old_index(
        capsys, corpus_dir, tmp_path):
    shutil.copy(FAQ, corpus_dir / "faq.md")
    where = ["--corpus", str(corpus_dir), "--index", str(tmp_path / "i")]
    assert run(capsys, "reindex", *where)[0] == 0
    with (corpus_dir / "faq.md").open("a", encoding="utf-8") as f:
        f.write("\n## 有没有微信？\nsource: ftp://example.org/wechat\n\n有。\n")
    line = len((corpus_dir / "faq.md").read_text("utf-8").splitlines()) - 3
    code, _, err = run(capsys, "reindex", *where)
    assert code == 1 and "Traceback" not in err
    assert err.strip().count("\n") == 0
    assert f"faq.md:{line}: source is not an http(s) link" in err
    code, out, _ = run(capsys, "ask", *where, "--json", "怎么捐款给绿会")
    assert code == 0 and json.loads(out)["answer"]["faq"] is True


def test_faq_list_lists_each_pair_with_its_wordings_and_where_it_is(capsys, corpus_dir):
    code, out, _ = run(capsys, "faq", "list", "--corpus", str(corpus_dir))
    assert code == 0 and out.startswith("no questions and answers in ")
    shutil.copy(FAQ, corpus_dir / "faq.md")
    code, out, _ = run(capsys, "faq", "list", "--corpus", str(corpus_dir))
    assert code == 0
    assert "] 怎么给绿发会捐款？  (faq.md:3, " in out
    assert "    also: How can I donate to the foundation?\n" in out
    assert "    source: https://example.org/contact\n" in out
    code, out, _ = run(capsys, "faq", "list", "--json", "--corpus", str(corpus_dir))
    pairs = json.loads(out)
    assert [p["line"] for p in pairs] == [3, 8, 13, 18] and pairs[3]["also"] == [
        "How do I contact the foundation?"]
