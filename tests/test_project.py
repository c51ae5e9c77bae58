"""The project's set-up files agree with each other.

pyproject.toml, environment.yml (conda / Binder), .ci/run and README.md each say what layerlab
needs or how to start it; these tests catch one of them drifting from the others.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent

# conda-forge name -> pip name, for every conda package that pip also installs.
CONDA_TO_PIP = {
    "networkx": "networkx",
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
TOOLS_THE_TESTS_USE = {"graphviz", "buildah", "podman", "skopeo", "umoci", "busybox-static", "chromium"}


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
