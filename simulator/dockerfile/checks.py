# Long module: BuildKit's twenty rules are one table plus the checks that fire them, each next to
# the rule it implements; split, a reader would chase a message across files.
"""BuildKit's build checks: the ``# check=`` directive and the rules it controls.

The rules are data transcribed from moby/buildkit (at 73ed6825, 2026-08):
``frontend/dockerfile/linter/ruleset.go`` (names, descriptions, URLs, messages),
``linter/linter.go`` (``ParseLintOptions``: ``skip=``, ``error=``, ``experimental=``, separated
by ``;``; ``Linter.Error``: "lint violation found for rules: ..."), and where each one runs:
``instructions/parse.go`` (MaintainerDeprecated, StageNameCasing, FromAsCasing),
``dockerfile2llb/validations.go`` (casing, stage names, FROM arguments and platforms, secrets,
ONE CMD/ENTRYPOINT/HEALTHCHECK), ``dockerfile2llb/convert.go`` (JSONArgsRecommended,
LegacyKeyValueFormat, WorkdirRelativePath) and ``convert_expose.go`` (EXPOSE).

Checks on the whole file run for every stage (:func:`file_checks`); those BuildKit runs while
it dispatches a stage run only for the stages the build needs (:func:`stage_checks`), so a
skipped stage reports none of them -- as with ``docker build`` (``docker build --check`` would
check every stage).  ``CopyIgnoredFile`` needs the build context (:func:`copy_ignored`, which
the builder calls); ``InvalidBaseImagePlatform`` is not modelled (every image is linux/amd64).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from simulator.dockerfile import instructions as ins
from simulator.dockerfile.dockerignore import DockerIgnore, clean_path
from simulator.dockerfile.lexer import Lexer, WordResult
from simulator.dockerfile.parser import Dockerfile, Stage
from simulator.errors import DockerfileError

__all__ = [
    "RULES",
    "CheckConfig",
    "CheckWarning",
    "Checker",
    "Rule",
    "file_checks",
    "parse_check_options",
    "stage_checks",
    "suggest",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """One BuildKit check: its name, what it is about, where its page is."""

    name: str
    description: str
    experimental: bool = False

    @property
    def url(self) -> str:
        """``https://docs.docker.com/go/dockerfile/rule/<kebab-name>/``."""
        kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", self.name).lower()
        return f"https://docs.docker.com/go/dockerfile/rule/{kebab}/"


# linter/ruleset.go: name -> description (the messages are in the functions below)
RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule("StageNameCasing", "Stage names should be lowercase"),
        Rule("FromAsCasing", "The 'as' keyword should match the case of the 'from' keyword"),
        Rule("NoEmptyContinuation", "Empty continuation lines will become errors in a future release"),
        Rule(
            "ConsistentInstructionCasing",
            "All commands within the Dockerfile should use the same casing (either upper or lower)",
        ),
        Rule("DuplicateStageName", "Stage names should be unique"),
        Rule("ReservedStageName", "Reserved words should not be used as stage names"),
        Rule(
            "JSONArgsRecommended",
            "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
        ),
        Rule(
            "MaintainerDeprecated",
            "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
        ),
        Rule("UndefinedArgInFrom", "FROM command must use declared ARGs"),
        Rule(
            "WorkdirRelativePath",
            "Relative workdir without an absolute workdir declared within the build can have "
            "unexpected results if the base image changes",
        ),
        Rule("UndefinedVar", "Variables should be defined before their use"),
        Rule(
            "MultipleInstructionsDisallowed",
            "Multiple instructions of the same type should not be used in the same stage",
        ),
        Rule("LegacyKeyValueFormat", "Legacy key/value format with whitespace separator should not be used"),
        Rule(
            "RedundantTargetPlatform",
            "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
        ),
        Rule("SecretsUsedInArgOrEnv", "Sensitive data should not be used in the ARG or ENV commands"),
        Rule(
            "InvalidDefaultArgInFrom",
            "Default value for global ARG results in an empty or invalid base image name",
        ),
        Rule("FromPlatformFlagConstDisallowed", "FROM --platform flag should not use a constant value"),
        Rule("CopyIgnoredFile", "Attempting to Copy file that is excluded by .dockerignore"),
        Rule("ExposeProtoCasing", "Protocol in EXPOSE instruction should be lowercase"),
        Rule(
            "ExposeInvalidFormat",
            "IP address and host-port mapping should not be used in EXPOSE instruction. "
            "This will become an error in a future release",
        ),
    )
}

