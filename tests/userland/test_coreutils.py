"""The RUN shell's commands: their effects on the writable layer (SEMANTICS.md §1.5-1.8, §6)
and busybox 1.35's messages and exit statuses."""

from __future__ import annotations

import pytest

from simulator.model.container import Container
from simulator.model.entries import Entry, Kind
from simulator.sh.run import run_script
from tests.sh.test_shell import APPLETS, container


def sh(script: str, c: Container | None = None, **kwargs: object) -> tuple[int, str, str]:
    result = run_script(c if c is not None else container(), script, **kwargs)  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


def kinds(c: Container) -> dict[str, str]:
    return {p: ("opaque" if e.opaque else e.kind.value) for p, e in c.upper_entries.items() if p != "/"}


# ------------------------------------------------------------------------------ rm, rmdir, mkdir
def test_rm_rf_image_directory_is_one_whiteout() -> None:  # §6 case 4
    c = container()
    assert sh("rm -rf /etc", c) == (0, "", "")
    assert kinds(c) == {"/etc": "whiteout"}
    assert c.diff_text() == "D /etc"


def test_rm_rf_then_mkdir_is_opaque() -> None:  # §6 case 6
    c = container()
    assert sh("rm -rf /data && mkdir /data && ls -A /data", c) == (0, "", "")
    assert kinds(c) == {"/data": "opaque"}


def test_rm_file_created_in_container_leaves_nothing() -> None:  # §6 cases 1, 2, 14
    c = container()
    sh("touch /tmp/x && rm /tmp/x && rm /data/f", c)
    assert kinds(c) == {"/tmp": "dir", "/data": "dir", "/data/f": "whiteout"}


@pytest.mark.parametrize(
    ("script", "code", "err"),
    [
        ("rm /nope", 1, "rm: can't remove '/nope': No such file or directory\n"),
        ("rm -f /nope /nope/deeper", 0, ""),
        ("rm /data", 1, "rm: '/data' is a directory\n"),
        ("rmdir /data", 1, "rmdir: '/data': Directory not empty\n"),
        ("rmdir /nope", 1, "rmdir: '/nope': No such file or directory\n"),
        ("mkdir /data", 1, "mkdir: can't create directory '/data': File exists\n"),
        ("mkdir /a/b/c", 1, "mkdir: can't create directory '/a/b/c': No such file or directory\n"),
        ("touch /a/b", 1, "touch: /a/b: No such file or directory\n"),
        ("cat /nope", 1, "cat: can't open '/nope': No such file or directory\n"),
        ("cat /data", 1, "cat: read error: Is a directory\n"),
        ("cp /nope /x", 1, "cp: can't stat '/nope': No such file or directory\n"),
        ("cp /data /x", 1, "cp: omitting directory '/data'\n"),
        ("mv /nope /x", 1, "mv: can't rename '/nope': No such file or directory\n"),
        ("ln -s a /data/link", 1, "ln: /data/link: File exists\n"),
        ("ln /nope /x", 1, "ln: /nope: No such file or directory\n"),
        ("chmod 644 /nope", 1, "chmod: /nope: No such file or directory\n"),
        ("chmod u+q /data/f", 1, "chmod: invalid mode 'u+q'\n"),
        ("chown nobodyx /data/f", 1, "chown: unknown user nobodyx\n"),
        ("ls /nope", 1, "ls: /nope: No such file or directory\n"),
        ("test 1 -eq x", 2, "sh: x: bad number\n"),
        ("grep q /nope", 2, "grep: /nope: No such file or directory\n"),
    ],
)
def test_busybox_messages(script: str, code: int, err: str) -> None:
    assert sh(script) == (code, "", err)


def test_mkdir_p_and_mode() -> None:
    c = container()
    assert sh("mkdir -p /a/b/c /data/sub && mkdir -m 700 /m && mkdir -p -m 711 /p/q", c)[0] == 0
    assert [c.stat(p).mode for p in ("/a", "/a/b/c", "/m", "/p", "/p/q")] == [
        0o755,
        0o755,
        0o700,
        0o755,
        0o711,
    ]
    assert sh("mkdir -p /data/f", c)[0] == 1


def test_new_files_belong_to_the_running_user() -> None:
    c = container()
    sh("mkdir /tmp/d && touch /tmp/d/f && echo x > /tmp/d/g", c, uid=1000, gid=1000)
    assert {(c.stat(p).uid, c.stat(p).gid) for p in ("/tmp/d", "/tmp/d/f", "/tmp/d/g")} == {(1000, 1000)}


