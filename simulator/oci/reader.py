"""Read images from an OCI layout or a ``docker save`` archive, checking every digest.

Accepted inputs (a directory, or a tar archive of one, optionally gzip-compressed):

* an **OCI image layout** (skopeo ``oci:``, buildah/podman ``oci-archive:``, umoci,
  ``layerlab``): ``oci-layout``, ``index.json`` (nested indexes are followed; of a multi-platform
  index the ``linux/amd64`` image is taken, else the first), ``blobs/<alg>/<hex>``;
* a **Docker ≥ 25 ``docker save``** archive: the OCI layout above plus ``manifest.json``, whose
  ``RepoTags`` are added to the tags;
* a **legacy ``docker save``** archive (Docker ≤ 24, ``podman save --format docker-archive``):
  ``manifest.json`` with ``Config: "<hex>.json"`` and ``Layers: ["<hex>/layer.tar", ...]``.

Tags come from ``io.containerd.image.name`` (``docker.io/library/web:1`` -> ``web:1``), from
``org.opencontainers.image.ref.name`` when it is a full reference (``web:1``), and from
``RepoTags``.  A bare ``ref.name`` such as ``latest`` names no repository: the image is loaded
untagged and :func:`open_image` can still select it by that name.

Nothing is registered or written here: the result is a list of immutable images, built only
after every blob of every image was read and checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import dataclass, field
from typing import Any

from ..digest import sha256_digest
from ..errors import ImageFormatError
from ..model import HistoryEntry, Image, ImageConfig, Layer
from ..model.image import EPOCH
from .blobs import LayerBlob
from .changeset import read_layer
from .formats import (
    ANNOTATION_CONTAINERD_NAME,
    ANNOTATION_REF_NAME,
    CONFIG_TYPES,
    INDEX_TYPES,
    LAYER_TYPES,
    MANIFEST_TYPES,
    blob_name,
    familiar_name,
    is_reference,
    split_digest,
)
from .limits import DEFAULT_LIMITS, ImportLimits
from .sources import Source, open_source

__all__ = ["MANIFEST_KEY", "Found", "read_source"]

MANIFEST_KEY = "oci.manifest"
"""Key under which an imported image keeps its manifest bytes in ``Image._cache``."""

_JSON_LIMIT = 16 << 20


@dataclass(slots=True)
class Found:
    """One image read from a layout, with the names it carries."""

    image: Image
    tags: list[str] = field(default_factory=list)
    ref_names: list[str] = field(default_factory=list)


def _json(source: Source, name: str, data: bytes | None = None) -> Any:
    raw = source.read(name, _JSON_LIMIT) if data is None else data
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImageFormatError(f"{source.label}: {name} is not valid JSON ({e})") from None
    except RecursionError:  # the C scanner recurses once per '[' or '{'
        raise ImageFormatError(
            f"{source.label}: {name} nests arrays/objects too deep to be read (an image document "
            "needs a handful of levels)"
        ) from None


def _descriptor(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or "digest" not in value or "size" not in value:
        raise ImageFormatError(
            f"{where}: a descriptor needs 'mediaType', 'digest' and 'size', got {value!r:.200}"
        )
    split_digest(value["digest"], where)
    if not isinstance(value["size"], int) or isinstance(value["size"], bool) or value["size"] < 0:
        raise ImageFormatError(f"{where}: descriptor size {value['size']!r} is not a byte count")
    for key, kind in (("mediaType", str), ("annotations", dict), ("platform", dict)):
        if key in value and not isinstance(value[key], kind):
            raise ImageFormatError(
                f"{where}: descriptor field {key!r} must be a {'string' if kind is str else 'JSON object'}, "
                f"got {value[key]!r:.100}"
            )
    return value


def _verified_json(source: Source, desc: dict[str, Any], what: str) -> tuple[bytes, Any]:
    name = blob_name(desc["digest"], f"{source.label}: {what}")
    data = source.read(name, _JSON_LIMIT)
    algorithm = desc["digest"].split(":", 1)[0]
    actual = f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
    if actual != desc["digest"]:
        raise ImageFormatError(f"{source.label}: {what} {name}: digest mismatch: content hashes to {actual}")
    if len(data) != desc["size"]:
        raise ImageFormatError(
            f"{source.label}: {what} {name}: size is {len(data)}, the descriptor says {desc['size']}"
        )
    return data, _json(source, name, data)


def _host_arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}.get(machine, machine)


def _pick_manifest(source: Source, desc: dict[str, Any], depth: int = 0) -> dict[str, Any] | None:
    """Follow nested indexes down to one image manifest descriptor."""
    media = desc.get("mediaType", "")
    if media in MANIFEST_TYPES or not media:
        return desc
    if media not in INDEX_TYPES:
        return None  # an artifact or attestation: not an image
    if depth > 4:
        raise ImageFormatError(f"{source.label}: indexes nested too deep")
    _, index = _verified_json(source, desc, "index")
    candidates = [_descriptor(d, source.label) for d in index.get("manifests") or []]
    images = [d for d in candidates if d.get("platform", {}).get("os") != "unknown"]
    for wanted in (("linux", "amd64"), ("linux", _host_arch())):
        for d in images:
            p = d.get("platform") or {}
            if (p.get("os"), p.get("architecture")) == wanted:
                return _pick_manifest(source, d, depth + 1)
    return _pick_manifest(source, images[0], depth + 1) if images else None


def config_history(cfg: dict[str, Any], n_layers: int, where: str) -> list[HistoryEntry]:
    """The history entries of ``cfg``, padded to ``n_layers`` non-empty ones as BuildKit pads."""
    raw = cfg.get("history") or []
    if not isinstance(raw, list):
        raise ImageFormatError(f"{where}: config 'history' is not a list")
    history = [HistoryEntry.from_json(h if isinstance(h, dict) else {}) for h in raw]
    non_empty = sum(not h.empty_layer for h in history)
    if non_empty > n_layers:
        raise ImageFormatError(
            f"{where}: too many non-empty layers in History section ({non_empty} history entries for "
            f"{n_layers} layers), as Docker says when it refuses such an image"
        )
    # Fewer is tolerated (BuildKit's exporter pads the same way); the config bytes are kept as is.
    history.extend(
        HistoryEntry(comment="(no history entry in the config)") for _ in range(n_layers - non_empty)
    )
    return history


def _build_image(
    source: Source,
    config_bytes: bytes,
    cfg: Any,
    layer_blobs: list[tuple[LayerBlob, str | None]],
    layer_cache: dict[str, Layer],
    where: str,
) -> Image:
    if not isinstance(cfg, dict):
        raise ImageFormatError(f"{where}: the image config is not a JSON object")
    rootfs = cfg.get("rootfs")
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if not isinstance(rootfs, dict) or rootfs.get("type") != "layers" or not isinstance(diff_ids, list):
        raise ImageFormatError(f"{where}: config 'rootfs' must be {{'type': 'layers', 'diff_ids': [...]}}")
    if len(diff_ids) != len(layer_blobs):
        raise ImageFormatError(
            f"{where}: the manifest lists {len(layer_blobs)} layers but the config has {len(diff_ids)} diff_ids"
        )
    for d in diff_ids:
        split_digest(d, f"{where}: rootfs.diff_ids")
    history = config_history(cfg, len(diff_ids), where)
    layer_entries = [h for h in history if not h.empty_layer]
    layers = []
    for (lb, digest), diff_id, h in zip(layer_blobs, diff_ids, layer_entries, strict=True):
        key = f"{digest or lb.blob.name}|{diff_id}"
        layer = layer_cache.get(key)
        if layer is None:
            layer = read_layer(
                lb,
                digest=digest,
                diff_id=diff_id,
                created_by=h.created_by,
                comment=h.comment,
                limits=source.limits,
            )
            layer_cache[key] = layer
        layers.append(layer)
    return image_from_config(layers, cfg, config_bytes, history, where)


def image_from_config(
    layers: list[Layer], cfg: dict[str, Any], config_bytes: bytes, history: list[HistoryEntry], where: str
) -> Image:
    """The image whose config is ``cfg`` (``config_bytes`` kept as they are, so its ID is theirs)
    over ``layers``; an unusable config is an :class:`ImageFormatError` naming ``where``."""
    try:
        return Image.of(
            layers,
            ImageConfig.from_json(cfg.get("config")),
            history,
            created=cfg.get("created") or EPOCH,
            architecture=cfg.get("architecture") or "",
            os=cfg.get("os") or "",
            author=cfg.get("author") or "",
            raw_config=config_bytes,
        )
    except (TypeError, ValueError, AttributeError) as e:
        raise ImageFormatError(f"{where}: unusable image config ({e})") from None


def _names(annotations: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    """(tags, bare ref names) from a descriptor's annotations."""
    annotations = annotations or {}
    tags: list[str] = []
    bare: list[str] = []
    containerd = annotations.get(ANNOTATION_CONTAINERD_NAME)
    ref = annotations.get(ANNOTATION_REF_NAME)
    if isinstance(containerd, str) and containerd:
        tags.append(familiar_name(containerd))
    if isinstance(ref, str) and ref:
        if ("/" in ref or ":" in ref) and not containerd:
            tags.append(familiar_name(ref))
        elif "/" not in ref and ":" not in ref:
            bare.append(ref)
    return tags, bare


