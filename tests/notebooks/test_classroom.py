"""Class hygiene: `make lab` works on copies in lessons/, opens 00-index, with no news prompt.

The Makefile's recipes are run for real in a scratch copy (``make lessons`` and ``make
reset-lessons``); JupyterLab is started with the options `make lab` gives it and asked for
its default page and the notification settings the project overrides.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests._jupyterlab import jupyterlab

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "make"


def _scratch(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copy(ROOT / "Makefile", work / "Makefile")
    (work / "notebooks").mkdir()
    for nb in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"):
        shutil.copy(nb, work / "notebooks" / nb.name)
    return work


def _make(work: Path, target: str) -> str:
    done = subprocess.run(
        [MAKE, "-s", target], cwd=work, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lessons_copies_and_never_overwrites(tmp_path: Path) -> None:
    work = _scratch(tmp_path)
    _make(work, "lessons")
    tracked = sorted(p.name for p in (work / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (work / "lessons").glob("*.ipynb")) == tracked
    student = work / "lessons" / "01-images-and-layers.ipynb"
    student.write_text("my answers")
    _make(work, "lessons")
    assert student.read_text() == "my answers"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_reset_lessons_keeps_the_old_copies(tmp_path: Path) -> None:
    work = _scratch(tmp_path)
    _make(work, "lessons")
    student = work / "lessons" / "01-images-and-layers.ipynb"
    student.write_text("my answers")
    out = _make(work, "reset-lessons")
    assert student.read_text() == (work / "notebooks" / student.name).read_text()
    (old,) = (work / "lessons").glob(".old-*")
    assert (old / student.name).read_text() == "my answers" and str(old.name) in out


def test_lessons_are_git_ignored_and_lab_opens_the_index() -> None:
    assert re.search(r"^/lessons/$", (ROOT / ".gitignore").read_text(), re.M)
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lab:.*?\n((?:\t.*\n)+)", makefile, re.M | re.S)
    assert recipe
    assert "--notebook-dir=$(LESSONS)" in recipe.group(1)
    assert "--LabApp.default_url=/lab/tree/00-index.ipynb" in recipe.group(1)
    assert "--LabApp.app_settings_dir=$(LAB_SETTINGS)" in recipe.group(1)
    assert re.search(r"^reset-lessons:", makefile, re.M)


@pytest.mark.slow
def test_jupyterlab_with_the_projects_settings_has_no_news_and_opens_the_index(tmp_path: Path) -> None:
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (lab extra)")
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    shutil.copy(ROOT / "notebooks" / "00-index.ipynb", lessons)
    token = "layerlab-classroom-test"
    args = [
        "--LabApp.default_url=/lab/tree/00-index.ipynb",
        f"--LabApp.app_settings_dir={ROOT / 'jupyter' / 'lab-settings'}",
    ]
    with jupyterlab(lessons, tmp_path / "state", token=token, args=args) as url:

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{url}/?token={token}", timeout=10)
        assert redirect.value.headers["Location"].split("?")[0].endswith("/lab/tree/00-index.ipynb")

        name = "@jupyterlab/apputils-extension:notification"
        with urllib.request.urlopen(f"{url}/lab/api/settings/{name}?token={token}", timeout=10) as r:
            settings = json.loads(r.read())
        # jupyterlab_server applies overrides.json to the schema's defaults (what a user who never
        # changed the setting gets)
        defaults = {k: v.get("default") for k, v in settings["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, defaults


# --------------------------------------------------------------------------------------------
# Binder (repo2docker) and JupyterHub


def test_binder_environment_is_the_projects_minus_the_editable_install() -> None:
    yaml = pytest.importorskip("yaml", reason="pyyaml is not installed (test extra)")
    root = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    conda = [d for d in root["dependencies"] if isinstance(d, str)]
    assert [d for d in binder["dependencies"] if isinstance(d, str)] == conda
    assert not any(isinstance(d, dict) for d in binder["dependencies"]), "postBuild installs layerlab"
    assert binder["channels"] == root["channels"]


def test_no_root_dockerfile_that_would_make_repo2docker_ignore_binder() -> None:
    assert not (ROOT / "Dockerfile").exists() and not (ROOT / "binder" / "Dockerfile").exists()


def test_binder_postbuild_installs_settings_and_lessons_unprivileged(tmp_path: Path) -> None:
    """postBuild run in a scratch copy, as a user, with `python` stubbed (no real pip install)."""
    work = _scratch(tmp_path)
    shutil.copytree(ROOT / "binder", work / "binder")
    shutil.copytree(ROOT / "jupyter", work / "jupyter")
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "python").write_text('#!/bin/sh\necho "$@" >> "$STUB_LOG"\n')
    (stub / "python").chmod(0o755)
    prefix = tmp_path / "prefix"
    env = {
        **os.environ,
        "PATH": f"{stub}:{os.environ['PATH']}",
        "NB_PYTHON_PREFIX": str(prefix),
        "STUB_LOG": str(tmp_path / "python.log"),
    }
    subprocess.run(["bash", "binder/postBuild"], cwd=work, env=env, check=True, timeout=60)
    assert "-m pip install --no-deps -e ." in (tmp_path / "python.log").read_text()
    overrides = json.loads((prefix / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert sorted(p.name for p in (work / "lessons").glob("*.ipynb")) == sorted(
        p.name for p in (work / "notebooks").glob("*.ipynb")
    )


def test_the_jupyterhub_example_is_sized_from_the_measurement() -> None:
    """docs/jupyterhub.md's config.yaml names the benchmark and gives guarantees and limits."""
    yaml = pytest.importorskip("yaml", reason="pyyaml is not installed (test extra)")
    page = (ROOT / "docs" / "jupyterhub.md").read_text()
    assert "benchmarks/bench_lessons_memory.py" in page
    block = re.search(r"```yaml\n(.*?)```", page, re.S)
    assert block
    config = yaml.safe_load(block.group(1))
    memory = config["singleuser"]["memory"]
    assert memory["guarantee"] and memory["limit"]
    cpu = config["singleuser"]["cpu"]
    assert 0 < cpu["guarantee"] <= cpu["limit"]
    assert "lessons/00-index.ipynb" in config["singleuser"]["defaultUrl"]
