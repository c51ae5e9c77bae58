"""Docker-CLI-shaped text: sizes, durations, truncated ids and tabwriter tables.

These reproduce docker/cli's formatting rules so a table printed by layerlab can be laid next
to one printed by Docker:

- sizes are ``go-units`` decimal sizes with no space: ``0B``, ``32B``, ``5.58MB``, ``1e+03kB``;
- tables are Go's ``tabwriter`` with minwidth 10, padding 3, and the last column not padded;
- long ``CREATED BY`` cells are cut to 45 characters ending with ``…``.

Examples:
    >>> human_size(5_580_000)
    '5.58MB'
    >>> human_size(999_500)
    '1e+03kB'
    >>> human_duration(90)
    'About a minute'
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ellipsis", "human_duration", "human_size", "table", "truncate_id"]

_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


def human_size(size: float, precision: int = 3) -> str:
    """``units.HumanSizeWithPrecision`` (precision 3) or ``units.HumanSize`` (precision 4)."""
    value = float(size)
    unit = 0
    while value >= 1000.0 and unit < len(_UNITS) - 1:
        value /= 1000.0
        unit += 1
    return f"{value:.{precision}g}{_UNITS[unit]}"


def human_duration(seconds: float) -> str:
    """``units.HumanDuration``: ``Less than a second`` ... ``N years``."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = int(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def truncate_id(value: str, no_trunc: bool = False) -> str:
    """``stringid.TruncateID``: drop up to the first ``:`` and keep 12 characters."""
    if no_trunc or value.startswith("<"):
        return value
    return value.split(":", 1)[-1][:12]


def ellipsis(text: str, width: int) -> str:
    """docker/cli's ``Ellipsis``: the first ``width - 1`` characters plus ``…`` when too long."""
    if len(text) <= width:
        return text
    return text[: width - 1] + "…"


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, minwidth: int = 10, padding: int = 3
) -> str:
    """A table as Go's tabwriter lays it out for docker/cli (last column not padded)."""
    all_rows = [list(header), *[list(r) for r in rows]]
    columns = max(len(r) for r in all_rows)
    widths = [0] * columns
    for row in all_rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell))
    widths = [max(minwidth, w + padding) for w in widths]
    lines = []
    for row in all_rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("".join(cells) + (row[-1] if row else ""))
    return "\n".join(lines)
