"""Argument parsing with Docker's error messages (docker/cli v20.10, cobra and pflag).

argparse does the parsing; :class:`CommandParser` turns its complaints into the text and exit
status Docker's CLI gives for the same mistake, plus the nearest valid flag or command:

- ``unknown flag: --no-trun`` / ``unknown shorthand flag: 'x' in -x``, then
  ``See 'layerlab history --help'.``: status 125 (``cli.FlagErrorFunc``);
- ``flag needs an argument: --file`` (``'f' in -f`` for a shorthand): status 125;
- ``"layerlab build" requires exactly 1 argument.`` with the usage line: status 1
  (``cli.ExactArgs``/``RequiresMinArgs``/``RequiresMaxArgs``);
- ``layerlab: 'imagse' is not a layerlab command.`` then ``See 'layerlab --help'``: status 1.

Flags are never abbreviated (``allow_abbrev=False``): pflag does not accept ``--no-tr``.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ._errors import UsageError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["CommandParser", "nearest", "suggestion"]


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The valid word closest to ``word`` (difflib's ratio, else a shared prefix), or None."""
    options = sorted(set(choices))
    found = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if found:
        return found[0]
    prefixed = [o for o in options if o.startswith(word) or (len(word) > 2 and word.startswith(o))]
    return prefixed[0] if prefixed else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """cobra's "Did you mean this?" paragraph for ``word`` ("" when nothing is near)."""
    found = nearest(word, choices)
    return f"\n\nDid you mean this?\n\t{found}" if found else ""


class CommandParser(argparse.ArgumentParser):
    """One command's parser; ``usage`` is Docker's usage line without ``Usage:``."""

    def __init__(self, command: str, usage: str, summary: str, **kwargs: Any) -> None:
        super().__init__(
            prog=f"layerlab {command}",
            usage=f"layerlab {command} {usage}".rstrip(),
            description=summary,
            allow_abbrev=False,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            **kwargs,
        )
        self.command = command
        self.summary = summary
        self.stream: TextIO | None = None  # where --help is printed (default: standard output)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        (file or self.stream or sys.stdout).write(self.format_help())

    # -- errors -------------------------------------------------------------------------------
    def _see(self) -> str:
        return f"See '{self.prog} --help'."

    def _count_error(self, word: str, n: int) -> NoReturn:
        plural = "argument" if n == 1 else "arguments"
        raise UsageError(
            f'"{self.prog}" requires {word} {n} {plural}.\n{self._see()}\n\nUsage:  {self.usage}\n\n{self.summary}',
            status=1,
        )

    def _positional_counts(self) -> tuple[int, int | None]:
        low = 0
        high: int | None = 0
        for action in self._actions:
            if action.option_strings:
                continue
            if action.nargs is None:
                low, high = low + 1, high + 1 if high is not None else None
            elif action.nargs == "?":
                high = high + 1 if high is not None else None
            elif action.nargs in ("+", argparse.REMAINDER):
                low += 1 if action.nargs == "+" else 0
                high = None
            elif action.nargs == "*":
                high = None
        return low, high

    def _flag_names(self) -> list[str]:
        return [s for a in self._actions for s in a.option_strings]

    def unknown_flag(self, flag: str) -> NoReturn:
        name = flag.split("=", 1)[0]
        if name.startswith("--"):
            first = f"unknown flag: {name}"
        else:
            first = f"unknown shorthand flag: {name[1:2]!r} in {flag}"
        raise UsageError(f"{first}\n{self._see()}{suggestion(name, self._flag_names())}", status=125)

    def error(self, message: str) -> NoReturn:
        missing = re.match(r"the following arguments are required", message)
        if missing:
            low, high = self._positional_counts()
            self._count_error("exactly" if low == high else "at least", low)
        needs = re.match(r"argument (\S+): expected (one|at least one) argument", message)
        if needs:
            names = needs.group(1).split("/")
            long = next((n for n in names if n.startswith("--")), names[0])
            short = next((n for n in names if not n.startswith("--")), None)
            text = (
                f"flag needs an argument: {short[1]!r} in {short}"
                if short
                else f"flag needs an argument: {long}"
            )
            raise UsageError(f"{text}\n{self._see()}", status=125)
        invalid = re.match(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if invalid:
            flag = invalid.group(1).split("/")[-1]
            raise UsageError(
                f'invalid argument "{invalid.group(2)}" for "{flag}" flag: choose from {invalid.group(3)}\n{self._see()}',
                status=125,
            )
        raise UsageError(f"{message}\n{self._see()}", status=125)

    # -- help ---------------------------------------------------------------------------------
    def format_help(self) -> str:
        """Docker's help layout: ``Usage:``, the summary, then ``Options:`` (``-a, --all  ...``)."""
        rows = []
        for action in self._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS:
                continue
            short = next((o for o in action.option_strings if not o.startswith("--")), None)
            long = next((o for o in action.option_strings if o.startswith("--")), short or "")
            left = (f"{short}, " if short and long != short else "    ") + long
            if action.nargs != 0:
                kind = "list" if isinstance(action, argparse._AppendAction) else "string"
                left += f" {kind}"
            rows.append((left, action.help or ""))
        width = max((len(left) for left, _ in rows), default=0) + 3
        lines = ["", f"Usage:  {self.usage}", "", self.summary]
        if self.epilog:
            lines += ["", self.epilog]
        lines += ["", "Options:"]
        lines += [f"  {left:<{width}}{text}".rstrip() for left, text in rows]
        return "\n".join(lines) + "\n"

    # -- parsing ------------------------------------------------------------------------------
    def parse(self, argv: Sequence[str]) -> argparse.Namespace:
        """Parse ``argv`` (the words after the command name), or raise :class:`UsageError`."""
        args, extras = self.parse_known_args(list(argv))
        for word in extras:
            if word.startswith("-") and word != "-":
                self.unknown_flag(word)
        if extras:
            _, high = self._positional_counts()
            self._count_error("at most", high or 0)
        return args
