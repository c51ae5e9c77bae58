"""Drive the real container tools (buildah, skopeo, umoci, podman) and read what they produce.

The simulator's strongest tests run one scenario twice, on the model and on a real builder, and
compare. This module is the "real" half. It is plain Python (stdlib only: subprocess, tarfile,
json) and knows nothing about the simulator, so both sides meet on neutral data:

    make_busybox_layout()  ──►  oci:<dir>:busybox   (one layer, built from busybox_rootfs_spec())
            │
    buildah_build(ctx)     ──►  BuildResult(log, steps[hit/miss], layout_dir)
            │                         │ skopeo copy containers-storage:… oci:…
    read_oci_image(dir, tag) ──►  RealImage(layers[changeset], history, config fields)
            │
    merged_view(changesets) ──►  {"/etc/passwd": RealEntry(...), ...}

Isolation (what this module chose, and why). Every tool runs with three environment variables
pointing into one private session directory (``RealtoolsSession``), so tests neither read nor
pollute the host's ``/var/lib/containers`` nor depend on ``/etc/containers``:

* ``CONTAINERS_STORAGE_CONF`` → ``storage.conf`` with driver ``overlay`` (kernel overlayfs; the
  tests run as root) and ``graphroot``/``runroot`` inside the session directory. buildah, skopeo
  and podman all read it, so they share one store and one storage driver.
* ``CONTAINERS_CONF`` → ``containers.conf`` with low ``default_ulimits`` (podman's defaults fail
  in this VM), ``runtime = "runc"``, ``cgroup_manager = "cgroupfs"`` and no network.
* ``CONTAINERS_REGISTRIES_CONF`` → an empty ``registries.conf``: no search registries, so a
  typo in a ``FROM`` fails fast instead of reaching for the network.

Base images come only from ``/bin/busybox`` (Debian's busybox-static); nothing is pulled.
Dockerfiles under ``tests/realtools/dockerfiles/`` write ``FROM BUSYBOX``; ``buildah_build``
substitutes the ``oci:<dir>:busybox`` reference of the session's base layout.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import struct
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "BUSYBOX_APPLETS",
    "BUSYBOX_CONFIG",
    "BUSYBOX_HISTORY",
    "BUSYBOX_MTIME",
    "BUSYBOX_TAG",
    "DOCKERFILES",
    "IGNORED_RUNTIME_PATHS",
    "TOOL_PACKAGES",
    "BuildFailed",
    "BuildResult",
    "HarnessError",
    "HistoryEntry",
    "RealEntry",
    "RealImage",
    "RealLayer",
    "RealtoolsSession",
    "RootfsEntry",
    "StepLog",
    "buildah_build",
    "busybox_rootfs_spec",
    "drop_runtime_paths",
    "make_busybox_layout",
    "merged_view",
    "podman_run",
    "read_oci_image",
    "require",
    "rootfs_tar_bytes",
    "session",
    "tools_available",
]

#: The directory holding one sub-directory per Dockerfile case.
DOCKERFILES = Path(__file__).parent / "dockerfiles"

# --------------------------------------------------------------------------------------------
# Tools


#: Executable → the Debian package that provides it.
TOOL_PACKAGES: dict[str, str] = {
    "buildah": "buildah",
    "skopeo": "skopeo",
    "umoci": "umoci",
    "podman": "podman",
    "runc": "runc",
    "busybox": "busybox-static",
    "zstd": "zstd",
}

_SEARCH_PATH = os.pathsep.join(
    [
        os.environ.get("PATH", ""),
        "/usr/local/sbin",
        "/usr/local/bin",
        "/usr/sbin",
        "/usr/bin",
        "/sbin",
        "/bin",
    ]
)


class HarnessError(RuntimeError):
    """A real tool produced something this harness cannot read, or broke one of its invariants."""


class BuildFailed(HarnessError):
    """``buildah bud`` exited non-zero; ``result`` holds the log and the parsed steps."""

    def __init__(self, result: BuildResult) -> None:
        self.result = result
        tail = "\n".join(result.log.splitlines()[-15:])
        super().__init__(f"buildah bud exited {result.returncode} for {result.context_dir}:\n{tail}")


def _is_static_elf(path: str) -> bool:
    """True if ``path`` is an ELF executable without a PT_INTERP header (no dynamic loader needed)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:  # only 64-bit ELF is expected here
                return False
            endian = "<" if head[5] == 1 else ">"
            (phoff,) = struct.unpack_from(endian + "Q", head, 0x20)
            phentsize, phnum = struct.unpack_from(endian + "HH", head, 0x36)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return False
    for i in range(phnum):
        (p_type,) = struct.unpack_from(endian + "I", table, i * phentsize)
        if p_type == 3:  # PT_INTERP
            return False
    return True


