"""The RUN shell: parsing, expansion, control flow, redirections, command lookup, public API.

The expected outputs and messages were checked against busybox 1.35's ``sh`` (ash); the
filesystem effects follow SEMANTICS.md §1.6-1.8 and §6.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine import Engine
from simulator.model.container import Container
from simulator.model.entries import Entry, Kind
from simulator.model.image import Image, ImageConfig
from simulator.model.layer import Layer
from simulator.sh.parse import ShellSyntaxError, parse
from simulator.sh.run import ExecResult, exec_in, known_commands, run_argv, run_script

APPLETS = (
    "sh", "echo", "mkdir", "rm", "touch", "cp", "mv", "ln", "chmod", "chown", "cat", "true", "false", "ls",
    "printf", "test", "[", "sleep", "pwd", "rmdir", "env", "head", "tail", "wc", "grep", "tee", "id", "whoami",
    "basename", "dirname", "find", "which", "readlink", "seq", "sort", "uniq", "xargs", "uname",
)  # fmt: skip

PASSWD = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n"
GROUP = b"root:x:0:\nnogroup:x:65534:\napp:x:1000:\n"


def busybox_entries(applets: tuple[str, ...] = APPLETS) -> dict[str, Entry]:
    """A busybox-like root: /bin/busybox plus one symlink per applet, /etc, /tmp, /var, /data."""
    entries = {"/bin": Entry.directory(), "/bin/busybox": Entry.file(b"\x7fELF busybox", 0o755)}
    entries.update({f"/bin/{a}": Entry.symlink("busybox") for a in applets})
    entries.update({
        "/etc": Entry.directory(), "/etc/passwd": Entry.file(PASSWD), "/etc/group": Entry.file(GROUP),
        "/root": Entry.directory(0o700), "/tmp": Entry.directory(0o1777), "/var": Entry.directory(),
        "/var/lib": Entry.directory(), "/var/lib/apt": Entry.directory(), "/var/lib/apt/lists": Entry.directory(),
        "/var/lib/apt/lists/a_Packages": Entry.file(b"a"), "/var/lib/apt/lists/b_Packages": Entry.file(b"b"),
        "/var/lib/apt/lists/partial": Entry.directory(), "/var/lib/apt/lists/.lock": Entry.file(b""),
        "/data": Entry.directory(), "/data/f": Entry.file(b"hello\n"), "/data/sub": Entry.directory(0o750, 1000, 1000),
        "/data/sub/g": Entry.file(b"g", 0o600, 1000, 1000), "/data/link": Entry.symlink("f"),
    })  # fmt: skip
    return entries


def container(extra: dict[str, Entry] | None = None, applets: tuple[str, ...] = APPLETS) -> Container:
    entries = busybox_entries(applets)
    entries.update(extra or {})
    return Container(Image.of([Layer.of(entries)]))


def sh(script: str, c: Container | None = None, **kwargs: object) -> tuple[int, str, str]:
    result = run_script(c if c is not None else container(), script, **kwargs)  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------------------ parsing
@pytest.mark.parametrize(
    "script", ["echo 'a", 'echo "a', "if true; then echo", "( echo", "echo ${", "do", "a && "]
)
def test_syntax_errors(script: str) -> None:
    with pytest.raises(ShellSyntaxError):
        parse(script)
    code, out, err = sh(script)
    assert code == 2 and out == "" and err.startswith("/bin/sh: syntax error")


def test_comments_and_newlines() -> None:
    assert sh("# comment\necho a # trailing\n\necho b#c\n") == (0, "a\nb#c\n", "")


# ------------------------------------------------------------------------------ quoting and expansion
@pytest.mark.parametrize(
    ("script", "out"),
    [
        ("echo 'a  b' \"c  d\" e\\ \\ f", "a  b c  d e  f\n"),
        ("echo 'it''s'", "its\n"),
        ("echo \"a'b\" 'a\"b'", "a'b a\"b\n"),
        ('echo "\\$HOME \\\\ \\a"', "$HOME \\ \\a\n"),
        ("X='a  b'; echo $X \"$X\"", "a b a  b\n"),
        ("X=; echo ${X-def} ${X:-def2} [${X:+alt}]; unset X; echo ${X-d3} [${X+alt}]", "def2 []\nd3 []\n"),
        ("X=v; echo ${X:+alt} ${X:-no} ${#X}", "alt v 1\n"),
        ("echo ${U:=set}; echo $U", "set\nset\n"),
        (
            "F=/a/b/c.tar.gz; echo ${F##*/} ${F%.*} ${F%%.*} ${F#/a/}",
            "c.tar.gz /a/b/c.tar /a/b/c b/c.tar.gz\n",
        ),
        ("echo \"${X:-a b}\" ${X:-'c  d'}", "a b c  d\n"),
        ("set -- a 'b c'; echo $# $1 $2; for x in \"$@\"; do echo [$x]; done", "2 a b c\n[a]\n[b c]\n"),
        ('set -- a b; echo "$*" $0', "a b /bin/sh\n"),
        ("false; echo $?; true; echo $?", "1\n0\n"),
        ("echo $((1 + 2 * 3)) $((7 / 2)) $((-7 / 2)) $((7 % 3)) $((1 < 2 && 3 > 4))", "7 3 -3 1 0\n"),
        ("N=4; echo $((N * 2)) $(($N + 1))", "8 5\n"),
        ("echo $(echo a; echo b) \"$(printf 'x\\n\\n')\"", "a b x\n"),
        ("echo `echo back`", "back\n"),
        ("echo ~ ~/x", "/root /root/x\n"),
        ("echo {a,b} a=b", "{a,b} a=b\n"),
        ("E=''; echo a $E b \"$E\" c", "a b  c\n"),
        ("X=1 Y=$X; echo $Y", "1\n"),
    ],
)
def test_expansion(script: str, out: str) -> None:
    assert sh(script) == (0, out, "")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=20))
def test_single_quoting_round_trips(text: str) -> None:
    quoted = "'" + text.replace("'", "'\\''") + "'"
    code, out, _ = sh(f"printf '%s' {quoted}")
    assert code == 0 and out == text


def test_nounset_and_error_expansion() -> None:
    assert sh("set -u; echo $NOPE; echo after") == (2, "", "/bin/sh: NOPE: parameter not set\n")
    assert sh("echo ${U:?unset here}; echo after") == (2, "", "/bin/sh: U: unset here\n")


# ------------------------------------------------------------------------------ globbing
def test_glob_against_the_container() -> None:
    c = container()
    code, out, _ = sh("echo /var/lib/apt/lists/*", c)
    assert code == 0
    assert out == "/var/lib/apt/lists/a_Packages /var/lib/apt/lists/b_Packages /var/lib/apt/lists/partial\n"
    assert sh("echo /data/?  /data/[a-f] /data/[!f]*", c)[1] == "/data/f /data/f /data/link /data/sub\n"
    assert sh("echo /nope/* '/data/*' \"/data/*\"", c)[1] == "/nope/* /data/* /data/*\n"
    assert sh("cd /data && echo * && echo s*/g", c)[1] == "f link sub\nsub/g\n"
    assert sh("set -f; echo /data/*", c)[1] == "/data/*\n"


def test_rm_rf_apt_lists_glob_leaves_dotfile() -> None:
    c = container()
    assert sh("rm -rf /var/lib/apt/lists/*", c)[0] == 0
    assert c.listdir("/var/lib/apt/lists") == [".lock"]
    upper = c.upper_entries
    assert upper["/var/lib/apt/lists/a_Packages"].kind is Kind.WHITEOUT
    assert upper["/var/lib/apt/lists/partial"].kind is Kind.WHITEOUT


# ------------------------------------------------------------------------------ lists and control flow
@pytest.mark.parametrize(
    ("script", "code", "out"),
    [
        ("set -e; false; echo no", 1, ""),
        ("set -e; false || echo yes; echo after", 0, "yes\nafter\n"),
        ("set -e; if false; then echo t; else echo f; fi; ! true; echo ok", 0, "f\nok\n"),
        ("set -e; false && echo x; echo survived", 0, "survived\n"),
        ("set -e; (false); echo no", 1, ""),
        ("set -e; { false; }; echo no", 1, ""),
        ("false; echo $?", 0, "1\n"),
        ("true && echo a || echo b", 0, "a\n"),
        ("false && echo a || echo b", 0, "b\n"),
        ("echo a; exit 3; echo b", 3, "a\n"),
        ("exit 300", 44, ""),
        ("(exit 4); echo $?", 0, "4\n"),
        ("(cd /tmp; X=1); pwd; echo [$X]", 0, "/\n[]\n"),
        ("{ cd /tmp; X=1; }; pwd; echo [$X]", 0, "/tmp\n[1]\n"),
        ("for i in 1 2 3; do echo $i; done", 0, "1\n2\n3\n"),
        ("for i in a b c; do [ $i = b ] && continue; echo $i; done", 0, "a\nc\n"),
        ("for i in a b c; do [ $i = b ] && break; echo $i; done", 0, "a\n"),
        ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i", 0, "3\n"),
        ("until true; do echo never; done; echo done", 0, "done\n"),
        ("if false; then echo 1; elif true; then echo 2; else echo 3; fi", 0, "2\n"),
        ("case abc in a*) echo star;; *) echo other;; esac", 0, "star\n"),
        ("case x in a|x) echo one;; esac; case '*' in \\*) echo lit;; esac", 0, "one\nlit\n"),
        ("f() { echo f:$1:$#; return 3; }; f a b; echo $?", 0, "f:a:2\n3\n"),
        ("echo a &\necho b", 0, "a\nb\n"),
        ("! false; echo $?", 0, "0\n"),
        (":; echo $?", 0, "0\n"),
    ],
)
def test_control_flow(script: str, code: int, out: str) -> None:
    result = sh(script)
    assert result[:2] == (code, out)


def test_pipes_and_pipefail() -> None:
    assert sh("echo a | cat") == (0, "a\n", "")
    assert sh("printf 'b\\na\\nb\\n' | sort | uniq | wc -l") == (0, "2\n", "")
    assert sh("false | true; echo $?")[1] == "0\n"
    assert sh("set -o pipefail; false | true; echo $?")[1] == "1\n"
    assert sh("echo x | { read v; echo got $v; }")[1] == "got x\n"
    assert sh("X=1; echo | X=2; echo $X")[1] == "1\n"  # each pipeline command runs in a subshell


def test_xtrace_goes_to_stderr() -> None:
    assert sh("set -eux; echo a 'b c'; false; echo b") == (1, "a b c\n", "+ echo a 'b c'\n+ false\n")


# ------------------------------------------------------------------------------ redirections
def test_redirections_write_through_the_container() -> None:
    c = container()
    assert sh("echo hi > /tmp/a && echo more >> /tmp/a && cat /tmp/a", c) == (0, "hi\nmore\n", "")
    assert c.read_file("/tmp/a") == b"hi\nmore\n"
    assert c.stat("/tmp/a").mode == 0o644
    assert sh("cat < /tmp/a", c)[1] == "hi\nmore\n"
    assert sh(": > /tmp/a; cat /tmp/a", c)[1] == ""


def test_dev_null_is_not_created() -> None:
    c = container()
    assert sh("echo x > /dev/null; ls /nope 2>/dev/null; echo $?", c) == (0, "1\n", "")
    assert not c.exists("/dev") and "/dev/null" not in c.upper_entries


def test_fd_duplication_order() -> None:
    c = container()
    assert sh("ls /nope > /tmp/o 2>&1; cat /tmp/o", c)[1] == "ls: /nope: No such file or directory\n"
    assert sh("ls /nope 2>&1 >/dev/null | wc -l", c)[1] == "1\n"
    assert sh("echo err >&2", c) == (0, "", "err\n")


def test_redirection_errors() -> None:
    assert sh("echo a > /nope/x; echo still") == (
        0,
        "still\n",
        "/bin/sh: can't create /nope/x: nonexistent directory\n",
    )
    assert sh("echo a > /data") == (1, "", "/bin/sh: can't create /data: Is a directory\n")
    assert sh("cat < /nofile") == (1, "", "/bin/sh: can't open /nofile: no such file\n")


def test_append_copies_up_even_without_data() -> None:
    c = container()
    sh("true >> /data/f", c)
    assert [u.path for u in c.copy_ups] == ["/data", "/data/f"]
    assert c.read_file("/data/f") == b"hello\n"


def test_heredoc() -> None:
    assert sh("cat <<EOF\nhello $HOME\nEOF\necho after")[1] == "hello /root\nafter\n"
    assert sh("cat <<'EOF'\nhello $HOME\nEOF")[1] == "hello $HOME\n"
    assert sh("cat <<-EOF\n\tindented\n\tEOF")[1] == "indented\n"


# ------------------------------------------------------------------------------ environment
def test_export_and_child_shells() -> None:
    assert sh("export A=1; sh -c 'echo $A'")[1] == "1\n"
    assert sh("B=2; sh -c 'echo [$B]'")[1] == "[]\n"
    assert sh("B=3 sh -c 'echo $B'; echo [$B]")[1] == "3\n[]\n"
    assert sh("sh -c 'echo $0 $1 $2' name x y")[1] == "name x y\n"
    assert sh("sh -c 'exit 7'; echo $?")[1] == "7\n"
    assert sh("echo $PATH $HOME")[1] == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /root\n"
    assert sh("echo $GREETING", env={"GREETING": "hi"})[1] == "hi\n"
    assert sh("env | grep -c GREETING", env={"GREETING": "hi"})[1] == "1\n"


def test_cd_and_pwd() -> None:
    c = container()
    assert sh("cd /tmp && pwd && cd .. && pwd && cd - && cd", c)[1] == "/tmp\n/\n/tmp\n"
    assert sh("cd /nope; echo still", c) == (
        0,
        "still\n",
        "/bin/sh: cd: line 0: can't cd to /nope: No such file or directory\n",
    )
    assert sh("touch rel && ls /tmp", c, cwd="/tmp")[1] == "rel\n"


# ------------------------------------------------------------------------------ command lookup
def test_unknown_command() -> None:
    result = run_script(container(), "echo a; foo bar; echo $?")
    assert result.exit_code == 0
    assert result.output == "a\n/bin/sh: foo: not found\n127\n"
    assert result.unknown_command == "foo"


def test_on_path_but_not_implemented() -> None:
    c = container(
        {
            "/usr": Entry.directory(),
            "/usr/bin": Entry.directory(),
            "/usr/bin/rustc": Entry.file(b"\x7fELF", 0o755),
        }
    )
    result = run_script(c, "rustc --version")
    assert result.exit_code == 127 and result.unknown_command == "rustc"
    assert result.stderr.startswith(
        "/bin/sh: rustc: layerlab's shell does not implement this command; it has: "
    )
    assert "mkdir" in result.stderr


def test_applet_missing_from_path() -> None:
    c = container(applets=("sh", "echo"))
    result = run_script(c, "mkdir /x")
    assert (result.exit_code, result.stderr, result.unknown_command) == (
        127,
        "/bin/sh: mkdir: not found\n",
        "mkdir",
    )
    assert run_script(c, "/bin/busybox mkdir /x && echo ok").stdout == "ok\n"  # the multi-call binary
    assert c.stat("/x").is_dir
    assert run_script(c, "echo builtin; true; [ -d /x ] && printf 'ok\\n'").stdout == "builtin\nok\n"


def test_no_bin_sh_fails_like_runc() -> None:
    c = Container(Image.of([Layer.of({"/hello": Entry.file(b"x", 0o755)})]))
    result = run_script(c, "echo hi")
    assert result.exit_code == 127
    assert result.stderr == 'exec: "/bin/sh": stat /bin/sh: no such file or directory\n'


def test_shebang_scripts_need_the_execute_bit() -> None:
    script = Entry.file(b"#!/bin/sh\necho script $1\n", 0o644)
    c = container(
        {
            "/usr": Entry.directory(),
            "/usr/local": Entry.directory(),
            "/usr/local/bin": Entry.directory(),
            "/usr/local/bin/hello.sh": script,
        }
    )
    assert sh("hello.sh x", c) == (126, "", "/bin/sh: hello.sh: Permission denied\n")
    assert sh("chmod +x /usr/local/bin/hello.sh && hello.sh x", c) == (0, "script x\n", "")
    assert sh("sh /usr/local/bin/hello.sh y", c)[1] == "script y\n"


def test_command_v_type_which() -> None:
    assert sh("command -v ls echo nope; echo $?")[1] == "/bin/ls\necho\n127\n"
    assert sh("type echo ls")[1] == "echo is a shell builtin\nls is /bin/ls\n"
    assert sh("which ls nope; echo $?")[1] == "/bin/ls\n1\n"


def test_known_commands_lists_builtins_and_commands() -> None:
    names = known_commands()
    assert {"cd", "export", "mkdir", "rm", "cp", "mv", "chmod"} <= set(names)


# ------------------------------------------------------------------------------ public API
def test_run_argv_exec_form() -> None:
    c = container()
    assert run_argv(c, ["echo", "$HOME", "*"]).stdout == "$HOME *\n"  # no shell: no expansion
    assert run_argv(c, ["/bin/sh", "-c", "echo $HOME"]).stdout == "/root\n"
    missing = run_argv(c, ["nope"])
    assert (missing.exit_code, missing.stderr) == (127, 'exec: "nope": executable file not found in $PATH\n')
    assert run_argv(c, ["/nope"]).stderr == 'exec: "/nope": stat /nope: no such file or directory\n'


def _engine_image() -> tuple[Engine, Image]:
    engine = Engine()
    config = ImageConfig(
        env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP=demo"),
        cmd=("sh",),
        working_dir="/data",
    )
    image = engine.images.add(Image.of([Layer.of(busybox_entries())], config), "bb:1")
    return engine, image


def test_exec_in_and_exec_run() -> None:
    engine, _ = _engine_image()
    c = engine.containers.create("bb:1")
    c.start()
    result = c.exec_run("echo $APP; pwd; ls /nope")
    assert isinstance(result, ExecResult)
    assert result == (1, b"demo\n/data\nls: /nope: No such file or directory\n")
    assert exec_in(c, ["id", "-u"], user="app").output == b"1000\n"
    assert exec_in(c, "echo $X", environment={"X": "y"}).output == b"y\n"
    assert exec_in(c, ["pwd"], workdir="/tmp").output == b"/tmp\n"
    # /etc/hosts, /etc/hostname and /etc/resolv.conf are runtime bind mounts, as under Docker:
    # rm cannot remove them (EBUSY), so /etc stays and only its other files are deleted
    result = c.exec_run("rm -rf /etc")
    assert result.exit_code == 1
    assert b"rm: can't remove '/etc/hosts': Device or resource busy" in result.output
    assert [line for line in c.diff_text().splitlines() if line.startswith("D")] != ["D /etc"]
    assert "C /etc" in c.diff_text().splitlines()


def test_containers_run_records_output_and_exit_code() -> None:
    engine, _ = _engine_image()
    c = engine.containers.run("bb:1", "echo hi; mkdir /made; exit 3")
    assert (c.output, c.exit_code, c.status) == (b"hi\n", 3, "exited")
    assert c.stat("/made").is_dir
    gone = engine.containers.run("bb:1", ["echo", "bye"], remove=True)
    assert (gone.output, gone.exit_code, gone.status) == (b"bye\n", 0, "removed")


# ------------------------------------------------------------------------------ POSIX classes in patterns
@pytest.mark.parametrize(
    ("subject", "branch"),
    [(" ", "blank"), ("\t", "blank"), ("x", "other"), ("\n", "other")],
)
def test_case_with_a_posix_class_matches_as_busybox(subject: str, branch: str) -> None:
    """``[[:blank:]]`` is space or tab (busybox fnmatch); the shell once raised re.error on it."""
    assert sh(f"case '{subject}' in [[:blank:]]) echo blank;; *) echo other;; esac")[:2] == (0, f"{branch}\n")


def test_a_run_case_with_blank_class_builds() -> None:
    """``RUN case " " in [[:blank:]]) ...`` builds and runs the matching branch."""
    engine = Engine()
    result = engine.images.build(
        dockerfile='FROM alpine:3.20\nRUN case " " in [[:blank:]]) echo blank > /r;; *) echo other > /r;; esac\n'
    )
    assert result.image.read_file("/r") == b"blank\n"


def test_unknown_posix_class_matches_nothing() -> None:
    assert sh("case a in [[:nope:]]) echo yes;; *) echo no;; esac")[:2] == (0, "no\n")
