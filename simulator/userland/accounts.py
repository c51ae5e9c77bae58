# Long module: the shadow tools and both adduser front ends share one set of helpers
# for the account files (_Files, id allocation, homes); a split would make them all public.
"""Creating users and groups in a RUN step: shadow's ``useradd``/``groupadd``/``usermod``/``userdel``
(Debian, Ubuntu), Debian's ``adduser``/``addgroup`` front end, and busybox's ``adduser``/
``addgroup``/``deluser``/``delgroup`` (Alpine).

They write ``/etc/passwd``, ``/etc/group``, ``/etc/shadow`` and (where the image has it)
``/etc/gshadow`` in the real formats, through the container's operations -- so the lesson "a
``useradd`` layer copies up four files from ``/etc``" comes out right.  Like the real tools:

- shadow's tools keep the previous file as ``/etc/passwd-`` (``group-``, ``shadow-``,
  ``gshadow-``) and leave ``/etc/.pwd.lock``; new users get the next uid from 1000 (system users
  ``-r`` from 999 down), a group of their own (``USERGROUPS_ENAB yes``), shell ``/bin/sh``
  (``/etc/default/useradd``), a home only with ``-m`` (a copy of ``/etc/skel``, mode 0755) and the
  shadow line ``name:!:DAYS:0:99999:7:::`` (system users: ``name:!:DAYS::::::``);
- busybox's ``adduser`` starts normal uids at 1000 and system ones (``-S``) at 100 going up,
  gives a system user the group ``nogroup`` and shell ``/bin/false`` unless told otherwise,
  always makes the home (mode 2755) unless ``-H``, and without ``-D`` asks for a password,
  which fails in a build.

DAYS (the day of the last password change) is today, or ``$SOURCE_DATE_EPOCH``'s day when the
build sets it, as shadow 4.13 does.  Names and numbers are resolved through
:mod:`~simulator.userland.users`.  Messages and exit statuses are shadow 4.13's and busybox
1.35's (``tests/build/test_accounts.py`` runs the real ``useradd -R`` for comparison).
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Callable

from simulator.userland import users
from simulator.userland._args import (
    is_gnu,
    lstat_or_none,
    parse_options,
    prog_name,
)
from simulator.userland.files import copy_path, remove_tree
from simulator.userland.registry import ExecContext, register

__all__: list[str] = []

PASSWD, GROUP, SHADOW, GSHADOW = "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"


class _Fail(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------------------- the files
class _Files:
    """The account files of a container, edited in memory and written back once."""

    def __init__(self, ctx: ExecContext, backups: bool) -> None:
        self.ctx = ctx
        self.backups = backups
        self.lines: dict[str, list[str] | None] = {}
        self.changed: set[str] = set()

    def read(self, path: str) -> list[str] | None:
        if path not in self.lines:
            try:
                text = self.ctx.fs.read_file(path).decode("utf-8", "surrogateescape")
            except (OSError, ValueError):
                self.lines[path] = None
            else:
                self.lines[path] = text.splitlines()
        return self.lines[path]

    def reader(self) -> Callable[[str], bytes]:
        """A ``read`` for :mod:`users` that sees the edits made so far."""

        def read(path: str) -> bytes:
            lines = self.read(path)
            if lines is None:
                raise FileNotFoundError(path)
            return "".join(line + "\n" for line in lines).encode("utf-8", "surrogateescape")

        return read

    def rows(self, path: str) -> list[list[str]]:
        return users.table(self.reader(), path)

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def append(self, path: str, line: str) -> None:
        lines = self.read(path)
        if lines is None:
            return
        lines.append(line)
        self.changed.add(path)

    def update(self, path: str, name: str, change: Callable[[list[str]], list[str] | None]) -> None:
        """Apply ``change`` to the fields of ``name``'s line (None deletes the line)."""
        lines = self.read(path)
        if lines is None:
            return
        for i, line in enumerate(lines):
            fields = line.split(":")
            if fields[0] == name and not line.startswith("#"):
                new = change(list(fields))
                if new is None:
                    del lines[i]
                else:
                    lines[i] = ":".join(new)
                self.changed.add(path)
                return

    def commit(self, lock_only: bool = False) -> None:
        fs = self.ctx.fs
        if lock_only:
            if self.backups and lstat_or_none(self.ctx, "/etc/.pwd.lock") is None:
                fs.write_file("/etc/.pwd.lock", b"", mode=0o600)
            return
        for path in sorted(self.changed):
            entry = fs.stat(path)
            old = fs.read_file(path)
            if self.backups:
                backup = path + "-"
                fs.write_file(backup, old, mode=entry.mode & 0o7777)
                fs.chmod(backup, entry.mode & 0o7777)
                fs.chown(backup, entry.uid, entry.gid)
            fs.write_file(
                path,
                "".join(line + "\n" for line in self.lines[path] or []).encode("utf-8", "surrogateescape"),
                mode=entry.mode,
            )
        if self.backups and self.changed and lstat_or_none(self.ctx, "/etc/.pwd.lock") is None:
            fs.write_file("/etc/.pwd.lock", b"", mode=0o600)