def _busybox_path() -> str | None:
    for candidate in ("/bin/busybox", "/usr/bin/busybox", shutil.which("busybox", path=_SEARCH_PATH)):
        if candidate and os.path.exists(candidate) and _is_static_elf(candidate):
            return os.path.realpath(candidate)
    return None


def tools_available() -> dict[str, str | None]:
    """Map each tool in ``TOOL_PACKAGES`` to its absolute path, or ``None`` if absent.

    ``busybox`` counts only if it is statically linked (the image has no libc to load).
    """
    found: dict[str, str | None] = {}
    for tool in TOOL_PACKAGES:
        found[tool] = _busybox_path() if tool == "busybox" else shutil.which(tool, path=_SEARCH_PATH)
    return found


def require(*tools: str) -> None:
    """``pytest.skip`` (naming the tool and its package) unless every tool in ``tools`` is present.

    Also skips when not running as root: kernel overlayfs storage and ``chroot`` isolation need it.
    """
    import pytest  # imported here so that the harness stays importable outside pytest

    available = tools_available()
    for tool in tools:
        if tool not in TOOL_PACKAGES:
            raise ValueError(f"unknown tool {tool!r}; known: {', '.join(TOOL_PACKAGES)}")
        if available[tool] is None:
            what = "static busybox" if tool == "busybox" else tool
            pytest.skip(f"{what} not installed: apt-get install {TOOL_PACKAGES[tool]}")
    if tools and os.geteuid() != 0:
        pytest.skip("real-tool tests need root (kernel overlayfs storage, chroot isolation)")


def _tool(name: str) -> str:
    path = tools_available()[name]
    if path is None:
        raise HarnessError(f"{name} not installed: apt-get install {TOOL_PACKAGES[name]}")
    return path


# --------------------------------------------------------------------------------------------
# The isolated session: storage, containers.conf, registries.conf


_STORAGE_CONF = """\
[storage]
driver = "overlay"
graphroot = "{root}"
runroot = "{runroot}"
"""

_CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=10000:10000", "nproc=1000:1000"]
netns = "none"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "none"
"""

_POLICY = '{"default": [{"type": "insecureAcceptAnything"}]}\n'


@dataclasses.dataclass(frozen=True, slots=True)
class RealtoolsSession:
    """A private store and configuration for buildah, skopeo and podman under ``base``."""

    base: Path

    @classmethod
    def create(cls, base: str | os.PathLike[str] | None = None) -> RealtoolsSession:
        if base is None:
            # Not tempfile.mkdtemp: its random part may hold "_" or upper case, and buildah and
            # podman turn the path of an ``oci:`` FROM into a reference name, which rejects
            # "-_" or "__"-style runs and upper case ("invalid reference format").
            base = Path(tempfile.gettempdir()) / f"layerlab-realtools-{secrets.token_hex(6)}"
            os.mkdir(base, 0o700)
        root = Path(base)
        for sub in ("storage/root", "storage/run", "oci", "tmp", "dockerfiles"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self = cls(root)
        self.storage_conf.write_text(_STORAGE_CONF.format(root=self.graphroot, runroot=self.runroot))
        self.containers_conf.write_text(_CONTAINERS_CONF)
        self.registries_conf.write_text("unqualified-search-registries = []\n")
        self.policy.write_text(_POLICY)
        return self

    graphroot = property(lambda self: self.base / "storage" / "root")
    runroot = property(lambda self: self.base / "storage" / "run")
    storage_conf = property(lambda self: self.base / "storage.conf")
    containers_conf = property(lambda self: self.base / "containers.conf")
    registries_conf = property(lambda self: self.base / "registries.conf")
    policy = property(lambda self: self.base / "policy.json")

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            CONTAINERS_STORAGE_CONF=str(self.storage_conf),
            CONTAINERS_CONF=str(self.containers_conf),
            CONTAINERS_REGISTRIES_CONF=str(self.registries_conf),
            TMPDIR=str(self.base / "tmp"),
            PATH=_SEARCH_PATH,
        )
        return env

    def storage_ref(self, image: str) -> str:
        """A ``containers-storage:`` reference that names this session's store explicitly."""
        return f"containers-storage:[overlay@{self.graphroot}+{self.runroot}]{image}"

    def run(
        self, argv: Sequence[str], *, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run a tool with this session's environment; stdout and stderr interleaved in ``stdout``."""
        proc = subprocess.run(
            list(argv), env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if check and proc.returncode != 0:
            raise HarnessError(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stdout}")
        return proc

    def cleanup(self) -> None:
        """Remove containers and images, unmount what the overlay driver left, delete ``base``."""
        if shutil.which("buildah", path=_SEARCH_PATH):
            self.run(["buildah", "rm", "--all"], check=False)
            self.run(["buildah", "rmi", "--all", "--force"], check=False)
        if shutil.which("podman", path=_SEARCH_PATH):
            self.run(["podman", "rm", "--all", "--force"], check=False)
        prefix = str(self.base) + "/"
        with open("/proc/self/mounts") as f:
            mounts = [line.split()[1] for line in f]
        for target in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
            subprocess.run(["umount", "-l", target], check=False, capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)
        global _SESSION
        if _SESSION is self:  # the next session() makes a new one instead of handing out this dead one
            _SESSION = None


_SESSION: RealtoolsSession | None = None


def session() -> RealtoolsSession:
    """The process-wide session (created on first use; the conftest fixture cleans it up)."""
    global _SESSION
    if _SESSION is None:
        _SESSION = RealtoolsSession.create(os.environ.get("LAYERLAB_REALTOOLS_DIR"))
    return _SESSION


# --------------------------------------------------------------------------------------------
# The busybox base image


#: Applets that get a ``/bin/<name> -> busybox`` symlink in the base image, in this order.
BUSYBOX_APPLETS: tuple[str, ...] = (
    "sh", "echo", "mkdir", "rm", "touch", "cp", "mv", "ln", "chmod", "chown", "cat", "true",
    "false", "ls", "printf", "test", "[", "sleep", "pwd", "rmdir", "tar", "gzip",
)  # fmt: skip

#: mtime of every entry in the base layer (2000-01-01T00:00:00Z), so its DiffID is reproducible.
BUSYBOX_MTIME = 946684800
BUSYBOX_TAG = "busybox"
#: The config fields set on the base image (``umoci config``).
BUSYBOX_CONFIG: dict[str, Any] = {
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    "Cmd": ["sh"],
}
#: The base image's history: (created_by, empty_layer).
BUSYBOX_HISTORY: tuple[tuple[str, bool], ...] = (
    ("layerlab busybox rootfs from /bin/busybox", False),
    ('CMD ["sh"]', True),
)
_CREATED = "2000-01-01T00:00:00Z"


class RootfsEntry(NamedTuple):
    """One entry of the base layer: ``content`` is bytes for a file, the target for a symlink."""

    path: str
    kind: str  # "dir" | "file" | "symlink"
    mode: int
    uid: int
    gid: int
    content: bytes | str | None


_PASSWD = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
_GROUP = b"root:x:0:\nnogroup:x:65534:\n"


def busybox_rootfs_spec(busybox: str | None = None) -> list[RootfsEntry]:
    """Exactly what the base layer holds, in tar order (no entry for ``/`` itself).

    Every entry has uid 0, gid 0 and mtime ``BUSYBOX_MTIME``. ``/bin/busybox``'s content is the
    bytes of the host's static busybox (``busybox`` overrides the path).
    """
    binary = Path(busybox or _busybox_path() or "/bin/busybox").read_bytes()
    spec = [
        RootfsEntry("/bin", "dir", 0o755, 0, 0, None),
        RootfsEntry("/bin/busybox", "file", 0o755, 0, 0, binary),
    ]
    spec += [RootfsEntry(f"/bin/{a}", "symlink", 0o777, 0, 0, "busybox") for a in BUSYBOX_APPLETS]
    spec += [
        RootfsEntry("/etc", "dir", 0o755, 0, 0, None),
        RootfsEntry("/etc/passwd", "file", 0o644, 0, 0, _PASSWD),
        RootfsEntry("/etc/group", "file", 0o644, 0, 0, _GROUP),
        RootfsEntry("/root", "dir", 0o700, 0, 0, None),
        RootfsEntry("/tmp", "dir", 0o1777, 0, 0, None),
        RootfsEntry("/var", "dir", 0o755, 0, 0, None),
    ]
    return spec


def rootfs_tar_bytes(spec: Iterable[RootfsEntry], mtime: int = BUSYBOX_MTIME) -> bytes:
    """The uncompressed layer tar for ``spec``, written the way Go's ``archive/tar`` ends one.

    Names are relative (``bin/busybox``, dirs with a trailing ``/``); ustar headers with empty
    uname/gname; the archive ends with exactly two 512-byte zero blocks (no 10240-byte record
    padding, unlike ``tarfile.close()``).
    """
    out = io.BytesIO()
    kinds = {"dir": tarfile.DIRTYPE, "file": tarfile.REGTYPE, "symlink": tarfile.SYMTYPE}
    for e in spec:
        info = tarfile.TarInfo(e.path.lstrip("/") + ("/" if e.kind == "dir" else ""))
        info.type = kinds[e.kind]
        info.mode, info.uid, info.gid, info.mtime = e.mode, e.uid, e.gid, mtime
        info.uname = info.gname = ""
        data = e.content if isinstance(e.content, bytes) else b""
        info.size = len(data)
        if e.kind == "symlink":
            info.linkname = str(e.content)
        out.write(info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "surrogateescape"))
        out.write(data + b"\0" * (-len(data) % 512))
    out.write(b"\0" * 1024)
    return out.getvalue()


def make_busybox_layout(dest_dir: str | os.PathLike[str] | None = None) -> str:
    """Build (or reuse) an OCI layout holding the busybox base image; return ``oci:<dir>:busybox``.

    The layer tar is written by ``rootfs_tar_bytes(busybox_rootfs_spec())`` and added with
    ``umoci raw add-layer`` (which gzips it); ``umoci config`` sets ``BUSYBOX_CONFIG``. All
    ``created`` timestamps are fixed, so the config digest depends only on the busybox binary.
    The layout is reused when its ``layerlab-spec.sha256`` matches the spec.
    """
    dest = Path(dest_dir) if dest_dir is not None else session().base / "oci"
    layout = dest / "busybox-layout"
    tar = rootfs_tar_bytes(busybox_rootfs_spec())
    stamp = hashlib.sha256(tar + json.dumps([BUSYBOX_CONFIG, BUSYBOX_HISTORY]).encode()).hexdigest()
    ref = f"oci:{layout}:{BUSYBOX_TAG}"
    marker = layout / "layerlab-spec.sha256"
    if marker.exists() and marker.read_text() == stamp:
        return ref
    shutil.rmtree(layout, ignore_errors=True)
    dest.mkdir(parents=True, exist_ok=True)
    umoci = _tool("umoci")
    image = f"{layout}:{BUSYBOX_TAG}"
    tar_path = dest / "busybox-rootfs.tar"
    tar_path.write_bytes(tar)
    (created_by, _), (cmd_created_by, _) = BUSYBOX_HISTORY
    for argv in (
        [umoci, "init", "--layout", str(layout)],
        [umoci, "new", "--image", image],
        [umoci, "raw", "add-layer", "--image", image, "--history.created", _CREATED,
         "--history.created_by", created_by, str(tar_path)],
        [umoci, "config", "--image", image, "--created", _CREATED, "--history.created", _CREATED,
         "--history.created_by", cmd_created_by, "--config.cmd", BUSYBOX_CONFIG["Cmd"][0],
         *[a for env in BUSYBOX_CONFIG["Env"] for a in ("--config.env", env)]],
        [umoci, "gc", "--layout", str(layout)],
    ):  # fmt: skip
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise HarnessError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr}")
    tar_path.unlink()
    marker.write_text(stamp)
    return ref


