"""A registry kept in a store on disk: the same answers as in memory, and found again by a new process.

The rows and blobs live in the store (simulator/store/registry.py); ``open_registry`` joins a
Registry to them.  Crash safety during a push and a pull is tests/store/test_registry_crash.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import Engine
from simulator.digest import sha256_digest
from simulator.engine.persist import open_registry
from simulator.errors import StoreError
from simulator.registry import Registry
from simulator.store import fsck

from .test_memory import upload

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
ENV.pop("LAYERLAB_STORE_CRASH", None)


def _child(*argv: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "registry._persist_child", *argv],
        env=ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_push_in_one_process_pull_in_a_new_process(tmp_path: Path) -> None:
    root = tmp_path / "store"
    pushed = _child("push", str(root))
    assert [line for line in pushed if line.startswith("pushed")] == ["pushed 1", "pushed 2"]
    pulled = dict(line.split() for line in _child("pull", str(root)))
    engine = Engine.open(root)
    assert pulled == {t: engine.images.get(f"lesson/alpine:{t}").id for t in ("1", "2")}
    reg = open_registry(root)
    assert reg.repositories() == ["lesson/alpine"]
    assert reg.tags("lesson/alpine") == ["1", "2"]
    # the config blob is one file, shared by the image store and the registry (same digest)
    db = sqlite3.connect(root / "store.db")
    linked = {d for (d,) in db.execute("SELECT digest FROM registry_blobs")}
    images = {d for (d,) in db.execute("SELECT id FROM images")}
    assert images <= linked
    assert all((root / "oci" / "blobs" / "sha256" / d.removeprefix("sha256:")).is_file() for d in linked)
    report = fsck(root)
    assert report.ok, report
    assert report.manifests == 2


def _script(reg: Registry) -> list[tuple[int, bytes]]:
    """The same requests against any registry: uploads, a mount, manifests, tags, deletes, listings."""
    answers = []
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
    )
    layer = b"layer bytes"
    upload(reg, "a/web", config.encode())
    upload(reg, "a/web", layer)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": sha256_digest(config.encode()),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": sha256_digest(layer),
                    "size": len(layer),
                }
            ],
        }
    ).encode()
    ct = {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}
    for method, target, headers, body in [
        ("PUT", "/v2/a/web/manifests/1", ct, manifest),
        ("PUT", "/v2/a/web/manifests/2", ct, manifest),
        ("POST", f"/v2/b/copy/blobs/uploads/?mount={sha256_digest(layer)}&from=a/web", {}, b""),
        ("HEAD", f"/v2/b/copy/blobs/{sha256_digest(layer)}", {}, b""),
        ("PUT", "/v2/b/copy/manifests/x", ct, manifest),  # config not in b/copy: MANIFEST_BLOB_UNKNOWN
        ("DELETE", "/v2/a/web/manifests/2", {}, b""),
        ("GET", "/v2/a/web/tags/list", {}, b""),
        ("GET", "/v2/_catalog", {}, b""),
        ("GET", f"/v2/a/web/blobs/{sha256_digest(layer)}", {}, b""),
        ("DELETE", f"/v2/b/copy/blobs/{sha256_digest(layer)}", {}, b""),
        ("HEAD", f"/v2/b/copy/blobs/{sha256_digest(layer)}", {}, b""),
        ("GET", "/v2/a/web/manifests/1", {}, b""),
    ]:
        r = reg.handle(method, target, headers, body)
        answers.append((r.status, r.body))
    return answers


def test_a_stored_registry_answers_as_the_memory_one_and_keeps_it(tmp_path: Path) -> None:
    memory, stored = Registry(), open_registry(tmp_path)
    assert _script(stored) == _script(memory)
    again = open_registry(tmp_path)  # a new store object: what a new process sees
    for reg in (memory, again):
        assert reg.repositories() == ["a/web", "b/copy"]
        assert reg.tags("a/web") == ["1"]
    for target in ["/v2/a/web/manifests/1", "/v2/a/web/manifests/2", "/v2/b/copy/tags/list", "/v2/_catalog"]:
        a, b = memory.handle("GET", target), again.handle("GET", target)
        assert (a.status, a.body) == (b.status, b.body), target
    assert again.blob_bytes_total() == memory.blob_bytes_total()
    assert fsck(tmp_path).ok


def test_two_registry_objects_on_one_store_see_each_others_changes(tmp_path: Path) -> None:
    first, second = open_registry(tmp_path), open_registry(tmp_path)
    assert second.repositories() == []
    upload(first, "web", b"data")
    assert second.has_blob("web", sha256_digest(b"data"))
    assert second.handle("GET", f"/v2/web/blobs/{sha256_digest(b'data')}").body == b"data"
    other = open_registry(tmp_path, "other.example")  # another registry in the same store
    assert other.repositories() == []


def test_removing_an_image_keeps_the_config_blob_the_registry_shares(tmp_path: Path) -> None:
    engine = Engine.open(tmp_path)
    reg = open_registry(engine)
    image = engine.images.pull("alpine:3.20")
    engine.images.push("alpine:3.20", reg, quiet=True)
    engine.images.remove("alpine:3.20")
    answer = reg.handle("GET", f"/v2/alpine/blobs/{image.id}")
    assert answer.status == 200 and sha256_digest(answer.body) == image.id
    assert fsck(tmp_path).ok
    again = Engine()
    assert again.images.pull("alpine:3.20", open_registry(tmp_path), quiet=True).id == image.id


def test_an_in_memory_engine_has_no_stored_registry() -> None:
    with pytest.raises(StoreError, match="keeps nothing on disk"):
        open_registry(Engine())


def test_fsck_finds_a_manifest_whose_blob_is_not_in_its_repository(tmp_path: Path) -> None:
    reg = open_registry(tmp_path)
    _script(reg)
    db = sqlite3.connect(tmp_path / "store.db")
    with db:
        db.execute("DELETE FROM registry_blobs WHERE repository = 'a/web'")
    report = fsck(tmp_path)
    assert not report.ok
    assert any("not in the repository" in p for p in report.problems)


def test_two_processes_push_to_one_stored_registry_at_once(tmp_path: Path) -> None:
    root = tmp_path / "store"
    Engine.open(root).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "registry._persist_child", "push-as", str(root), who, "4"],
            env=ENV,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("alice", "bob")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.split("\n")[-2] == "pushed 3"
    report = fsck(root)
    assert report.ok, report
    reg = open_registry(root)
    assert reg.repositories() == ["alice/app", "bob/app"]
    for who in ("alice", "bob"):
        assert reg.tags(f"{who}/app") == ["0", "1", "2", "3"]
        image = Engine().images.pull(f"{who}/app:3", reg, quiet=True)
        assert image.view.read_file(f"/{who}-3") == f"{who} 3\n".encode()
