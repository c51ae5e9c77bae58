"""``ADD <url>`` and ``ADD <git repository>`` without a network.

BuildKit (moby/buildkit ``dockerfile2llb/convert_copy.go``): a URL's file is named after the
last segment of its path (``__unnamed__`` when there is none), is not unpacked, and gets mode
0600 unless ``--chmod``; ``--checksum`` works only for one HTTP(S) or Git source of ``ADD``.
layerlab has no network: the content of a URL comes from ``build(urls={url: bytes})``, and a
missing one is an error that says how to provide it.  Git sources cannot be provided: the
error says to clone into the build context and COPY.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from urllib.parse import urlparse

from simulator.errors import BuildError
from simulator.model.entries import Entry
from simulator.model.layer import Layer
from simulator.model.union import UnionView

__all__ = ["URL_ROOT", "is_git", "is_remote", "is_url", "remote_view"]

URL_ROOT = "/.layerlab-urls"  # where the downloaded files sit in the view a plan is made from


def is_url(source: str) -> bool:
    return re.match(r"^https?://", source) is not None


def is_git(source: str) -> bool:
    """``git@host:repo``, ``git://``, ``ssh://``, or an HTTP(S) URL of a ``.git`` repository."""
    if source.startswith(("git@", "git://", "ssh://")):
        return True
    return is_url(source) and re.search(r"\.git(#|$|/?#)", source) is not None


def is_remote(source: str) -> bool:
    return is_url(source) or is_git(source) or re.match(r"^[a-z][a-z0-9+.-]*://", source) is not None


def _name(url: str) -> str:
    base = posixpath.basename(urlparse(url).path)
    return base if base not in ("", ".", "/") else "__unnamed__"


def remote_view(
    keyword: str, sources: tuple[str, ...], checksum: str | None, urls: Mapping[str, bytes]
) -> tuple[UnionView, tuple[str, ...]] | None:
    """The files ``sources`` name, as a view and the paths in it; None when none is remote.

    Raises:
        BuildError: a URL in COPY, a git source, a URL whose content was not given, a checksum
            that does not match or that BuildKit refuses.
    """
    remote = [s for s in sources if is_remote(s)]
    if checksum is not None:
        if len(sources) > 1:
            raise BuildError("checksum can't be specified for multiple sources")
        if not remote:
            raise BuildError("checksum requires HTTP(S) or Git sources")
    if not remote:
        return None
    if keyword == "COPY":
        raise BuildError("source can't be a URL for COPY")
    if len(remote) != len(sources):
        raise BuildError(
            "layerlab does not simulate an ADD that mixes URLs and local files: write one ADD for each"
        )
    entries: dict[str, Entry] = {}
    paths: list[str] = []
    for source in sources:
        if is_git(source) or not is_url(source):
            raise BuildError(
                f"{source}: layerlab has no network and no git: clone it into the build context "
                "(git clone ... src/) and COPY src/ instead"
            )
        data = urls.get(source)
        if data is None:
            raise BuildError(
                f"{source}: layerlab has no network to download it: put the file in the build context "
                f"and COPY it, or give its content with build(urls={{{source!r}: b'...'}})"
            )
        if checksum is not None:
            actual = "sha256:" + hashlib.sha256(data).hexdigest()
            if checksum != actual:
                raise BuildError(f"checksum mismatch: --checksum={checksum}, but {source} has {actual}")
        path = f"{URL_ROOT}/{len(paths)}/{_name(source)}"
        entries[path] = Entry.file(bytes(data), 0o600)
        paths.append(path)
    return UnionView([Layer.of(entries.items())]), tuple(paths)
