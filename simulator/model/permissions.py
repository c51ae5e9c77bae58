"""Who may do what to an entry: Linux's permission rules for a container's processes.

Pure functions over :class:`Credentials` and :class:`~simulator.model.entries.Entry`; the
container asks them before it changes anything.  Root (uid 0) is never refused.  The rules are
the kernel's, checked against it by the overlayfs parity test.
"""

from __future__ import annotations

from dataclasses import dataclass

from .entries import Entry, Kind

__all__ = ["ROOT", "Credentials", "allows", "in_group", "may_hardlink", "mode_without_privileges"]

SETUID, SETGID, GROUP_EXEC = 0o4000, 0o2000, 0o010


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who performs the file operations: root (the default) bypasses permission checks."""

    uid: int = 0
    gid: int = 0
    groups: tuple[int, ...] = ()


ROOT = Credentials()


def in_group(who: Credentials, gid: int) -> bool:
    return gid == who.gid or gid in who.groups


def allows(who: Credentials, entry: Entry, want: int) -> bool:
    """Whether ``who`` has the ``want`` bits (4 read, 2 write, 1 search/execute) on ``entry``."""
    if who.uid == 0:
        return True
    if who.uid == entry.uid:
        bits = entry.mode >> 6
    elif in_group(who, entry.gid):
        bits = entry.mode >> 3
    else:
        bits = entry.mode
    return bits & want == want


def may_hardlink(who: Credentials, entry: Entry) -> bool:
    """``fs.protected_hardlinks``: a non-owner may only link a regular file it can read and
    write that is neither setuid nor executable-setgid."""
    if who.uid in (0, entry.uid):
        return True
    if (
        entry.kind is not Kind.FILE
        or entry.mode & SETUID
        or entry.mode & (SETGID | GROUP_EXEC) == (SETGID | GROUP_EXEC)
    ):
        return False
    return allows(who, entry, 0o6)


def mode_without_privileges(who: Credentials, entry: Entry) -> int:
    """The mode after the kernel drops privileges (a chown, or a write by a non-root user):
    no setuid, and no setgid when the group may execute or ``who`` is not root and not in the
    file's group (``setattr_should_drop_sgid``).  Only regular files are affected."""
    mode = entry.mode
    if entry.kind is Kind.FILE:
        mode &= ~SETUID
        if mode & GROUP_EXEC or (who.uid != 0 and not in_group(who, entry.gid)):
            mode &= ~SETGID
    return mode
