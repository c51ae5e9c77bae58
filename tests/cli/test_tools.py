"""``lab``, ``cleanup``, ``diagram``, the progress bar, where the store is, and persistence."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from simulator.cli import default_root
from simulator.cli.lab import checkout_lessons, working_copies
from simulator.cli.progress import Progress
from simulator.engine import Engine
from simulator.oci import write_layout

from ._helpers import cli, layerlab


def test_default_root_follows_the_xdg_spec() -> None:
    assert default_root({"LAYERLAB_ROOT": "/r", "XDG_DATA_HOME": "/x"}) == Path("/r")
    assert default_root({"XDG_DATA_HOME": "/x", "HOME": "/h"}) == Path("/x/layerlab")
    # unset, empty or relative XDG_DATA_HOME: $HOME/.local/share
    assert default_root({"HOME": "/h"}) == Path("/h/.local/share/layerlab")
    assert default_root({"XDG_DATA_HOME": "", "HOME": "/h"}) == Path("/h/.local/share/layerlab")
    assert default_root({"XDG_DATA_HOME": "rel", "HOME": "/h"}) == Path("/h/.local/share/layerlab")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only() -> None:
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        with Progress("Loading", total=4, stream=stream, interval=0) as bar:
            bar.advance(2)
    assert pipe.getvalue() == ""
    assert "Loading [" + "=" * 14 + ">" + " " * 15 + "] 2/4" in tty.getvalue()  # half of 30
    assert tty.getvalue().endswith("4/4\n")  # finished: full, then a newline


def test_progress_in_bytes() -> None:
    bar = Progress("Saving", total=2_000_000, unit="bytes", stream=io.StringIO())
    bar.advance(1_000_000)
    assert bar.line().endswith("1MB/2MB")


def test_lab_working_copies_keep_a_students_changes(tmp_path: Path) -> None:
    lessons = checkout_lessons()
    assert lessons is not None
    work = tmp_path / "work"
    made = working_copies(lessons, work)
    assert sorted(p.name for p in made) == sorted(p.name for p in lessons.glob("*.ipynb"))
    assert 'formats = "ipynb"' in (work / "jupytext.toml").read_text()  # no pairing with the sources
    first = made[0]
    first.write_text("{}", encoding="utf-8")
    assert working_copies(lessons, work) == []
    assert first.read_text() == "{}"
    assert first in working_copies(lessons, work, reset=True)
    assert first.read_text() != "{}"


def test_lab_prepare_only_as_typed(tmp_path: Path) -> None:
    r = layerlab("lab", "--prepare-only", "--work", str(tmp_path / "w"))
    assert r.status == 0, r.err
    assert r.out == f"{tmp_path / 'w'}\n"
    assert any((tmp_path / "w").glob("*.ipynb"))


def test_lab_without_lessons(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no lessons"):
        working_copies(tmp_path, tmp_path / "w")


def test_cleanup_with_nothing_to_clean(tmp_path: Path) -> None:
    r = cli("cleanup", "--state-dir", str(tmp_path))
    assert (r.status, r.out) == (0, f"nothing to clean under {tmp_path}\n")


@pytest.mark.render
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_diagram_of_an_archive_and_of_a_library_image(tmp_path: Path) -> None:
    e = Engine()
    image = e.images.pull("busybox:latest")
    write_layout(image, tmp_path / "bb.tar", ["busybox:latest"], format="docker")
    r = layerlab("diagram", str(tmp_path / "bb.tar"), "-o", str(tmp_path / "bb.svg"))
    assert r.status == 0, r.err
    assert (tmp_path / "bb.svg").read_bytes().lstrip().startswith((b"<?xml", b"<svg"))
    r = cli("diagram", "busybox:latest", "-o", str(tmp_path / "lib.png"), engine=e)
    assert r.status == 0 and (tmp_path / "lib.png").read_bytes().startswith(b"\x89PNG")


def test_diagram_refuses_an_unknown_format(tmp_path: Path) -> None:
    r = cli("diagram", "busybox:latest", "-o", str(tmp_path / "x.gif"), engine=Engine())
    assert r.status == 1 and ".svg, .png, .pdf" in r.err


# -- across invocations: these run once the store on disk (issue 16 part 1) is merged ----------


def test_build_then_images_then_history(tmp_path: Path) -> None:
    root = tmp_path / "store"
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "Dockerfile").write_text(
        "FROM busybox:latest\nRUN echo hi > /hello\n", encoding="utf-8"
    )
    r = layerlab("build", "-q", "-t", "web:1", str(tmp_path / "ctx"), root=root)
    assert r.status == 0, r.err
    image_id = r.out.strip()
    r = layerlab("images", "--no-trunc", "-q", "web:1", root=root)
    assert r.out.strip() == image_id
    r = layerlab("history", "--format", "{{.CreatedBy}}", "web:1", root=root)
    assert r.out.splitlines()[0] == "RUN /bin/sh -c echo hi > /hello # buildkit"


def test_run_then_ps_then_diff_then_rm(tmp_path: Path) -> None:
    root = tmp_path / "store"
    assert layerlab("run", "--name", "c1", "busybox:latest", "touch", "/x", root=root).status == 0
    r = layerlab("ps", "-a", "--format", "{{.Names}} {{.State}}", root=root)
    assert r.out == "c1 exited\n"
    assert layerlab("diff", "c1", root=root).out == "A /x\n"
    assert layerlab("rm", "c1", root=root).out == "c1\n"
    assert layerlab("ps", "-aq", root=root).out == ""


def test_save_then_load_in_another_store(tmp_path: Path) -> None:
    assert layerlab("pull", "alpine:3.20", root=tmp_path / "a").status == 0
    archive = tmp_path / "alpine.tar"
    assert layerlab("save", "-o", str(archive), "alpine:3.20", root=tmp_path / "a").status == 0
    r = layerlab("load", "-i", str(archive), root=tmp_path / "b")
    assert r.out == "Loaded image: alpine:3.20\n"
