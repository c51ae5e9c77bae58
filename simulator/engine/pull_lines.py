"""``docker pull``'s lines for an image of the built-in library, as the real client prints them.

Checked against Debian's docker 20.10 pulling from a local ``docker-registry`` (non-terminal
output, moby ``distribution/pull_v2.go`` and docker/cli ``image/pull.go``)::

    Using default tag: latest                      a name without a tag
    3.12: Pulling from library/python              TAG: Pulling from PATH (the registry's path)
    26f1ffbe6c56: Already exists                   a layer the store has
    58a4a5f1cfb7: Pulling fs layer                 one it has not, then for each of those:
    58a4a5f1cfb7: Verifying Checksum
    58a4a5f1cfb7: Download complete
    58a4a5f1cfb7: Pull complete
    Digest: sha256:...                             the manifest's digest
    Status: Downloaded newer image for python:3.12     (or "Image is up to date for ...")
    docker.io/library/python:3.12                  the reference, fully qualified

The layer ids are the compressed blobs' (the registry client's order of lines, see
:mod:`simulator.registry.transfer`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model.image import Image
from ..reference import familiar_name, full_name, parse_reference, split_domain

__all__ = ["default_tag_line", "library_pull_lines", "pulled_name"]


def default_tag_line(ref: str) -> list[str]:
    """docker/cli pull.go: a name without tag or digest is pulled as ``latest``, and says so."""
    last = ref.rsplit("/", 1)[-1]
    return [] if ":" in last or "@" in last else ["Using default tag: latest"]


def pulled_name(ref: str, registry: object = None) -> str:
    """The last line of ``docker pull``: the reference pulled, fully qualified (docker/cli
    pull.go prints ``reference.TagNameOnly(ref)``); with a registry given apart, under its host."""
    first = ref.partition("/")[0]
    names_host = "/" in ref and ("." in first or ":" in first or first == "localhost")
    if isinstance(registry, str) and not names_host:
        return full_name(f"{registry}/{ref}")
    return full_name(ref)


def library_pull_lines(
    ref: str, image: Image, up_to_date: bool, local: Iterable[Image], store: str
) -> tuple[list[str], str]:
    """The lines of ``docker pull ref`` bringing the library's ``image`` into a store holding
    ``local`` (``store``: ``"overlay2"`` or ``"containerd"``), and the manifest digest.

    Computing the digest compresses each layer once per process (cached on the layer): the
    price of an image's first pull, as a real pull pays the download."""
    from ..registry.content import image_content  # the engine sits above the registry room

    content = image_content(image)
    digest = str(content.manifest_digest)
    _, remainder = split_domain(full_name(ref))
    path, _, tag = remainder.rpartition(":")
    lines = [*default_tag_line(ref), f"{tag}: Pulling from {path}"]
    if not up_to_date:
        lines += _layer_lines(image, [d.digest for d in content.layers], list(local), store)
    name, t = parse_reference(familiar_name(ref))
    status = "Image is up to date" if up_to_date else "Downloaded newer image"
    lines += [f"Digest: {digest}", f"Status: {status} for {name}:{t}", full_name(ref)]
    return lines, digest


def _layer_lines(image: Image, blobs: list[str], local: list[Image], store: str) -> list[str]:
    """Per layer: "Already exists" when the store has it (overlay2: its ChainID, so a prefix
    property, moby distribution/xfer/download.go; containerd: its blob, which for a library
    layer is a function of its DiffID), else fetched."""
    if store == "overlay2":
        present = {str(c) for img in local for c in img.chain_ids}
        keys = [str(c) for c in image.chain_ids]
    else:
        present = {str(layer.diff_id) for img in local for layer in img.layers}
        keys = [str(layer.diff_id) for layer in image.layers]
    lines: list[str] = []
    fetched: list[str] = []
    missing_below = False
    for key, blob in zip(keys, blobs, strict=True):
        sid = blob.split(":", 1)[1][:12]
        if key in present and not (missing_below and store == "overlay2"):
            lines.append(f"{sid}: Already exists")
            continue
        missing_below = True
        lines.append(f"{sid}: Pulling fs layer")
        if sid not in fetched:
            fetched.append(sid)
    for sid in fetched:
        lines += [f"{sid}: Verifying Checksum", f"{sid}: Download complete"]
    return lines + [f"{sid}: Pull complete" for sid in fetched]
