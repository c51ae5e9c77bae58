"""The Dockerfile parser against BuildKit's behaviour.

Sources in comments: SEMANTICS §3.1 (``[S3.1]``) ..., tricky cases of §6 (``[case N]``), and
BuildKit's parser files (``[parser.go]``, ``[line_parsers.go]``, ``[parse.go]``, ``[bflag.go]``).
"""

from __future__ import annotations

import pytest

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
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    expand_instruction,
    expand_instruction_tracked,
)
from simulator.dockerfile.lexer import Lexer
from simulator.dockerfile.parser import Dockerfile, parse_dockerfile
from simulator.errors import DockerfileError


def body(text: str) -> list:
    """The instructions of the only stage of ``FROM scratch`` + text."""
    return list(parse_dockerfile("FROM scratch\n" + text).stages[0].instructions)


def one(text: str):
    (instr,) = body(text)
    return instr


def error(text: str) -> DockerfileError:
    with pytest.raises(DockerfileError) as info:
        parse_dockerfile(text)
    return info.value


# --------------------------------------------------------------------------------------------
# Lines: comments, continuations, case, whitespace, BOM [S3.1]


def test_continuation_inserts_no_space() -> None:
    # [case 50] "RUN echo a\" + "b" → "RUN echo ab"
    run = one("RUN echo a\\\nb\n")
    assert run.command == ("echo ab",)
    assert (run.line, run.end_line) == (2, 3)
    assert run.original == "RUN echo ab"


def test_continuation_keeps_next_lines_leading_whitespace_and_drops_comments() -> None:
    # [case 50] "RUN echo a \" + "# comment" + " b" → "RUN echo a  b"
    run = one("RUN echo a \\\n# comment\n  # indented comment\n b\n")
    assert run.command == ("echo a  b",)
    assert run.end_line == 5


def test_trailing_whitespace_after_backslash_still_continues() -> None:
    assert one("RUN a \\  \t\nb").command == ("a b",)


def test_escaped_backslash_at_end_is_not_a_continuation() -> None:
    # [case 50] a line ending in \\ is not a continuation
    run, cmd = body("RUN echo a\\\\\nCMD x\n")
    assert run.command == ("echo a\\\\",)
    assert isinstance(cmd, Cmd)


def test_empty_continuation_line_is_dropped_with_a_warning() -> None:
    # [S3.1, parser.go] empty lines inside a continuation are skipped, with a warning
    df = parse_dockerfile("FROM scratch\nRUN a \\\n\n   \nb\n")
    (run,) = df.stages[0].instructions
    assert run.command == ("a b",)
    (warning,) = df.warnings
    assert warning.line == 5
    assert "Empty continuation line" in warning.message


def test_backtick_escape_directive() -> None:
    # [case 50] after "# escape=`" a trailing \ is literal and a trailing ` continues
    df = parse_dockerfile("# escape=`\nFROM scratch\nRUN dir c:\\\nRUN a `\n  b\n")
    run1, run2 = df.stages[0].instructions
    assert run1.command == ("dir c:\\",)
    assert run2.command == ("a   b",)
    assert df.escape_token == "`"


def test_keywords_are_case_insensitive_and_leading_whitespace_is_ignored() -> None:
    # [S3.1]
    df = parse_dockerfile("  from alpine as Build\n\trun echo hi\n   # comment\nCoPy a b\n")
    assert df.stages[0].alias == "build"
    run, copy = df.stages[0].instructions
    assert run.keyword == "RUN" and isinstance(copy, Copy)


def test_bom_is_stripped_and_crlf_accepted() -> None:
    # [S3.1] a UTF-8 BOM on the first line is stripped
    df = parse_dockerfile("\ufeff# syntax=docker/dockerfile:1\r\nFROM alpine\r\nRUN a \\\r\n b\r\n")
    assert df.directive("syntax") == "docker/dockerfile:1"
    assert df.stages[0].instructions[0].command == ("a  b",)


def test_hash_inside_a_line_is_an_argument() -> None:
    # [S3.1] a # anywhere else is an ordinary character
    assert one("RUN echo a # not a comment").command == ("echo a # not a comment",)


def test_comment_with_backslash_does_not_continue() -> None:
    # [S3.1] "Comments don't support line continuation characters"
    run, cmd = body("# a comment \\\nRUN x\nCMD y\n")
    assert run.command == ("x",) and cmd.command == ("y",)


