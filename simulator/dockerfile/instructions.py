"""Typed, frozen Dockerfile instructions, and the builder's variable expansion of them.

Every instruction carries where it came from (``line``, ``end_line``, 1-based), the text as
written (``original``: continuation lines joined, comments dropped, heredoc bodies not included),
its raw ``--flags`` and its ``keyword`` (upper case).  Shell-dependent instructions (RUN, CMD,
ENTRYPOINT) hold ``command`` and ``prepend_shell``: exec form is ``prepend_shell=False`` with one
element per argument; shell form is ``prepend_shell=True`` with the whole command line as the only
element, which the builder prefixes with the current SHELL (``["/bin/sh", "-c"]`` by default).

:func:`expand_instruction` substitutes variables where BuildKit's builder does: ADD, COPY, ENV,
EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR, ARG names and defaults, the values of
``--chown``, ``--chmod``, ``--from``, ``--checksum``, ``--exclude`` and ``RUN --mount``, and the
bodies of COPY/ADD heredocs whose delimiter was not quoted.  RUN, CMD and ENTRYPOINT are not
expanded (the shell does it at run time); ONBUILD triggers are expanded when they run in the child.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from simulator.dockerfile.lexer import Lexer
from simulator.errors import DockerfileError

__all__ = [
    "Add",
    "Arg",
    "Cmd",
    "Copy",
    "Entrypoint",
    "Env",
    "Expanded",
    "Expose",
    "From",
    "Healthcheck",
    "Heredoc",
    "Instruction",
    "Label",
    "Maintainer",
    "Onbuild",
    "Run",
    "Shell",
    "Stopsignal",
    "User",
    "Volume",
    "Workdir",
    "expand_instruction",
    "expand_instruction_tracked",
]


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A here-document attached to RUN, COPY or ADD (``<<EOF`` ... ``EOF``).

    Attributes:
        name: the delimiter word, quotes removed (``EOF`` for ``<<"EOF"``).
        content: the body, each line with its newline; for ``<<-`` the leading tabs are already
            stripped, as BuildKit does before using it.
        expand: False when any part of the delimiter was quoted: then ``$VAR`` stays literal.
        chomp: True for ``<<-``.
        fd: the file descriptor written before ``<<`` (``3<<EOF``), else 0.
    """

    name: str
    content: str
    expand: bool = True
    chomp: bool = False
    fd: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Instruction:
    """Fields every instruction has."""

    KEYWORD: ClassVar[str] = ""
    line: int
    end_line: int
    original: str
    flags: tuple[str, ...] = ()

    @property
    def keyword(self) -> str:
        """The instruction keyword in upper case (``RUN``, ``COPY`` ...)."""
        return self.KEYWORD

    def __str__(self) -> str:
        return self.original


