"""The lesson notebooks: stored without outputs, made from their sources, executed top to bottom.

Each notebook runs twice in a real kernel (nbclient, the venv's ``python3`` kernelspec):

- as stored: every ``assert`` in it must hold and every check must say "no answer yet";
- with the answers of ``solutions.py`` in its answer cells: every check must pass (``✓``).
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from simulator.teaching import PROBES

from .solutions import SOLUTIONS

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
IDS = [p.stem for p in LESSONS]


def _answer_tags(nb: nbformat.NotebookNode) -> list[str]:
    return [
        t.split(":", 1)[1]
        for c in nb.cells
        for t in c.get("metadata", {}).get("tags", [])
        if t.startswith("answer:")
    ]


def _execute(nb: nbformat.NotebookNode, env: dict[str, str] | None = None) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    old = dict(os.environ)
    os.environ.update(env or {})
    try:
        client = NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb


def _plain_outputs(nb: nbformat.NotebookNode) -> list[str]:
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                texts.append(out["text"])
            data = out.get("data", {})
            if "text/plain" in data:
                texts.append(data["text/plain"])
    return texts


def _feedback(nb: nbformat.NotebookNode) -> list[str]:
    """The text of every Feedback shown (checks and reveals)."""
    return [t for t in _plain_outputs(nb) if t[:1] in "✓✗…"]


# --------------------------------------------------------------------------------------------
# static checks


def test_there_are_the_lessons_and_an_index() -> None:
    names = [p.name for p in LESSONS]
    assert names[0] == "00-index.ipynb" and len(names) >= 7


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs; run `make notebooks` to strip it"
            assert cell.execution_count is None


def test_notebooks_are_what_the_build_tool_makes_from_their_sources(tmp_path: Path) -> None:
    """Each ``NN-topic.ipynb`` is what ``make notebooks`` writes from ``src/NN-topic.py``."""
    subprocess.run(
        [sys.executable, str(NOTEBOOKS / "_tools" / "build.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in LESSONS], (
        "every notebooks/src/NN-topic.py makes a notebooks/NN-topic.ipynb, and no other notebook is stored"
    )
    for path in LESSONS:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{path.name} differs from what its source notebooks/src/{path.stem}.py makes: "
            "run `make notebooks` and commit both"
        )
        source = NOTEBOOKS / "src" / f"{path.stem}.py"
        assert (tmp_path / "src" / source.name).read_text(encoding="utf-8") == source.read_text(
            encoding="utf-8"
        ), f"{source.name}: its navigation cells are out of date: run `make notebooks` and commit"


@pytest.mark.parametrize("path", LESSONS[1:], ids=IDS[1:])
def test_lesson_structure(path: Path) -> None:
    """Objectives first, navigation, a widget, two exercises, a probe, a summary, then the
    "Try it on real Docker" box (real commands, checked by tests/notebooks/test_real_commands.py)."""
    nb = nbformat.read(path, as_version=4)
    text = [c.source for c in nb.cells]
    assert "You will be able to" in text[1], "the lesson opens with what the student will be able to do"
    assert "Index](00-index.ipynb)" in text[0] and "Index](00-index.ipynb)" in text[-1]
    assert "## Summary" in text[-3]
    assert text[-2].startswith("## Try it on a real") and "```sh\n" in text[-2], "a box of real commands last"
    source = "\n".join(text)
    assert any(
        w in source
        for w in (
            "ContainerPlayground(",
            "BuildStepper(",
            "LayerExplorer(",
            "SharingDashboard(",
            "ClusterDashboard(",
        )
    )
    tags = _answer_tags(nb)
    assert sum(t.startswith("ex") for t in tags) >= 2, "at least two exercises"
    assert any(t.startswith("p") for t in tags) and "reveal(" in source, "a misconception probe"
    assert "show(" in source, "diagrams"
    assert set(tags) <= SOLUTIONS.keys(), f"answer cells without a solution: {set(tags) - SOLUTIONS.keys()}"


def test_the_answers_of_the_probes_live_in_the_package_not_in_the_cells() -> None:
    """A probe's cell names it (``Probe("p02_rm")``); its explanation is only in PROBES."""
    sources = {p.name: "\n".join(c.source for c in nbformat.read(p, as_version=4).cells) for p in LESSONS}
    tags = {t for p in LESSONS for t in _answer_tags(nbformat.read(p, as_version=4)) if t.startswith("p")}
    assert tags == set(PROBES), "every probe of the lessons is in simulator.teaching.PROBES"
    for name, source in sources.items():
        for spec in PROBES.values():
            assert spec.explanation[:40] not in source, f"{name} holds the answer of {spec.name}"
        assert "prediction = ..." not in source


# --------------------------------------------------------------------------------------------
# execution


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_executes_as_stored(path: Path) -> None:
    nb = _execute(nbformat.read(path, as_version=4))
    feedback = _feedback(nb)
    assert len(feedback) == len(_answer_tags(nb)), feedback
    assert all(f.startswith("…") for f in feedback), feedback  # no answer yet: nothing is given away
    shown = "\n".join(_plain_outputs(nb))
    for spec in PROBES.values():  # Run All never reveals an unanswered probe
        assert spec.explanation[:40] not in shown, f"{path.name} reveals {spec.name} with no prediction"


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS[1:], ids=IDS[1:])
def test_executes_with_answers_and_every_check_passes(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    solved = copy.deepcopy(nb)
    for cell in solved.cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag.startswith("answer:"):
                cell.source = SOLUTIONS[tag.split(":", 1)[1]]
    _execute(solved)
    feedback = _feedback(solved)
    assert len(feedback) == len(_answer_tags(nb)), feedback
    wrong = [f for f in feedback if not f.startswith("✓")]
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_real_overlayfs_notebook_degrades_with_the_reason() -> None:
    nb = _execute(
        nbformat.read(NOTEBOOKS / "06-real-overlayfs.ipynb", as_version=4),
        env={"LAYERLAB_PRETEND_NO_OVERLAY": "1"},
    )
    text = "\n".join(_plain_outputs(nb))
    assert "NOT available - LAYERLAB_PRETEND_NO_OVERLAY is set" in text
    assert "Skipped: the kernel side cannot run here because" in text
