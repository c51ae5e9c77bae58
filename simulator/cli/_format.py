"""``--format``: the part of Go's ``text/template`` that Docker's ``--format`` is used with.

What Docker accepts (docker/cli ``templates/templates.go`` and ``cli/command/formatter``):

- ``{{.Field}}`` and ``{{.A.B}}`` (a field of the row, a key of an inspected object);
- ``{{json .}}``, ``{{json .Field}}`` and the other functions docker/cli registers: ``join``,
  ``split``, ``lower``, ``upper``, ``title``, ``truncate``, ``pad``, ``println``; a pipeline
  ``{{.Field | json}}`` passes its value as the last argument;
- a format starting with ``table`` prints the header row and aligns the columns as ``tabwriter``
  does; the two-character escapes ``\\t`` and ``\\n`` become a tab and a newline;
- values print as Go's ``fmt.Print`` does: ``[a b]`` for a list, ``map[k:v]`` for a map
  (keys sorted), ``<nil>`` for nil, ``<no value>`` for a missing key of a map.

``json`` is Go's ``json.Marshal``: compact, ``<``, ``>`` and ``&`` escaped, and a row's keys
sorted (Docker marshals its rows as maps).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..text import table
from ._errors import UsageError

__all__ = ["Row", "format_rows", "go_json", "go_print", "render"]

_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
_MISSING = object()


class Row(dict[str, Any]):
    """One row of a listing (``images``, ``ps``, ``history``...): a map, so ``json`` sorts its keys."""


def go_json(value: Any) -> str:
    """Go's ``json.Marshal`` of ``value`` (compact, HTML-safe; a :class:`Row`'s keys sorted)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=isinstance(value, Row))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def go_print(value: Any) -> str:
    """``fmt.Print``'s text for ``value``."""
    if value is None:
        return "<nil>"
    if value is _MISSING:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_print(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(go_print(v) for v in value) + "]"
    return str(value)


def _truncate(n: int, text: str) -> str:
    return text[:n]


def _pad(text: str, before: int, after: int) -> str:
    return " " * before + text + " " * after


_FUNCS: dict[str, Callable[..., Any]] = {
    "json": go_json,
    "join": lambda items, sep: sep.join(go_print(i) for i in items),
    "split": lambda text, sep: text.split(sep),
    "lower": lambda text: go_print(text).lower(),
    "upper": lambda text: go_print(text).upper(),
    "title": lambda text: go_print(text).title(),
    "truncate": lambda text, n: _truncate(int(n), go_print(text)),
    "pad": lambda text, a, b: _pad(go_print(text), int(a), int(b)),
    "println": lambda *items: " ".join(go_print(i) for i in items) + "\n",
}


def _field(data: Any, path: str, source: str) -> Any:
    value = data
    for name in path.split(".")[1:]:
        if not name:
            continue
        if isinstance(value, Row):
            if name not in value:
                raise UsageError(
                    f"template: {source}: can't evaluate field {name}; the fields are: "
                    + ", ".join(sorted(value)),
                    status=1,
                )
            value = value[name]
        elif isinstance(value, Mapping):
            value = value.get(name, _MISSING)
        elif value is _MISSING or value is None:
            return _MISSING
        else:
            raise UsageError(
                f"template: {source}: can't evaluate field {name} in {go_print(value)!r}", status=1
            )
    return value


def _argument(token: str, data: Any, source: str) -> Any:
    if token.startswith("."):
        return _field(data, token, source)
    if token[:1] in "\"'`":
        return token[1:-1]
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    raise UsageError(f"template: {source}: function {token!r} not defined", status=125)


def _evaluate(action: str, data: Any) -> str:
    value: Any = _MISSING
    first = True
    for command in action.split("|"):
        try:
            words = shlex.split(command.strip(), posix=False)
        except ValueError as exc:
            raise UsageError(f"template: {{{{{action}}}}}: {exc}", status=125) from None
        if not words:
            raise UsageError(f"template: {{{{{action}}}}}: missing value for command", status=125)
        name, *rest = words
        if name in _FUNCS:
            args = [_argument(w, data, f"{{{{{action}}}}}") for w in rest]
            if not first:
                args.append(value)
            try:
                value = _FUNCS[name](*args)
            except (TypeError, ValueError, AttributeError):
                raise UsageError(
                    f"template: {{{{{action}}}}}: wrong arguments for {name}", status=125
                ) from None
        elif len(words) == 1 and first:
            value = _argument(name, data, f"{{{{{action}}}}}")
        else:
            raise UsageError(f"template: {{{{{action}}}}}: function {name!r} not defined", status=125)
        first = False
    return go_print(value)


def render(template: str, data: Any) -> str:
    """``template`` applied to ``data`` (the text between the actions is kept)."""
    out: list[str] = []
    pos = 0
    for match in _ACTION.finditer(template):
        out.append(template[pos : match.start()])
        out.append(_evaluate(match.group(1), data))
        pos = match.end()
    rest = template[pos:]
    if "{{" in rest or "}}" in rest:
        raise UsageError(f"template: unclosed action in {template!r}", status=125)
    out.append(rest)
    return "".join(out)


def format_rows(fmt: str, rows: Sequence[Row], headers: Mapping[str, str]) -> str:
    """Docker's ``--format``: ``table ...`` (a header and aligned columns) or one line per row."""
    text = fmt.replace("\\t", "\t").replace("\\n", "\n")
    is_table = text.startswith("table")
    if is_table:
        text = text[len("table") :]
    text = text.strip(" ")
    if not is_table:
        return "\n".join(render(text, row) for row in rows)
    header = render(text, Row({k: headers.get(k, k.upper()) for k in (rows[0] if rows else headers)}))
    body = [render(text, row).split("\t") for row in rows]
    return table(header.split("\t"), body)