@dataclass(frozen=True, slots=True, kw_only=True)
class From(Instruction):
    """``FROM [--platform=p] base [AS alias]``; ``alias`` is lower-cased as BuildKit does."""

    KEYWORD: ClassVar[str] = "FROM"
    base: str
    alias: str | None = None
    platform: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Run(Instruction):
    """``RUN [--mount=...] [--network=...] [--security=...] command`` (shell or exec form)."""

    KEYWORD: ClassVar[str] = "RUN"
    command: tuple[str, ...]
    prepend_shell: bool
    heredocs: tuple[Heredoc, ...] = ()
    mounts: tuple[str, ...] = ()
    network: str | None = None
    security: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cmd(Instruction):
    """``CMD`` in shell or exec form."""

    KEYWORD: ClassVar[str] = "CMD"
    command: tuple[str, ...]
    prepend_shell: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Entrypoint(Instruction):
    """``ENTRYPOINT`` in shell or exec form."""

    KEYWORD: ClassVar[str] = "ENTRYPOINT"
    command: tuple[str, ...]
    prepend_shell: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Shell(Instruction):
    """``SHELL ["executable", "param"]`` (JSON form only)."""

    KEYWORD: ClassVar[str] = "SHELL"
    shell: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Copy(Instruction):
    """``COPY [flags] src... dest``; heredoc sources are in ``heredocs``, file sources in ``sources``."""

    KEYWORD: ClassVar[str] = "COPY"
    sources: tuple[str, ...]
    dest: str
    heredocs: tuple[Heredoc, ...] = ()
    from_: str | None = None
    chown: str | None = None
    chmod: str | None = None
    link: bool = False
    parents: bool = False
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Add(Instruction):
    """``ADD [flags] src... dest`` (URLs, git repositories, local archives are unpacked)."""

    KEYWORD: ClassVar[str] = "ADD"
    sources: tuple[str, ...]
    dest: str
    heredocs: tuple[Heredoc, ...] = ()
    chown: str | None = None
    chmod: str | None = None
    link: bool = False
    checksum: str | None = None
    keep_git_dir: bool = False
    unpack: bool | None = None
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Env(Instruction):
    """``ENV k=v ...`` or the legacy ``ENV k v w`` (one variable, value ``"v w"``)."""

    KEYWORD: ClassVar[str] = "ENV"
    pairs: tuple[tuple[str, str], ...]
    legacy: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Label(Instruction):
    """``LABEL k=v ...`` or the legacy ``LABEL k v``."""

    KEYWORD: ClassVar[str] = "LABEL"
    pairs: tuple[tuple[str, str], ...]
    legacy: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Arg(Instruction):
    """``ARG name[=default] ...``; a default is None when none was given."""

    KEYWORD: ClassVar[str] = "ARG"
    args: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Expose(Instruction):
    """``EXPOSE port[/proto] ...`` (sorted as text, as BuildKit does)."""

    KEYWORD: ClassVar[str] = "EXPOSE"
    ports: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Volume(Instruction):
    """``VOLUME /a /b`` or ``VOLUME ["/a", "/b"]``."""

    KEYWORD: ClassVar[str] = "VOLUME"
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class User(Instruction):
    """``USER name[:group]``."""

    KEYWORD: ClassVar[str] = "USER"
    user: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Workdir(Instruction):
    """``WORKDIR path`` (relative to the previous WORKDIR)."""

    KEYWORD: ClassVar[str] = "WORKDIR"
    path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Onbuild(Instruction):
    """``ONBUILD <instruction>``: ``expression`` is what goes into the image config's OnBuild.

    ``trigger`` is the parsed trigger, or None when it would fail in the child build (BuildKit
    checks only that the trigger is not ONBUILD, FROM or MAINTAINER; the parser then warns).
    """

    KEYWORD: ClassVar[str] = "ONBUILD"
    expression: str
    trigger: Instruction | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Stopsignal(Instruction):
    """``STOPSIGNAL signal``."""

    KEYWORD: ClassVar[str] = "STOPSIGNAL"
    signal: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Healthcheck(Instruction):
    """``HEALTHCHECK NONE`` or ``HEALTHCHECK [flags] CMD ...``.

    ``test`` is the config's Test: ``("NONE",)``, ``("CMD", argv...)`` for exec form or
    ``("CMD-SHELL", "command line")`` for shell form.  Durations are in nanoseconds; 0 means
    "not given" (the image config keeps 0 and the engine uses its default).
    """

    KEYWORD: ClassVar[str] = "HEALTHCHECK"
    test: tuple[str, ...]
    interval: int = 0
    timeout: int = 0
    start_period: int = 0
    start_interval: int = 0
    retries: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Maintainer(Instruction):
    """``MAINTAINER name`` (deprecated; becomes the image's author)."""

    KEYWORD: ClassVar[str] = "MAINTAINER"
    maintainer: str


# --------------------------------------------------------------------------------------------
# Expansion

InstrT = TypeVar("InstrT", bound=Instruction)


@dataclass(frozen=True, slots=True)
class Expanded:
    """An expanded instruction and the names its expansion looked up."""

    instruction: Instruction
    referenced: frozenset[str]
    undefined: frozenset[str]


class _Expander:
    """Expand words of one instruction against one environment, remembering the names seen."""

    def __init__(self, instr: Instruction, lexer: Lexer, env: Mapping[str, str]) -> None:
        self.instr = instr
        self.lexer = lexer
        self.env = env
        self.referenced: set[str] = set()
        self.undefined: set[str] = set()

    def _fail(self, err: DockerfileError) -> DockerfileError:
        return DockerfileError(
            err.message,
            line=self.instr.line,
            source_line=self.instr.original,
            hint="check the ${...} syntax; quote a literal $ as \\$",
        )

    def word(self, text: str, lexer: Lexer | None = None) -> str:
        try:
            result = (lexer or self.lexer).process_word_with_matches(text, self.env)
        except DockerfileError as err:
            raise self._fail(err) from None
        self.referenced |= result.referenced
        self.undefined |= result.unmatched
        return result.result

    def words(self, text: str) -> tuple[str, ...]:
        try:
            result = self.lexer.process_word_with_matches(text, self.env)
        except DockerfileError as err:
            raise self._fail(err) from None
        self.referenced |= result.referenced
        self.undefined |= result.unmatched
        return result.words

    def opt(self, text: str | None) -> str | None:
        return None if text is None else self.word(text)

    def many(self, texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.word(t) for t in texts)

    def heredocs(self, docs: tuple[Heredoc, ...]) -> tuple[Heredoc, ...]:
        # BuildKit expands COPY/ADD heredoc bodies with a fresh '\' lexer that keeps quotes.
        raw = Lexer("\\", skip_process_quotes=True)
        return tuple(
            dataclasses.replace(d, content=self.word(d.content, raw)) if d.expand else d for d in docs
        )


