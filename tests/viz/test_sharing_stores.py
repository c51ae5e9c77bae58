"""The sharing DAG shows the engine's image store's numbers: each image node carries the
``docker system df -v`` row of that image (looked up by the store's IMAGE ID: the manifest
digest under containerd), and the title says what the store keeps."""

from __future__ import annotations

import pytest

from simulator.engine import Engine
from simulator.engine.df import image_id, stored_once
from simulator.text import human_size
from simulator.viz import sharing_dag

from .scenes import app_image, flat, other_image


@pytest.mark.parametrize("store", ["overlay2", "containerd"])
def test_each_image_node_shows_its_df_row(store: str) -> None:
    engine = Engine(image_store=store)
    engine.images.add(app_image(), "app:1")
    engine.images.add(other_image(), "srv:1")
    engine.containers.create("app:1", name="web")
    source = sharing_dag(engine).source
    rows = {row.id: row for row in engine.df().images}
    for image in engine.images.list():
        row = rows[image_id(image, store)]
        tag = engine.images.tags_of(image)[0]
        assert f"{tag} image {image_id(image, store)[7:19]} SIZE {human_size(row.size)} SHARED " in flat(
            source
        )
        assert f"containers: {row.containers}" in source
    layers, blobs = stored_once(engine, engine.images.list())
    if store == "containerd":
        assert blobs > 0 and f"snapshots stored once: {human_size(layers)} unpacked" in flat(source)
        assert f"+ {human_size(blobs)} blobs" in flat(source) and "containerd store" in flat(source)
    else:
        assert blobs == 0 and f"layers stored once: {human_size(layers)} on disk" in flat(source)
        assert "overlay2 store" in source
