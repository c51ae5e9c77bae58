"""BuildKit's [internal] vertices in the simulator's log (the real comparison:
tests/realtools/test_build_log.py)."""

from __future__ import annotations

from simulator import Engine
from simulator.builder.internal import full_name
from tests.realtools.test_build_log import titles


def test_names_are_qualified_as_buildkit_prints_them() -> None:
    # docker/distribution reference.ParseNormalizedNamed + TagNameOnly
    assert full_name("alpine") == "docker.io/library/alpine:latest"
    assert full_name("alpine:3.20") == "docker.io/library/alpine:3.20"
    assert full_name("user/app:1") == "docker.io/user/app:1"
    assert full_name("localhost:5000/app") == "localhost:5000/app:latest"
    assert full_name("ghcr.io/o/app:2") == "ghcr.io/o/app:2"
    assert full_name("alpine@sha256:" + "a" * 64) == "docker.io/library/alpine@sha256:" + "a" * 64


def test_the_internal_lines_without_a_daemon() -> None:
    """One metadata line per base image (none for scratch or an earlier stage), the build
    context once and only when a step reads it (a COPY --from or a heredoc does not)."""
    engine = Engine()
    engine.images.pull("busybox:1.36")
    log = engine.images.build(
        "FROM busybox:1.36 AS a\nRUN true\nFROM a AS b\nRUN true\n"
        "FROM scratch\nCOPY --from=b /bin/sh /sh\nCOPY <<EOF /x\nhi\nEOF\n",
        context={},
    ).log
    assert titles(log).count("[internal] load metadata for docker.io/library/busybox:1.36") == 1
    assert not any("load metadata for" in t and "busybox" not in t for t in titles(log))
    assert "[internal] load build context" not in titles(log)
    log = engine.images.build("FROM busybox:1.36\nCOPY a /a\nCOPY b /b\n", context={"a": b"", "b": b""}).log
    assert titles(log).count("[internal] load build context") == 1
