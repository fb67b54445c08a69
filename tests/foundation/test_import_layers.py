"""The package layout's arrows point down: the records every feature writes (``trail``) and
the evaluation every feature reads (``compliance``) depend on no feature above them, and
no feature reaches into another feature's views (DESIGN.md, section 3).

Imports are read from the source with ``ast`` (function-level imports included), so an
arrow that comes back fails here whether or not the module happens to be imported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "passport"

# Packages that are features (each a blueprint or a domain of its own).
FEATURES = {
    "accounts",
    "admin",
    "api",
    "audit",
    "compliance",
    "notifications",
    "pdf_transcripts",
    "reporting",
    "requirements",
    "roster",
    "shares",
    "trail",
    "transcripts",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, spelled out in full (``from a import b`` counts as
    ``a.b`` too, since ``b`` may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("passport.")}


def _modules() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def _is_views(module: str) -> bool:
    return module.rsplit(".", 1)[-1].endswith("views")


def _arrows_from(package: str) -> list[tuple[str, str]]:
    return [
        (module, imported)
        for module, imports in _modules().items()
        if _feature(module) == package
        for imported in sorted(imports)
    ]


def test_the_walk_sees_the_packages_it_guards():
    modules = _modules()
    assert "passport.trail.services" in modules
    assert "passport.compliance.standings" in modules
    assert "passport.trail.services" in modules["passport.reporting.services"]


def test_the_trail_imports_no_feature():
    wrong = [
        (module, imported)
        for module, imported in _arrows_from("trail")
        if _feature(imported) not in (None, "trail")
    ]
    assert wrong == []


# compliance reads the data of the features below it (completions, the roster, a
# physician's self-reported credit: their models) and the pure engine; never the board's
# audit, the web service, or any feature's pages, queries or services above it.
_COMPLIANCE_MAY_READ = {
    "compliance",
    "requirements",
    "roster",
    "reporting",
    "transcripts",
    "trail",
}


def _compliance_may_import(imported: str) -> bool:
    feature = _feature(imported)
    if feature is None or feature in ("compliance", "requirements", "trail"):
        return True
    if feature not in _COMPLIANCE_MAY_READ or _is_views(imported):
        return False
    if feature == "transcripts":
        return imported.startswith("passport.transcripts.models")
    return True


def test_compliance_imports_nothing_above_it():
    wrong = [
        (module, imported)
        for module, imported in _arrows_from("compliance")
        if not _compliance_may_import(imported)
    ]
    assert wrong == []


@pytest.mark.parametrize("package", ["trail", "compliance"])
def test_the_ground_floors_never_import_the_board_audit(package):
    assert [
        (module, imported)
        for module, imported in _arrows_from(package)
        if _feature(imported) == "audit"
    ] == []


def test_no_feature_imports_another_features_views():
    wrong = [
        (module, imported)
        for module, imports in _modules().items()
        if _feature(module) is not None
        for imported in sorted(imports)
        if _is_views(imported) and _feature(imported) not in (None, _feature(module))
    ]
    assert wrong == []


def test_no_module_imports_itself_round_a_circle_of_two():
    modules = _modules()
    circles = sorted(
        (a, b)
        for a, imports in modules.items()
        for b in imports
        if b in modules and a < b and a in modules[b]
    )
    assert circles == []
