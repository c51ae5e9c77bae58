"""Every long operation reports (done, total, what) through one protocol (ProgressReport): save per
layer written, analyze per layer read, push/pull per blob, build per BuildKit step.  Each report
sequence is checked the same way: done never goes back, stays within total, ends at total."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.analysis import dive_efficiency, efficiency
from simulator.digest import short_id
from simulator.engine import Engine
from simulator.model.image import Image
from simulator.registry import Registry, serve

Report = tuple[int, int, str]

THREE_RUNS = "FROM alpine:3.20\nRUN echo a > /a\nRUN echo b > /b\nRUN rm /a\n"


class Recorder:
    def __init__(self) -> None:
        self.reports: list[Report] = []

    def __call__(self, done: int, total: int, what: str) -> None:
        self.reports.append((done, total, what))

    def check(self, total: int) -> list[str]:
        """The reports' invariants; returns the ``what`` of each report."""
        assert self.reports, "no progress reported"
        dones = [d for d, _, _ in self.reports]
        assert dones == sorted(dones), f"done went back: {self.reports}"
        assert all(0 <= d <= t for d, t, _ in self.reports), self.reports
        assert self.reports[-1][:2] == (total, total), self.reports
        assert all(w for _, _, w in self.reports)
        return [w for _, _, w in self.reports]


@pytest.fixture
def built() -> tuple[Engine, Image]:
    engine = Engine()
    return engine, engine.build(THREE_RUNS, {}, tag="app:1").image


@pytest.mark.parametrize(
    ("name", "fmt", "tar"),
    [("layout", "oci", False), ("app.oci.tar", "oci", True), ("app.docker.tar", "docker", True)],
)
def test_save_reports_each_layer_written(
    built: tuple[Engine, Image], tmp_path: Path, name: str, fmt: str, tar: bool
) -> None:
    engine, image = built
    rec = Recorder()
    engine.images.save("app:1", tmp_path / name, format=fmt, tar=tar, progress=rec)
    whats = rec.check(len(image.layers))
    assert [d for d, _, w in rec.reports if w.startswith("wrote layer")] == [1, 2, 3, 4]
    for number, layer in enumerate(image.layers, 1):
        assert f"wrote layer {number}/4 {short_id(layer.diff_id)}" in whats[number]
    assert whats[-1] == f"saved {name}"
    assert (tmp_path / name).exists()


def test_save_without_progress_writes_the_same_bytes(built: tuple[Engine, Image], tmp_path: Path) -> None:
    engine, _ = built
    engine.images.save("app:1", tmp_path / "a.tar")
    engine.images.save("app:1", tmp_path / "b.tar", progress=Recorder())
    assert (tmp_path / "a.tar").read_bytes() == (tmp_path / "b.tar").read_bytes()


def test_analyze_reports_each_layer_read(built: tuple[Engine, Image]) -> None:
    _, image = built
    for analysis in (efficiency, dive_efficiency):
        rec = Recorder()
        plain = analysis(image)
        assert analysis(image, rec) == plain  # the reports change nothing
        whats = rec.check(4)
        assert [d for d, _, _ in rec.reports] == [1, 2, 3, 4]
        assert whats == [f"read layer {n}/4 {short_id(lay.diff_id)}" for n, lay in enumerate(image.layers, 1)]


def test_push_reports_each_blob_with_dockers_line(built: tuple[Engine, Image]) -> None:
    engine, image = built
    registry = Registry()
    rec = Recorder()
    result = engine.images.push("app:1", registry, quiet=True, progress=rec)
    whats = rec.check(len(image.layers) + 1)  # the layers and the config
    assert [d for d, _, _ in rec.reports] == [0, 1, 2, 3, 4, 5]
    assert whats[0] == "The push refers to repository [app]"
    top_first = [short_id(layer.diff_id) for layer in reversed(image.layers)]
    assert whats[1:5] == [f"{sid}: Pushed" for sid in top_first]
    assert whats[1:5] == [line for line in result.lines if line.endswith(": Pushed")]
    assert whats[-1] == result.lines[-1]  # "1: digest: sha256:... size: N"
    again = Recorder()
    engine.images.push("app:1", registry, quiet=True, progress=again)
    assert again.check(5)[1:5] == [f"{sid}: Layer already exists" for sid in top_first]


