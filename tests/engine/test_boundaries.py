"""The engine sits above the builder and oci/: neither imports it, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import simulator

ROOT = Path(simulator.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports anywhere (relative imports made absolute)."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts).rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("room", ["builder", "oci"])
def test_room_never_imports_the_engine(room: str) -> None:
    for path in sorted((ROOT / room).glob("*.py")):
        engine = {
            m for m in imported_modules(path) if m == "simulator.engine" or m.startswith("simulator.engine.")
        }
        assert not engine, f"{path.relative_to(ROOT.parent)} imports {sorted(engine)}"


def test_oci_imports_only_model_digest_reference_errors() -> None:
    allowed = (
        "simulator.oci",
        "simulator.model",
        "simulator.digest",
        "simulator.reference",
        "simulator.errors",
    )
    for path in sorted((ROOT / "oci").glob("*.py")):
        inside = {m for m in imported_modules(path) if m.startswith("simulator.")}
        assert all(m.startswith(allowed) for m in inside), (path.name, sorted(inside))


def test_the_checker_sees_relative_imports_inside_functions() -> None:
    assert "simulator.engine" in imported_modules(ROOT / "viz" / "display.py")  # inside a function there
    assert "simulator.errors" in imported_modules(ROOT / "oci" / "__init__.py")
