"""Issue 15: tail, grep and sort read as the real tools read.

``tail`` seeks from the end of a regular file (``tail -c 5`` of a 1 TiB hole returns at once)
and keeps only the last N lines of a pipe; ``grep`` reads line by line and stops at ``-q`` /
``-m``; what is read whole (``sort``) counts against the memory limit, so an endless or huge
input ends with the memory limit's message (the real tools' ``memory exhausted``) instead of a
``MemoryError``.  The scenarios in ``SAME`` are compared with busybox 1.35 (``busybox sh -c``
on a temporary directory), the alpine image's tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

import pytest

from simulator.distro import library
from simulator.limits import Limits, MiB
from simulator.model.container import Container
from simulator.sh.run import run_script

BUSYBOX = shutil.which("busybox")
APPLETS = ("sh", "tail", "grep", "sort", "printf", "echo", "cat", "od", "truncate", "head", "yes", "seq")

Run = tuple[int, str, str]


def sim(script: str, limits: Limits | None = None, c: Container | None = None) -> Run:
    c = c if c is not None else Container(library.get("alpine"))
    result = run_script(c, script, limits=limits)
    return result.exit_code, result.stdout, result.stderr


def real(script: str) -> Run:
    """``script`` under busybox's sh, ``/tmp`` standing for a temporary directory."""
    with tempfile.TemporaryDirectory() as d:
        bindir = os.path.join(d, ".bin")
        os.mkdir(bindir)
        for applet in APPLETS:
            os.symlink(BUSYBOX or "busybox", os.path.join(bindir, applet))
        proc = subprocess.run(
            [BUSYBOX or "busybox", "sh", "-c", script.replace("/tmp", d)],
            capture_output=True,
            env={"PATH": bindir},
            cwd=d,
            check=False,
            timeout=30,
        )
        return (
            proc.returncode,
            proc.stdout.decode().replace(d, "/tmp"),
            proc.stderr.decode().replace(d, "/tmp"),
        )


FILES = "printf 'a\\nb\\n\\nc\\nlast' > /tmp/f1; printf 'x\\ny\\nz\\n' > /tmp/f2; printf 'a1\\na2\\nb\\na3' > /tmp/g; "
SAME = [
    FILES + "tail -n 2 /tmp/f1; echo; tail -n 2 /tmp/f2; tail -n 0 /tmp/f2; tail -n 5 /tmp/f2",
    FILES + "tail -c 3 /tmp/f1; echo; tail -c 100 /tmp/f2; tail -c +3 /tmp/f2",
    FILES + "tail -n +2 /tmp/f1; echo; tail -n +1 /tmp/f2; tail -n +9 /tmp/f2",
    FILES + "tail -n 1 /tmp/f2 /tmp/nope /tmp/f1; echo rc=$?",
    FILES + "tail -n 1 /tmp/nope; echo rc=$?",
    FILES + "tail -n 1 /tmp/f2 /tmp /tmp/f1; echo rc=$?",
    "printf '\\n\\n\\n' > /tmp/f3; tail -n 2 /tmp/f3 | od -c",
    "printf 'a\\nb' | tail -n 1; echo; printf 'a\\nb\\nc\\n' | tail -n 2; printf 'abcdef' | tail -c 2",
    "printf 'a\\nb\\nc\\n' | tail -n +2; seq 1 100000 | tail -n 3; seq 1 100000 | tail -c 7",
    FILES + "tail -n 2 < /tmp/f1; echo; tail -c 4 < /tmp/f2",
    "truncate -s 100000 /tmp/h; printf 'end\\nx\\n' >> /tmp/h; tail -n 2 /tmp/h; tail -c 3 /tmp/h | od -c",
    FILES + "grep -m 2 a /tmp/g; echo rc=$?; grep -m 0 a /tmp/g; echo rc=$?",
    FILES + "grep -c -m 2 a /tmp/g; grep -m1 -v a /tmp/g; grep a3 /tmp/g; grep -c '' /tmp/g",
    FILES + "grep -n -m 1 a /tmp/g /tmp/nope /tmp/g; echo rc=$?",
    "printf 'a\\rb\\nc' | grep -c b; printf 'xa\\rb\\nc' | grep '^b'; echo rc=$?",
    "yes | grep -q y; echo $?; yes | grep -m 3 y; echo $?",
    "printf 'b\\na\\nc' | sort; printf 'x\\n' > /tmp/s; sort < /tmp/s",
]


@pytest.mark.real
@pytest.mark.skipif(not BUSYBOX, reason="busybox is not installed")
@pytest.mark.parametrize("script", SAME)
def test_same_as_busybox(script: str) -> None:
    assert sim(script) == real(script)


@pytest.mark.parametrize("script", SAME)
def test_runs_in_the_simulator(script: str) -> None:
    code, out, err = sim(script)
    assert "Traceback" not in err and code == 0 and out


def test_tail_of_a_terabyte_hole_returns_at_once() -> None:
    started = time.monotonic()
    code, out, err = sim(
        "truncate -s 1024G /tmp/big; tail -c 5 /tmp/big | od -c; printf 'end\\nx\\n' >> /tmp/big; "
        "tail -n 1 /tmp/big; tail -c 6 /tmp/big; tail -c 2 < /tmp/big"
    )
    assert (code, err) == (0, "")
    assert out == "0000000  \\0  \\0  \\0  \\0  \\0\n0000005\nx\nend\nx\nx\n"
    assert time.monotonic() - started < 5


def test_tail_of_a_pipe_keeps_only_the_last_lines() -> None:
    code, out, _ = sim("seq 1 300000 | tail -n 2", limits=Limits(memory=1 * MiB))
    assert (code, out) == (0, "299999\n300000\n")


@pytest.mark.parametrize(
    "script",
    [
        "tail -n 1 /dev/zero",  # one endless line
        "cat /dev/zero | tail -n 1",
        "grep -q x /dev/zero",
        "cat /dev/zero | grep x",
        "sort /dev/zero",
        "truncate -s 1024G /tmp/big; sort /tmp/big",  # read whole: larger than the limit
        "truncate -s 1024G /tmp/big; sort < /tmp/big",
    ],
)
def test_endless_or_huge_input_ends_at_the_memory_limit(script: str) -> None:
    started = time.monotonic()
    code, out, err = sim(script + "; echo not reached", limits=Limits(memory=4 * MiB))
    assert (code, out) == (137, "")
    assert err == (
        "layerlab: command killed: memory limit 4 MiB reached (out of memory) (Limits(memory=...) or engine.limits)\n"
    )
    assert time.monotonic() - started < 10


def test_grep_stops_reading_at_the_first_match() -> None:
    c = Container(library.get("alpine"))
    c.write_file("/tmp/f", b"x\n")
    c.truncate("/tmp/f", 1 << 40)  # a match, then a terabyte of zeros without a line end
    assert sim("grep -q x /tmp/f; echo $?; grep -m 1 x /tmp/f", c=c) == (0, "0\nx\n", "")


def test_grep_counts_a_line_being_read_and_gives_it_back() -> None:
    code, out, _ = sim(
        "seq 1 200000 > /tmp/n; grep -c 7 /tmp/n; grep -c 7 /tmp/n", limits=Limits(memory=1 * MiB)
    )
    assert (code, out) == (0, "81902\n81902\n")
