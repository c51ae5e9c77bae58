"""layerlab against a real Docker daemon (Debian's docker.io 20.10, overlay2 store).

Each module run starts its own ``dockerd`` (no iptables, no bridge, its own data root and
socket in a temporary directory) and stops it at the end.  The base image is imported from the
harness's busybox rootfs tar.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator import Engine
from tests.engine.test_image_stores import SCENARIOS, SETUP
from tests.realtools import harness

pytestmark = pytest.mark.real

DOCKER = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else shutil.which("docker")


@pytest.fixture(scope="module")
def docker() -> Iterator[dict[str, str]]:
    dockerd = shutil.which("dockerd")
    if dockerd is None or DOCKER is None or os.geteuid() != 0:
        pytest.skip("dockerd (Debian's docker.io) and root are needed to start a private Docker daemon")
    harness.require("busybox")
    d = Path(tempfile.mkdtemp(prefix="layerlab-docker-"))
    sock = d / "docker.sock"
    log = open(d / "log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [dockerd, "--iptables=false", "--ip6tables=false", "--bridge=none", f"--data-root={d}/root",
         f"--exec-root={d}/exec", f"-H=unix://{sock}", f"--pidfile={d}/pid"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    env = dict(os.environ, DOCKER_HOST=f"unix://{sock}")
    try:
        deadline = time.monotonic() + 60
        while True:
            ok = (
                sock.exists()
                and subprocess.run([DOCKER, "info"], env=env, capture_output=True, timeout=30).returncode == 0
            )
            if ok:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"dockerd could not start: {(d / 'log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        (d / "bb.tar").write_bytes(harness.rootfs_tar_bytes(harness.busybox_rootfs_spec()))
        _docker(env, "import", str(d / "bb.tar"), "bb:1")
        _docker(env, "run", "--network", "none", "--name", "base", "bb:1", "sh", "-c", SETUP)
        _docker(env, "commit", "base", "app:1")
        yield env
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        with open("/proc/self/mounts") as f:
            mounts = [line.split()[1] for line in f if line.split()[1].startswith(str(d) + "/")]
        for target in sorted(mounts, key=len, reverse=True):
            subprocess.run(["umount", "-l", target], check=False, capture_output=True, timeout=30)
        shutil.rmtree(d, ignore_errors=True)


def _docker(env: dict[str, str], *args: str) -> str:
    assert DOCKER is not None
    proc = subprocess.run([DOCKER, *args], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"docker {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def _model() -> Engine:
    engine = Engine(image_store="overlay2")  # the daemon's store
    engine.images.pull("busybox:1.36")
    base = engine.containers.run("busybox:1.36", ["sh", "-c", SETUP], detach=False)
    base.commit(repository="app", tag="1")
    return engine


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s[0][:30] for s in SCENARIOS])
def test_docker_diff_matches(docker: dict[str, str], index: int) -> None:
    cmd = SCENARIOS[index][0]
    name = f"ll-diff-{index}"
    _docker(docker, "run", "--network", "none", "--name", name, "app:1", "sh", "-c", cmd)
    real = sorted(_docker(docker, "diff", name).split("\n")[:-1], key=lambda line: line[2:])
    c = _model().containers.run("app:1", ["sh", "-c", cmd], detach=False)
    assert [str(x) for x in c.diff()] == real == SCENARIOS[index][1]


def test_native_overlay_diff_does_not_change_docker_diff(docker: dict[str, str]) -> None:
    # moby ac5d363e67 (2018): overlay2's Changes is the naive comparison whatever the driver's
    # checks say; "Native Overlay Diff" only chooses how layers are exported (Diff, DiffSize).
    info = _docker(docker, "info")
    assert "Storage Driver: overlay2" in info
    assert "Native Overlay Diff:" in info


def test_ps_size_matches(docker: dict[str, str]) -> None:
    cmds = {"ll-ps-a": "echo y >> /etc/motd", "ll-ps-b": "rm -rf /app", "ll-ps-c": "echo hello > /new"}
    engine = _model()
    for name, cmd in cmds.items():
        _docker(docker, "run", "--network", "none", "--name", name, "app:1", "sh", "-c", cmd)
        engine.containers.run("app:1", ["sh", "-c", cmd], detach=False, name=name)
    real = {}
    for line in _docker(docker, "ps", "-as", "--format", "{{.Names}}\t{{.Size}}").splitlines():
        name, size = line.split("\t")
        real[name] = size.split(" ")[0]
    for name in cmds:
        from simulator.text import human_size

        assert human_size(engine.containers.get(name).size_rw) == real[name], name


def test_history_created_by_and_sizes(docker: dict[str, str]) -> None:
    engine = _model()
    real = _docker(docker, "history", "--no-trunc", "--format", "{{.CreatedBy}}\t{{.Size}}", "app:1")
    top = real.splitlines()[0].split("\t")
    image = engine.images.get("app:1")
    assert top[0] == "sh -c " + SETUP == image.history[-1].created_by
    from simulator.text import human_size

    assert top[1] == human_size(image.layers[-1].size)


def test_inspect_and_digests_of_a_committed_image(docker: dict[str, str]) -> None:
    """overlay2 store: ``Id`` is the config digest (what ``images -q --no-trunc`` lists), ``Size``
    the sum of the layers' sizes (``history``), no RepoDigests and DIGEST ``<none>`` for an image
    that was never pulled; layerlab's overlay2 engine answers the same way."""
    import json

    from tests.cli._helpers import cli

    [real] = json.loads(_docker(docker, "image", "inspect", "app:1"))
    real_ids = _docker(docker, "images", "-q", "--no-trunc", "app:1").split()
    real_sizes = _docker(docker, "history", "-H=false", "--format", "{{.Size}}", "app:1").split()
    real_digest = _docker(docker, "images", "--digests", "--format", "{{.Digest}}", "app:1").split()
    assert real["Id"] == real_ids[0] and real["Id"].startswith("sha256:")
    assert real["Size"] == sum(int(s) for s in real_sizes)
    assert real["RepoDigests"] == [] and real_digest == ["<none>"]
    engine = _model()
    [model] = json.loads(cli("inspect", "app:1", engine=engine).out)
    image = engine.images.get("app:1")
    assert model["Id"] == cli("images", "-q", "--no-trunc", "app", engine=engine).out.split()[0] == image.id
    assert model["Size"] == sum(layer.size for layer in image.layers)
    digests = cli("images", "--digests", "--format", "{{.Digest}}", "app", engine=engine).out.split()
    assert model["RepoDigests"] == [] and digests == ["<none>"]
