"""The build checks in a build (issue 11 part 4): ``# check=`` as BuildKit applies it.

Sources: moby/buildkit ``dockerfile2llb/convert.go`` (``newRuleLinter``: the ``check``
directive, or the ``BUILDKIT_DOCKERFILE_CHECK`` build-arg instead; ``finalizeResultImage``:
with ``error=true`` a fired check fails the build "lint violation found for rules: ...";
``dispatchStages``: dispatch-time checks only for the stages the target needs),
``linter/linter.go`` (``LintFormatShort``: ``Rule: message (line N)``).
"""

from __future__ import annotations

import pytest

from simulator import BuildError, DockerfileError, Engine
from simulator.builder.builder import build
from simulator.errors import ImageNotFound

TEXT = """\
FROM alpine:3.20 as base
CMD echo hi
FROM base AS unused
ENTRYPOINT run this
FROM base
ENV TOKEN=x
COPY $MISSING /a
"""


@pytest.fixture
def engine() -> Engine:
    return Engine()


def test_warnings_go_to_the_log_and_the_result(engine: Engine) -> None:
    result = build(engine, TEXT, {"x": "1"})
    assert [w for w in result.warnings if "FromAsCasing" in w] == [
        "Dockerfile:1: FromAsCasing: 'as' and 'FROM' keywords' casing do not match"
    ]
    assert (
        "Dockerfile:2: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals"
        in result.warnings
    )
    assert not any("ENTRYPOINT" in w for w in result.warnings)  # stage "unused" was not built
    assert (
        'Dockerfile:6: SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ENV "TOKEN")'
        in result.warnings
    )
    assert "Dockerfile:7: UndefinedVar: Usage of undefined variable '$MISSING'" in result.warnings
    lines = result.log.splitlines()
    start = lines.index(" 4 warnings found (use docker --debug to expand):")
    assert lines[start + 1 :] == [
        " - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
        " - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 2)",
        ' - SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ENV "TOKEN") (line 6)',
        " - UndefinedVar: Usage of undefined variable '$MISSING' (line 7)",
    ]


def test_skip(engine: Engine) -> None:
    result = build(engine, "# check=skip=JSONArgsRecommended,FromAsCasing\n" + TEXT, {"x": "1"})
    rules = {w.split(": ")[1] for w in result.warnings if w.startswith("Dockerfile:")}
    assert rules == {"SecretsUsedInArgOrEnv", "UndefinedVar"}
    none = build(engine, "# check=skip=all\n" + TEXT, {"x": "1"})
    assert not none.warnings and "warning" not in none.log


def test_error_true_fails_the_build(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "# check=error=true\n" + TEXT, {"x": "1"}, tag="checked:1")
    message = str(info.value)
    assert message.startswith(
        "lint violation found for rules: FromAsCasing, JSONArgsRecommended, SecretsUsedInArgOrEnv, UndefinedVar"
    )
    assert "(line 3)" in message  # the lines, shifted by the directive
    with pytest.raises(ImageNotFound):  # failed before the export: nothing was tagged
        engine.base_image("checked:1")
    clean = build(engine, '# check=error=true\nFROM alpine:3.20\nCMD ["true"]\n')
    assert clean.warnings == ()
    skipped = build(engine, "# check=skip=all;error=true\n" + TEXT, {"x": "1"})
    assert skipped.image is not None


def test_the_build_arg_replaces_the_directive(engine: Engine) -> None:
    result = build(
        engine,
        "# check=error=true\n" + TEXT,
        {"x": "1"},
        build_args={"BUILDKIT_DOCKERFILE_CHECK": "skip=all"},
    )
    assert not any("were not consumed" in w for w in result.warnings)


def test_bad_options_name_the_directive(engine: Engine) -> None:
    with pytest.raises(DockerfileError) as info:
        build(engine, "# check=skip\nFROM alpine:3.20\n")
    assert info.value.line == 1 and 'invalid check option "skip"' in str(info.value)


def test_legacy_env_is_one_check_not_two_warnings(engine: Engine) -> None:
    result = build(engine, "FROM alpine:3.20\nENV name value\n")
    assert result.warnings == (
        'Dockerfile:2: LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format',
    )


def test_copy_ignored_file(engine: Engine) -> None:
    # validations.go validateCopySourcePath: the source as written, against .dockerignore; a
    # wildcard that only matches ignored files copies nothing and the build goes on
    context = {".dockerignore": "*.log\nbuild/\n", "app.py": "x", "debug.log": "s", "Dockerfile": ""}
    text = "FROM alpine:3.20 AS a\nCOPY app.py *.log /x/\nFROM a\nCOPY --from=a /x /y\nCOPY . /z/\n"
    result = build(engine, text, context)
    assert [w for w in result.warnings if "CopyIgnoredFile" in w] == [
        'Dockerfile:2: CopyIgnoredFile: Attempting to Copy file "*.log" that is excluded by .dockerignore'
    ]
    assert result.image.view.listdir("/x") == ["app.py"]
    negated = {**context, ".dockerignore": "*.log\n!keep.log\n"}
    quiet = build(engine, "FROM alpine:3.20\nCOPY app.py *.log /x/\n", negated)
    assert not [w for w in quiet.warnings if "CopyIgnoredFile" in w]  # exceptions: not checked
    everything = {**context, ".dockerignore": "**\n"}
    root = build(engine, "FROM alpine:3.20\nADD . /z/\n", everything)
    assert [w for w in root.warnings if "CopyIgnoredFile" in w] == [
        'Dockerfile:2: CopyIgnoredFile: Attempting to Add file "." that is excluded by .dockerignore'
    ]


def test_a_workdir_of_the_base_stage_counts(engine: Engine) -> None:
    # convert.go: ds.workdirSet = ds.base.workdirSet
    text = "FROM alpine:3.20 AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\nFROM alpine:3.20\nWORKDIR rel\n"
    result = build(engine, text, target="1")
    assert not [w for w in result.warnings if "WorkdirRelativePath" in w]
    other = build(engine, text)
    assert [w for w in other.warnings if "WorkdirRelativePath" in w] == [
        'Dockerfile:6: WorkdirRelativePath: Relative workdir "rel" can have unexpected results if the base image changes'
    ]
