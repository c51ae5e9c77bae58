"""The overlay mount options (``redirect_dir``, ``metacopy``, ``index``, ``xino``): the model
against the kernel mounted with the same options.

Each scenario runs on a model container and on a real overlay mount made with the same
:class:`OverlayOptions`; the errno of every step, the merged view, the upper directory, the
redirect and metacopy xattrs, and the inode relations ``stat()`` shows (which names share an
``st_ino``, every ``st_nlink``, ``st_dev`` equal to the root's) must agree.  The inode numbers
themselves are the model's own (the kernel's are the ext4 inodes of the layer directories).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.backends import OverlayBackend, availability
from simulator.backends.compare import run_op, snapshot
from simulator.model import Container, Entry, Image, Layer
from simulator.model.overlay_options import OverlayOptions
from simulator.model.permissions import ROOT
from tests.realtools.test_docker import docker  # noqa: F401 - the private dockerd fixture

pytestmark = pytest.mark.real

OFF = OverlayOptions()
REDIRECT = OverlayOptions(redirect_dir=True)
METACOPY = OverlayOptions(redirect_dir=True, metacopy=True)
INDEX = OverlayOptions(index=True)
ALL = OverlayOptions(redirect_dir=True, metacopy=True, index=True)

IMAGE = Image.of(
    [
        Layer.of(
            {
                "/d": Entry.directory(),
                "/d/sub": Entry.directory(),
                "/d/sub/f": Entry.file(b"hello\n"),
                "/d/g": Entry.file(b"g"),
                "/x": Entry.directory(),
                "/a": Entry.file(b"data\n"),
                "/b": Entry.hardlink("/a"),
                "/c": Entry.file(b"x" * 100_000),
            }
        )
    ]
)


@pytest.fixture(scope="module")
def backends(state_dir: str) -> Iterator[dict[OverlayOptions, OverlayBackend]]:
    found = availability(state_dir)
    if not found.ok:
        pytest.skip(f"overlayfs backend unavailable: {found.reason}")
    if found.method != "kernel":
        pytest.skip(f"the mount options are the kernel's; this machine has {found.method} only")
    made: dict[OverlayOptions, OverlayBackend] = {}
    try:
        for options in (
            OFF,
            REDIRECT,
            METACOPY,
            INDEX,
            ALL,
            OverlayOptions(xino="on"),
            OverlayOptions(xino="auto"),
        ):
            made[options] = OverlayBackend.create(state_dir, overlay_options=options)
        yield made
    finally:
        for b in made.values():
            b.close()


def inode_relations(container: Any) -> dict[str, tuple[int, int, bool]]:
    """path -> (inode class, st_nlink, st_dev is the root's): inode classes numbered in path order."""
    container.credentials = ROOT
    root = container.stat("/")
    classes: dict[int, int] = {}
    out = {}
    for path in sorted(["/", *(p for p, _ in container.walk("/"))]):
        entry = container.stat(path, follow_symlinks=False)
        number = classes.setdefault(entry.st_ino, len(classes))
        out[path] = (number, entry.st_nlink, entry.st_dev == root.st_dev)
    return out


def compare(
    backends: dict[OverlayOptions, OverlayBackend], options: OverlayOptions, ops: list[tuple]
) -> dict[str, Any]:
    model = Container(IMAGE, overlay_options=options)
    with backends[options].new_container(IMAGE) as real:
        outcomes = [(str(run_op(model, op)), str(run_op(real, op))) for op in ops]
        result: dict[str, Any] = {
            "outcomes": outcomes,
            "model": snapshot(model),
            "real": snapshot(real),
            "inodes": (inode_relations(model), inode_relations(real)),
            "redirects": (dict(model.fs.redirects()), dict(real.fs.redirects())),  # type: ignore[attr-defined]
            "metacopy": (set(model.fs.metacopy_paths()), set(real.fs.metacopy_paths())),  # type: ignore[attr-defined]
            "blocks": {
                path: os.lstat(real.fs.upper_dir + path).st_blocks  # type: ignore[attr-defined]
                for path, entry in real.upper_entries.items()
                if entry.is_file
            },
        }
        for m, r in outcomes:
            assert m == r, outcomes
        assert result["model"].view == result["real"].view
        assert result["model"].upper == result["real"].upper
        assert result["model"].diff == result["real"].diff
        assert result["inodes"][0] == result["inodes"][1]
        assert result["redirects"][0] == result["redirects"][1]
        assert result["metacopy"][0] == result["metacopy"][1]
        for path in result["metacopy"][1]:  # sparse: at most the xattr block, no data
            assert result["blocks"][path] <= 8
        return result


# -- redirect_dir ----------------------------------------------------------------------------------
def test_without_redirect_dir_renaming_an_image_directory_is_exdev(backends) -> None:
    result = compare(backends, OFF, [("rename", "/d", "/e")])
    assert result["outcomes"][0][1] == "OSError [EXDEV]"


def test_with_redirect_dir_the_rename_succeeds_and_leaves_a_redirect(backends) -> None:
    result = compare(backends, REDIRECT, [("rename", "/d", "/e"), ("read_file", "/e/sub/f")])
    assert result["outcomes"][0][1] == "ok"
    assert result["redirects"][1] == {"/e": "d"}  # relative: same parent
    # Docker's naive differ (used when the kernel makes redirects) sees a new tree and a deletion
    assert result["real"].diff == ["D /d", "A /e", "A /e/g", "A /e/sub", "A /e/sub/f"]


def test_redirects_into_another_directory_are_absolute_and_kept(backends) -> None:
    result = compare(
        backends,
        REDIRECT,
        [
            ("rename", "/d", "/e"),
            ("rename", "/e", "/x/e2"),
            ("rename", "/x/e2", "/x/e3"),
            ("rename", "/x/e3/sub", "/sub2"),
            ("listdir", "/x/e3"),
            ("read_file", "/sub2/f"),
            ("write_file", "/x/e3/g", b"new"),
        ],
    )
    assert result["redirects"][1] == {"/x/e3": "/d", "/sub2": "/d/sub"}


def test_removing_a_redirected_directory_leaves_no_whiteout_where_nothing_was(backends) -> None:
    compare(
        backends,
        REDIRECT,
        [
            ("rename", "/d", "/x/e"),
            ("rm_rf", "/x/e"),
            ("mkdir", "/d"),
            ("listdir", "/d"),
            ("rename", "/x", "/y"),
        ],
    )


# -- metacopy ---------------------------------------------------------------------------------------
def test_metacopy_chmod_and_chown_copy_metadata_only_until_a_write(backends) -> None:
    result = compare(
        backends,
        METACOPY,
        [("chmod", "/c", 0o600), ("chown", "/d/g", 5, 5), ("read_file", "/c")],
    )
    assert result["metacopy"][1] == {"/c", "/d/g"}
    assert [c[3] for c in result["model"].copy_ups if c[0] == "/c"] == [0]  # no data copied
    result = compare(backends, METACOPY, [("chmod", "/c", 0o600), ("append_file", "/c", b"z")])
    assert result["metacopy"][1] == set()


def test_without_metacopy_chmod_copies_the_data(backends) -> None:
    result = compare(backends, REDIRECT, [("chmod", "/c", 0o600)])
    assert result["metacopy"][1] == set()
    assert result["blocks"]["/c"] > 0


# -- index and inode numbers ------------------------------------------------------------------------
def test_without_index_a_copy_up_breaks_the_hard_link(backends) -> None:
    result = compare(backends, OFF, [("chown", "/a", 5, 5), ("read_file", "/b")])
    model, _ = result["inodes"]
    assert model["/a"][0] != model["/b"][0] and model["/a"][1] == 1 and model["/b"][1] == 2


def test_with_index_the_names_stay_one_file(backends) -> None:
    result = compare(backends, INDEX, [("chown", "/a", 5, 5), ("append_file", "/b", b"more")])
    model, _ = result["inodes"]
    assert model["/a"][0] == model["/b"][0] and model["/a"][1] == model["/b"][1] == 2
    assert result["model"].view["/a"] == result["model"].view["/b"]


def test_with_index_unlinking_one_name_drops_the_link_count(backends) -> None:
    compare(backends, INDEX, [("chown", "/a", 5, 5), ("unlink", "/a"), ("read_file", "/b")])


@pytest.mark.parametrize("options", [OFF, INDEX, ALL], ids=str)
def test_inode_numbers_stay_across_copy_up_and_rename(backends, options) -> None:
    ops: list[tuple] = [
        ("chmod", "/c", 0o600),
        ("write_file", "/d/g", b"new"),
        ("mkdir", "/new"),
        ("mkdir", "/new/deeper"),
        ("write_file", "/new/f", b"q"),
        ("rename", "/new/f", "/x/f"),
        ("link", "/x/f", "/x/f2"),
        ("symlink", "/x/f", "/x/s"),
    ]
    compare(backends, options, ops)


@pytest.mark.parametrize("xino", ["on", "auto"])
def test_xino_changes_nothing_with_every_layer_on_one_file_system(backends, xino) -> None:
    """The kernel: '"xino=on" is useless with all layers on same fs, ignore.'"""
    ops = [("chown", "/a", 5, 5), ("chmod", "/c", 0o600), ("mkdir", "/new")]
    plain = compare(backends, OFF, ops)
    with_xino = compare(backends, OverlayOptions(xino=xino), ops)
    assert plain["inodes"][1] == with_xino["inodes"][1]


# -- what the RUN shell shows: ls -i, find -inum, stat %i %h, with real busybox on the other side -----
SHELL_SCRIPT = (
    "i=$(stat -c %i /app/a.txt); ln /app/a.txt /app/a2; find /app -inum $i | sort; "
    "stat -c '%h %n' /app/a.txt /app/a2 /app/b.txt /app; "
    "chmod 600 /app/b.txt; set -- $(ls -i /app/b.txt); [ $1 = $(stat -c %i /app/b.txt) ] && echo ls-i; "
    "set -- $(ls -li /app/a2); echo links $3; find /app -links +1 -type f | sort; "
    "mkdir /app/new; stat -c '%h' /app /app/new"
)


@pytest.mark.parametrize("options", [OFF, INDEX, ALL], ids=str)
def test_the_shell_shows_the_kernels_inode_relations(state_dir: str, options: OverlayOptions) -> None:
    from simulator.sh.run import run_script
    from tests.backends.test_shell_parity import ENV, busybox_image, dev_null

    if shutil.which("unshare") is None or not os.path.exists("/usr/bin/busybox"):
        pytest.skip("needs unshare and a static busybox at /usr/bin/busybox")
    found = availability(state_dir)
    if not found.ok or found.method != "kernel":
        pytest.skip(f"the kernel's overlayfs is needed: {found.reason or found.method}")
    image = busybox_image()
    model = Container(image, overlay_options=options)
    simulated = run_script(model, SHELL_SCRIPT, env=ENV)
    with (
        OverlayBackend.create(state_dir, overlay_options=options) as backend,
        backend.new_container(image) as real,
        dev_null(real.merged_dir + "/dev/null"),
    ):
        real.start()
        done = real.run_program(["/bin/sh", "-c", SHELL_SCRIPT], env=ENV)
    assert (simulated.exit_code, simulated.stderr) == (done.returncode, done.stderr.decode())
    assert simulated.stdout == done.stdout.decode()
    assert "/app/a.txt\n/app/a2\n" in simulated.stdout and "ls-i" in simulated.stdout


def test_metacopy_rename_and_link_copy_metadata_only(backends) -> None:
    result = compare(
        backends, METACOPY, [("rename", "/d/g", "/x/g"), ("link", "/c", "/x/c2"), ("read_file", "/x/c2")]
    )
    assert result["metacopy"][1] == {"/x/g", "/c"}


# -- Docker's own mounts on this machine: the defaults are what dockerd passes -----------------------
def test_dockerd_mounts_overlay_with_the_default_options(request: pytest.FixtureRequest) -> None:
    """A private dockerd (tests/realtools' helper) runs a container; its overlay line in
    /proc/mounts has index=off and neither redirect_dir nor metacopy on, the options
    ``OverlayOptions()`` mounts with; and with no redirects its native differ is in use."""
    from tests.realtools.test_docker import _docker

    env = request.getfixturevalue("docker")
    info = _docker(env, "info")
    assert "Native Overlay Diff: true" in info  # doesSupportNativeDiff: no redirect_dir here
    _docker(env, "run", "-d", "--network", "none", "--name", "ll-mounts", "bb:1", "sleep", "30")
    try:
        merged = _docker(env, "inspect", "-f", "{{.GraphDriver.Data.MergedDir}}", "ll-mounts").strip()
        with open("/proc/self/mounts") as f:
            (line,) = [line for line in f if line.split()[1] == merged]
        options = dict(o.partition("=")[::2] for o in line.split()[3].split(","))
    finally:
        _docker(env, "rm", "-f", "ll-mounts")
    assert options.get("index") in (None, "off")
    assert options.get("redirect_dir", "off") == "off" and options.get("metacopy", "off") == "off"
    assert options.get("xino", "off") == OverlayOptions().xino


# -- generated scenarios, as test_parity.py, with the options on ------------------------------------
@pytest.mark.parametrize("options", [REDIRECT, INDEX, ALL], ids=str)
def test_generated_scenarios_agree_with_the_options_on(backends, options: OverlayOptions) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as s

    from tests.backends.test_parity import images, ops, replay_and_compare, scenario_text

    examples = int(os.environ.get("LAYERLAB_PARITY_EXAMPLES", "150")) // 3

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(image=images(), sequence=s.lists(ops(), min_size=1, max_size=8))
    def agree(image: Image, sequence: list[tuple]) -> None:  # type: ignore[type-arg]
        model = Container(image, overlay_options=options)
        with backends[options].new_container(image) as real:
            replay_and_compare(model, real, image, sequence)
            assert inode_relations(model) == inode_relations(real), scenario_text(image, sequence)
            assert dict(model.fs.redirects()) == dict(real.fs.redirects())  # type: ignore[attr-defined]

    agree()
