"""Hand-made OCI layouts and layer tars for the import tests (good ones and hostile ones).

Independent of the simulator: plain ``tarfile``, ``gzip``, ``hashlib`` and ``json``, so a test
can state exactly which bytes the importer is given.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

__all__ = ["layer_tar", "make_layout", "member", "sha256"]


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def member(
    name: str,
    kind: str = "file",
    data: bytes = b"",
    *,
    mode: int | None = None,
    uid: int = 0,
    gid: int = 0,
    linkname: str = "",
) -> tuple[tarfile.TarInfo, bytes]:
    """One tar member: ``kind`` is file, dir, symlink, hardlink, char, fifo."""
    info = tarfile.TarInfo(name)
    info.type = {
        "file": tarfile.REGTYPE,
        "dir": tarfile.DIRTYPE,
        "symlink": tarfile.SYMTYPE,
        "hardlink": tarfile.LNKTYPE,
        "char": tarfile.CHRTYPE,
        "fifo": tarfile.FIFOTYPE,
    }[kind]
    info.mode = mode if mode is not None else (0o755 if kind == "dir" else 0o644)
    info.uid, info.gid = uid, gid
    info.linkname = linkname
    info.size = len(data) if kind == "file" else 0
    return info, data


def layer_tar(*members: tuple[tarfile.TarInfo, bytes]) -> bytes:
    """An uncompressed layer tar of ``members`` in the given order."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buf.getvalue()


def _blob(root: Path, data: bytes) -> dict[str, Any]:
    digest = sha256(data)
    (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    (root / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(data)
    return {"digest": digest, "size": len(data)}


def make_layout(
    root: Path,
    tars: list[bytes],
    *,
    compress: bool = True,
    ref_name: str | None = "t",
    history: list[dict[str, Any]] | None = None,
    diff_ids: list[str] | None = None,
    blobs: list[bytes] | None = None,
) -> Path:
    """An OCI layout of one image whose layers are ``tars`` (gzip unless ``compress=False``).

    ``diff_ids`` and ``blobs`` override what goes into the config and the layer blobs (to make
    mismatches); ``history`` overrides the default one-entry-per-layer history.
    """
    root.mkdir(parents=True, exist_ok=True)
    layers = []
    for i, raw in enumerate(tars):
        stored = blobs[i] if blobs is not None else (gzip.compress(raw, mtime=0) if compress else raw)
        media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compress else "")
        layers.append({"mediaType": media, **_blob(root, stored)})
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": ["sh"]},
        "rootfs": {
            "type": "layers",
            "diff_ids": diff_ids if diff_ids is not None else [sha256(t) for t in tars],
        },
        "history": history
        if history is not None
        else [{"created_by": f"layer {i}"} for i in range(len(tars))],
    }
    config_desc = {
        "mediaType": "application/vnd.oci.image.config.v1+json",
        **_blob(root, json.dumps(config).encode()),
    }
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config_desc,
        "layers": layers,
    }
    desc: dict[str, Any] = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        **_blob(root, json.dumps(manifest).encode()),
    }
    if ref_name is not None:
        desc["annotations"] = {"org.opencontainers.image.ref.name": ref_name}
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [desc]}))
    (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    return root