RESERVED_STAGE_NAMES = ("context", "scratch")  # validations.go reservedStageNames
SECRET_TOKENS = (
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
)
ALLOWED_TOKENS = ("public", "file", "version")  # validations.go getSecretsRegex
_SECRET = re.compile(r"(?i)(?:_|^)(?:" + "|".join(SECRET_TOKENS) + r")(?:_|$)")
_ALLOWED = re.compile(r"(?i)(?:_|^)(?:" + "|".join(ALLOWED_TOKENS) + r")(?:_|$)")
# distribution/reference regexp.go, as ParseNormalizedNamed applies it (a 64-hex ID is refused)
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_REFERENCE = re.compile(
    rf"(?:{_DOMAIN}/)?{_PATH_PART}(?:/{_PATH_PART})*(?::[\w][\w.-]{{0,127}})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?"
)
_IDENTIFIER = re.compile(r"[a-f0-9]{64}")
NON_ENV_ARGS = ("BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE")  # convert.go nonEnvArgs


@dataclass(frozen=True, slots=True)
class CheckConfig:
    """What ``# check=`` (or the ``BUILDKIT_DOCKERFILE_CHECK`` build-arg) asks for."""

    skip: frozenset[str] = frozenset()
    skip_all: bool = False
    error: bool = False
    experimental: frozenset[str] = frozenset()
    experimental_all: bool = False

    def enabled(self, rule: Rule) -> bool:
        """linter.go ``Run``: an experimental rule only when asked for, the others unless skipped."""
        if rule.experimental:
            return self.experimental_all or rule.name in self.experimental
        return not (self.skip_all or rule.name in self.skip)


def parse_check_options(text: str) -> CheckConfig:
    """linter.go ``ParseLintOptions``: ``skip=A,B;error=true;experimental=all``.

    Raises:
        ValueError: BuildKit's words ("invalid check option ...").
    """
    text = text.strip()
    if not text:
        return CheckConfig()
    config: dict[str, object] = {}
    for part in text.split(";", 2):
        key, eq, value = part.partition("=")
        if not eq:
            raise ValueError(f"invalid check option {part!r}".replace("'", '"'))
        key, value = key.strip(), value.strip()
        if key in ("skip", "experimental"):
            if value == "all":
                config[f"{key}_all"] = True
            else:
                config[key] = frozenset(name.strip() for name in value.split(","))
        elif key == "error":
            if value not in _GO_BOOLS:
                raise ValueError(
                    f'failed to parse check option "{part}": strconv.ParseBool: parsing "{value}": invalid syntax'
                )
            config["error"] = _GO_BOOLS[value]
        else:
            raise ValueError(f'invalid check option "{key}"')
    return CheckConfig(**config)  # type: ignore[arg-type]


_GO_BOOLS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}


@dataclass(frozen=True, slots=True)
class CheckWarning:
    """One check that fired: the rule, BuildKit's message, the Dockerfile line."""

    rule: str
    message: str
    line: int

    @property
    def url(self) -> str:
        return RULES[self.rule].url

    def short(self) -> str:
        """linter.go ``LintFormatShort``: ``Rule: message (line N)``, as ``docker build`` lists it."""
        return f"{self.rule}: {self.message}" + (f" (line {self.line})" if self.line > 0 else "")


