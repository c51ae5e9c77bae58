"""apt-mark, gpg, update-ca-certificates, gosu, tini (and apk --virtual / apt autoremove) as the
official images' Dockerfiles use them; messages from apt 2.6.1 (Debian 12) and gosu 1.14."""

from __future__ import annotations

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script

ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}


def sh(c: Container, script: str, env: dict[str, str] | None = None):
    return run_script(c, script, env={**ENV, **(env or {})})


@pytest.fixture
def debian() -> Container:
    c = Container(library.get("debian:12"))
    assert sh(c, "apt-get update -qq").exit_code == 0
    return c


def test_apt_mark_marks_and_lists(debian: Container) -> None:
    assert sh(debian, "apt-get install -y -qq --no-install-recommends curl").exit_code == 0
    result = sh(debian, "apt-mark showmanual")
    assert "curl\n" in result.stdout and "libcurl4\n" not in result.stdout
    assert "libcurl4\n" in sh(debian, "apt-mark showauto").stdout
    result = sh(debian, "apt-mark auto curl")
    assert result.exit_code == 0 and result.stdout == "curl set to automatically installed.\n"
    assert (
        "Package: curl\nArchitecture: amd64\nAuto-Installed: 1\n"
        in debian.read_file("/var/lib/apt/extended_states").decode()
    )
    assert sh(debian, "apt-mark auto curl").stdout == "curl was already set to automatically installed.\n"
    assert sh(debian, "apt-mark manual curl").stdout == "curl set to manually installed.\n"


def test_apt_mark_errors(debian: Container) -> None:
    result = sh(debian, "apt-mark auto nosuchpkg")
    assert (
        result.exit_code == 100
        and result.stderr == "E: Unable to locate package nosuchpkg\nE: No packages found\n"
    )
    result = sh(debian, "apt-mark frob")
    assert result.exit_code == 100 and result.stderr == "E: Invalid operation frob\n"


def test_apt_mark_hold(debian: Container) -> None:
    assert sh(debian, "apt-mark hold bash").stdout == "bash set on hold.\n"
    assert sh(debian, "apt-mark showhold").stdout == "bash\n"
    assert sh(debian, "apt-mark unhold bash").stdout == "Canceled hold on bash.\n"


def test_official_images_save_marks_then_purge_auto_remove(debian: Container) -> None:
    """The python/node images' pattern: build deps marked auto, then purged with --auto-remove."""
    script = (
        'savedAptMark="$(apt-mark showmanual)"; '
        "apt-get install -y -qq --no-install-recommends jq; "
        "apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark > /dev/null; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false"
    )
    result = sh(debian, script)
    assert result.exit_code == 0, result.output
    assert (
        not debian.exists("/usr/bin/jq") and "libjq1" not in debian.read_file("/var/lib/dpkg/status").decode()
    )
    assert debian.exists("/bin/bash")  # the base image's packages stay (manual)
    assert "APT::AutoRemove" not in result.output


def test_gpg_model(debian: Container) -> None:
    debian.makedirs("/tmp")
    debian.write_file("/tmp/python.tar.xz", b"x" * 100)
    debian.write_file("/tmp/python.tar.xz.asc", b"sig")
    debian.makedirs("/usr/bin")
    debian.write_file("/usr/bin/gpg", b"\x7fELF", 0o755)
    debian.write_file("/usr/bin/gpgconf", b"\x7fELF", 0o755)
    script = (
        'export GNUPGHOME="/tmp/gnupg"; '
        "gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys A035C8C19219BA821ECEA86B64E628F8D684696D; "
        "gpg --batch --verify /tmp/python.tar.xz.asc /tmp/python.tar.xz; gpgconf --kill all"
    )
    result = sh(debian, script)
    assert result.exit_code == 0, result.output
    assert debian.exists("/tmp/gnupg/pubring.kbx")
    assert "gpg: Good signature" in result.stderr and "layerlab: signatures are not checked" in result.stderr
    result = sh(debian, "gpg --batch --verify /tmp/nosuch.asc /tmp/python.tar.xz")
    assert (
        result.exit_code == 2
        and "gpg: can't open '/tmp/nosuch.asc': No such file or directory" in result.stderr
    )


def test_update_ca_certificates(debian: Container) -> None:
    debian.makedirs("/usr/sbin")
    debian.write_file("/usr/sbin/update-ca-certificates", b"#!/bin/sh\n", 0o755)
    debian.makedirs("/usr/local/share/ca-certificates")
    debian.write_file(
        "/usr/local/share/ca-certificates/corp.crt",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    result = sh(debian, "update-ca-certificates")
    assert result.stdout == (
        "Updating certificates in /etc/ssl/certs...\n1 added, 0 removed; done.\n"
        "Running hooks in /etc/ca-certificates/update.d...\ndone.\n"
    )
    assert debian.readlink("/etc/ssl/certs/corp.pem") == "/usr/local/share/ca-certificates/corp.crt"
    assert b"MIIB" in debian.read_file("/etc/ssl/certs/ca-certificates.crt")


def test_tini_and_gosu_install_with_real_sizes_and_gosu_switches_user(debian: Container) -> None:
    result = sh(debian, "apt-get install -y -qq --no-install-recommends tini gosu && useradd -m app")
    assert result.exit_code == 0, result.output
    assert debian.stat("/usr/sbin/gosu").size == 2_225_848  # bookworm's gosu 1.14-1+b10
    assert debian.stat("/usr/bin/tini").size == 27_792  # bookworm's tini 0.19.0-1+b3
    result = sh(debian, "gosu app id -u && gosu app touch /home/app/made && tini -- echo hi")
    assert result.exit_code == 0, result.output
    uid = int(result.stdout.splitlines()[0])
    assert uid == 1000 and debian.stat("/home/app/made").uid == 1000
    assert result.stdout.splitlines()[1] == "hi"
    result = sh(debian, "gosu nobody-here id")
    assert result.exit_code == 1 and 'failed switching to "nobody-here"' in result.stderr


def test_apk_del_virtual_removes_what_it_pulled() -> None:
    c = Container(library.get("alpine:3.20"))
    before = set(c.read_file("/lib/apk/db/installed").decode().split("\n"))
    result = sh(c, "apk add --no-cache --virtual .build-deps gcc make && apk del .build-deps")
    assert result.exit_code == 0, result.output
    assert not c.exists("/usr/bin/gcc") and not c.exists("/usr/bin/make")
    after = c.read_file("/lib/apk/db/installed").decode()
    assert "P:.build-deps" not in after and "P:gcc\n" not in after
    assert {line for line in after.split("\n") if line.startswith("P:")} == {
        line for line in before if line.startswith("P:")
    }
