"""The map of the house (docs/architecture.md), enforced: imports run down, areas -> web -> core.

- `portal/core/` imports no area, nothing from `portal.web` and nothing from `portal.ops`;
- `portal/web/` imports no area and nothing from `portal.ops`;
- `portal/config.py` and `portal/extensions.py` import only `portal.core`;
- an area imports no other area's views, and nothing from `portal.ops`;
- nothing but the factory imports `portal.ops` (its CLI is registered there).

Imports inside functions count too: a deferred import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import portal

PORTAL = Path(portal.__file__).parent
AREAS = set(portal.AREAS)
LAYERS = {"core", "web", "ops"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from portal import audit` names a module too
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "portal" or name.startswith("portal.")}


def _modules():
    for path in sorted(PORTAL.rglob("*.py")):
        rel = path.relative_to(PORTAL)
        yield rel, _imports(path)


def _part(name: str, index: int) -> str:
    parts = name.split(".")
    return parts[index] if len(parts) > index else ""


def _area_of(name: str) -> str | None:
    top = _part(name, 1)
    return top if top in AREAS else None


def _is_views(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    return leaf == "views" or leaf.endswith("_views")


def _violations(modules) -> list[str]:
    found = []
    for rel, imports in modules:
        owner = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        for name in sorted(imports):
            target_area, target_top = _area_of(name), _part(name, 1)
            if owner == "core" and (target_area or target_top in {"web", "ops"}):
                found.append(f"portal/{rel} (core) imports {name}")
            elif owner == "web" and (target_area or target_top == "ops"):
                found.append(f"portal/{rel} (web) imports {name}")
            elif owner in {"config", "extensions"} and target_top not in {"core", ""} and name != "portal":
                found.append(f"portal/{rel} imports {name}; only portal.core is below it")
            elif owner in AREAS and target_area and target_area != owner and _is_views(name):
                found.append(f"portal/{rel} imports another area's views: {name}")
            elif target_top == "ops" and owner not in {"ops", "__init__"}:
                found.append(f"portal/{rel} imports {name}: nothing but the factory uses portal.ops")
    return found


def test_imports_follow_the_map():
    found = _violations(_modules())
    assert not found, "\n".join(found)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_layer_packages_exist_and_say_what_they_hold(kind):
    package = PORTAL / kind / "__init__.py"
    assert package.is_file() and ast.get_docstring(ast.parse(package.read_text(encoding="utf-8")))


def test_every_area_registers_itself():
    for area in AREAS:
        init = ast.parse((PORTAL / area / "__init__.py").read_text(encoding="utf-8"))
        assert any(isinstance(node, ast.FunctionDef) and node.name == "init_app" for node in init.body), area


def test_no_loose_modules_at_the_top():
    loose = {p.name for p in PORTAL.glob("*.py")} - {"__init__.py", "config.py", "extensions.py"}
    assert not loose, f"infrastructure belongs in core/, web/ or ops/: {sorted(loose)}"


@pytest.mark.parametrize("rel, name", [
    ("core/x.py", "portal.coi.models"), ("core/x.py", "portal.web.permissions"), ("web/x.py", "portal.wbs.services"),
    ("extensions.py", "portal.web.ratelimit"), ("coi/x.py", "portal.wbs.manage_views"), ("wbs/x.py", "portal.ops.cli"),
])
def test_the_map_catches_what_it_forbids(rel, name):
    assert _violations([(Path(rel), {name})])


@pytest.mark.parametrize("rel, name", [
    ("coi/x.py", "portal.org.services"), ("web/x.py", "portal.core.settings"), ("ops/x.py", "portal.wbs.models"),
    ("coi/views.py", "portal.coi.oversight_views"),
])
def test_the_map_allows_what_it_allows(rel, name):
    assert not _violations([(Path(rel), {name})])
