"""Working copies of the lessons, and ``layerlab lab``: JupyterLab on them.

The lessons (``notebooks/NN-topic.ipynb``) are paired with their sources by jupytext, so saving
one in place would rewrite ``notebooks/src/NN-topic.py``.  Students work on copies instead:
:func:`working_copies` copies each lesson into a working folder (git-ignored, ``lessons/`` at
the top of the checkout, the folder ``make lab`` uses too) once, and never overwrites a copy a student has changed unless asked
(``reset=True``).  The folder gets its own ``jupytext.toml`` that pairs nothing.

``python -m simulator.cli.lab [WORK]`` prepares the copies and prints the folder (for a
Makefile target); ``layerlab lab`` prepares them and starts JupyterLab there.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

__all__ = ["checkout_lessons", "default_work_dir", "working_copies"]

_JUPYTEXT_TOML = (
    '# Working copies: saved as notebooks only (no pairing with the lessons\' sources).\nformats = "ipynb"\n'
)


def checkout_lessons() -> Path | None:
    """The checkout's ``notebooks/`` folder, when layerlab runs from a checkout (else None)."""
    candidate = Path(__file__).resolve().parents[2] / "notebooks"
    return candidate if any(candidate.glob("*.ipynb")) else None


def default_work_dir() -> Path:
    """``lessons/`` beside ``notebooks/`` in the checkout (git-ignored; ``make lab`` fills it too)."""
    return Path(__file__).resolve().parents[2] / "lessons"


def working_copies(lessons: Path, work: Path, *, reset: bool = False) -> list[Path]:
    """Copy every ``lessons/*.ipynb`` into ``work``; returns the copies made now.

    A copy already there is kept (a student's changes survive) unless ``reset``.

    Raises:
        FileNotFoundError: ``lessons`` holds no notebooks.
    """
    notebooks = sorted(lessons.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no lessons (*.ipynb) in {lessons}")
    work.mkdir(parents=True, exist_ok=True)
    (work / "jupytext.toml").write_text(_JUPYTEXT_TOML, encoding="utf-8")
    made = []
    for source in notebooks:
        target = work / source.name
        if target.exists() and not reset:
            continue
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(target)  # atomic: a copy is whole or absent
        made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    """``python -m simulator.cli.lab [WORK]``: prepare the working copies, print the folder."""
    args = sys.argv[1:] if argv is None else argv
    lessons = checkout_lessons()
    if lessons is None:
        print("layerlab: the lessons are not here (run from a layerlab checkout)", file=sys.stderr)
        return 1
    work = Path(args[0]) if args else default_work_dir()
    working_copies(lessons, work)
    print(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