def _days(ctx: ExecContext) -> int:
    epoch = ctx.env.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else int(time.time())
    return seconds // 86400


def _user(files: _Files, name: str) -> list[str] | None:
    return users.passwd_entry(files.reader(), name)


def _group(files: _Files, name: str) -> list[str] | None:
    return users.group_entry(files.reader(), name)


def _free_id(taken: set[int], start: int, stop: int, step: int) -> int | None:
    for number in range(start, stop + step, step):
        if number not in taken:
            return number
    return None


def _shadow_id(taken: set[int], system: bool) -> int | None:
    """The id shadow's useradd/groupadd pick (login.defs defaults): system ids from 999 down to
    100, others one above the highest taken id in 1000-60000 (at least 1000)."""
    if system:
        return _free_id(taken, 999, 100, -1)
    return _free_id(taken, max([999, *[n for n in taken if 1000 <= n <= 60000]]) + 1, 60000, 1)


def _add_member(files: _Files, group: str, user: str) -> None:
    def add(fields: list[str]) -> list[str]:
        members = [m for m in fields[3].split(",") if m] if len(fields) > 3 else []
        if user not in members:
            members.append(user)
        while len(fields) < 4:
            fields.append("")
        fields[3] = ",".join(members)
        return fields

    files.update(GROUP, group, add)
    files.update(GSHADOW, group, add)


def _remove_member(files: _Files, user: str) -> None:
    for path in (GROUP, GSHADOW):
        for fields in files.rows(path):
            if len(fields) > 3 and user in fields[3].split(","):

                def drop(f: list[str]) -> list[str]:
                    f[3] = ",".join(m for m in f[3].split(",") if m and m != user)
                    return f

                files.update(path, fields[0], drop)


def _make_home(ctx: ExecContext, home: str, uid: int, gid: int, mode: int, skel: str | None) -> None:
    """mkdir -p the parents, the home itself, a copy of the skeleton; all owned by the user."""
    parent = posixpath.dirname(home)
    parts = [p for p in parent.split("/") if p]
    current = ""
    for part in parts:
        current += "/" + part
        if lstat_or_none(ctx, current) is None:
            ctx.fs.mkdir(current, 0o755)
    if lstat_or_none(ctx, home) is not None:
        return
    ctx.fs.mkdir(home, 0o755)
    if skel and lstat_or_none(ctx, skel) is not None and ctx.fs.stat(skel).is_dir:
        for name in ctx.fs.listdir(skel):
            target = posixpath.join(home, name)
            copy_path(
                ctx,
                posixpath.join(skel, name),
                target,
                recursive=True,
                preserve=True,
                deref=False,
                shown=name,
            )
            for path, entry in [
                (target, ctx.fs.lstat(target)),
                *list(ctx.fs.walk(target) if ctx.fs.lstat(target).is_dir else []),
            ]:
                if entry.is_symlink:
                    ctx.fs.lchown(path, uid, gid)
                else:
                    ctx.fs.chown(path, uid, gid)
    ctx.fs.chown(home, uid, gid)
    ctx.fs.chmod(home, mode)


def _shell_warning(ctx: ExecContext, cmd: str, shell: str) -> None:
    entry = lstat_or_none(ctx, shell)
    target = ctx.fs.stat(shell) if entry is not None else None
    if shell and (target is None or target.is_dir or not target.mode & 0o111):
        ctx.err(f"{cmd}: Warning: missing or non-executable shell '{shell}'\n")


