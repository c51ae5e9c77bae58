"""Image references: ``name[:tag]`` split, and the Docker Hub short forms made canonical."""

from __future__ import annotations

from .errors import InvalidReference

__all__ = ["normalize_ref", "parse_reference"]


def parse_reference(ref: str) -> tuple[str, str]:
    """``"busybox"`` -> ``("busybox", "latest")``; ``"localhost:5000/a:1"`` -> ``("localhost:5000/a", "1")``."""
    if not isinstance(ref, str) or not ref.strip():
        raise InvalidReference(ref)
    name, sep, tag = ref.rpartition(":")
    if not sep or "/" in tag:
        return ref, "latest"
    return name, tag


def normalize_ref(ref: str) -> str:
    """``nginx`` -> ``nginx:latest``; ``docker.io/library/alpine:3.20`` -> ``alpine:3.20``."""
    for prefix in ("docker.io/library/", "library/", "index.docker.io/library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
    if ref == "scratch":
        return ref
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last or "@" in last else ref + ":latest"
