"""Parse a Dockerfile into typed instructions grouped by stage, as BuildKit does.

Two passes, as in BuildKit: :mod:`simulator.dockerfile._syntax` reads lines (directives, comments,
continuations, heredocs, JSON or shell form) into nodes, then this module checks each node's
flags and arguments and builds the frozen instructions of :mod:`simulator.dockerfile.instructions`.
Every rejection is a :class:`~simulator.errors.DockerfileError` naming the line and column,
quoting the line and suggesting a fix; nothing else escapes, whatever the text.

Examples:
    >>> df = parse_dockerfile("FROM alpine AS base\\nRUN echo hi\\n")
    >>> df.stages[0].alias, df.stages[0].instructions[0].command
    ('base', ('echo hi',))
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TypedDict

from simulator.dockerfile import _syntax
from simulator.dockerfile.flags import (
    FLAGS,
    MOUNT_TYPES,
    NETWORKS,
    SECURITY_MODES,
    FlagError,
    parse_flags,
    parse_go_duration,
    parse_go_int,
)
from simulator.dockerfile.instructions import (
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Heredoc,
    Instruction,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
)
from simulator.errors import DockerfileError

__all__ = ["KEYWORDS", "Directive", "Dockerfile", "ParseWarning", "Stage", "parse_dockerfile"]

KEYWORDS = (
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive at the top of the file (``# syntax=``, ``# escape=``, ``# check=``)."""

    name: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something BuildKit accepts but warns about (or that the builder may want to reject).

    ``rule`` names the BuildKit lint rule when there is one (``NoEmptyContinuation`` ...).
    """

    line: int
    message: str
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Stage:
    """One ``FROM`` and the instructions up to the next ``FROM``."""

    index: int
    from_: From
    instructions: tuple[Instruction, ...]

    @property
    def base(self) -> str:
        """The base image or stage as written (before ARG substitution)."""
        return self.from_.base

    @property
    def alias(self) -> str | None:
        """The ``AS`` name, lower-cased, or None."""
        return self.from_.alias

    @property
    def platform(self) -> str | None:
        """The ``--platform`` value as written, or None."""
        return self.from_.platform

    @property
    def name(self) -> str:
        """The alias, or the stage's index as text (what ``COPY --from=0`` refers to)."""
        return self.from_.alias or str(self.index)


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A parsed Dockerfile.

    Attributes:
        filename: the name used in messages.
        escape_token: ``\\`` or the backtick chosen by ``# escape=``.
        directives: the parser directives in order.
        global_args: the ARG instructions before the first FROM.
        stages: the build stages in order.
        warnings: lint-style warnings with their lines.
    """

    filename: str
    escape_token: str
    directives: tuple[Directive, ...]
    global_args: tuple[Arg, ...]
    stages: tuple[Stage, ...]
    warnings: tuple[ParseWarning, ...]

    def directive(self, name: str) -> str | None:
        """The value of a directive (``syntax``, ``escape``, ``check``) or None."""
        return next((d.value for d in self.directives if d.name == name.lower()), None)

    def stage(self, name: str | int) -> Stage:
        """Find a stage by alias (case-insensitive) or index.

        Raises:
            KeyError: no such stage.
        """
        for stage in self.stages:
            if stage.index == name or (isinstance(name, str) and name.lower() in (stage.name, stage.alias)):
                return stage
        raise KeyError(f"no stage {name!r}; stages: {', '.join(s.name for s in self.stages)}")

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        """Every instruction in file order: global ARGs, then each FROM and its stage."""
        out: list[Instruction] = list(self.global_args)
        for stage in self.stages:
            out.append(stage.from_)
            out.extend(stage.instructions)
        return tuple(out)


class _Problem(Exception):
    def __init__(self, message: str, token: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message, self.token, self.hint = message, token, hint


def _flags(node: _syntax.Node, key: str) -> dict[str, list[str]]:
    try:
        return parse_flags(node.flags, FLAGS.get(key, {}))
    except FlagError as err:
        raise _Problem(str(err), err.flag, err.hint) from None


def _one(node: _syntax.Node, keyword: str) -> str:
    if len(node.args) != 1:
        raise _Problem(f"{keyword} requires exactly one argument", hint=f"write {keyword} <value>")
    return node.args[0]


def _at_least_one(node: _syntax.Node, keyword: str) -> None:
    if not node.args:
        raise _Problem(f"{keyword} requires at least one argument")


def _heredocs(node: _syntax.Node) -> tuple[Heredoc, ...]:
    return tuple(
        Heredoc(d.name, _syntax.chomp(d.content) if d.chomp else d.content, d.expand, d.chomp, d.fd)
        for d in node.heredocs
    )


def _pairs(node: _syntax.Node, keyword: str) -> tuple[tuple[str, str], ...]:
    _flags(node, keyword.lower())
    _at_least_one(node, keyword)
    pairs = tuple(zip(node.args[::2], node.args[1::2], strict=False))
    if any(not key for key, _ in pairs):
        raise _Problem(f"{keyword} names can not be blank", "=", hint="write NAME=value")
    return pairs


def _sources_and_dest(node: _syntax.Node, keyword: str) -> tuple[tuple[str, ...], str, tuple[Heredoc, ...]]:
    if len(node.args) < 2:
        raise _Problem(
            f"{keyword} requires at least two arguments, but only one was provided. "
            "Destination could not be determined.",
            hint=f"write {keyword} <source>... <destination>",
        )
    *srcs, dest = node.args
    try:
        if _syntax.parse_heredoc_word(dest) is not None:
            raise _Problem(f"{keyword} cannot accept a heredoc as a destination", dest)
        bodies = {d.name: d for d in _heredocs(node)}
        paths: list[str] = []
        contents: list[Heredoc] = []
        for src in srcs:
            opener = _syntax.parse_heredoc_word(src)
            if opener is None:
                paths.append(src)
            else:
                contents.append(
                    bodies.get(opener.name, Heredoc(opener.name, "", opener.expand, opener.chomp))
                )
    except _syntax.SyntaxProblem:
        raise _Problem("invalid heredoc delimiter", dest) from None
    return tuple(paths), dest, tuple(contents)


def _value(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name)
    return found[-1] if found and found[-1] != "" else None


def _bool(values: dict[str, list[str]], name: str) -> bool:
    return values.get(name, ["false"])[-1] == "true"


class _Common(TypedDict):
    """The fields every instruction has (:class:`Instruction`), shared by the builders below."""

    line: int
    end_line: int
    original: str
    flags: tuple[str, ...]


def _build_run(node: _syntax.Node, common: _Common) -> Run:
    values = _flags(node, "run")
    network = _value(values, "network")
    if network is not None and network not in NETWORKS:
        raise _Problem(f"unsupported network mode {network!r}", network, "use default, none or host")
    security = _value(values, "security")
    if security is not None and security not in SECURITY_MODES:
        raise _Problem(f"unsupported security mode {security!r}", security, "use sandbox or insecure")
    for mount in values.get("mount", []):
        fields = {k: v for k, _, v in (part.partition("=") for part in mount.split(","))}
        kind = fields.get("type", "bind").lower()
        if kind not in MOUNT_TYPES:
            raise _Problem(f"unsupported mount type {kind!r}", kind, f"use one of {', '.join(MOUNT_TYPES)}")
    return Run(
        **common,
        command=tuple(node.args),
        prepend_shell=not node.json,
        heredocs=_heredocs(node),
        mounts=tuple(values.get("mount", [])),
        network=network,
        security=security,
    )


def _build_healthcheck(node: _syntax.Node, common: _Common) -> Healthcheck:
    _at_least_one(node, "HEALTHCHECK")
    kind = node.args[0].upper()
    if kind == "NONE":  # BuildKit does not look at the flags of HEALTHCHECK NONE
        if len(node.args) != 1:
            raise _Problem("HEALTHCHECK NONE takes no arguments", node.args[1])
        return Healthcheck(**common, test=("NONE",))
    values = _flags(node, "healthcheck")
    if kind != "CMD":
        raise _Problem(f'Unknown type "{kind}" in HEALTHCHECK (try CMD)', node.args[0])
    cmd = node.args[1:]
    if not cmd:
        raise _Problem("Missing command after HEALTHCHECK CMD", hint="write HEALTHCHECK CMD <command>")
    durations: dict[str, int] = {}
    for flag in ("interval", "timeout", "start-period", "start-interval"):
        text = _value(values, flag) or ""
        try:
            nanoseconds = parse_go_duration(text) if text else 0
        except ValueError as err:
            raise _Problem(str(err), text, "use a duration like 30s, 1m30s or 500ms") from None
        if nanoseconds != 0 and nanoseconds < 1_000_000:
            raise _Problem(f'Interval "{flag}" cannot be less than 1ms', text)
        durations[flag.replace("-", "_")] = nanoseconds
    retries_text = _value(values, "retries")
    retries = 0
    if retries_text is not None:
        try:
            retries = parse_go_int(retries_text)
        except ValueError as err:
            raise _Problem(str(err), retries_text) from None
        if retries < 0:
            raise _Problem(f"--retries cannot be negative ({retries})", retries_text)
    test = ("CMD", *cmd) if node.json else ("CMD-SHELL", *cmd)
    return Healthcheck(**common, test=test, retries=retries, **durations)


def _build_onbuild(node: _syntax.Node, common: _Common, filename: str) -> Onbuild:
    _at_least_one(node, "ONBUILD")
    _flags(node, "onbuild")
    trigger_word = _syntax.strip_go(node.args[0]).upper()
    if trigger_word == "ONBUILD":
        raise _Problem("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", node.args[0])
    if trigger_word in ("MAINTAINER", "FROM"):
        raise _Problem(f"{trigger_word} isn't allowed as an ONBUILD trigger", node.args[0])
    expression = re.sub(r"(?i)^\s*ONBUILD\s*", "", node.original)
    for doc in node.heredocs:
        expression += "\n" + doc.content + doc.name
    # BuildKit checks only the trigger's keyword here; the rest fails in the child build.
    trigger = _trigger(node, filename)
    return Onbuild(**common, expression=expression, trigger=trigger)


def _trigger(node: _syntax.Node, filename: str) -> Instruction | None:
    try:
        return _build(node.child, filename) if node.child is not None else None
    except DockerfileError:
        return None


def _build(node: _syntax.Node, filename: str) -> Instruction:
    """Build the typed instruction for one node (``instructions.ParseInstruction``)."""
    try:
        return _build_checked(node, filename)
    except _Problem as problem:
        source = node.source_line
        column = source.find(problem.token) + 1 if problem.token and problem.token in source else 1
        raise DockerfileError(
            problem.message,
            filename=filename,
            line=node.start,
            column=column,
            source_line=source,
            hint=problem.hint,
        ) from None


def _build_checked(node: _syntax.Node, filename: str) -> Instruction:
    key = node.cmd.lower()
    common: _Common = {
        "line": node.start,
        "end_line": node.end,
        "original": _syntax.strip_go(node.original),
        "flags": tuple(node.flags),
    }
    args = node.args
    if key == "from":
        if not (len(args) == 1 or (len(args) == 3 and args[1].lower() == "as")):
            raise _Problem(
                "FROM requires either one or three arguments", hint="write FROM <image> [AS <name>]"
            )
        alias = args[2].lower() if len(args) == 3 else None
        if alias is not None and _STAGE_NAME.fullmatch(alias) is None:
            raise _Problem(
                f'invalid name for build stage: "{args[2]}", name can\'t start with a number or contain symbols',
                args[2],
                "use lower-case letters, digits, '-', '_' and '.', starting with a letter",
            )
        values = _flags(node, key)
        return From(**common, base=args[0], alias=alias, platform=_value(values, "platform"))
    if key == "run":
        return _build_run(node, common)
    if key in ("cmd", "entrypoint"):
        _flags(node, key)
        cls = Cmd if key == "cmd" else Entrypoint
        return cls(**common, command=tuple(args), prepend_shell=not node.json)
    if key == "shell":
        _flags(node, key)
        _at_least_one(node, "SHELL")
        if not node.json:
            raise _Problem(
                "SHELL requires the arguments to be in JSON form", hint='write SHELL ["/bin/bash", "-c"]'
            )
        return Shell(**common, shell=tuple(args))
    if key in ("copy", "add"):
        srcs, dest, docs = _sources_and_dest(node, key.upper())
        values = _flags(node, key)
        if key == "copy":
            return Copy(
                **common,
                sources=srcs,
                dest=dest,
                heredocs=docs,
                from_=_value(values, "from"),
                chown=_value(values, "chown"),
                chmod=_value(values, "chmod"),
                link=_bool(values, "link"),
                parents=_bool(values, "parents"),
                excludes=tuple(values.get("exclude", [])),
            )
        return Add(
            **common,
            sources=srcs,
            dest=dest,
            heredocs=docs,
            chown=_value(values, "chown"),
            chmod=_value(values, "chmod"),
            link=_bool(values, "link"),
            checksum=_value(values, "checksum"),
            keep_git_dir=_bool(values, "keep-git-dir"),
            unpack=_bool(values, "unpack") if "unpack" in values else None,
            excludes=tuple(values.get("exclude", [])),
        )
    if key in ("env", "label"):
        cls_kv = Env if key == "env" else Label
        return cls_kv(**common, pairs=_pairs(node, key.upper()), legacy=node.legacy)
    if key == "arg":
        _at_least_one(node, "ARG")
        _flags(node, key)
        pairs: list[tuple[str, str | None]] = []
        for word in args:
            name, eq, default = word.partition("=")
            if eq and not name:
                raise _Problem("ARG names can not be blank", word, "write ARG NAME=value")
            pairs.append((name, default if eq else None))
        return Arg(**common, args=tuple(pairs))
    if key == "expose":
        _at_least_one(node, "EXPOSE")
        _flags(node, key)
        return Expose(**common, ports=tuple(sorted(args)))
    if key == "volume":
        _at_least_one(node, "VOLUME")
        _flags(node, key)
        paths = tuple(_syntax.strip_go(a) for a in args)
        if "" in paths:
            raise _Problem("VOLUME specified can not be an empty string")
        return Volume(**common, paths=paths)
    if key in ("user", "workdir", "maintainer"):
        value = _one(node, key.upper())
        _flags(node, key)
        if key == "user":
            return User(**common, user=value)
        if key == "workdir":
            return Workdir(**common, path=value)
        return Maintainer(**common, maintainer=value)
    if key == "stopsignal":  # BuildKit does not parse STOPSIGNAL's flags
        return Stopsignal(**common, signal=_one(node, "STOPSIGNAL"))
    if key == "healthcheck":
        return _build_healthcheck(node, common)
    if key == "onbuild":
        return _build_onbuild(node, common, filename)
    word = node.cmd.upper()
    close = difflib.get_close_matches(word, KEYWORDS, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"valid instructions are {', '.join(KEYWORDS)}"
    raise _Problem(f"unknown instruction: {word}", node.cmd, hint)


_STAGE_NAME = re.compile(r"[a-z][a-z0-9._-]*")


def _lint(instr: Instruction, node: _syntax.Node, filename: str) -> list[ParseWarning]:
    """Warnings BuildKit would not raise as errors but a student should see."""
    found: list[ParseWarning] = []
    if (
        isinstance(instr, Copy | Add)
        and len(instr.sources) + len(instr.heredocs) > 1
        and not instr.dest.endswith("/")
    ):
        found.append(
            ParseWarning(
                instr.line,
                f"{instr.keyword} with several sources needs a destination ending in / "
                f"(BuildKit accepts {instr.dest!r} and may overwrite it; the classic builder "
                "rejects it)",
                "CopyDestinationNotDirectory",
            )
        )
    if isinstance(instr, Onbuild) and instr.trigger is None and node.child is not None:
        try:
            _build(node.child, filename)
        except DockerfileError as err:
            found.append(
                ParseWarning(instr.line, f"ONBUILD trigger will fail in the child build: {err.message}", "")
            )
    if isinstance(instr, Env | Label) and instr.legacy:
        found.append(
            ParseWarning(
                instr.line,
                f'"{instr.keyword} key=value" should be used instead of legacy "{instr.keyword} key value" format',
                "LegacyKeyValueFormat",
            )
        )
    return found


def parse_dockerfile(text: str, *, filename: str = "Dockerfile") -> Dockerfile:
    """Parse Dockerfile text as BuildKit would.

    Args:
        text: the whole Dockerfile.
        filename: the name to show in messages.

    Returns:
        The parsed :class:`Dockerfile`; variables are not substituted yet (see
        :func:`~simulator.dockerfile.instructions.expand_instruction`).

    Raises:
        DockerfileError: anything BuildKit rejects, with line, column, the quoted line and a hint.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    scanned = _syntax.scan(text, filename)
    if not scanned.nodes:
        raise DockerfileError(
            "the Dockerfile has no instructions (file with no instructions)",
            filename=filename,
            line=0,
            hint="start with a FROM line, for example FROM alpine:3.20",
        )
    warnings = [ParseWarning(line, message, rule) for line, message, rule in scanned.warnings]
    global_args: list[Arg] = []
    stages: list[tuple[From, list[Instruction]]] = []
    for node in scanned.nodes:
        instr = _build(node, filename)
        warnings.extend(_lint(instr, node, filename))
        if isinstance(instr, From):
            stages.append((instr, []))
        elif stages:
            stages[-1][1].append(instr)
        elif isinstance(instr, Arg):
            global_args.append(instr)
        else:
            raise DockerfileError(
                f"no FROM before {instr.keyword}: no build stage in current context",
                filename=filename,
                line=instr.line,
                column=node.source_line.find(node.cmd) + 1 or 1,
                source_line=node.source_line,
                hint="a Dockerfile starts with FROM; only ARG may come before the first FROM",
            )
    if not stages:
        raise DockerfileError(
            "dockerfile contains no stages to build",
            filename=filename,
            line=global_args[-1].line if global_args else 0,
            hint="add a FROM line after the ARG lines",
        )
    return Dockerfile(
        filename=filename,
        escape_token=scanned.escape_token,
        directives=tuple(Directive(n, v, line) for n, v, line in scanned.directives),
        global_args=tuple(global_args),
        stages=tuple(Stage(i, f, tuple(body)) for i, (f, body) in enumerate(stages)),
        warnings=tuple(sorted(warnings, key=lambda w: w.line)),
    )
