"""An image as the blobs a registry stores, and blobs back into an image.

The bytes are those :func:`simulator.oci.write_layout` writes (the same deterministic gzip of the
canonical layer tar, the same manifest), so an image pushed here has the digest
:func:`simulator.oci.manifest_digest` names and that skopeo shows.  The compressed blob of a layer
is computed once and kept in the layer's cache (it is a pure function of the layer), as Docker
keeps the DiffID -> compressed digest mapping of the layers it pushed or pulled.

Going back, :func:`build_image` checks every digest (manifest, config, each blob and its DiffID)
with :mod:`simulator.oci`'s importer before anything is registered.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..digest import Digest, canonical_json, sha256_digest
from ..errors import ImageFormatError
from ..model import Image, Layer
from ..oci.blobs import Blob, LayerBlob
from ..oci.changeset import tar_source
from ..oci.formats import CONFIG_TYPES, LAYER_TYPES, MANIFEST_TYPES, OCI_CONFIG, OCI_LAYER_GZIP
from ..oci.reader import MANIFEST_KEY
from ..oci.reader import _build_image as _oci_build_image
from ..oci.writer import _checked, _gzip, _layer_tar, _manifest

__all__ = ["Descriptor", "ImageContent", "build_image", "image_content", "layer_blob"]

_BLOB_KEY = "registry.blob"
"""Key of a layer's (digest, bytes) compressed blob in ``Layer._cache``."""


@dataclass(frozen=True, slots=True)
class Descriptor:
    """An OCI descriptor: what a manifest says about one blob."""

    media_type: str
    digest: Digest
    size: int


@dataclass(frozen=True, slots=True)
class ImageContent:
    """Everything a registry stores for one image: layer blobs, config blob, manifest."""

    image: Image
    layers: tuple[Descriptor, ...]
    layer_data: tuple[bytes, ...]
    config: Descriptor
    manifest: bytes
    manifest_digest: Digest


def layer_blob(layer: Layer) -> tuple[Descriptor, bytes]:
    """The layer's compressed blob: its original gzip blob when imported, else gzip of its tar."""
    cached = layer._cache.get(_BLOB_KEY)
    if cached is None:
        source = tar_source(layer)
        if source is not None and source.digest and source.compression == "gzip":
            data = b"".join(source.iter_raw())
            if sha256_digest(data) != source.digest:
                raise ImageFormatError(f"{source.blob.name}: changed on disk since it was imported")
        else:
            data = b"".join(_gzip(_checked(layer, _layer_tar(layer))))
        cached = (Descriptor(OCI_LAYER_GZIP, sha256_digest(data), len(data)), data)
        layer._cache[_BLOB_KEY] = cached
    return cached


def remember_blob(layer: Layer, digest: str, data: bytes) -> None:
    """Record that ``data`` (digest ``digest``) is the compressed blob ``layer`` was pulled from."""
    if _BLOB_KEY not in layer._cache:
        layer._cache[_BLOB_KEY] = (Descriptor(OCI_LAYER_GZIP, Digest(digest), len(data)), data)


def known_blob(layer: Layer) -> Descriptor | None:
    """The compressed blob descriptor of ``layer`` if it was computed, pushed or pulled already."""
    cached = layer._cache.get(_BLOB_KEY)
    return cached[0] if cached is not None else None


def image_content(image: Image) -> ImageContent:
    """The blobs and manifest of ``image``, byte for byte those :func:`~simulator.oci.write_layout` writes."""
    blobs = [layer_blob(layer) for layer in image.layers]
    config_bytes = image.config_bytes()
    config = Descriptor(OCI_CONFIG, sha256_digest(config_bytes), len(config_bytes))
    manifest = _manifest(
        image,
        {"mediaType": config.media_type, "digest": config.digest, "size": config.size},
        [{"mediaType": d.media_type, "digest": d.digest, "size": d.size} for d, _ in blobs],
    )
    return ImageContent(
        image,
        tuple(d for d, _ in blobs),
        tuple(data for _, data in blobs),
        config,
        manifest,
        sha256_digest(manifest),
    )


