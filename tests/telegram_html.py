"""A checker for Telegram's HTML subset: only its tags, properly nested, only its entities."""

from __future__ import annotations

import re

TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
        "span", "tg-spoiler", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
LIMIT = 4096


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(html: str) -> str:
    """What a person sees of a Telegram HTML message: tags removed, entities decoded."""
    plain = _TAG.sub("", html)
    return _ENTITY.sub(lambda m: {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(
        m.group(1), "?"), plain)


def problems(text: str) -> list[str]:
    """What makes `text` invalid as a Telegram HTML message (empty list: valid). Stricter than
    Telegram on length: the HTML itself, not only its visible text, stays within 4096."""
    found = []
    if utf16_length(text) > LIMIT:
        found.append(f"longer than {LIMIT} UTF-16 units")
    return found + markup_problems(text)


def markup_problems(text: str) -> list[str]:
    """What Telegram's HTML parser refuses in `text`: unknown or unbalanced tags, a bare < > or
    &, an entity it does not know, no visible text."""
    found = []
    stack: list[str] = []
    pos = 0
    visible = []
    for m in _TAG.finditer(text):
        visible.append(text[pos : m.start()])
        pos = m.end()
        closing, name = m.group(1), m.group(2).lower()
        if name not in TAGS:
            found.append(f"tag <{name}> is not Telegram's")
        elif closing:
            if not stack or stack[-1] != name:
                found.append(f"</{name}> does not close the open tag")
            else:
                stack.pop()
        else:
            stack.append(name)
    visible.append(text[pos:])
    if stack:
        found.append(f"unclosed tags {stack}")
    plain = "".join(visible)
    if "<" in plain or ">" in plain:
        found.append("a bare < or > outside a tag")
    if "&" in _ENTITY.sub("", plain):
        found.append("a bare & or an entity Telegram does not know")
    if not _ENTITY.sub("x", plain).strip():
        found.append("no visible text")
    return found
