"""``data/digests.json``: the precomputed digests are the ones the bytes really have."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from simulator.distro import check, digests, jsondata, library, refresh
from simulator.distro.synthetic import Synthetic


@pytest.mark.slow
def test_cached_layer_digests_are_what_hashing_the_tar_gives() -> None:
    names = sorted(p.stem for p in (jsondata.DATA / "layers").glob("*.json"))
    assert digests.stale_layers(names) == []
    # every small layer, and the big ones of every kind (hashing all ~5 GB takes a minute: the
    # generator writes them all through this same code path)
    small = [n for n in names if library.layer(n).size < 20_000_000]
    sample = [*small, "debian-trixie-slim", "ubuntu-jammy", "python-3.13-slim-trixie", "alpine-3.22"]
    with library.without_digest_cache():
        for name in sample:
            fresh = library.layer(name)
            diff_id = str(
                fresh.diff_id
            )  # computes the tar size too, except for an empty layer (1024 zero bytes)
            size = fresh._cache.get("tar_size", 1024)
            assert (diff_id, size) == digests.cached_layer(name), name
    assert all(library.layer(name).diff_id == digests.cached_layer(name)[0] for name in names)  # type: ignore[index]


def test_cached_file_digests_match_the_generated_bytes() -> None:
    table = digests._table()["files"]
    assert table, "digests.json lists no files"
    for key in sorted(table)[::25]:  # a sample: hashing all of them is the test above's job
        size, path = key.split(" ", 1)
        data = Synthetic(path, int(size)).read()
        assert table[key] == hashlib.sha256(data).hexdigest(), key


def test_a_changed_layer_is_stale_reported_by_check_and_rebuilt_correctly(tmp_path: Path) -> None:
    root = Path(shutil.copytree(jsondata.DATA, tmp_path / "data"))
    layer = root / "layers/node-20-yarn.json"
    layer.write_text(layer.read_text().replace("1015]", "1016]"), encoding="utf-8")
    assert digests.cached_layer("node-20-yarn", root) is None
    problems = [str(p) for p in check.check(root).problems]
    assert problems == ['digests.json: layers["node-20-yarn"]: source: stale or missing; '
                        "run: python -m simulator.distro digests"]  # fmt: skip
    built = library.layer("node-20-yarn", root)
    assert built.diff_id == hashlib.sha256(built.tar()).hexdigest().join(("sha256:", ""))
    refresh.write(root)
    assert check.check(root).problems == []
