"""The engine's indexes agree with full scans after any sequence of operations.

``engine.images`` keeps tag -> image, image -> tags and image -> child images;
``engine.containers`` keeps name -> container and image -> containers; the layer store keeps a
refcount per ChainID.  Each check below recomputes one of them from scratch (the way the engine
computed it before it had indexes) and compares.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from simulator import Conflict, ContainerStateError, Engine, Entry, Image, ImageNotFound, Layer, State
from simulator.errors import ContainerNotFound

BASE = Layer.of({"/etc": Entry.directory(), "/etc/motd": Entry.file(b"hi\n")}, created_by="ADD base")


def assert_consistent(engine: Engine) -> None:
    images, containers = engine.images, engine.containers
    # image -> tags is the inverse of tag -> image, and never holds an empty set
    inverse: dict[str, set[str]] = {}
    for full, image_id in images._tags.items():
        assert image_id in images._by_id
        inverse.setdefault(image_id, set()).add(full)
    assert images._tags_by_image == inverse
    for image in images._by_id.values():
        assert images.tags_of(image) == sorted(t for t, i in images._tags.items() if i == image.id)
    # image -> children is the inverse of child -> parent
    children: dict[str, set[str]] = {}
    for child, parent in images._parents.items():
        assert child in images._by_id and parent in images._by_id
        children.setdefault(parent, set()).add(child)
    assert images._children == children
    # the layer store holds exactly the layers of the stored images, counted once per image
    counts = Counter(chain for image in images._by_id.values() for chain in image.chain_ids)
    assert set(engine.layers) == set(counts)
    assert all(engine.layers.refcount(chain) == n for chain, n in counts.items())
    # name -> container and image -> containers are what a scan of the containers finds
    everyone = list(containers._containers.values())
    assert all(c.state is not State.REMOVED for c in everyone)
    assert containers._by_name == {c.name: c for c in everyone}
    assert len(containers._by_name) == len(everyone)  # names are unique
    for image in images._by_id.values():
        assert containers.users_of(image) == [c for c in everyone if c.image.id == image.id]
    assert sum(len(users) for users in containers._by_image.values()) == len(everyone)
    assert all(users for users in containers._by_image.values())
    for c in everyone:
        assert containers.get(c.name) is c and containers.get(c.id) is c
    # df's per-image numbers match a scan
    df = engine.df()
    for row in df.images:
        image = images.get(row.id)
        assert row.containers == sum(1 for c in everyone if c.image.id == image.id)


def random_operations(engine: Engine, rng: random.Random, steps: int) -> None:
    names = [f"c{i}" for i in range(12)]
    repos = [f"app{i}:{t}" for i in range(5) for t in ("1", "latest")]
    for step in range(steps):
        images = engine.images.list(all=True)
        containers = engine.containers.list(all=True)
        op = rng.randrange(10)
        try:
            if op == 0 or not images:
                layer = Layer.of({f"/f{rng.randrange(8)}": Entry.file(b"x" * rng.randrange(1, 50))})
                engine.images.add(Image.of([BASE, layer]), rng.choice([None, *repos]))
            elif op == 1:
                engine.images.tag(rng.choice(images), rng.choice(repos))
            elif op == 2:
                refs: list[str | Image] = [rng.choice(repos), rng.choice(images).id, rng.choice(images)]
                ref = rng.choice(refs)
                engine.images.remove(ref, force=rng.random() < 0.3)
            elif op in (3, 4):
                name = rng.choice([None, None, *names])
                engine.containers.create(rng.choice(images), ["/bin/sh"], name=name)
            elif op == 5 and containers:
                c = rng.choice(containers)
                if c.state is State.RUNNING:
                    c.stop()
                c.remove()
            elif op == 6 and containers:
                engine.containers.rename(rng.choice(containers).id, rng.choice(names))
            elif op == 7 and containers:
                c = rng.choice(containers)
                c.write_file(f"/etc/w{step}", b"w")
                c.commit(*rng.choice(repos).split(":")) if rng.random() < 0.5 else c.commit()
            elif op == 8 and containers:
                c = rng.choice(containers)
                if c.state in (State.CREATED, State.EXITED):
                    c.start()
            elif op == 9:
                (engine.images if rng.random() < 0.5 else engine.containers).prune()
        except (Conflict, ImageNotFound, ContainerNotFound, ContainerStateError):
            pass


@pytest.mark.parametrize("seed", range(8))
def test_indexes_equal_full_scans_after_random_operations(seed: int) -> None:
    engine = Engine()
    rng = random.Random(seed)
    for _ in range(6):
        random_operations(engine, rng, 60)
        assert_consistent(engine)


def test_generated_names_skip_taken_ones_and_stay_unique() -> None:
    engine = Engine()
    engine.images.add(Image.of([BASE]), "base")
    engine.containers.create("base", name="calm_babbage")  # the name the 2nd container would get
    made = [engine.containers.create("base") for _ in range(300)]
    for c in made[::3]:
        c.remove()
    made += [engine.containers.create("base") for _ in range(100)]
    assert_consistent(engine)
    assert len({c.name for c in engine.containers.list(all=True)}) == len(engine.containers)


def test_rename_moves_the_name_and_refuses_a_taken_one() -> None:
    engine = Engine()
    engine.images.add(Image.of([BASE]), "base")
    web = engine.containers.create("base", name="web")
    engine.containers.create("base", name="db")
    with pytest.raises(Conflict):
        engine.containers.rename("web", "db")
    assert engine.containers.rename(web.id[:12], "front") is web
    assert web.name == "front" and engine.containers.get("front") is web
    with pytest.raises(ContainerNotFound):
        engine.containers.get("web")
    engine.containers.create("base", name="web")  # the old name is free again
    assert_consistent(engine)


def test_moving_a_tag_updates_both_images() -> None:
    engine = Engine()
    one = engine.images.add(Image.of([BASE]), "app:1")
    two = engine.images.add(Image.of([BASE, Layer.of({"/x": Entry.file(b"x")})]), "app:2")
    engine.images.tag(two, "app:1")
    assert engine.images.tags_of(one) == [] and engine.images.tags_of(two) == ["app:1", "app:2"]
    assert engine.images.list() == [two]
    assert_consistent(engine)


def test_commit_links_parent_and_child_until_the_child_is_removed() -> None:
    engine = Engine()
    base = engine.images.add(Image.of([BASE]), "base")
    c = engine.containers.create("base", ["/bin/sh"])
    c.write_file("/etc/new", b"n")
    child = c.commit("child", "1")
    assert engine.images.parent_of(child) is base
    c.remove()
    assert engine.images.remove("base") == ["Untagged: base:latest"]  # kept: a child needs it
    assert base.id in {i.id for i in engine.images.list(all=True)}
    engine.images.remove("child:1")
    assert_consistent(engine)
    assert engine.images.prune()["ImagesDeleted"] == [f"Deleted: {base.id}"]
    assert len(engine.images) == 0 and len(engine.layers) == 0
    assert_consistent(engine)
