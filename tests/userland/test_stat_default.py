"""``stat FILE`` with no ``-c``: the default format's columns, compared with real busybox.

The model keeps no times, inode numbers of the host or block counts of the host's file system,
so those fields are masked; everything else on the lines (paddings, the Access/Uid/Gid line,
the file type, the quoting of a symlink's name) must be byte for byte busybox's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script

BUSYBOX = shutil.which("busybox")
SETUP = "cd /tmp && printf 'hi\\n' > f && : > e && mkdir d && ln -s f l && chmod 4750 e"
NAMES = ("f", "e", "d", "l")


def _mask(text: str) -> str:
    text = re.sub(r"Blocks: \d+ *", lambda m: "Blocks: " + "B".ljust(len(m.group(0)) - 8), text)
    text = re.sub(r"Device: \S+\tInode: \d+ *", "Device: D\tInode: I ", text)
    return re.sub(r"^(Access|Modify|Change): \d.*$", r"\1: T", text, flags=re.M)


def simulated(name: str) -> str:
    result = run_script(Container(library.get("alpine")), f"{SETUP} && stat {name}")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_uid_line_is_formatted_not_printed_literally() -> None:
    out = simulated("f")
    assert "Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)\n" in out
    assert "%" not in out
    assert out.splitlines()[1] == "  Size: 3         \tBlocks: 1          IO Block: 4096   regular file"


@pytest.mark.real
@pytest.mark.skipif(BUSYBOX is None, reason="busybox is not installed")
@pytest.mark.skipif(os.geteuid() != 0, reason="the files must be root's, as in the simulated container")
@pytest.mark.parametrize("name", NAMES)
def test_default_stat_matches_real_busybox(name: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        script = SETUP.replace("/tmp", d) + f" && {BUSYBOX} stat {name}"
        proc = subprocess.run(
            [BUSYBOX or "busybox", "sh", "-c", script],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr
    assert _mask(simulated(name)) == _mask(proc.stdout)
