"""A library layer's entries are made when first read, and are then what building them at once gives."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from simulator.distro import library
from simulator.model.layer import Layer


@contextmanager
def fresh(name: str) -> Iterator[Layer]:
    """Layer ``name`` built anew (the shared one is put back after, for the images holding it)."""
    shared = library._LAYERS.pop((library.DATA, name), None)
    try:
        yield library.layer(name)
    finally:
        if shared is not None:
            library._LAYERS[(library.DATA, name)] = shared


def test_an_image_id_needs_no_entries_and_the_entries_are_those_of_an_eager_build() -> None:
    with fresh("alpine-3.22") as lazy:
        assert "not made yet" in repr(lazy.entries)
        assert lazy.diff_id.startswith("sha256:")  # from digests.json
        assert "not made yet" in repr(lazy.entries)
        with library.without_digest_cache():  # every digest computed from the bytes
            eager = library.layer("alpine-3.22")
    assert dict(lazy.entries) == dict(eager.entries)
    assert list(lazy.entries) == list(eager.entries)  # tar order
    assert lazy.diff_id == eager.diff_id == "sha256:" + hashlib.sha256(lazy.tar()).hexdigest()


def test_threads_reading_a_new_layer_get_the_same_entry_objects() -> None:
    name = "alpine-3.21"
    library._LAYERS.pop((library.DATA, name), None)
    layer = library.layer(name)
    seen: list[object] = []
    threads = [
        threading.Thread(target=lambda: seen.append(layer.entries["/etc/os-release"])) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(seen) == 4 and all(entry is seen[0] for entry in seen)
