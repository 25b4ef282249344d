"""An English gloss of a Chinese sentence: what it states, term by term, in its order.

Not a translation: each piece is rendered by a rule or a curated word, and a word with no
rendering is left out, never guessed. The Chinese sentence is always shown beside it.

- dates, counts and amounts by rule (`english_forms`): 2018年初 -> early 2018;
- the glossary's terms by their rendering (its quoted phrase, else its first phrase):
  世界自然保护联盟 -> International Union for Conservation of Nature (IUCN); an acronym in
  brackets that the rendering already has is not repeated;
- people (the dictionary's [person] class) in pinyin, family name first: 谢伯阳 -> Xie Boyang;
  places ([place]) in pinyin unless the glossary has their English name: 浙江 -> Zhejiang;
- Latin words as written (UN Global Compact, ICC-4); 和/与/及/以及 -> "and"; 、，-> ",".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cepf_bot.analysis.english_forms import FACT, fact_english
from cepf_bot.analysis.script import HAN, HAN_CHARACTER, HAN_RUN

_PIECE = re.compile(
    r"(?P<latin>[A-Za-z][A-Za-z0-9&'./\-]*(?: [A-Za-z0-9&'./\-]+)*)"
    r"|(?P<number>\d+(?:\.\d+)?%?)"
    rf"|(?P<han>[{HAN}]+)"
    r"|(?P<mark>[、，,；;。：:（）()])"
)
_MARKS = {"、": ",", "，": ",", ",": ",", "；": ";", ";": ";", "。": ";", "：": ":", ":": ":",
          "（": "(", "(": "(", "）": ")", ")": ")"}
CONNECTIVES = {"和": "and", "与": "and", "及": "and", "以及": "and", "并": "and"}


@dataclass(frozen=True)
class Gloss:
    """The gloss, and how many of the sentence's content words it rendered."""

    text: str
    rendered: int
    content: int

    @property
    def coverage(self) -> float:
        return self.rendered / self.content if self.content else 1.0


class Glosser:
    """Glosses sentences with a corpus's renderings (`Vocabulary.renderings`, stored in the
    index); `words` cuts Chinese text into words as the index does (jieba with the corpus's
    dictionary)."""

    def __init__(self, renderings: Mapping[str, str], words: Callable[[str], list[str]],
                 function_words: frozenset[str]) -> None:
        self.renderings = renderings
        self.words = words
        self.function_words = function_words
        self._longest = max((len(t) for t in renderings), default=1)
        # terms jieba cannot give as one word: 经济、社会和文化权利国际公约
        punctuated = sorted((t for t in renderings if not HAN_RUN.fullmatch(t)), key=len,
                            reverse=True)
        self._punctuated = re.compile("|".join(map(re.escape, punctuated))) if punctuated \
            else None

    def gloss(self, sentence: str) -> Gloss:
        """The gloss of a Chinese sentence; an empty one for a sentence with no Chinese (an
        English passage needs none)."""
        if not HAN_CHARACTER.search(sentence):
            return Gloss("", 0, 0)
        pieces: list[str] = []
        rendered = content = 0
        at = 0
        for term in self._punctuated.finditer(sentence) if self._punctuated else ():
            r, c = self._facts(sentence[at : term.start()], pieces)
            pieces.append(self.renderings[term.group()])
            rendered, content = rendered + r + 1, content + c + 1
            at = term.end()
        r, c = self._facts(sentence[at:], pieces)
        return Gloss(_joined(pieces), rendered + r, content + c)

    def _facts(self, sentence: str, pieces: list[str]) -> tuple[int, int]:
        rendered = content = 0
        at = 0
        for fact in FACT.finditer(sentence):
            r, c = self._plain(sentence[at : fact.start()], pieces)
            english = fact_english(fact)
            rendered, content = rendered + r + bool(english), content + c + 1
            if english:
                pieces.append(english)
            at = fact.end()
        r, c = self._plain(sentence[at:], pieces)
        return rendered + r, content + c

    def _plain(self, text: str, pieces: list[str]) -> tuple[int, int]:
        rendered = content = 0
        for m in _PIECE.finditer(text):
            kind = m.lastgroup
            if kind == "mark":
                pieces.append(_MARKS[m.group()])
            elif kind in ("latin", "number"):
                content += 1
                rendered += 1
                pieces.append(m.group())
            else:
                r, c = self._han(self.words(m.group()), pieces)
                rendered, content = rendered + r, content + c
        return rendered, content

    def _han(self, words: list[str], pieces: list[str]) -> tuple[int, int]:
        """jieba's words, but a glossary term of two or more characters wins wherever it
        starts, even across jieba's cuts (专家组成员 is 专家组 + 成员, not 专家 + 组成 + 员)."""
        text = "".join(words)
        ends = list(itertools.accumulate(len(w) for w in words))
        rendered = content = 0
        at = 0
        while at < len(text):
            word_end = next(e for e in ends if e > at)
            for end in range(min(len(text), at + self._longest), at + 1, -1):
                english = self.renderings.get(text[at:end])
                if english:
                    break
            else:
                end = word_end
                english = self.renderings.get(text[at:end], "")
            word = text[at:end]
            if english:
                pieces.append(english)
                rendered += 1
                content += 1
            elif word in CONNECTIVES:
                pieces.append(CONNECTIVES[word])
            elif len(word) > 1 and word not in self.function_words:
                content += 1  # a content word with no rendering: left out
            at = end
        return rendered, content


def _joined(pieces: list[str]) -> str:
    """Pieces as one line: no repeated piece, no acronym in brackets twice, no space before
    punctuation, no dangling punctuation, the first letter capitalised."""
    kept: list[str] = []
    while pieces and pieces[0] in (",", ";", ":", "and"):
        pieces = pieces[1:]
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if (piece == "(" and i + 2 < len(pieces) and pieces[i + 2] == ")" and kept
                and pieces[i + 1] in kept[-1]):
            i += 3  # 世界自然保护联盟（IUCN）: the rendering has (IUCN) already
            continue
        if piece in ",;:" and (not kept or kept[-1] in ",;:("):
            i += 1
            continue
        if not kept or piece != kept[-1]:
            kept.append(piece)
        i += 1
    while kept and kept[-1] in (",", ";", ":", "(", "and"):
        kept.pop()
    text = " ".join(kept)
    text = re.sub(r"\s+([,;:)])", r"\1", text).replace("( ", "(").replace("()", "")
    return text[:1].upper() + text[1:]


def fact_in_english(glosser: Glosser, fact: str) -> str:
    """How a gloss states `fact` (a figure, a date, a name, an acronym, a Chinese phrase of
    the corpus): 23122739.73 as published; 2020年初 -> early 2020; 新华社 -> Xinhua …"""
    if re.fullmatch(r"\d+(?:\.\d+)?", fact):
        return fact
    return glosser.gloss(fact).text
