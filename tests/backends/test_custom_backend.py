"""Any object with the Backend protocol can be an engine's backend; names map to the built-in ones."""

from __future__ import annotations

from typing import Any

import pytest

from simulator import Engine
from simulator.backends import MemoryBackend, compare_backends
from simulator.backends.base import Backend
from simulator.model import Container, Entry, Image, Layer, State


class RecordingBackend:
    """The model's containers, remembered: what the engine asked for, and whether it let go."""

    name = "recording"

    def __init__(self) -> None:
        self.made: list[Container] = []
        self.closed = False

    def new_container(self, image: Image, **meta: Any) -> Container:
        container = Container(image, **meta)
        self.made.append(container)
        return container

    def close(self) -> None:
        self.closed = True


def test_engine_uses_the_backend_object_it_is_given() -> None:
    backend = RecordingBackend()
    engine = Engine(backend=backend)
    assert engine.backend is backend
    c = engine.containers.run("busybox", "echo hi > /tmp/out", name="web")
    assert backend.made == [c] and c.owner is engine and c.output == b""
    assert c.read_file("/tmp/out") == b"hi\n" and c.started_at and c.finished_at
    image = c.commit("demo", "2")
    assert image.read_file("/tmp/out") == b"hi\n"
    built = engine.images.build(dockerfile="FROM busybox\nRUN echo built > /f\n")
    assert built.image.read_file("/f") == b"built\n"
    work = backend.made[1:]  # one throw-away container per RUN, removed after its step
    assert len(work) == 1 and work[0].state is State.REMOVED and work[0].owner is None


def test_backend_names_map_to_the_built_in_backends() -> None:
    backend: Backend = Engine().backend
    assert isinstance(backend, MemoryBackend) and backend.name == "memory"
    assert isinstance(Engine(backend="memory").backend, MemoryBackend)
    with pytest.raises(ValueError, match="unknown backend 'zfs'; choose 'memory' or 'overlayfs'"):
        Engine(backend="zfs")


def test_compare_backends_runs_any_two() -> None:
    image = Image.of([Layer.of({"/d": Entry.directory(), "/d/x": Entry.file(b"x")})])
    report = compare_backends(
        image, [("write_file", "/d/x", b"y"), ("rmdir", "/d")], MemoryBackend(), RecordingBackend()
    )
    assert report.splitlines()[0].split() == ["operation", "memory", "recording"]
    assert "recording upper layer:" in report and "C /d/x" in report
    assert "no differences: the memory did what the recording did" in report
