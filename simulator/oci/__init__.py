"""OCI image layouts and ``docker save`` archives: export images, import real ones.

Export (:func:`write_layout`) writes what ``skopeo`` and ``docker save`` write; import
(:func:`read_layout`, :func:`open_image`) reads what skopeo, buildah, podman, umoci and Docker
write.  This package turns files into :class:`~simulator.model.image.Image` objects and back
and knows no engine: ``engine.images.save`` and ``engine.images.load`` (in
:mod:`simulator.engine.images`) are ``docker save`` and ``docker load`` on top of it.

Digests survive the round trip: an exported layer blob is exactly the tar whose sha256 the
model shows as its DiffID, the config blob is ``image.config_bytes()`` (so its digest is the
image ID), and an imported image keeps its real DiffIDs and config bytes, so ``image.id``
equals the ID Docker would show.

Imports stream: file contents stay in the blobs on disk (size, digest and an offset are kept)
and are read again only when asked for, so a 300 MB image costs a few MB of memory.  Every
digest is checked and every tar member validated (see :mod:`simulator.oci.changeset`) before
an image is returned.

Examples:
    >>> import tempfile, os
    >>> from simulator.model import Entry, Image, Layer
    >>> image = Image.of([Layer.of({"/hello.txt": Entry.file(b"hi\\n")})])
    >>> d = tempfile.mkdtemp()
    >>> _ = write_layout(image, os.path.join(d, "layout"), ["hello:1"])
    >>> [(img.id == image.id, tags) for img, tags in read_layout(os.path.join(d, "layout"))]
    [(True, ['hello:1'])]
"""

from __future__ import annotations

import os
from typing import NamedTuple

from ..errors import ImageFormatError, ImageNotFound
from ..model import Image
from .changeset import OCIWarning
from .limits import DEFAULT_LIMITS, ImportLimits
from .reader import read_source
from .writer import FORMATS, manifest_digest, write_layout

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "ImportLimits",
    "LayoutImage",
    "OCIWarning",
    "manifest_digest",
    "open_image",
    "read_layout",
    "write_layout",
]


class LayoutImage(NamedTuple):
    """An image read from a layout and the names (``web:1``) it was tagged with there."""

    image: Image
    tags: list[str]


def read_layout(path: str | os.PathLike[str], *, limits: ImportLimits | None = None) -> list[LayoutImage]:
    """Every image in an OCI layout (directory or tar) or docker-save archive, with its tags.

    ``limits`` (an :class:`ImportLimits`; :data:`DEFAULT_LIMITS` when None: 32 GiB uncompressed
    and 1,000,000 members per layer and per archive, a compression ratio of 100 past 256 MiB, 1 MiB
    of zeros after a layer tar) stop a decompression bomb as soon as it crosses one.

    Raises:
        ImageFormatError: malformed or unsafe input, a digest that does not match, or a limit crossed.
    """
    return [LayoutImage(found.image, list(found.tags)) for found in read_source(path, limits)]


def open_image(
    path: str | os.PathLike[str], ref: str | None = None, *, limits: ImportLimits | None = None
) -> Image:
    """One image from a file, without an engine (for notebooks).

    Args:
        path: an OCI layout directory, an OCI/docker-save tar archive.
        ref: which image when there are several: a tag (``web:1``) or a bare
            ``org.opencontainers.image.ref.name`` (``latest``, as in ``oci:DIR:latest``).
        limits: as for :func:`read_layout`.
    """
    found = read_source(path, limits)
    if ref is None:
        if len(found) != 1:
            names = sorted({n for f in found for n in (*f.tags, *f.ref_names)})
            raise ImageFormatError(f"{os.fspath(path)} holds {len(found)} images; choose one of {names}")
        return found[0].image
    for item in found:
        if ref in item.tags or ref in item.ref_names or f"{ref}:latest" in item.tags:
            return item.image
    names = sorted({n for f in found for n in (*f.tags, *f.ref_names)})
    raise ImageNotFound(
        f"no image {ref!r} in {os.fspath(path)}; it holds {', '.join(names) or 'untagged images'}"
    )
