"""Write an image as an OCI image layout or a ``docker save`` archive, byte for byte reproducibly.

Two formats (SEMANTICS §2.6, §2.7):

``format="oci"``
    what ``skopeo copy ... oci:DIR:TAG`` makes: ``oci-layout``, ``index.json`` (one descriptor
    per tag, annotated ``org.opencontainers.image.ref.name=<tag>`` and
    ``io.containerd.image.name=<full name>``), ``blobs/sha256/`` with the manifest, the config
    (``image.config_bytes()``, so its digest is the image ID) and gzip-compressed layers.

``format="docker"``
    what ``docker save`` writes since Docker 25 (graphdriver store): the same OCI layout with
    **uncompressed** layers (blob digest = DiffID), plus ``manifest.json``
    (``Config``/``RepoTags``/``Layers``) and, for a tagged image, ``repositories`` (whose value
    is the top layer's DiffID, as Docker writes it).

Every layer blob holds exactly the tar whose sha256 is the layer's DiffID: the canonical tar of a
layer the model built, or the original tar of an imported layer (re-read from its blob; when the
stored compression fits the format, the blob is copied as it is, so its digest stays too).  Gzip
is deterministic (mtime 0, no file name) and JSON is :func:`~simulator.digest.canonical_json`, so
one image always gives the same bytes.  The layout is assembled in a temporary directory beside
the target and moved into place at the end: a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from ..digest import canonical_json, sha256_stream
from ..errors import ImageFormatError
from ..model import Image, Layer
from .changeset import tar_source
from .formats import (
    ANNOTATION_CONTAINERD_NAME,
    ANNOTATION_REF_NAME,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_LAYER,
    OCI_LAYER_GZIP,
    OCI_LAYOUT_VERSION,
    OCI_MANIFEST,
    familiar_name,
    full_name,
)
from .reader import MANIFEST_KEY

__all__ = ["FORMATS", "manifest_digest", "write_layout"]

FORMATS = ("oci", "docker")
_CHUNK = 1 << 20
_GZIP_LEVEL = 6

Progress = Callable[[int, int, str], None]  # (done, total, what): simulator.engine.images.ProgressReport


def _write_blob(blobs: str, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write ``chunks`` to ``blobs/<hex>``; returns (digest, size)."""
    h = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=blobs, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        for chunk in chunks:
            h.update(chunk)
            size += len(chunk)
            f.write(chunk)
    os.replace(tmp, os.path.join(blobs, h.hexdigest()))
    return "sha256:" + h.hexdigest(), size


def _measure(chunks: Iterable[bytes]) -> tuple[str, int]:
    """(digest, size) of ``chunks`` without storing them."""
    digest, size = sha256_stream(chunks)
    return str(digest), size


def _layer_tar(layer: Layer) -> Iterator[bytes]:
    source = tar_source(layer)
    if source is not None:
        return source.iter_uncompressed()
    return layer.iter_tar()


