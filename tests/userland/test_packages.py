"""apt-get, apk and pip over the built-in catalogue, run on containers of the library images."""

from __future__ import annotations

import pytest

from simulator.distro import library
from simulator.distro.catalogue import catalogue
from simulator.model.container import Container
from simulator.userland import packages
from simulator.userland.registry import COMMANDS, ExecContext


def run(fs: Container, *argv: str) -> tuple[int, str, str]:
    ctx = ExecContext(fs=fs)
    code = COMMANDS[argv[0]](ctx, list(argv))
    return code, ctx.stdout.decode(), ctx.stderr.decode()


@pytest.fixture
def debian() -> Container:
    return Container(library.get("debian:12"))


def test_commands_registered() -> None:
    for name in ("apt-get", "apt", "apk", "pip", "pip3", "dpkg"):
        assert name in COMMANDS


def test_catalogue_contents() -> None:
    cat = catalogue()
    for name in ("curl", "wget", "git", "ca-certificates", "python3", "python3-pip", "gcc", "g++", "make",
                 "build-essential", "libc6-dev", "nginx", "vim", "openssl", "libssl3", "openssh-client", "unzip",
                 "jq", "locales", "gnupg"):  # fmt: skip
        assert name in cat["apt"]["packages"], name
    assert "tzdata" in cat["apt"]["base"]
    for name in (
        "curl",
        "git",
        "python3",
        "py3-pip",
        "build-base",
        "gcc",
        "musl-dev",
        "nginx",
        "bash",
        "ca-certificates",
    ):
        assert name in cat["apk"]["packages"], name
    for name in ("requests", "flask", "numpy", "django", "gunicorn", "urllib3", "certifi", "idna", "charset-normalizer",
                 "werkzeug", "jinja2", "click", "itsdangerous", "markupsafe", "blinker"):  # fmt: skip
        assert name in cat["pip"]["packages"], name


def test_install_without_update_fails_like_debian(debian: Container) -> None:
    code, out, err = run(debian, "apt-get", "install", "-y", "curl")
    assert code == 100
    assert err == "E: Unable to locate package curl\n"
    assert out.startswith("Reading package lists...")
    assert debian.upper_entries == {}


def test_update_then_install(debian: Container) -> None:
    assert run(debian, "apt-get", "update")[0] == 0
    lists = debian.listdir("/var/lib/apt/lists")
    assert any(n.endswith("_Packages.lz4") for n in lists)
    assert 17e6 < debian.size_rw < 23e6  # a real 'apt-get update' layer on debian:12 is ~20 MB
    code, out, _ = run(debian, "apt-get", "install", "-y", "curl")
    assert code == 0
    assert "The following NEW packages will be installed:" in out
    assert "Setting up curl (7.88.1-10+deb12u" in out
    assert debian.stat("/usr/bin/curl").size > 100_000
    status = debian.read_file("/var/lib/dpkg/status").decode()
    assert "Package: curl\nStatus: install ok installed" in status
    assert "Package: libcurl4" in status
    # docker-clean removed the downloaded archives
    assert not [n for n in debian.listdir("/var/cache/apt/archives") if n.endswith(".deb")]
    code, out, _ = run(debian, "apt-get", "install", "-y", "curl")
    assert code == 0 and "curl is already the newest version" in out


def test_no_install_recommends_installs_less() -> None:
    a, b = Container(library.get("debian:12")), Container(library.get("debian:12"))
    for c in (a, b):
        run(c, "apt-get", "update")
    run(a, "apt-get", "install", "-y", "curl")
    run(b, "apt-get", "install", "-y", "--no-install-recommends", "curl")
    assert b.size_rw < a.size_rw
    assert not b.exists("/usr/bin/openssl") and a.exists("/usr/bin/openssl")


def test_without_y_apt_aborts(debian: Container) -> None:
    run(debian, "apt-get", "update")
    code, out, _ = run(debian, "apt-get", "install", "git")
    assert code == 1 and out.endswith("Do you want to continue? [Y/n] Abort.\n")


def test_rm_lists_in_same_container_removes_them(debian: Container) -> None:
    run(debian, "apt-get", "update")
    run(debian, "apt-get", "clean")
    for name in debian.listdir("/var/lib/apt/lists"):
        if name not in ("lock", "partial"):
            debian.unlink(f"/var/lib/apt/lists/{name}")
    assert debian.size_rw == 0


