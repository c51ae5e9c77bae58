"""Open files in the model: ``container.open`` with overlayfs' copy-up at open and the kernel's flags.

Every rule here is also checked against the kernel: the flag and path rules by
tests/model/test_path_rules_kernel.py (a chroot on the host), copy-ups and held descriptors by
tests/backends/test_parity.py and test_disagreements.py (a real overlay mount).
"""

from __future__ import annotations

import errno
import os

import pytest

from simulator.errors import ContainerStateError, InvalidArgument
from simulator.model import Container, Entry, Image, Kind, Layer


def container() -> Container:
    return Container(
        Image.of(
            [
                Layer.of(
                    {
                        "/etc": Entry.directory(),
                        "/etc/big": Entry.file(b"B" * 10_000),
                        "/etc/motd": Entry.file(b"hello\n", 0o644),
                        "/etc/suid": Entry.file(b"x", 0o4755),
                    }
                )
            ]
        )
    )


def test_open_for_writing_copies_up_at_open_even_if_nothing_is_written() -> None:
    """The rubber-docker exercise: ``open("big", "r+")`` copies the whole file up."""
    c = container()
    with c.open("/etc/big", "r+"):
        pass
    assert [(u.path, u.reason, u.bytes) for u in c.copy_ups] == [
        ("/etc", "open /etc/big", 0),
        ("/etc/big", "open", 10_000),
    ]
    assert c.diff() == []  # the mtime is kept: docker diff shows nothing
    assert c.size_rw == 10_000


def test_open_read_only_copies_nothing() -> None:
    c = container()
    with c.open("/etc/big") as f:
        assert f.read(3) == b"BBB"
    assert c.copy_ups == []
    assert c.upper_entries == {}


def test_o_trunc_truncates_even_read_only_and_copies_up() -> None:
    c = container()
    c.open("/etc/motd", os.O_RDONLY | os.O_TRUNC).close()
    assert c.read_file("/etc/motd") == b""
    assert c.copy_ups[-1].path == "/etc/motd"
    assert [str(ch) for ch in c.diff()] == ["C /etc", "C /etc/motd"]


def test_o_excl_and_o_append() -> None:
    c = container()
    with pytest.raises(FileExistsError):
        c.open("/etc/motd", "x")
    with c.open("/etc/new", "x") as f:
        f.write("one")
    with c.open("/etc/motd", "a") as f:
        f.seek(0)
        f.write(b"more\n")  # O_APPEND: at the end, whatever the position
    assert c.read_file("/etc/motd") == b"hello\nmore\n"
    assert c.stat("/etc/new").mode == 0o666  # perms default to 0o666, no umask


def test_read_write_seek_truncate_fstat() -> None:
    c = container()
    with c.open("/f", "w+", 0o600) as f:
        assert f.write(b"abcdef") == 6
        assert f.seek(2) == 2
        assert f.read(2) == b"cd"
        f.seek(10)
        f.write(b"!")
        assert f.fstat().size == 11
        assert f.truncate(3) == 3
        assert f.seek(0, os.SEEK_END) == 3
        assert f.fstat().mode == 0o600
    assert c.read_file("/f") == b"abc"
    with pytest.raises(ValueError, match="closed file"):
        f.read()


def test_descriptor_errors_are_the_kernels() -> None:
    c = container()
    with c.open("/etc/motd") as f:
        with pytest.raises(OSError) as e:
            f.write(b"x")
        assert e.value.errno == errno.EBADF
        with pytest.raises(OSError) as e:
            f.truncate(0)
        assert e.value.errno == errno.EINVAL
        with pytest.raises(OSError) as e:
            f.seek(-1)
        assert e.value.errno == errno.EINVAL
    with c.open("/etc") as d, pytest.raises(IsADirectoryError):
        d.read()


def test_a_read_only_descriptor_opened_before_a_copy_up_reads_the_copy() -> None:
    """Linux 6.18 (checked in test_disagreements): overlayfs reopens the real file after a copy-up."""
    c = container()
    reader = c.open("/etc/motd")
    c.write_file("/etc/motd", b"changed\n")
    assert reader.read() == b"changed\n"


def test_an_unlinked_file_stays_readable_and_a_renamed_one_is_followed() -> None:
    c = container()
    reader = c.open("/etc/motd")
    c.unlink("/etc/motd")
    assert reader.read() == b"hello\n"
    writer = c.open("/w", "w")
    c.rename("/w", "/moved")
    writer.write(b"through the fd")
    assert c.read_file("/moved") == b"through the fd"


def test_a_non_root_write_drops_setuid() -> None:
    c = container()
    c.chmod("/etc/suid", 0o4777)
    c.credentials = c.credentials.__class__(1000, 1000)
    with c.open("/etc/suid", "r+") as f:
        f.write(b"y")
    assert c.stat("/etc/suid").mode == 0o777


@pytest.mark.parametrize("mode", ["rw", "q", "r++", "bb", os.O_WRONLY | os.O_RDWR, 0o20000000, -1])
def test_bad_modes_are_refused_clearly(mode: object) -> None:
    with pytest.raises(InvalidArgument):
        container().open("/etc/motd", mode)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", [-1, 0o10000])
def test_chmod_outside_the_permission_bits_is_refused(mode: int) -> None:
    """Issue 15: the kernel keeps the low 12 bits (chmod(-1) is 0o7777); the simulator says so."""
    c = container()
    with pytest.raises(InvalidArgument, match="0o7777"):
        c.chmod("/etc/motd", mode)
    assert c.copy_ups == []


def test_names_and_paths_too_long() -> None:
    c = container()
    c.write_file("/" + "a" * 255, b"")
    for path in ("/" + "a" * 256, "/etc/" + "./" * 2046 + "motd"):
        with pytest.raises(OSError) as e:
            c.open(path)
        assert e.value.errno == errno.ENAMETOOLONG
    assert c.stat("/" + "a" * 255).kind is Kind.FILE


def test_a_descriptor_of_a_removed_container_says_so() -> None:
    c = container()
    f = c.open("/etc/motd")
    c.remove()
    with pytest.raises(ContainerStateError):
        f.read()
