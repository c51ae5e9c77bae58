"""The widgets, driven without a browser: clicks and value changes, then their effect.

Outside an event loop the diagrams render synchronously, so every assertion sees the result.
Each app is also checked to hold no model logic of its own: the effects asserted here are the
engine's (a container's writable layer, an image in the store, a build result).
"""

from __future__ import annotations

import asyncio

import pytest

from simulator import Engine
from simulator.widgets import (
    BuildStepper,
    ContainerPlayground,
    DiagramPane,
    LayerExplorer,
    SharingDashboard,
    show,
)


@pytest.fixture
def engine() -> Engine:
    return Engine()


# --------------------------------------------------------------------------------------------
# rendering


def test_diagram_pane_renders_at_once_outside_an_event_loop(engine: Engine) -> None:
    image = engine.images.pull("busybox")
    from simulator.viz import layer_stack

    pane = DiagramPane(lambda: layer_stack(image))
    pane.request()
    assert pane.renders == 1 and not pane.pending
    assert "<svg" in pane.widget.value and "busybox" in pane.last_dot


def test_diagram_pane_debounces_inside_an_event_loop(engine: Engine) -> None:
    image = engine.images.pull("busybox")
    from simulator.viz import layer_stack

    pane = DiagramPane(lambda: layer_stack(image), delay=0.02)

    async def burst() -> None:
        for _ in range(5):
            pane.request()
        assert pane.renders == 0 and pane.pending  # nothing rendered inside the callbacks
        await asyncio.sleep(0.1)

    asyncio.run(burst())
    assert pane.renders == 1 and not pane.pending


def test_diagram_pane_never_raises() -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    pane = DiagramPane(broken)
    pane.request()
    assert "diagram failed: RuntimeError: boom" in pane.widget.value


def test_diagram_pane_without_dot_shows_text_and_the_install_hint(engine: Engine, monkeypatch) -> None:
    image = engine.images.pull("busybox")
    import importlib

    from simulator.viz import layer_stack

    monkeypatch.setattr(importlib.import_module("simulator.viz.render"), "dot_available", lambda: False)
    pane = DiagramPane(lambda: layer_stack(image), fallback=lambda: "TEXT TREE")
    pane.request()
    assert "TEXT TREE" in pane.widget.value and "Install Graphviz" in pane.widget.value
    bundle = show(image)._repr_mimebundle_()
    assert "Install Graphviz" in bundle["text/plain"] and "image/svg+xml" not in bundle


# --------------------------------------------------------------------------------------------
# container playground


def test_playground_run_changes_only_the_selected_container(engine: Engine) -> None:
    pg = ContainerPlayground(engine, "busybox", containers=2)
    first, second = pg.containers
    pg.selector.value = first.name
    image_id = pg.image.id
    before = pg.diagram.widget.value

    pg.command.value = "echo hi >> /etc/passwd; rm /etc/group"
    pg.run_button.click()

    assert pg.command.value == ""  # ready for the next command
    assert first.upper_entries["/etc/group"].is_whiteout
    assert [c.path for c in first.copy_ups] == [
        "/etc",
        "/etc/passwd",
    ]
    assert second.upper_entries == {} and second.diff() == []
    assert engine.images.get("busybox").id == image_id
    assert "D /etc/group" in pg.diff.value and "C /etc/passwd" in pg.diff.value
    assert "whiteout" in pg.layer_table.value
    assert pg.diagram.widget.value != before and "writable layer" in pg.diagram.last_dot
    assert "$ echo hi &gt;&gt; /etc/passwd; rm /etc/group" in pg.terminal.value


def test_playground_selecting_another_container_shows_its_layer(engine: Engine) -> None:
    pg = ContainerPlayground(engine, "busybox", containers=2)
    first, second = pg.containers
    pg.selector.value = first.name
    pg.run("mkdir /tmp/only-in-first")
    pg.selector.value = second.name
    assert "only-in-first" not in pg.diff.value and "(no changes)" in pg.diff.value
    pg.selector.value = first.name
    assert "A /tmp/only-in-first" in pg.diff.value


def test_playground_remove_discards_the_layer(engine: Engine) -> None:
    pg = ContainerPlayground(engine, "busybox", containers=2)
    victim = pg.container
    assert victim is not None
    pg.run("echo data > /root/file")
    pg.remove_button.click()
    assert victim not in pg.containers and len(pg.containers) == 1
    assert victim.name not in pg.selector.options
    assert "is gone" in pg.message.value
    assert len(engine.containers.list(all=True)) == 1


