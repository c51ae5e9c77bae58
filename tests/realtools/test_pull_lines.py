"""``engine.images.pull``'s lines against the real ``docker pull`` (Debian's docker 20.10 on a
private daemon, the ``docker`` fixture of test_docker.py), both pulling the same image from
layerlab's registry served over HTTP on 127.0.0.1 (Docker trusts 127.0.0.0/8 without TLS).

Compared: every line, in order, except that the real client downloads layers concurrently,
so only each layer's own sequence of statuses is ordered (seen here: the second layer's
"Verifying Checksum" before the first's).
"""

from __future__ import annotations

import subprocess

import pytest

from simulator import Engine
from simulator.registry import Registry, serve
from tests.realtools.test_docker import DOCKER, docker  # noqa: F401  (the private daemon fixture)

pytestmark = pytest.mark.real


def per_layer(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The lines without a layer id, in order, and each layer's statuses, in order."""
    plain: list[str] = []
    layers: dict[str, list[str]] = {}
    for line in lines:
        sid, colon, status = line.partition(": ")
        if colon and len(sid) == 12 and all(c in "0123456789abcdef" for c in sid):
            layers.setdefault(sid, []).append(status)
        else:
            plain.append(line)
    return plain, layers


def test_pull_prints_what_docker_pull_prints(
    docker: dict[str, str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert DOCKER is not None
    engine = Engine(image_store="overlay2")  # the daemon's store
    engine.images.pull("busybox:1.36", quiet=True)
    app = engine.images.build("FROM busybox:1.36\nRUN echo hi > /x\n", context={}).image
    with serve(Registry()) as server:
        ref = f"{server.address}/library/demo:3.12"
        engine.images.tag(app, ref)
        engine.images.push(ref, quiet=True)
        real = []
        for _ in range(2):  # a new image, then "Image is up to date"
            proc = subprocess.run(
                [DOCKER, "pull", ref], env=docker, capture_output=True, text=True, timeout=120
            )
            assert proc.returncode == 0, proc.stderr
            real.append(proc.stdout.splitlines())
        other = Engine(image_store="overlay2")
        capsys.readouterr()
        simulated = []
        for _ in range(2):
            other.images.pull(ref)
            simulated.append(capsys.readouterr().out.splitlines())
    assert [per_layer(lines) for lines in simulated] == [per_layer(lines) for lines in real]
    assert real[0][0] == "3.12: Pulling from library/demo" and real[0][-1] == ref
    assert simulated[1] == real[1]  # no layer lines: the same lines in the same order