# --------------------------------------------------------------------------------------------
# Directives [S3.1, case 51]


def test_directives_only_at_the_top() -> None:
    df = parse_dockerfile("# SyNtAx = docker/dockerfile:1.7 \n#  check=skip=all\nFROM scratch\n")
    assert [(d.name, d.value, d.line) for d in df.directives] == [
        ("syntax", "docker/dockerfile:1.7", 1),
        ("check", "skip=all", 2),
    ]


def test_directive_after_a_comment_is_a_comment() -> None:
    # [case 51]
    df = parse_dockerfile("# hello\n# syntax=x\n# escape=`\nFROM scratch\nRUN a\\\nb\n")
    assert df.directives == () and df.escape_token == "\\"


def test_unknown_directive_ends_scanning() -> None:
    df = parse_dockerfile("# foo=bar\n# escape=`\nFROM scratch\n")
    assert df.directives == ()


def test_blank_line_ends_scanning() -> None:
    assert parse_dockerfile("\n# escape=`\nFROM scratch\n").escape_token == "\\"


def test_invalid_escape_is_an_error() -> None:
    # [case 51] "# escape=x" is an error
    err = error("# escape=x\nFROM scratch\n")
    assert "invalid escape token" in err.message and err.line == 1


def test_directive_twice_is_an_error() -> None:
    err = error("# syntax=a\n# SYNTAX=b\nFROM scratch\n")
    assert "only one syntax parser directive" in err.message and err.line == 2


# --------------------------------------------------------------------------------------------
# Exec and shell form [S3.1, case 52]


def test_exec_and_shell_form() -> None:
    run, cmd, entry = body('RUN ["echo", "hi"]\nCMD echo hi\nENTRYPOINT [ "/bin/app" , "-x" ]\n')
    assert (run.command, run.prepend_shell) == (("echo", "hi"), False)
    assert (cmd.command, cmd.prepend_shell) == (("echo hi",), True)
    assert entry.command == ("/bin/app", "-x") and not entry.prepend_shell


def test_invalid_json_falls_back_to_shell_form() -> None:
    # [case 52] CMD ['echo','hi'] → shell form
    cmd = one("CMD ['echo','hi']")
    assert cmd.command == ("['echo','hi']",) and cmd.prepend_shell


def test_json_with_a_non_string_is_an_error() -> None:
    # [case 52] CMD ["a", 1] is an error
    err = error('FROM scratch\nCMD ["a", 1]\n')
    assert "arrays must be comprised of strings only" in err.message and err.line == 2


def test_unescaped_windows_path_falls_back_to_shell_form() -> None:
    assert one('RUN ["c:\\windows\\x.exe"]').prepend_shell


def test_empty_exec_form() -> None:
    assert one("CMD []").command == ()


# --------------------------------------------------------------------------------------------
# Heredocs [S3.1, case 53]


def test_run_heredoc() -> None:
    run = one("RUN <<EOF\necho $HOME\n  ls\nEOF\n")
    (doc,) = run.heredocs
    assert (doc.name, doc.content, doc.expand, doc.chomp) == ("EOF", "echo $HOME\n  ls\n", True, False)
    assert run.command == ("<<EOF",) and (run.line, run.end_line) == (2, 5)


def test_copy_heredoc_with_chomp_and_quoting() -> None:
    # [case 53] <<-EOT strips leading tabs; a quoted delimiter disables expansion
    copy1, copy2 = body('COPY <<-EOT /s.sh\n\techo ${FOO}\n\tEOT\nCOPY <<-"EOT" /t.sh\n\techo ${FOO}\nEOT\n')
    assert copy1.heredocs[0].content == "echo ${FOO}\n" and copy1.heredocs[0].expand
    assert copy1.dest == "/s.sh" and copy1.sources == ()
    assert copy2.heredocs[0].expand is False
    lexer = Lexer()
    assert expand_instruction(copy1, lexer, {"FOO": "x"}).heredocs[0].content == "echo x\n"
    assert expand_instruction(copy2, lexer, {"FOO": "x"}).heredocs[0].content == "echo ${FOO}\n"


def test_partly_quoted_delimiter_disables_expansion() -> None:
    assert one("RUN <<E'O'F\nx\nEOF\n").heredocs[0].expand is False


