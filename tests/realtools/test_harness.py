"""Tests of the real-tool harness, and the facts about buildah 1.28 the simulator must match.

The first group is pure (synthetic tars and logs, no tools). The ``real`` group builds cases from
``dockerfiles/`` with buildah and pins what buildah was OBSERVED to write; each assertion there is
a fact the simulator's builder is meant to reproduce, so a failure after a buildah upgrade means
"the real tool changed", not "the harness is wrong".
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from . import harness
from .harness import RealEntry

# --------------------------------------------------------------------------------------------
# Pure: no tools needed


def _file(data: bytes, mode: int = 0o644, uid: int = 0) -> RealEntry:
    return RealEntry("file", mode, uid, uid, hashlib.sha256(data).hexdigest(), len(data))


DIR = RealEntry("dir", 0o755, 0, 0)


def test_merged_view_whiteout_hides_lower_subtree() -> None:
    lower = {"/a": DIR, "/a/x": _file(b"x"), "/a/y": _file(b"y"), "/b": _file(b"b")}
    upper = {"/a/x": RealEntry("whiteout", 0, 0, 0), "/b": RealEntry("whiteout", 0, 0, 0)}
    assert harness.merged_view([lower, upper]) == {"/a": DIR, "/a/y": _file(b"y")}


def test_merged_view_opaque_hides_lower_children_but_keeps_same_layer_ones() -> None:
    lower = {"/d": DIR, "/d/old": _file(b"old"), "/d/sub": DIR, "/d/sub/deep": _file(b"deep")}
    upper = {"/d": RealEntry("opaque", 0o700, 0, 0), "/d/new": _file(b"new")}
    assert harness.merged_view([lower, upper]) == {
        "/d": RealEntry("dir", 0o700, 0, 0),
        "/d/new": _file(b"new"),
    }


def test_merged_view_non_dir_over_dir_removes_subtree_and_dir_over_dir_merges() -> None:
    lower = {"/p": DIR, "/p/child": _file(b"c"), "/q": DIR, "/q/kept": _file(b"k")}
    upper = {"/p": _file(b"now a file"), "/q": RealEntry("dir", 0o700, 5, 5)}
    assert harness.merged_view([lower, upper]) == {
        "/p": _file(b"now a file"),
        "/q": RealEntry("dir", 0o700, 5, 5),
        "/q/kept": _file(b"k"),
    }


def test_drop_runtime_paths_prunes_parents_that_only_carried_mount_points() -> None:
    layer = {
        "/etc": DIR, "/etc/hosts": _file(b""), "/etc/resolv.conf": _file(b""),
        "/run": DIR, "/proc": DIR, "/data": DIR, "/data/f": _file(b"f"),
    }  # fmt: skip
    assert harness.drop_runtime_paths(layer) == {"/data": DIR, "/data/f": _file(b"f")}
    kept = harness.drop_runtime_paths(layer, prune_parents=False)
    assert set(kept) == {"/etc", "/data", "/data/f"}


def test_rootfs_tar_round_trips_through_read_changeset() -> None:
    spec = [
        harness.RootfsEntry("/bin", "dir", 0o755, 0, 0, None),
        harness.RootfsEntry("/bin/busybox", "file", 0o755, 0, 0, b"\x7fELF fake"),
        harness.RootfsEntry("/bin/sh", "symlink", 0o777, 0, 0, "busybox"),
        harness.RootfsEntry("/tmp", "dir", 0o1777, 0, 0, None),
    ]
    tar = harness.rootfs_tar_bytes(spec)
    assert tar.endswith(b"\0" * 1024) and len(tar) % 512 == 0
    changes, names = harness.read_changeset(tar)
    assert names == ("bin", "bin/busybox", "bin/sh", "tmp")  # tarfile drops the trailing "/"
    assert changes == {
        "/bin": DIR,
        "/bin/busybox": _file(b"\x7fELF fake", 0o755),
        "/bin/sh": RealEntry("symlink", 0o777, 0, 0, target="busybox"),
        "/tmp": RealEntry("dir", 0o1777, 0, 0),
    }
    empty = harness.rootfs_tar_bytes([])
    assert "sha256:" + hashlib.sha256(empty).hexdigest() == (
        "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
    )


def test_parse_build_log_marks_cache_hits_per_step_and_stage() -> None:
    log = """\
