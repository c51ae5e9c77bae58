"""The navigation of the lessons: the previous · index · next cell, and the index's table.

A lesson has the navigation cell at the top and at the bottom, the index at the bottom only.
The titles come from the lessons themselves (the ``# NN · Title`` heading), so renaming a
lesson or adding one needs nothing here: ``make notebooks`` rewrites every navigation cell and
the rows of the index's table of lessons (the table headed ``| # | notebook |``).
"""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_markdown_cell

INDEX = "00-index"

_LINK = r"\[[^\]\n]*\]\(\d\d-[\w-]+\.ipynb\)"
_NAV = re.compile(rf"{_LINK}(?: \| {_LINK})*")
_HEADING = re.compile(r"# (\d\d) · (.+)")
_TABLE = "| # | notebook |\n|---|---|\n"


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
    """``cells`` with the navigation cells (first, last) replaced or added, and the index's table."""
    body = [_with_table(cell, lessons) for cell in cells] if index == 0 else list(cells)
    if body and is_nav(body[0]):
        body = body[1:]
    if body and is_nav(body[-1]):
        body = body[:-1]
    top = [] if index == 0 else [nav_cell(lessons, index)]
    return [*top, *body, nav_cell(lessons, index)]


def _with_table(cell: nbformat.NotebookNode, lessons: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """``cell`` with the rows of the table of lessons rewritten, if it has that table."""
    if cell.cell_type != "markdown" or _TABLE not in cell.source:
        return cell
    head, rest = cell.source.split(_TABLE, 1)
    lines = rest.split("\n")
    while lines and lines[0].startswith("| "):
        lines.pop(0)
    rows = [f"| {stem[:2]} | [{name}]({stem}.ipynb) |" for stem, name in lessons[1:]]
    new = nbformat.from_dict(dict(cell))
    new.source = head + _TABLE + "\n".join(rows + lines)
    return new