def test_several_heredocs_on_one_line() -> None:
    run = one("RUN cat <<A /dev/stdin <<-B\nfirst\nA\n\tsecond\n\tB\nCMD x\n".replace("CMD x\n", ""))
    assert [(d.name, d.content) for d in run.heredocs] == [("A", "first\n"), ("B", "second\n")]


def test_heredoc_not_in_json_form_nor_other_instructions() -> None:
    cmd, run = body('CMD <<EOF\nRUN ["<<EOF"]\n')
    assert cmd.command == ("<<EOF",) and run.heredocs == ()


def test_onbuild_heredoc() -> None:
    onbuild = one("ONBUILD RUN <<EOF\necho hi\nEOF\n")
    assert onbuild.expression == "RUN <<EOF\necho hi\nEOF"
    assert onbuild.trigger.heredocs[0].content == "echo hi\n"


def test_unterminated_heredoc_is_an_error() -> None:
    err = error("FROM scratch\nRUN <<EOF\necho\n")
    assert err.message == "unterminated heredoc" and err.line == 2


def test_heredoc_as_copy_destination_is_an_error() -> None:
    assert "cannot accept a heredoc as a destination" in error("FROM scratch\nCOPY /foo <<EOF\nEOF\n").message


def test_heredoc_file_descriptor() -> None:
    assert one("RUN cat 3<<EOF\nx\nEOF\n").heredocs[0].fd == 3


# --------------------------------------------------------------------------------------------
# Each instruction


def test_from_forms() -> None:
    # [parse.go parseFrom]
    df = parse_dockerfile("ARG V=3.20\nFROM --platform=$BUILDPLATFORM alpine:$V AS build\nFROM build\n")
    first, second = df.stages
    assert (first.base, first.alias, first.platform, first.name) == (
        "alpine:$V",
        "build",
        "$BUILDPLATFORM",
        "build",
    )
    assert (second.base, second.alias, second.name) == ("build", None, "1")
    assert df.global_args[0].args == (("V", "3.20"),)
    assert df.stage("BUILD") is first and df.stage(1) is second


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FROM a b\n", "FROM requires either one or three arguments"),
        ("FROM a AS 1x\n", "invalid name for build stage"),
        ("FROM\n", "FROM requires either one or three arguments"),
        ("FROM --platfrom=x a\n", "Unknown flag: platfrom"),
    ],
)
def test_from_errors(text: str, message: str) -> None:
    assert message in error(text).message


def test_run_flags() -> None:
    run = one("RUN --mount=type=cache,target=/root/.cache --network=none --security=sandbox pip install x")
    assert run.mounts == ("type=cache,target=/root/.cache",)
    assert (run.network, run.security, run.command) == ("none", "sandbox", ("pip install x",))


def test_unknown_flag_names_the_flag_and_points_at_it() -> None:
    err = error("FROM scratch\nRUN --mout=type=cache echo\n")
    assert err.message == "Unknown flag: mout" and "--mount" in err.hint
    assert err.column == 5 and err.source_line == "RUN --mout=type=cache echo"


def test_copy_flags_and_sources() -> None:
    copy = one("COPY --from=build --chown=1000:1000 --chmod=755 --link --parents --exclude=*.md a b /dst/")
    assert (copy.sources, copy.dest, copy.from_) == (("a", "b"), "/dst/", "build")
    assert (copy.chown, copy.chmod, copy.link, copy.parents, copy.excludes) == (
        "1000:1000",
        "755",
        True,
        True,
        ("*.md",),
    )


def test_copy_json_form_allows_spaces() -> None:
    assert one('COPY ["my file", "/dst dir/"]').sources == ("my file",)


def test_add_flags() -> None:
    add = one("ADD --checksum=sha256:abc --keep-git-dir=true --unpack=false https://x/y.tgz /y")
    assert (add.checksum, add.keep_git_dir, add.unpack) == ("sha256:abc", True, False)
    assert one("ADD a b").unpack is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("COPY onlyone\n", "COPY requires at least two arguments"),
        ("ADD\n", "ADD requires at least two arguments"),
        ("ADD --from=x a b\n", "Unknown flag: from"),
        ("COPY --link=maybe a b\n", "Expecting boolean value for flag link, not: maybe"),
        ("COPY --chown a b\n", "Missing a value on flag: chown"),
        ("COPY --chown=1 --chown=2 a b\n", "Duplicate flag specified: chown"),
    ],
)
def test_copy_add_errors(text: str, message: str) -> None:
    assert message in error("FROM scratch\n" + text).message