# ------------------------------------------------------------------------------ mv, cp, ln
def test_mv_image_directory_copies_and_deletes() -> None:  # §1.8, §6 case 16
    c = container()
    assert sh("mv /data /x", c) == (0, "", "")
    assert c.upper_entries["/data"].kind is Kind.WHITEOUT
    assert c.read_file("/x/f") == b"hello\n"
    sub = c.stat("/x/sub")
    assert (sub.mode, sub.uid, sub.gid) == (0o750, 1000, 1000)
    assert c.lstat("/x/link").kind is Kind.SYMLINK and c.readlink("/x/link") == "f"
    assert c.stat("/x/sub/g").mode == 0o600


def test_mv_file_renames_with_whiteout() -> None:  # §6 case 15
    c = container()
    sh("mv /data/f /data/g", c)
    assert kinds(c) == {"/data": "dir", "/data/f": "whiteout", "/data/g": "file"}
    assert c.diff_text() == "C /data\nD /data/f\nA /data/g"


def test_mv_into_directory_and_container_directory() -> None:
    c = container()
    assert sh("mkdir /new && touch /new/a && mv /new /tmp && ls /tmp/new", c) == (0, "a\n", "")
    assert sh("mv /data/f /tmp && ls /tmp", c)[1] == "f\nnew\n"


def test_cp_modes_and_owners() -> None:
    c = container({"/data/x": Entry.file(b"#!", 0o777, 1000, 1000)})
    sh(
        "cp /data/x /tmp/plain && cp -p /data/x /tmp/kept && cp -a /data/sub /tmp/tree && cp -r /data/sub /tmp/r",
        c,
    )
    plain, kept = c.stat("/tmp/plain"), c.stat("/tmp/kept")
    assert (plain.mode, plain.uid) == (0o755, 0)
    assert (kept.mode, kept.uid, kept.gid) == (0o777, 1000, 1000)
    assert (c.stat("/tmp/tree").mode, c.stat("/tmp/tree/g").uid) == (0o750, 1000)
    assert (c.stat("/tmp/r").uid, c.stat("/tmp/r/g").mode) == (0, 0o600)


def test_cp_into_directory_and_symlinks() -> None:
    c = container()
    assert sh("cp /data/f /data/link /tmp && cat /tmp/link", c)[1] == "hello\n"
    assert c.lstat("/tmp/link").kind is Kind.FILE  # without -R, cp follows symlinks
    sh("cp -a /data/link /tmp/l2", c)
    assert c.readlink("/tmp/l2") == "f"


def test_ln_symbolic_and_hard() -> None:  # §6 case 18
    c = container()
    assert sh("ln -s /data/f /tmp/s && ln /data/f /tmp/h && cat /tmp/s /tmp/h", c)[1] == "hello\nhello\n"
    assert "/data/f" in c.upper_entries  # a hard link copies its source up
    assert sh("ln -sf /etc/passwd /tmp/s && readlink /tmp/s", c)[1] == "/etc/passwd\n"
    assert sh("ln -s /x /tmp && readlink /tmp/x", c)[1] == "/x\n"


# ------------------------------------------------------------------------------ chmod, chown
def test_chmod_copies_up() -> None:  # §6 cases 11, 12
    c = container()
    sh("chmod +x /data/f", c)
    assert c.stat("/data/f").mode == 0o755 and kinds(c) == {"/data": "dir", "/data/f": "file"}
    c2 = container()
    sh("chmod 644 /etc/passwd", c2)
    assert "/etc/passwd" in c2.upper_entries and c2.diff_text() == ""


@pytest.mark.parametrize(
    ("mode", "start", "expected"),
    [
        ("u+x", 0o644, 0o744),
        ("go-w", 0o666, 0o644),
        ("a=r", 0o755, 0o444),
        ("+x", 0o644, 0o755),
        ("+w", 0o444, 0o644),
        ("u=rwx,g=rx,o=", 0o000, 0o750),
        ("g=u", 0o740, 0o770),
        ("755", 0o600, 0o755),
        ("4755", 0o755, 0o4755),
        ("o+t", 0o755, 0o1755),
        ("-x", 0o755, 0o644),
    ],
)
def test_chmod_modes(mode: str, start: int, expected: int) -> None:
    c = container({"/t": Entry.file(b"", start)})
    assert sh(f"chmod {mode} /t", c)[0] == 0
    assert c.stat("/t").mode == expected


