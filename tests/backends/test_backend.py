"""The overlayfs backend itself: layers on disk, mounts, safety, cleanup, the engine, real programs."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys

import pytest

from simulator import Engine
from simulator.backends import (
    OverlayBackend,
    availability,
    busybox_layer,
    cleanup,
    compare_scenario,
    mounts_under,
)
from simulator.backends.overlayfs.container import RealContainer, upper_listing
from simulator.backends.overlayfs.filesystem import OverlayFS
from simulator.backends.overlayfs.layout import read_upper
from simulator.errors import BackendUnavailable
from simulator.model import Container, Entry, Image, Kind, Layer
from simulator.model.fs import ContainerFS, FileSystem


def image_of(*layers: dict[str, Entry]) -> Image:
    return Image.of([Layer.of(entries) for entries in layers])


BASE = {
    "/etc": Entry.directory(),
    "/etc/passwd": Entry.file(b"root:x:0:0\n"),
    "/d": Entry.directory(),
    "/d/x": Entry.file(b"x"),
    "/d/sub": Entry.directory(0o700),
    "/d/sub/y": Entry.file(b"y", 0o600),
}


# -- layers in overlayfs form -------------------------------------------------------------------
def test_whiteouts_and_opaque_markers_are_materialised_in_overlay_form(backend: OverlayBackend) -> None:
    top = {
        "/d": Entry.directory(opaque=True),
        "/d/new": Entry.file(b"n"),
        "/etc": Entry.directory(),
        "/etc/passwd": Entry.whiteout(),
    }
    image = image_of(BASE, top)
    _lower, upper = backend.layer_dirs(image)
    info = os.lstat(upper + "/etc/passwd")
    assert (
        os.major(info.st_rdev) == 0 and os.minor(info.st_rdev) == 0 and (info.st_mode & 0o170000) == 0o020000
    )
    assert os.getxattr(upper + "/d", "trusted.overlay.opaque") == b"y"
    entries, _ = read_upper(upper)
    assert entries["/etc/passwd"].kind is Kind.WHITEOUT and entries["/d"].opaque
    with backend.new_container(image) as c:
        assert c.listdir("/d") == ["new"] and not c.exists("/etc/passwd")
        assert c.listdir("/d") == Container(image).listdir("/d")


def test_layer_directories_are_shared_by_chain_id(backend: OverlayBackend) -> None:
    image = image_of(BASE)
    assert backend.layer_dirs(image) == backend.layer_dirs(image_of(BASE))
    assert os.path.basename(backend.layer_dirs(image)[0]) == image.chain_ids[0].split(":")[1]


def test_case_6_rm_rf_then_mkdir_gives_an_opaque_directory(backend: OverlayBackend) -> None:
    with backend.new_container(image_of(BASE)) as c:
        c.write_file("/d/sub/y", b"changed")
        for path in ("/d/sub/y", "/d/x"):
            c.unlink(path)
        c.rmdir("/d/sub")
        c.rmdir("/d")
        c.mkdir("/d")
        assert c.upper.entries["/d"].opaque and c.listdir("/d") == []
        listing = upper_listing(c)
        assert "trusted.overlay.opaque=y" in listing
        assert [str(x) for x in c.diff()] == ["C /d", "D /d/sub", "D /d/x"]


def test_errors_are_the_kernels(backend: OverlayBackend) -> None:
    with backend.new_container(image_of(BASE)) as c:
        with pytest.raises(OSError) as info:
            c.rename("/d", "/e")  # a lower directory: overlayfs without redirect_dir refuses
        assert info.value.errno == errno.EXDEV
        with pytest.raises(OSError) as info:
            c.rmdir("/d")
        assert info.value.errno == errno.ENOTEMPTY
        with pytest.raises(FileNotFoundError):
            c.read_file("/nope")
        with pytest.raises(IsADirectoryError):
            c.write_file("/etc", b"x")


def test_chmod_copies_up_a_file_whole_and_diff_is_empty(backend: OverlayBackend) -> None:
    with backend.new_container(image_of(BASE)) as c:
        c.chmod("/etc/passwd", 0o644)
        assert c.upper.entries["/etc/passwd"].read() == b"root:x:0:0\n"
        assert [(u.path, u.bytes, u.reason) for u in c.copy_ups] == [
            ("/etc", 0, "chmod /etc/passwd"),
            ("/etc/passwd", 11, "chmod"),
        ]
        assert c.diff() == []  # case 11: same mode, owner, mtime and size


# -- safety: symlinks in the image never reach the host -------------------------------------------
@pytest.fixture
def host_dir(tmp_path: pytest.TempPathFactory) -> str:
    path = os.path.join(str(tmp_path), "host")
    os.makedirs(path)
    with open(os.path.join(path, "secret"), "wb") as f:
        f.write(b"host")
    return path


def hostile_image(host: str) -> Image:
    depth = "/".join([".."] * 20)
    return image_of(
        {
            "/abs": Entry.symlink(host),  # absolute: a host path
            "/rel": Entry.symlink(depth + host),  # .. chains far above the root
            "/root": Entry.symlink("/"),
            "/chain1": Entry.symlink("chain2"),  # links to links
            "/chain2": Entry.symlink("/abs"),
            "/dir": Entry.directory(),
            "/dir/up": Entry.symlink("../../../../.." + host),
            "/dir/self": Entry.symlink("."),
            "/loop": Entry.symlink("/loop"),
        }
    )


@pytest.mark.parametrize("via", ["/abs", "/rel", "/chain1", "/dir/up", "/root" + "/abs", "/dir/self/../rel"])
def test_planted_symlinks_resolve_inside_the_container(
    backend: OverlayBackend, host_dir: str, via: str
) -> None:
    image = hostile_image(host_dir)
    model = Container(image)
    with backend.new_container(image) as c:
        for target in (c, model):
            target.makedirs(host_dir)  # the link targets exist in the container too
            target.makedirs(via + "/deep/er")
            target.write_file(via + "/secret", b"container")
            target.append_file(via + "/secret", b"!")
            target.chmod(via + "/secret", 0o600)
            target.symlink("/", via + "/deep/link")
            target.rename(via + "/secret", via + "/moved")
            target.truncate(via + "/moved", 3)
        assert c.read_file(via + "/moved") == model.read_file(via + "/moved") == b"con"
        assert c.upper.diff_id == model.upper.diff_id
        with pytest.raises(OSError) as info:
            c.read_file("/loop")
        assert info.value.errno == errno.ELOOP
    assert sorted(os.listdir(host_dir)) == ["secret"]
    with open(os.path.join(host_dir, "secret"), "rb") as f:
        assert f.read() == b"host"


def test_the_kernel_walks_hostile_paths_inside_the_root(backend: OverlayBackend, host_dir: str) -> None:
    """The caller's path reaches the kernel unchanged (openat2 RESOLVE_IN_ROOT; name calls on
    the walked parent): trailing slashes that force a follow, ``..`` above the root, links to
    links, O_CREAT through a dangling link to a host path.  Same outcomes as the model, and the
    host directory is untouched."""
    from simulator.backends.compare import run_op

    image = image_of(
        {
            **hostile_image(host_dir).layers[0].entries,
            "/dangling": Entry.symlink(host_dir + "/created"),
        }
    )
    ops: list[tuple] = [
        ("makedirs", host_dir),  # the link targets exist in the container too
        ("stat", "/abs/"),
        ("listdir", "/rel/"),
        ("link", "/abs/", "/hard"),
        ("link", "/root/", "/hard"),
        ("mkdir", "/abs/"),
        ("unlink", "/abs/"),
        ("rmdir", "/chain1/"),
        ("rename", "/abs/", "/moved"),
        ("chown", "/chain1/", 1000, 1000),
        ("chmod", "/dir/up/", 0o700),
        ("read_file", "/rel/secret"),  # the container's copy of the host path has no secret
        ("write_file", "/dangling", b"inside"),
        ("truncate", "/dir/up/created", 2),
        ("listdir", "/loop/"),
        ("rm_rf", "/root/dir/"),
    ]
    model = Container(image)
    with backend.new_container(image) as c:
        got = [str(run_op(c, op)) for op in ops]
        assert got == [str(run_op(model, op)) for op in ops]
        assert got[3:5] == ["PermissionError [EPERM]"] * 2  # link of a directory, found inside
        assert got[11] == "FileNotFoundError [ENOENT]"
        assert c.read_file(host_dir + "/created") == b"in"
        assert c.upper.diff_id == model.upper.diff_id
    assert sorted(os.listdir(host_dir)) == ["secret"]
    with open(os.path.join(host_dir, "secret"), "rb") as f:
        assert f.read() == b"host"
    assert os.stat(host_dir).st_uid == 0  # the chown went to the container's copy


def test_the_manual_walk_is_as_safe_as_openat2(state_dir: str, host_dir: str) -> None:
    if not availability(state_dir).ok:
        pytest.skip(availability(state_dir).reason)
    with (
        OverlayBackend.create(state_dir, use_openat2=False) as b,
        b.new_container(hostile_image(host_dir)) as c,
    ):
        c.makedirs(host_dir)
        c.write_file("/abs/x", b"1")
        c.write_file("/dir/up/y", b"2")
        assert c.read_file(host_dir + "/x") == b"1" and c.read_file(host_dir + "/y") == b"2"
        assert host_dir + "/x" in c.upper.entries
    assert sorted(os.listdir(host_dir)) == ["secret"]


# -- lifecycle, cleanup ---------------------------------------------------------------------------
def test_remove_unmounts_and_deletes(backend: OverlayBackend) -> None:
    c = backend.new_container(image_of(BASE))
    assert mounts_under(c.directory) == [c.merged_dir]
    c.start()
    with pytest.raises(Exception, match="stop it first"):
        c.remove()
    c.stop()
    c.remove()
    assert not os.path.exists(c.directory) and mounts_under(c.directory) == []
    with pytest.raises(Exception, match="removed"):
        c.read_file("/etc/passwd")


def test_context_manager_cleans_up_on_exceptions(backend: OverlayBackend) -> None:
    with pytest.raises(RuntimeError), backend.new_container(image_of(BASE)) as c:
        raise RuntimeError("boom")
    assert not os.path.exists(c.directory)


def test_cleanup_finds_mounts_left_by_a_crashed_process(tmp_path: pytest.TempPathFactory) -> None:
    state = str(tmp_path)
    if not availability(state).ok:
        pytest.skip(availability(state).reason)
    code = (
        "import os\nfrom simulator.backends import OverlayBackend\nfrom simulator.model import *\n"
        f"b = OverlayBackend.create({state!r})\n"
        "c = b.new_container(Image.of([Layer.of({'/f': Entry.file(b'x')})]))\n"
        "c.write_file('/f', b'y')\nprint(c.merged_dir, flush=True)\nos._exit(0)\n"  # no atexit: a crash
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    merged = out.stdout.strip()
    assert mounts_under(state) == [merged]
    actions = cleanup(state)
    assert f"unmounted {merged}" in actions and mounts_under(state) == []
    assert os.listdir(os.path.join(state, "containers")) == []
    cli = subprocess.run(
        [sys.executable, "-m", "simulator.backends", "cleanup", "--state-dir", state],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "nothing to clean" in cli.stdout


def test_interpreter_exit_unmounts(tmp_path: pytest.TempPathFactory) -> None:
    state = str(tmp_path)
    if not availability(state).ok:
        pytest.skip(availability(state).reason)
    code = (
        "from simulator.backends import OverlayBackend\nfrom simulator.model import *\n"
        f"b = OverlayBackend.create({state!r})\nc = b.new_container(Image.of([]))\nc.write_file('/f', b'y')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert mounts_under(state) == [] and os.listdir(os.path.join(state, "containers")) == []


def test_availability_says_why() -> None:
    found = availability()
    assert isinstance(found.reason, str) and found.reason
    if not found.ok:
        with pytest.raises(BackendUnavailable, match=found.reason[:20]):
            OverlayBackend.create()


# -- mount option limits ------------------------------------------------------------------------
def test_more_layers_than_one_page_of_options_use_lowerdir_plus(backend: OverlayBackend) -> None:
    layers = [{f"/f{i}": Entry.file(str(i).encode())} for i in range(60)]
    image = image_of(*layers)
    with backend.new_container(image) as c:
        assert c.mount_api == "new"
        assert c.read_file("/f0") == b"0" and c.read_file("/f59") == b"59" and len(c.listdir("/")) == 60


def test_old_and_new_api_give_the_same_view(state_dir: str) -> None:
    image = image_of(BASE, {"/d": Entry.directory(), "/d/x": Entry.whiteout()})
    views = []
    for api in ("old", "new"):
        with OverlayBackend.create(state_dir, mount_api=api) as b, b.new_container(image) as c:
            assert c.mount_api == api
            views.append(list(c.walk()))
    assert views[0] == views[1]


# -- the engine -----------------------------------------------------------------------------------
def test_engine_with_the_overlayfs_backend(backend: OverlayBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OverlayBackend, "create", classmethod(lambda cls, *a, **k: backend))
    engine = Engine(backend="overlayfs")
    engine.images.add(image_of(BASE), "demo:1")
    c = engine.containers.create("demo:1", name="web")
    assert isinstance(c, RealContainer) and isinstance(c.fs, OverlayFS) and engine.backend is backend
    c.write_file("/etc/passwd", b"changed")
    image = c.commit("demo", "2")
    assert image.read_file("/etc/passwd") == b"changed"
    assert [str(x) for x in c.diff()] == ["C /etc", "C /etc/passwd"]
    c.remove()
    assert len(engine.containers) == 0 and not os.path.exists(c.directory)


# -- real programs ---------------------------------------------------------------------------------
@pytest.mark.skipif(
    shutil.which("unshare") is None or not os.path.exists("/usr/bin/busybox"),
    reason="needs unshare and a static busybox at /usr/bin/busybox",
)
def test_real_programs_write_into_the_upper_directory(backend: OverlayBackend) -> None:
    image = Image.of([busybox_layer(), Layer.of(BASE)])
    with backend.new_container(image) as c:
        c.start()
        done = c.run_program(["/bin/sh", "-c", "echo hi > /tmp/out; rm /etc/passwd; mkdir /new; cat /d/x"])
        assert done.returncode == 0, done.stderr
        assert done.stdout == b"x"
        assert c.read_file("/tmp/out") == b"hi\n"
        upper = c.upper.entries
        assert upper["/tmp/out"].read() == b"hi\n" and upper["/etc/passwd"].kind is Kind.WHITEOUT
        assert [str(x) for x in c.diff()] == ["C /etc", "D /etc/passwd", "A /new", "C /tmp", "A /tmp/out"]


def test_compare_scenario_reports_both_sides(state_dir: str) -> None:
    if not availability(state_dir).ok:
        pytest.skip(availability(state_dir).reason)
    report = compare_scenario(
        image_of(BASE), [("rm_rf", "/d"), ("mkdir", "/d"), ("unlink", "/etc/passwd")], state_dir=state_dir
    )
    assert "c 0,0  (whiteout)" in report and "trusted.overlay.opaque=y" in report
    assert "no differences" in report


def test_real_container_answers_every_file_operation_from_the_mount() -> None:
    """No file operation may answer from memory: the model Container delegates every one of them
    to its file system, RealContainer overrides none of the model's, and the mount's file
    system implements every operation itself (it inherits from nothing)."""
    methods = {
        n
        for proto in (FileSystem, ContainerFS)
        for n, v in vars(proto).items()
        if callable(v) and not n.startswith("_")
    }
    assert methods <= set(vars(OverlayFS)) and OverlayFS.__mro__ == (OverlayFS, object)
    assert methods - {"discard", "writable_entries", "touched_paths"} <= set(vars(Container))
    public = {n for n in vars(Container) if not n.startswith("_")}
    assert not public & set(vars(RealContainer)), public & set(vars(RealContainer))