def test_playground_commit_grows_the_dag(engine: Engine) -> None:
    pg = ContainerPlayground(engine, "busybox", containers=1)
    pg.run("echo v1 > /root/version")
    pg.view.value = "sharing DAG (all images and containers)"
    layers_before = pg.diagram.last_dot.count("ChainID")
    pg.commit_tag.value = "snap:1"
    pg.commit_button.click()
    image = engine.images.get("snap:1")
    assert len(image.layers) == len(pg.image.layers) + 1
    assert image.read_file("/root/version") == b"v1\n"
    assert pg.diagram.last_dot.count("ChainID") > layers_before


def test_playground_new_container_and_errors(engine: Engine) -> None:
    pg = ContainerPlayground(engine, "busybox", containers=0)
    assert pg.container is None
    pg.run_button.click()
    assert "Select a container" in pg.message.value
    pg.new_button.click()
    assert pg.container is not None and pg.selector.value == pg.container.name
    pg.command.value = "rm /no/such/file"
    pg.run_button.click()
    assert "[exit 1]" in pg.terminal.value
    pg.path.value = "/etc/passwd"
    assert "/etc/passwd" in pg.diagram.last_dot


# --------------------------------------------------------------------------------------------
# build stepper


def test_stepper_build_slider_and_rebuild_reasons(engine: Engine) -> None:
    stepper = BuildStepper(engine)
    stepper.build_button.click()
    result = stepper.result
    assert result is not None and engine.images.get("stepper:latest").id == result.image.id
    assert stepper.slider.max == len(result.steps) and stepper.slider.value == stepper.slider.max
    assert "First build" in stepper.rebuilt.value

    stepper.slider.value = 1  # WORKDIR /app
    assert "WORKDIR /app" in stepper.step_title.value
    dot_first = stepper.diagram.last_dot
    stepper.slider.value = 3  # RUN chmod
    assert "chmod" in stepper.step_title.value and stepper.diagram.last_dot != dot_first
    assert "/app/app.sh" in stepper.changes.value

    stepper.view.value = "whole build"
    assert "digraph build" in stepper.diagram.last_dot

    stepper.editor.value = stepper.editor.value.replace("GREETING=hello", "GREETING=bonjour")
    stepper.build_button.click()
    assert "1 step(s) rebuilt" in stepper.rebuilt.value
    assert "the environment changed" in stepper.rebuilt.value
    assert "CACHED" in stepper.cache_table.value


def test_stepper_metadata_step_says_what_it_changed(engine: Engine) -> None:
    stepper = BuildStepper(engine)
    stepper.build()
    stepper.slider.value = 4  # ENV
    assert "config only" in stepper.step_title.value and "No layer" in stepper.changes.value
    assert "sets Env in the image config: GREETING=hello" in stepper.changes.value
    stepper.view.value = "this step's changes"
    shown = stepper.diagram.widget.value
    assert "Press Build" not in shown and "sets Env" in shown


def test_stepper_failed_build_clears_the_stale_results(engine: Engine) -> None:
    """Issue 14: after `FRM oops` the old table and title stayed beside the error."""
    stepper = BuildStepper(engine)
    stepper.build()
    good = stepper.result
    stepper.editor.value = "FRM oops\n"
    stepper.build_button.click()
    assert "build failed" in stepper.status.value and stepper.result is None
    assert stepper.cache_table.value == stepper.step_title.value == stepper.changes.value == ""
    assert stepper.slider.disabled and "build failed" in stepper.diagram.widget.value
    stepper.editor.value = BuildStepper(Engine()).editor.value  # the example again
    stepper.build_button.click()
    assert stepper.previous is good and "nothing was rebuilt" in stepper.rebuilt.value


def test_stepper_uses_buildkits_step_numbers_everywhere(engine: Engine) -> None:
    """One numbering: BuildKit's `#N [i/n]` (as --progress=plain prints it), in the title, the
    cache table and the diagram; the slider shows no number of its own."""
    stepper = BuildStepper(engine)
    result = stepper.build()
    assert result is not None and not stepper.slider.readout
    for value, step in enumerate(result.steps, 1):
        stepper.slider.value = value
        label = f"#{step.number} [{step.position[0]}/{step.position[1]}]"
        assert label in stepper.step_title.value and label in stepper.cache_table.value
    assert f"after {label}" in stepper.diagram.last_dot
    assert "step 1 of" not in stepper.step_title.value


