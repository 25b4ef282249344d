"""English words as their stems, for passages and questions alike: British spellings in their
American form (as CC-CEDICT writes its senses), Greek plurals in -ses as their singular, then
Snowball's English stemmer (PyStemmer)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from cepf_bot.analysis.lexicon import english_zipf

if TYPE_CHECKING:
    import Stemmer


@functools.lru_cache(maxsize=65536)
def english_stem(word: str) -> str:
    """An English word's Snowball stem (planting, planted -> plant), the word itself when it is
    not all letters. Passages and questions both get the stem as one more token beside the
    word, as a search-mode part: an exact word still matches as before."""
    if not word.isalpha() or len(word) < 4:
        return word
    stem: str = _stemmer().stemWord(american_spelling(_greek_singular(word)))
    return stem


def _greek_singular(word: str) -> str:
    """A Greek plural in -ses as its singular in -sis, which Snowball stems apart (crises ->
    crise, crisis -> crisi): when the -sis word is the commoner reading (analyses -> analysis;
    bases stays, base being commoner than basis); other words as they are."""
    if not word.endswith("ses") or len(word) < 6:
        return word
    singular = word[:-2] + "is"
    return singular if english_zipf(singular) > english_zipf(word[:-1]) else word


def american_spelling(word: str) -> str:
    """A British spelling in its American form (organisation -> organization, centre ->
    center, programme -> program), as CC-CEDICT writes its senses; other words as they are.
    From breame's spelling tables, loaded on the first English word."""
    return _british_to_american().get(word.lower(), word)


@functools.cache
def _british_to_american() -> dict[str, str]:
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

    return {str(k): str(v) for k, v in BRITISH_ENGLISH_SPELLINGS.items()}


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    import Stemmer  # PyStemmer: the Snowball stemmers in C

    return Stemmer.Stemmer("english")