@dataclass
class Checker:
    """The checks of one build: which fired, under a :class:`CheckConfig`."""

    config: CheckConfig = field(default_factory=CheckConfig)
    found: list[CheckWarning] = field(default_factory=list)

    @classmethod
    def for_dockerfile(cls, df: Dockerfile, build_arg: str | None = None) -> Checker:
        """The ``# check=`` directive, or the ``BUILDKIT_DOCKERFILE_CHECK`` build-arg instead of it
        (dockerui: the build-arg wins).

        Raises:
            DockerfileError: options BuildKit cannot parse, naming the directive's line.
        """
        directive = next((d for d in df.directives if d.name == "check"), None)
        text = build_arg if build_arg is not None else (directive.value if directive else "")
        try:
            return cls(parse_check_options(text))
        except ValueError as e:
            raise DockerfileError(
                f"failed to parse check options: {e}",
                filename=df.filename,
                line=directive.line if directive and build_arg is None else 0,
                hint="write # check=skip=Rule1,Rule2;error=true (or skip=all)",
            ) from None

    def add(self, found: Iterable[CheckWarning]) -> None:
        for warning in found:
            if self.config.enabled(RULES[warning.rule]):
                self.found.append(warning)

    def error(self) -> str | None:
        """linter.go ``Error``: with ``error=true``, the message that fails the build."""
        if not self.config.error or not self.found:
            return None
        rules = sorted({w.rule for w in self.found})
        return f"lint violation found for rules: {', '.join(rules)}"

    def summary(self) -> list[str]:
        """What ``docker build`` prints after the build."""
        if not self.found:
            return []
        n = len(self.found)
        head = f" {n} warning{'s' if n != 1 else ''} found (use docker --debug to expand):"
        return [head, *(f" - {w.short()}" for w in self.found)]


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggest(value: str, options: Iterable[str]) -> str:
    """util/suggest ``Search`` (case-sensitive): the first option at the smallest distance
    below 3, or ``""`` (also when ``value`` itself is an option)."""
    match, best = "", 3
    for option in options:
        if option == value:
            return ""
        distance = _levenshtein(value, option)
        if distance < best:
            match, best = option, distance
    return match


def undefined_var(name: str, options: Iterable[str], line: int) -> CheckWarning:
    """UndefinedVar for ``$name`` (validations.go ``reportUnmatchedVariables``)."""
    message = f"Usage of undefined variable '${name}'"
    close = suggest(name, options)
    return CheckWarning("UndefinedVar", message + (f" (did you mean ${close}?)" if close else ""), line)


def _words(instr: ins.Instruction) -> list[str]:
    return instr.original.split()


def _command_word(instr: ins.Instruction) -> str:
    words = _words(instr)
    return words[0] if words else instr.keyword


def _from_words(instr: ins.From) -> list[str]:
    """``FROM``'s arguments without its flags: ``[base]`` or ``[base, AS, name]``."""
    return [w for w in _words(instr)[1:] if not w.startswith("--")]


def _self_consistent(name: str) -> bool:
    return name in (name.lower(), name.upper())


