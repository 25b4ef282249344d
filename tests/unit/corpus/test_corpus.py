import os
from pathlib import Path

import pytest

from cepf_bot.corpus.folder import load_corpus, parse_document
from cepf_bot.errors import CorpusError
from tests.conftest import REPO_CORPUS


def test_every_line_of_the_seed_is_in_the_corpus_verbatim(seed):
    corpus_text = (REPO_CORPUS / "foundation-international-cooperation.md").read_text("utf-8")
    corpus_lines = {line.strip().lstrip("#").strip() for line in corpus_text.splitlines()}
    corpus_lines |= {line.partition(": ")[2] for line in corpus_text.splitlines()}
    for line in seed.read_text("utf-8").splitlines():
        if line.strip():
            assert line.strip() in corpus_lines, line


def test_finance_block_is_one_passage_titled_by_its_heading():
    passages = load_corpus(REPO_CORPUS).passages
    finance = [p for p in passages if "27103400.95" in p.text]
    assert len(finance) == 1
    assert finance[0].title == "收支信息"
    assert "23122739.73" in finance[0].text and "2240" in finance[0].text
    assert "中国绿发会" not in finance[0].text


def test_heading_like_first_sentence_titles_a_passage():
    passages = load_corpus(REPO_CORPUS).passages
    garc = next(p for p in passages if "谅解备忘录" in p.text)
    assert garc.title == "全球狂犬病控制联盟(GARC)合作项目"
    intro = next(p for p in passages if p.text.startswith("中国生物多样性保护与绿色发展基金会"))
    assert intro.title == "中国绿发会国际交流与合作工作简介"  # long first sentence: section title


def test_passages_have_stable_unique_ids_and_their_document():
    first = load_corpus(REPO_CORPUS).passages
    second = load_corpus(REPO_CORPUS).passages
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first) > 10
    assert {p.document for p in first} == {"国际交流合作"}


def test_front_matter_is_metadata_not_text():
    text = "---\ndate: 2020-01-01\nsource: https://x\n---\n# T\n\n正文一段。\n"
    doc = parse_document("d", Path("d.md"), text, digest="")
    assert doc.metadata == {"date": "2020-01-01", "source": "https://x", "lang": "zh"}
    assert [p.text for p in doc.passages] == ["正文一段。"]


def test_readme_in_corpus_is_not_a_document():
    ids = [d.id for d in load_corpus(REPO_CORPUS).documents]
    assert "README" not in ids


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"# T\n\n\xff\xfe bad", "not valid UTF-8"),
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (b"# T\n\x00\x01binary", "binary file"),
        (b"just text without a title", "no title"),
    ],
)
def test_bad_document_gives_one_line_naming_file_and_problem(tmp_path, content, problem):
    (tmp_path / "good.md").write_text("# Good\n\n好的文字。\n", "utf-8")
    (tmp_path / "bad.md").write_bytes(content)
    with pytest.raises(CorpusError) as e:
        load_corpus(tmp_path)
    message = str(e.value)
    assert "bad.md" in message and problem in message and "\n" not in message


def test_unreadable_and_looping_files_are_named(tmp_path):
    (tmp_path / "good.md").write_text("# Good\n\n好的文字。\n", "utf-8")
    os.symlink(tmp_path / "loop.md", tmp_path / "loop.md")
    with pytest.raises(CorpusError, match=r"loop\.md: cannot read"):
        load_corpus(tmp_path)


def test_empty_folder_and_missing_folder(tmp_path):
    with pytest.raises(CorpusError, match="no documents"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")


def test_oversized_and_duplicate_documents(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\n文字。\n", "utf-8")
    (tmp_path / "b.md").write_text("# A\n\n文字。\n", "utf-8")
    with pytest.raises(CorpusError, match=r"b\.md: duplicate document"):
        load_corpus(tmp_path)
    (tmp_path / "b.md").write_text("# B\n\n" + "长" * 100 + "\n", "utf-8")
    with pytest.raises(CorpusError, match="too large"):
        load_corpus(tmp_path, max_file_bytes=200)


def test_load_corpus_fingerprint_equals_the_staleness_check(tmp_path):
    from cepf_bot.corpus.folder import corpus_fingerprint

    (tmp_path / "a.md").write_bytes("\ufeff# 标题\r\n\r\n正文。\r\n".encode())
    (tmp_path / "b.md").write_text("# B\n\n文字。\n", "utf-8")
    (tmp_path / "dictionary.txt").write_text("斑海豹\n", "utf-8")
    assert load_corpus(tmp_path).fingerprint == corpus_fingerprint(tmp_path)
    assert load_corpus(REPO_CORPUS).fingerprint == corpus_fingerprint(REPO_CORPUS)