def test_copy_several_sources_without_slash_is_a_warning_not_an_error() -> None:
    # [case 45] BuildKit accepts it; the parser warns and the builder decides
    df = parse_dockerfile("FROM scratch\nCOPY a.txt b.txt /dest\nCOPY a b /ok/\n")
    (warning,) = df.warnings
    assert warning.line == 2
    assert "COPY with several sources needs a destination ending in /" in warning.message


def test_env_forms() -> None:
    # [S3.2, case 64] legacy ENV sets ONE to "TWO= THREE=world"
    new, legacy = body('ENV A=1 B="two words" C=\nENV ONE TWO= THREE=world\n')
    assert new.pairs == (("A", "1"), ("B", '"two words"'), ("C", "")) and not new.legacy
    assert legacy.pairs == (("ONE", "TWO= THREE=world"),) and legacy.legacy
    assert expand_instruction(new, Lexer(), {}).pairs[1] == ("B", "two words")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ENV\n", "ENV requires at least one argument"),
        ("ENV A\n", "ENV must have two arguments"),
        ("ENV A=1 B\n", 'can\'t find = in "B"'),
        ("ENV =x\n", "ENV names can not be blank"),
        ("LABEL =x\n", "LABEL names can not be blank"),
        ("ARG =x\n", "ARG names can not be blank"),
        ("ARG\n", "ARG requires at least one argument"),
    ],
)
def test_env_label_arg_errors(text: str, message: str) -> None:
    assert message in error("FROM scratch\n" + text).message


def test_label_and_arg() -> None:
    label, arg = body('LABEL a=b "c d"="e f" version=1.0\nARG a b=2 c="x y"\n')
    assert label.pairs == (("a", "b"), ('"c d"', '"e f"'), ("version", "1.0"))
    assert expand_instruction(label, Lexer(), {}).pairs[1] == ("c d", "e f")
    assert arg.args == (("a", None), ("b", "2"), ("c", '"x y"'))


def test_simple_instructions() -> None:
    expose, volume, volume_json, user, workdir, stop, maint = body(
        'EXPOSE 8080/tcp 80\nVOLUME /a /b\nVOLUME ["/c"]\nUSER app:app\nWORKDIR /src dir\n'
        "STOPSIGNAL SIGKILL\nMAINTAINER Ann <a@b.c>\n"
    )
    assert isinstance(expose, Expose) and expose.ports == ("80", "8080/tcp")  # sorted like BuildKit
    assert isinstance(volume, Volume) and volume.paths == ("/a", "/b") and volume_json.paths == ("/c",)
    assert isinstance(user, User) and user.user == "app:app"
    assert isinstance(workdir, Workdir) and workdir.path == "/src dir"
    assert isinstance(stop, Stopsignal) and stop.signal == "SIGKILL"
    assert isinstance(maint, Maintainer) and maint.maintainer == "Ann <a@b.c>"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("USER\n", "USER requires exactly one argument"),
        ("WORKDIR\n", "WORKDIR requires exactly one argument"),
        ("EXPOSE\n", "EXPOSE requires at least one argument"),
        ("VOLUME\n", "VOLUME requires at least one argument"),
        ('VOLUME [""]\n', "VOLUME specified can not be an empty string"),
        ("SHELL /bin/bash -c\n", "SHELL requires the arguments to be in JSON form"),
        ("SHELL []\n", "SHELL requires at least one argument"),
        ("USER --x=1 root\n", "Unknown flag: x"),
    ],
)
def test_simple_instruction_errors(text: str, message: str) -> None:
    assert message in error("FROM scratch\n" + text).message


def test_shell() -> None:
    assert one('SHELL ["/bin/bash", "-o", "pipefail", "-c"]').shell == ("/bin/bash", "-o", "pipefail", "-c")


