"""The corpus's word files, read once into one typed object.

    dictionary.txt   words jieba must keep whole (optionally with a frequency)
    stopwords.txt    words that are never index terms
    synonyms.txt     corpus term = everyday words for it
    glossary.txt     corpus term = English words for it
    traditional.txt  simplified = traditional (where OpenCC picks the wrong character)
    names.txt        one term = the names it goes by (the foundation's names become one term)

A reindex reads them once, inside the writer lock; the index's fingerprint is of the bytes read
here, so a file edited during a reindex cannot leave a stale index marked current.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cepf_bot.errors import CorpusError
from cepf_bot.files import DEFAULT_MAX_FILE_BYTES, decode, file_digest, read_raw

WORD_FILES = ("dictionary.txt", "stopwords.txt", "synonyms.txt", "glossary.txt",
              "traditional.txt", "names.txt")


@dataclass(frozen=True)
class Rule:
    """`target = phrase, phrase`: a corpus term and the words people use for it. In the
    glossary, a phrase in double quotes is the term's English rendering for an answer's gloss
    ("International Union for Conservation of Nature (IUCN)"), shown as written, never matched."""

    target: str
    phrases: tuple[str, ...]
    rendering: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """Everything the word files say, and the digest of each file as it was read."""

    dictionary: tuple[str, ...] = ()  # "word" or "word frequency" lines
    classes: dict[str, str] = field(default_factory=dict)  # dictionary word -> its [class]
    stopwords: tuple[str, ...] = ()
    synonyms: tuple[Rule, ...] = ()
    glossary: tuple[Rule, ...] = ()
    traditional: dict[str, str] = field(default_factory=dict)
    names: tuple[Rule, ...] = ()
    digests: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256 of its bytes

    @property
    def aliases(self) -> dict[str, str]:
        """Every name of names.txt -> the one term it becomes (the term itself included)."""
        return {name: rule.target for rule in self.names
                for name in (rule.target, *rule.phrases)}

    @property
    def renderings(self) -> dict[str, str]:
        """Chinese term -> its English for a gloss: the glossary's quoted rendering, else its
        first phrase (a place's capitalised: Tibet); a person or place of the dictionary with
        no rule in pinyin (Xie Boyang, Zhejiang); each of the foundation's names as its one
        name's."""
        from cepf_bot.analysis.english_forms import person_name, place_name

        english = {}
        for rule in self.glossary:
            target = rule.target.replace(" ", "")
            if target in english and not rule.rendering:
                continue  # a term's first rule gives its rendering, unless a later one quotes one
            if rule.rendering:
                english[target] = rule.rendering
            elif self.classes.get(target) == "place":
                english[target] = rule.phrases[0].title()
            elif self.classes.get(target) != "person":
                english[target] = rule.phrases[0]
        by_rule = {"person": person_name, "place": place_name}
        for word, kind in self.classes.items():
            if kind in by_rule and word not in english:
                english[word] = by_rule[kind](word)
        for name, target in self.aliases.items():
            if target in english and name not in english and not name.isascii():
                english[name] = english[target]
        return english

    @property
    def user_words(self) -> list[str]:
        """jieba's extra words: the dictionary, and the Chinese words the rules name, so that
        a question keeps them whole."""
        rule_words = [w for rule in (*self.synonyms, *self.glossary, *self.names)
                      for w in (rule.target, *rule.phrases)
                      if not w.isascii() and " " not in w]
        return [*self.dictionary, *rule_words]


def word_lines(text: str) -> list[str]:
    """Non-empty lines of a word file, without `#` comments."""
    lines = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


DISTINCTIVE_CLASSES = frozenset({"person", "finance", "government", "organisation", "project"})


def parse_dictionary(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """The dictionary's word lines, and each word's class (the last "[class]" line above it)."""
    words, classes = [], {}
    current = ""
    for line in word_lines(text):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        words.append(line)
        if current:
            classes[line.split()[0]] = current
    return tuple(words), classes


_PHRASE = re.compile(r'\s*("[^"]*"|[^,]+)')


def parse_rules(path: Path, text: str) -> tuple[Rule, ...]:
    """`target = phrase, phrase` lines, or a CorpusError naming the line."""
    rules = []
    for n, line in enumerate(word_lines(text), start=1):
        target, sep, phrases = line.partition("=")
        pieces = [p.strip() for p in _PHRASE.findall(phrases.replace("，", ","))]
        quoted = [p[1:-1].strip() for p in pieces if p.startswith('"') and p.endswith('"')]
        words = tuple(p for p in pieces if p and not p.startswith('"'))
        if not sep or not target.strip() or not (words or quoted):
            raise CorpusError(f"{path}: rule {n} is not 'corpus term = word, word' ({line!r})")
        rules.append(Rule(target.strip(), words, quoted[0] if quoted else ""))
    return tuple(rules)


def _traditional(path: Path, text: str) -> dict[str, str]:
    overrides = {}
    for rule in parse_rules(path, text):
        if len(rule.phrases) != 1:
            raise CorpusError(f"{path}: '{rule.target}' needs exactly one traditional form")
        overrides[rule.target] = rule.phrases[0]
    return overrides


def read_vocabulary(corpus_dir: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Vocabulary:
    """Read every word file of the corpus folder once; a missing file is an empty one."""
    texts: dict[str, str] = {}
    digests: dict[str, str] = {}
    for name in WORD_FILES:
        path = corpus_dir / name
        if not path.is_file():
            texts[name] = ""
            continue
        data = read_raw(path, max_bytes=max_bytes)
        digests[name] = file_digest(data)
        texts[name] = decode(path, data)
    dictionary, classes = parse_dictionary(texts["dictionary.txt"])
    return Vocabulary(
        dictionary=dictionary,
        classes=classes,
        stopwords=tuple(word_lines(texts["stopwords.txt"])),
        synonyms=parse_rules(corpus_dir / "synonyms.txt", texts["synonyms.txt"]),
        glossary=parse_rules(corpus_dir / "glossary.txt", texts["glossary.txt"]),
        traditional=_traditional(corpus_dir / "traditional.txt", texts["traditional.txt"]),
        names=parse_rules(corpus_dir / "names.txt", texts["names.txt"]),
        digests=digests,
    )
