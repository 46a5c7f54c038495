"""The import graph flows one way, read from the source (ast), not from what a test run happened to import.

* The routine engine (``skill/engine``), and every module of ``skill`` it reaches, imports nothing of the
  Alexa layer: not the web endpoint, the handlers or the interceptors, not the ASK SDK, not Flask.
* The deployed package (``skill/``) never imports the developer tools (``skill_dev``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKILL = ROOT / "skill"

#: What the engine must not reach: modules of skill (and their submodules) and third-party packages.
ENGINE_MUST_NOT_IMPORT = ("skill.web", "skill.handlers", "skill.interceptors", "skill.dispatch", "skill.turn",
                          "skill.skill_builder", "ask_sdk_core", "ask_sdk_model", "ask_sdk_runtime",
                          "ask_sdk_webservice_support", "ask_sdk", "flask", "flask_ask_sdk", "werkzeug",
                          "skill_dev")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, wherever the import statement is (a function body, an
    ``if TYPE_CHECKING:`` block) and ``importlib.import_module("...")`` with a literal name too.
    ``from package import name`` counts as both ``package`` and ``package.name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names if alias.name != "*")
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}):
            found.add(node.args[0].value)
    return found


def is_within(name: str, prefixes) -> str | None:
    """The prefix ``name`` is (or is a submodule of), if any."""
    return next((p for p in prefixes if name == p or name.startswith(p + ".")), None)


def skill_modules() -> dict[str, Path]:
    return {module_name(path): path for path in SKILL.rglob("*.py")}


def reached_from(start: list[str], modules: dict[str, Path]) -> dict[str, str]:
    """Every module of skill reachable from ``start`` through imports, each with the one that imports it."""
    parent = {name: "" for name in start}
    queue = list(start)
    while queue:
        name = queue.pop()
        for imported in imports_of(modules[name]):
            # "from ..content import LIBRARY" names skill.content.LIBRARY: walk to the longest module it names.
            target = imported
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target not in parent:
                parent[target] = name
                queue.append(target)
    return parent


def chain(parent: dict[str, str], name: str) -> str:
    path = [name]
    while parent.get(path[-1]):
        path.append(parent[path[-1]])
    return " <- ".join(path)


def test_the_walk_sees_imports_of_every_form(tmp_path):
    """The walker itself: relative, absolute, nested and importlib imports are all found."""
    (tmp_path / "pkg").mkdir()
    module = tmp_path / "pkg" / "mod.py"
    module.write_text("import flask\nfrom ..handlers import base\nfrom . import turn\n"
                      "def f():\n    from ask_sdk_core.skill import CustomSkill\n"
                      "    import importlib\n    importlib.import_module('skill_dev.chat')\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = imports_of(module)
    finally:
        ROOT = saved
    assert {"flask", "handlers.base", "pkg.turn", "ask_sdk_core.skill", "skill_dev.chat"} <= found


def test_the_engine_reaches_nothing_of_the_alexa_layer():
    modules = skill_modules()
    engine = sorted(name for name in modules if is_within(name, ("skill.engine",)))
    assert "skill.engine.coach" in engine, "the walk found no engine modules"
    parent = reached_from(engine, modules)
    problems = sorted({f"{is_within(imported, ENGINE_MUST_NOT_IMPORT)} imported by {chain(parent, name)}"
                       for name in parent for imported in imports_of(modules[name])
                       if is_within(imported, ENGINE_MUST_NOT_IMPORT)})
    assert not problems, "the engine must not reach the Alexa layer:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(skill_modules()))
def test_the_deployed_package_never_imports_skill_dev(name):
    imported = [m for m in imports_of(skill_modules()[name]) if is_within(m, ("skill_dev",))]
    assert not imported, f"{name} imports {imported}: skill_dev is never deployed"
