"""tar and gzip/gunzip/zcat: the same scenarios in the simulator and with the real tools
(busybox 1.35 for alpine, GNU tar 1.34 / gzip 1.12 for debian), plus archives made in a
container read by the real tar."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from simulator.distro import library
from simulator.model.container import Container
from tests.userland.test_textutils import FLAVORS, IMAGES, real, sim


def _no_dates(run: tuple[int, str, str]) -> tuple[int, str, str]:
    """Layers keep no mtimes, so ``tar -tv`` shows the epoch; compare without the dates."""
    code, out, err = run
    return code, re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", "DATE", out), err


SAME = [
    "mkdir -p /tmp/d/sub && echo hi > /tmp/d/a && ln -s a /tmp/d/l && cd /tmp && tar -cf o.tar d && tar -tf o.tar | sort",
    "mkdir -p /tmp/d/sub && echo hi > /tmp/d/a && cd /tmp && tar -czf o.tgz d && mkdir x && tar -xzf o.tgz -C x"
    " && cat x/d/a && ls x/d",
    "mkdir -p /tmp/d && echo hi > /tmp/d/a && cd /tmp && tar cf o.tar d && mkdir x && cd x && tar xvf ../o.tar | sort"
    " && cat d/a",
    "mkdir -p /tmp/d && echo hi > /tmp/d/a && chmod 600 /tmp/d/a && cd /tmp && tar -cf - d | tar -tvf - | sort",
    "mkdir -p /tmp/d && echo hi > /tmp/d/a && cd /tmp && tar -cvzf o.tgz d | sort",
    "cd /tmp && tar -xf nope.tar",
    "cd /tmp && tar -czf o.tgz nope",
    "mkdir -p /tmp/d && echo hi > /tmp/d/a && cd /tmp && tar -cf o.tar d && tar -tf o.tar nothere",
    "mkdir -p /tmp/d && echo hi > /tmp/d/a && cd /tmp && tar -cf o.tar d && tar -xf o.tar -C /tmp/nonexist",
    "mkdir -p /tmp/d && echo hi > /tmp/d/a && cd /tmp && tar -cf o.tar d && tar -xOf o.tar d/a",
    "mkdir -p /tmp/p/d && echo hi > /tmp/p/d/a && cd /tmp && tar -czf o.tgz p && mkdir y"
    " && tar -xzf o.tgz -C y --strip-components=1 && cat y/d/a",
    "mkdir -p /tmp/d && echo hi > /tmp/d/a && cd /tmp && tar -cf o.tar d && echo old > d/a && tar -xf o.tar && cat d/a",
    "cd /tmp && echo hello > g && gzip g && ls && gunzip g.gz && cat g",
    "cd /tmp && echo hello > g && gzip -k g && ls | sort && zcat g.gz",
    "cd /tmp && echo hello | gzip | gunzip",
    "cd /tmp && echo hello | gzip -c | zcat",
    "cd /tmp && echo hello > g && gzip -c g > h.gz && ls | sort && gunzip -c h.gz",
    "cd /tmp && gzip nope",
    "cd /tmp && echo x > g && gzip g && gzip g.gz; ls",
    "cd /tmp && echo x > f && gunzip f",
    "cd /tmp && echo x > f.gz && gunzip f.gz",
    "cd /tmp && echo x > g && echo y > g.gz && gzip g",
]


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("script", SAME)
def test_same_as_real_tool(flavor: str, script: str) -> None:
    assert _no_dates(sim(IMAGES[flavor], script)) == _no_dates(real(flavor, script))


@pytest.mark.skipif(not shutil.which("tar"), reason="tar is not installed")
@pytest.mark.parametrize("ref", ["alpine", "debian:bookworm-slim"])
def test_real_tar_reads_the_simulators_archive(ref: str) -> None:
    c = Container(library.get(ref))
    script = "mkdir -p /app/sub && echo hi > /app/a && ln -s a /app/l && chown -R nobody /app/sub && tar czf /o.tgz /app"
    assert sim(ref, script, c=c)[0] == 0
    with tempfile.TemporaryDirectory() as d:
        archive = Path(d, "o.tgz")
        archive.write_bytes(c.read_file("/o.tgz"))
        listing = subprocess.run(
            ["tar", "-tzvf", str(archive), "--numeric-owner"], capture_output=True, text=True, check=True
        ).stdout
        subprocess.run(["tar", "-xzf", str(archive), "-C", d], check=True)
        assert Path(d, "app/a").read_text() == "hi\n"
        assert Path(d, "app/l").is_symlink() and str(Path(d, "app/l").readlink()) == "a"
    rows = sorted(
        line.split()[0] + " " + line.split()[1] + " " + line.split()[-1] for line in listing.splitlines()
    )
    assert "drwxr-xr-x 65534/0 app/sub/" in rows and "-rw-r--r-- 0/0 app/a" in rows


def test_extract_keeps_owners_and_copies_up() -> None:
    c = Container(library.get("alpine"))
    assert sim("alpine", "echo x > /tmp/f && chown 405:100 /tmp/f && tar -cf /t.tar -C /tmp f", c=c)[0] == 0
    code, _, err = sim("alpine", "cd /etc && tar -xf /t.tar && stat -c '%u:%g %a' /etc/f", c=c)
    assert (code, err) == (0, "")
    assert sim("alpine", "stat -c '%u:%g' /etc/f", c=c)[1] == "405:100\n"
    assert "/etc/f" in c.upper_entries


def test_unknown_compression_says_what_layerlab_knows() -> None:
    code, _, err = sim("alpine", "tar -cjf /o.tbz /etc")
    assert code == 1 and "only knows gzip" in err
