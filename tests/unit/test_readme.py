"""The README's module map names every module, each in the wing that holds it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "cepf_bot"
MARKER = "<!-- module map: checked by tests/unit/test_readme.py -->"


def module_map() -> dict[str, set[str]]:
    """The map's rows: a folder under the package ("" for the top) -> the modules it names."""
    text = (REPO / "README.md").read_text("utf-8")
    rows = text.split(MARKER, 1)[1].strip().split("\n\n", 1)[0].splitlines()[2:]
    found = {}
    for row in rows:
        wing, modules = row.split("|")[1:3]
        folder = "" if "cepf_bot/" in wing else wing.strip().strip("`").rstrip("/")
        if folder != "data":
            found[folder] = set(re.findall(r"`([\w/]+)`", modules))
    return found


def package_modules() -> dict[str, set[str]]:
    """Each folder of the package -> its modules, found by walking it."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        folder = path.parent.relative_to(PACKAGE).as_posix()
        if path.stem != "__init__" or folder == ".":
            found.setdefault("" if folder == "." else folder, set()).add(path.stem)
    found[""].discard("__init__")
    return found


def test_the_module_map_names_every_module_in_its_wing():
    assert module_map() == package_modules()