def _expand_copy(e: _Expander, i: Copy) -> Copy:
    return dataclasses.replace(
        i,
        sources=e.many(i.sources),
        dest=e.word(i.dest),
        heredocs=e.heredocs(i.heredocs),
        from_=e.opt(i.from_),
        chown=e.opt(i.chown),
        chmod=e.opt(i.chmod),
        excludes=e.many(i.excludes),
    )


def _expand_add(e: _Expander, i: Add) -> Add:
    return dataclasses.replace(
        i,
        sources=e.many(i.sources),
        dest=e.word(i.dest),
        heredocs=e.heredocs(i.heredocs),
        chown=e.opt(i.chown),
        chmod=e.opt(i.chmod),
        checksum=e.opt(i.checksum),
        excludes=e.many(i.excludes),
    )


def _expand_pairs(e: _Expander, pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((e.word(k), e.word(v)) for k, v in pairs)


# Each function takes the subclass it is filed under, which the key's type cannot say: Any.
_EXPANDERS: dict[type[Instruction], Callable[[_Expander, Any], Instruction]] = {
    From: lambda e, i: dataclasses.replace(i, base=e.word(i.base), platform=e.opt(i.platform)),
    Run: lambda e, i: dataclasses.replace(i, mounts=e.many(i.mounts)),
    Copy: _expand_copy,
    Add: _expand_add,
    Env: lambda e, i: dataclasses.replace(i, pairs=_expand_pairs(e, i.pairs)),
    Label: lambda e, i: dataclasses.replace(i, pairs=_expand_pairs(e, i.pairs)),
    Arg: lambda e, i: dataclasses.replace(i, args=tuple((e.word(k), e.opt(v)) for k, v in i.args)),
    Expose: lambda e, i: dataclasses.replace(i, ports=tuple(w for p in i.ports for w in e.words(p))),
    Volume: lambda e, i: dataclasses.replace(i, paths=e.many(i.paths)),
    User: lambda e, i: dataclasses.replace(i, user=e.word(i.user)),
    Workdir: lambda e, i: dataclasses.replace(i, path=e.word(i.path)),
    Stopsignal: lambda e, i: dataclasses.replace(i, signal=e.word(i.signal)),
}


def expand_instruction_tracked(instr: Instruction, lexer: Lexer, env: Mapping[str, str]) -> Expanded:
    """Expand ``instr`` like :func:`expand_instruction` and report the names looked up.

    ``undefined`` is what BuildKit's ``UndefinedVar`` lint reports; ``referenced`` is every name
    the instruction used (the builder needs it for ARG cache keys).
    """
    expander = _Expander(instr, lexer, env)
    fn = _EXPANDERS.get(type(instr))
    result = fn(expander, instr) if fn else instr
    return Expanded(result, frozenset(expander.referenced), frozenset(expander.undefined))


def expand_instruction(instr: InstrT, lexer: Lexer, env: Mapping[str, str]) -> InstrT:
    """Return a copy of ``instr`` with the builder-expanded fields substituted from ``env``.

    Every word of the instruction sees the same ``env`` — the one from before the instruction —
    so ``ENV abc=bye def=$abc`` gives ``def`` the *old* value of ``abc`` (SEMANTICS §3.2).
    Undefined names expand to the empty string.

    Raises:
        DockerfileError: a substitution error, with the instruction's line.

    Examples:
        >>> from simulator.dockerfile.parser import parse_dockerfile
        >>> df = parse_dockerfile("FROM scratch\\nENV abc=bye def=$abc\\n")
        >>> env_instr = df.stages[0].instructions[0]
        >>> expand_instruction(env_instr, Lexer(), {"abc": "hello"}).pairs
        (('abc', 'bye'), ('def', 'hello'))
    """
    return expand_instruction_tracked(instr, lexer, env).instruction  # type: ignore[return-value]
