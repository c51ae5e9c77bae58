"""``awk``: the one-action programs install scripts use, ``awk -F- '{ print $NF }'``.

POSIX awk (the Open Group's awk page) as mawk, gawk and busybox share it, for a program that is
one action of ``print`` statements without a pattern: ``{ print $1, $NF }``, ``{ print $(NF-1) }``,
``{ print "v" $2 }``, ``{ print }``.  Fields: the default separator (one space) splits at runs of
blanks and newlines and ignores leading ones; a one-character ``-F`` other than a space is
literal (``\\t`` is a tab); a longer one is an extended regular expression.  ``,`` between items
prints the output separator (a space); items side by side are concatenated; each ``print``
ends with a newline.  Any other program (patterns, variables, functions, ``BEGIN``) is not
simulated: the build records it, as for a program layerlab does not model.
"""

from __future__ import annotations

import re

from simulator.userland._args import is_gnu, read_inputs
from simulator.userland.registry import ExecContext, NotSimulated, register

__all__ = ["awk"]

#: one item of a print list: a field ($N, $NF, $(NF-N)), NF, NR, a string literal, or a comma
_ITEM = re.compile(r'\s*(?:(\$\(\s*NF\s*-\s*\d+\s*\)|\$NF|\$\d+)|(NF|NR)\b|"((?:[^"\\]|\\.)*)"|(,))')


def _parse(program: str) -> list[list[list[str]]] | None:
    """The print statements of ``{ print ...; print ... }``: per statement, its comma-separated
    items, each a list of concatenated terms; None when the program is outside the subset."""
    match = re.fullmatch(r"\s*\{(.*)\}\s*", program, re.S)
    if match is None:
        return None
    statements: list[list[list[str]]] = []
    for statement in re.split(r"[;\n]", match.group(1)):
        statement = statement.strip()
        if not statement:
            continue
        if not re.match(r"print\b", statement):
            return None
        rest, at = statement[5:], 0
        items: list[list[str]] = []
        current: list[str] = []
        while at < len(rest.rstrip()):
            item = _ITEM.match(rest, at)
            if item is None:
                return None
            at = item.end()
            if item.group(4):
                items.append(current)
                current = []
            else:
                current.append(item.group(0).strip())
        items.append(current)
        statements.append([i for i in items if i] or [["$0"]])
    return statements


def _value(term: str, fields: list[str], line: str, number: int) -> str:
    if term.startswith('"'):
        return term[1:-1].encode().decode("unicode_escape")
    if term in ("NF", "NR"):
        return str(len(fields) if term == "NF" else number)
    if term == "$NF":
        index = len(fields)
    elif term.startswith("$("):
        index = len(fields) - int(re.sub(r"\D", "", term))
    else:
        index = int(term[1:])
    if index < 0:
        raise ValueError(index)
    return line if index == 0 else (fields[index - 1] if index <= len(fields) else "")


def _split(line: str, separator: str) -> list[str]:
    if separator == " ":
        return line.split()
    if len(separator) == 1:
        return line.split(separator) if line else []
    return re.split(separator, line) if line else []


@register("awk", "mawk", "gawk")
def awk(ctx: ExecContext, argv: list[str]) -> int:
    """``awk [-F SEP] '{ print ... }' [FILE...]``: print fields of each line."""
    args = argv[1:]
    separator = " "
    while args and args[0].startswith("-F"):
        value = args[0][2:] or (args[1] if len(args) > 1 else "")
        args = args[1:] if args[0][2:] else args[2:]
        separator = "\t" if value in ("\\t", "t") else value
    if not args or args[0].startswith("-"):
        raise NotSimulated(f"awk {' '.join(argv[1:])}: only awk [-F SEP] '{{ print ... }}' is simulated")
    statements = _parse(args[0])
    if statements is None:
        raise NotSimulated(f"awk program {args[0]!r} is not simulated; layerlab runs '{{ print $N, ... }}'")
    status, number = 0, 0
    out: list[str] = []
    for _name, data in read_inputs(ctx, "awk", args[1:]):
        if data is None:
            status = 2
            continue
        for raw in data.decode("utf-8", "surrogateescape").splitlines():
            number += 1
            fields = _split(raw, separator)
            for items in statements:
                try:
                    texts = ["".join(_value(t, fields, raw, number) for t in item) for item in items]
                except ValueError as error:  # $(NF-2) on a one-field line: mawk's words, or busybox's
                    ctx.out("".join(out).encode("utf-8", "surrogateescape"))
                    if not is_gnu(ctx, argv):
                        ctx.err("awk: cmd. line:1: Access to negative field\n")
                        return 1
                    where = f'FILENAME="-" FNR={number} NR={number}'
                    name = argv[0].rsplit("/", 1)[-1]
                    ctx.err(f"{name}: run time error: negative field index ${error.args[0]}\n\t{where}\n")
                    return 2
                out.append(" ".join(texts) + "\n")
    ctx.out("".join(out).encode("utf-8", "surrogateescape"))
    return status
