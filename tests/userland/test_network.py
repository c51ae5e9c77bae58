"""curl and wget without a network: the real tools' failures when a name does not resolve
(curl 7.88, GNU Wget 1.21, busybox 1.35 wget), then layerlab's line saying why."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script
from tests.userland.test_textutils import sim

NOTE = re.compile(r"layerlab: (curl|wget): there is no network.*\n")
HOST = "example.invalid"  # RFC 6761: never resolves, so the real tools fail without touching the network


def _real(argv: list[str]) -> tuple[int, str, str]:
    proc = subprocess.run(argv, capture_output=True, check=False, timeout=30, cwd="/")
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def _sim_without_note(ref: str, script: str) -> tuple[int, str, str]:
    code, out, err = sim(ref, script)
    assert NOTE.search(err), err
    return code, out, NOTE.sub("", err)


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")  # nginx:1.27 has /usr/bin/curl
@pytest.mark.parametrize(
    "args",
    [
        ["-fsSL", f"https://{HOST}/install.sh"],
        ["-sS", f"http://{HOST}/"],
        ["-s", f"http://{HOST}/"],
        ["-o", "/dev/null", f"http://{HOST}/"],
        ["-fsSL", "http://localhost:1/health"],
        [],
    ],
)
def test_curl_fails_like_curl(args: list[str]) -> None:
    script = "curl " + " ".join(args)
    expected = _real(["curl", *args])
    got = _sim_without_note("nginx", script) if args else sim("nginx", script)
    err = re.sub(r"after \d+ ms", "after 0 ms", expected[2])
    # a slow lookup makes real curl redraw its progress meter once a second; the model's is
    # instant, so only the first drawing is compared
    err = re.sub(r"(\r[^\r\n]*?)(?:\r[^\r\n]*?)+(?=curl: )", r"\1", err)
    expected = (expected[0], expected[1], err)
    assert got == expected


@pytest.mark.skipif(not shutil.which("busybox"), reason="busybox is not installed")
@pytest.mark.parametrize("args", [[f"http://{HOST}/a.tgz"], ["-q", "-O", "-", f"http://{HOST}/"]])
def test_busybox_wget_fails_like_busybox(args: list[str]) -> None:
    assert _sim_without_note("alpine", "wget " + " ".join(args)) == _real(["busybox", "wget", *args])


@pytest.mark.skipif(
    not shutil.which("wget") or "GNU Wget" not in _real(["wget", "--version"])[1],
    reason="GNU wget is not installed",
)
@pytest.mark.parametrize(
    "args", [["-q", f"http://{HOST}/a"], ["-nv", f"http://{HOST}/a"], [f"http://{HOST}/a"]]
)
def test_gnu_wget_fails_like_gnu_wget(args: list[str]) -> None:
    c = Container(library.get("debian:bookworm-slim"))
    c.write_file("/usr/bin/wget", b"\x7fELF wget", mode=0o755)  # `apt-get install wget`, in short
    result = run_script(c, "wget " + " ".join(args))
    expected = _real(["wget", *args])
    stamp = re.compile(r"--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d--")
    assert (result.exit_code, result.stdout, stamp.sub("--T--", NOTE.sub("", result.stderr))) == (
        expected[0],
        expected[1],
        stamp.sub("--T--", expected[2]),
    )


def test_gnu_wget_leaves_an_empty_output_file() -> None:
    c = Container(library.get("debian:bookworm-slim"))
    c.write_file("/usr/bin/wget", b"\x7fELF wget", mode=0o755)
    assert run_script(c, f"wget -q -O /tmp/x.tgz http://{HOST}/x.tgz").exit_code == 4
    assert c.read_file("/tmp/x.tgz") == b""


def test_images_without_curl_say_not_found() -> None:
    result = run_script(Container(library.get("debian:bookworm-slim")), "curl -fsSL https://example.com")
    assert result.exit_code == 127 and "curl: not found" in result.stderr
