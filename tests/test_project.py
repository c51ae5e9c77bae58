"""The project's set-up files agree with each other.

pyproject.toml, environment.yml (conda / Binder), .ci/run and README.md each say what layerlab
needs or how to start it; these tests catch one of them drifting from the others.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent

# conda-forge name -> pip name, for every conda package that pip also installs.
CONDA_TO_PIP = {
    "networkx": "networkx",
    "pyyaml": "pyyaml",
    "python-graphviz": "graphviz",  # conda's Python binding is pip's `graphviz`
    "jupyterlab": "jupyterlab",
    "ipywidgets": "ipywidgets",
    "ipykernel": "ipykernel",
    "jupytext": "jupytext",
}
# conda packages with no counterpart among pyproject's core + lab dependencies, and why.
CONDA_ONLY = {
    "python": "the interpreter: pyproject says it with requires-python",
    "pip": "installs the package itself (`pip: [-e .]`)",
    "graphviz": "the dot binary: pip has no equivalent (apt-get/brew install it outside pip)",
    "pytest": "pip takes it from the `test` extra; Binder users get it to run checks in notebooks",
}

# System tools the tests call, each named by its Debian package.
TOOLS_THE_TESTS_USE = {
    "graphviz",
    "buildah",
    "podman",
    "skopeo",
    "umoci",
    "busybox-static",
    "chromium",
    "docker-registry",
    "docker.io",
    "kubernetes-client",  # kubectl, for tests/cluster/test_manifests.py
    "npm",  # tests/userland/test_toolchains_real.py
    "maven",
    "gpg",
    "openjdk-17-jdk-headless",  # jar, for tests/userland/test_java_real.py
    "unzip",
}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pip_names(requirements: list[str]) -> set[str]:
    return {Requirement(r).name.lower() for r in requirements}


def _conda_dependencies() -> tuple[dict[str, str], list[str]]:
    """Return (conda name -> version spec, pip lines) from environment.yml."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda: dict[str, str] = {}
    pip: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
            continue
        name, spec = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", dep.strip()).groups()
        conda[name.lower()] = spec
    return conda, pip


# --------------------------------------------------------------------------------------------
# (a) environment.yml and pyproject.toml name the same packages


def test_conda_mapping_is_complete() -> None:
    assert not set(CONDA_TO_PIP) & set(CONDA_ONLY), "a conda name is both mapped and conda-only"


def test_every_conda_package_is_in_pyproject_or_explained() -> None:
    conda, _ = _conda_dependencies()
    project = _pyproject()["project"]
    pip_side = _pip_names(project["dependencies"] + project["optional-dependencies"]["lab"])
    unexplained = set(conda) - set(CONDA_TO_PIP) - set(CONDA_ONLY)
    assert not unexplained, f"environment.yml has {sorted(unexplained)}: add to CONDA_TO_PIP or CONDA_ONLY"
    missing = {c for c in conda if c in CONDA_TO_PIP and CONDA_TO_PIP[c] not in pip_side}
    assert not missing, f"environment.yml has {sorted(missing)} but pyproject's core + lab do not"


def test_every_core_and_lab_dependency_is_in_environment_yml() -> None:
    conda, _ = _conda_dependencies()
    project = _pyproject()["project"]
    pip_side = _pip_names(project["dependencies"] + project["optional-dependencies"]["lab"])
    pip_to_conda = {pip: conda_name for conda_name, pip in CONDA_TO_PIP.items()}
    missing = {p for p in pip_side if pip_to_conda.get(p) not in conda}
    assert not missing, f"pyproject's core + lab name {sorted(missing)}; environment.yml does not"


def test_conda_only_packages_are_accounted_for() -> None:
    conda, pip_lines = _conda_dependencies()
    project = _pyproject()["project"]
    assert set(CONDA_ONLY) <= set(conda)
    assert "pytest" in _pip_names(project["optional-dependencies"]["test"])
    assert "-e ." in pip_lines
    python_floor = re.fullmatch(r">=\s*([\d.]+)", project["requires-python"]).group(1)
    assert conda["python"] == f">={python_floor}"


