"""The store on disk: what an engine with a root keeps, and finds again in a new engine (a new process)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from simulator import Engine, Entry, Image, Layer
from simulator.errors import ContainerNotFound, SimulatorError, StoreError
from simulator.model.container import State
from simulator.store import Store, fsck


def _base() -> Image:
    return Image.of([Layer.of({"/etc": Entry.directory(), "/etc/motd": Entry.file(b"hi\n")})])


def test_images_tags_and_parents_survive_a_reopen(tmp_path: Path) -> None:
    with Engine(root=tmp_path) as engine:
        image = engine.images.add(_base(), "demo:1")
        engine.images.tag("demo:1", "demo:latest")
        c = engine.containers.create("demo:1", name="c1")
        c.write_file("/etc/motd", b"changed\n")
        child = c.commit(repository="child", tag="2")
        history = engine.images.history("child:2")
    reopened = Engine.open(tmp_path)
    assert reopened.images.get("demo:1").id == image.id
    assert reopened.images.tags_of(image) == ["demo:1", "demo:latest"]
    assert reopened.images.get("child:2").id == child.id
    assert reopened.images.parent_of(reopened.images.get("child:2")).id == image.id  # type: ignore[union-attr]
    assert reopened.images.history("child:2") == history
    assert reopened.images.get("child:2").view.read_file("/etc/motd") == b"changed\n"
    assert reopened.layers.refcount(image.chain_ids[0]) == 2
    assert reopened.fsck().ok  # type: ignore[union-attr]


def test_containers_keep_their_writable_layer_state_and_output(tmp_path: Path) -> None:
    engine = Engine(root=tmp_path)
    engine.images.pull("alpine:3.20")
    ran = engine.containers.run("alpine:3.20", "echo out; echo data > /tmp/f", name="ran")
    created = engine.containers.create("alpine:3.20", name="new")
    created.write_file("/etc/box", b"box\n")  # a write from Python is an operation
    created.unlink("/etc/motd")
    diff = [str(ch) for ch in created.diff()]
    table = engine.containers.table(all=True)
    other = Engine.open(tmp_path)
    again = other.containers.get("ran")
    assert (again.state, again.exit_code, again.output) == (State.EXITED, 0, b"out\n")
    assert again.id == ran.id and again.started_at == ran.started_at
    assert again.read_file("/tmp/f") == b"data\n"
    fresh = other.containers.get("new")
    assert fresh.state is State.CREATED
    assert [str(ch) for ch in fresh.diff()] == diff
    assert fresh.read_file("/etc/box") == b"box\n" and not fresh.exists("/etc/motd")
    assert other.containers.table(all=True) == table


def test_removing_forgets_and_frees_the_blobs(tmp_path: Path) -> None:
    engine = Engine(root=tmp_path)
    engine.images.add(_base(), "demo:1")
    c = engine.containers.create("demo:1", name="c1")
    c.write_file("/big", b"x" * 1000)
    blobs = set(Store(tmp_path).blobs)
    c.remove()
    engine.images.remove("demo:1")
    other = Engine.open(tmp_path)
    assert len(other.images) == 0 and len(other.containers) == 0
    with pytest.raises(ContainerNotFound):
        other.containers.get("c")
    report = fsck(tmp_path)
    assert report.ok and report.blobs == 0 and not report.notes, str(report)
    assert blobs  # there were blobs, and they are gone


def test_the_build_cache_is_kept(tmp_path: Path) -> None:
    dockerfile = "FROM alpine:3.20\nRUN echo a > /a\nRUN echo b > /b\n"
    first = Engine(root=tmp_path).build(dockerfile, tag="x:1")
    again = Engine.open(tmp_path).build(dockerfile, tag="x:2")
    assert again.image.id == first.image.id
    assert [s.cached for s in again.steps if s.cached is not None][-2:] == [True, True]


def test_two_engines_on_one_store_see_each_others_work(tmp_path: Path) -> None:
    a, b = Engine(root=tmp_path), Engine(root=tmp_path)
    a.images.add(_base(), "demo:1")
    assert "demo:1" in b.images
    b.containers.create("demo:1", name="from-b")
    a.containers.create("demo:1", name="from-a")  # a sees b's container: no lost update, no name clash
    assert sorted(c.name for c in b.containers.list(all=True)) == ["from-a", "from-b"]
    with pytest.raises(SimulatorError, match="already in use"):
        b.containers.create("demo:1", name="from-a")
    assert fsck(tmp_path).ok


def test_a_failed_operation_changes_nothing_on_disk(tmp_path: Path) -> None:
    engine = Engine(root=tmp_path)
    engine.images.add(_base(), "demo:1")
    engine.containers.create("demo:1", name="user")
    with pytest.raises(SimulatorError):
        engine.images.remove("demo:1")  # a container uses it
    with pytest.raises(SimulatorError):
        engine.build("FROM alpine:3.20\nRUN exit 3\n", tag="bad:1")
    other = Engine.open(tmp_path)
    assert [other.images.tags_of(i) for i in other.images.list()] == [["demo:1"]]
    assert "bad:1" not in engine.images and fsck(tmp_path).ok


def test_the_in_memory_engine_touches_no_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    engine = Engine()
    assert engine.root is None and engine.fsck() is None
    engine.images.add(_base(), "demo:1")
    engine.containers.create("demo:1").write_file("/x", b"1")
    assert os.listdir(tmp_path) == []


def test_bad_roots_are_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Engine(root=tmp_path / "file")
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match="not a layerlab store"):
        Engine.open(tmp_path / "stuff")
    with pytest.raises(StoreError, match="memory backend"):
        Engine("overlayfs", root=tmp_path / "new")
    assert isinstance(StoreError("x"), OSError)


def test_fsck_finds_a_missing_and_a_corrupt_blob(tmp_path: Path) -> None:
    engine = Engine(root=tmp_path)
    image = engine.images.add(_base(), "demo:1")
    store = Store(tmp_path)
    layer_blob = store.blobs.path(image.layers[0].diff_id)
    os.chmod(layer_blob, 0o644)
    with open(layer_blob, "r+b") as f:
        f.write(b"X")
    os.unlink(store.blobs.path(image.id))
    report = fsck(tmp_path)
    assert not report.ok
    text = str(report)
    assert f"layer {image.chain_ids[0]}: blob {image.layers[0].diff_id} hashes to" in text
    assert f"image {image.id} config: blob {image.id} is missing" in text
    with pytest.raises(StoreError, match="missing"):
        Engine.open(tmp_path).images.get("demo:1")


def test_fsck_finds_dangling_rows(tmp_path: Path) -> None:
    Engine(root=tmp_path).images.add(_base(), "demo:1")
    db = sqlite3.connect(tmp_path / "store.db")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("INSERT INTO tags VALUES ('ghost:1', 'sha256:" + "0" * 64 + "')")
    db.commit()
    db.close()
    assert "tag ghost:1 names image sha256:000" in str(fsck(tmp_path))


def test_the_layout_is_an_oci_image_layout(tmp_path: Path) -> None:
    from simulator.oci import read_layout

    engine = Engine(root=tmp_path)
    image = engine.images.add(_base(), "demo:1")
    engine.images.tag("demo:1", "example.com/team/app:2")
    found = read_layout(tmp_path / "oci")
    assert [(f.image.id, sorted(f.tags)) for f in found] == [(image.id, ["demo:1", "example.com/team/app:2"])]


def test_a_tag_written_under_a_full_name_is_found_by_its_familiar_name(tmp_path: Path) -> None:
    """Stores written before names were kept familiar have ``docker.io/library/demo:1`` rows: they are
    found as ``demo:1``, and re-tagging or untagging that name replaces the old row, so it never
    comes back on the next open."""
    with Engine(root=tmp_path) as engine:
        image = engine.images.add(_base(), "demo:1")
        other = engine.images.add(Image.of([Layer.of({"/x": Entry.file(b"x")})]), "other:1")
    db = sqlite3.connect(tmp_path / "store.db")
    with db:
        db.execute("UPDATE tags SET name = 'docker.io/library/demo:1' WHERE name = 'demo:1'")
        db.execute("UPDATE tags SET name = 'index.docker.io/library/other:1' WHERE name = 'other:1'")
    db.close()
    reopened = Engine.open(tmp_path)
    assert reopened.images.get("demo:1").id == image.id
    assert reopened.images.get("docker.io/library/demo:1").id == image.id
    assert reopened.images.tags_of(image) == ["demo:1"]
    reopened.images.tag(other, "demo:1")
    reopened.images.remove("other:1")  # other has two names: rmi only untags it
    again = Engine.open(tmp_path)
    assert again.images.get("demo:1").id == other.id
    assert again.images.tags_of(other) == ["demo:1"] and again.images.tags_of(image) == []
    rows = sqlite3.connect(tmp_path / "store.db").execute("SELECT name FROM tags ORDER BY name").fetchall()
    assert rows == [("demo:1",)]