def _read_oci(source: Source) -> list[Found]:
    if source.has("oci-layout"):
        layout = _json(source, "oci-layout")
        if not isinstance(layout, dict) or not str(layout.get("imageLayoutVersion", "")).startswith("1."):
            raise ImageFormatError(f"{source.label}: unsupported oci-layout {layout!r}")
    index = _json(source, "index.json")
    if not isinstance(index, dict) or not isinstance(index.get("manifests"), list):
        raise ImageFormatError(f"{source.label}: index.json has no 'manifests' list")
    repo_tags: dict[str, list[str]] = {}
    if source.has("manifest.json"):  # Docker >= 25 writes both
        for item in _docker_manifest(source):
            config = str(item.get("Config", ""))
            tags = item.get("RepoTags") or []
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise ImageFormatError(f"{source.label}: manifest.json 'RepoTags' must be a list of names")
            repo_tags.setdefault(config.rsplit("/", 1)[-1], []).extend(tags)
    by_id: dict[str, Found] = {}
    layer_cache: dict[str, Layer] = {}
    for i, raw in enumerate(index["manifests"]):
        desc = _descriptor(raw, f"{source.label}: index.json manifests[{i}]")
        picked = _pick_manifest(source, desc)
        if picked is None:
            continue
        manifest_bytes, manifest = _verified_json(source, _descriptor(picked, source.label), "manifest")
        where = f"{source.label}: manifest {picked['digest']}"
        if not isinstance(manifest, dict) or manifest.get("schemaVersion") != 2:
            raise ImageFormatError(f"{where}: not a schemaVersion 2 image manifest")
        media = manifest.get("mediaType") or picked.get("mediaType") or ""
        if not isinstance(media, str) or (media and media not in MANIFEST_TYPES):
            raise ImageFormatError(f"{where}: media type {media!r} is not an image manifest")
        config_desc = _descriptor(manifest.get("config"), f"{where}: config")
        if config_desc.get("mediaType") not in CONFIG_TYPES:
            continue  # an artifact manifest (signature, SBOM ...), not an image
        config_bytes, cfg = _verified_json(source, config_desc, "config")
        layers = manifest.get("layers")
        if not isinstance(layers, list):
            raise ImageFormatError(f"{where}: no 'layers' list")
        blobs = []
        for j, layer_desc in enumerate(layers):
            layer_desc = _descriptor(layer_desc, f"{where}: layers[{j}]")
            media_type = layer_desc.get("mediaType", "")
            if media_type not in LAYER_TYPES:
                raise ImageFormatError(f"{where}: layers[{j}] has media type {media_type!r}, not a layer tar")
            name = blob_name(layer_desc["digest"], where)
            if not source.has(name):
                raise ImageFormatError(f"{where}: layer blob {name} is missing from the layout")
            blob = source.blob(name)
            if blob.size != layer_desc["size"]:
                raise ImageFormatError(
                    f"{where}: {name} is {blob.size} bytes, the manifest says {layer_desc['size']}"
                )
            blobs.append((LayerBlob(blob, "", media_type), layer_desc["digest"]))
        image = _build_image(source, config_bytes, cfg, blobs, layer_cache, where)
        image._cache[MANIFEST_KEY] = manifest_bytes
        found = by_id.setdefault(image.id, Found(image))
        tags, bare = _names(desc.get("annotations"))
        tags += repo_tags.get(image.id.split(":", 1)[1], [])
        found.tags += [t for t in dict.fromkeys(tags) if t not in found.tags]
        found.ref_names += [b for b in bare if b not in found.ref_names]
    return list(by_id.values())


