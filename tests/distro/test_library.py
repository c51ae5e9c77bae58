"""The built-in base images: tags, layer counts, sizes, key files, shared layers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from simulator.distro import library
from simulator.model.entries import Kind

ALL = ["scratch", "busybox", "alpine:3.20", "debian:12", "debian:12-slim", "ubuntu:24.04",
       "python:3.12-slim", "python:3.11-slim", "node:20-slim", "nginx:1.27"]  # fmt: skip

LAYERS = {"scratch": 0, "busybox": 1, "alpine:3.20": 1, "debian:12": 1, "debian:12-slim": 1, "ubuntu:24.04": 1,
          "python:3.12-slim": 4, "python:3.11-slim": 4, "node:20-slim": 5, "nginx:1.27": 7}  # fmt: skip


def test_names_and_has() -> None:
    names = library.names()
    for ref in ("busybox:latest", "busybox:1.36", "alpine:3.20", "alpine:latest", "debian:12", "debian:bookworm",
                "debian:12-slim", "debian:bookworm-slim", "ubuntu:24.04", "ubuntu:latest", "python:3.12-slim",
                "python:3.11-slim", "node:20-slim", "nginx:1.27", "nginx:latest", "scratch"):  # fmt: skip
        assert ref in names
        assert library.has(ref)
    assert library.has("nginx") and library.has("docker.io/library/alpine:3.20")
    assert not library.has("debian:sid")
    with pytest.raises(KeyError, match="library images: "):
        library.get("debian:sid")


def test_get_is_cached_and_aliases_share_the_object() -> None:
    assert library.get("debian:12") is library.get("debian:bookworm")
    assert library.get("nginx") is library.get("nginx:1.27")


@pytest.mark.parametrize("ref", ALL)
def test_layer_count_history_and_documented_size(ref: str) -> None:
    image = library.get(ref)
    assert len(image.layers) == LAYERS[ref]
    assert sum(not h.empty_layer for h in image.history) == len(image.layers)
    documented = library.image_info(ref)["size_mb"] * 1e6
    assert abs(image.size - documented) <= 0.15 * documented + 1, (image.size, documented)


def test_scratch_is_empty() -> None:
    image = library.get("scratch")
    assert image.layers == () and image.size == 0


def test_slim_layer_shared_by_python_node_nginx() -> None:
    slim = library.get("debian:12-slim")
    for ref in ("python:3.12-slim", "python:3.11-slim", "node:20-slim", "nginx:1.27"):
        image = library.get(ref)
        assert image.layers[0] is slim.layers[0]
        assert image.chain_ids[0] == slim.chain_ids[0]
    assert library.get("python:3.12-slim").layers[1] is library.get("python:3.11-slim").layers[1]
    assert library.get("debian:12").layers[0].diff_id != slim.layers[0].diff_id


def test_os_release_texts() -> None:
    assert (
        library.get("debian:12")
        .read_file("/etc/os-release")
        .startswith(b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
    )
    assert b"VERSION_CODENAME=bookworm" in library.get("debian:12-slim").read_file("/etc/os-release")
    assert library.get("alpine").read_file("/etc/alpine-release") == b"3.20.3\n"
    assert b'PRETTY_NAME="Alpine Linux v3.20"' in library.get("alpine").read_file("/etc/os-release")
    ubuntu = library.get("ubuntu:24.04").read_file("/etc/os-release")
    assert b"VERSION_CODENAME=noble" in ubuntu and b"ID=ubuntu" in ubuntu
    assert library.get("debian:12").read_file("/etc/debian_version").startswith(b"12.")


def test_debian_layout() -> None:
    image = library.get("debian:12-slim")
    view = image.view
    assert view.lookup("/bin").kind is Kind.SYMLINK and view.lookup("/bin").target == "usr/bin"
    assert view.lookup("/usr/bin/sh").target == "dash"
    for path in ("/usr/bin/ls", "/usr/bin/cp", "/usr/bin/bash", "/usr/bin/apt-get", "/usr/bin/dpkg"):
        assert view.lookup(path).kind is Kind.FILE, path
    assert view.lookup("/tmp").mode == 0o1777 and view.lookup("/root").mode == 0o700
    passwd = image.read_file("/etc/passwd").decode()
    for user in ("root:x:0:0", "daemon:", "bin:", "sys:", "_apt:x:42:", "nobody:x:65534:"):
        assert user in passwd
    status = image.read_file("/var/lib/dpkg/status").decode()
    assert status.count("Package: ") == 88 and "Package: coreutils" in status
    assert image.read_file("/etc/apt/apt.conf.d/docker-clean").count(b"Post-Invoke") == 2
    assert b"path-exclude /usr/share/doc/*" in image.read_file("/etc/dpkg/dpkg.cfg.d/docker")
    assert image.listdir("/var/lib/apt/lists") == ["lock", "partial"]
    assert "ubuntu:x:1000:1000" in library.get("ubuntu:24.04").read_file("/etc/passwd").decode()
    assert library.get("debian:12").view.lookup("/usr/share/man") is not None
    assert view.lookup("/usr/share/man/man1") is None


def test_alpine_layout() -> None:
    image = library.get("alpine")
    view = image.view
    assert view.lookup("/bin/busybox").kind is Kind.FILE
    assert view.lookup("/bin/sh").target == "/bin/busybox"
    assert view.lookup("/sbin/apk").kind is Kind.FILE
    assert image.read_file("/lib/apk/db/installed").decode().count("\nP:") + 1 == 14


def test_config_and_history() -> None:
    nginx = library.get("nginx:1.27").config
    assert nginx.entrypoint == ("/docker-entrypoint.sh",) and nginx.cmd == ("nginx", "-g", "daemon off;")
    assert nginx.exposed_ports == ("80/tcp",) and nginx.stop_signal == "SIGQUIT"
    py = library.get("python:3.12-slim")
    env = py.config.env_dict()
    assert (
        env["LANG"] == "C.UTF-8"
        and env["PYTHON_VERSION"].startswith("3.12.")
        and py.config.cmd == ("python3",)
    )
    assert py.history[0].created_by.startswith("# debian.sh --arch 'amd64' out/ 'bookworm'")
    assert library.get("debian:12").config.cmd == ("bash",)
    alpine = library.get("alpine").history
    assert alpine[0].created_by.startswith("/bin/sh -c #(nop) ADD file:") and alpine[1].empty_layer


def test_synthetic_content_matches_digest() -> None:
    entry = library.get("alpine").view.lookup("/usr/lib/libcrypto.so.3")
    data = entry.read()
    assert len(data) == entry.size
    import hashlib

    assert "sha256:" + hashlib.sha256(data).hexdigest() == entry.digest


def test_image_id_is_a_digest() -> None:
    # how fast the library loads is measured by benchmarks/bench_library.py, not timed here
    assert library.get("python:3.12-slim").id.startswith("sha256:")


HARNESS = Path(__file__).resolve().parents[1] / "realtools" / "harness.py"


@pytest.mark.skipif(not HARNESS.exists(), reason="tests/realtools/harness.py is not there")
def test_busybox_matches_the_realtools_harness(tmp_path: Path) -> None:
    spec_ = importlib.util.spec_from_file_location("_layerlab_harness", HARNESS)
    assert spec_ is not None and spec_.loader is not None
    harness = importlib.util.module_from_spec(spec_)
    sys.modules["_layerlab_harness"] = harness
    spec_.loader.exec_module(harness)
    fake = tmp_path / "busybox"
    fake.write_bytes(b"\0" * 1982256)  # the harness reads the binary; its bytes do not matter here
    spec = harness.busybox_rootfs_spec(str(fake))
    image = library.get("busybox")
    entries = image.layers[0].entries
    for item in spec:
        entry = entries[item.path]
        assert entry.kind.value == item.kind, item.path
        assert (entry.mode, entry.uid, entry.gid) == (item.mode, item.uid, item.gid), item.path
        if item.kind == "symlink":
            assert entry.target == item.content
        elif item.kind == "file" and item.path != "/bin/busybox":
            assert entry.read() == item.content
    assert entries["/bin/busybox"].size == 1982256
    # the library adds only /bin applet symlinks the RUN shell implements
    extra = set(entries) - {item.path for item in spec}
    assert all(
        entries[p].kind is Kind.SYMLINK and entries[p].target == "busybox" and p.startswith("/bin/")
        for p in extra
    )
    assert (
        image.config.env == tuple(harness.BUSYBOX_CONFIG["Env"])
        and list(image.config.cmd) == harness.BUSYBOX_CONFIG["Cmd"]
    )
    assert [(h.created_by, h.empty_layer) for h in image.history] == list(harness.BUSYBOX_HISTORY)
