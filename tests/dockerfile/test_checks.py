"""BuildKit's build checks (issue 11 part 4): the rules' messages and where they fire.

Cases: the "Examples" of moby/buildkit ``frontend/dockerfile/docs/rules/*.md`` (at 73ed6825)
and the conditions in ``dockerfile2llb/validations.go``, ``instructions/parse.go``,
``convert.go``, ``convert_expose.go``; messages from ``linter/ruleset.go``.
"""

from __future__ import annotations

import pytest

from simulator.builder.builder import PLATFORM_ARGS
from simulator.dockerfile import checks
from simulator.dockerfile.lexer import Lexer
from simulator.dockerfile.parser import parse_dockerfile


def lint(text: str) -> list[tuple[str, str, int]]:
    """Every check on every stage (as ``docker build --check`` runs them)."""
    df = parse_dockerfile(text)
    env = dict(PLATFORM_ARGS)
    lexer = Lexer(df.escape_token)
    for arg in df.global_args:
        for name, default in arg.args:
            if default is not None:
                env[name] = lexer.process_word(default, env)
    found = checks.file_checks(df, env, lexer)
    for stage in df.stages:
        found += checks.stage_checks(stage)
    return [(w.rule, w.message, w.line) for w in found]


CASES = [
    # from-as-casing.md
    (
        "FROM debian:latest as builder\n",
        [("FromAsCasing", "'as' and 'FROM' keywords' casing do not match", 1)],
    ),
    ("FROM debian:latest AS deb-builder\n", []),
    ("from debian:latest as deb-builder\n", []),
    # stage-name-casing.md
    (
        "FROM alpine AS BuilderBase\n",
        [("StageNameCasing", "Stage name 'BuilderBase' should be lowercase", 1)],
    ),
    # undefined-arg-in-from.md
    (
        "FROM node:22${VARIANT} AS jsbuilder\n",
        [("UndefinedArgInFrom", "FROM argument 'VARIANT' is not declared", 1)],
    ),
    ('ARG VARIANT="-alpine3.20"\nFROM node:22${VARIANT} AS jsbuilder\n', []),
    (
        "ARG VERSION=1\nFROM alpine:${VERSIN}\n",
        [
            ("UndefinedArgInFrom", "FROM argument 'VERSIN' is not declared (did you mean VERSION?)", 2),
            (
                "InvalidDefaultArgInFrom",
                "Default value for ARG alpine:${VERSIN} results in empty or invalid base image name",
                2,
            ),
        ],
    ),
    # workdir-relative-path.md
    (
        "FROM nginx AS web\nWORKDIR usr/share/nginx/html\nCOPY public .\n",
        [
            (
                "WorkdirRelativePath",
                'Relative workdir "usr/share/nginx/html" can have unexpected results if the base image changes',
                2,
            )
        ],
    ),
    ("FROM nginx AS web\nWORKDIR /usr/share/nginx/html\nWORKDIR html\n", []),
    # secrets-used-in-arg-or-env.md; allowed words: public, file, version
    (
        "FROM alpine\nARG AWS_ACCESS_KEY_ID\nARG AWS_SECRET_ACCESS_KEY\nENV GITHUB_TOKEN=x PUBLIC_KEY=y KEY_FILE=z\n",
        [
            (
                "SecretsUsedInArgOrEnv",
                'Do not use ARG or ENV instructions for sensitive data (ARG "AWS_ACCESS_KEY_ID")',
                2,
            ),
            (
                "SecretsUsedInArgOrEnv",
                'Do not use ARG or ENV instructions for sensitive data (ARG "AWS_SECRET_ACCESS_KEY")',
                3,
            ),
            (
                "SecretsUsedInArgOrEnv",
                'Do not use ARG or ENV instructions for sensitive data (ENV "GITHUB_TOKEN")',
                4,
            ),
        ],
    ),
    # expose-invalid-format.md, expose-proto-casing.md
    (
        "FROM alpine\nEXPOSE 127.0.0.1:80:80\nEXPOSE 80:80 8080/TCP 53/udp\n",
        [
            (
                "ExposeInvalidFormat",
                "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'",
                2,
            ),
            ("ExposeProtoCasing", "Defined protocol '8080/TCP' in EXPOSE instruction should be lowercase", 3),
            (
                "ExposeInvalidFormat",
                "EXPOSE instruction should not define an IP address or host-port mapping, found '80:80'",
                3,
            ),
        ],
    ),
    # invalid-default-arg-in-from.md
    (
        "ARG TAG\nFROM busybox:${TAG}\n",
        [
            (
                "InvalidDefaultArgInFrom",
                "Default value for ARG busybox:${TAG} results in empty or invalid base image name",
                2,
            )
        ],
    ),
    ("ARG TAG=latest\nFROM busybox:${TAG}\n", []),
    ("ARG VARIANT\nFROM busybox:stable${VARIANT}\n", []),
    ("ARG TAG\nFROM alpine:${TAG:-3.14}\n", []),
    # from-platform-flag-const-disallowed.md, redundant-target-platform.md
    (
        "FROM --platform=linux/amd64 alpine AS base\n",
        [
            (
                "FromPlatformFlagConstDisallowed",
                'FROM --platform flag should not use constant value "linux/amd64"',
                1,
            )
        ],
    ),
    ("FROM --platform=${BUILDPLATFORM} alpine AS base\n", []),
    ("FROM --platform=linux/amd64 alpine AS build_amd64\nFROM build_${TARGETARCH} AS build\n", []),
    (
        "FROM --platform=$TARGETPLATFORM alpine\n",
        [
            (
                "RedundantTargetPlatform",
                "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
                1,
            )
        ],
    ),
    # json-args-recommended.md: not after SHELL
    (
        'FROM alpine\nENTRYPOINT my-program start\nCMD ["x"]\n',
        [
            (
                "JSONArgsRecommended",
                "JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals",
                2,
            )
        ],
    ),
    ('FROM alpine\nSHELL ["/bin/sh", "-c"]\nCMD my-program start\n', []),
    # multiple-instructions-disallowed.md: the line of the one that is ignored
    (
        'FROM alpine\nCMD ["a"]\nCMD ["b"]\n',
        [
            (
                "MultipleInstructionsDisallowed",
                "Multiple CMD instructions should not be used in the same stage because only the last one will be used",
                2,
            )
        ],
    ),
    # maintainer-deprecated.md, legacy-key-value-format.md
    (
        "FROM alpine\nMAINTAINER moby@example.com\nENV name value\nLABEL a=b\n",
        [
            ("MaintainerDeprecated", "Maintainer instruction is deprecated in favor of using label", 2),
            (
                "LegacyKeyValueFormat",
                '"ENV key=value" should be used instead of legacy "ENV key value" format',
                3,
            ),
        ],
    ),
    # consistent-instruction-casing.md: against the majority
    (
        "FROM alpine\nRUN echo hello\ncopy foo bar\nWorkdir /x\n",
        [
            (
                "ConsistentInstructionCasing",
                "Command 'copy' should match the case of the command majority (uppercase)",
                3,
            ),
            (
                "ConsistentInstructionCasing",
                "Command 'Workdir' should match the case of the command majority (uppercase)",
                4,
            ),
        ],
    ),
    # reserved-stage-name.md, duplicate-stage-name.md
    (
        "FROM alpine AS scratch\nFROM alpine AS a\nFROM alpine AS a\n",
        [
            ("ReservedStageName", 'Stage name should not use the same name as reserved stage "scratch"', 1),
            ("DuplicateStageName", 'Duplicate stage name "a", stage names should be unique', 3),
        ],
    ),
    # no-empty-continuation.md
    ("FROM alpine\nRUN apk add \\\n\n    gnupg\n", [("NoEmptyContinuation", "Empty continuation line", 4)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rule(text: str, expected: list[tuple[str, str, int]]) -> None:
    assert sorted(lint(text), key=lambda w: (w[2], w[0])) == sorted(expected, key=lambda w: (w[2], w[0]))


def test_every_rule_has_its_page() -> None:
    assert (
        checks.RULES["JSONArgsRecommended"].url
        == "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/"
    )
    assert (
        checks.RULES["FromPlatformFlagConstDisallowed"].url
        == "https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/"
    )
    assert checks.RULES["SecretsUsedInArgOrEnv"].url.endswith("/secrets-used-in-arg-or-env/")
    assert len(checks.RULES) == 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "skip=JSONArgsRecommended,StageNameCasing",
            checks.CheckConfig(skip=frozenset({"JSONArgsRecommended", "StageNameCasing"})),
        ),
        ("skip=all", checks.CheckConfig(skip_all=True)),
        ("error=true", checks.CheckConfig(error=True)),
        ("skip=A;error=1", checks.CheckConfig(skip=frozenset({"A"}), error=True)),
        ("", checks.CheckConfig()),
    ],
)
def test_check_options(text: str, expected: checks.CheckConfig) -> None:
    assert checks.parse_check_options(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("skip", 'invalid check option "skip"'), ("warn=all", 'invalid check option "warn"')],
)
def test_bad_check_options(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        checks.parse_check_options(text)


def test_suggest_follows_buildkit() -> None:
    assert checks.suggest("VERSIN", ["NODE", "VERSION"]) == "VERSION"
    assert checks.suggest("VERSION", ["VERSION"]) == ""  # an exact match suggests nothing
    assert checks.suggest("ABC", ["XYZ"]) == ""  # distance 3 is too far


def test_rule_lists_may_have_blanks() -> None:
    # linter.go ParseLintOptions trims each name
    assert checks.parse_check_options(
        "skip=JSONArgsRecommended, StageNameCasing ;error=false"
    ) == checks.CheckConfig(skip=frozenset({"JSONArgsRecommended", "StageNameCasing"}))


def test_a_bad_substitution_in_from_is_left_to_the_build() -> None:
    assert lint("FROM alpine:${TAG:?notag}\n") == []