def test_playground_enter_runs_the_command(engine: Engine) -> None:
    pg = ContainerPlayground(engine, "busybox", containers=1)
    pg.command.value = "echo typed >> /etc/motd"
    pg.command._handle_custom_msg({"event": "submit"}, [])  # what the browser sends on Enter
    container = pg.container
    assert container is not None and b"typed" in container.read_file("/etc/motd")


def test_layouts_wrap_instead_of_squeezing(engine: Engine) -> None:
    """At 150 % zoom a fixed-width row squeezed the Build button to "B..." and the cache table to
    one word per line: rows wrap, buttons size to their text."""
    stepper = BuildStepper(engine)
    assert stepper.widget.layout.flex_flow == "row wrap"
    assert stepper.build_button.layout.width == "auto"
    pg = ContainerPlayground(engine, "busybox", containers=1)
    assert pg.run_button.layout.width == "auto"


# --------------------------------------------------------------------------------------------
# layer explorer


def test_explorer_marks_added_modified_removed(engine: Engine) -> None:
    dockerfile = (
        "FROM busybox\nRUN echo a > /a && echo b > /b\nRUN rm /a && echo B > /b && chmod 600 /etc/passwd\n"
    )
    engine.images.build(dockerfile, context={}, tag="marks:1")
    explorer = LayerExplorer(engine, "marks:1")
    assert explorer.layer_slider.max == 2 and explorer.layer_slider.value == 2
    lines = set(explorer.lines)
    assert {"D /a", "M /b", "M /etc/passwd"} <= lines
    explorer.layer_slider.value = 1
    assert {"A /a", "A /b"} <= set(explorer.lines)
    explorer.mode.value = "aggregated"
    assert "  /bin/sh" in explorer.lines and "A /a" in explorer.lines
    explorer.only_changes.value = True
    assert all(line[0] in "AMD" for line in explorer.lines)
    assert "metadata-copy" in explorer.waste.value and "deleted" in explorer.waste.value


def test_explorer_follows_the_image_picker(engine: Engine) -> None:
    engine.images.pull("busybox")
    engine.images.build("FROM busybox\nRUN echo x > /x\n", context={}, tag="x:1")
    explorer = LayerExplorer(engine, "busybox")
    assert explorer.layer_slider.max == 0
    explorer.image_picker.value = engine.images.get("x:1").id
    assert explorer.layer_slider.max == 1 and "A /x" in explorer.lines
    assert "x:1" in explorer.diagram.last_dot


# --------------------------------------------------------------------------------------------
# sharing dashboard


def test_dashboard_pull_build_run(engine: Engine) -> None:
    dash = SharingDashboard(engine)
    dash.pull_picker.value = "busybox:latest"
    dash.pull_button.click()
    assert dash.run_picker.value == "busybox:latest"
    dash.build_button.click()
    assert "app:1" in dash.run_picker.options and dash.run_picker.value == "app:1"
    df = engine.df()
    assert df.layers_size < df.naive_size  # app:1 shares busybox's layer
    dash.run_picker.value = "app:1"
    dash.run_button.click()
    assert len(engine.containers.list()) == 1
    assert "1 container(s)" in dash.headline.value
    assert "container" in dash.diagram.last_dot
    dash.remove_all_button.click()
    assert engine.containers.list(all=True) == []


def test_dashboard_reports_errors(engine: Engine) -> None:
    dash = SharingDashboard(engine)
    dash.dockerfile.value = "FROM nosuch:image\n"
    dash.build_button.click()
    assert dash.message.value.startswith("✗")
    dash.run_button.click()
    assert "Pull or build" in dash.message.value


def test_stepper_multi_stage_shows_each_stage_stack(engine: Engine) -> None:
    dockerfile = (
        "FROM busybox AS build\nRUN echo built > /artifact\n\n"
        'FROM busybox\nCOPY --from=build /artifact /artifact\nCMD ["cat", "/artifact"]\n'
    )
    stepper = BuildStepper(engine, dockerfile, context={})
    stepper.build()
    stepper.slider.value = 1
    assert (
        "stage build" in stepper.step_title.value
        # #5: load build definition, .dockerignore, metadata for busybox, FROM, then this RUN
        and "stage build after #5 [2/2]" in stepper.diagram.last_dot
    )
    stepper.slider.value = 2
    assert "COPY --from=build" in stepper.step_title.value and "/artifact" in stepper.changes.value
