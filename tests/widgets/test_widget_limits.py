"""Issue 15: every widget that runs commands takes ``limits=`` (a Limits or a mapping of its
fields) and shows the limit's one-line message when a command reaches it."""

from __future__ import annotations

import html

import pytest

from simulator import Engine
from simulator.limits import InvalidLimits, Limits, coerce
from simulator.widgets import BuildStepper, ContainerPlayground, SharingDashboard

TIME = "layerlab: command killed: CPU time limit of 0.2 s reached (Limits(time=...) or engine.limits)"
OUTPUT = "layerlab: command killed: output limit 1000 bytes reached (Limits(output=...) or engine.limits)"
LOOP = "FROM busybox\nRUN while :; do :; done\n"


def test_coerce_takes_a_limits_a_mapping_or_none():
    assert coerce(None) is None
    assert coerce(Limits(time=1)) == Limits(time=1)
    assert coerce({"time": 2, "output": 10}) == Limits(time=2, output=10)
    with pytest.raises(InvalidLimits, match="no such limit"):
        coerce({"cpu": 1})
    with pytest.raises(InvalidLimits):
        coerce(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(("limits", "command", "message"), [
    ({"time": 0.2}, "while :; do :; done", TIME),
    (Limits(output=1000), "yes", OUTPUT),
])  # fmt: skip
def test_the_playground_runs_under_its_limits(limits, command, message):
    pg = ContainerPlayground(Engine(), "busybox", containers=1, limits=limits)
    pg.command.value = command
    pg.run_button.click()
    log = pg.log[pg.containers[0].name][-1]
    assert message in log and log.rstrip().endswith(("[exit 152]", "[exit 153]"))
    assert html.escape(message) in pg.terminal.value


def test_the_stepper_builds_under_its_limits():
    stepper = BuildStepper(Engine(), LOOP, limits={"time": 0.2})
    stepper.build_button.click()
    assert stepper.result is None
    assert "build failed" in stepper.status.value and html.escape(TIME) in stepper.status.value


def test_the_dashboard_builds_under_its_limits():
    dash = SharingDashboard(Engine(), limits=Limits(time=0.2))
    dash.dockerfile.value = LOOP
    dash.build_button.click()
    assert dash.message.value.startswith("✗") and html.escape(TIME) in dash.message.value


def test_a_widget_refuses_bad_limits_at_once():
    with pytest.raises(InvalidLimits):
        ContainerPlayground(Engine(), "busybox", containers=0, limits={"memory": -1})
