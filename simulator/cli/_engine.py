"""Where the command's engine comes from: :func:`open_engine` is the only place that opens one.

The store lives at ``$LAYERLAB_ROOT``, else ``$XDG_DATA_HOME/layerlab`` (``~/.local/share/layerlab``
when ``XDG_DATA_HOME`` is unset or not absolute, as the XDG Base Directory specification says);
``--root`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..engine import Engine

__all__ = ["default_root", "open_engine"]


def default_root(environ: dict[str, str] | None = None) -> Path:
    """``$LAYERLAB_ROOT``, else ``$XDG_DATA_HOME/layerlab``, else ``~/.local/share/layerlab``."""
    env = os.environ if environ is None else environ
    if env.get("LAYERLAB_ROOT"):
        return Path(env["LAYERLAB_ROOT"])
    xdg = env.get("XDG_DATA_HOME", "")
    # the spec: "If $XDG_DATA_HOME is either not set or empty, a default equal to
    # $HOME/.local/share should be used"; relative paths "should be ignored"
    base = (
        Path(xdg) if xdg and os.path.isabs(xdg) else Path(env.get("HOME", "~")).expanduser() / ".local/share"
    )
    return base / "layerlab"


def open_engine(root: str | os.PathLike[str], *, persistent: bool = True) -> Engine:
    """The engine whose store is at ``root`` (created when missing).

    Args:
        persistent: the command needs what earlier commands stored (``images``, ``ps``...) or
            stores something for later ones (``build``, ``run``...); one that does not
            (``analyze`` of an archive or of a built-in library image) gets an in-memory engine.
    """
    if not persistent:
        return Engine()
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return Engine.open(path)