def test_chmod_and_chown_recursive() -> None:
    c = container()
    sh("chmod -R go-rwx /data && chown -R app:app /data", c)
    assert c.stat("/data").mode == 0o700 and c.stat("/data/f").mode == 0o600
    assert {(c.lstat(p).uid, c.lstat(p).gid) for p in ("/data", "/data/f", "/data/sub/g", "/data/link")} == {
        (1000, 1000)
    }


@pytest.mark.parametrize(
    ("spec", "owner"),
    [
        ("app", (1000, 0)),
        ("app:", (1000, 1000)),
        ("1:2", (1, 2)),
        ("app:nogroup", (1000, 65534)),
        (":app", (0, 1000)),
    ],
)
def test_chown_specs(spec: str, owner: tuple[int, int]) -> None:
    c = container()
    assert sh(f"chown {spec} /data/f", c)[0] == 0
    assert (c.stat("/data/f").uid, c.stat("/data/f").gid) == owner


# ------------------------------------------------------------------------------ text commands
@pytest.mark.parametrize(
    ("script", "out"),
    [
        ("echo -n a; echo b", "ab\n"),
        ("echo 'a\\tb'", "a\\tb\n"),
        ("echo -e 'a\\tb\\c'; echo", "a\tb\n"),
        ("printf '%s-%d|%5s|%-3d|%x\\n' a 3 ab 7 255", "a-3|   ab|7  |ff\n"),
        ("printf '%s\\n' a b c", "a\nb\nc\n"),
        ("printf 'x%%y\\n'", "x%y\n"),
        ("printf 'a\\nb\\nc\\n' | head -n 2", "a\nb\n"),
        ("printf 'a\\nb\\nc\\n' | tail -n 1", "c\n"),
        ("printf 'a\\nb\\nc\\n' | tail -n +2", "b\nc\n"),
        (
            "printf 'a b\\nc\\n' > /tmp/w; wc -l /tmp/w; wc -c < /tmp/w; wc /tmp/w",
            "        2 /tmp/w\n6\n        2         3         6 /tmp/w\n",
        ),
        ("printf 'foo\\nbar\\n' | grep -v foo; grep -q hello /data/f && echo found", "bar\nfound\n"),
        (
            "printf 'a.c\\nabc\\n' | grep -F a.c; printf 'ab\\n' | grep -E 'a|z'; printf 'x1\\n' | grep 'x[0-9]'",
            "a.c\nab\nx1\n",
        ),
        ("echo hi | tee /tmp/t1 /tmp/t2 >/dev/null; cat /tmp/t2", "hi\n"),
        ("basename /a/b.txt .txt; dirname /a/b/c; dirname c; basename /a/b/", "b\n/a/b\n.\nb\n"),
        ("readlink /data/link; readlink -f /data/link", "f\n/data/f\n"),
        ("seq 3; seq 2 3", "1\n2\n3\n2\n3\n"),
        ("find /data -type f | sort", "/data/f\n/data/sub/g\n"),
        ("find /data -name '*g' ", "/data/sub/g\n"),
        ("id; whoami", "uid=0(root) gid=0(root) groups=0(root)\nroot\n"),
        ("env -i A=1 env", "A=1\n"),
        ("echo a b | xargs echo x", "x a b\n"),
        ("sleep 1000 && echo awake", "awake\n"),
        ("ls /data; ls -d /data", "f\nlink\nsub\n/data\n"),
        (
            "ls -l /data/f /data/link",
            "-rw-r--r--    1 root     root             6 Jan  1 00:00 /data/f\n"
            "lrwxrwxrwx    1 root     root             1 Jan  1 00:00 /data/link -> f\n",
        ),
        (
            "[ -f /data/f ] && [ -d /data ] && [ -L /data/link ] && [ -s /data/f ] && [ -z '' ] && [ -n x ] && echo ok",
            "ok\n",
        ),
        ("[ 2 -gt 1 -a x != y ] && test ! -e /nope && echo ok", "ok\n"),
    ],
)
def test_text_commands(script: str, out: str) -> None:
    assert sh(script) == (0, out, "")


def test_dash_echo_interprets_escapes() -> None:
    c = container({"/bin/sh": Entry.symlink("dash"), "/bin/dash": Entry.file(b"\x7fELF", 0o755)})
    assert sh("echo 'a\\tb'; echo -e x", c)[1] == "a\tb\n-e x\n"


def test_reads_do_not_copy_up() -> None:  # §6 case 10
    c = container()
    sh("cat /data/f /etc/passwd >/dev/null; ls -l /data; grep root /etc/passwd; [ -f /data/f ]", c)
    assert c.upper_entries.keys() <= {"/"} and c.copy_ups == []


