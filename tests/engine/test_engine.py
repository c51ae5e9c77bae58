"""The engine porcelain: images, tags, removal rules, df numbers, text tables (SEMANTICS §4)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import simulator
from simulator import Conflict, ContainerNotFound, Engine, Entry, HistoryEntry, Image, ImageNotFound, Layer
from simulator.text import human_duration, human_size, table

MB = 1_000_000


def sized(name: str, size: int) -> Layer:
    return Layer.of({f"/{name}": Entry.file(b"\0" * size)}, created_by=f"ADD {name}")


def test_df_shared_and_unique_sizes_case_61():
    engine = Engine(image_store="overlay2")  # the numbers of SEMANTICS' case 61: the graphdriver store
    base = sized("base", 10 * MB)
    x = engine.images.add(Image.of([base, sized("x", 5 * MB)]), "x:1")
    engine.images.add(Image.of([base, sized("y", 5 * MB)]), "y:1")
    engine.containers.create(x, name="uses-x").start()
    df = engine.df()
    assert df.layers_size == 20 * MB
    assert df.images_active == 1
    rows = {r.repository: r for r in df.images}
    assert (rows["x"].size, rows["x"].shared_size, rows["x"].unique_size) == (15 * MB, 10 * MB, 5 * MB)
    assert (rows["y"].size, rows["y"].shared_size, rows["y"].unique_size) == (15 * MB, 10 * MB, 5 * MB)
    assert df.images_reclaimable == 5 * MB  # current Docker: unused images' unique bytes
    text = df.table()
    assert "Images          2         1         20MB      5MB (25%)" in text
    assert "15MB      10MB          5MB           1" in df.verbose()


def test_df_case_61_with_the_containerd_store():
    """The same images in the containerd store: ``LayerDiskUsage`` sums every snapshot's
    ``fs.DiskUsage`` (st_blocks * 512 per inode, ext4 4 KiB blocks, each snapshot's root
    directory one block; moby daemon/containerd/service.go, continuity fs/du_unix.go)."""
    engine = Engine()  # the default store
    assert engine.image_store == "containerd"
    base = sized("base", 10 * MB)
    x = engine.images.add(Image.of([base, sized("x", 5 * MB)]), "x:1")
    engine.images.add(Image.of([base, sized("y", 5 * MB)]), "y:1")
    engine.containers.create(x, name="uses-x").start()
    df = engine.df()
    block = 4096
    base_snapshot = -(-10 * MB // block) * block + block  # 2442 blocks of data + the root directory
    top_snapshot = -(-5 * MB // block) * block + block  # 1221 blocks + the root directory
    writable = block  # the running container's snapshot: its root directory only
    assert df.layers_size == base_snapshot + 2 * top_snapshot + writable == 20_021_248
    rows = {r.repository: r for r in df.images}
    for row in rows.values():  # only snapshots are shared; the blobs are each image's own
        assert row.shared_size == base_snapshot
        assert row.unique_size == row.size - base_snapshot > top_snapshot


def test_layers_stored_once_per_chain_id_and_released():
    engine = Engine()
    base = sized("base", 10)
    a = engine.images.add(Image.of([base, sized("a", 1)]), "a")
    b = engine.images.add(Image.of([base, sized("b", 1)]), "b")
    assert len(engine.layers) == 3
    assert engine.layers.refcount(a.chain_ids[0]) == 2
    assert a.layers[0] is b.layers[0]
    engine.images.remove("a")
    assert len(engine.layers) == 2 and engine.layers.refcount(b.chain_ids[0]) == 1


def test_remove_image_in_use_is_a_conflict_and_force_only_untags():
    engine = Engine()
    img = engine.images.add(Image.of([sized("f", 1)]), "app:1")
    c = engine.containers.create("app:1")
    with pytest.raises(Conflict) as info:
        engine.images.remove("app:1")
    assert "must force" in str(info.value) and c.id[:12] in str(info.value)
    assert engine.images.remove("app:1", force=True) == ["Untagged: app:1"]
    assert engine.images.get(img.id) is not None  # still there for its container
    c.remove()
    assert engine.images.prune()["ImagesDeleted"] == [f"Deleted: {img.id}"]


def test_removing_one_of_two_tags_only_untags():
    engine = Engine()
    img = engine.images.add(Image.of([sized("f", 1)]), "app:1")
    engine.images.tag(img, "app", "latest")
    assert engine.images.remove("app:1") == ["Untagged: app:1"]
    assert engine.images.tags_of(img) == ["app:latest"]
    with pytest.raises(ImageNotFound) as info:
        engine.images.get("app:1")
    assert "app:latest" in str(info.value)


def test_lookup_by_short_id_and_errors_name_known_things():
    engine = Engine()
    img = engine.images.add(Image.of([sized("f", 1)]), "app")
    assert engine.images.get(img.id[7:19]) is img
    assert engine.images.get("app:latest") is img
    with pytest.raises(ContainerNotFound) as info:
        engine.containers.get("nope")
    assert "known containers" in str(info.value)


def test_container_name_conflict():
    engine = Engine()
    engine.images.add(Image.of([sized("f", 1)]), "app")
    engine.containers.create("app", name="web")
    with pytest.raises(Conflict):
        engine.containers.create("app", name="web")


def test_history_ids_walk_parents_and_show_missing_case_55_56():
    engine = Engine()
    base = Image.of(
        [sized("f", 1000), sized("g", 2)],
        history=[
            HistoryEntry("ADD f", "2024-01-01T00:00:00Z"),
            HistoryEntry('CMD ["sh"]', "2024-01-01T00:00:00Z", empty_layer=True),
            HistoryEntry("RUN " + "x" * 60, "2024-01-01T00:00:00Z"),
        ],
    )
    engine.images.add(base, "base")
    c = engine.containers.create("base", ["/bin/sh"])
    c.write_file("/new", b"abc")
    child = c.commit("child", "1")
    lines = engine.images.history("child:1").splitlines()
    assert lines[0].split() == ["IMAGE", "CREATED", "CREATED", "BY", "SIZE", "COMMENT"]
    assert lines[1].startswith(child.short_id)
    assert lines[2].startswith(base.short_id)
    assert lines[3].startswith("<missing>") and lines[4].startswith("<missing>")
    assert "RUN " + "x" * 40 + "…" in lines[2]  # 45 display characters with the ellipsis
    assert " 0B " in lines[3]  # the empty_layer entry


def test_human_size_and_duration_as_go_units_case_57():
    assert [human_size(n) for n in (0, 999_500, 1_000_000, 5_580_000)] == ["0B", "1e+03kB", "1MB", "5.58MB"]
    assert human_size(16_430_000, 4) == "16.43MB"
    assert [
        human_duration(s)
        for s in (0.5, 1, 59, 60, 3599, 3600, 50 * 3600, 15 * 86400, 90 * 86400, 800 * 86400)
    ] == [
        "Less than a second",
        "1 second",
        "59 seconds",
        "About a minute",
        "59 minutes",
        "About an hour",
        "2 days",
        "2 weeks",
        "3 months",
        "2 years",
    ]


def test_tabwriter_layout_matches_docker_golden():
    text = table(
        ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"],
        [["abcdef123456", "Less than a second ago", "x", "0B", ""]],
    )
    assert text.splitlines()[0] == "IMAGE          CREATED                  CREATED BY   SIZE      COMMENT"


def test_docker_ps_size_column():
    engine = Engine(image_store="overlay2")  # bytes of files in the writable layer
    engine.images.add(Image.of([sized("f", 7_800_000)]), "app")
    c = engine.containers.create("app", name="web").start()
    c.write_file("/f", b"")
    assert "0B (virtual 7.8MB)" in engine.containers.table(size=True)
    # containerd: the writable snapshot's disk usage, its root directory's 4 KiB block included
    # (GetContainerLayerSize); virtual adds the image's snapshot: 1905 blocks of /f + its root
    engine = Engine(image_store="containerd")
    engine.images.add(Image.of([sized("f", 7_800_000)]), "app")
    engine.containers.create("app", name="web").start().write_file("/f", b"")
    assert 4096 + 1905 * 4096 + 4096 == 7_811_072
    assert "4.1kB (virtual 7.81MB)" in engine.containers.table(size=True)


PUBLIC_API = [
    "EMPTY_TAR_DIFF_ID",
    "BackendUnavailable",
    "BuildError",
    "BuildResult",
    "Change",
    "Conflict",
    "Container",
    "ContainerNotFound",
    "ContainerStateError",
    "CopyUp",
    "Digest",
    "DiskUsage",
    "DockerfileError",
    "Engine",
    "Entry",
    "HistoryEntry",
    "Image",
    "ImageConfig",
    "ImageFormatError",
    "ImageNotFound",
    "InvalidPath",
    "InvalidReference",
    "Kind",
    "Layer",
    "LayerNotFound",
    "LogicalClock",
    "NotFound",
    "Origin",
    "OverlayOptions",
    "SimulatorError",
    "StageRecord",
    "State",
    "StepRecord",
    "UnionView",
    "chain_id",
    "chain_ids",
    "sha256_digest",
]


def test_public_api_is_pinned():
    """The names README and notebooks rely on: adding one is a decision, removing one breaks users."""
    assert sorted(simulator.__all__) == sorted(PUBLIC_API)
    assert all(hasattr(simulator, name) for name in simulator.__all__)


def test_model_is_pure():
    code = (
        "import sys\n"
        "for mod in ('graphviz', 'networkx', 'ipywidgets', 'IPython', 'subprocess', 'socket'):\n"
        "    sys.modules[mod] = None\n"
        "import simulator.model, simulator.digest, simulator.errors\n"
        "from simulator.model import Container, Image, Layer, Entry\n"
        "c = Container(Image.of([Layer.of({'/f': Entry.file(b'x')})]))\n"
        "c.write_file('/g', b'y')\n"
        "print(c.upper.diff_id)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("sha256:")


def test_logical_clock_starts_after_the_library_images_were_made():
    engine = Engine()
    image = engine.images.pull("python:3.12-slim")
    assert image.created < engine.clock_peek().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "Less than a second ago" not in engine.images.table()


@pytest.mark.parametrize(
    ("store", "reclaimable"),
    [("overlay2", 3), ("containerd", 2 * 4096)],  # containerd: the snapshot's root directory + 1 block of /b
)
def test_status_column_like_docker_ps_and_reclaimable_containers(store: str, reclaimable: int):
    engine = Engine(image_store=store)
    engine.images.add(Image.of([sized("f", 1)]), "app")
    up = engine.containers.create("app", name="up").start()
    up.write_file("/a", b"12345")
    done = engine.containers.create("app", name="done").start()
    done.write_file("/b", b"123")
    done.stop(3)
    engine.now()
    table = engine.containers.table(all=True)
    assert "Exited (3) 1 second ago" in table and "Up 4 seconds" in table
    df = engine.df()
    assert df.containers_active == 1 and df.containers_reclaimable == reclaimable


def test_bad_arguments_are_clear_errors():
    from simulator import InvalidPath, InvalidReference

    engine = Engine()
    engine.images.add(Image.of([sized("f", 1)]), "app")
    with pytest.raises(InvalidReference, match="invalid image reference 123"):
        engine.containers.create(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="command must be a string"):
        engine.containers.create("app", 5)  # type: ignore[arg-type]
    c = engine.containers.create("app")
    with pytest.raises(TypeError, match="mode must be an int"):
        c.chmod("/f", "755")  # type: ignore[arg-type]
    with pytest.raises(InvalidPath):
        c.mkdir(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidPath):
        c.rename("/f", None)  # type: ignore[arg-type]
    assert c.upper_entries == {}


# moby daemon/names/names.go RestrictedNamePattern `^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`, checked with
# one leading "/" trimmed; the daemon's message names the refused name and the allowed characters.
@pytest.mark.parametrize(
    "bad", ["a", "/a", "_web", "-web", ".web", "web app", "wéb", "", "/", "web/1", "//web"]
)
def test_a_container_name_docker_refuses_is_refused_with_its_message(bad: str) -> None:
    from simulator.errors import InvalidContainerName

    engine = Engine()
    with pytest.raises(InvalidContainerName) as raised:
        engine.containers.create("alpine:3.20", name=bad)
    assert str(raised.value) == f"Invalid container name ({bad}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    assert isinstance(raised.value, ValueError)
    assert engine.containers.list(all=True) == []


@pytest.mark.parametrize("good", ["ab", "a1", "9z", "web_1.a-b", "/web"])
def test_names_docker_accepts_are_accepted(good: str) -> None:
    engine = Engine()
    container = engine.containers.create("alpine:3.20", name=good)
    assert container.name == good.removeprefix("/")
    assert engine.containers.get(good.removeprefix("/")) is container


def test_rename_checks_the_new_name_too() -> None:
    from simulator.errors import InvalidContainerName

    engine = Engine()
    container = engine.containers.create("alpine:3.20", name="web")
    with pytest.raises(InvalidContainerName, match=r"Invalid container name \(x\)"):
        engine.containers.rename(container, "x")
    assert container.name == "web"
