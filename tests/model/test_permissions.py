"""The permission rules on their own (the overlayfs parity test checks them against the kernel)."""

from __future__ import annotations

from simulator.model import Entry
from simulator.model.permissions import ROOT, Credentials, allows, may_hardlink, mode_without_privileges

USER = Credentials(1000, 1000, (50,))


def test_owner_group_other_bits_and_root():
    entry = Entry.file(b"", 0o640, 1000, 0)
    assert allows(USER, entry, 0o6) and not allows(USER, entry, 0o1)
    assert allows(Credentials(7, 0), entry, 0o4) and not allows(Credentials(7, 0), entry, 0o2)
    assert not allows(Credentials(7, 7), entry, 0o4)
    assert allows(Credentials(7, 7, (0,)), entry, 0o4)  # a supplementary group counts
    assert allows(ROOT, Entry.file(b"", 0o000), 0o7)


def test_protected_hardlinks():
    assert may_hardlink(USER, Entry.file(b"", 0o600, 1000))  # the owner may
    assert not may_hardlink(USER, Entry.file(b"", 0o644, 0))  # others need read and write
    assert may_hardlink(USER, Entry.file(b"", 0o666, 0))
    assert not may_hardlink(USER, Entry.file(b"", 0o4777, 0))  # never a setuid file
    assert not may_hardlink(USER, Entry.file(b"", 0o2777, 0))  # nor an executable setgid one
    assert not may_hardlink(USER, Entry.directory(0o777))


def test_privileges_dropped_on_chown_and_write():
    assert mode_without_privileges(ROOT, Entry.file(b"", 0o6755)) == 0o755
    assert mode_without_privileges(ROOT, Entry.file(b"", 0o6745)) == 0o2745  # no group x: root keeps setgid
    assert mode_without_privileges(USER, Entry.file(b"", 0o2745, 1000, 0)) == 0o745  # not in group 0
    assert mode_without_privileges(USER, Entry.file(b"", 0o2745, 1000, 50)) == 0o2745
    assert mode_without_privileges(USER, Entry.directory(0o6755)) == 0o6755
