"""The real tool's ``diff``: run a shell script in a container of an image with real podman.

:func:`podman_diff` writes the image as an OCI layout, runs ``sh -c SCRIPT`` in it with
podman (its own storage and configuration in a temporary directory, no network, runc,
cgroupfs), and returns what ``podman diff`` prints, so a lesson can put the real tool's answer
beside the model's (``c.diff(style="podman")``).  Where podman cannot run (not installed, not
root, no runc), it returns the reason instead, and the caller says so.

podman's ``diff`` is containers/storage's overlay driver's: an opaque directory is reported as
deleted (``D``), where Docker (both image stores) reports ``C`` and the deleted children.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from ..model.image import Image
from ..oci import write_layout

__all__ = ["RealDiff", "podman_diff"]

# containers/storage and containers.conf settings of a private, network-less podman
# (storage.conf(5), containers.conf(5)); the same the test suite's real-tool harness uses.
# default_ulimits: podman would copy the host's rlimits, which a container may not be allowed
# to set ("error setting rlimit type 7: operation not permitted")
_STORAGE_CONF = '[storage]\ndriver = "overlay"\ngraphroot = "{root}"\nrunroot = "{run}"\n'
_CONTAINERS_CONF = (
    '[containers]\ndefault_ulimits = ["nofile=10000:10000", "nproc=1000:1000"]\nnetns = "none"\n\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n'
    'events_logger = "none"\n'
)
_POLICY = '{"default": [{"type": "insecureAcceptAnything"}]}\n'


@dataclass(frozen=True, slots=True)
class RealDiff:
    """``podman diff``'s lines after the script ran (``tool``: ``podman --version``)."""

    tool: str
    lines: tuple[str, ...]


def podman_diff(image: Image, script: str, *, timeout: float = 120) -> RealDiff | str:
    """Run ``sh -c script`` in a podman container of ``image`` (which must hold ``/bin/sh``);
    the container's ``podman diff``, or why podman cannot run here.

    podman creates ``/etc/hosts``, ``/etc/hostname``, ``/etc/resolv.conf`` and the symlink
    ``/etc/mtab -> /proc/mounts`` in the container when the image lacks them (``diff`` hides
    them, not the ``C /etc`` they cause): give the image those to compare with a model
    container that never ran under podman."""
    podman, runc = shutil.which("podman"), shutil.which("runc")
    if podman is None or runc is None:
        return "podman and runc are not installed here"
    if os.geteuid() != 0:
        return "this lesson runs podman as root only (its rootless mode needs a user namespace set up)"
    # a path podman accepts in an oci: reference: lower case, no "_" runs (tempfile's may have them)
    base = os.path.join(tempfile.gettempdir(), f"layerlab-realdiff-{secrets.token_hex(6)}")
    os.mkdir(base, 0o700)
    try:
        root, run = os.path.join(base, "root"), os.path.join(base, "run")
        files = {
            "storage.conf": _STORAGE_CONF.format(root=root, run=run),
            "containers.conf": _CONTAINERS_CONF,
            "registries.conf": "unqualified-search-registries = []\n",
            "policy.json": _POLICY,
        }
        for name, text in files.items():
            with open(os.path.join(base, name), "w", encoding="utf-8") as f:
                f.write(text)
        write_layout(image, os.path.join(base, "oci"), "layerlab")
        env = dict(
            os.environ,
            CONTAINERS_STORAGE_CONF=os.path.join(base, "storage.conf"),
            CONTAINERS_CONF=os.path.join(base, "containers.conf"),
            CONTAINERS_REGISTRIES_CONF=os.path.join(base, "registries.conf"),
            TMPDIR=base,
        )

        def call(*args: str) -> str:
            proc = subprocess.run(
                [podman, *args],
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            if proc.returncode != 0:
                raise RuntimeError(f"podman {args[0]}: {proc.stderr.strip()[-500:]}")
            return proc.stdout

        try:
            version = call("--version").strip()
            call("run", "--runtime", runc, "--network", "none", "--name", "layerlab-diff",
                 "--signature-policy", os.path.join(base, "policy.json"),
                 f"oci:{base}/oci:latest", "sh", "-c", script)  # fmt: skip
            lines = tuple(line for line in call("diff", "layerlab-diff").splitlines() if line)
            call("rm", "-f", "layerlab-diff")
            call("rmi", "-a", "-f")
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
            return f"podman could not run the container here ({exc})"
        return RealDiff(version, lines)
    finally:
        _unmount_below(base)
        shutil.rmtree(base, ignore_errors=True)


def _unmount_below(base: str) -> None:
    """Lazily unmount what podman left mounted below ``base`` (deepest first)."""
    try:
        with open("/proc/self/mounts", encoding="utf-8") as f:
            mounts = [line.split()[1] for line in f if line.split()[1].startswith(base + "/")]
    except OSError:
        return
    for target in sorted(mounts, key=len, reverse=True):
        subprocess.run(["umount", "-l", target], check=False, capture_output=True, timeout=30)
