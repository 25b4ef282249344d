"""A question -> what it asks about: its words by role, and the weighted terms to rank with.

The question is put in simplified script with Taiwan phrases mapped (OpenCC tw2sp), written
Cantonese in Mandarin words, then cut by the same segmenter as the passages. Each plain word
gets a role: a *function* word (particles, fillers, question words, politeness, pronouns, light
verbs, Cantonese grammar words, English stopwords) carries no content and is neither searched
for nor missed; the foundation's *name* counts only when the question asks about nothing else;
a *number* supports an answer when its figure is there and never counts against one; every
other word is *content*.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum

from cepf_bot.analysis.bilingual import Bridge
from cepf_bot.analysis.cedict import is_small_word
from cepf_bot.analysis.compounds import head_parts, negations
from cepf_bot.analysis.expansion import QueryExpander, stem_key
from cepf_bot.analysis.lexicon import (
    GeneralLexicon,
    chinese_weight,
    english_weight,
    general_lexicon,
    is_chinese,
    is_english_word,
    is_question_word,
)
from cepf_bot.analysis.script import question_to_simplified
from cepf_bot.analysis.segment import Group, Segmenter
from cepf_bot.index.bm25 import Postings
from cepf_bot.search.answer_sentence import QuestionType, question_type
from cepf_bot.search.message_text import clean_question
from cepf_bot.search.question_cut import QuestionCutter

# A question longer than this is cut: no real question is (the longest of the development and
# held-out files has 178 characters), and every step after is linear in the question: 1,000
# characters of unknown Han cost 60-130 ms of CPU, a burst of them stalling every other asker.
MAX_QUERY_CHARS = 200
PART_WEIGHT = 0.5  # a search-mode part of a question's word, against the word's 1
INTRODUCE = "介绍"  # what a question that only names the foundation asks for
# A dictionary translation stands for its word in the answer gate only when the word is not an
# everyday one (-ln p at least this, as verdict's EVERYDAY): "received" ranks by 收到 but does
# not make a passage that lacks 收到 look incomplete.
TRANSLATED_TARGET_MIN_WEIGHT = 10.0


class Role(StrEnum):
    CONTENT = "content"  # what the question is about
    ASKED = "asked"  # the kind of answer wanted (名字, 金额, title): searched, not weighed
    FUNCTION = "function"  # no content: neither searched nor missed
    NAME = "name"  # the foundation's own name
    NUMBER = "number"


@dataclass(frozen=True)
class QueryWord:
    """One plain word of a question: its index terms, the corpus terms expansion rules give
    it, and its role."""

    word: str
    tokens: tuple[str, ...]
    targets: frozenset[str]
    role: Role
    kind: str  # how the segmenter cut it: han, word (ASCII), num, unit
    translations: frozenset[str] = frozenset()  # its dictionary translations, everyday or not
    denials: frozenset[str] = frozenset()  # the corpus's words that deny it (收费: 免费), for a
    # yes/no question: among its targets, never what a yes needs

    @property
    def terms(self) -> frozenset[str]:
        """Every index term that stands for this word in a passage."""
        return frozenset(self.tokens) | self.targets


@dataclass(frozen=True)
class Query:
    """A question's weighted index terms. `text` is what was analysed (a question cut to
    MAX_QUERY_CHARS); `own` are the searched tokens the person typed (weight 1 per occurrence);
    `terms` adds the expansions, at lower weight unless they are translations; `words` are the
    plain words with their roles."""

    text: str
    terms: dict[str, float]
    own: tuple[str, ...]
    words: tuple[QueryWord, ...]
    mandarin: str = ""  # the question in simplified Mandarin, as it was segmented
    context: tuple[QueryWord, ...] = ()  # a follow-up's previous question's words
    # a word's dictionary translations, scored as one term (tf summed, df over the union):
    # each set is its (term, weight) pairs
    sets: tuple[tuple[tuple[str, float], ...], ...] = ()
    # the wording that says what kind of answer is wanted, when it is not the question's own:
    # an elliptical follow-up's previous question (那秘书长呢 after 理事长是谁 asks who)
    form: str = ""

    @property
    def asked_form(self) -> str:
        """The wording whose form says what is asked (a date, a count, a person …)."""
        return self.form or self.mandarin or self.text

    @property
    def set_terms(self) -> frozenset[str]:
        return frozenset(t for group in self.sets for t, _ in group)

    def weight_of_own(self, term: str) -> float:
        """1 for a term of the question's own words; a follow-up's context term, its weight."""
        own = any(term in w.terms for w in self.words) or term in self.set_terms
        return 1.0 if own else self.terms.get(term, 0.0)

    @property
    def content(self) -> tuple[QueryWord, ...]:
        return tuple(w for w in self.words if w.role == Role.CONTENT)

    @property
    def focus(self) -> tuple[QueryWord, ...]:
        """The content words next to a question word (报送了哪些部门: 报送, 部门; which media:
        media), function words between them skipped: what the question asks about."""
        searched = (Role.CONTENT, Role.ASKED)
        out: list[QueryWord] = []
        for i, word in enumerate(self.words):
            if word.role != Role.FUNCTION or not is_question_word(word.word):
                continue
            before = [w for w in self.words[:i] if w.role in searched][-1:]
            after = [w for w in self.words[i + 1 :] if w.role in searched][:1]
            out += before + after
        return tuple(out)


class QueryAnalyser:
    """Questions -> `Query`, with a corpus's segmenter, expansions and postings."""

    def __init__(self, segmenter: Segmenter, expander: QueryExpander, postings: Postings,
                 lexicon: GeneralLexicon | None = None, bridge: Bridge | None = None) -> None:
        self.segmenter = segmenter
        self.expander = expander
        self.postings = postings
        self.lexicon = lexicon or general_lexicon()
        self.bridge = bridge or Bridge()
        self.cutter = QuestionCutter(segmenter, self.lexicon, postings, expander.table)

    def analyse(self, question: str) -> Query:
        """The question's words, roles and weighted terms. A question that names the
        foundation and asks nothing about it (绿会是什么, what is CBCGDF, 綠會係咩嚟㗎, tell me
        about the foundation) asks for its introduction: it is read with INTRODUCE before it,
        which the corpus's vocabulary explains (synonyms: 介绍 -> 简称), its name searched too."""
        query = self._analyse(question)
        if not asks_only_a_name(query):
            return query
        introduced = self._analyse(f"{INTRODUCE} {question[:MAX_QUERY_CHARS]}")
        # the name still counts: it is what the introduction is of
        terms = {**query.terms, **introduced.terms}
        return replace(introduced, text=query.text, terms=terms)

    def _analyse(self, question: str) -> Query:
        text = question[:MAX_QUERY_CHARS]
        mandarin = question_to_simplified(self.lexicon.to_mandarin(clean_question(text)))
        groups = self.cutter.cut(self.segmenter.groups(mandarin))
        fixed = self._in_foreign_phrases(groups)
        keyed = [g for i, g in enumerate(groups) if g.key and i not in fixed]
        expansion = self.expander.expand([k for g in keyed if (k := g.key)],
                                         stems=[stem_key(g) for g in keyed])
        targets_of = {id(g): expansion.targets.get(i, frozenset()) for i, g in enumerate(keyed)}
        phrasal = self.expander.expand([g.key or g.word if i not in fixed else "\0"
                                        for i, g in enumerate(groups)], phrasal=True)
        for i, group in enumerate(groups):
            if i in phrasal.targets:
                targets_of[id(group)] = targets_of.get(id(group), frozenset()) | phrasal.targets[i]
        words = []
        yes_no = question_type(mandarin) == QuestionType.YES_NO
        expanded = dict(expansion.terms)
        for term, weight in phrasal.terms.items():
            expanded[term] = max(expanded.get(term, 0.0), weight)
        for i, group in enumerate(groups):
            targets = targets_of.get(id(group), frozenset())
            if not targets and i not in fixed and len(group.tokens) > 1 \
                    and group.word not in self.postings.terms:
                # a compound the corpus does not know, explained by its head parts' rules
                by_parts = self.expander.expand(head_parts(group.word, group.tokens[:-1],
                                                 self.lexicon.is_function_word))
                targets = by_parts.all_targets
                for term, weight in by_parts.terms.items():
                    expanded[term] = max(expanded.get(term, 0.0), weight)
            role = self._role(group, targets)
            denied: frozenset[str] = frozenset()
            if yes_no and role == Role.CONTENT and group.kind == "han":
                # 收费吗 is answered by 免费 as well as by 收费 (a yes needs 收费 itself)
                denied = frozenset(w for w in negations(group.word) if w in self.postings.terms)
                for term in denied:
                    expanded[term] = max(expanded.get(term, 0.0), PART_WEIGHT)
            words.append(QueryWord(group.word, group.tokens, targets | denied, role, group.kind,
                                   denials=denied))
        words = self._other_organisations(words)
        # The foundation's name decides nothing when the question asks about something else.
        has_content = any(w.role == Role.CONTENT for w in words)
        searched = ({Role.CONTENT, Role.ASKED, Role.NUMBER} if has_content
                    else {Role.ASKED, Role.NUMBER, Role.NAME})
        # A word a rule explains is searched as itself and what the rule says it means, not by
        # its search-mode parts; other words' parts (单位 of 主管单位) weigh PART_WEIGHT.
        own: list[str] = []
        parts: list[str] = []
        for w in words:
            if w.role in searched and w.tokens:
                own.append(w.tokens[-1])
                if not w.targets:
                    parts += [t for t in w.tokens[:-1] if t != w.tokens[-1]]
        names = self.segmenter.canonical_names if has_content else frozenset()
        terms = {t: weight for t, weight in expanded.items() if t not in own and t not in names}
        for term, n in Counter(parts).items():
            if term not in own:
                terms[term] = max(terms.get(term, 0.0), n * PART_WEIGHT)
        terms.update((t, float(n)) for t, n in Counter(own).items())
        for run in rendered_phrases(words):  # one concept, as its rendering is one term
            for w in run:
                terms[w.tokens[-1]] = min(terms[w.tokens[-1]], 1.0 / len(run))
        own += parts
        words, sets = self._translate(words, fixed)
        for translations in sets:
            for term, weight in translations:
                if term not in own:
                    terms[term] = max(terms.get(term, 0.0), weight)
        unexplained = [tuple((t, w) for t, w in s if t not in own) for s in sets]
        return Query(text, terms, tuple(own), tuple(words), mandarin,
                     sets=tuple(s for s in unexplained if s))

    def _in_foreign_phrases(self, groups: list[Group]) -> set[int]:
        """The positions of the words of an English phrase of its own (linked list -> 链表)
        that no glossary rule names whole: a word of it meets no rule or translation of its
        own (linked is not 联系 there)."""
        stems = [stem_key(g) if g.key and g.kind == "word" else "\0" for g in groups]
        table = self.expander.table
        return {i for start, end in self.bridge.fixed_expressions(stems)
                if tuple(g.key for g in groups[start:end]) not in table
                and tuple(stems[start:end]) not in table for i in range(start, end)}

    def _translate(self, words: list[QueryWord], fixed: set[int]
                   ) -> tuple[list[QueryWord], list[tuple[tuple[str, float], ...]]]:
        """The content words that no rule renders in the other language, with their
        dictionary translations as targets; and each translated word's (or English phrase's)
        translations as one set. A word of a foreign phrase (at a position of `fixed`) is
        not translated by itself."""
        if not (self.bridge.english or self.bridge.chinese):
            return words, []
        # a word is translated unless a rule already says it in the other language: a Chinese
        # synonym (讲座 = 培训) reaches no English page
        open_ = [w.role == Role.CONTENT and bool(w.tokens) and i not in fixed
                 and not any(t.isascii() != (w.kind == "word") for t in w.targets)
                 for i, w in enumerate(words)]
        found: dict[int, dict[str, float]] = {}
        sets: list[tuple[tuple[str, float], ...]] = []
        # a small word (of, its) may stand inside a phrase: "" (free of charge)
        stems = [w.tokens[-1] if ok and w.kind == "word" else
                 "" if w.kind == "word" and is_small_word(w.word) else "\0"
                 for w, ok in zip(words, open_, strict=True)]
        for start, end, translations in self.bridge.english_phrases(stems):
            sets.append(tuple(translations.items()))
            for i in range(start, end):
                if open_[i]:
                    found[i] = translations
        for i, word in enumerate(words):
            if open_[i] and word.kind == "han":
                english = self.bridge.chinese.get(word.word)
                if english:
                    sets.append(tuple(english.items()))
                    found[i] = english
                    continue
                # a compound the dictionary lacks (生态文明): its parts' translations, each a
                # set of its own at PART_WEIGHT, as its parts are searched in Chinese
                by_parts: dict[str, float] = {}
                for part in dict.fromkeys(word.tokens[:-1]):
                    translated = self.bridge.chinese.get(part, {})
                    if translated and part != word.word:
                        sets.append(tuple((t, w * PART_WEIGHT) for t, w in translated.items()))
                        by_parts.update(translated)
                if by_parts:
                    found[i] = by_parts
        out = [replace(w, translations=frozenset(found[i]), targets=w.targets | frozenset(
                   found[i] if self._background_weight(w) >= TRANSLATED_TARGET_MIN_WEIGHT else ()))
               if i in found else w for i, w in enumerate(words)]
        return out, sets

    def _other_organisations(self, words: list[QueryWord]) -> list[QueryWord]:
        """An everyday word among the foundation's names (基金会) right after a word the corpus
        does not know is the head of another organisation's name (阿拉善SEE基金会): it does not
        name the foundation there, and what is asked about is that other name."""
        out = list(words)
        for i, word in enumerate(words):
            if word.role != Role.NAME or not self._everyday(word.word):
                continue
            j = i - 1  # the word right before it (a Chinese name may hold Latin letters: SEE)
            while j > 0 and word.kind == "han" and words[j].kind == "word":
                j -= 1
            before = words[j] if j >= 0 else None
            if before is not None and before.role == Role.CONTENT and not any(
                    t in self.postings.terms for t in before.tokens):
                out[i] = replace(word, tokens=(), role=Role.FUNCTION)
        return out

    def _everyday(self, word: str) -> bool:
        if is_chinese(word):
            return self.segmenter.frequency(word) > 0
        return is_english_word(word)

    def _background_weight(self, word: QueryWord) -> float:
        if word.kind == "han":
            return chinese_weight(self.segmenter.frequency(word.word),
                                  self.segmenter.total_frequency)
        return english_weight(word.word)

    def _role(self, group: Group, targets: frozenset[str]) -> Role:
        if group.kind == "num":
            return Role.NUMBER
        names = self.segmenter.canonical_names
        if group.tokens and (all(t in names for t in group.tokens)
                             or (targets and targets <= names)):
            return Role.NAME
        if self.lexicon.is_asked_for(group.word):
            return Role.ASKED
        if targets:
            return Role.CONTENT
        if (not group.tokens or group.kind == "unit" or self.lexicon.is_function_word(group.word)
                or group.word in self.segmenter.stopwords):
            return Role.FUNCTION
        return Role.CONTENT


def asks_only_a_name(query: Query) -> bool:
    """The question names the foundation and has no other word that asks something: no
    content word, no question word's object, no figure."""
    roles = {w.role for w in query.words}
    return Role.NAME in roles and not roles & {Role.CONTENT, Role.ASKED, Role.NUMBER}


_SEARCHED_ALWAYS = (Role.CONTENT, Role.ASKED)


def rendered_phrases(words: list[QueryWord]) -> list[list[QueryWord]]:
    """Runs of two or more adjacent searched words of one script that one rule renders as the
    same terms of the other language (set up -> 创办, secretary general -> 秘书长): a phrase
    that is one concept, as its rendering is one term."""
    runs: list[list[QueryWord]] = []
    run: list[QueryWord] = []
    for word in [*words, None]:
        rendered = word is not None and word.role in _SEARCHED_ALWAYS and bool(word.tokens) \
            and any(t.isascii() != (word.kind == "word") for t in word.targets)
        if word is not None and rendered and run and word.targets == run[-1].targets \
                and word.kind == run[-1].kind:
            run.append(word)
            continue
        if len(run) > 1:
            runs.append(run)
        run = [word] if word is not None and rendered else []
    return runs
