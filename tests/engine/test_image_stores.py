"""Docker's two image stores and the two ``docker diff`` styles, on the model.

Expected values come from the real tools (Docker 20.10 overlay2 and podman 4.3 on this machine,
see tests/realtools/test_docker.py and test_podman_diff.py) and from the sources named in
simulator/engine/df.py (moby v28.0.0 daemon/containerd, continuity fs/du_unix.go).
"""

from __future__ import annotations

import pytest

from simulator import Engine
from simulator.engine.df import EXT4_BLOCK, image_id, snapshot_usage
from simulator.errors import InvalidArgument, SimulatorError
from simulator.model.entries import Entry

SETUP = "mkdir -p /app/logs && echo o > /app/logs/old.log && echo x > /etc/motd"

#: (command, docker diff (Docker 20.10.24, overlay2), podman diff (podman 4.3.1), in podman's order)
SCENARIOS = [
    (
        "rm -rf /app/logs && mkdir /app/logs && echo n > /app/logs/new.log",
        ["C /app", "C /app/logs", "A /app/logs/new.log", "D /app/logs/old.log"],
        ["C /app", "D /app/logs", "A /app/logs/new.log"],
    ),
    ("echo y >> /etc/motd", ["C /etc", "C /etc/motd"], ["C /etc/motd"]),
    (
        "rm /app/logs/old.log",
        ["C /app", "C /app/logs", "D /app/logs/old.log"],
        ["C /app/logs", "C /app", "D /app/logs/old.log"],
    ),
    ("rm -rf /app", ["D /app"], ["D /app"]),
    (
        "rm -rf /app/logs && mkdir /app/logs",
        ["C /app", "C /app/logs", "D /app/logs/old.log"],
        ["C /app", "D /app/logs"],
    ),
    (
        "mkdir -p /app/logs/sub && echo q > /app/logs/sub/f && rm -rf /app/logs && mkdir -p /app/logs/sub",
        ["C /app", "C /app/logs", "D /app/logs/old.log", "A /app/logs/sub"],
        ["C /app", "D /app/logs", "A /app/logs/sub"],
    ),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    e = Engine()
    e.images.pull("busybox:1.36")
    c = e.containers.run("busybox:1.36", ["sh", "-c", SETUP], detach=False)
    c.commit(repository="app", tag="1")
    return e


@pytest.mark.parametrize(("cmd", "docker", "podman"), SCENARIOS, ids=[s[0][:30] for s in SCENARIOS])
def test_docker_and_podman_diff_styles(
    engine: Engine, cmd: str, docker: list[str], podman: list[str]
) -> None:
    c = engine.containers.run("app:1", ["sh", "-c", cmd], detach=False)
    assert c.exit_code == 0, c.output
    assert [str(x) for x in c.diff()] == docker
    assert [str(x) for x in c.diff(style="docker")] == docker
    assert [str(x) for x in c.diff(style="podman")] == podman
    assert c.diff_text("podman") == "\n".join(podman)


def test_unknown_diff_style_is_a_clear_error(engine: Engine) -> None:
    c = engine.containers.create("app:1")
    with pytest.raises(InvalidArgument, match="diff style must be one of docker, podman, not 'buildah'"):
        c.diff(style="buildah")


def test_unknown_image_store_is_a_clear_error() -> None:
    with pytest.raises(InvalidArgument, match="image_store must be one of 'overlay2', 'containerd'") as info:
        Engine(image_store="zfs")
    assert isinstance(info.value, SimulatorError) and isinstance(info.value, ValueError)


def test_default_store_is_containerd(tmp_path) -> None:
    """A fresh Docker 29 install uses the containerd image store (Docker 29 release notes:
    "containerd image store is now the default for fresh installs"); overlay2 is chosen."""
    from simulator.cli._engine import open_engine

    assert Engine().image_store == "containerd"
    assert Engine(root=tmp_path / "store").image_store == "containerd"
    assert open_engine(tmp_path / "cli").image_store == "containerd"  # the layerlab command
    assert open_engine(tmp_path, persistent=False).image_store == "containerd"
    assert Engine(image_store="overlay2").image_store == "overlay2"


def test_snapshot_usage_counts_ext4_blocks() -> None:
    # continuity fs/du_unix.go: st_blocks*512 per distinct inode, the snapshot's root included
    entries = [
        Entry.directory(),  # 4096
        Entry.file(b"x"),  # 1 byte -> one block
        Entry.file(b"x" * 4097),  # two blocks
        Entry.file(b""),  # no block
        Entry.symlink("busybox"),  # fast symlink: in the inode
        Entry.symlink("a" * 60),  # slow symlink: one block
    ]
    assert snapshot_usage(entries) == EXT4_BLOCK * (1 + 1 + 1 + 2 + 0 + 0 + 1)


def _stores() -> tuple[Engine, Engine]:
    engines = []
    for store in ("overlay2", "containerd"):
        e = Engine(image_store=store)
        e.images.pull("busybox:1.36")
        c = e.containers.run("busybox:1.36", ["sh", "-c", "echo hi > /hello"], detach=False)
        c.commit(repository="app", tag="1")
        engines.append(e)
    return engines[0], engines[1]


def test_the_stores_differ_in_image_id_sizes_and_df() -> None:
    from simulator.registry.content import image_content

    o2, cd = _stores()
    image = o2.images.get("app:1")
    assert image_id(image, "overlay2") == str(image.id)  # the config digest
    manifest = image_content(image).manifest_digest
    assert image_id(image, "containerd") == str(manifest) != str(image.id)
    df_o2, df_cd = o2.df(), cd.df()
    by_tag = {(i.repository, i.tag): i for i in df_cd.images}
    app, base = by_tag["app", "1"], by_tag["busybox", "1.36"]
    assert app.id == str(manifest)
    # overlay2: the apparent size of files and symlinks
    assert {(i.repository, i.size) for i in df_o2.images} == {
        ("app", image.size),
        ("busybox", image.size - 3),
    }
    # containerd: content blobs + unpacked snapshots; only snapshots count as shared
    content = image_content(image)
    blobs = len(content.manifest) + content.config.size + sum(d.size for d in content.layers)
    unpacked = sum(snapshot_usage(cd.layers[ch].entries.values()) for ch in image.chain_ids)
    assert app.size == blobs + unpacked
    assert (
        app.shared_size == base.shared_size == snapshot_usage(cd.layers[image.chain_ids[0]].entries.values())
    )
    # the snapshotter's usage, the container's writable snapshot included; no blobs
    (container,) = df_cd.containers
    assert container.size == snapshot_usage([Entry.file(b"hi\n")]) == 2 * EXT4_BLOCK
    assert df_cd.layers_size == unpacked + container.size
    assert df_o2.containers[0].size == 3
    assert "IMAGE ID" in cd.df().verbose() and str(manifest)[7:19] in cd.df().verbose()