def _docker_manifest(source: Source) -> list[dict[str, Any]]:
    items = _json(source, "manifest.json")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImageFormatError(f"{source.label}: manifest.json must be a list of objects")
    return items


def _read_docker_legacy(source: Source) -> list[Found]:
    by_id: dict[str, Found] = {}
    layer_cache: dict[str, Layer] = {}
    for i, item in enumerate(_docker_manifest(source)):
        where = f"{source.label}: manifest.json[{i}]"
        config_name = item.get("Config")
        layer_names = item.get("Layers")
        if not isinstance(config_name, str) or not isinstance(layer_names, list):
            raise ImageFormatError(f"{where}: needs 'Config' and 'Layers'")
        config_bytes = source.read(config_name, _JSON_LIMIT)
        hexpart = config_name.rsplit("/", 1)[-1].removesuffix(".json")
        if len(hexpart) == 64 and sha256_digest(config_bytes) != f"sha256:{hexpart}":
            raise ImageFormatError(f"{where}: {config_name} does not hash to the ID in its name")
        cfg = _json(source, config_name, config_bytes)
        blobs = []
        for name in layer_names:
            if not isinstance(name, str):
                raise ImageFormatError(f"{where}: layer names are strings")
            parts = name.split("/")
            digest = f"sha256:{parts[-1]}" if len(parts) == 3 and parts[:2] == ["blobs", "sha256"] else None
            blobs.append((LayerBlob(source.blob(name), ""), digest))
        image = _build_image(source, config_bytes, cfg, blobs, layer_cache, where)
        found = by_id.setdefault(image.id, Found(image))
        for tag in item.get("RepoTags") or []:
            if isinstance(tag, str) and familiar_name(tag) not in found.tags:
                found.tags.append(familiar_name(tag))
    return list(by_id.values())


def read_source(path: str | os.PathLike[str], limits: ImportLimits | None = None) -> list[Found]:
    """Every image in the layout or archive at ``path``, fully checked.

    ``limits`` bound the work (:class:`~simulator.oci.limits.ImportLimits`, defaults if None).

    Raises:
        ImageFormatError: naming the file and what is wrong with it.
    """
    source = open_source(path, limits or DEFAULT_LIMITS)
    if source.has("index.json"):
        found = _read_oci(source)
    elif source.has("manifest.json"):
        found = _read_docker_legacy(source)
    else:
        raise ImageFormatError(
            f"{source.label}: neither an OCI image layout (no index.json) nor a docker save archive "
            "(no manifest.json)"
        )
    for item in found:
        for tag in item.tags:
            if not is_reference(tag):
                raise ImageFormatError(f"{source.label}: {tag!r} is not a valid image name")
    return found
