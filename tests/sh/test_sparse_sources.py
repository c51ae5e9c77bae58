"""Issue 15: sparse files and endless sources in the RUN shell, read in pieces, never whole.

Expected outputs are busybox 1.35's on ext4 on this machine (``busybox sh -c``):
``truncate -s 1024G f; ls -l f`` shows 1099511627776, ``du f`` shows 0, ``head -c 3 f | od -c``
shows three NULs; ``echo abc > g; truncate -s 10000 g; du g`` shows 4 (one block written);
``head -c 5 /dev/zero | od -c`` shows five NULs; ``yes | head -c 6`` is ``y\\ny\\ny\\n``.
"""

from __future__ import annotations

import hashlib

from simulator.limits import Limits, MiB
from simulator.sh.run import run_script
from tests.sh.test_shell import APPLETS
from tests.sh.test_shell import container as _container

MORE = ("truncate", "ls", "du", "od", "wc", "head", "cat", "sha256sum", "yes", "tr", "printf")


def container():
    return _container(applets=(*APPLETS, *MORE))


def sh(script: str, limits: Limits | None = None, c=None) -> tuple[int, str, str]:
    result = run_script(c if c is not None else container(), script, limits=limits)
    return result.exit_code, result.stdout, result.stderr


def test_a_terabyte_file_is_a_hole():
    code, out, err = sh("truncate -s 1024G /tmp/f && ls -l /tmp/f && du /tmp/f && head -c 3 /tmp/f | od -c")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert " 1099511627776 " in lines[0]
    assert lines[1] == "0\t/tmp/f"
    assert lines[2:] == ["0000000  \\0  \\0  \\0", "0000003"]


def test_du_counts_only_the_written_block():
    code, out, _ = sh("echo abc > /tmp/g; truncate -s 10000 /tmp/g; du /tmp/g; wc -c < /tmp/g; wc -c /tmp/g")
    assert (code, out) == (0, "4\t/tmp/g\n10000\n    10000 /tmp/g\n")


def test_sparse_files_are_read_in_pieces():
    c = container()
    assert sh("truncate -s 1024G /tmp/f", c=c)[0] == 0
    # cat of a terabyte stops at the output limit (it never builds the file in memory)
    code, out, err = sh("cat /tmp/f", Limits(output=1 * MiB), c=c)
    assert code == 153 and "output limit 1 MiB reached" in err and not out.strip("\0")
    assert sh("head -c 100000 /tmp/f | wc -c", c=c) == (0, "100000\n", "")
    c.write_file("/tmp/m", b"abc")
    c.truncate("/tmp/m", 3 << 20)
    code, out, _ = sh("sha256sum /tmp/m; wc /tmp/m", c=c)
    expected = hashlib.sha256(b"abc" + bytes((3 << 20) - 3)).hexdigest()
    assert out.splitlines() == [f"{expected}  /tmp/m", "        0         1   3145728 /tmp/m"]


def test_wc_counts_words_across_pieces():
    c = container()
    c.write_file("/tmp/w", (b"ab " * 40000) + b"x" * 70000 + b" end\n")
    assert sh("wc /tmp/w", c=c)[1] == f"        1     40002    {120000 + 70005} /tmp/w\n"


def test_endless_sources_stream_and_stop():
    assert sh("head -c 5 /dev/zero | od -c") == (0, "0000000  \\0  \\0  \\0  \\0  \\0\n0000005\n", "")
    assert sh("yes | head -c 6 | od -c") == (0, "0000000   y  \\n   y  \\n   y  \\n\n0000006\n", "")
    assert sh("cat /dev/zero | head -c 3 | wc -c") == (0, "3\n", "")
    code, _, err = sh("cat /dev/zero", Limits(output=1 * MiB))
    assert code == 153 and err.endswith("output limit 1 MiB reached (Limits(output=...) or engine.limits)\n")
    c = container()  # a full disk: the write fails, the command says so and goes on
    code, out, err = sh("cat /dev/zero > /tmp/z; echo $?", Limits(disk=1 * MiB), c=c)
    assert (code, out) == (0, "1\n") and "cat: write error: No space left on device" in err
    assert c.stat("/tmp/z").size <= 1 * MiB
    code, out, err = sh("yes > /tmp/y; echo $?", Limits(disk=1 * MiB), c=c)
    assert (code, out) == (0, "1\n") and "yes: write error: No space left on device" in err


# busybox 1.35 od on this machine (printf ... | busybox od ...)
OD = [
    ("printf 'ab\\001\\177\\t\\n \\\\c' | od -c", "0000000   a   b 001 177  \\t  \\n       \\   c\n0000011\n"),
    ("head -c 40 /dev/zero | od -c", "0000000" + "  \\0" * 16 + "\n*\n0000040" + "  \\0" * 8 + "\n0000050\n"),
    ("printf abcdefghijklmnopqrstuvwxyz | od",
     "0000000 061141 062143 063145 064147 065151 066153 067155 070157\n"
     "0000020 071161 072163 073165 074167 075171\n0000032\n"),
    ("printf abc | od -An -tx1", " 61 62 63\n"),
    ("printf abc | od -b", "0000000 141 142 143\n0000003\n"),
]  # fmt: skip


def test_od_formats_as_busybox():
    for script, expected in OD:
        assert sh(script) == (0, expected, ""), script
