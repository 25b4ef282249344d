"""A question's words as the corpus and the dictionaries cut them.

The segmenter cuts a question as it cuts the passages; a question's own words then need a
second look: a question word glued to what is asked (哪些项目, 几期), a hyphenated or run-together
English word the corpus does not know (dark-sky, darksky), and a word jieba's HMM guessed whole
from characters no dictionary joins (年会定, 交了) are cut where the corpus's words, then the
dictionaries', are.
"""

from __future__ import annotations

from collections.abc import Container

from cepf_bot.analysis.compounds import corpus_cut
from cepf_bot.analysis.lexicon import (
    GeneralLexicon,
    english_zipf,
    is_english_word,
    is_question_word,
)
from cepf_bot.analysis.segment import Group, Segmenter
from cepf_bot.index.bm25 import Postings


class QuestionCutter:
    """Cuts a question's segmented words again (`cut`), against the index's terms
    (`postings.terms`) and the expansion rules' keys (`table`)."""

    def __init__(self, segmenter: Segmenter, lexicon: GeneralLexicon,
                 postings: Postings, table: Container[tuple[str, ...]]) -> None:
        self.segmenter = segmenter
        self.lexicon = lexicon
        self.postings = postings
        self.table = table

    def cut(self, groups: list[Group]) -> list[Group]:
        """Words neither the corpus nor a dictionary knows, in the parts a dictionary knows:
        dark-sky -> dark, sky; and a word jieba's HMM guessed from unknown characters
        (交了, 有个, 哪几个) -> the dictionary's words (交/了, 有/个, 哪/几个)."""
        out = []
        for group in groups:
            if group.kind == "han" and (unit := self.lexicon.measure_asked(group.word)):
                # 几期: searched as 期, and not weighed (it is what is asked)
                tokens = () if unit in self.segmenter.stopwords else (unit,)
                out.append(Group(group.word, tokens, group.kind))
            elif group.kind == "han" and (asked := self._after_question_word(group.word)):
                out += asked
            elif group.word in self.postings.terms:
                out.append(group)
            elif group.kind == "word" and ("-" in group.word or "_" in group.word):
                out += self._word_groups(group.word.replace("_", "-").split("-"))
            elif group.kind == "word" and (parts := self._joined(group.word)):
                out += self._word_groups(parts)
            elif (group.kind == "han" and len(group.word) > 1
                    and not self.segmenter.knows(group.word)
                    and not self.lexicon.is_function_word(group.word)):
                cut = corpus_cut(group.word, self.postings.terms.__contains__) or [group.word]
                out += [g for piece in cut for g in (
                    [Group(piece, (piece,), "han")] if piece in self.postings.terms
                    else self.segmenter.dictionary_groups(piece))]
            else:
                out.append(group)
        return out

    def _after_question_word(self, word: str) -> list[Group]:
        """哪些项目 -> 哪些, 项目; 多少钱 -> 多少, 钱: a word jieba's dictionary holds whole that
        is a question word and the thing asked about ([] when it is not). What is asked about
        is then a word of its own, as in 哪个项目 and 什么项目, which jieba cuts. A question
        word the lexicon lists whole (怎么样, 什么样) stays one."""
        if is_question_word(word):
            return []
        for cut in range(len(word) - 1, 1, -1):
            head, rest = word[:cut], word[cut:]
            if is_question_word(head) and not self.lexicon.is_function_word(rest):
                return [*self.segmenter.groups(head), *self.segmenter.groups(rest)]
        return []

    def _word_groups(self, words: list[str]) -> list[Group]:
        return [Group(w, () if w in self.segmenter.stopwords else (w,), "word") for w in words if w]

    def _joined(self, word: str) -> list[str]:
        """darksky -> dark, sky: an unknown English word that is two known ones run together
        (the split whose rarer half is the most common), or [] when it is not."""
        if len(word) < 6 or not word.isalpha() or (word,) in self.table \
                or is_english_word(word):
            return []
        splits = [(min(english_zipf(word[:i]), english_zipf(word[i:])), i)
                  for i in range(3, len(word) - 2)]
        best, i = max(splits, default=(0.0, 0))
        return [word[:i], word[i:]] if best >= 3.0 else []

