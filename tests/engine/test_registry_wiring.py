"""engine.images.push / pull reach a registry; plain names still come from the library."""

from __future__ import annotations

import pytest

from simulator import Engine
from simulator.engine.images import _names_a_registry
from simulator.registry import Registry


def test_push_then_pull_into_another_engine_keeps_the_image_id(capsys: pytest.CaptureFixture[str]) -> None:
    reg = Registry()
    source = Engine()
    image = source.images.pull("alpine:3.20")
    result = source.images.push("alpine:3.20", reg)
    assert "Pushed" in str(result)
    target = Engine()
    pulled = target.images.pull("alpine:3.20", reg)
    assert pulled.id == image.id
    assert target.images.tags_of(pulled) == ["alpine:3.20"]
    out = capsys.readouterr().out
    assert "The push refers to repository [alpine]" in out
    assert "Status: Downloaded newer image for alpine:3.20" in out
    target.images.pull("alpine:3.20", reg)
    assert "Status: Image is up to date for alpine:3.20" in capsys.readouterr().out


def test_a_second_push_uploads_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    reg, engine = Registry(), Engine()
    engine.images.pull("busybox", quiet=True)
    engine.images.push("busybox", reg, quiet=True)
    again = engine.images.push("busybox", reg, quiet=True)
    assert "Layer already exists" in str(again)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("ref", "remote"),
    [
        ("alpine:3.20", False),
        ("library/alpine", False),
        ("docker.io/library/alpine:3.20", False),
        ("localhost/app:1", True),
        ("localhost:5000/app:1", True),
        ("127.0.0.1:5000/app", True),
        ("registry.example.com/team/app:2", True),
        ("team/app:2", False),
    ],
)
def test_which_references_name_a_registry(ref: str, remote: bool) -> None:
    assert _names_a_registry(ref) is remote
