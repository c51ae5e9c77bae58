"""Write the lesson notebooks, ``NN-topic.ipynb``, from their sources, ``src/NN-topic.py``.

    python notebooks/_tools/build.py [OUT]      (``make notebooks``)

A source is a jupytext percent script: ``# %%`` starts a code cell, ``# %% [markdown]`` a
Markdown cell, ``# %% tags=["answer:p01_layers"]`` a tagged one. The notebook written from it
is stripped: no outputs, no execution counts, the cells' tags and nothing else, stable cell
ids (from the notebook's name and the cell's position), so the same source always gives the
same bytes. The navigation cells are rewritten on the way (``nav.py``), in the notebook and,
when they were out of date, in the source.

Without ``OUT`` the files are rewritten in place (only those that change); with ``OUT`` the
notebooks go to ``OUT`` and the sources to ``OUT/src``, every one, for a test to compare.
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from pathlib import Path

import jupytext
import nav
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1]  # notebooks/
SRC = HERE / "src"
FORMAT = "py:percent"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _filters() -> dict[str, str]:
    """What the sources keep, from jupytext.toml (the file JupyterLab's jupytext reads too)."""
    config = tomllib.loads((HERE / "jupytext.toml").read_text(encoding="utf-8"))
    return {k: config[k] for k in ("notebook_metadata_filter", "cell_metadata_filter")}


def read_source(path: Path) -> nbformat.NotebookNode:
    return jupytext.reads(path.read_text(encoding="utf-8"), fmt=FORMAT)


def source_text(cells: list[nbformat.NotebookNode]) -> str:
    nb = new_notebook(cells=cells, metadata={"jupytext": _filters()})
    return jupytext.writes(nb, fmt=FORMAT)


def stripped(stem: str, cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """The notebook as stored: the cells' type, source and tags, nothing run."""
    out = []
    for i, cell in enumerate(cells):
        new = new_code_cell if cell.cell_type == "code" else new_markdown_cell
        clean = new(cell.source, id=hashlib.sha1(f"{stem}:{i}".encode()).hexdigest()[:8])
        if cell.get("metadata", {}).get("tags"):
            clean.metadata["tags"] = list(cell.metadata.tags)
        out.append(clean)
    nb = new_notebook(cells=out)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    return nb


def build(out: Path | None = None) -> list[Path]:
    """Write the notebooks (and the sources whose navigation changed); return what was written."""
    sources = sorted(SRC.glob("[0-9][0-9]-*.py"))
    read = {path.stem: read_source(path) for path in sources}
    lessons = [(stem, nav.title(stem, nb)) for stem, nb in read.items()]
    written = []
    for index, path in enumerate(sources):
        stem = path.stem
        cells = nav.with_nav(read[stem].cells, lessons, index)
        text = path.read_text(encoding="utf-8")
        if [(c.cell_type, c.source) for c in cells] != [(c.cell_type, c.source) for c in read[stem].cells]:
            text = source_text(cells)
        files = {
            (out / "src" if out else SRC) / path.name: text,
            (out or HERE) / f"{stem}.ipynb": nbformat.writes(stripped(stem, cells)) + "\n",
        }
        for target, content in files.items():
            if not target.exists() or target.read_text(encoding="utf-8") != content:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
                written.append(target)
    return written


def main(argv: list[str]) -> int:
    for path in build(Path(argv[1]) if len(argv) > 1 else None):
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