def test_version_floors_agree() -> None:
    conda, _ = _conda_dependencies()
    project = _pyproject()["project"]
    pip_specs = {
        (req := Requirement(r)).name.lower(): str(req.specifier)
        for r in project["dependencies"] + project["optional-dependencies"]["lab"]
    }
    for conda_name, pip_name in CONDA_TO_PIP.items():
        assert conda[conda_name] == pip_specs[pip_name], f"{conda_name} vs {pip_name}"


# --------------------------------------------------------------------------------------------
# (b) .ci/run


def _ci_apt_packages(script: str) -> set[str]:
    body = re.search(r"^APT_PACKAGES=\((.*?)^\)", script, re.S | re.M)
    assert body, ".ci/run has no APT_PACKAGES=( ... ) list"
    lines = (line.split("#", 1)[0] for line in body.group(1).splitlines())
    return {word for line in lines for word in line.split()}


def test_ci_run_is_executable() -> None:
    path = ROOT / ".ci" / "run"
    assert path.stat().st_mode & stat.S_IXUSR, "chmod +x .ci/run (and commit the mode)"
    assert os.access(path, os.X_OK)
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")


def test_ci_run_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    assert re.search(r"^exec make test$", script, re.M)


def test_ci_run_installs_every_tool_the_tests_use() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    missing = TOOLS_THE_TESTS_USE - _ci_apt_packages(script)
    assert not missing, f".ci/run does not install {sorted(missing)}"
    assert re.search(r'apt-get install -y .*"\$\{APT_PACKAGES\[@\]\}"', script)


# --------------------------------------------------------------------------------------------
# (c) README.md


def test_readme_quick_start_is_make_lab_and_make_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", readme, re.S | re.M)
    assert section, "README.md has no '## Quick start' section"
    commands = re.findall(r"^\s*(make\s+\S+)", section.group(1), re.M)
    assert commands == ["make lab", "make test"]


@pytest.mark.parametrize("target", ["lab", "test", "setup", "lint", "bench", "clean", "docs"])
def test_makefile_has_target(target: str) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{target}:", makefile, re.M)


def test_every_test_directory_is_collected():
    """No test folder matches a pattern pytest skips (norecursedirs), and each is a package."""
    import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    skipped = config["tool"]["pytest"]["ini_options"]["norecursedirs"]
    folders = {p.parent for p in (ROOT / "tests").rglob("test_*.py")}
    assert folders, "no tests found"
    for folder in sorted(folders):
        rel = folder.relative_to(ROOT)
        for part in rel.parts:
            assert not any(fnmatch.fnmatch(part, pat) for pat in skipped), f"{rel} is skipped by {skipped}"
        if folder != ROOT / "tests":
            assert (folder / "__init__.py").exists(), f"{rel} has no __init__.py"


# --------------------------------------------------------------------------------------------
# (d) Enforcement: the import layers, no cycles, mypy, module size, doctests.
#
# CI runs `make test`, not `make lint`, so each check of `make lint` that guards the design
# (lint-imports, mypy) is also a test here.


