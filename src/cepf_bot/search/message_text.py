"""The question inside a message: what people paste around it taken out."""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_MARKDOWN = re.compile(r"[*_`~|>#]+")
_REPEATED = re.compile(r"([!?！？。.,，、~～…])\1+")


def clean_question(text: str) -> str:
    """The question inside a message: links, markup (HTML tags, Markdown), emoji and symbols
    removed, repeated punctuation folded, full-width letters and digits made plain."""
    text = unicodedata.normalize("NFKC", text)
    text = _TAG.sub(" ", _URL.sub(" ", text))
    text = "".join(" " if unicodedata.category(c) in ("So", "Sk", "Cs", "Co", "Cn") else c
                   for c in text)
    text = _REPEATED.sub(r"\1", _MARKDOWN.sub(" ", text))
    return " ".join(text.split())