def test_rm_lists_in_a_later_layer_does_not_shrink_the_image(debian: Container) -> None:
    run(debian, "apt-get", "update")
    layer = debian.upper
    image = library.get("debian:12").with_layer(layer, library.get("debian:12").history[0])
    later = Container(image)
    for name in later.listdir("/var/lib/apt/lists"):
        if name not in ("lock", "partial"):
            later.unlink(f"/var/lib/apt/lists/{name}")
    assert later.size_rw == 0  # only whiteouts
    assert image.size - library.get("debian:12").size > 17e6


def test_without_docker_clean_debs_stay_until_clean(debian: Container) -> None:
    debian.unlink("/etc/apt/apt.conf.d/docker-clean")
    run(debian, "apt-get", "update")
    assert debian.exists("/var/cache/apt/pkgcache.bin")
    run(debian, "apt-get", "install", "-y", "curl")
    debs = [n for n in debian.listdir("/var/cache/apt/archives") if n.endswith(".deb")]
    assert "curl_7.88.1-10+deb12u14_amd64.deb" in debs
    run(debian, "apt-get", "clean")
    assert not [n for n in debian.listdir("/var/cache/apt/archives") if n.endswith(".deb")]
    assert not debian.exists("/var/cache/apt/pkgcache.bin")


def test_slim_skips_docs() -> None:
    slim = Container(library.get("debian:12-slim"))
    run(slim, "apt-get", "update")
    run(slim, "apt-get", "install", "-y", "curl")
    assert slim.exists("/usr/bin/curl")
    assert slim.exists("/usr/share/doc/curl/copyright")
    assert not slim.exists("/usr/share/man/man1/curl.1.gz")


def test_apt_remove_and_dpkg_list(debian: Container) -> None:
    run(debian, "apt-get", "update")
    run(debian, "apt-get", "install", "-y", "jq")
    assert "ii  jq" in run(debian, "dpkg", "-l")[1]
    assert run(debian, "apt-get", "remove", "-y", "jq")[0] == 0
    assert not debian.exists("/usr/bin/jq")
    assert "Package: jq\n" not in debian.read_file("/var/lib/dpkg/status").decode()


def test_apk_no_cache_leaves_no_index() -> None:
    c = Container(library.get("alpine:3.20"))
    code, out, _ = run(c, "apk", "add", "--no-cache", "curl")
    assert code == 0
    assert "(1/10) Installing" in out and out.endswith("in 24 packages\n")
    assert c.exists("/usr/bin/curl")
    assert not [n for n in c.listdir("/var/cache/apk") if n.startswith("APKINDEX")]
    assert "P:curl" in c.read_file("/lib/apk/db/installed").decode()
    assert "curl" in c.read_file("/etc/apk/world").decode().split()


def test_apk_with_cache_keeps_index() -> None:
    c = Container(library.get("alpine:3.20"))
    run(c, "apk", "add", "git")
    assert [n for n in c.listdir("/var/cache/apk") if n.startswith("APKINDEX")]
    code, _out, _ = run(c, "apk", "del", "git")
    assert code == 0 and not c.exists("/usr/bin/git")


def test_apk_unknown_package() -> None:
    code, _, err = run(Container(library.get("alpine")), "apk", "add", "--no-cache", "nosuch")
    assert code == 1 and "nosuch (no such package)" in err


def test_pip_writes_site_packages_and_cache() -> None:
    c = Container(library.get("python:3.12-slim"))
    code, out, _ = run(c, "pip", "install", "requests")
    assert code == 0 and "Successfully installed" in out and "requests-2.34.2" in out
    site = "/usr/local/lib/python3.12/site-packages"
    assert c.exists(f"{site}/requests/__init__.py") and c.exists(f"{site}/urllib3/__init__.py")
    assert c.exists(f"{site}/requests-2.34.2.dist-info/METADATA")
    assert c.exists("/root/.cache/pip")
    code, out, _ = run(c, "pip", "install", "requests")
    assert "Requirement already satisfied: requests" in out


def test_pip_no_cache_dir_and_python_m_pip() -> None:
    c = Container(library.get("python:3.11-slim"))
    ctx = ExecContext(fs=c)
    code = packages.python_m_pip(ctx, ["python3", "-m", "pip", "install", "--no-cache-dir", "flask"])
    assert code == 0
    assert c.exists("/usr/local/lib/python3.11/site-packages/flask/app.py")
    assert not c.exists("/root/.cache/pip")


