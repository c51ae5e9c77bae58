"""The RUN shell's redirections go through the container's ``open`` (simulator.sh.redirect).

What each case expects comes from open(2) and overlayfs (copy-up at an open for write, even
when nothing is written; O_TRUNC/O_APPEND at the open) and from busybox 1.35 ``sh``: the
messages and statuses are compared with the real one in ``test_redirect_real.py``.
"""

from __future__ import annotations

import errno
import os
import time

from simulator.limits import Limits
from simulator.model.container import Container
from simulator.model.entries import Entry
from simulator.model.fs import FileHandle
from simulator.model.image import Image
from simulator.model.layer import Layer
from simulator.sh.disk import DiskQuota
from simulator.sh.redirect import CHUNK, open_reason
from simulator.sh.run import run_script

from .test_shell import APPLETS, busybox_entries, container, sh

MiB = 1 << 20


def copied(c: Container) -> list[tuple[str, str]]:
    return [(cu.path, cu.reason) for cu in c.copy_ups]


# ------------------------------------------------------------------------------ open flags
def test_truncating_redirection_copies_up_and_empties_at_the_open() -> None:
    c = container()
    assert sh(": > /data/f", c) == (0, "", "")  # nothing written: O_TRUNC did it
    assert c.read_file("/data/f") == b""
    assert ("/data/f", "open") in copied(c)  # overlayfs copies up at the open for write
    c = container()
    assert sh("nosuchcommand > /data/f", c)[0] == 127  # the open happens before the lookup
    assert c.read_file("/data/f") == b""


def test_append_copies_the_lower_file_up_whole_and_writes_at_its_end() -> None:
    c = container()
    assert sh("true >> /data/f", c) == (0, "", "")
    assert ("/data/f", "open") in copied(c) and c.read_file("/data/f") == b"hello\n"
    assert c.fs.source_of("/data/f") == "upper"
    sh("echo more >> /data/f; echo again >> /data/f", c)
    assert c.read_file("/data/f") == b"hello\nmore\nagain\n"


def test_read_redirection_copies_nothing_and_reads_when_the_command_reads() -> None:
    c = container()
    assert sh("cat < /data/f", c) == (0, "hello\n", "")
    assert copied(c) == []
    # `< f` opens first, `> f` empties the same file: cat reads the emptied file (as on Linux)
    assert sh("cat < /data/f > /data/f; wc -c < /data/f", c) == (0, "0\n", "")


def test_read_write_redirection_creates_without_truncating() -> None:
    c = container()
    assert sh("cat 0<> /data/f", c) == (0, "hello\n", "")
    assert c.read_file("/data/f") == b"hello\n" and ("/data/f", "open") in copied(c)
    assert sh("true <> /tmp/new; ls /tmp", c) == (0, "new\n", "")


def test_a_new_file_gets_the_umask_and_the_users_ids() -> None:
    c = container()
    sh("umask 027; echo x > /tmp/a", c)
    assert c.stat("/tmp/a").mode & 0o777 == 0o640
    sh("echo y > /tmp/b", c, uid=1000, gid=1000)
    entry = c.stat("/tmp/b")
    assert (entry.uid, entry.gid, entry.mode & 0o777) == (1000, 1000, 0o644)


def test_failing_open_is_the_shells_message_and_the_command_does_not_run() -> None:
    c = container()
    assert sh("touch /tmp/ran > /nope/x; echo $?", c) == (
        0,
        "1\n",
        "/bin/sh: can't create /nope/x: nonexistent directory\n",
    )
    assert not c.exists("/tmp/ran")
    assert sh("touch /tmp/ran < /nope; echo $?", c)[1:] == (
        "1\n",
        "/bin/sh: can't open /nope: no such file\n",
    )
    assert sh("echo a > /data; echo $?", c)[1:] == ("1\n", "/bin/sh: can't create /data: Is a directory\n")
    assert not c.exists("/tmp/ran")


def test_permission_denied_under_a_non_root_user() -> None:
    c = container()
    result = run_script(c, "echo x > /etc/passwd; echo $?; echo y > /etc/new; echo $?", uid=65534, gid=65534)
    assert result.stdout == "1\n1\n"
    assert result.stderr == (
        "/bin/sh: can't create /etc/passwd: Permission denied\n/bin/sh: can't create /etc/new: Permission denied\n"
    )
    assert c.read_file("/etc/passwd").startswith(b"root:") and copied(c) == []  # refused before any copy-up


def test_the_reason_words_are_ashs() -> None:
    enoent = OSError(errno.ENOENT, "x")
    assert open_reason(enoent, reading=False) == "nonexistent directory"
    assert open_reason(enoent, reading=True) == "no such file"
    assert open_reason(OSError(errno.EROFS, "x"), reading=False) == "Read-only file system"
    assert open_reason(OSError(errno.EACCES, "x"), reading=True) == "Permission denied"


def test_a_read_only_file_system_refuses_the_open() -> None:
    c = container()

    class ReadOnly(DiskQuota):  # what a read-only mount answers: EROFS at the open for write
        def open(self, path: str, mode: str | int = "r", perms: int = 0o666) -> FileHandle:
            if isinstance(mode, int) and mode & os.O_ACCMODE != os.O_RDONLY:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
            return super().open(path, mode, perms)

    from simulator.sh.interp import Shell
    from simulator.sh.process import IO

    shell = Shell(ReadOnly(c.fs, 1 << 30))
    io = IO(b"", bytearray(), bytearray())
    assert shell.run_source("echo a > /data/f; echo $?; cat < /data/f", io) == 0
    assert (bytes(io.out), bytes(io.err)) == (
        b"1\nhello\n",
        b"sh: can't create /data/f: Read-only file system\n",
    )


