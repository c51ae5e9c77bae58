"""Images: a config, a stack of layers (bottom first) and a history.

The image ID is the sha256 of the config JSON bytes, and the config lists the layers' DiffIDs,
so changing one byte of one layer changes its DiffID, every ChainID above it, the config and the
image ID.  Tags are names kept by the engine; an image object never changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ..digest import Digest, canonical_json, chain_ids, sha256_digest, short_id
from .layer import Layer
from .union import UnionView

__all__ = ["HistoryEntry", "Image", "ImageConfig"]

EPOCH = "1970-01-01T00:00:00Z"


def _frozen_map(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted((value or {}).items())))


@dataclass(frozen=True, slots=True)
class ImageConfig:
    """The runtime defaults of an image (the ``config`` object of the OCI image config).

    Sequences are tuples; ``cmd``/``entrypoint``/``shell`` are ``None`` when unset.
    """

    env: tuple[str, ...] = ()
    cmd: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    working_dir: str = ""
    user: str = ""
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    exposed_ports: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    stop_signal: str = ""
    shell: tuple[str, ...] | None = None
    healthcheck: Mapping[str, Any] | None = None
    on_build: tuple[str, ...] = ()
    args_escaped: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", _frozen_map(self.labels))

    def with_env(self, name: str, value: str) -> ImageConfig:
        """A copy with ``name=value`` set (replacing an earlier value in place)."""
        env = [item for item in self.env if item.split("=", 1)[0] != name]
        if len(env) != len(self.env):
            env = [f"{name}={value}" if item.split("=", 1)[0] == name else item for item in self.env]
        else:
            env.append(f"{name}={value}")
        return replace(self, env=tuple(env))

    def env_dict(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for item in self.env:
            key, _, value = item.partition("=")
            out[key] = value
        return out

    def to_json(self) -> dict[str, Any]:
        """The Docker/OCI JSON object (empty fields omitted, as Go's ``omitempty`` does)."""
        out: dict[str, Any] = {}
        if self.user:
            out["User"] = self.user
        if self.exposed_ports:
            out["ExposedPorts"] = {p: {} for p in self.exposed_ports}
        if self.env:
            out["Env"] = list(self.env)
        if self.cmd is not None:
            out["Cmd"] = list(self.cmd)
        if self.healthcheck:
            out["Healthcheck"] = dict(self.healthcheck)
        if self.args_escaped:
            out["ArgsEscaped"] = True
        if self.volumes:
            out["Volumes"] = {v: {} for v in self.volumes}
        if self.working_dir:
            out["WorkingDir"] = self.working_dir
        if self.entrypoint is not None:
            out["Entrypoint"] = list(self.entrypoint)
        if self.on_build:
            out["OnBuild"] = list(self.on_build)
        if self.labels:
            out["Labels"] = dict(self.labels)
        if self.stop_signal:
            out["StopSignal"] = self.stop_signal
        if self.shell is not None:
            out["Shell"] = list(self.shell)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ImageConfig:
        data = data or {}

        def seq(key: str) -> tuple[str, ...] | None:
            value = data.get(key)
            return None if value is None else tuple(value)

        return cls(
            env=tuple(data.get("Env") or ()),
            cmd=seq("Cmd"),
            entrypoint=seq("Entrypoint"),
            working_dir=data.get("WorkingDir") or "",
            user=data.get("User") or "",
            labels=data.get("Labels") or {},
            exposed_ports=tuple(sorted(data.get("ExposedPorts") or {})),
            volumes=tuple(sorted(data.get("Volumes") or {})),
            stop_signal=data.get("StopSignal") or "",
            shell=seq("Shell"),
            healthcheck=data.get("Healthcheck"),
            on_build=tuple(data.get("OnBuild") or ()),
            args_escaped=bool(data.get("ArgsEscaped")),
        )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One ``history`` item of an image config; ``empty_layer`` items add no layer."""

    created_by: str = ""
    created: str = EPOCH
    comment: str = ""
    author: str = ""
    empty_layer: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"created": self.created}
        if self.author:
            out["author"] = self.author
        if self.created_by:
            out["created_by"] = self.created_by
        if self.comment:
            out["comment"] = self.comment
        if self.empty_layer:
            out["empty_layer"] = True
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryEntry:
        return cls(
            created_by=data.get("created_by", ""),
            created=data.get("created", EPOCH),
            comment=data.get("comment", ""),
            author=data.get("author", ""),
            empty_layer=bool(data.get("empty_layer", False)),
        )


@dataclass(frozen=True, slots=True, eq=False)
class Image:
    """An image: layers bottom to top, a config and a history.

    ``history`` holds one non-empty entry per layer, in order, plus any number of
    ``empty_layer`` entries (the OCI invariant).  Build one with :meth:`Image.of`.
    """

    layers: tuple[Layer, ...]
    config: ImageConfig
    history: tuple[HistoryEntry, ...]
    created: str = EPOCH
    architecture: str = "amd64"
    os: str = "linux"
    author: str = ""
    raw_config: bytes | None = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        layers: Sequence[Layer] = (),
        config: ImageConfig | None = None,
        history: Sequence[HistoryEntry] | None = None,
        *,
        created: str = EPOCH,
        architecture: str = "amd64",
        os: str = "linux",
        author: str = "",
        raw_config: bytes | None = None,
    ) -> Image:
        """An image; without ``history``, one entry per layer from the layers' ``created_by``."""
        layers = tuple(layers)
        if history is None:
            history = tuple(HistoryEntry(layer.created_by, created, layer.comment) for layer in layers)
        history = tuple(history)
        non_empty = sum(not h.empty_layer for h in history)
        if non_empty != len(layers):
            raise ValueError(
                f"history has {non_empty} non-empty entries but the image has {len(layers)} layers; "
                "they must pair up one to one"
            )
        return cls(layers, config or ImageConfig(), history, created, architecture, os, author, raw_config)

    # -- identities ---------------------------------------------------------------------------
    @property
    def diff_ids(self) -> list[Digest]:
        return [layer.diff_id for layer in self.layers]

    @property
    def chain_ids(self) -> list[Digest]:
        cached = self._cache.get("chain_ids")
        if cached is None:
            cached = chain_ids(self.diff_ids)
            self._cache["chain_ids"] = cached
        return list(cached)

    @property
    def chain_id(self) -> Digest:
        ids = self.chain_ids
        return ids[-1] if ids else Digest("")

    def config_json(self) -> dict[str, Any]:
        """The OCI image config as a JSON-ready dict."""
        out: dict[str, Any] = {
            "architecture": self.architecture,
            "config": self.config.to_json(),
            "created": self.created,
            "history": [h.to_json() for h in self.history],
            "os": self.os,
            "rootfs": {"type": "layers", "diff_ids": list(self.diff_ids)},
        }
        if self.author:
            out["author"] = self.author
        return out

    def config_bytes(self) -> bytes:
        """The exact config bytes whose sha256 is the image ID."""
        if self.raw_config is not None:
            return self.raw_config
        cached = self._cache.get("config_bytes")
        if cached is None:
            cached = canonical_json(self.config_json())
            self._cache["config_bytes"] = cached
        return bytes(cached)

    @property
    def id(self) -> Digest:
        """ImageID: sha256 of the config bytes."""
        cached = self._cache.get("id")
        if cached is None:
            cached = sha256_digest(self.config_bytes())
            self._cache["id"] = cached
        return Digest(cached)

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    # -- content ------------------------------------------------------------------------------
    @property
    def view(self) -> UnionView:
        """The merged filesystem (computed once)."""
        cached = self._cache.get("view")
        if cached is None:
            cached = UnionView(self.layers)
            self._cache["view"] = cached
        return cached

    @property
    def size(self) -> int:
        """Sum of the layers' sizes (what ``docker images`` shows)."""
        return sum(layer.size for layer in self.layers)

    def resolve(self, path: str, *, follow_symlinks: bool = True) -> Any:
        """Which layer ``path`` comes from (see :meth:`UnionView.resolve`)."""
        return self.view.resolve(path, follow_symlinks=follow_symlinks)

    def read_file(self, path: str) -> bytes:
        return self.view.read_file(path)

    def listdir(self, path: str) -> list[str]:
        return self.view.listdir(path)

    def layer_history(self) -> list[tuple[HistoryEntry, Layer | None]]:
        """Pairs each history entry with its layer (``None`` for ``empty_layer`` entries)."""
        out: list[tuple[HistoryEntry, Layer | None]] = []
        layers = iter(self.layers)
        for entry in self.history:
            out.append((entry, None if entry.empty_layer else next(layers)))
        return out

    def with_layer(self, layer: Layer, entry: HistoryEntry, config: ImageConfig | None = None) -> Image:
        """A new image with ``layer`` on top and ``entry`` appended to the history.

        The new image's merged view is derived from this one's, so stacking a layer costs
        about the size of that layer.
        """
        child = Image.of(
            (*self.layers, layer),
            config or self.config,
            (*self.history, replace(entry, empty_layer=False)),
            created=entry.created,
            architecture=self.architecture,
            os=self.os,
        )
        if "view" in self._cache:
            child._cache["view"] = self.view.extended(layer)
        return child

    def with_config(self, config: ImageConfig, entry: HistoryEntry | None = None) -> Image:
        """A new image with another config and, optionally, an ``empty_layer`` history entry."""
        history = self.history if entry is None else (*self.history, replace(entry, empty_layer=True))
        created = self.created if entry is None else entry.created
        child = Image.of(
            self.layers, config, history, created=created, architecture=self.architecture, os=self.os
        )
        if "view" in self._cache:
            child._cache["view"] = self.view  # same layers, same merged tree
        return child

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and self.id == other.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        n = len(self.layers)
        return f"<Image {short_id(self.id)} {n} layer{'s' * (n != 1)}>"