# --------------------------------------------------------------------------------------------
# Reading OCI layouts into neutral changesets


@dataclasses.dataclass(frozen=True, slots=True)
class RealEntry:
    """One path of a layer changeset or a merged view, as the real tool wrote it.

    ``kind`` is file, dir, symlink, hardlink, whiteout (``.wh.<name>`` → an entry at ``<name>``)
    or opaque (a directory that carries ``.wh..wh..opq``: it hides every lower child; in a merged
    view it is just a dir). ``mode`` is the permission bits (``& 0o7777``). ``sha256`` is the hex
    digest of a file's content. ``target`` is a symlink's target as written, or a hardlink's
    target as an absolute path. ``mtime`` and ``xattrs`` do not take part in equality.
    """

    kind: str
    mode: int
    uid: int
    gid: int
    sha256: str | None = None
    size: int = 0
    target: str | None = None
    mtime: int = dataclasses.field(default=0, compare=False)
    xattrs: tuple[tuple[str, str], ...] = dataclasses.field(default=(), compare=False)

    @property
    def is_dir(self) -> bool:
        return self.kind in ("dir", "opaque")

    def __repr__(self) -> str:
        extra = f" sha256:{self.sha256[:12]} {self.size}B" if self.sha256 else ""
        extra += f" -> {self.target}" if self.target else ""
        return f"<{self.kind} {self.mode:04o} {self.uid}:{self.gid}{extra}>"


