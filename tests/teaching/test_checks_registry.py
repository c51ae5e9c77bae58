"""The registry lesson's checks: the truth comes from a real pull or push, never from the file."""

from __future__ import annotations

import pytest

from simulator import Engine
from simulator.registry import Registry, pull
from simulator.teaching import PROBES, Probe, check_downloaded_blobs, check_mounted_push

APP = "FROM {base}\nCOPY app.py /srv/app.py\n"
CONTEXT = {"app.py": "print('v1')\n"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    """python:3.12-slim and 3.11-slim, and one app layer on each base, pushed."""
    engine, reg = Engine(), Registry()
    for ref in ("python:3.12-slim", "python:3.11-slim"):
        engine.images.pull(ref)
        engine.images.push(ref, reg, quiet=True)
    engine.images.build(APP.format(base="python:3.12-slim"), context=CONTEXT, tag="shop:1")
    engine.images.build(APP.format(base="python:3.11-slim"), context=CONTEXT, tag="shop:1-py311")
    engine.images.push("shop:1", reg, quiet=True)
    engine.images.push("shop:1-py311", reg, quiet=True)
    return reg


def holding(reg: Registry, ref: str) -> Engine:
    engine = Engine()
    pull(engine, ref, reg, quiet=True)
    return engine


def test_downloads_by_store(registry: Registry) -> None:
    ex1 = holding(registry, "shop:1-py311")
    assert check_downloaded_blobs(ex1, "shop:1", registry, 3, store="overlay2")
    assert check_downloaded_blobs(ex1, "shop:1", registry, "3", store="overlay2")
    assert check_downloaded_blobs(ex1, "shop:1", registry, 2, store="containerd")
    wrong = check_downloaded_blobs(ex1, "shop:1", registry, 2, store="overlay2")
    assert wrong.ok is False and "ChainID" in wrong.hint
    whole = check_downloaded_blobs(ex1, "shop:1", registry, 5)
    assert whole.ok is False and "Already exists" in whole.hint


def test_the_students_engine_is_not_changed(registry: Registry) -> None:
    ex1 = holding(registry, "shop:1-py311")
    before = {img.id for img in ex1.images.list(all=True)}
    check_downloaded_blobs(ex1, "shop:1", registry, 3)
    assert {img.id for img in ex1.images.list(all=True)} == before


@pytest.mark.parametrize("answer", [..., None, "  "])
def test_no_answer_yet(registry: Registry, answer: object) -> None:
    assert check_downloaded_blobs(Engine(), "shop:1", registry, answer).ok is None
    assert check_mounted_push(answer).ok is None


@pytest.mark.parametrize("answer", ["three", 2.5, True])
def test_not_a_number(registry: Registry, answer: object) -> None:
    assert check_downloaded_blobs(Engine(), "shop:1", registry, answer).ok is False


def test_a_push_that_mounts() -> None:
    def publish(engine, reg):
        engine.images.push("python:3.12-slim", reg, quiet=True)
        return engine.images.push("shop:1", reg, quiet=True)

    assert check_mounted_push(publish)


def test_pushes_that_do_not_mount() -> None:
    only = check_mounted_push(lambda engine, reg: engine.images.push("shop:1", reg, quiet=True))
    assert only.ok is False and "another repository" in only.hint
    base = check_mounted_push(lambda engine, reg: engine.images.push("python:3.12-slim", reg, quiet=True))
    assert base.ok is False and "not the push of shop:1" in base.message
    assert check_mounted_push(lambda engine, reg: None).ok is False
    assert check_mounted_push(lambda engine, reg: engine.images.push("nope:1", reg, quiet=True)).ok is False
    assert check_mounted_push(42).ok is False


def test_the_probe_answers_only_after_a_commit(registry: Registry) -> None:
    spec = PROBES["p08_pull"]
    laptop = holding(registry, "python:3.12-slim")
    again = pull(laptop, "python:3.11-slim", registry, quiet=True)
    assert 0 < len(again.downloaded) < len(again.image.layers)
    outcome = "only the layers it does not have"
    assert outcome in spec.choices
    assert Probe("p08_pull").reveal(outcome).ok is None  # Run All: nothing revealed
    shown = Probe("p08_pull", prediction=outcome, why="digests").reveal(outcome)
    assert shown.ok and "Already exists" in shown.message
