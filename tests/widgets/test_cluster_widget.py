"""The cluster dashboard, driven by clicks: its effects are the cluster's."""

from __future__ import annotations

from simulator.cluster import Cluster, Node
from simulator.widgets import ClusterDashboard

MiB = 1024**2


def test_deploy_scale_add_node_fail_node() -> None:
    d = ClusterDashboard()
    assert "No pod placed yet" in d.decision_pane.widget.value
    d.image_picker.value = "web:1"
    d.replicas.value = 4
    d.deploy_button.click()
    pods = list(d.cluster.pods.values())
    assert len(pods) == 4 and all(p.ready for p in pods)
    assert d.message.value.startswith("✓")
    assert "<b>4</b> of 4 pods Ready" in d.headline.value
    # one pull per node, whatever the number of pods there
    assert len(d.cluster.pulls) == len({p.node for p in pods}) == 2
    assert "Pulling image" in d.events.value and "scheduling pod" in d.decision_pane.last_dot

    d.replicas.value = 6
    d.scale_button.click()
    assert len(d.cluster.pods) == 6

    d.add_node_button.click()
    assert [n.name for n in d.cluster.nodes] == ["node-1", "node-2", "node-3"]
    assert list(d.node_picker.options) == ["node-1", "node-2", "node-3"]

    d.node_picker.value = "node-1"
    d.fail_button.click()
    on_failed = [p for p in d.cluster.pods.values() if p.node == "node-1"]
    assert on_failed == [] and len(d.cluster.pods) == 6
    assert "Evict" in d.events.value or "Killing" in d.events.value
    assert "node node-1 · NotReady" in d.diagram.last_dot or "node node-1 · Unknown" in d.diagram.last_dot


def test_rolling_to_a_new_image_pulls_it() -> None:
    d = ClusterDashboard(Cluster([Node("a")], registry={"web:1": 100 * MiB, "web:2": 110 * MiB}))
    d.image_picker.value = "web:1"
    d.deploy()
    d.image_picker.value = "web:2"
    d.deploy_button.click()
    assert {c.image for p in d.cluster.pods.values() for c in p.containers} == {"web:2"}
    assert [p.image for p in d.cluster.pulls] == ["web:1", "web:2"]


def test_bad_input_is_a_message_not_an_exception() -> None:
    d = ClusterDashboard()
    d.cpu.value = "lots"
    d.deploy_button.click()
    assert d.message.value.startswith("✗") and len(d.cluster.pods) == 0
    d.add_node("node-1")  # exists already
    assert d.message.value.startswith("✗") and "already exists" in d.message.value
