"""sed, tr, cut, date, stat, du, the checksums, mktemp, install, nproc, hostname.

Each scenario runs twice: in the simulator on a library image (alpine: busybox applets; debian:
GNU binaries) and with the real tool on a temporary directory (``busybox APPLET`` for the
first, GNU coreutils/sed under ``dash`` for the second), and the two must agree on exit
status, stdout and stderr.  The real runs are skipped where the tool is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script

BUSYBOX = shutil.which("busybox")
GNU = shutil.which("dash") and shutil.which("sed") and os.path.realpath(shutil.which("sed") or "") != BUSYBOX
APPLETS = (
    "sh",
    "tar",
    "gzip",
    "gunzip",
    "zcat",
    "mkdir",
    "ln",
    "ls",
    "sort",
    "cd",
    "sed",
    "awk",
    "tr",
    "cut",
    "sha256sum",
    "md5sum",
    "sha1sum",
    "stat",
    "echo",
    "printf",
    "cat",
    "date",
)

Run = tuple[int, str, str]


def sim(ref: str, script: str, stdin: bytes = b"", c: Container | None = None) -> Run:
    """``script`` in a fresh container of the library image ``ref``."""
    c = c if c is not None else Container(library.get(ref))
    result = run_script(c, script, stdin=stdin)
    return result.exit_code, result.stdout, result.stderr


def real(flavor: str, script: str, stdin: bytes = b"") -> Run:
    """``script`` with the real tools in a temporary directory standing for ``/tmp``.

    ``/tmp`` in the script becomes that directory (and the directory ``/tmp`` in the output),
    so both runs name the same paths and the real run never touches the host's ``/tmp``.
    """
    with tempfile.TemporaryDirectory() as d:
        script = script.replace("/tmp", d)
        if flavor == "busybox":
            bindir = os.path.join(d, ".bin")
            os.mkdir(bindir)
            for applet in APPLETS:
                os.symlink(BUSYBOX or "busybox", os.path.join(bindir, applet))
            argv, env = [BUSYBOX or "busybox", "sh", "-c", script], {"PATH": bindir}
        else:
            argv, env = ["dash", "-c", script], {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC"}
        proc = subprocess.run(argv, input=stdin, capture_output=True, env=env, cwd=d, check=False)
        return (
            proc.returncode,
            proc.stdout.decode().replace(d, "/tmp"),
            proc.stderr.decode().replace(d, "/tmp"),
        )


IMAGES = {"busybox": "alpine", "gnu": "debian:bookworm-slim"}
needs = {
    "busybox": pytest.mark.skipif(not BUSYBOX, reason="busybox is not installed"),
    "gnu": pytest.mark.skipif(not GNU, reason="GNU sed/coreutils and dash are not installed"),
}
FLAVORS = [pytest.param(f, marks=needs[f]) for f in ("busybox", "gnu")]

SAME = [
    # sed
    "printf 'hello world\\nfoo bar\\n' > /tmp/f; sed 's/o/0/g' /tmp/f",
    "printf 'a\\nb\\nc\\nd\\n' | sed -n '2,3p'",
    "printf 'a\\nb\\nc\\nd\\n' | sed '2d;$d'",
    "printf 'a=1\\nb=2\\n' | sed -E 's/([a-z])=([0-9])/\\2:\\1/'",
    "printf 'a=1\\nb=2\\n' | sed 's/\\([a-z]\\)=\\([0-9]\\)/\\2:\\1/'",
    "printf 'x\\ny\\n' | sed '1i\\\nfirst'",
    "printf 'x\\ny\\n' | sed '/x/a after-x'",
    "printf 'x\\ny\\n' | sed '$a last'",
    "printf 'x\\ny\\n' | sed 'y/xy/XY/'",
    "printf '#c\\nkeep\\n\\n' | sed -e '/^#/d' -e '/^$/d'",
    "printf 'listen 80;\\n' > /tmp/c; sed -i 's/80/8080/' /tmp/c && cat /tmp/c",
    "printf 'listen 80;\\n' > /tmp/c; sed -i.bak 's/80/81/' /tmp/c && cat /tmp/c /tmp/c.bak",
    "printf 'aaa bbb\\n' | sed 's/a/X/2'",
    "printf 'a b\\n' | sed 's|a|/|'",
    "printf 'one\\ntwo\\nthree\\n' | sed -n '/two/,$p'",
    "printf 'one\\ntwo\\nthree\\n' | sed 2q",
    "printf 'one\\ntwo\\nthree\\n' | sed -n '$='",
    "printf 'one\\ntwo\\nthree\\n' | sed '/two/!d'",
    "printf 'one\\ntwo\\nthree\\n' | sed '/one/,/two/{s/o/0/g}'",
    "printf 'one\\ntwo\\n' | sed 'N;s/\\n/+/'",
    "printf 'abc' | sed 's/b/B/'",
    "printf 'abc\\n' | sed 's/b/[&]/'",
    "printf 'A b\\n' | sed 's/[[:upper:]]/u/g'",
    "printf 'PermitRootLogin yes\\n' | sed 's/^#*PermitRootLogin .*/PermitRootLogin no/'",
    "printf 'k = v\\n' | sed -e 's/ *= */=/' -e 's/^/export /'",
    "sed 's/a/b' /dev/null",
    "sed k /dev/null",
    "sed 's/a/b/' /tmp/nope",
    # tr
    "printf 'hello\\n' | tr a-z A-Z",
    "printf 'hello\\n' | tr -d l",
    "printf 'aabbcc\\n' | tr -s ab",
    "printf 'a,b;c\\n' | tr ',;' '\\n\\n'",
    "printf 'Hello 123\\n' | tr -cd '[:digit:]'",
    "printf 'Hello\\n' | tr '[:lower:]' '[:upper:]'",
    "printf 'a  b   c\\n' | tr -s ' '",
    "printf 'abc\\n' | tr abc x",
    # cut
    "printf 'a:b:c\\n1:2:3\\n' | cut -d: -f2",
    "printf 'a:b:c\\n1:2:3\\n' | cut -d: -f1,3",
    "printf 'a:b:c\\n' | cut -d: -f2-",
    "printf 'abcdef\\n' | cut -c2-4",
    "printf 'abcdef\\n' | cut -c-2",
    "printf 'nodelim\\n' | cut -d: -f2",
    "printf 'nodelim\\n' | cut -s -d: -f2",
    "printf 'a\\tb\\n' | cut -f2",
    # awk: the one-action programs of install scripts (official images' Dockerfiles)
    "printf 'amd64\\n' | awk -F- '{ print $NF }'",
    "printf 'x86_64-linux-gnu\\n' | awk -F- '{ print $1 }'",
    "printf '  a b  c\\n d e\\n' | awk '{ print $2, $NF; print NF \"-\" $(NF-1) }'",
    "printf 'a b\\n\\nc\\n' | awk '{ print $(NF-1) }'",
    "printf 'a:b\\nc:d\\n' > /tmp/f; awk -F: '{print $2 \"!\"}' /tmp/f; awk '{ print }' /tmp/f",
    "printf 'a\\tb c\\n' | awk -F'\\t' '{print $2}'",
    # checksums
    "printf 'abc\\n' > /tmp/x; sha256sum /tmp/x; md5sum /tmp/x; sha1sum /tmp/x",
    "printf 'abc' | sha256sum",
    "printf 'abc\\n' > /tmp/x; echo \"$(sha256sum /tmp/x | cut -d' ' -f1)  /tmp/x\" | sha256sum -c -",
    "printf 'abc\\n' > /tmp/x; echo 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  /tmp/x'"
    " | sha256sum -c -",
    "sha256sum /tmp/nope",
    # stat, date
    "printf 'abc\\n' > /tmp/x; chmod 640 /tmp/x; stat -c '%n %s %a %A %F %U:%G' /tmp/x; stat -c '%s %F' /tmp",
    "printf '' > /tmp/e; stat -c %F /tmp/e",
    "stat /tmp/nope",
    "date -u -d @0 +%Y-%m-%dT%H:%M:%SZ",
    "date -d @86400",
    "date -u -d @1700000000 '+%s %j %a %b %e %Z'",
]


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("script", SAME)
def test_same_as_real_tool(flavor: str, script: str) -> None:
    assert sim(IMAGES[flavor], script) == real(flavor, script)
