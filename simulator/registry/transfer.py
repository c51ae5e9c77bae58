"""``docker push`` and ``docker pull`` against a registry, with Docker's progress lines.

:func:`push` uploads only the blobs the repository lacks: each layer is HEADed (200 prints
``Layer already exists``), else mounted from another repository of the same registry that this
engine pushed it to or pulled it from (201 prints ``Mounted from <repo>``), else uploaded
(``Pushed``); then the config and the manifest.  :func:`pull` fetches only what is missing, and
says ``Already exists`` by one of Docker's two rules (``store=``):

``"overlay2"`` (the classic graphdriver store, moby ``distribution/xfer/download.go``)
    a layer exists when the ChainID of the layers up to it is present locally: a prefix property,
    after the first missing layer every layer above downloads;
``"containerd"`` (the containerd image store, moby ``daemon/containerd/progress.go``)
    a layer exists when its compressed blob is in the content store: a per-blob property.

Both take an engine-like object and use only ``engine.images.get/add/tag/list`` and the model,
so :class:`~simulator.engine.Engine` can expose them as ``engine.images.push``/``pull``.
Nothing is registered in the engine before every blob was fetched and checked.
"""

from __future__ import annotations

import builtins
import json
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..digest import Digest, short_id
from ..errors import ImageFormatError, ImageNotFound, InvalidReference, PlatformNotFound
from ..model import Image, Layer
from ..oci.formats import INDEX_TYPES, MANIFEST_TYPES, OCI_INDEX, OCI_MANIFEST
from .client import HTTPTransport, MemoryTransport, RegistryClient
from .content import (
    ImageContent,
    build_image,
    decode_layer,
    image_content,
    index_bytes,
    known_blob,
    layer_blob,
    parse_manifest,
    remember_blob,
)
from .memory import Registry
from .spec import DIGEST_RE, NAME_MAX, NAME_RE, TAG_RE

__all__ = ["STORES", "PullResult", "PushResult", "Remote", "pull", "push", "push_index", "resolve"]

STORES = ("overlay2", "containerd")


class _Images(Protocol):
    def get(self, ref: Any) -> Image: ...
    def add(self, image: Image, tag: str | None = None) -> Image: ...
    def tag(self, image: Any, repository: str, tag: str | None = None) -> bool: ...
    def list(self, all: bool = False) -> builtins.list[Image]: ...


class EngineLike(Protocol):
    """What push and pull need of an engine: its image collection."""

    @property
    def images(self) -> _Images: ...


@dataclass(frozen=True, slots=True)
class Remote:
    """Where a reference points: a client for the registry, the repository and the tag or digest."""

    client: RegistryClient
    repository: str
    tag: str
    digest: str
    local_name: str

    @property
    def reference(self) -> str:
        return self.digest or self.tag

    @property
    def display(self) -> str:
        """``127.0.0.1:5000/web`` or ``web`` (as Docker names the repository in its lines)."""
        host = self.client.label
        return (
            f"{host}/{self.repository}"
            if isinstance(self.client.transport, HTTPTransport)
            else self.repository
        )


@dataclass(frozen=True, slots=True)
class PushResult:
    """What :func:`push` printed and did."""

    lines: tuple[str, ...]
    digest: Digest
    size: int
    pushed: tuple[Digest, ...]
    mounted: tuple[Digest, ...]
    existing: tuple[Digest, ...]

    def __str__(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True, slots=True)
class PullResult:
    """What :func:`pull` printed and brought: the image and the blobs it downloaded."""

    lines: tuple[str, ...]
    image: Image
    digest: Digest
    downloaded: tuple[Digest, ...]
    existing: tuple[Digest, ...]
    up_to_date: bool

    def __str__(self) -> str:
        return "\n".join(self.lines)