def _layers_contract() -> dict:
    contracts = _pyproject()["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["type"] == "layers")


def test_every_room_is_in_the_layers_contract() -> None:
    """Each top-level module or package of simulator/ is named in one layer, so none escapes the check.

    (import-linter's own `exhaustive` option works only for contracts with `containers`.)
    """
    named = {
        part.strip().strip("()")
        for layer in _layers_contract()["layers"]
        for part in re.split(r"[|:]", layer)
    }
    package = ROOT / "simulator"
    rooms = {f"simulator.{p.stem}" for p in package.glob("*.py") if p.name != "__init__.py"}
    rooms |= {f"simulator.{p.parent.name}" for p in package.glob("*/__init__.py")}
    missing = sorted(rooms - named)
    assert not missing, f"add {missing} to a layer of the layers contract in pyproject.toml"


def _lint_imports() -> str | None:
    beside_python = Path(sys.executable).parent / "lint-imports"
    return str(beside_python) if beside_python.exists() else shutil.which("lint-imports")


def test_lint_imports_contracts_are_kept() -> None:
    """`lint-imports` (import-linter, the `test` extra) keeps every contract in pyproject.toml.

    It runs in the repository root, which it puts first on sys.path: it reads this checkout's
    simulator/, not an installed copy.
    """
    command = _lint_imports()
    if command is None:
        pytest.skip("lint-imports not found: pip install import-linter (it is in the `test` extra)")
    done = subprocess.run(
        [command, "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _import_cycles() -> list[str]:
    """One line per strongly connected set of modules: a cycle through it, with line numbers."""
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (the `test` extra)")
    import networkx as nx

    import simulator

    assert Path(simulator.__file__).parent == ROOT / "simulator", "not this checkout's simulator/"
    graph = grimp.build_graph("simulator", cache_dir=None, exclude_type_checking_imports=True)
    edges = nx.DiGraph(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
    )
    found = []
    for members in nx.strongly_connected_components(edges):
        if len(members) < 2:
            continue
        steps = []
        for importer, imported in nx.find_cycle(edges.subgraph(members)):
            lines = sorted(
                {d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)}
            )
            steps.append(f"{importer} -> {imported} (l.{','.join(map(str, lines))})")
        found.append(f"{len(members)} modules {sorted(members)}: " + "; ".join(steps))
    return sorted(found)


def test_no_import_cycles() -> None:
    """No module imports itself back through others, not even from inside a function.

    Stricter than the `acyclic_siblings` contract (which compares sibling packages): this looks at
    single modules. Imports under `if TYPE_CHECKING:` do not count, since they never run.
    """
    cycles = _import_cycles()
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    """mypy over the whole package ([tool.mypy] in pyproject.toml) reports no error."""
    pytest.importorskip("mypy", reason="mypy is in the `test` extra")
    done = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


# A module longer than this says why in its first LONG_MODULE_HEAD lines, in a comment that
# starts with LONG_MODULE_MARKER, e.g. `# Long module: one table of every Dockerfile flag.`
LONG_MODULE_LINES = 600
LONG_MODULE_HEAD = 30
LONG_MODULE_MARKER = "# Long module:"


def _long_modules_without_a_reason() -> list[str]:
    found = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) <= LONG_MODULE_LINES:
            continue
        if any(line.lstrip().startswith(LONG_MODULE_MARKER) for line in lines[:LONG_MODULE_HEAD]):
            continue
        found.append(f"{path.relative_to(ROOT)} ({len(lines)} lines)")
    return found


def test_no_long_module_without_a_reason() -> None:
    """No module under simulator/ is over LONG_MODULE_LINES (600) lines unless it says why.

    The reason is a comment starting with LONG_MODULE_MARKER (`# Long module:`) in its first
    LONG_MODULE_HEAD (30) lines.
    """
    long = _long_modules_without_a_reason()
    assert not long, (
        f"over {LONG_MODULE_LINES} lines: split them, or say why in a '{LONG_MODULE_MARKER} ...' comment "
        f"in the first {LONG_MODULE_HEAD} lines:\n" + "\n".join(long)
    )


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("module_name", _modules_with_examples())
def test_doctests(module_name: str) -> None:
    """The `>>>` examples in the package's docstrings run and print what they show."""
    module = importlib.import_module(module_name)
    results = doctest.testmod(module, verbose=False, report=False)
    assert results.attempted > 0, f"{module_name} has '>>>' outside any docstring doctest finds"
    assert results.failed == 0, (
        f"{results.failed} of {results.attempted} examples fail: pytest --doctest-modules {module.__file__}"
    )
