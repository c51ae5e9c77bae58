"""``podman_diff``: the real podman's ``diff`` beside the model's ``diff(style="podman")``."""

from __future__ import annotations

import os

import pytest

from simulator.backends.compare import busybox_layer
from simulator.model import Container, Entry, Image, Layer
from simulator.sh.run import run_script
from simulator.teaching.realdiff import RealDiff, podman_diff
from tests.engine.test_image_stores import SCENARIOS
from tests.realtools import harness

BUSYBOX = "/usr/bin/busybox"
APPLETS = ("sh", "echo", "rm", "mkdir", "mv", "touch", "ln", "chmod")


def test_without_podman_it_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert podman_diff(Image.of([]), "true") == "podman and runc are not installed here"


@pytest.mark.real
@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[s[0][:30] for s in SCENARIOS])
def test_real_podman_diff_matches_the_model(index: int) -> None:
    harness.require("podman", "runc", "busybox")
    if os.geteuid() != 0 or not os.path.exists(BUSYBOX):
        pytest.skip("root and Debian's static busybox are needed")
    base = Layer.of(
        {
            "/app": Entry.directory(),
            "/app/logs": Entry.directory(),
            "/app/logs/old.log": Entry.file(b"o\n"),
            "/app/data.txt": Entry.file(b"d\n"),
            "/etc": Entry.directory(),
            "/etc/motd": Entry.file(b"hi\n"),
            # podman creates these (mount points, the mtab link) when absent (/etc then shows C), as in the
            # image committed from a podman container that SCENARIOS start from
            "/etc/hosts": Entry.file(b""),
            "/etc/hostname": Entry.file(b""),
            "/etc/resolv.conf": Entry.file(b""),
            "/etc/mtab": Entry.symlink("/proc/mounts"),
        }
    )
    image = Image.of([busybox_layer(BUSYBOX, APPLETS), base])
    script = SCENARIOS[index][0]
    model = Container(image)
    assert run_script(model, script).exit_code == 0
    real = podman_diff(image, script)
    assert isinstance(real, RealDiff), real
    assert sorted(real.lines) == sorted(model.diff_text("podman").splitlines())
