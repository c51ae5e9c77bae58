"""Images from other stores on this machine, through ``skopeo copy``: podman's and buildah's, Docker's.

``skopeo copy SOURCE oci:DIR:TAG`` writes the image as an OCI image layout (a docker-archive
for ``docker-daemon:``, see :data:`DESTINATION`), which the simulator reads like any layout
(``simulator.oci.read_layout``).  Sources, in skopeo's transport syntax
(containers-transports(5)):

``containers-storage:NAME[:TAG]`` or ``containers-storage:[DRIVER@GRAPHROOT+RUNROOT]NAME``
    podman's and buildah's image store (``/var/lib/containers/storage`` for root, or the store
    named in brackets);
``docker-daemon:NAME:TAG``
    the images of a running ``dockerd`` (through its socket: ``$DOCKER_HOST`` when set, as for
    the docker CLI).

skopeo runs with ``--insecure-policy`` (both ends are on this machine: there is no signature to
check), bounded in time; its absence, a missing image and a timeout each give an error that says
which and what to do.
"""

from __future__ import annotations

import errno
import os
import re
import shutil

from ..errors import ImageNotFound, StoreError

__all__ = ["TRANSPORTS", "copy_to_layout", "local_name", "transport_of"]

TRANSPORTS = ("containers-storage", "docker-daemon")
TIMEOUT = 600.0
"""Seconds a copy may take (a big image from a slow disk) before it is stopped."""

# Where skopeo writes.  docker-daemon: a docker-archive, which keeps Docker's config bytes (an
# oci: copy converts a Docker config to an OCI one, dropping Docker's fields: another image ID);
# containers-storage: an OCI layout (buildah's and podman's images are OCI images by default).
DESTINATION = {"containers-storage": "oci", "docker-daemon": "docker-archive"}

_STORE_SPEC = re.compile(r"^\[[^\]]*\]")


def transport_of(source: object) -> str | None:
    """``"containers-storage"`` for ``"containers-storage:web:1"`` ..., None for a path or a name.

    Examples:
        >>> transport_of("containers-storage:localhost/web:1"), transport_of("/tmp/layout")
        ('containers-storage', None)
    """
    if not isinstance(source, str):
        return None
    head, sep, _ = source.partition(":")
    return head if sep and head in TRANSPORTS else None


def local_name(source: str) -> str | None:
    """The name an image copied from ``source`` is tagged with here (None for an image ID).

    Examples:
        >>> local_name("containers-storage:[overlay@/s+/r]localhost/web:1")
        'localhost/web:1'
        >>> local_name("docker-daemon:alpine") is None, local_name("containers-storage:" + "a" * 64)
        (False, None)
    """
    rest = _STORE_SPEC.sub("", source.partition(":")[2])
    rest = rest.partition("@sha256:")[0] if "@" in rest else rest
    if re.fullmatch(r"(sha256:)?[0-9a-f]{12,64}", rest):
        return None
    last = rest.rpartition("/")[2]
    return rest if ":" in last else rest + ":latest"


def copy_to_layout(source: str, layout: str | os.PathLike[str], *, timeout: float = TIMEOUT) -> str:
    """``skopeo copy SOURCE oci:LAYOUT:TAG`` (or ``docker-archive:``); returns the tag written there.

    Raises:
        StoreError: skopeo is not installed (errno ENOENT), it failed, or it took too long.
        ImageNotFound: the source store has no such image.
    """
    transport = transport_of(source)
    if transport is None:
        raise StoreError(
            f"{source!r} names no transport; write {' or '.join(t + ':IMAGE' for t in TRANSPORTS)}"
        )
    skopeo = shutil.which("skopeo")
    if skopeo is None:
        missing = StoreError(
            f"reading {source} needs skopeo, which is not installed (Debian: apt install skopeo); "
            "or export the image yourself (podman save --format oci-archive) and load the file"
        )
        missing.errno = errno.ENOENT
        raise missing
    import subprocess  # only here: importing the simulator starts no process machinery

    tag = "layerlab-import"
    argv = [skopeo, "--insecure-policy", "copy", "--quiet"]
    if transport == "docker-daemon" and os.environ.get("DOCKER_HOST"):  # the daemon the docker CLI uses
        argv += ["--src-daemon-host", os.environ["DOCKER_HOST"]]
    argv += [source, f"{DESTINATION[transport]}:{os.fspath(layout)}:{tag}"]
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
        )
    except subprocess.TimeoutExpired:
        raise StoreError(f"skopeo copy {source} took more than {timeout:.0f} s and was stopped") from None
    if proc.returncode != 0:
        message = (
            proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit status {proc.returncode}"
        )
        logged = re.search(r'msg="((?:[^"\\]|\\.)*)"', message)  # skopeo's logrus line: keep its msg
        message = logged[1].replace('\\"', '"') if logged else message
        lowered = proc.stderr.lower()
        if any(
            s in lowered
            for s in ("does not exist", "not found", "no such image", "does not resolve to an image")
        ):
            raise ImageNotFound(f"{source}: no such image in that store (skopeo: {message})")
        if transport == "docker-daemon" and ("cannot connect" in lowered or "docker.sock" in lowered):
            raise StoreError(f"{source}: no Docker daemon answers (skopeo: {message}); is dockerd running?")
        raise StoreError(f"skopeo copy {source} failed: {message}")
    return tag
