"""The package's shape: modules under 400 lines, and imports that only go one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cepf_bot"
MAX_LINES = 400


def modules() -> dict[str, Path]:
    return {p.stem: p for p in sorted(PACKAGE.glob("*.py"))}


def imported_modules(path: Path) -> set[str]:
    """Every package module `path` imports: at the top, inside functions, and under
    `if TYPE_CHECKING:` alike (an import cycle is one wherever the import stands)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:  # from . import a, b
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cepf_bot."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("cepf_bot."))
    return names & set(modules())


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return None


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_is_under_400_lines(name):
    lines = len(modules()[name].read_text("utf-8").splitlines())
    assert lines < MAX_LINES, f"{name}.py has {lines} lines"


def test_imports_have_no_cycle():
    graph = {name: imported_modules(path) - {name} for name, path in modules().items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from .segment import x\n")
    assert "segment" in imported_modules(module)
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("outer", ["cli", "serving", "bot", "admin", "telegram_io",
                                   "application", "replies", "conversation"])
def test_only_the_engine_touches_index_files_and_builds_searchers(outer):
    """cli, the bot and the serving loop ask the engine; they never load, save or build."""
    source = modules()[outer].read_text("utf-8")
    assert not imported_modules(modules()[outer]) & {"store", "index", "token_cache"}
    assert "Searcher(" not in source


def test_inner_modules_never_import_telegram_or_the_outer_layers():
    inner = {"types", "vocabulary", "corpus_files", "corpus", "segment", "expand", "bm25",
             "passages", "token_cache", "index", "store", "search", "engine"}
    outer = {"cli", "serving", "bot", "admin", "telegram_io", "application", "replies",
             "render", "conversation"}
    for name in inner:
        source = modules()[name].read_text("utf-8")
        assert "telegram" not in source.replace("Telegram", ""), name
        assert not imported_modules(modules()[name]) & outer, name