def test_healthcheck() -> None:
    none, shell, exec_ = body(
        "HEALTHCHECK NONE\n"
        "HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1.5s --start-interval=2s --retries=3 "
        "CMD curl -f http://localhost/ || exit 1\n"
        'HEALTHCHECK CMD ["/bin/check", "-q"]\n'
    )
    assert isinstance(none, Healthcheck) and none.test == ("NONE",)
    assert shell.test == ("CMD-SHELL", "curl -f http://localhost/ || exit 1")
    assert (shell.interval, shell.timeout, shell.start_period, shell.start_interval, shell.retries) == (
        90_000_000_000,
        500_000_000,
        1_500_000_000,
        2_000_000_000,
        3,
    )
    assert exec_.test == ("CMD", "/bin/check", "-q")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("HEALTHCHECK\n", "HEALTHCHECK requires at least one argument"),
        ("HEALTHCHECK NONE x\n", "HEALTHCHECK NONE takes no arguments"),
        ("HEALTHCHECK CMD\n", "Missing command after HEALTHCHECK CMD"),
        ("HEALTHCHECK RUN x\n", 'Unknown type "RUN" in HEALTHCHECK (try CMD)'),
        ("HEALTHCHECK --interval=5 CMD x\n", "missing unit in duration"),
        ("HEALTHCHECK --interval=1d CMD x\n", 'unknown unit "d"'),
        ("HEALTHCHECK --timeout=10us CMD x\n", "cannot be less than 1ms"),
        ("HEALTHCHECK --retries=-1 CMD x\n", "--retries cannot be negative (-1)"),
        ("HEALTHCHECK --retries=x CMD x\n", "invalid syntax"),
        ("HEALTHCHECK --foo=1 CMD x\n", "Unknown flag: foo"),
    ],
)
def test_healthcheck_errors(text: str, message: str) -> None:
    assert message in error("FROM scratch\n" + text).message


def test_onbuild() -> None:
    # [case 62 parse part] the expression is stored as written, after "ONBUILD "
    onbuild = one("ONBUILD  RUN  make")
    assert isinstance(onbuild, Onbuild)
    assert onbuild.expression == "RUN  make" and isinstance(onbuild.trigger, Run)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ONBUILD ONBUILD RUN x\n", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
        ("ONBUILD FROM alpine\n", "FROM isn't allowed as an ONBUILD trigger"),
        ("ONBUILD maintainer me\n", "MAINTAINER isn't allowed as an ONBUILD trigger"),
        ("ONBUILD\n", "ONBUILD requires at least one argument"),
    ],
)
def test_onbuild_errors(text: str, message: str) -> None:
    assert message in error("FROM scratch\n" + text).message


def test_onbuild_with_a_bad_trigger_is_accepted_with_a_warning() -> None:
    # [parse.go parseOnBuild] only the trigger's keyword is checked in the parent build
    df = parse_dockerfile("FROM scratch\nONBUILD COPY onlyone\n")
    assert df.stages[0].instructions[0].trigger is None
    assert "COPY requires at least two arguments" in df.warnings[0].message


# --------------------------------------------------------------------------------------------
# File-level errors and structure


def test_unknown_instruction_suggests_a_fix() -> None:
    err = error("FROM scratch\n  RUNN echo\n")
    assert err.message == "unknown instruction: RUNN" and err.hint == "did you mean RUN?"
    assert (err.line, err.column) == (2, 3)
    assert "RUNN echo" in str(err) and "^" in str(err)


def test_instruction_before_from_is_an_error() -> None:
    err = error("ARG A\nRUN echo\nFROM scratch\n")
    assert err.message.startswith("no FROM") and err.line == 2


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "\ufeff"])
def test_empty_dockerfile_is_an_error(text: str) -> None:
    assert "no instructions" in error(text).message


def test_only_args_is_an_error() -> None:
    assert "no stages" in error("ARG A=1\n").message


def test_stages_and_global_args() -> None:
    df = parse_dockerfile(
        "ARG BASE=alpine\nFROM $BASE AS one\nRUN a\nFROM one\nARG BASE\nCOPY --from=one /x /y\n"
    )
    assert isinstance(df, Dockerfile)
    assert [s.name for s in df.stages] == ["one", "1"]
    assert [type(i) for i in df.instructions] == [Arg, From, Run, From, Arg, Copy]


def test_line_too_long_is_an_error() -> None:
    err = error("FROM scratch\nRUN " + "x" * 70000 + "\n")
    assert "greater than max allowed size" in err.message and err.line == 2