# ------------------------------------------------------------------------------ noclobber
def test_noclobber_refuses_a_regular_file_but_not_a_device_and_not_with_pipe_bar() -> None:
    c = container()
    assert sh("set -C; echo a > /data/f; echo $?; echo b >| /data/f; echo c > /dev/null; echo $?", c) == (
        0,
        "1\n0\n",
        "/bin/sh: can't create /data/f: File exists\n",
    )
    assert c.read_file("/data/f") == b"b\n"
    assert sh("set -C; echo n > /tmp/new; echo again >> /tmp/new; cat /tmp/new", c) == (0, "n\nagain\n", "")
    assert sh("set -C; echo x &> /data/f; echo $?", c)[1] == "1\n"


# ------------------------------------------------------------------------------ descriptors
def test_both_streams_to_one_file() -> None:
    c = container()
    assert sh("ls /data/f /nope &> /tmp/o; echo $?; cat /tmp/o", c) == (
        0,
        "1\nls: /nope: No such file or directory\n/data/f\n",
        "",
    )
    assert sh("echo a >& /tmp/p; cat /tmp/p", c) == (0, "a\n", "")


def test_exec_keeps_descriptors_for_the_rest_of_the_script() -> None:
    c = container()
    script = (
        "exec 3> /tmp/log; echo one >&3; cat /tmp/log; echo two >&3; exec 3>&-; echo three >&3; cat /tmp/log"
    )
    assert sh(script, c) == (0, "one\none\ntwo\n", "/bin/sh: 3: Bad file descriptor\n")
    assert sh("echo a > /tmp/v; exec 4< /tmp/v; read x <&4; echo $x", c) == (0, "a\n", "")
    assert sh("exec 3< /data/f; echo x >&3; echo $?", c) == (
        0,
        "1\n",
        "sh: write error: Bad file descriptor\n",
    )
    assert sh("exec > /tmp/all; echo hidden; ls /nope", c) == (
        1,
        "",
        "ls: /nope: No such file or directory\n",
    )
    assert c.read_file("/tmp/all") == b"hidden\n"
    assert sh("(exec > /tmp/sub; echo in); echo out", c) == (0, "out\n", "")  # a subshell's exec is its own


def test_a_special_builtins_redirection_error_ends_the_shell() -> None:
    assert sh(": > /nope/x; echo after") == (1, "", "/bin/sh: can't create /nope/x: nonexistent directory\n")
    assert sh("exec 3> /nope/x; echo after")[:2] == (1, "")
    assert sh("echo > /nope/x; echo after")[:2] == (0, "after\n")  # echo is a regular builtin


# ------------------------------------------------------------------------------ streaming
def test_output_streams_to_the_file_instead_of_being_held() -> None:
    c = Container(Image.of([Layer.of(busybox_entries(APPLETS))]))
    limits = Limits(memory=1 * MiB, disk=None, steps=None, time=60)
    result = run_script(c, "seq 1 300000 > /tmp/s; wc -l < /tmp/s", limits=limits)  # ~2 MB through 1 MiB
    assert (result.exit_code, result.stdout) == (0, "300000\n")


def test_the_next_command_sees_what_the_previous_one_wrote() -> None:
    c = container()
    assert sh("{ echo a; cat /tmp/w; } > /tmp/w", c)[1] == ""
    assert c.read_file("/tmp/w") == b"a\na\n"
    assert CHUNK <= 1 << 16


def test_the_disk_limit_stops_a_streaming_writer_with_enospc() -> None:
    c = container(applets=(*APPLETS, "yes"))
    started = time.monotonic()
    result = run_script(c, "yes > /tmp/big; echo $?", limits=Limits(disk=1 * MiB, steps=None, time=60))
    assert (result.stdout, result.stderr) == ("1\n", "yes: write error: No space left on device\n")
    assert len(c.read_file("/tmp/big")) == 1 * MiB  # the last write was short: the disk is full
    assert time.monotonic() - started < 30
    result = run_script(c, "echo hi >> /tmp/big; echo $?", limits=Limits(disk=1 * MiB))
    assert (result.stdout, result.stderr) == ("1\n", "sh: write error: No space left on device\n")


def test_a_write_that_does_not_fit_writes_what_fits_then_fails() -> None:
    # checked on a 4 KiB tmpfs with busybox sh: the file ends at 4096 bytes, then
    # `echo hi >> a` is "sh: write error: No space left on device", status 1
    c = container()
    script = "head -c 5000 /dev/zero > /tmp/a; wc -c < /tmp/a; echo hi >> /tmp/a; echo $?"
    result = run_script(c, script, limits=Limits(disk=4096))
    assert result.stdout == "4096\n1\n"
    assert result.stderr.endswith("No space left on device\nsh: write error: No space left on device\n")


def test_the_copy_up_at_open_counts_against_the_disk_limit() -> None:
    big = Entry.file(b"x" * (2 * MiB))
    c = container({"/data/big": big})
    result = run_script(c, "true >> /data/big; echo $?", limits=Limits(disk=1 * MiB))
    assert (result.stdout, result.stderr) == (
        "1\n",
        "/bin/sh: can't create /data/big: No space left on device\n",
    )
    assert copied(c) == []
    result = run_script(c, ": > /data/big; echo $?", limits=Limits(disk=1 * MiB))  # O_TRUNC: nothing to copy
    assert result.stdout == "0\n" and c.read_file("/data/big") == b""