[1/2] STEP 1/2: FROM oci:/x:busybox AS builder
Getting image source signatures
[1/2] STEP 2/2: RUN echo hi > /f
--> Using cache 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
--> 0123456789a
[2/2] STEP 1/2: FROM oci:/x:busybox
[2/2] STEP 2/2: COPY --from=builder /f /f
--> 9876543210a
[2/2] COMMIT t
"""
    steps = harness.parse_build_log(log)
    assert [(s.stage, s.number, s.cache_hit) for s in steps] == [
        (1, 1, None),
        (1, 2, True),
        (2, 1, None),
        (2, 2, False),
    ]
    assert steps[3].instruction == "COPY --from=builder /f /f"


def test_substitute_base_replaces_only_the_placeholder_in_from_lines() -> None:
    text = "FROM BUSYBOX AS b\nRUN echo BUSYBOX\nfrom --platform=linux/amd64 BUSYBOX\nFROM b\n"
    assert harness.substitute_base(text, "oci:/l:busybox") == (
        "FROM oci:/l:busybox AS b\nRUN echo BUSYBOX\nfrom --platform=linux/amd64 oci:/l:busybox\nFROM b\n"
    )


def test_every_dockerfile_case_starts_from_the_placeholder() -> None:
    cases = sorted(p for p in harness.DOCKERFILES.iterdir() if p.is_dir())
    assert len(cases) >= 8
    for case in cases:
        text = (case / "Dockerfile").read_text()
        assert "FROM BUSYBOX" in text, case.name


def test_tools_available_names_every_tool() -> None:
    assert set(harness.tools_available()) == set(harness.TOOL_PACKAGES)


# --------------------------------------------------------------------------------------------
# Real: buildah 1.28.2 / skopeo 1.9.3 / umoci 0.4.7 / podman 4.3.1 (Debian 12), as observed


def _layers(result: harness.BuildResult) -> list[tuple[str, dict[str, RealEntry] | None]]:
    """(created_by, changeset without runtime paths, or None for empty_layer) after the base."""
    assert result.image is not None
    pairs = result.image.layers_by_history()[len(harness.BUSYBOX_HISTORY) :]
    return [
        (h.created_by, None if layer is None else harness.drop_runtime_paths(layer.changeset))
        for h, layer in pairs
    ]


def _copy_case(name: str, dest: Path) -> Path:
    ctx = dest / name
    shutil.copytree(harness.DOCKERFILES / name, ctx)
    return ctx


@pytest.mark.real
def test_busybox_layout_is_the_spec_verbatim(realtools: harness.RealtoolsSession, busybox_ref: str) -> None:
    _, layout, tag = busybox_ref.split(":")
    image = harness.read_oci_image(layout, tag)
    spec = harness.busybox_rootfs_spec()
    assert image.diff_ids == ("sha256:" + hashlib.sha256(harness.rootfs_tar_bytes(spec)).hexdigest(),)
    assert image.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+gzip"  # umoci gzips
    expected = {}
    for e in spec:
        if e.kind == "file":
            assert isinstance(e.content, bytes)
            expected[e.path] = RealEntry(
                "file", e.mode, e.uid, e.gid, hashlib.sha256(e.content).hexdigest(), len(e.content)
            )
        else:
            expected[e.path] = RealEntry(
                e.kind, e.mode, e.uid, e.gid, target=e.content if e.kind == "symlink" else None
            )
    assert image.layers[0].changeset == expected
    assert [(h.created_by, h.empty_layer) for h in image.history] == list(harness.BUSYBOX_HISTORY)
    assert image.cmd == ["sh"] and image.env == tuple(harness.BUSYBOX_CONFIG["Env"])
    assert harness.make_busybox_layout(Path(layout).parent) == busybox_ref  # cached: same spec, same layout


@pytest.mark.real
def test_run_steps_whiteouts_opaque_copy_up(realtools: harness.RealtoolsSession, busybox_ref: str) -> None:
    result = harness.buildah_build(harness.DOCKERFILES / "run_fs_ops", "layerlab-test/run_fs_ops")
    image = result.image
    assert image is not None
    # Every RUN made a layer, even `RUN true`; no history entry of this build is empty_layer.
    assert len(image.layers) == 1 + 9
    raw = image.layers[1].changeset
    # The first RUN's layer also carries the mount points buildah made for the container ...
    assert {"/dev", "/proc", "/sys", "/run", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"} <= set(raw)
    assert raw["/etc/hosts"] == RealEntry("file", 0o755, 0, 0, hashlib.sha256(b"").hexdigest(), 0)
    # ... and every later RUN layer carries /run (its mtime changed), which is why RUN true is not empty.
    assert all("/run" in layer.changeset for layer in image.layers[2:])
    empty = hashlib.sha256(b"").hexdigest()
    assert _layers(result) == [
        ("/bin/sh -c mkdir -p /data/sub && touch /data/a /data/sub/b && echo hello > /data/greeting", {
            "/data": DIR, "/data/a": RealEntry("file", 0o644, 0, 0, empty, 0), "/data/greeting": _file(b"hello\n"),
            "/data/sub": DIR, "/data/sub/b": RealEntry("file", 0o644, 0, 0, empty, 0),
        }),
        # chmod copies the whole file up: full content in the layer, new mode, plus the parent dir.
        ("/bin/sh -c chmod 600 /etc/group", {"/etc": DIR, "/etc/group": _file(b"root:x:0:\nnogroup:x:65534:\n", 0o600)}),
        # mv = whiteout of the old name + the file under the new name.
        ("/bin/sh -c mv /data/greeting /data/moved", {
            "/data": DIR, "/data/greeting": RealEntry("whiteout", 0, 0, 0), "/data/moved": _file(b"hello\n"),
        }),
        ("/bin/sh -c ln -s /data/moved /data/link", {"/data": DIR, "/data/link": RealEntry("symlink", 0o777, 0, 0, target="/data/moved")}),
        ("/bin/sh -c rm /data/a", {"/data": DIR, "/data/a": RealEntry("whiteout", 0, 0, 0)}),
        # rm -rf of a directory: one whiteout for the directory, nothing for its children.
        ("/bin/sh -c rm -rf /data/sub", {"/data": DIR, "/data/sub": RealEntry("whiteout", 0, 0, 0)}),
        ("/bin/sh -c rm -rf /var", {"/var": RealEntry("whiteout", 0, 0, 0)}),
        # rm -rf + mkdir of the same dir: an opaque marker, not explicit whiteouts of a, link, moved.
        ("/bin/sh -c rm -rf /data && mkdir /data", {"/data": RealEntry("opaque", 0o755, 0, 0)}),
        ("/bin/sh -c true", {}),
    ]  # fmt: skip
    layer_opq = image.layers[-2]
    assert layer_opq.tar_names == ("data", "data/.wh..wh..opq", "run")  # marker right after its dir
    assert image.layers[-3].tar_names == ("run", ".wh.var")  # whiteouts sort by the name they hide
    merged = image.merged()
    assert {p for p in merged if not p.startswith("/bin/")} == {
        "/bin",
        "/etc",
        "/etc/passwd",
        "/etc/group",
        "/root",
        "/tmp",
        "/data",
    }
    assert merged["/etc/group"].mode == 0o600


@pytest.mark.real
def test_rm_rf_etc_fails_on_the_runtime_bind_mounts(
    realtools: harness.RealtoolsSession, busybox_ref: str
) -> None:
    result = harness.buildah_build(
        harness.DOCKERFILES / "run_rm_etc", "layerlab-test/run_rm_etc", check=False
    )
    assert result.returncode != 0 and result.image is None
    assert "can't remove '/etc/hosts': Device or resource busy" in result.log
    with pytest.raises(harness.BuildFailed, match="exit status 1"):
        harness.buildah_build(harness.DOCKERFILES / "run_rm_etc", "layerlab-test/run_rm_etc")


@pytest.mark.real
def test_metadata_steps_are_empty_layers_with_nop_history(
    realtools: harness.RealtoolsSession, busybox_ref: str
) -> None:
    result = harness.buildah_build(harness.DOCKERFILES / "metadata", "layerlab-test/metadata")
    image = result.image
    assert image is not None
    layers = _layers(result)
    assert [(by, cs is None) for by, cs in layers] == [
        ("/bin/sh -c #(nop) ARG GREETING", True),  # the default value is not in the history
        ("/bin/sh -c #(nop) ENV APP_HOME=/app PATH_EXTRA=/opt/bin", True),
        ('/bin/sh -c #(nop) LABEL org.example.name="layerlab" org.example.version=1', True),
        ('|1 GREETING=hello /bin/sh -c echo "$GREETING" > /greeting', False),
        ("/bin/sh -c #(nop) EXPOSE 8080 53/udp", True),
        ("/bin/sh -c #(nop) VOLUME /data", True),
        ("/bin/sh -c #(nop) USER nobody", True),
        ('/bin/sh -c #(nop) ENTRYPOINT ["/bin/sh", "-c"]', True),
        ('/bin/sh -c #(nop) CMD ["echo $APP_HOME"]', True),
    ]
    assert layers[3][1] == {"/greeting": _file(b"hello\n")}
    assert image.env[1:] == ("APP_HOME=/app", "PATH_EXTRA=/opt/bin")
    assert image.labels == {
        "io.buildah.version": "1.28.2",
        "org.example.name": "layerlab",
        "org.example.version": "1",
    }
    assert image.exposed_ports == {"8080/tcp": {}, "53/udp": {}}
    assert image.volumes == {"/data": {}}
    assert (image.user, image.entrypoint, image.cmd) == ("nobody", ["/bin/sh", "-c"], ["echo $APP_HOME"])
    assert image.config_digest == result.image_id
    # A different --build-arg: ARG/ENV/LABEL still hit the cache; the RUN that sees the arg misses.
    again = harness.buildah_build(
        harness.DOCKERFILES / "metadata", "layerlab-test/metadata2", build_args={"GREETING": "bonjour"}
    )
    assert [hit for _, hit in again.cache_hits] == [True, True, True] + [False] * 6
    assert again.image is not None
    assert again.image.history[5].created_by == '|1 GREETING=bonjour /bin/sh -c echo "$GREETING" > /greeting'


@pytest.mark.real
def test_workdir_is_metadata_and_the_next_run_creates_the_dir(
    realtools: harness.RealtoolsSession, busybox_ref: str
) -> None:
    result = harness.buildah_build(harness.DOCKERFILES / "workdir", "layerlab-test/workdir", no_cache=True)
    assert [s.output[0] for s in result.steps if s.instruction == "RUN pwd"] == [
        "/newdir",
        "/etc/sub",
        "/owned",
    ]
    assert _layers(result) == [
        ("/bin/sh -c #(nop) WORKDIR /newdir", None),
        ("/bin/sh -c pwd", {"/newdir": DIR}),
        ("/bin/sh -c #(nop) WORKDIR /etc", None),
        ("/bin/sh -c #(nop) WORKDIR sub", None),  # history keeps the relative path as written
        ("/bin/sh -c pwd", {"/etc": DIR, "/etc/sub": DIR}),
        ("/bin/sh -c #(nop) USER nobody", None),
        ("/bin/sh -c #(nop) WORKDIR /owned", None),
        ("/bin/sh -c pwd", {"/owned": RealEntry("dir", 0o755, 65534, 65534)}),  # created as USER
    ]
    assert result.image is not None and result.image.working_dir == "/owned"


@pytest.mark.real
def test_copy_sources_chown_chmod(
    realtools: harness.RealtoolsSession, busybox_ref: str, tmp_path: Path
) -> None:
    result = harness.buildah_build(harness.DOCKERFILES / "copy_sources", "layerlab-test/copy_sources")
    layers = _layers(result)
    assert [by.split(":", 1)[0] + " " + by.split(" in ", 1)[1] for by, _ in layers] == [
        "/bin/sh -c #(nop) COPY file /hello.txt ", "/bin/sh -c #(nop) COPY dir /dir ",
        "/bin/sh -c #(nop) COPY multi /multi/ ", "/bin/sh -c #(nop) COPY multi /confs/ ",
        "/bin/sh -c #(nop) COPY file /new/parent/ ",
    ]  # fmt: skip
    assert [set(cs or {}) for _, cs in layers] == [
        {"/hello.txt"}, {"/dir", "/dir/a.txt", "/dir/sub", "/dir/sub/b.txt"},
        {"/multi", "/multi/one.txt", "/multi/two.txt"}, {"/confs", "/confs/x.conf", "/confs/y.conf"},
        {"/new", "/new/parent", "/new/parent/hello.txt"},
    ]  # fmt: skip
    # Modes: COPY keeps the source file's mode; git checks a context out 0644, so set 0600 here.
    ctx = _copy_case("copy_chown_chmod", tmp_path)
    os.chmod(ctx / "owned.txt", 0o600)
    os.chmod(ctx / "mode.txt", 0o644)
    owned = hashlib.sha256(b"owned\n").hexdigest()
    assert [cs for _, cs in _layers(harness.buildah_build(ctx, "layerlab-test/copy_chown_chmod"))] == [
        {"/numeric.txt": RealEntry("file", 0o600, 1000, 1000, owned, 6)},
        {"/byname.txt": RealEntry("file", 0o600, 65534, 65534, owned, 6)},  # names resolved in the image
        {"/chmod.txt": _file(b"mode\n", 0o640)},
        {"/tree": RealEntry("dir", 0o755, 1000, 1000), "/tree/t.txt": _file(b"t\n", 0o644, 1000)},
        {"/plain.txt": RealEntry("file", 0o600, 0, 0, owned, 6)},
    ]


@pytest.mark.real
def test_multistage_and_dockerignore(realtools: harness.RealtoolsSession, busybox_ref: str) -> None:
    multi = harness.buildah_build(harness.DOCKERFILES / "multistage", "layerlab-test/multistage")
    assert [(s.stage, s.number) for s in multi.steps] == [
        (1, 1),
        (1, 2),
        (1, 3),
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 4),
    ]
    layers = _layers(multi)
    assert [cs for _, cs in layers] == [
        {"/built.txt": _file(b"src\nsrc\n")},
        {"/src": DIR, "/src/src.txt": _file(b"src\n")},
        None,
    ]
    assert layers[0][0].startswith("/bin/sh -c #(nop) COPY file:") and layers[0][0].endswith(
        " in /built.txt "
    )
    ignored = harness.buildah_build(harness.DOCKERFILES / "dockerignore", "layerlab-test/dockerignore")
    ((_, copied),) = _layers(ignored)
    # **/*.log excludes top.log and app/debug.log, !app/keep.log re-includes one, secret/ is gone;
    # .dockerignore and Dockerfile themselves are copied (nothing excludes them).
    assert set(copied or {}) == {
        "/ctx", "/ctx/.dockerignore", "/ctx/Dockerfile", "/ctx/app", "/ctx/app/keep.log", "/ctx/app/main.txt",
    }  # fmt: skip


@pytest.mark.real
def test_rebuild_cache_ignores_mtime_but_not_mode_or_content(
    realtools: harness.RealtoolsSession, busybox_ref: str, tmp_path: Path
) -> None:
    ctx = _copy_case("cache", tmp_path)
    first = harness.buildah_build(ctx, "layerlab-test/cache", no_cache=True)
    assert [hit for _, hit in first.cache_hits] == [False] * 4
    assert [hit for _, hit in harness.buildah_build(ctx, "layerlab-test/cache").cache_hits] == [True] * 4
    later = time.time() + 1000
    os.utime(ctx / "input.txt", (later, later))
    assert [hit for _, hit in harness.buildah_build(ctx, "layerlab-test/cache").cache_hits] == [True] * 4
    os.chmod(ctx / "input.txt", 0o600)
    assert [hit for _, hit in harness.buildah_build(ctx, "layerlab-test/cache").cache_hits] == [
        True,
        False,
        False,
        False,
    ]
    (ctx / "input.txt").write_text("v2\n")
    changed = harness.buildah_build(ctx, "layerlab-test/cache")
    assert [hit for _, hit in changed.cache_hits] == [True, False, False, False]
    assert first.image is not None and changed.image is not None
    assert (
        changed.image.diff_ids[:2] == first.image.diff_ids[:2]
        and changed.image.diff_ids[2] != first.image.diff_ids[2]
    )
    # Back to the first content and mode: the old layers are still in the store, so all hit again.
    (ctx / "input.txt").write_text("v1\n")
    os.chmod(ctx / "input.txt", 0o644)
    back = harness.buildah_build(ctx, "layerlab-test/cache")
    assert [hit for _, hit in back.cache_hits] == [True] * 4
    assert back.image_id == first.image_id


@pytest.mark.real
def test_layers_false_squashes_the_build_into_one_layer(
    realtools: harness.RealtoolsSession, busybox_ref: str
) -> None:
    result = harness.buildah_build(harness.DOCKERFILES / "run_fs_ops", "layerlab-test/squashed", layers=False)
    image = result.image
    assert image is not None and len(image.layers) == 2
    # All history entries of the build are empty_layer except the last, which owns the one layer.
    assert [h.empty_layer for h in image.history[2:]] == [True] * 8 + [False]
    assert harness.drop_runtime_paths(image.layers[1].changeset) == {
        "/data": DIR, "/etc": DIR, "/etc/group": _file(b"root:x:0:\nnogroup:x:65534:\n", 0o600),
        "/var": RealEntry("whiteout", 0, 0, 0),
    }  # fmt: skip


@pytest.mark.real
def test_podman_runs_built_images(realtools: harness.RealtoolsSession, busybox_ref: str) -> None:
    harness.require("podman", "runc")
    assert harness.podman_run(busybox_ref, ["cat", "/etc/group"]) == (0, "root:x:0:\nnogroup:x:65534:\n")
    result = harness.buildah_build(harness.DOCKERFILES / "metadata", "layerlab-test/metadata")
    assert harness.podman_run(result.tag, []) == (0, "/app\n")  # ENTRYPOINT sh -c + CMD, as nobody
    assert harness.podman_run(result.tag, ["exit 3"]) == (3, "")


def test_require_skips_naming_the_missing_tool_and_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "tools_available", lambda: dict.fromkeys(harness.TOOL_PACKAGES, None))
    with pytest.raises(
        pytest.skip.Exception, match=r"^static busybox not installed: apt-get install busybox-static$"
    ):
        harness.require("busybox")
    with pytest.raises(pytest.skip.Exception, match=r"^buildah not installed: apt-get install buildah$"):
        harness.require("buildah", "skopeo")