def _checked(layer: Layer, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pass the tar through, then insist that it hashes to the layer's DiffID."""
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
        yield chunk
    actual = "sha256:" + h.hexdigest()
    if actual != layer.diff_id:
        raise ImageFormatError(
            f"cannot export {layer!r}: its tar hashes to {actual} but its DiffID is {layer.diff_id} "
            "(an imported layer whose blob is no longer available?)"
        )


def _gzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Deterministic gzip: zlib's own header has mtime 0 and no file name."""
    z = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = z.compress(chunk)
        if out:
            yield out
    yield z.flush()


def _write_layer(layer: Layer, blobs: str | None, compress: bool) -> dict[str, Any]:
    """The layer's descriptor, writing its blob into ``blobs`` (only measuring it when None)."""
    store = _measure if blobs is None else partial(_write_blob, blobs)
    source = tar_source(layer)
    if source is not None and source.digest and source.compression == ("gzip" if compress else ""):
        digest, size = store(source.iter_raw())  # keep the original blob and its digest
        if digest != source.digest:
            raise ImageFormatError(f"{source.blob.name}: changed on disk since it was imported")
    else:
        tar = _checked(layer, _layer_tar(layer))
        digest, size = store(_gzip(tar) if compress else tar)
    return {"mediaType": OCI_LAYER_GZIP if compress else OCI_LAYER, "digest": digest, "size": size}


def manifest_digest(image: Image) -> str:
    """The digest of the OCI manifest :func:`write_layout` writes for ``image`` (gzip layers).

    This is what a registry, skopeo or ``docker images --digests`` calls the image's digest;
    it differs from the ImageID (the config's digest).
    """
    layers = [_write_layer(layer, None, True) for layer in image.layers]
    config_digest, config_size = _measure([image.config_bytes()])
    config = {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config_size}
    return _measure([_manifest(image, config, layers)])[0]


def _manifest(image: Image, config: dict[str, Any], layers: list[dict[str, Any]]) -> bytes:
    """The stored manifest of an imported image when it describes the same blobs, else a new one."""
    stored = image._cache.get(MANIFEST_KEY)
    if isinstance(stored, bytes):
        try:
            old = json.loads(stored)
            same = [(d["mediaType"], d["digest"], d["size"]) for d in old["layers"]] == [
                (d["mediaType"], d["digest"], d["size"]) for d in layers
            ] and (old["config"]["digest"], old["config"]["size"]) == (config["digest"], config["size"])
            if same and old.get("mediaType") == OCI_MANIFEST:
                return stored
        except (KeyError, TypeError, ValueError):
            pass
    return canonical_json({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config, "layers": layers})


def _tar_directory(directory: str, target: str) -> None:
    """Pack ``directory`` into ``target`` with fixed metadata (mtime 0, root owner), sorted."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".layerlab-save-", suffix=".tar")
    try:
        with os.fdopen(fd, "wb") as f, tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for root, dirs, files in os.walk(directory):
                dirs.sort()
                rel_root = os.path.relpath(root, directory)
                if rel_root != ".":
                    info = tarfile.TarInfo(rel_root + "/")
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
                for name in sorted(files):
                    path = os.path.join(root, name)
                    info = tarfile.TarInfo(os.path.normpath(os.path.join(rel_root, name)))
                    info.size, info.mode = os.path.getsize(path), 0o644
                    with open(path, "rb") as blob:
                        tar.addfile(info, blob)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _fill(image: Image, root: str, tags: Sequence[str], format: str, progress: Progress | None) -> None:
    blobs = os.path.join(root, "blobs", "sha256")
    os.makedirs(blobs)
    compress = format == "oci"
    if progress is None:
        layers = [_write_layer(layer, blobs, compress) for layer in image.layers]
    else:
        layers = []
        total = len(image.layers)
        for number, layer in enumerate(image.layers, 1):
            layers.append(_write_layer(layer, blobs, compress))
            short = layer.diff_id.split(":", 1)[-1][:12]
            progress(number, total, f"wrote layer {number}/{total} {short} ({layers[-1]['size']} bytes)")
    config_digest, config_size = _write_blob(blobs, [image.config_bytes()])
    config = {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config_size}
    manifest_bytes = _manifest(image, config, layers)
    manifest_digest, manifest_size = _write_blob(blobs, [manifest_bytes])
    descriptor: dict[str, Any] = {"mediaType": OCI_MANIFEST, "digest": manifest_digest, "size": manifest_size}
    if image.architecture and image.os:
        descriptor["platform"] = {"architecture": image.architecture, "os": image.os}
    entries = []
    for tag in tags:
        name, _, tag_part = tag.rpartition(":")
        entries.append(
            {
                **descriptor,
                "annotations": {ANNOTATION_CONTAINERD_NAME: full_name(tag), ANNOTATION_REF_NAME: tag_part},
            }
        )
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries or [descriptor]}
    with open(os.path.join(root, "index.json"), "wb") as f:
        f.write(canonical_json(index))
    with open(os.path.join(root, "oci-layout"), "wb") as f:
        f.write(canonical_json({"imageLayoutVersion": OCI_LAYOUT_VERSION}))
    if format == "docker":
        manifest = [
            {
                "Config": f"blobs/sha256/{config_digest.split(':', 1)[1]}",
                "RepoTags": list(tags),
                "Layers": [f"blobs/sha256/{d['digest'].split(':', 1)[1]}" for d in layers],
            }
        ]
        with open(os.path.join(root, "manifest.json"), "wb") as f:
            f.write(canonical_json(manifest))
        if tags and image.layers:
            repositories: dict[str, dict[str, str]] = {}
            top = image.layers[-1].diff_id.split(":", 1)[1]
            for tag in tags:
                name, _, tag_part = tag.rpartition(":")
                repositories.setdefault(name, {})[tag_part] = top
            with open(os.path.join(root, "repositories"), "wb") as f:
                f.write(canonical_json(repositories))


def _normal_tags(tags: str | Iterable[str]) -> list[str]:
    out = []
    for tag in [tags] if isinstance(tags, str) else tags:
        name = familiar_name(tag)
        last = name.rsplit("/", 1)[-1]
        out.append(name if ":" in last else f"{name}:latest")
    return list(dict.fromkeys(out))


def write_layout(
    image: Image,
    path: str | os.PathLike[str],
    tags: str | Iterable[str] = (),
    *,
    format: str = "oci",
    tar: bool | None = None,
    progress: Progress | None = None,
) -> str:
    """Write ``image`` to ``path`` as an OCI layout (``format="oci"``) or docker-save (``"docker"``).

    Args:
        image: the image to write.
        path: a directory to create (it may exist if empty), or an archive file.
        tags: names such as ``"web:1"`` (index annotations, ``RepoTags``).
        format: ``"oci"`` (gzip layers) or ``"docker"`` (Docker ≥ 25 ``docker save``).
        tar: write a tar archive; by default when ``path`` ends in ``.tar`` or ``format="docker"``.
        progress: called ``(done, total, what)`` per layer blob written (``total``: the image's
            layers), and ``(total, total, ...)`` once the layout or archive is in place.

    Returns:
        The path written.

    Raises:
        ValueError: an unknown format.
        FileExistsError: ``path`` is a non-empty directory.
        ImageFormatError: a layer cannot be written with its DiffID.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    target = os.path.abspath(os.fspath(path))
    as_tar = tar if tar is not None else (target.endswith(".tar") or format == "docker")
    if os.path.isdir(target) and (as_tar or os.listdir(target)):
        raise FileExistsError(f"{target} is a directory that is not empty; choose a new path")
    parent = os.path.dirname(target)
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"{parent}: no such directory to write {os.path.basename(target)} into")
    work = tempfile.mkdtemp(dir=parent, prefix=".layerlab-save-")
    try:
        layout = os.path.join(work, "layout")
        if progress is not None:
            progress(0, len(image.layers), f"writing {os.path.basename(target)}")
        _fill(image, layout, _normal_tags(tags), format, progress)
        if as_tar:
            _tar_directory(layout, target)
        else:
            if os.path.isdir(target):
                os.rmdir(target)
            os.replace(layout, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(len(image.layers), len(image.layers), f"saved {os.path.basename(target)}")
    return target