# -- references ---------------------------------------------------------------------------------
def _is_host(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost"


def resolve(ref: str, registry: Registry | str | None = None) -> Remote:
    """Split ``ref`` into registry, repository and tag/digest, checking each field.

    ``registry`` is an in-memory :class:`Registry`, a ``host:port`` string, or None when ``ref``
    starts with ``host:port/``.

    Raises:
        InvalidReference: naming the field that is wrong (registry, repository, tag, digest).
    """
    if not isinstance(ref, str) or not ref.strip():
        raise InvalidReference(ref)
    rest, digest = ref, ""
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not DIGEST_RE.match(digest):
            raise InvalidReference(ref, f"digest {digest!r} is not sha256:<64 hex digits>")
    host = ""
    first, slash, remainder = rest.partition("/")
    if slash and _is_host(first):
        host, rest = first, remainder
    name, colon, tag = rest.rpartition(":")
    if not colon or "/" in tag:
        name, tag = rest, ""
    if not tag and not digest:
        tag = "latest"
    if tag and not TAG_RE.match(tag):
        raise InvalidReference(ref, f"tag {tag!r} must be 1-128 of [A-Za-z0-9_.-], not starting with . or -")
    if not name or len(name) > NAME_MAX or not NAME_RE.match(name):
        raise InvalidReference(
            ref,
            f"repository {name!r} must be lowercase letters and digits in /-separated components "
            "joined by '.', '_', '__' or '-' (at most 255 characters)",
        )
    if isinstance(registry, Registry):
        client = RegistryClient(MemoryTransport(registry))
        if host:
            raise InvalidReference(ref, f"registry {host!r} in the reference and an in-memory registry given")
    elif isinstance(registry, str):
        if host and host != registry:
            raise InvalidReference(ref, f"registry {host!r} in the reference but registry={registry!r} given")
        if not registry or "/" in registry:
            raise InvalidReference(ref, f"registry {registry!r} must be host:port")
        host = registry
        client = RegistryClient(HTTPTransport(registry))
    elif registry is None:
        if not host:
            raise InvalidReference(
                ref, "no registry: pass registry= (a Registry or 'host:port') or write 'host:port/name:tag'"
            )
        client = RegistryClient(HTTPTransport(host))
    else:
        raise TypeError(f"registry must be a Registry or a 'host:port' string, not {type(registry).__name__}")
    local = f"{host}/{name}" if host else name
    local_name = f"{local}:{tag}" if tag else f"{local}@{digest}"
    return Remote(client, name, tag, digest, local_name)


# -- what this engine knows about blobs it pushed or pulled (Docker's v2 metadata service) --------
_SEEN: weakref.WeakKeyDictionary[Any, dict[str, list[tuple[str, str]]]] = weakref.WeakKeyDictionary()


def _seen(engine: Any) -> dict[str, list[tuple[str, str]]]:
    try:
        return _SEEN.setdefault(engine, {})
    except TypeError:  # an engine-like object that cannot be weakly referenced
        return {}


def _record(engine: Any, digest: str, remote: Remote) -> None:
    where = (remote.client.label, remote.repository)
    places = _seen(engine).setdefault(digest, [])
    if where not in places:
        places.append(where)


Progress = Callable[[int, int, str], None]  # (done, total, what): simulator.engine.images.ProgressReport


def _no_progress(done: int, total: int, what: str) -> None:
    pass


# -- push -----------------------------------------------------------------------------------------
def push(
    engine: EngineLike,
    ref: str,
    registry: Registry | str | None = None,
    *,
    quiet: bool = False,
    progress: Progress | None = None,
) -> PushResult:
    """``docker push ref``: upload the image's missing blobs, then its manifest under its tag.

    Args:
        engine: the engine holding the image (``engine.images.get(ref)``).
        ref: the local name, also the remote ``[host:port/]repository[:tag]``.
        registry: a :class:`Registry`, a ``host:port`` string, or None for ``host:port/...`` refs.
        quiet: do not print the lines (they are in the result either way).
        progress: called ``(done, total, what)`` per blob: each layer (top first, as Docker
            lists them; ``what`` is Docker's line for it), then the config; total = layers + 1.
    """
    remote = resolve(ref, registry)
    if remote.digest or not remote.tag:
        raise InvalidReference(ref, "push needs a tag, not a digest")
    image = engine.images.get(ref)
    content = image_content(image)
    client = remote.client
    client.ping()
    lines = [f"The push refers to repository [{remote.display}]"]
    order = list(range(len(image.layers)))[::-1]  # Docker lists the top layer first
    ids = {i: short_id(image.layers[i].diff_id) for i in order}
    lines += [f"{ids[i]}: Preparing" for i in order]
    pushed: list[Digest] = []
    mounted: list[Digest] = []
    existing: list[Digest] = []
    blobs = len(order) + 1  # the layers and the config
    if progress is not None:
        progress(0, blobs, f"The push refers to repository [{remote.display}]")
    for number, i in enumerate(order, 1):
        desc, data = content.layers[i], content.layer_data[i]
        status = _push_blob(engine, remote, desc.digest, data)
        {"exists": existing, "pushed": pushed}.get(status, mounted).append(desc.digest)
        lines.append(
            f"{ids[i]}: "
            + (
                "Layer already exists"
                if status == "exists"
                else "Pushed"
                if status == "pushed"
                else f"Mounted from {status}"
            )
        )
        if isinstance(client.transport, MemoryTransport):
            client.transport.registry.remember_layer(desc.digest, image.layers[i])
        if progress is not None:
            progress(number, blobs, lines[-1])
    _push_blob(engine, remote, content.config.digest, image.config_bytes())
    client.put_manifest(remote.repository, remote.tag, OCI_MANIFEST, content.manifest)
    lines.append(f"{remote.tag}: digest: {content.manifest_digest} size: {len(content.manifest)}")
    if progress is not None:
        progress(blobs, blobs, lines[-1])
    if not quiet:
        print("\n".join(lines))
    return PushResult(
        tuple(lines),
        content.manifest_digest,
        len(content.manifest),
        tuple(pushed),
        tuple(mounted),
        tuple(existing),
    )


def _push_blob(engine: Any, remote: Remote, digest: str, data: bytes) -> str:
    """HEAD, else mount, else upload one blob: ``"exists"``, the source repository, or ``"pushed"``."""
    client, name = remote.client, remote.repository
    if client.blob_exists(name, digest):
        _record(engine, digest, remote)
        return "exists"
    location = None
    for label, source in _seen(engine).get(digest, []):
        if label != client.label or source == name:
            continue
        location = client.mount(name, digest, source)
        if location is None:
            _record(engine, digest, remote)
            return source
        break  # 202: the registry opened an upload session instead; use it
    client.upload(location or client.start_upload(name), data, digest)
    _record(engine, digest, remote)
    return "pushed"


def push_index(images: Sequence[Image], ref: str, registry: Registry | str | None = None) -> Digest:
    """Push several images as one multi-platform OCI index tagged ``ref`` (no engine needed).

    Each image's platform is its ``os``/``architecture``; returns the index digest.
    """
    remote = resolve(ref, registry)
    contents: list[tuple[ImageContent, dict[str, str]]] = []
    for image in images:
        content = image_content(image)
        for desc, data in zip(content.layers, content.layer_data, strict=True):
            _push_blob(None, remote, desc.digest, data)
        _push_blob(None, remote, content.config.digest, image.config_bytes())
        remote.client.put_manifest(remote.repository, content.manifest_digest, OCI_MANIFEST, content.manifest)
        contents.append((content, {"architecture": image.architecture, "os": image.os}))
    body = index_bytes(contents)
    return Digest(remote.client.put_manifest(remote.repository, remote.reference, OCI_INDEX, body))


# -- pull -----------------------------------------------------------------------------------------
def _pick(index_data: bytes, platform: str, where: str) -> dict[str, Any]:
    try:
        index = json.loads(index_data)
        manifests = index["manifests"]
        assert isinstance(manifests, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ImageFormatError(f"{where}: the index has no 'manifests' list") from None
    want = platform.split("/")
    for desc in manifests:
        p = (desc.get("platform") or {}) if isinstance(desc, dict) else {}
        if [p.get("os"), p.get("architecture")] != want[:2]:
            continue
        if len(want) == 3 and p.get("variant", "") != want[2]:
            continue
        return desc
    offered = ", ".join(
        "/".join(filter(None, [(d.get("platform") or {}).get(k) for k in ("os", "architecture", "variant")]))
        for d in manifests
        if isinstance(d, dict)
    )
    raise PlatformNotFound(
        f"no matching manifest for {platform} in the manifest list entries ({where} offers {offered or 'none'})"
    )


def pull(
    engine: EngineLike,
    ref: str,
    registry: Registry | str | None = None,
    *,
    store: str = "overlay2",
    platform: str = "linux/amd64",
    quiet: bool = False,
    progress: Progress | None = None,
) -> PullResult:
    """``docker pull ref``: fetch what is missing, check every digest, then register and tag.

    Args:
        store: ``"overlay2"`` (classic: "Already exists" by ChainID prefix) or ``"containerd"``
            (per compressed blob in the content store).
        platform: ``os/architecture[/variant]`` chosen from a multi-platform index.
        progress: called ``(done, total, what)`` per blob: the config, then each layer the
            manifest lists (one already here counts done at once); total = layers + 1.

    Raises:
        PlatformNotFound: an index without that platform.
        RegistryError: the registry answered an error (status and code named).
        ImageFormatError: a manifest, config or blob that does not check out.
    """
    if store not in STORES:
        raise ValueError(f"store must be one of {', '.join(STORES)}, not {store!r}")
    if (
        not isinstance(platform, str)
        or len(platform.split("/")) not in (2, 3)
        or not all(platform.split("/"))
    ):
        raise ValueError(
            f"platform must be 'os/architecture[/variant]' such as 'linux/amd64', not {platform!r}"
        )
    remote = resolve(ref, registry)
    client, name = remote.client, remote.repository
    where = f"{client.label}/{name}"
    lines = [f"{remote.reference}: Pulling from {name}"]
    client.ping()
    media_type, data, resolved = client.get_manifest(name, remote.reference)
    if media_type in INDEX_TYPES or (media_type not in MANIFEST_TYPES and b'"manifests"' in data):
        picked = _pick(data, platform, where)
        media_type, data, _ = client.get_manifest(name, picked["digest"])
    manifest = parse_manifest(data, f"{where}@{resolved}")
    config_desc = manifest["config"]
    local = engine.images.list(all=True)
    by_id = {img.id: img for img in local}
    downloaded: list[Digest] = []
    existing: list[Digest] = []
    image = by_id.get(config_desc["digest"])
    blobs = len(manifest["layers"]) + 1
    report = progress or _no_progress
    report(0, blobs, lines[0])
    if image is None:
        config_bytes = client.get_blob(name, config_desc["digest"], config_desc["size"])
        report(1, blobs, f"config {config_desc['digest'].split(':', 1)[-1][:12]}")
        image, layer_lines, downloaded, existing = _fetch_layers(
            engine, remote, manifest, data, config_bytes, local, store, where, report
        )
        lines += layer_lines
    try:
        previous: Image | None = engine.images.get(remote.local_name) if remote.tag else None
    except (ImageNotFound, LookupError):
        previous = None
    stored = engine.images.add(image)
    if remote.tag:
        engine.images.tag(stored, remote.local_name)
    for desc in manifest["layers"]:
        _record(engine, desc["digest"], remote)
    up_to_date = previous is not None and previous.id == stored.id
    lines.append(f"Digest: {resolved}")
    lines.append(
        f"Status: {'Image is up to date' if up_to_date else 'Downloaded newer image'} for {remote.local_name}"
    )
    report(blobs, blobs, lines[-1])
    if not quiet:
        print("\n".join(lines))
    return PullResult(tuple(lines), stored, Digest(resolved), tuple(downloaded), tuple(existing), up_to_date)


def _fetch_layers(
    engine: Any,
    remote: Remote,
    manifest: dict[str, Any],
    manifest_bytes: bytes,
    config_bytes: bytes,
    local: list[Image],
    store: str,
    where: str,
    report: Progress,
) -> tuple[Image, list[str], list[Digest], list[Digest]]:
    try:
        diff_ids = json.loads(config_bytes)["rootfs"]["diff_ids"]
        assert isinstance(diff_ids, list) and len(diff_ids) == len(manifest["layers"])
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ImageFormatError(
            f"{where}: the config's rootfs.diff_ids do not pair up with the manifest's {len(manifest['layers'])} layers"
        ) from None
    present: dict[str, Layer] = {}
    if store == "overlay2":
        for img in local:
            for chain, local_layer in zip(img.chain_ids, img.layers, strict=True):
                present[chain] = local_layer
        from ..digest import chain_ids

        keys = [str(c) for c in chain_ids([Digest(d) for d in diff_ids])]
    else:
        for img in local:
            for local_layer in img.layers:
                blob = known_blob(local_layer) or layer_blob(local_layer)[0]
                present[blob.digest] = local_layer
        keys = [d["digest"] for d in manifest["layers"]]
    lines: list[str] = []
    missing_below = False
    layers: dict[str, Layer] = {}
    to_fetch: list[dict[str, Any]] = []
    existing: list[Digest] = []
    done = 1  # the config
    pending: list[str] = []  # the layers "Pulling fs layer", a repeated blob as often as listed
    for desc, key in zip(manifest["layers"], keys, strict=True):
        sid = desc["digest"].split(":", 1)[1][:12]
        found = None if (missing_below and store == "overlay2") else present.get(key)
        if found is not None:
            lines.append(f"{sid}: Already exists")
            layers[desc["digest"]] = found
            existing.append(Digest(desc["digest"]))
            done += 1
            report(done, len(keys) + 1, lines[-1])
        else:
            missing_below = True
            lines.append(f"{sid}: Pulling fs layer")
            pending.append(desc["digest"])
            if desc["digest"] not in [d["digest"] for d in to_fetch]:
                to_fetch.append(desc)
    memory = (
        remote.client.transport.registry if isinstance(remote.client.transport, MemoryTransport) else None
    )
    diff_by_digest = {d["digest"]: diff for d, diff in zip(manifest["layers"], diff_ids, strict=True)}
    for desc in to_fetch:
        digest = desc["digest"]
        layer: Layer | None = memory.decoded_layer(digest) if memory is not None else None
        if layer is None or layer.diff_id != diff_by_digest[digest]:
            data = remote.client.get_blob(remote.repository, digest, desc["size"])
            layer = decode_layer(data, digest, diff_by_digest[digest], where)
            remember_blob(layer, digest, data)
            if memory is not None:
                memory.remember_layer(digest, layer)
        else:
            remote.client.get_blob(remote.repository, digest, desc["size"])  # the transfer still happens
        layers[digest] = layer
        sid = digest.split(":", 1)[1][:12]
        lines += [f"{sid}: Verifying Checksum", f"{sid}: Download complete"]
        # a blob the manifest lists twice is fetched once: both count done
        done += pending.count(digest)
        report(done, len(keys) + 1, lines[-1])
    lines += [f"{d['digest'].split(':', 1)[1][:12]}: Pull complete" for d in to_fetch]
    image = build_image(manifest_bytes, config_bytes, layers, where)
    return image, lines, [Digest(d["digest"]) for d in to_fetch], existing