def file_checks(df: Dockerfile, global_env: Mapping[str, str], lexer: Lexer) -> list[CheckWarning]:
    """The checks BuildKit runs on the whole file, every stage included.

    ``global_env`` is the global scope (automatic platform ARGs and the global ARGs' values).
    """
    found: list[CheckWarning] = []
    for stage in df.stages:  # instructions/parse.go, in file order
        words = _from_words(stage.from_)
        keyword = _command_word(stage.from_)
        if len(words) == 3 and words[2] != words[2].lower():
            found.append(
                CheckWarning(
                    "StageNameCasing", f"Stage name '{words[2]}' should be lowercase", stage.from_.line
                )
            )
        if len(words) >= 3 and keyword in (keyword.lower(), keyword.upper()):
            as_word = words[1]
            wanted = as_word.lower() if keyword == keyword.lower() else as_word.upper()
            if as_word != wanted:
                found.append(
                    CheckWarning(
                        "FromAsCasing",
                        f"'{as_word}' and '{keyword}' keywords' casing do not match",
                        stage.from_.line,
                    )
                )
        for instr in stage.instructions:
            if isinstance(instr, ins.Maintainer):
                found.append(
                    CheckWarning(
                        "MaintainerDeprecated",
                        "Maintainer instruction is deprecated in favor of using label",
                        instr.line,
                    )
                )
    for warning in df.warnings:
        if warning.rule == "NoEmptyContinuation":
            found.append(CheckWarning("NoEmptyContinuation", "Empty continuation line", warning.line))
    names: set[str] = set()
    for stage in df.stages:  # validateStageNames (names are lower-cased by then)
        name = stage.alias
        if name:
            if name in RESERVED_STAGE_NAMES:
                found.append(
                    CheckWarning(
                        "ReservedStageName",
                        f'Stage name should not use the same name as reserved stage "{name}"',
                        stage.from_.line,
                    )
                )
            if name in names:
                found.append(
                    CheckWarning(
                        "DuplicateStageName",
                        f'Duplicate stage name "{name}", stage names should be unique',
                        stage.from_.line,
                    )
                )
            names.add(name)
    found += _casing(df)
    declared = {name for arg in df.global_args for name, _ in arg.args}
    declared |= {
        name for s in df.stages for i in s.instructions if isinstance(i, ins.Arg) for name, _ in i.args
    }
    known = sorted(declared | set(global_env))
    for stage in df.stages:  # buildDispatchStates
        line = stage.from_.line
        base = _words_or_none(lexer, stage.base, global_env)
        if base is None:
            continue  # a bad substitution: the build reports it at this FROM
        for name in sorted(base.unmatched - set(known)):
            close = suggest(name, known)
            message = f"FROM argument '{name}' is not declared" + (
                f" (did you mean {close}?)" if close else ""
            )
            found.append(CheckWarning("UndefinedArgInFrom", message, line))
        if stage.platform:
            platform = _words_or_none(lexer, stage.platform, global_env)
            if platform is None:
                continue
            for name in sorted(platform.unmatched - set(known)):
                close = suggest(name, known)
                message = f"FROM argument '{name}' is not declared" + (
                    f" (did you mean {close}?)" if close else ""
                )
                found.append(CheckWarning("UndefinedArgInFrom", message, line))
            if (
                platform.matched == {"TARGETPLATFORM"}
                and not platform.unmatched
                and platform.result == global_env.get("TARGETPLATFORM")
            ):
                found.append(
                    CheckWarning(
                        "RedundantTargetPlatform",
                        f"Setting platform to predefined {stage.platform} in FROM is redundant as this is the default behavior",
                        line,
                    )
                )
            if not platform.matched and not platform.unmatched:
                parts = platform.result.split("/")
                os_name, arch = parts[0], parts[1] if len(parts) > 1 else ""
                if os_name and arch and not (os_name in (stage.alias or "") or arch in (stage.alias or "")):
                    found.append(
                        CheckWarning(
                            "FromPlatformFlagConstDisallowed",
                            f'FROM --platform flag should not use constant value "{platform.result}"',
                            line,
                        )
                    )
    try:
        defaults = _default_global_env(df, global_env, lexer)
    except DockerfileError:
        return found  # buildMetaArgs failed: BuildKit abandons this check
    for stage in df.stages:  # validateBaseImagesWithDefaultArgs
        word = _words_or_none(lexer, stage.base, defaults)
        if word is None:
            return found
        name = word.result
        if not _REFERENCE.fullmatch(name) or _IDENTIFIER.fullmatch(name):
            found.append(
                CheckWarning(
                    "InvalidDefaultArgInFrom",
                    f"Default value for ARG {stage.base} results in empty or invalid base image name",
                    stage.from_.line,
                )
            )
    return found


def _words_or_none(lexer: Lexer, word: str, env: Mapping[str, str]) -> WordResult | None:
    try:
        return lexer.process_word_with_matches(word, env)
    except DockerfileError:
        return None


def _default_global_env(df: Dockerfile, global_env: Mapping[str, str], lexer: Lexer) -> dict[str, str]:
    """The global scope as if no build-arg were given (only the ARGs' defaults)."""
    env = {k: v for k, v in global_env.items() if k.startswith(("TARGET", "BUILD"))}
    for arg in df.global_args:
        for name, default in arg.args:
            if default is not None:
                env[name] = lexer.process_word(default, env)
    return env


def _casing(df: Dockerfile) -> list[CheckWarning]:
    """validations.go ``validateCommandCasing``: each keyword against the file's majority."""
    words: list[tuple[str, int]] = []
    for stage in df.stages:
        words.append((_command_word(stage.from_), stage.from_.line))
        words += [(_command_word(i), i.line) for i in stage.instructions]
    lower = sum(1 for w, _ in words if _self_consistent(w) and w == w.lower())
    upper = sum(1 for w, _ in words if _self_consistent(w) and w != w.lower())
    majority_lower = lower > upper
    found = []
    for word, line in words:
        wrong = word != word.lower() if majority_lower else word != word.upper()
        if wrong:
            casing = "lowercase" if majority_lower else "uppercase"
            found.append(
                CheckWarning(
                    "ConsistentInstructionCasing",
                    f"Command '{word}' should match the case of the command majority ({casing})",
                    line,
                )
            )
    return found


def _secret(instruction: str, key: str, line: int) -> list[CheckWarning]:
    if _SECRET.search(key) and not _ALLOWED.search(key):
        return [
            CheckWarning(
                "SecretsUsedInArgOrEnv",
                f'Do not use ARG or ENV instructions for sensitive data ({instruction} "{key}")',
                line,
            )
        ]
    return []