def test_pip_requirements_file() -> None:
    c = Container(library.get("python:3.12-slim"))
    c.write_file("/requirements.txt", "gunicorn==23.0.0\n# a comment\nclick\n")
    code, out, _ = run(c, "pip", "install", "-r", "/requirements.txt")
    assert code == 0 and "gunicorn-23.0.0" in out and "click-8.5.1" in out


def test_pip_on_debian_python_is_externally_managed(debian: Container) -> None:
    run(debian, "apt-get", "update")
    run(debian, "apt-get", "install", "-y", "--no-install-recommends", "python3")
    code, _, err = run(debian, "pip", "install", "requests")
    assert code == 1 and "externally-managed-environment" in err


def test_apt_install_update_and_dist_clean_follow_the_apt_version() -> None:
    # apt 3.0 (trixie): "install --update" runs update first, "dist-clean" also deletes the lists
    # (official httpd:2.4 Dockerfile); apt 2.6 (bookworm) knows neither (apt-get(8) per version)
    trixie = Container(library.get("debian:trixie-slim"))
    assert run(trixie, "apt-get", "install", "--update", "-y", "ca-certificates")[0] == 0
    assert "ii  ca-certificates" in run(trixie, "dpkg", "-l")[1]
    assert run(trixie, "apt-get", "dist-clean")[0] == 0
    assert not [n for n in trixie.listdir("/var/lib/apt/lists") if n.endswith(("Packages", ".lz4"))]
    bookworm = Container(library.get("debian:bookworm-slim"))
    status, _out, err = run(bookworm, "apt-get", "install", "--update", "-y", "ca-certificates")
    assert status == 100
    assert err == "E: Command line option --update is not understood in combination with the other options\n"
    assert run(bookworm, "apt-get", "dist-clean") == (100, "", "E: Invalid operation dist-clean\n")


def test_apk_print_arch() -> None:
    alpine = Container(library.get("alpine:3.22"))
    assert run(alpine, "apk", "--print-arch") == (0, "x86_64\n", "")


def test_apk_virtual_package_counts_as_one_more() -> None:
    # apk-tools 2.14 (nginx's alpine-slim Dockerfile): the virtual package is the last of the
    # numbered installs, and it is one of the packages of the final "OK:" line
    c = Container(library.get("alpine:3.20"))
    code, out, _ = run(c, "apk", "add", "--no-cache", "--virtual", ".checksum-deps", "openssl")
    assert code == 0
    assert "(1/2) Installing openssl (3.3.2-r0)\n(2/2) Installing .checksum-deps (" in out
    assert out.endswith(" in 16 packages\n")  # alpine:3.20's 14, openssl and .checksum-deps
    assert c.exists("/usr/bin/openssl")


def test_apk_tzdata_linux_headers_and_the_arch_file() -> None:
    c = Container(library.get("alpine:3.20"))
    assert run(c, "cat", "/etc/apk/arch")[1] == "x86_64\n"  # what `apkArch="$(cat /etc/apk/arch)"` reads
    code, out, _ = run(c, "apk", "add", "--no-cache", "tzdata", "linux-headers")
    assert code == 0 and "Installing tzdata (2024b-r0)" in out
    assert c.exists("/usr/share/zoneinfo/UTC") and c.exists("/usr/include/linux/seccomp.h")
    assert "P:tzdata" in c.read_file("/lib/apk/db/installed").decode()


def test_apk_gnupg_as_a_virtual_package_comes_and_goes() -> None:
    # redis' alpine Dockerfile: apk add --no-cache --virtual .gosu-fetch gnupg ... apk del --no-network .gosu-fetch
    c = Container(library.get("alpine:3.20"))
    code, out, _ = run(c, "apk", "add", "--no-cache", "--virtual", ".gosu-fetch", "gnupg")
    assert code == 0 and "Installing gnupg (2.4.5-r0)" in out and "Installing libgcrypt (" in out
    assert c.exists("/usr/bin/gpg") and c.exists("/usr/bin/gpg-agent") and c.exists("/usr/bin/dirmngr")
    code, _, _ = run(c, "apk", "del", "--no-network", ".gosu-fetch")
    assert code == 0
    assert not c.exists("/usr/bin/gpg") and not c.exists("/usr/lib/libgcrypt.so.20.4.3")
    assert c.exists("/usr/lib/libcrypto.so.3")  # alpine's own packages stay
