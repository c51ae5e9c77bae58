"""The push/pull picture: golden DOT text, and what it must say (which blobs moved, which did not)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator import Engine
from simulator.registry import PullResult, PushResult, Registry, pull
from simulator.viz import diagram_for, table_for, text_tree, transfer_picture, tree_for
from simulator.viz.transfer import blob_rows, transfer_table, transfer_tree

from .scenes import flat

GOLDEN = Path(__file__).parent / "golden"
APP = "FROM python:3.12-slim\nCOPY app.py /srv/app.py\n"


def scene() -> tuple[PushResult, PushResult, PullResult]:
    """3.12-slim pushed, 3.11-slim pushed (2 layers exist), shop:1 mounted; a laptop pulls 3.12 then 3.11."""
    engine, reg = Engine(), Registry()
    for ref in ("python:3.12-slim", "python:3.11-slim"):
        engine.images.pull(ref)
    engine.images.push("python:3.12-slim", reg, quiet=True)
    second = engine.images.push("python:3.11-slim", reg, quiet=True)
    engine.images.build(APP, context={"app.py": "print('v1')\n"}, tag="shop:1")
    mounted = engine.images.push("shop:1", reg, quiet=True)
    laptop = Engine()
    pull(laptop, "python:3.12-slim", reg, quiet=True)
    again = pull(laptop, "python:3.11-slim", reg, quiet=True)
    return second, mounted, again


def test_dot_matches_golden() -> None:
    source = transfer_picture(scene()[2]).source
    path = GOLDEN / "transfer_pull.gv"
    if os.environ.get("LAYERLAB_UPDATE_GOLDEN") or not path.exists():
        path.write_text(source)
        if not os.environ.get("LAYERLAB_UPDATE_GOLDEN"):
            pytest.fail(f"golden file {path.name} was missing and has been written; review and commit it")
    assert source == path.read_text()


def test_pull_picture_says_what_docker_printed() -> None:
    again = scene()[2]
    dot = transfer_picture(again).source
    assert "2 of 4 layer blobs downloaded, 2 already there" in flat(dot)
    assert dot.count("Already exists\\n") == 2 and dot.count("Downloaded\\n") == 2
    for digest in again.downloaded:
        assert f"blob {digest.split(':')[1][:12]}" in dot
    rows = blob_rows(again)
    assert [r.moved for r in rows] == [False, False, True, True]  # bottom first: the shared base is kept
    # meaning in words and shapes, not colour alone
    assert "peripheries=2" in dot and "sent over the network" in dot and "already there" in dot


def test_push_picture_push_and_mount() -> None:
    second, mounted, _ = scene()
    rows = blob_rows(second)
    assert [r.status for r in rows] == ["Pushed", "Pushed", "Layer already exists", "Layer already exists"]
    assert [r.digest for r in rows if r.moved] == [str(d) for d in second.pushed]
    dot = transfer_picture(mounted).source
    assert "1 of 5 layer blobs sent, 4 mounted, 0 already there" in flat(dot)
    assert dot.count("Mounted from python") >= 4 and "mounted inside the registry" in dot


def test_registered_for_both_results() -> None:
    for cls in (PushResult, PullResult):
        assert diagram_for.dispatch(cls) is transfer_picture
        assert table_for.dispatch(cls) is transfer_table
        assert tree_for.dispatch(cls) is transfer_tree
    again = scene()[2]
    assert "<table" in table_for(again) and "Downloaded" in table_for(again)
    tree = text_tree(again)
    assert tree.count("SENT") == 3  # two layers and the manifest


def test_a_pull_of_an_image_already_local() -> None:
    engine, reg = Engine(), Registry()
    engine.images.pull("alpine:3.20")
    engine.images.push("alpine:3.20", reg, quiet=True)
    laptop = Engine()
    pull(laptop, "alpine:3.20", reg, quiet=True)
    same = pull(laptop, "alpine:3.20", reg, quiet=True)
    assert same.up_to_date
    assert "image already local, no layer downloaded" in flat(transfer_picture(same).source)
    assert all(not r.moved for r in blob_rows(same))


def test_stable_across_calls() -> None:
    again = scene()[2]
    assert transfer_picture(again).source == transfer_picture(again).source
