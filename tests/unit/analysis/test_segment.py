from cepf_bot.analysis.script import to_simplified
from cepf_bot.analysis.segment import Segmenter, normalise


def test_domain_words_stay_whole(segmenter):
    tokens = segmenter.tokens("斑海豹和暗夜保护地，污染环境罪，中国绿发会")
    for word in ("斑海豹", "暗夜保护地", "污染环境罪", "中国绿发会"):
        assert word in tokens


def test_acronyms_lower_cased_and_numbers_whole(segmenter):
    tokens = segmenter.tokens("IUCN、CITES与GBIF；收入总额:27103400.95元，ICC-4")
    assert {"iucn", "cites", "gbif", "27103400.95", "icc-4"} <= set(tokens)
    assert "27103400.95" in segmenter.tokens("２７,１０３,４００.９５")  # full-width, grouped


def test_question_words_are_stopwords(segmenter):
    tokens = segmenter.tokens("绿发会有多少会员？是哪些？是什么？是否加入？")
    assert not {"多少", "哪些", "什么", "是否", "的", "吗"} & set(tokens)
    assert "中国绿发会" in tokens  # the foundation's names are one term


def test_passage_and_question_forms_meet_on_the_same_tokens(segmenter):
    """Full-width letters, case and digit grouping do not change the tokens: a question typed
    on a phone meets the passage's terms."""
    passage = segmenter.tokens("联合国开发计划署(UNDP)合作项目，收入27103400.95元")
    question = segmenter.tokens(
        "联合国开发计划署（ｕｎｄｐ）合作项目，收入２７,１０３,４００.９５元")
    assert question == passage
    assert {"undp", "27103400.95", "联合国开发计划署"} <= set(passage)
    assert normalise("ＵＮＤＰ（Ａ）") == "undp(a)"


def test_a_deputy_is_not_the_title_holder(segmenter):
    """jieba cuts 副秘书长 as 副 / 秘书长: the two are one term, which the 秘书长 does not match;
    titles jieba holds whole (副主席) stay as they were."""
    tokens = segmenter.tokens("绿会副秘书长出席了会议")
    assert "副秘书长" in tokens and "秘书长" not in tokens and "副" not in tokens
    assert "副主席" in segmenter.tokens("民革中央原副主席何丕洁")
    assert "秘书长" in segmenter.tokens("副理事长兼秘书长周晋峰")


def test_traditional_questions_become_simplified():
    assert to_simplified("綠發會的理事長是誰") == "绿发会的理事长是谁"
    assert to_simplified("plain ascii") == "plain ascii"


def test_unwritable_cache_folder_falls_back(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    seg = Segmenter(user_words=["斑海豹"], cache_dir=blocker / "cache")
    assert "斑海豹" in seg.tokens("斑海豹")


def test_settings_round_trip_gives_the_same_tokens(segmenter, jieba_cache):
    again = Segmenter.from_settings(segmenter.settings(), cache_dir=jieba_cache)
    text = "中国绿发会秘书长周晋峰博士还担任罗马俱乐部执委"
    assert again.tokens(text) == segmenter.tokens(text)


def test_a_year_in_english_text_has_no_approximate_tokens():
    """"founded in 1985" is a year as 1985年 is: it must not meet "the 1980s" by magnitude."""
    from cepf_bot.analysis.numerals import approximate_tokens

    assert approximate_tokens("1985", " ") == []
    assert approximate_tokens("2018", "两") == []  # 2018两会
    assert approximate_tokens("2900", "余") == ["~2e3", "~29e2"]  # 2900余人: a figure


def test_british_and_american_spellings_meet_on_one_stem(segmenter):
    """Readers in Hong Kong write organisation, centre, programme; CC-CEDICT's senses and many
    pages write organization, center, program."""
    for british, american in [("organisation", "organization"), ("centre", "center"),
                              ("programmes", "programs"), ("colour", "color")]:
        assert segmenter.tokens(british)[-1] == segmenter.tokens(american)[-1]
    assert segmenter.tokens("promise")[-1] == "promis"  # not a British spelling: as it was


def test_a_british_spelling_finds_the_chinese_of_its_american_form(searcher):
    british = searcher.analyse("Which organisation supervises it?").terms
    american = searcher.analyse("Which organization supervises it?").terms
    assert {t for t in american if not t.isascii()} <= set(british)
    assert any(not t.isascii() for t in american)


def test_a_private_cache_folder_is_removed_when_the_process_exits(tmp_path):
    """Without a usable cache folder jieba writes in a temporary one (16 MB): it must not be
    left behind, one per process, in the machine's temporary folder."""
    import subprocess
    import sys

    code = ("from cepf_bot.analysis.segment import usable_cache_dir\n"
            "folder = usable_cache_dir(None)\n"
            "(folder / 'jieba.cache').write_bytes(b'x')\n"
            "print(folder)\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"TMPDIR": str(temporary), "PATH": "/usr/bin:/bin"})
    folder = run.stdout.strip()
    assert folder.startswith(str(temporary)) and "cepf-bot-jieba-" in folder
    assert not list(temporary.iterdir())  # gone with the process


def test_a_greek_plural_meets_its_singular_on_one_stem():
    """Snowball stems crises as crise and crisis as crisi; the plural is read as its singular
    where the -sis word is the commoner reading (bases stays base, houses stays hous)."""
    from cepf_bot.analysis.english_stems import english_stem

    assert english_stem("crises") == english_stem("crisis")
    assert english_stem("analyses") == english_stem("analysis")
    assert english_stem("bases") == english_stem("base")
    assert english_stem("houses") == english_stem("house")