@dataclasses.dataclass(frozen=True, slots=True)
class RealLayer:
    media_type: str
    digest: str  # of the blob as stored
    size: int
    diff_id: str  # sha256 of the uncompressed tar, computed here (and checked against the config)
    changeset: dict[str, RealEntry]
    tar_names: tuple[str, ...]  # the raw member names in tar order, for ordering questions


class HistoryEntry(NamedTuple):
    created_by: str
    empty_layer: bool
    comment: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class RealImage:
    layout_dir: Path
    tag: str
    manifest_digest: str
    config_digest: str  # the image ID
    config: dict[str, Any]  # the whole config JSON
    layers: tuple[RealLayer, ...]
    history: tuple[HistoryEntry, ...]

    @property
    def diff_ids(self) -> tuple[str, ...]:
        return tuple(self.config["rootfs"]["diff_ids"])

    @property
    def changesets(self) -> list[dict[str, RealEntry]]:
        return [layer.changeset for layer in self.layers]

    def _cfg(self, key: str, default: Any = None) -> Any:
        return (self.config.get("config") or {}).get(key, default)

    env = property(lambda self: tuple(self._cfg("Env") or ()))
    cmd = property(lambda self: self._cfg("Cmd"))
    entrypoint = property(lambda self: self._cfg("Entrypoint"))
    working_dir = property(lambda self: self._cfg("WorkingDir", ""))
    user = property(lambda self: self._cfg("User", ""))
    labels = property(lambda self: dict(self._cfg("Labels") or {}))
    exposed_ports = property(lambda self: dict(self._cfg("ExposedPorts") or {}))
    volumes = property(lambda self: dict(self._cfg("Volumes") or {}))

    def layers_by_history(self) -> list[tuple[HistoryEntry, RealLayer | None]]:
        """Pair each history entry with its layer (``None`` for ``empty_layer`` entries)."""
        layers = iter(self.layers)
        return [(h, None if h.empty_layer else next(layers, None)) for h in self.history]

    def merged(self, *, drop_runtime: bool = True) -> dict[str, RealEntry]:
        view = merged_view(self.changesets)
        return drop_runtime_paths(view) if drop_runtime else view


def _blob(layout: Path, digest: str) -> bytes:
    alg, _, hexpart = digest.partition(":")
    data = (layout / "blobs" / alg / hexpart).read_bytes()
    if alg == "sha256" and hashlib.sha256(data).hexdigest() != hexpart:
        raise HarnessError(f"blob {digest} in {layout} does not match its digest")
    return data


def _decompress(data: bytes, media_type: str) -> bytes:
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        proc = subprocess.run([_tool("zstd"), "-d", "-c"], input=data, capture_output=True, check=True)
        return proc.stdout
    if media_type.endswith(("+gzip", "+zstd")):
        raise HarnessError(f"layer says {media_type} but is not compressed that way")
    return data


def _norm(name: str) -> str:
    parts = [p for p in name.split("/") if p not in ("", ".")]
    return "/" + "/".join(parts)


