"""Invariants of push and pull over random small images."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import Engine
from simulator.oci import manifest_digest
from simulator.registry import Registry, image_content, pull, push

from .helpers import image

names = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=0, max_size=4, unique=True)


@settings(deadline=None, max_examples=30)
@given(first=names, second=names, store=st.sampled_from(["overlay2", "containerd"]))
def test_round_trip_keeps_ids_and_only_missing_blobs_travel(
    first: list[str], second: list[str], store: str
) -> None:
    one, two = image(*first), image(*second)
    source = Engine()
    source.images.add(one, "web:1")
    source.images.add(two, "web:2")
    reg = Registry()
    pushed_one = push(source, "web:1", reg, quiet=True)
    pushed_two = push(source, "web:2", reg, quiet=True)
    assert pushed_two.digest == manifest_digest(two)
    # a blob is uploaded once per repository: what web:1 pushed, web:2 finds there
    assert not set(pushed_two.pushed) & set(pushed_one.pushed)
    target = Engine()
    pull(target, "web:1", reg, store=store, quiet=True)
    got = pull(target, "web:2", reg, store=store, quiet=True)
    assert got.image.id == two.id
    if got.image.id == one.id:
        assert got.up_to_date is False and not got.downloaded and not got.existing
        return
    blobs_one = [d.digest for d in image_content(one).layers]
    blobs_two = [d.digest for d in image_content(two).layers]
    if store == "containerd":  # per blob: whatever web:1 brought
        assert set(got.existing) == set(blobs_two) & set(blobs_one)
    else:  # per ChainID prefix: the common bottom layers only
        common = 0
        while common < min(len(first), len(second)) and first[common] == second[common]:
            common += 1
        assert list(got.existing) == blobs_two[:common]
    assert set(got.downloaded) == set(blobs_two) - set(got.existing)
