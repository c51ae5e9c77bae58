"""What the image tables share: the generation's dates, the default PATH, history and entry makers."""

from __future__ import annotations

from typing import Any

__all__ = ["COMPUTED", "CREATED_APT", "PATH", "TRIXIE"]

PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TRIXIE = "2025-11-17T00:00:00Z"
CREATED_APT = {
    "debian-trixie-slim": TRIXIE, "debian-trixie": TRIXIE, "ubuntu-jammy": "2025-10-13T00:00:00Z",
    "python-runtime-deps-trixie": TRIXIE, "buildpack-deps-trixie-curl": TRIXIE, "buildpack-deps-trixie-scm": TRIXIE,
    "buildpack-deps-trixie": TRIXIE, "golang-trixie-gcc": TRIXIE, "python-full-deps-trixie": TRIXIE,
    "buildpack-deps-bookworm-curl": TRIXIE, "buildpack-deps-bookworm-scm": TRIXIE, "buildpack-deps-bookworm": TRIXIE,
    "python-full-deps-bookworm": TRIXIE, "golang-bookworm-gcc": TRIXIE, "dotnet-runtime-deps-bookworm": TRIXIE,
    "temurin-deps-noble": TRIXIE, "distroless-static-debian12": "1970-01-01T00:00:00Z",
    "distroless-base-debian12": "1970-01-01T00:00:00Z", "debian-bookworm": TRIXIE, "ubuntu-noble-minbase": TRIXIE,
}  # fmt: skip


def _f(path: str, size: int, mode: str = "644") -> list[Any]:
    """A layer row of a generated file of ``size`` bytes."""
    return [path, "f", mode, size]


def _t(path: str, text: str, mode: str = "644") -> list[Any]:
    """A layer row of a file holding ``text``."""
    return [path, "t", mode, text]


def _l(path: str, target: str) -> list[Any]:
    """A layer row of a symlink."""
    return [path, "l", target]


def _d(path: str, mode: str = "755", *owner: int) -> list[Any]:
    """A layer row of a directory (``owner``: uid, gid when not root's)."""
    return [path, "d", mode, *owner]


def _h(created_by: str, empty: bool = False, comment: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"created_by": created_by}
    if comment:
        out["comment"] = comment
    if empty:
        out["empty_layer"] = True
    return out


def _b(step: str, empty: bool = False) -> dict[str, Any]:
    """A BuildKit history entry: ``RUN``/``COPY``/``ADD`` end with `` # buildkit``, as docker history shows."""
    text = step + " # buildkit" if step.split(" ", 1)[0] in ("RUN", "COPY", "ADD") else step
    return _h(text, empty, "buildkit.dockerfile.v0")


COMPUTED = "; size_mb: the sum of its layers (no independent published figure for the whole image)"


def _image(tags: list[str], size_mb: float | None, source: str, created: str, layers: list[str], config: dict[str, Any],
           history: list[dict[str, Any]], base: str = "") -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {
        "tags": tags,
        "size_mb": size_mb,
        "source": source + (COMPUTED if size_mb is None else ""),
        "created": created,
    }
    if base:
        out["base"] = base
    out.update({"layers": layers, "config": config, "history": history})
    return out