@pytest.mark.parametrize("store", ["overlay2", "containerd"])
def test_pull_reports_each_blob(built: tuple[Engine, Image], store: str) -> None:
    engine, image = built
    registry = Registry()
    engine.images.push("app:1", registry, quiet=True)
    other = Engine()
    other.images.pull("alpine:3.20")  # the base layer is here already
    rec = Recorder()
    other.images.pull("app:1", registry, store=store, quiet=True, progress=rec)
    whats = rec.check(len(image.layers) + 1)
    assert whats[0] == "1: Pulling from app"
    assert re.fullmatch(r"config [0-9a-f]{12}", whats[1])
    assert whats[2].endswith(": Already exists")
    assert [w.split(": ")[1] for w in whats[3:6]] == ["Download complete"] * 3
    assert whats[-1] == "Status: Downloaded newer image for app:1"
    up_to_date = Recorder()
    other.images.pull("app:1", registry, store=store, quiet=True, progress=up_to_date)
    assert up_to_date.check(5)[-1] == "Status: Image is up to date for app:1"


def test_push_and_pull_over_http_report_the_same(built: tuple[Engine, Image]) -> None:
    engine, image = built
    with serve(Registry()) as server:
        ref = f"{server.address}/app:1"
        engine.images.tag(image, ref)
        pushed, pulled = Recorder(), Recorder()
        engine.images.push(ref, quiet=True, progress=pushed)
        Engine().images.pull(ref, quiet=True, progress=pulled)
    assert pushed.check(5)[0] == f"The push refers to repository [{server.address}/app]"
    assert [w.split(": ")[-1] for w in pulled.check(5)[2:6]] == ["Download complete"] * 4


def test_build_reports_each_buildkit_step() -> None:
    rec = Recorder()
    result = Engine().build(THREE_RUNS, {}, tag="app:1", progress=rec)
    whats = rec.check(4)  # FROM and three RUNs
    steps = [w for w in whats if w.startswith("[")]
    assert steps == [
        "[1/4] FROM docker.io/library/alpine:3.20",
        "[2/4] RUN echo a > /a",
        "[3/4] RUN echo b > /b",
        "[4/4] RUN rm /a",
    ]
    assert all(step in result.log for step in steps)  # the same text as the log's "#N [i/n] ..."
    assert whats[-1] == f"writing image {result.image.id}"


def test_build_counts_only_the_needed_stages_and_onbuild_triggers() -> None:
    engine = Engine()
    engine.build("FROM alpine:3.20\nONBUILD RUN echo t > /t\n", {}, tag="base:1")
    dockerfile = (
        "FROM alpine:3.20 AS unused\nRUN echo u\n"
        "FROM alpine:3.20 AS tools\nRUN echo x > /x\n"
        "FROM base:1\nCOPY --from=tools /x /x\nRUN cat /x\n"
    )
    rec = Recorder()
    engine.build(dockerfile, {}, progress=rec)
    # tools: FROM + RUN; the last stage: FROM + its ONBUILD RUN + COPY + RUN (the unused stage: none)
    whats = rec.check(6)
    assert [w.split("]")[0] + "]" for w in whats if w.startswith("[")] == [
        "[tools 1/2]",
        "[tools 2/2]",
        "[stage-2 1/4]",
        "[stage-2 2/4]",
        "[stage-2 3/4]",
        "[stage-2 4/4]",
    ]
    assert not any("unused" in w for w in whats)


def test_a_cached_build_reports_the_same_steps() -> None:
    engine = Engine()
    first, second = Recorder(), Recorder()
    engine.build(THREE_RUNS, {}, progress=first)
    engine.build(THREE_RUNS, {}, progress=second)
    assert [r[:2] for r in first.reports] == [r[:2] for r in second.reports]


def test_the_engines_front_end_bar_is_used_when_none_is_given(
    built: tuple[Engine, Image], tmp_path: Path
) -> None:
    engine, _ = built
    bars: dict[str, Recorder] = {}

    def front_end(label: str) -> Recorder:
        bars[label] = Recorder()
        return bars[label]

    engine.images.progress = front_end
    engine.build(THREE_RUNS, {}, tag="app:2")
    engine.images.save("app:2", tmp_path / "app.tar")
    registry = Registry()
    engine.images.push("app:2", registry, quiet=True)
    engine.images.pull("app:2", registry, quiet=True)
    engine.images.load(tmp_path / "app.tar")
    assert sorted(bars) == ["Building", "Loading", "Pulling", "Pushing", "Saving"]
    for label, total in [("Building", 4), ("Saving", 4), ("Pushing", 5), ("Pulling", 5), ("Loading", 4)]:
        bars[label].check(total)
    explicit = Recorder()
    engine.images.save("app:2", tmp_path / "again.tar", progress=explicit)
    assert explicit.reports and len(bars["Saving"].reports) == 6  # the explicit one wins
