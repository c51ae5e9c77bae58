"""A real distribution registry (Debian's ``docker-registry``) on 127.0.0.1 for one test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 15.0


@dataclass
class RealRegistry:
    address: str
    log: Path

    def access_log(self) -> list[tuple[str, str, int]]:
        """(method, uri, status) of each request, from the registry's access log lines."""
        import re

        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            m = re.search(r'"([A-Z]+) (\S+) HTTP/1\.[01]" (\d{3})', line)
            if m:
                found.append((m[1], m[2], int(m[3])))
        return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def real_registry(tmp_path: Path) -> Iterator[RealRegistry]:
    binary = shutil.which("docker-registry")
    if binary is None:
        pytest.skip("docker-registry is not installed (apt-get install docker-registry)")
    port = _free_port()
    config = tmp_path / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n  accesslog:\n    disabled: false\n"
        f"storage:\n  filesystem:\n    rootdirectory: {tmp_path / 'data'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    log = tmp_path / "registry.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([binary, "serve", str(config)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"docker-registry did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)
        yield RealRegistry(f"127.0.0.1:{port}", log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def skopeo() -> str:
    path = shutil.which("skopeo")
    if path is None:
        pytest.skip("skopeo is not installed (apt-get install skopeo)")
    return path


def run(*argv: str, timeout: float = 120) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(argv)} failed: {done.stderr[-2000:]}"
    return done.stdout