def _run(ctx: ExecContext, cmd: str, body: Callable[[], int]) -> int:
    try:
        return body()
    except _Fail as exc:
        ctx.err(f"{cmd}: {exc}\n")
        return exc.status


# ---------------------------------------------------------------------------------- shadow (Debian)
_USERADD_LONG = {
    "create-home": "m", "no-create-home": "M", "uid": "u", "gid": "g", "groups": "G", "shell": "s",
    "home-dir": "d", "system": "r", "user-group": "U", "no-user-group": "N", "comment": "c",
    "non-unique": "o", "password": "p", "skel": "k", "no-log-init": "l", "root": "R", "prefix": "P",
    "expiredate": "e", "inactive": "f", "key": "K", "base-dir": "b",
}  # fmt: skip


def _useradd(ctx: ExecContext, argv: list[str], cmd: str = "useradd") -> int:
    parsed = parse_options(ctx, argv, "mMrUNolD", "ugGsdcpkRPefKb", _USERADD_LONG)
    if parsed is None:
        return 2
    seen, values, operands = parsed
    if len(operands) != 1:
        ctx.err(f"Usage: {cmd} [options] LOGIN\n")
        return 2
    name = operands[0]
    if not name or name.startswith("-") or ":" in name or "\n" in name or name in (".", ".."):
        ctx.err(f"{cmd}: invalid user name '{name}': use --badname to ignore\n")
        return 3
    files = _Files(ctx, backups=True)

    def body() -> int:
        if _user(files, name) is not None:
            raise _Fail(f"user '{name}' already exists", 9)
        system = "r" in seen
        if "U" in seen and "g" in values:
            raise _Fail("options -U and -g conflict", 2) from None
        user_group = "N" not in seen and "g" not in values
        if user_group and _group(files, name) is not None:
            raise _Fail(f"group {name} exists - if you want to add this user to that group, use -g.", 9)
        gid = 100
        if "g" in values:
            found = _group(files, values["g"])
            if found is None:
                raise _Fail(f"group '{values['g']}' does not exist", 6)
            gid = int(found[2])
        extra: list[str] = []
        for group in [g for g in values.get("G", "").split(",") if g]:
            found = _group(files, group)
            if found is None:
                files.commit(lock_only=True)  # shadow checks -G after locking the files
                raise _Fail(f"group '{group}' does not exist", 6)
            extra.append(found[0])
        taken_uids = {int(f[2]) for f in files.rows(PASSWD) if len(f) > 2 and f[2].isdigit()}
        taken_gids = {int(f[2]) for f in files.rows(GROUP) if len(f) > 2 and f[2].isdigit()}
        if "u" in values:
            if not values["u"].isdigit():
                raise _Fail(f"invalid user ID '{values['u']}'", 3)
            uid = int(values["u"])
            if uid in taken_uids and "o" not in seen:
                raise _Fail(f"UID {uid} is not unique", 4)
        else:
            found_uid = _shadow_id(taken_uids, system)
            if found_uid is None:
                raise _Fail("can't get unique UID (no more available UIDs)", 4)
            uid = found_uid
        if user_group:
            if (not system and uid not in taken_gids and uid >= 1000) or (system and uid not in taken_gids):
                gid = uid
            else:
                found_gid = _shadow_id(taken_gids, system)
                if found_gid is None:
                    raise _Fail("can't get unique GID (no more available GIDs)", 4)
                gid = found_gid
            files.append(GROUP, f"{name}:x:{gid}:")
            files.append(GSHADOW, f"{name}:!::")
        home = values.get("d") or posixpath.join(values.get("b", "/home"), name)
        shell = values.get("s", "/bin/sh")
        files.append(PASSWD, f"{name}:x:{uid}:{gid}:{values.get('c', '')}:{home}:{shell}")
        password = values.get("p", "!")
        days = _days(ctx)
        files.append(
            SHADOW, f"{name}:{password}:{days}::::::" if system else f"{name}:{password}:{days}:0:99999:7:::"
        )
        for group in extra:
            _add_member(files, group, name)
        if "s" in values:
            _shell_warning(ctx, cmd, shell)
        files.commit()
        if "m" in seen and "M" not in seen:
            existed = lstat_or_none(ctx, home) is not None
            if existed:
                ctx.err(f"{cmd}: warning: the home directory {home} already exists.\n")
                ctx.err(f"{cmd}: Not copying any file from skel directory into it.\n")
            _make_home(ctx, home, uid, gid, 0o755, values.get("k", "/etc/skel"))
        return 0

    return _run(ctx, cmd, body)


