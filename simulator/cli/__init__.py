"""``layerlab``: the command line, in Docker's vocabulary and output formats.

``layerlab [--root DIR] COMMAND [OPTIONS] [ARGS]``: ``build``, ``images``, ``history``, ``run``,
``exec``, ``ps``, ``diff``, ``commit``, ``rm``, ``rmi``, ``tag``, ``system df``, ``save``,
``load``, ``push``, ``pull``, ``inspect``, and what Docker lacks: ``analyze``, ``diagram``,
``lab``, ``cleanup``.  Images and containers are kept in a store on disk: ``--root``, else
``$LAYERLAB_ROOT``, else ``$XDG_DATA_HOME/layerlab`` (see :func:`~simulator.cli._engine.default_root`).

Errors and exit statuses are Docker's (``docker/cli`` v20.10): 1 for an unknown command, a
wrong number of arguments or a failed operation, 125 for a flag error or a container that could
not be created; ``run`` and ``exec`` exit with the command's own status.  Every command has
``--help``.  :func:`main` is the console script; ``run(argv, engine=...)`` runs one command on a
given engine (tests, notebooks).

The parser is the standard library's :mod:`argparse` (no new dependency), with its messages
rewritten into Docker's in :mod:`simulator.cli._parser`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..engine import Engine
from ..errors import SimulatorError
from . import _analyze, _containers, _images, _inspect, _tools  # noqa: F401 - they register the commands
from ._context import COMMANDS, Context
from ._engine import default_root, open_engine
from ._errors import CommandError, UsageError
from ._parser import suggestion

__all__ = ["CommandError", "UsageError", "default_root", "main", "open_engine", "run"]

_GROUPS = {"system": "Manage layerlab", "registry": "Serve the store's registry"}
_VERSION = "layerlab 0.1.0"


def _top_help() -> str:
    lines = [
        "",
        "Usage:  layerlab [OPTIONS] COMMAND",
        "",
        "A simulator of container images and containers, with Docker's commands",
        "",
        "Options:",
        "      --root string   Where images and containers are kept (default $LAYERLAB_ROOT,",
        "                      else $XDG_DATA_HOME/layerlab)",
        "  -v, --version       Print version information and quit",
        "",
        "Management Commands:",
    ]
    lines += [f"  {name:<10}{summary}" for name, summary in _GROUPS.items()]
    lines += ["", "Commands:"]
    lines += [f"  {name:<10}{cmd.summary}" for name, cmd in sorted(COMMANDS[""].items())]
    lines += ["", "Run 'layerlab COMMAND --help' for more information on a command."]
    return "\n".join(lines) + "\n"


def _group_help(group: str) -> str:
    lines = ["", f"Usage:  layerlab {group} COMMAND", "", _GROUPS[group], "", "Commands:"]
    lines += [f"  {name:<10}{cmd.summary}" for name, cmd in sorted(COMMANDS[group].items())]
    lines += ["", f"Run 'layerlab {group} COMMAND --help' for more information on a command."]
    return "\n".join(lines) + "\n"


def _split_globals(argv: Sequence[str], ctx_out: TextIO) -> tuple[Path | None, list[str], bool]:
    """(--root, the words from the command on, whether help/version was printed)."""
    root: Path | None = None
    words = list(argv)
    i = 0
    while i < len(words) and words[i].startswith("-") and words[i] != "-":
        word = words[i]
        if word in ("-h", "--help"):
            ctx_out.write(_top_help())
            return root, [], True
        if word in ("-v", "--version"):
            ctx_out.write(_VERSION + "\n")
            return root, [], True
        if word == "--root":
            if i + 1 >= len(words):
                raise UsageError("flag needs an argument: --root\nSee 'layerlab --help'.", status=125)
            root = Path(words[i + 1])
            i += 2
            continue
        if word.startswith("--root="):
            root = Path(word.split("=", 1)[1])
            i += 1
            continue
        flag = word.split("=", 1)[0]
        first = (
            f"unknown flag: {flag}"
            if flag.startswith("--")
            else f"unknown shorthand flag: {flag[1:2]!r} in {word}"
        )
        raise UsageError(
            f"{first}\nSee 'layerlab --help'.{suggestion(flag, ['--root', '--help', '--version'])}",
            status=125,
        )
    return root, words[i:], False


def run(
    argv: Sequence[str],
    *,
    engine: Engine | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one ``layerlab`` command line (without the program name); returns the exit status.

    Args:
        engine: run on this engine instead of opening the store (for tests and notebooks).
    """
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    ctx: Context | None = None
    try:
        root, words, done = _split_globals(argv, out)
        if done:
            return 0
        if not words:
            out.write(_top_help())
            return 0
        group = ""
        name = words[0]
        if name in COMMANDS and name != "":
            group = name
            rest = words[1:]
            if not rest or rest[0] in ("-h", "--help"):
                out.write(_group_help(group))
                return 0
            name = rest[0]
            words = rest
        table = COMMANDS[group]
        if name not in table:
            where = f"layerlab {group}".strip()
            choices = list(table) + ([] if group else list(_GROUPS))
            raise UsageError(
                f"{where.split()[0]}: '{name}' is not a {where} command.\nSee '{where} --help'{suggestion(name, choices)}",
                status=1,
            )
        cmd = table[name]
        parser = cmd.parser()
        parser.stream = out
        try:
            args = parser.parse(words[1:])
        except SystemExit as exc:  # --help printed by argparse
            return int(exc.code or 0)
        ctx = Context(root or default_root(), out, err, engine_override=engine)
        return cmd.handler(ctx, args)
    except CommandError as exc:
        err.write(f"{exc}\n")
        return exc.status
    except SimulatorError as exc:  # an engine error: Docker prints the daemon's message
        err.write(f"Error response from daemon: {exc}\n")
        return 1
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        err.write(f"layerlab:{where}: {exc.strerror or exc}\n")
        return 1
    except KeyboardInterrupt:
        err.write("\n")
        return 130
    finally:
        if ctx is not None:
            ctx.close()


def main(argv: Sequence[str] | None = None) -> int:
    """The ``layerlab`` console script."""
    return run(sys.argv[1:] if argv is None else argv)