# ------------------------------------------------------------------------------ ls -R, grep -r, grep -e
def test_ls_recursive_lists_each_directory_after_its_parent() -> None:
    c = container()
    sh("mkdir -p /data/sub/deep && touch /data/sub/deep/x", c)
    assert sh("cd /data && ls -R", c) == (0, ".:\nf\nlink\nsub\n\n./sub:\ndeep\ng\n\n./sub/deep:\nx\n", "")


def test_grep_r_walks_directories_and_skips_links_to_them() -> None:
    c = container()
    sh("ln -s /data/sub /data/sublink && ln -s /nowhere /data/dang && echo g >> /data/sub/g", c)
    assert sh("grep -r g /data", c) == (
        0,
        "/data/sub/g:gg\n",
        "grep: /data/dang: No such file or directory\n",
    )
    assert sh("grep -R g /data", c)[1] == "/data/sub/g:gg\n/data/sublink/g:gg\n"
    assert sh("grep g /data", c) == (1, "", "")  # a directory reads as nothing without -r


def test_grep_keeps_every_e_pattern() -> None:
    assert sh("printf 'a\\nb\\nc\\n' | grep -e a -e c") == (0, "a\nc\n", "")


# ------------------------------------------------------------------------------ expr
@pytest.mark.parametrize(
    ("script", "result"),
    [
        ("expr 2 + 3 \\* 4", (0, "14\n", "")),
        ("expr \\( 2 + 3 \\) \\* 4 / 3", (0, "6\n", "")),
        ("expr -7 % 3", (0, "-1\n", "")),  # C's remainder, not Python's
        ("expr 9223372036854775807 + 1", (0, "-9223372036854775808\n", "")),
        ("expr 1 = 2", (1, "0\n", "")),  # 1 when the value is 0 or empty
        ("expr 1 = 01; expr 10 \\< 9a", (0, "1\n1\n", "")),  # numbers when both are, else strings
        ("expr abc : 'a.*'; expr abc : 'a\\(b\\)'", (0, "3\nb\n", "")),
        ("expr abc : 'x\\(b\\)'", (1, "\n", "")),
        ("expr length hello; expr substr hello 2 3; expr index hello l", (0, "5\nell\n3\n", "")),
        ("expr '' \\| 0", (1, "0\n", "")),
        ("expr 1 / 0", (2, "", "expr: division by zero\n")),
        ("expr 1 + a", (2, "", "expr: non-numeric argument\n")),
        ("expr 1 +", (2, "", "expr: syntax error\n")),
        ("expr", (2, "", "expr: too few arguments\n")),
    ],
)
def test_expr(script: str, result: tuple[int, str, str]) -> None:
    assert sh(script, container(applets=(*APPLETS, "expr"))) == result


# ------------------------------------------------------------------------------ find, xargs
# (the parity table checks them against real busybox; -delete is here because Debian's busybox,
# the one that table runs, is built without it)
def test_find_delete_removes_depth_first_and_prints_nothing() -> None:
    c = container()
    assert sh("find /data/sub -delete; find /data -name f -delete; ls -A /data", c) == (0, "link\n", "")
    assert kinds(c) == {"/data": "dir", "/data/sub": "whiteout", "/data/f": "whiteout"}


def test_find_delete_reports_a_directory_it_cannot_remove() -> None:
    assert sh("find /data -type d -name data -delete") == (0, "", "find: /data: Directory not empty\n")


@pytest.mark.parametrize(
    ("script", "out"),
    [
        ("find /data -name f -o -name g", "/data/f\n/data/sub/g\n"),
        ("find /data ! -type d -maxdepth 1", "/data/f\n/data/link\n"),
        ("find /data -type f -exec cat {} \\;", "hello\ng"),
        ("find /data -type f -exec echo {} +", "/data/f /data/sub/g\n"),
        ("find /data -name sub -prune -o -print", "/data\n/data/f\n/data/link\n"),
        ("printf 'a b c' | xargs -n 2 echo", "a b\nc\n"),
        ("printf 'x\\ny\\n' | xargs -I @ echo '<@>'", "<x>\n<y>\n"),
        ("printf 'a\\0b c\\0' | xargs -0 -n1 echo", "a\nb c\n"),
    ],
)
def test_find_and_xargs(script: str, out: str) -> None:
    assert sh(script) == (0, out, "")


def test_xargs_statuses() -> None:
    assert sh("echo a | xargs false") == (123, "", "")
    assert sh("echo a | xargs nosuch") == (127, "", "xargs: nosuch: No such file or directory\n")