def read_changeset(tar_bytes: bytes) -> tuple[dict[str, RealEntry], tuple[str, ...]]:
    """Parse one uncompressed layer tar into ``{absolute path: RealEntry}`` and its member names."""
    changes: dict[str, RealEntry] = {}
    names: list[str] = []
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tf:
        for m in tf:
            names.append(m.name)
            path = _norm(m.name)
            parent, _, base = path.rpartition("/")
            parent = parent or "/"
            xattrs = tuple(sorted((k, v) for k, v in m.pax_headers.items() if k.startswith("SCHILY.xattr.")))
            common = dict(mode=m.mode & 0o7777, uid=m.uid, gid=m.gid, mtime=int(m.mtime), xattrs=xattrs)
            if base == ".wh..wh..opq":
                prev = changes.get(parent)
                changes[parent] = (
                    dataclasses.replace(prev, kind="opaque") if prev is not None and prev.is_dir
                    else RealEntry("opaque", **common)
                )  # fmt: skip
                continue
            if base.startswith(".wh."):
                if base in (".wh.", ".wh..", ".wh..."):
                    raise HarnessError(f"invalid whiteout name {m.name!r}")
                changes[f"{parent.rstrip('/')}/{base[4:]}"] = RealEntry("whiteout", **common)
                continue
            if m.isdir():
                opaque = path in changes and changes[path].kind == "opaque"
                changes[path] = RealEntry("opaque" if opaque else "dir", **common)
            elif m.issym():
                changes[path] = RealEntry("symlink", target=m.linkname, **common)
            elif m.islnk():
                changes[path] = RealEntry("hardlink", target=_norm(m.linkname), **common)
            elif m.isreg():
                f = tf.extractfile(m)
                data = f.read() if f is not None else b""
                changes[path] = RealEntry(
                    "file", sha256=hashlib.sha256(data).hexdigest(), size=len(data), **common
                )
            else:
                changes[path] = RealEntry(f"other:{m.type!r}", **common)
    return changes, tuple(names)


def _select(layout: Path, index: dict[str, Any], tag: str | None) -> dict[str, Any]:
    manifests = index.get("manifests", [])
    if tag is not None:
        manifests = [
            d for d in manifests if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag
        ]
    if len(manifests) != 1:
        raise HarnessError(f"{layout}: expected one manifest tagged {tag!r}, found {len(manifests)}")
    desc = manifests[0]
    if desc["mediaType"].endswith("index.v1+json") or "manifest.list" in desc["mediaType"]:
        nested = json.loads(_blob(layout, desc["digest"]))
        amd = [d for d in nested["manifests"] if d.get("platform", {}).get("architecture") in ("amd64", None)]
        return _select(layout, {"manifests": amd[:1]}, None)
    return desc


def read_oci_image(layout_dir: str | os.PathLike[str], tag: str | None = None) -> RealImage:
    """Read ``index.json`` → manifest → config → layers of an OCI layout into a ``RealImage``.

    Checks every blob against its digest, that each computed DiffID equals the config's
    ``rootfs.diff_ids`` entry, and that non-empty history entries and layers pair up one to one.
    """
    layout = Path(layout_dir)
    desc = _select(layout, json.loads((layout / "index.json").read_text()), tag)
    manifest = json.loads(_blob(layout, desc["digest"]))
    config = json.loads(_blob(layout, manifest["config"]["digest"]))
    diff_ids = config["rootfs"]["diff_ids"]
    if len(diff_ids) != len(manifest["layers"]):
        raise HarnessError(f"{len(manifest['layers'])} layers but {len(diff_ids)} diff_ids")
    layers = []
    for ld, expected in zip(manifest["layers"], diff_ids, strict=True):
        raw = _decompress(_blob(layout, ld["digest"]), ld["mediaType"])
        diff_id = "sha256:" + hashlib.sha256(raw).hexdigest()
        if diff_id != expected:
            raise HarnessError(f"layer {ld['digest']}: computed DiffID {diff_id} != config {expected}")
        changeset, names = read_changeset(raw)
        layers.append(RealLayer(ld["mediaType"], ld["digest"], ld["size"], diff_id, changeset, names))
    history = tuple(
        HistoryEntry(h.get("created_by", ""), bool(h.get("empty_layer", False)), h.get("comment"))
        for h in config.get("history", [])
    )
    if history and sum(not h.empty_layer for h in history) != len(layers):
        raise HarnessError(
            f"{sum(not h.empty_layer for h in history)} non-empty history entries, {len(layers)} layers"
        )
    return RealImage(
        layout, tag or "", desc["digest"], manifest["config"]["digest"], config, tuple(layers), history
    )


# --------------------------------------------------------------------------------------------
# Merged view and runtime paths


