"""`layerlab push` / `pull` against a registry served on 127.0.0.1 (the in-memory one, over HTTP)."""

from __future__ import annotations

from pathlib import Path

from simulator.engine import Engine
from simulator.registry import Registry, serve

from ._helpers import cli, layerlab


def test_push_then_pull_through_http_as_a_user_types_it(tmp_path: Path) -> None:
    with serve(Registry()) as server:
        ref = f"{server.address}/alpine:3.20"
        engine = Engine()
        engine.images.tag(engine.images.pull("alpine:3.20"), ref)
        pushed = cli("push", ref, engine=engine)
        assert pushed.status == 0, pushed.err
        assert f"The push refers to repository [{server.address}/alpine]" in pushed.out
        assert "Pushed" in pushed.out
        again = cli("push", ref, engine=engine)
        assert "Layer already exists" in again.out

        pulled = layerlab("pull", ref, root=tmp_path / "store")
        assert pulled.status == 0, pulled.err
        assert "Pull complete" in pulled.out
        assert f"Status: Downloaded newer image for {ref}" in pulled.out
        listed = layerlab("images", root=tmp_path / "store")
        assert f"{server.address}/alpine" in listed.out


def test_push_needs_a_registry_in_the_name() -> None:
    result = cli("push", "alpine:3.20", engine=Engine())
    assert result.status == 1
    assert "names no registry" in result.err