def test_instructions_are_frozen() -> None:
    run = one("RUN x")
    with pytest.raises(AttributeError):
        run.command = ("y",)  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# expand_instruction [S3.2, S3.5, case 49]


def test_env_uses_values_from_before_the_instruction() -> None:
    # [case 49] ENV abc=bye def=$abc → def=hello
    env = one("ENV abc=bye def=$abc")
    assert expand_instruction(env, Lexer(), {"abc": "hello"}).pairs == (("abc", "bye"), ("def", "hello"))


def test_expanded_fields() -> None:
    lexer, env = Lexer(), {"V": "1", "U": "app", "D": "/srv"}
    copy = one("COPY --chown=$U --chmod=${M:-644} --from=stage$V src$V $D/")
    done = expand_instruction(copy, lexer, env)
    assert (done.chown, done.chmod, done.from_, done.sources, done.dest) == (
        "app",
        "644",
        "stage1",
        ("src1",),
        "/srv/",
    )
    assert expand_instruction(one("WORKDIR $D/$NOPE"), lexer, env).path == "/srv/"  # [S3.2, §5.9]
    assert expand_instruction(one("USER $U"), lexer, env).user == "app"
    assert expand_instruction(one("STOPSIGNAL SIG$V"), lexer, env).signal == "SIG1"
    assert expand_instruction(one("VOLUME $D/a"), lexer, env).paths == ("/srv/a",)
    assert expand_instruction(one("ARG X=$D"), lexer, env).args == (("X", "/srv"),)
    assert expand_instruction(one("LABEL k=$V"), lexer, env).pairs == (("k", "1"),)


def test_expose_is_split_after_expansion() -> None:
    expose = one("EXPOSE $PORTS 22")
    assert expand_instruction(expose, Lexer(), {"PORTS": "80 443/udp"}).ports == ("80", "443/udp", "22")


def test_run_cmd_entrypoint_are_not_expanded() -> None:
    lexer, env = Lexer(), {"A": "x"}
    for text in ("RUN echo $A", "CMD echo $A", 'ENTRYPOINT ["echo", "$A"]'):
        instr = one(text)
        assert expand_instruction(instr, lexer, env) == instr
    run = one("RUN --mount=type=cache,target=$A echo $A")
    assert expand_instruction(run, lexer, env).mounts == ("type=cache,target=x",)


def test_from_expands_with_global_args() -> None:
    df = parse_dockerfile("ARG V=3.20\nFROM alpine:${V}\n")
    assert expand_instruction(df.stages[0].from_, Lexer(), {"V": "3.20"}).base == "alpine:3.20"


def test_tracked_expansion_reports_undefined_names() -> None:
    # [case 49] undefined names expand to "" and are reported for the UndefinedVar warning
    copy = one("COPY $SRC $DEST/")
    result = expand_instruction_tracked(copy, Lexer(), {"SRC": "a"})
    assert result.instruction.dest == "/"
    assert result.referenced == frozenset({"SRC", "DEST"}) and result.undefined == frozenset({"DEST"})


def test_expansion_errors_carry_the_line() -> None:
    env = body("RUN x\nENV A=${B\n")[1]
    with pytest.raises(DockerfileError) as info:
        expand_instruction(env, Lexer(), {})
    assert info.value.line == 3 and "missing '}'" in info.value.message


def test_escape_directive_applies_to_expansion() -> None:
    df = parse_dockerfile("# escape=`\nFROM scratch\nWORKDIR c:\\dir\\`$X\n")
    workdir = df.stages[0].instructions[0]
    assert expand_instruction(workdir, Lexer(df.escape_token), {"X": "1"}).path == "c:\\dir\\$X"


def test_copy_heredoc_body_expansion_keeps_quotes() -> None:
    copy = one("COPY <<EOF /x\necho \"$A\" '$A'\nEOF\n")
    assert expand_instruction(copy, Lexer(), {"A": "1"}).heredocs[0].content == "echo \"1\" '1'\n"


def test_entrypoint_and_shell_types() -> None:
    entry, shell = body('ENTRYPOINT ["/app"]\nSHELL ["pwsh", "-c"]\n')
    assert isinstance(entry, Entrypoint) and isinstance(shell, Shell)
    assert (
        isinstance(one("ADD a b"), Add)
        and isinstance(one("ENV a=b"), Env)
        and isinstance(one("LABEL a=b"), Label)
    )