@register("useradd")
def useradd(ctx: ExecContext, argv: list[str]) -> int:
    return _useradd(ctx, argv)


@register("groupadd")
def groupadd(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(
        ctx, argv, "rfo", "gKpR", {"gid": "g", "system": "r", "force": "f", "non-unique": "o"}
    )
    if parsed is None:
        return 2
    seen, values, operands = parsed
    if len(operands) != 1:
        ctx.err("Usage: groupadd [options] GROUP\n")
        return 2
    name = operands[0]
    files = _Files(ctx, backups=True)

    def body() -> int:
        if _group(files, name) is not None:
            if "f" in seen:
                return 0
            raise _Fail(f"group '{name}' already exists", 9)
        taken = {int(f[2]) for f in files.rows(GROUP) if len(f) > 2 and f[2].isdigit()}
        if "g" in values:
            if not values["g"].isdigit():
                raise _Fail(f"invalid group ID '{values['g']}'", 3)
            gid = int(values["g"])
            if gid in taken and "o" not in seen:
                if "f" not in seen:
                    raise _Fail(f"GID '{gid}' already exists", 4)
                gid = -1
        else:
            gid = -1
        if gid == -1:
            found = _shadow_id(taken, "r" in seen)
            if found is None:
                raise _Fail("can't get unique GID (no more available GIDs)", 4)
            gid = found
        files.append(GROUP, f"{name}:x:{gid}:")
        files.append(GSHADOW, f"{name}:!::")
        files.commit()
        return 0

    return _run(ctx, "groupadd", body)


_USERMOD_LONG = {
    "append": "a", "groups": "G", "gid": "g", "shell": "s", "home": "d", "login": "l", "uid": "u", "comment": "c",
    "move-home": "m", "lock": "L", "unlock": "U", "root": "R",
}  # fmt: skip


@register("usermod")
def usermod(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(
        ctx,
        argv,
        "aLUm",
        "GgsdlucR",
        _USERMOD_LONG,
    )
    if parsed is None:
        return 2
    seen, values, operands = parsed
    if len(operands) != 1:
        ctx.err("Usage: usermod [options] LOGIN\n")
        return 2
    name = operands[0]
    files = _Files(ctx, backups=True)

    def body() -> int:
        entry = _user(files, name)
        if entry is None:
            raise _Fail(f"user '{name}' does not exist", 6)
        groups: list[str] = []
        for group in [g for g in values.get("G", "").split(",") if g]:
            found = _group(files, group)
            if found is None:
                raise _Fail(f"group '{group}' does not exist", 6)
            groups.append(found[0])
        gid = None
        if "g" in values:
            found = _group(files, values["g"])
            if found is None:
                raise _Fail(f"group '{values['g']}' does not exist", 6)
            gid = found[2]
        if "G" in values:
            if "a" not in seen:
                _remove_member(files, name)
            for group in groups:
                _add_member(files, group, name)

        def change(fields: list[str]) -> list[str]:
            if gid is not None:
                fields[3] = gid
            if "s" in values:
                fields[6] = values["s"]
            if "d" in values:
                fields[5] = values["d"]
            if "c" in values:
                fields[4] = values["c"]
            if "u" in values:
                fields[2] = values["u"]
            return fields

        if seen & {"g", "s", "d", "c", "u"}:
            files.update(PASSWD, name, change)
        if "L" in seen or "U" in seen:

            def lock(fields: list[str]) -> list[str]:
                fields[1] = "!" + fields[1] if "L" in seen else fields[1].lstrip("!") or "!"
                return fields

            files.update(SHADOW, name, lock)
        files.commit()
        if "m" in seen and "d" in values and lstat_or_none(ctx, entry[5]) is not None:
            ctx.fs.rename(entry[5], values["d"])
        return 0

    return _run(ctx, "usermod", body)


def _delete_user(ctx: ExecContext, files: _Files, name: str, remove_home: bool, own_group: bool) -> None:
    entry = _user(files, name)
    assert entry is not None
    for path in (PASSWD, SHADOW):
        files.update(path, name, lambda fields: None)
    _remove_member(files, name)
    group = _group(files, name)
    if own_group and group is not None and group[2] == entry[3] and not (len(group) > 3 and group[3]):
        files.update(GROUP, name, lambda fields: None)
        files.update(GSHADOW, name, lambda fields: None)
    files.commit()
    if remove_home and files.backups and lstat_or_none(ctx, f"/var/mail/{name}") is None:
        ctx.err(f"userdel: {name} mail spool (/var/mail/{name}) not found\n")
    elif remove_home and files.backups:
        ctx.fs.unlink(f"/var/mail/{name}")
    if remove_home and lstat_or_none(ctx, entry[5]) is not None:
        remove_tree(ctx, entry[5], entry[5])


@register("userdel")
def userdel(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "rf", "R", {"remove": "r", "force": "f", "root": "R"})
    if parsed is None:
        return 2
    seen, _, operands = parsed
    if len(operands) != 1:
        ctx.err("Usage: userdel [options] LOGIN\n")
        return 2
    files = _Files(ctx, backups=True)

    def body() -> int:
        if _user(files, operands[0]) is None:
            raise _Fail(f"user '{operands[0]}' does not exist", 6)
        _delete_user(ctx, files, operands[0], "r" in seen, True)
        return 0

    return _run(ctx, "userdel", body)


@register("groupdel")
def groupdel(ctx: ExecContext, argv: list[str]) -> int:
    operands = [a for a in argv[1:] if not a.startswith("-")]
    if len(operands) != 1:
        ctx.err("Usage: groupdel [options] GROUP\n")
        return 2
    files = _Files(ctx, backups=True)
    name = operands[0]

    def body() -> int:
        group = _group(files, name)
        if group is None:
            raise _Fail(f"group '{name}' does not exist", 6)
        for fields in files.rows(PASSWD):
            if len(fields) > 3 and fields[3] == group[2]:
                raise _Fail(f"cannot remove the primary group of user '{fields[0]}'", 8)
        files.update(GROUP, name, lambda fields: None)
        files.update(GSHADOW, name, lambda fields: None)
        files.commit()
        return 0

    return _run(ctx, "groupdel", body)


# ---------------------------------------------------------------------------------- adduser / addgroup
def _busybox(ctx: ExecContext, argv: list[str]) -> bool:

    return not is_gnu(ctx, argv)


@register("adduser")
def adduser(ctx: ExecContext, argv: list[str]) -> int:
    if _busybox(ctx, argv):
        return _bb_adduser(ctx, argv)
    return _debian_adduser(ctx, argv, group_only=False)


@register("addgroup")
def addgroup(ctx: ExecContext, argv: list[str]) -> int:
    if _busybox(ctx, argv):
        return _bb_addgroup(ctx, argv)
    return _debian_adduser(ctx, argv, group_only=True)


@register("deluser", "delgroup")
def deluser(ctx: ExecContext, argv: list[str]) -> int:
    cmd = prog_name(argv)
    operands = [a for a in argv[1:] if not a.startswith("-")]
    files = _Files(ctx, backups=not _busybox(ctx, argv))
    remove_home = "--remove-home" in argv
    if not operands:
        ctx.err(f"Usage: {cmd} {'USER' if cmd == 'deluser' else 'GROUP'}\n")
        return 1

    def body() -> int:
        if cmd == "deluser" and len(operands) == 1:
            if _user(files, operands[0]) is None:
                raise _Fail(f"unknown user {operands[0]}", 1 if _busybox(ctx, argv) else 2)
            _delete_user(ctx, files, operands[0], remove_home, True)
            return 0
        if len(operands) == 2:  # deluser USER GROUP: leave the group
            _remove_member_of(files, operands[0], operands[1])
            files.commit()
            return 0
        group = _group(files, operands[0])
        if group is None:
            raise _Fail(f"unknown group {operands[0]}", 1)
        files.update(GROUP, operands[0], lambda fields: None)
        files.update(GSHADOW, operands[0], lambda fields: None)
        files.commit()
        return 0

    return _run(ctx, cmd, body)


def _remove_member_of(files: _Files, user: str, group: str) -> None:
    def drop(fields: list[str]) -> list[str]:
        if len(fields) > 3:
            fields[3] = ",".join(m for m in fields[3].split(",") if m and m != user)
        return fields

    files.update(GROUP, group, drop)
    files.update(GSHADOW, group, drop)


def _bb_new_group(files: _Files, name: str, gid: int | None, system: bool) -> int:
    if _group(files, name) is not None:
        raise _Fail(f"group '{name}' in use", 1)
    taken = {int(f[2]) for f in files.rows(GROUP) if len(f) > 2 and f[2].isdigit()}
    if gid is not None:
        if gid in taken:
            raise _Fail(f"gid '{gid}' in use", 1)
    else:
        found = _free_id(taken, 100, 999, 1) if system else _free_id(taken, 1000, 64999, 1)
        if found is None:
            raise _Fail("no gids left", 1)
        gid = found
    files.append(GROUP, f"{name}:x:{gid}:")
    files.append(GSHADOW, f"{name}:!::")
    return gid


def _bb_addgroup(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "S", "g")
    if parsed is None:
        return 1
    seen, values, operands = parsed
    if not 1 <= len(operands) <= 2 or (len(operands) == 2 and "g" in values):
        ctx.err("Usage: addgroup [-g GID] [-S] [USER] GROUP\n")
        return 1
    files = _Files(ctx, backups=False)

    def body() -> int:
        if len(operands) == 2:
            user, group = operands
            if _user(files, user) is None:
                raise _Fail(f"unknown user {user}", 1)
            found = _group(files, group)
            if found is None:
                raise _Fail(f"unknown group {group}", 1)
            if len(found) > 3 and user in found[3].split(","):
                return 0
            _add_member(files, group, user)
        else:
            gid = int(values["g"]) if "g" in values else None
            _bb_new_group(files, operands[0], gid, "S" in seen)
        files.commit()
        return 0

    return _run(ctx, "addgroup", body)


def _bb_adduser(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "DSH", "hgsGuk")
    if parsed is None:
        return 1
    seen, values, operands = parsed
    if not 1 <= len(operands) <= 2:
        ctx.err("Usage: adduser [OPTIONS] USER [GROUP]\n")
        return 1
    if len(operands) == 2:  # adduser USER GROUP: add an existing user to a group
        return _bb_addgroup(ctx, ["addgroup", *operands])
    name = operands[0]
    system = "S" in seen
    files = _Files(ctx, backups=False)

    def body() -> int:
        if _user(files, name) is not None:
            raise _Fail(f"user '{name}' in use", 1)
        group = values.get("G") or ("nogroup" if system else None)
        gid: int | None = None
        if group is not None:
            found = _group(files, group)
            if found is None:
                raise _Fail(f"unknown group {group}", 1)
            gid = int(found[2])
        taken_uids = {int(f[2]) for f in files.rows(PASSWD) if len(f) > 2 and f[2].isdigit()}
        taken_gids = {int(f[2]) for f in files.rows(GROUP) if len(f) > 2 and f[2].isdigit()}
        if "u" in values:
            uid = int(values["u"])
            if uid in taken_uids or (gid is None and uid in taken_gids):
                raise _Fail(f"uid '{uid}' in use", 1)
        else:
            uid, top = (100, 999) if system else (1000, 64999)
            while uid in taken_uids or (gid is None and uid in taken_gids):
                if uid == top:
                    raise _Fail("no uids left", 1)
                uid += 1
        if gid is None:
            if _group(files, name) is not None:
                raise _Fail(f"group '{name}' in use", 1)
            gid = uid
        home = values.get("h", f"/home/{name}")
        shell = values.get("s", "/bin/false" if system else "/bin/sh")
        gecos = values.get("g", "Linux User,,,")
        files.append(PASSWD, f"{name}:x:{uid}:{gid}:{gecos}:{home}:{shell}")
        files.append(SHADOW, f"{name}:!:{_days(ctx)}:0:99999:7:::")
        if group is not None:
            _add_member(files, group, name)
        else:
            files.append(GROUP, f"{name}:x:{gid}:")
            files.append(GSHADOW, f"{name}:!::")
        files.commit()
        if "H" not in seen:
            _make_home(ctx, home, uid, gid, 0o2755, values.get("k", "/etc/skel"))
        if not seen & {"D", "S"}:  # -S implies -D
            # adduser runs `passwd NAME`, which cannot read a password in a build
            ctx.out(f"Changing password for {name}\nNew password: ")
            ctx.err("passwd: password for " + name + " is unchanged\n")
            return 1
        return 0

    return _run(ctx, "adduser", body)


# ---------------------------------------------------------------------------------- Debian's adduser
_DEBIAN_LONG = {
    "system": "S", "group": "G", "ingroup": "i", "disabled-password": "D", "disabled-login": "L", "gecos": "c",
    "comment": "c", "home": "h", "shell": "s", "uid": "u", "gid": "g", "no-create-home": "H", "quiet": "q",
    "force-badname": "f", "allow-badname": "f", "firstuid": "F", "lastuid": "T", "add-extra-groups": "E",
    "debug": "d", "conf": "C",
}  # fmt: skip


def _debian_adduser(ctx: ExecContext, argv: list[str], group_only: bool) -> int:
    """Debian's adduser 3.134 (a Perl front end to useradd): the options Dockerfiles use."""
    cmd = prog_name(argv)
    parsed = parse_options(ctx, argv, "SGDLHqfEd", "ichsugFTC", _DEBIAN_LONG)
    if parsed is None:
        return 1
    seen, values, operands = parsed
    quiet = "q" in seen
    if group_only or ("G" in seen and "S" not in seen):
        if len(operands) != 1:
            ctx.err("fatal: Only one or two names allowed.\n")
            return 1
        args = [
            "groupadd",
            *(["-r"] if "S" in seen else []),
            *(["-g", values["g"]] if "g" in values else []),
            operands[0],
        ]
        files = _Files(ctx, backups=True)
        if _group(files, operands[0]) is not None:
            ctx.err(f"fatal: The group `{operands[0]}' already exists.\n")
            return 1
        if not quiet:
            ctx.out(f"info: Adding group `{operands[0]}' ...\n")
        return groupadd(ctx, args)
    if len(operands) == 2:  # adduser USER GROUP
        user, group = operands
        files = _Files(ctx, backups=True)
        if _user(files, user) is None:
            ctx.err(f"fatal: The user `{user}' does not exist.\n")
            return 1
        if _group(files, group) is None:
            ctx.err(f"fatal: The group `{group}' does not exist.\n")
            return 1
        if not quiet:
            ctx.out(f"info: Adding user `{user}' to group `{group}' ...\n")
        _add_member(files, group, user)
        files.commit()
        return 0
    if len(operands) != 1:
        ctx.err("fatal: Only one or two names allowed.\n")
        return 1
    name = operands[0]
    system = "S" in seen
    files = _Files(ctx, backups=True)
    if _user(files, name) is not None:
        if system:
            return 0  # adduser --system for an existing system user is not an error
        ctx.err(f"fatal: The user `{name}' already exists.\n")
        return 1
    args = ["useradd"]
    if system:
        args += ["-r", "-s", values.get("s", "/usr/sbin/nologin")]
        args += ["-d", values.get("h", "/nonexistent")]
        if "G" not in seen and "i" not in values and "g" not in values:
            args += ["-g", "nogroup"]
    else:
        args += ["-m", "-s", values.get("s", "/bin/bash"), "-d", values.get("h", f"/home/{name}")]
    if "H" in seen and "-m" in args:
        args.remove("-m")
    if "i" in values:
        args += ["-g", values["i"]]
    if "g" in values and "i" not in values:
        args += ["-g", values["g"]]
    if "u" in values:
        args += ["-u", values["u"]]
    if "c" in values:
        args += ["-c", values["c"]]
    if "G" in seen and system:
        args.append("-U")
    if not quiet:
        ctx.out(f"info: Adding {'system ' if system else ''}user `{name}' ...\n")
    status = _useradd(ctx, [*args, name], cmd)
    if status or system or quiet:
        return status
    entry = _user(_Files(ctx, backups=False), name)
    assert entry is not None
    ctx.out(f"info: Creating home directory `{entry[5]}' ...\ninfo: Copying files from `/etc/skel' ...\n")
    if "D" not in seen and "L" not in seen:
        ctx.out("New password: ")
        ctx.err("passwd: Authentication token manipulation error\npasswd: password unchanged\n")
        return 1
    return 0