def _expose(port: str, line: int) -> list[CheckWarning]:
    """convert_expose.go ``parsePort``: ``[ip:][hostPort:]containerPort[/proto]``."""
    if "$" in port:
        return []  # checked after substitution by BuildKit; left to the build here
    found = []
    rest, _, proto = port.partition("/")
    if proto and proto != proto.lower():
        found.append(
            CheckWarning(
                "ExposeProtoCasing",
                f"Defined protocol '{port}' in EXPOSE instruction should be lowercase",
                line,
            )
        )
    if ":" in rest:
        found.append(
            CheckWarning(
                "ExposeInvalidFormat",
                f"EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'",
                line,
            )
        )
    return found


def stage_checks(
    stage: Stage,
    *,
    shell_set: bool = False,
    instructions: Iterable[ins.Instruction] = (),
    workdir_set: bool = False,
) -> list[CheckWarning]:
    """The checks BuildKit runs while it dispatches ``stage`` (only for stages the build needs).

    ``shell_set``: the base image's config has a ``Shell``; ``instructions`` replaces the
    stage's own (ONBUILD triggers first); ``workdir_set``: a stage this one is built on set a
    ``WORKDIR`` (convert.go: ``workdirSet`` is inherited from the base stage).
    """
    found: list[CheckWarning] = []
    used: dict[str, int] = {}
    for instr in tuple(instructions) or stage.instructions:
        if isinstance(instr, ins.Shell):
            shell_set = True
        if isinstance(instr, ins.Cmd | ins.Entrypoint | ins.Healthcheck):
            name = _command_word(instr)
            if instr.keyword in used:  # the earlier one is ignored: BuildKit reports its line
                found.append(
                    CheckWarning(
                        "MultipleInstructionsDisallowed",
                        f"Multiple {name} instructions should not be used in the same stage because only the last one will be used",
                        used[instr.keyword],
                    )
                )
            used[instr.keyword] = instr.line
            if isinstance(instr, ins.Cmd | ins.Entrypoint) and instr.prepend_shell and not shell_set:
                found.append(
                    CheckWarning(
                        "JSONArgsRecommended",
                        f"JSON arguments recommended for {name} to prevent unintended behavior related to OS signals",
                        instr.line,
                    )
                )
        elif isinstance(instr, ins.Env | ins.Label):
            name = _command_word(instr)
            for key, _ in instr.pairs:
                if instr.legacy:
                    found.append(
                        CheckWarning(
                            "LegacyKeyValueFormat",
                            f'"{name} key=value" should be used instead of legacy "{name} key value" format',
                            instr.line,
                        )
                    )
                if isinstance(instr, ins.Env):
                    found += _secret("ENV", key, instr.line)
        elif isinstance(instr, ins.Arg):
            for key, _ in instr.args:
                found += _secret("ARG", key, instr.line)
        elif isinstance(instr, ins.Workdir):
            if not workdir_set and not instr.path.startswith("/"):
                found.append(
                    CheckWarning(
                        "WorkdirRelativePath",
                        f'Relative workdir "{instr.path}" can have unexpected results if the base image changes',
                        instr.line,
                    )
                )
            workdir_set = True
        elif isinstance(instr, ins.Expose):
            for port in instr.ports:
                found += _expose(port, instr.line)
    return found


_ROOT_PATTERNS = ("*", "**", "**/*")


def copy_ignored(
    keyword: str, sources: Iterable[str], ignore: DockerIgnore | None, line: int
) -> list[CheckWarning]:
    """CopyIgnoredFile for the context sources of a ``COPY``/``ADD`` (validations.go
    ``validateCopySourcePath``): not checked without a ``.dockerignore`` or when it has ``!``
    exceptions; ``.`` and ``/`` only when a pattern leaves out every root entry."""
    if ignore is None or any(p.exclusion for p in ignore.patterns):
        return []
    cmd = "Add" if keyword == "ADD" else "Copy"
    found = []
    for source in sources:
        src = clean_path(source) if source else "."
        if src in (".", "/") and not any(p.pattern in _ROOT_PATTERNS for p in ignore.patterns):
            continue
        if src not in (".", "/") and not ignore.excludes(src):
            continue
        found.append(
            CheckWarning(
                "CopyIgnoredFile", f'Attempting to {cmd} file "{src}" that is excluded by .dockerignore', line
            )
        )
    return found