def parse_manifest(data: bytes, where: str) -> dict[str, Any]:
    """An image manifest's JSON, checked for the fields a pull needs."""
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImageFormatError(f"{where}: the manifest is not valid JSON ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("schemaVersion") != 2:
        raise ImageFormatError(f"{where}: not a schemaVersion 2 manifest")
    config = manifest.get("config")
    layers = manifest.get("layers")
    if not isinstance(config, dict) or not isinstance(layers, list):
        raise ImageFormatError(f"{where}: an image manifest needs 'config' and 'layers'")
    if config.get("mediaType") not in CONFIG_TYPES:
        raise ImageFormatError(
            f"{where}: config media type {config.get('mediaType')!r} is not an image config "
            "(an artifact, not an image)"
        )
    for i, desc in enumerate(layers):
        if not isinstance(desc, dict) or desc.get("mediaType") not in LAYER_TYPES:
            raise ImageFormatError(f"{where}: layers[{i}] is not a layer descriptor ({desc!r:.120})")
        if not isinstance(desc.get("digest"), str) or not isinstance(desc.get("size"), int):
            raise ImageFormatError(f"{where}: layers[{i}] needs 'digest' and 'size'")
    media = manifest.get("mediaType")
    if media is not None and media not in MANIFEST_TYPES:
        raise ImageFormatError(f"{where}: media type {manifest.get('mediaType')!r} is not an image manifest")
    return manifest


class _TempBlob:
    """Owns a temporary file holding a pulled blob; the file goes when the last user does."""

    def __init__(self, data: bytes) -> None:
        fd, self.path = tempfile.mkstemp(prefix="layerlab-pull-", suffix=".blob")
        weakref.finalize(self, _unlink, self.path)
        with os.fdopen(fd, "wb") as f:
            f.write(data)


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def decode_layer(data: bytes, digest: str, diff_id: str, where: str) -> Layer:
    """A layer from its pulled blob, checking the blob's digest and its DiffID."""
    from ..oci.changeset import read_layer

    owner = _TempBlob(data)
    blob = Blob(owner.path, 0, len(data), f"{where} blob {digest}", keepalive=owner)
    return read_layer(LayerBlob(blob, ""), digest=digest, diff_id=diff_id)


def build_image(
    manifest_bytes: bytes,
    config_bytes: bytes,
    layers: Mapping[str, Layer],
    where: str,
) -> Image:
    """The image a manifest describes, from its config and its layers by compressed digest.

    ``layers`` must hold a (checked) layer for every layer descriptor of the manifest.
    """
    manifest = parse_manifest(manifest_bytes, where)
    try:
        cfg = json.loads(config_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImageFormatError(f"{where}: the image config is not valid JSON ({e})") from None
    diff_ids = (cfg.get("rootfs") or {}).get("diff_ids") if isinstance(cfg, dict) else None
    descs: Sequence[dict[str, Any]] = manifest["layers"]
    cache: dict[str, Layer] = {}
    blobs = [(LayerBlob(Blob("", 0, d["size"], d["digest"]), ""), d["digest"]) for d in descs]
    if isinstance(diff_ids, list) and len(diff_ids) == len(descs):
        for desc, diff_id in zip(descs, diff_ids, strict=True):
            layer = layers[desc["digest"]]
            if layer.diff_id != diff_id:
                raise ImageFormatError(
                    f"{where}: layer {desc['digest']} has DiffID {layer.diff_id}, the config says {diff_id}"
                )
            cache[f"{desc['digest']}|{diff_id}"] = layer
    image = _oci_build_image(None, config_bytes, cfg, blobs, cache, where)  # type: ignore[arg-type]
    image._cache[MANIFEST_KEY] = manifest_bytes
    return image


def index_bytes(entries: Sequence[tuple[ImageContent, dict[str, str]]]) -> bytes:
    """An OCI image index listing each image's manifest with its platform."""
    from ..oci.formats import OCI_INDEX, OCI_MANIFEST

    manifests = [
        {
            "mediaType": OCI_MANIFEST,
            "digest": content.manifest_digest,
            "size": len(content.manifest),
            "platform": platform,
        }
        for content, platform in entries
    ]
    return canonical_json({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests})
