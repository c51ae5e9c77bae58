"""``COPY --link`` / ``ADD --link`` (issue 11 part 4), from BuildKit's rules.

Sources (moby/buildkit at 73ed6825, 2026-08):

- ``frontend/dockerfile/docs/reference.md`` "COPY --link": the sources are copied into an empty
  directory, that directory becomes a layer linked on top of the previous state; the copy
  reads nothing of the previous state, so a symlink in the destination path is not followed
  and "the destination path created with --link will always be a path containing only
  directories"; the layer is reused when earlier layers change ("rebase");
- ``dockerfile2llb/convert_copy.go`` ``dispatchCopy``: ``llb.Merge([state, Scratch().File(copy)])``
  only when ``--chmod`` is empty (with ``--chmod`` the copy is a plain one); the history line
  has no ``--link``; ``llb.WithUser(chown)`` turns a name into a by-name owner read from the
  copy's base, which is scratch: "invalid user index: -1" (moby/buildkit#2987,
  docker/buildx#1526); numbers and ``root`` work;
- ``solver/llbsolver/file/backend.go`` ``docopy``/``copy.MkdirAll``: directories the copy
  creates (here every parent of the destination, since scratch has none) are 0755 and owned
  by the ``--chown`` ids, root otherwise -- and in the merged image they replace the
  attributes of the directories below them (docker/docs#20660).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import BuildError, Engine
from simulator.builder.builder import build
from simulator.model.entries import Kind


@pytest.fixture
def engine() -> Engine:
    return Engine()


def layer_paths(step) -> dict[str, tuple[Kind, int, int]]:
    return {p: (e.kind, e.mode & 0o7777, e.uid) for p, e in step.layer.entries.items()}


def test_the_layer_holds_only_the_copied_files_and_their_parents(engine: Engine) -> None:
    result = build(
        engine, "FROM alpine:3.20\nRUN mkdir -p /usr/src\nCOPY --link a.txt /usr/src/app/\n", {"a.txt": "x"}
    )
    step = result.steps[-1]
    assert layer_paths(step) == {
        "/usr": (Kind.DIR, 0o755, 0),
        "/usr/src": (Kind.DIR, 0o755, 0),
        "/usr/src/app": (Kind.DIR, 0o755, 0),
        "/usr/src/app/a.txt": (Kind.FILE, 0o644, 0),
    }
    assert step.created_by == "COPY a.txt /usr/src/app/ # buildkit"  # no --link in the history


def test_a_symlink_in_the_destination_is_not_followed(engine: Engine) -> None:
    setup = "FROM alpine:3.20\nRUN mkdir /srv/real && ln -s /srv/real /app\n"
    plain = build(engine, setup + "COPY a.txt /app/\n", {"a.txt": "x"}).image.view
    assert plain.listdir("/srv/real") == ["a.txt"]  # without --link the symlink is followed
    linked = build(engine, setup + "COPY --link a.txt /app/\n", {"a.txt": "x"}).image.view
    assert linked.listdir("/srv/real") == []
    assert linked.lookup("/app").kind is Kind.DIR and linked.listdir("/app") == ["a.txt"]  # type: ignore[union-attr]


def test_a_single_file_to_an_existing_directory_without_slash_replaces_it(engine: Engine) -> None:
    # the copy cannot see that /opt/dir is a directory: the destination is a file name
    text = "FROM alpine:3.20\nRUN mkdir -p /opt/dir\nCOPY {flag}a.txt /opt/dir\n"
    plain = build(engine, text.format(flag=""), {"a.txt": "x"}).image.view
    assert plain.read_file("/opt/dir/a.txt") == b"x"
    linked = build(engine, text.format(flag="--link "), {"a.txt": "x"}).image.view
    assert linked.read_file("/opt/dir") == b"x"


def test_parents_are_reset_to_root_0755(engine: Engine) -> None:
    text = (
        "FROM alpine:3.20\nRUN mkdir -m 1777 /shared && chown 1000:1000 /shared\nCOPY {flag}a.txt /shared/\n"
    )
    plain = build(engine, text.format(flag=""), {"a.txt": "x"}).image.view.lookup("/shared")
    assert (plain.mode & 0o7777, plain.uid) == (0o1777, 1000)  # type: ignore[union-attr]
    linked = build(engine, text.format(flag="--link "), {"a.txt": "x"}).image.view.lookup("/shared")
    assert (linked.mode & 0o7777, linked.uid) == (0o755, 0)  # type: ignore[union-attr]


def test_chown_applies_to_files_and_created_parents(engine: Engine) -> None:
    result = build(engine, "FROM alpine:3.20\nCOPY --link --chown=1000:1001 a.txt /opt/x/\n", {"a.txt": "x"})
    entries = result.steps[-1].layer.entries  # type: ignore[union-attr]
    assert {(p, e.uid, e.gid) for p, e in entries.items()} == {
        ("/opt", 1000, 1001),
        ("/opt/x", 1000, 1001),
        ("/opt/x/a.txt", 1000, 1001),
    }
    root = build(engine, "FROM alpine:3.20\nCOPY --link --chown=root:root a.txt /r/\n", {"a.txt": "x"})
    assert root.image.view.lookup("/r/a.txt").uid == 0  # type: ignore[union-attr]


def test_chown_by_name_fails_as_buildkit_does(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM alpine:3.20\nCOPY --link --chown=nobody a.txt /x/\n", {"a.txt": "x"})
    assert info.value.line == 2 and "invalid user index: -1" in str(info.value)
    assert "--chown=1000:1000" in str(info.value)  # what to write instead


def test_chmod_turns_link_off(engine: Engine) -> None:
    text = (
        "FROM alpine:3.20\nRUN mkdir /srv/real && ln -s /srv/real /app\nCOPY --link --chmod=600 a.txt /app/\n"
    )
    view = build(engine, text, {"a.txt": "x"}).image.view
    assert view.listdir("/srv/real") == ["a.txt"]  # a plain copy: the symlink was followed


def test_a_link_layer_is_reused_when_earlier_steps_change(engine: Engine) -> None:
    text = "FROM alpine:3.20\nRUN echo {n} > /n\nCOPY --link a.txt /app/\nCOPY b.txt /app/\n"
    context = {"a.txt": "a", "b.txt": "b"}
    first = build(engine, text.format(n=1), context)
    second = build(engine, text.format(n=2), context)
    run, link, plain = (s for s in second.steps if s.layer is not None)
    assert not run.cached and link.cached and not plain.cached
    assert link.layer.diff_id == first.steps[-2].layer.diff_id  # type: ignore[union-attr]
    assert "rebuilt" in (plain.miss_reason or "")
    # the same files on another base: the layer is the same blob
    other = build(engine, "FROM debian:bookworm-slim\nCOPY --link a.txt /app/\n", context)
    assert other.steps[-1].cached and other.steps[-1].layer.diff_id == link.layer.diff_id  # type: ignore[union-attr]
    # and the image after it differs when the base differs
    assert second.image.id != first.image.id


def test_a_plain_copy_is_not_reused_after_a_change() -> None:
    engine = Engine()
    text = "FROM alpine:3.20\nRUN echo {n} > /n\nCOPY a.txt /app/\n"
    build(engine, text.format(n=1), {"a.txt": "a"})
    second = build(engine, text.format(n=2), {"a.txt": "a"})
    assert not second.steps[-1].cached


@pytest.mark.real
def test_against_buildah(tmp_path: Path) -> None:
    """buildah where it accepts ``--link``; buildah 1.28 (Debian 12) refuses the flag, and the
    Docker CLI here has no buildx, so no real builder on this machine runs a ``--link`` copy."""
    from tests.realtools import harness

    harness.require("buildah", "skopeo", "umoci", "busybox")
    (tmp_path / "Dockerfile").write_text(
        "FROM BUSYBOX\nRUN mkdir -p /srv/real && ln -s /srv/real /app\nCOPY --link a.txt /app/\n"
    )
    (tmp_path / "a.txt").write_text("a\n")
    real = harness.buildah_build(tmp_path, "layerlab-link:1", check=False, no_cache=True)
    if real.returncode != 0:
        assert "COPY only supports the --chmod=<permissions> --chown=<uid:gid> and the --from" in real.log
        pytest.skip("this buildah refuses COPY --link (buildah 1.28 knows only --chmod, --chown, --from)")
    assert real.image is not None  # pragma: no cover - a buildah that knows --link
    text = "FROM alpine:3.20\nRUN mkdir -p /srv/real && ln -s /srv/real /app\nCOPY --link a.txt /app/\n"
    simulated = build(Engine(), text, {"a.txt": "a\n"}).steps[-1].layer
    real_paths = {p.strip("/") for p in real.image.changesets[-1]}
    assert real_paths == {p.strip("/") for p in simulated.entries}  # type: ignore[union-attr]