def _under(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def merged_view(changesets: Iterable[Mapping[str, RealEntry]]) -> dict[str, RealEntry]:
    """Apply changesets bottom to top with OCI semantics; return the visible tree.

    Within a layer, whiteouts and opaque markers act on the lower layers first (a whiteout hides
    the path and its subtree; an opaque dir hides all lower children), then entries are laid
    down in path order: dir over dir replaces only the attributes, anything else removes the
    existing subtree first. Opaque dirs appear as plain ``dir`` entries in the result.
    """
    view: dict[str, RealEntry] = {}

    def remove_subtree(top: str, keep_top: bool = False) -> None:
        for p in [p for p in view if _under(p, top)]:
            if not (keep_top and p == top):
                del view[p]

    for changes in changesets:
        for path, e in changes.items():
            if e.kind == "whiteout":
                remove_subtree(path)
            elif e.kind == "opaque":
                remove_subtree(path, keep_top=True)
        for path in sorted(changes):
            e = changes[path]
            if e.kind == "whiteout":
                continue
            if e.kind == "opaque":
                e = dataclasses.replace(e, kind="dir")
            old = view.get(path)
            if old is not None and not (old.is_dir and e.is_dir):
                remove_subtree(path)
            view[path] = e
    return view


#: Paths the runtime (not the Dockerfile) creates or bind-mounts; compare without them.
IGNORED_RUNTIME_PATHS: tuple[str, ...] = (
    "/dev", "/proc", "/sys", "/run", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf",
)  # fmt: skip


def drop_runtime_paths(
    entries: Mapping[str, RealEntry],
    ignored: Iterable[str] = IGNORED_RUNTIME_PATHS,
    *,
    prune_parents: bool = True,
) -> dict[str, RealEntry]:
    """Drop ``ignored`` paths and their subtrees (including whiteouts of them).

    With ``prune_parents``, a directory entry that is in ``entries`` only because an ignored
    path under it changed (it has no other descendant left) is dropped too: buildah's first
    ``RUN`` layer carries ``/etc`` only as the parent of ``/etc/hosts``. Caveat: a ``RUN`` that
    really changed such a directory's own attributes loses that entry as well.
    """
    ignored = tuple(ignored)
    kept = {p: e for p, e in entries.items() if not any(_under(p, top) for top in ignored)}
    if prune_parents:
        dropped = [p for p in entries if p not in kept]
        for p in sorted(kept, key=len, reverse=True):
            e = kept[p]
            had_ignored_child = any(_under(d, p) and d != p for d in dropped)
            has_child = any(_under(q, p) and q != p for q in kept)
            if e.kind == "dir" and had_ignored_child and not has_child:
                del kept[p]
    return kept


# --------------------------------------------------------------------------------------------
# Building with buildah


@dataclasses.dataclass(frozen=True, slots=True)
class StepLog:
    """One ``STEP n/N: INSTRUCTION`` of the build log (``stage`` counts from 1, as buildah does)."""

    stage: int
    number: int
    instruction: str
    cache_hit: bool | None  # None for FROM (nothing to cache)
    output: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class BuildResult:
    context_dir: Path
    tag: str
    returncode: int
    log: str
    steps: tuple[StepLog, ...]
    image_id: str | None  # "sha256:…" as buildah reports it (== the config digest)
    layout_dir: Path | None  # OCI layout exported by skopeo, tagged ``tag``
    image: RealImage | None
    seconds: float  # wall time of ``buildah bud`` alone

    @property
    def cache_hits(self) -> list[tuple[str, bool]]:
        """(instruction, hit) for every non-FROM step, in log order."""
        return [(s.instruction, bool(s.cache_hit)) for s in self.steps if s.cache_hit is not None]

    @property
    def oci_ref(self) -> str:
        return f"oci:{self.layout_dir}:{self.tag}"


_STEP = re.compile(r"^(?:\[(?P<stage>\d+)/\d+\] )?STEP (?P<n>\d+)/\d+: (?P<instr>.*)$")
_CACHE = re.compile(r"^--> Using cache [0-9a-f]{64}$")
_FROM_PLACEHOLDER = re.compile(r"(?im)^(\s*FROM\s+(?:--\S+\s+)*)BUSYBOX(?=\s|$)")


def parse_build_log(log: str) -> tuple[StepLog, ...]:
    """Split buildah's output into steps and note which were ``Using cache`` hits."""
    steps: list[StepLog] = []
    current: dict[str, Any] | None = None

    def close() -> None:
        if current is not None:
            is_from = current["instr"].split(None, 1)[0].upper() == "FROM"
            hit = None if is_from else any(_CACHE.match(line) for line in current["out"])
            steps.append(
                StepLog(current["stage"], current["n"], current["instr"], hit, tuple(current["out"]))
            )

    for line in log.splitlines():
        m = _STEP.match(line)
        if m:
            close()
            current = {"stage": int(m["stage"] or 1), "n": int(m["n"]), "instr": m["instr"], "out": []}
        elif current is not None:
            current["out"].append(line)
    close()
    return tuple(steps)


def substitute_base(dockerfile_text: str, base_ref: str) -> str:
    """Replace ``FROM BUSYBOX`` (any flags before it kept) with ``FROM <base_ref>``."""
    return _FROM_PLACEHOLDER.sub(lambda m: m[1] + base_ref, dockerfile_text)


def buildah_build(
    context_dir: str | os.PathLike[str],
    tag: str,
    *,
    dockerfile: str = "Dockerfile",
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
    layers: bool = True,
    base_ref: str | None = None,
    check: bool = True,
    export: bool = True,
    no_cache: bool = False,
    format: str | None = None,
) -> BuildResult:
    """``buildah bud`` a context in the session store, then export it with skopeo and read it.

    The Dockerfile is read from ``context_dir/dockerfile``, ``FROM BUSYBOX`` is replaced with
    ``base_ref`` (default: the session's busybox layout) and the result is written outside the
    context and passed with ``-f`` (the context's ``.dockerignore`` still applies). The image is
    exported to ``<session>/oci/<tag>`` as ``oci:<dir>:<tag>``. ``format="docker"`` keeps what
    the OCI config has no field for (``HEALTHCHECK``, ``SHELL``); buildah's default is ``oci``.
    """
    sess = session()
    ctx = Path(context_dir)
    base_ref = base_ref or make_busybox_layout()
    text = substitute_base((ctx / dockerfile).read_text(), base_ref)
    df = sess.base / "dockerfiles" / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', tag)}.Dockerfile"
    df.write_text(text)
    iidfile = sess.base / "tmp" / f"{df.stem}.iid"
    iidfile.unlink(missing_ok=True)
    argv = [_tool("buildah"), "bud", f"--layers={'true' if layers else 'false'}", "--isolation", "chroot",
            "--signature-policy", str(sess.policy), "--iidfile", str(iidfile), "-t", tag, "-f", str(df)]  # fmt: skip
    if format is not None:
        argv += ["--format", format]
    if no_cache:  # the session store is shared by every test: a cold build must say so
        argv.append("--no-cache")
    for k, v in (build_args or {}).items():
        argv += ["--build-arg", f"{k}={v}"]
    if target:
        argv += ["--target", target]
    argv.append(str(ctx))
    start = time.monotonic()
    proc = sess.run(argv, check=False)
    seconds = time.monotonic() - start
    steps = parse_build_log(proc.stdout)
    image_id = layout = image = None
    if proc.returncode == 0:
        image_id = iidfile.read_text().strip()
        if not image_id.startswith("sha256:"):
            image_id = "sha256:" + image_id
        if export:
            layout = sess.base / "oci" / re.sub(r"[^A-Za-z0-9_.-]", "_", tag)
            shutil.rmtree(layout, ignore_errors=True)
            sess.run([_tool("skopeo"), "--policy", str(sess.policy), "copy", "-q",
                      sess.storage_ref(image_id.removeprefix("sha256:")), f"oci:{layout}:{tag}"])  # fmt: skip
            image = read_oci_image(layout, tag)
    result = BuildResult(ctx, tag, proc.returncode, proc.stdout, steps, image_id, layout, image, seconds)
    if check and proc.returncode != 0:
        raise BuildFailed(result)
    return result


# --------------------------------------------------------------------------------------------
# Running containers with podman


def podman_run(image_ref: str, cmd: Sequence[str], *, timeout: float = 120) -> tuple[int, str]:
    """``podman run --rm`` ``cmd`` in ``image_ref``; return (exit code, stdout).

    ``image_ref`` is an image in the session store (a ``BuildResult.tag`` or ``image_id``) or an
    ``oci:<dir>:<tag>`` reference, which podman first copies into the store. Uses runc,
    cgroupfs, no network and the lowered ulimits (see the module docstring); stderr (pull
    progress, the command's own errors) is dropped unless podman itself fails to start.
    """
    sess = session()
    argv = [_tool("podman"), "run", "--rm", "--runtime", _tool("runc"), "--cgroup-manager", "cgroupfs",
            "--network", "none", image_ref, *cmd]  # fmt: skip
    proc = subprocess.run(argv, env=sess.env(), capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode in (125, 126, 127) and proc.stderr.startswith("Error"):
        raise HarnessError(f"podman could not run {image_ref}: {proc.stderr.strip()}")
    return proc.returncode, proc.stdout
