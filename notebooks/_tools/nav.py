"""The navigation cell of the lessons: previous · index · next.

A lesson has it at the top and at the bottom, the index at the bottom only. The titles come
from the lessons themselves (the ``# NN · Title`` heading), so renaming a lesson or adding one
needs nothing here: ``make notebooks`` rewrites every navigation cell.
"""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_markdown_cell

INDEX = "00-index"

_LINK = r"\[[^\]\n]*\]\(\d\d-[\w-]+\.ipynb\)"
_NAV = re.compile(rf"{_LINK}(?: \| {_LINK})*")
_HEADING = re.compile(r"# (\d\d) · (.+)")


def is_nav(cell: nbformat.NotebookNode) -> bool:
    """Whether ``cell`` is a navigation cell: links to lessons separated by ``|``, nothing else."""
    return cell.cell_type == "markdown" and _NAV.fullmatch(cell.source) is not None


def title(stem: str, nb: nbformat.NotebookNode) -> str:
    """The lesson's title, from its ``# NN · Title`` heading ("Index" for the index)."""
    if stem == INDEX:
        return "Index"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = _HEADING.fullmatch(line)
                if match and match[1] == stem[:2]:
                    return match[2]
    raise ValueError(f"{stem}: no '# {stem[:2]} · Title' heading")


def nav_cell(lessons: list[tuple[str, str]], index: int) -> nbformat.NotebookNode:
    """The navigation cell of ``lessons[index]``; ``lessons`` is every (stem, title), index first."""
    parts = []
    if index > 1:
        stem, name = lessons[index - 1]
        parts.append(f"[← {stem[:2]} {name}]({stem}.ipynb)")
    if index != 0:
        parts.append(f"[Index]({INDEX}.ipynb)")
    if index + 1 < len(lessons):
        stem, name = lessons[index + 1]
        parts.append(f"[{stem[:2]} {name} →]({stem}.ipynb)")
    return new_markdown_cell(" | ".join(parts))


def with_nav(
    cells: list[nbformat.NotebookNode], lessons: list[tuple[str, str]], index: int
) -> list[nbformat.NotebookNode]:
    """``cells`` with the navigation cells (first, last) replaced or added."""
    body = list(cells)
    if body and is_nav(body[0]):
        body = body[1:]
    if body and is_nav(body[-1]):
        body = body[:-1]
    top = [] if index == 0 else [nav_cell(lessons, index)]
    return [*top, *body, nav_cell(lessons, index)]
