"""The package's shape: wings in layers, imports that only go down, modules under 400 lines.

Every module is found by walking the package (`rglob`), so a new module cannot slip past: it
belongs to the wing whose folder holds it, or, at the top, to the layer `TOP_LEVEL` names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "cepf_bot"
MAX_LINES = 400
MAX_TOP_LEVEL_MODULES = 12

# The layers, lowest first: a module imports only its own layer or those below.
LAYERS = ["ground", "analysis", "corpus", "index", "search", "reply", "engine", "bot", "serving",
          "cli"]
# The modules at the package's top level, by layer (a wing's modules take the wing's layer).
TOP_LEVEL = {
    "__init__": "ground", "types": "ground", "errors": "ground", "config": "ground",
    "files": "ground", "logging_setup": "ground", "querylog": "ground",
    "engine": "engine", "evaluation": "engine",
    "cli": "cli", "__main__": "cli",
}
WINGS = {"analysis", "corpus", "index", "search", "reply", "bot", "serving"}
# Outside libraries that belong to the outer wings alone.
TELEGRAM_WINGS = {"bot", "serving", "cli"}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name under cepf_bot ("search.query")."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def layer_of(name: str) -> str:
    head = name.split(".")[0]
    if head in WINGS:
        return head
    if name not in TOP_LEVEL:
        raise AssertionError(f"cepf_bot/{name}.py is at the top level but in no layer: "
                             "put it in a wing or name its layer in TOP_LEVEL")
    return TOP_LEVEL[name]


def imports_of(name: str, path: Path) -> tuple[set[str], set[str]]:
    """The package modules and the outside top-level packages that `path` imports: at the top,
    inside functions and under `if TYPE_CHECKING:` alike."""
    package_dir = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    own, outside = set(), set()
    known = modules()

    def add(dotted: str) -> None:
        # "search.query.Role" names the module search.query; a package names its __init__
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        if dotted:
            own.add(dotted)

    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_dir[:len(package_dir) - node.level + 1]
                module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            elif (node.module or "").split(".")[0] == "cepf_bot":
                module = str(node.module).partition(".")[2]
            else:
                outside.add((node.module or "").split(".")[0])
                continue
            for alias in node.names:
                add(f"{module}.{alias.name}".strip("."))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "cepf_bot":
                    add(alias.name.partition(".")[2])
                else:
                    outside.add(alias.name.split(".")[0])
    own.discard(name)
    own.discard("")
    return own, outside


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph.get(name, ())):
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
    assert lines < MAX_LINES, f"{name} has {lines} lines"


def test_at_most_twelve_modules_at_the_top_level():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, sorted(top)


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_imports_only_its_own_layer_or_those_below(name):
    mine = LAYERS.index(layer_of(name))
    own, _ = imports_of(name, modules()[name])
    upward = {m for m in own if LAYERS.index(layer_of(m)) > mine}
    assert not upward, f"{name} ({layer_of(name)}) imports a higher layer: {sorted(upward)}"


@pytest.mark.parametrize("name", sorted(modules()))
def test_only_the_outer_wings_import_telegram_or_tornado(name):
    _, outside = imports_of(name, modules()[name])
    if layer_of(name) not in TELEGRAM_WINGS:
        assert not outside & {"telegram", "tornado"}, name


def test_reply_never_imports_the_engine():
    for name, path in modules().items():
        if layer_of(name) == "reply":
            assert "engine" not in imports_of(name, path)[0], name


def test_imports_have_no_cycle():
    graph = {name: imports_of(name, path)[0] for name, path in modules().items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_layer_check_sees_relative_absolute_and_function_level_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ..analysis.segment import x\n"
                      "from cepf_bot.bot import send\nimport telegram.ext\n")
    own, outside = imports_of("search.m", module)
    assert own == {"analysis.segment", "bot.send"}
    assert "telegram" in outside
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_a_module_at_the_top_level_in_no_layer_is_refused():
    with pytest.raises(AssertionError, match="in no layer"):
        layer_of("stray")


@pytest.mark.parametrize("outer", sorted(n for n in modules() if layer_of(n) in
                                         {"bot", "serving", "cli", "reply"}))
def test_only_the_engine_touches_index_files_and_builds_searchers(outer):
    """cli, the bot, the serving loop and the replies ask the engine; they never load, save or
    build an index."""
    path = modules()[outer]
    assert not {m for m in imports_of(outer, path)[0] if m.startswith("index.")}, outer
    assert "Searcher(" not in path.read_text("utf-8")


@pytest.mark.parametrize("name", sorted(modules()))
def test_the_han_range_is_written_once(name):
    """`analysis.script.HAN` is the one definition of which characters are Chinese."""
    source = modules()[name].read_text("utf-8")
    if name != "analysis.script":
        assert "\\u4e00" not in source and "\\u9fff" not in source, name
