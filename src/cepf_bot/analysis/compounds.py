"""The parts of a Chinese compound that say what it is.

A Chinese compound names a kind of its last part: a 斑海豹 is a 海豹, a 出版社 is a 社 that
publishes, not a 出版. So a compound is what its parts mean only when they cover all of it
(主管 and 单位 make 主管单位), or when a part ends it (its head: 海豹 of 斑海豹); a part that
only modifies (出版 of 出版社, 办事 of 办事处) says what the compound is about, not what it is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from cepf_bot.analysis.lexicon import is_chinese
from cepf_bot.analysis.script import HAN_RUN


def covers(word: str, parts: Collection[str]) -> bool:
    """Whether the parts, where they stand in the word, cover every character of it: 主管 and
    单位 make 主管单位; 秘书 and 秘书长 do not make 副秘书长 (a 副秘书长 is not the 秘书长). A
    word's parts that are not pieces of a Chinese word (an English word's stem, a figure's
    approximate tokens) leave it as it was."""
    if not is_chinese(word) or not all(part in word for part in parts):
        return True
    covered = [False] * len(word)
    for part in parts:
        start = word.find(part)
        while start >= 0:
            covered[start:start + len(part)] = [True] * len(part)
            start = word.find(part, start + 1)
    return all(covered)


def head_parts(word: str, parts: Sequence[str],
               is_function: Callable[[str], bool] = lambda _: False) -> list[str]:
    """The parts whose meaning is the compound's: all of them when they cover it, else those
    that end it (its head); characters `is_function` says carry no content (是 of 全名是, a
    word jieba's dictionary holds) need no part. A word that is not Chinese keeps all its
    parts."""
    function_chars = [ch for ch in dict.fromkeys(word) if is_function(ch)]
    if covers(word, [*parts, *function_chars]):
        return list(parts)
    return [part for part in parts if word.endswith(part)]


# prefixes that deny a word before it (非营利 of 营利, 不公开 of 公开, 未完成 of 完成) …
NEGATING = ("不", "非", "未", "无")
# … and the ones that deny a word of two in place of its first character (免费 of 收费, 无偿
# of 有偿, 非法 of 合法; 不 and 未 there make other words: 不过 is not a denied 超过)
DENYING_HEAD = ("免", "无", "非")


def negations(word: str) -> list[str]:
    """The words that deny a Chinese word (what a yes/no question about it may be answered
    by): a negating prefix before it, or, for a word of two characters, in place of its
    first."""
    if len(word) < 2 or not HAN_RUN.fullmatch(word) or word[0] in (*NEGATING, *DENYING_HEAD):
        return []
    swapped = [p + word[1:] for p in DENYING_HEAD] if len(word) == 2 else []
    return [*swapped, *(p + word for p in NEGATING)]


def corpus_cut(word: str, known: Callable[[str], bool]) -> list[str] | None:
    """An unknown word (年会定, jieba's HMM guessed it whole) cut where the corpus's own words
    cover most of it (年会 + 定, not the dictionary's 年 + 会 + 定): the cut whose pieces of
    two or more characters are all `known` and cover the most characters, the fewest pieces
    on a tie, then the longer pieces first (as forward maximum matching); None when no known
    piece of two characters is in it."""
    # best[i]: (characters covered, -pieces, pieces) of the best cut of word[:i]
    best: list[tuple[int, int, list[str]]] = [(0, 0, [])]
    for end in range(1, len(word) + 1):
        options = []
        for start in reversed(range(end)):  # max keeps the first: longer pieces first
            piece = word[start:end]
            if len(piece) > 1 and not known(piece):
                continue
            covered, pieces, cut = best[start]
            options.append((covered + (len(piece) if len(piece) > 1 else 0), pieces - 1,
                            [*cut, piece]))
        best.append(max(options, key=lambda o: (o[0], o[1])))
    covered, _, cut = best[-1]
    return cut if covered else None
