"""useradd/groupadd/usermod/userdel (shadow), Debian's adduser and busybox's adduser/addgroup.

The shadow tools are compared with the real ones run as ``TOOL -R ROOT`` on a temporary copy of
the debian image's account files (plus this host's Debian ``/etc/login.defs``,
``/etc/default/useradd`` and ``/etc/skel``): the same commands must give the same files, home
directories, messages and exit statuses.  The host's own ``/etc`` is never written.  busybox
``adduser``/``addgroup`` follow busybox 1.35's ``loginutils`` sources (Debian's busybox-static
has no such applets, so there is no real run to compare with here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script

EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: shadow 4.13 takes the shadow "last change" day from it
FILES = ("passwd", "group", "shadow", "gshadow")
REAL = (
    os.geteuid() == 0
    and shutil.which("useradd") is not None
    and Path("/etc/login.defs").is_file()
    and Path("/etc/default/useradd").is_file()
)
needs_shadow = pytest.mark.skipif(
    not REAL, reason="needs root and shadow's useradd (Debian's passwd package)"
)


def debian() -> Container:
    return Container(library.get("debian:bookworm-slim"))


def sh(c: Container, script: str) -> tuple[int, str, str]:
    result = run_script(c, script, env={"SOURCE_DATE_EPOCH": EPOCH})
    return result.exit_code, result.stdout, result.stderr


def _tree(root: Path, top: str) -> list[tuple[str, str, int, int]]:
    out = []
    base = root / top.lstrip("/")
    if not base.exists():
        return out
    for path in sorted([base, *base.rglob("*")]):
        st = path.lstat()
        out.append((str(path.relative_to(root)), oct(st.st_mode), st.st_uid, st.st_gid))
    return out


def _sim_tree(c: Container, top: str) -> list[tuple[str, str, int, int]]:
    if not c.exists(top):
        return []
    items = [(top, c.lstat(top)), *c.walk(top)]
    return sorted(
        (path.lstrip("/"), oct((0o40000 if e.is_dir else 0o100000) | e.mode), e.uid, e.gid)
        for path, e in items
    )


def real_run(
    commands: list[list[str]], homes: tuple[str, ...] = ()
) -> tuple[list[tuple[int, str]], dict[str, bytes], dict]:
    """Run shadow's tools with ``-R`` on a copy of the debian image's /etc; the files afterwards."""
    c = debian()
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / "etc/default").mkdir(parents=True)
        for name in FILES + tuple(n + "-" for n in FILES):
            if c.exists(f"/etc/{name}"):
                (root / "etc" / name).write_bytes(c.read_file(f"/etc/{name}"))
        shutil.copy("/etc/login.defs", root / "etc/login.defs")
        shutil.copy("/etc/default/useradd", root / "etc/default/useradd")
        (root / "etc/skel").mkdir()
        for name in c.listdir("/etc/skel"):
            (root / "etc/skel" / name).write_bytes(c.read_file(f"/etc/skel/{name}"))
        for binary in ("/bin/sh", "/bin/bash", "/usr/sbin/nologin", "/bin/false"):  # so no shell warnings
            (root / binary.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (root / binary.lstrip("/")).write_bytes(b"")
            (root / binary.lstrip("/")).chmod(0o755)
        (root / "home").mkdir()
        (root / "opt").mkdir()
        results = []
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SOURCE_DATE_EPOCH": EPOCH, "LC_ALL": "C"}
        for argv in commands:
            tool = shutil.which(argv[0]) or argv[0]
            proc = subprocess.run(
                [tool, "-R", d, *argv[1:]], capture_output=True, text=True, env=env, check=False
            )
            results.append((proc.returncode, proc.stderr))
        files = {n: (root / "etc" / n).read_bytes() for n in FILES}
        files.update(
            {
                n + "-": (root / "etc" / (n + "-")).read_bytes()
                for n in FILES
                if (root / "etc" / (n + "-")).exists()
            }
        )
        trees = {h: _tree(root, h) for h in homes}
        trees[".pwd.lock"] = (root / "etc/.pwd.lock").exists()
        return results, files, trees


def sim_run(
    commands: list[list[str]], homes: tuple[str, ...] = ()
) -> tuple[list[tuple[int, str]], dict[str, bytes], dict]:
    c = debian()
    results = []
    for argv in commands:
        code, _, err = sh(c, " ".join(f"'{a}'" for a in argv))
        results.append((code, err))
    files = {n: bytes(c.read_file(f"/etc/{n}")) for n in FILES}
    files.update({n + "-": bytes(c.read_file(f"/etc/{n}-")) for n in FILES if c.exists(f"/etc/{n}-")})
    trees = {h: _sim_tree(c, h) for h in homes}
    trees[".pwd.lock"] = c.exists("/etc/.pwd.lock")
    return results, files, trees


SCENARIOS = [
    [["useradd", "app"]],
    [["useradd", "-m", "app"]],
    [["useradd", "-m", "-u", "1234", "-s", "/bin/bash", "app"]],
    [["useradd", "-r", "-s", "/usr/sbin/nologin", "svc"]],
    [["useradd", "-r", "-m", "-d", "/opt/svc", "svc"]],
    [["groupadd", "app"], ["useradd", "-g", "app", "-m", "app2"]],
    [["groupadd", "-r", "app"], ["useradd", "-r", "-g", "app", "app"]],
    [["groupadd", "-g", "2000", "g2"], ["groupadd", "grp"], ["useradd", "-G", "grp,sudo", "-N", "n1"]],
    [["useradd", "-U", "-m", "-d", "/opt/app", "-c", "The App", "u2"]],
    [["useradd", "app"], ["useradd", "app"]],
    [["useradd", "app"], ["useradd", "-u", "1000", "dup"]],
    [["useradd", "-g", "nogrp", "x"]],
    [["useradd", "-G", "nogrp", "x"]],
    [["groupadd", "grp"], ["groupadd", "grp"]],
    [["groupadd", "-g", "100", "dupg"]],
    [["useradd", "app"], ["groupadd", "grp"], ["usermod", "-aG", "grp,sudo", "app"]],
    [["useradd", "app"], ["usermod", "-s", "/bin/bash", "-c", "x", "app"]],
    [["usermod", "-aG", "sudo", "nobodyx"]],
    [["useradd", "-m", "app"], ["userdel", "-r", "app"]],
    [["useradd", "app"], ["groupadd", "grp"], ["usermod", "-aG", "grp", "app"], ["userdel", "app"]],
    [["userdel", "nobodyx"]],
    [["useradd", "app"], ["useradd", "bob"], ["useradd", "-r", "s1"], ["useradd", "-r", "s2"]],
]


@needs_shadow
@pytest.mark.parametrize("commands", SCENARIOS, ids=lambda cmds: " && ".join(" ".join(c) for c in cmds))
def test_shadow_tools_match_useradd_R(commands: list[list[str]]) -> None:
    homes = ("/home", "/opt")
    assert sim_run(commands, homes) == real_run(commands, homes)


def test_useradd_layer_copies_up_the_account_files() -> None:
    c = debian()
    assert sh(c, "useradd -m app")[0] == 0
    changed = {p for p in c.upper_entries if p.startswith("/etc/")}
    assert {
        "/etc/passwd",
        "/etc/group",
        "/etc/shadow",
        "/etc/gshadow",
        "/etc/passwd-",
        "/etc/.pwd.lock",
    } <= changed
    assert (
        sh(c, "id app && ls -a /home/app")[1]
        == "uid=1000(app) gid=1000(app) groups=1000(app)\n.\n..\n.bash_logout\n.bashrc\n.profile\n"
    )
    assert c.stat("/etc/shadow").mode == 0o640 and c.stat("/etc/shadow").gid == 42


def test_user_from_useradd_works_with_USER_and_chown() -> None:
    c = debian()
    assert sh(c, "useradd -r -U app && mkdir /data && chown app:app /data && stat -c %U:%G /data") == (
        0,
        "app:app\n",
        "",
    )


# ------------------------------------------------------------------------------ busybox (alpine)
def alpine() -> Container:
    return Container(library.get("alpine"))


def test_alpine_system_user_and_group() -> None:
    c = alpine()
    assert sh(c, "addgroup -S app && adduser -S -G app app") == (0, "", "")
    assert c.read_file("/etc/passwd").decode().endswith("app:x:100:101:Linux User,,,:/home/app:/bin/false\n")
    assert c.read_file("/etc/group").decode().endswith("app:x:101:app\n")
    days = int(EPOCH) // 86400
    assert c.read_file("/etc/shadow").decode().endswith(f"app:!:{days}:0:99999:7:::\n")
    home = c.stat("/home/app")
    assert (home.mode, home.uid, home.gid) == (0o2755, 100, 101)
    assert not c.exists("/etc/passwd-") and not c.exists("/etc/gshadow")
    assert sh(c, "id app")[1] == "uid=100(app) gid=101(app) groups=101(app)\n"


def test_alpine_normal_user() -> None:
    c = alpine()
    assert sh(c, "adduser -D -u 1500 -s /bin/sh -h /srv/web web") == (0, "", "")
    assert "web:x:1500:1500:Linux User,,,:/srv/web:/bin/sh\n" in c.read_file("/etc/passwd").decode()
    assert "web:x:1500:\n" in c.read_file("/etc/group").decode()
    assert sh(c, "adduser -D bob && adduser -D -H -S sys && grep -E '^(bob|sys):' /etc/passwd")[1] == (
        "bob:x:1000:1000:Linux User,,,:/home/bob:/bin/sh\nsys:x:100:65533:Linux User,,,:/home/sys:/bin/false\n"
    )
    assert not c.exists("/home/sys")


@pytest.mark.parametrize(
    ("script", "code", "err"),
    [
        ("adduser -D bob; adduser -D bob", 1, "adduser: user 'bob' in use\n"),
        ("addgroup -S app; addgroup app", 1, "addgroup: group 'app' in use\n"),
        ("addgroup -g 100 x", 1, "addgroup: gid '100' in use\n"),
        ("adduser -D -G nog ed", 1, "adduser: unknown group nog\n"),
        ("addgroup nobodyx wheel", 1, "addgroup: unknown user nobodyx\n"),
        ("deluser nobodyx", 1, "deluser: unknown user nobodyx\n"),
    ],
)
def test_busybox_messages(script: str, code: int, err: str) -> None:
    assert sh(alpine(), script) == (code, "", err)


def test_busybox_adduser_without_D_cannot_set_a_password() -> None:
    c = alpine()
    code, _, err = sh(c, "adduser bob")
    assert code == 1 and "password for bob is unchanged" in err
    assert "bob:x:1000:1000" in c.read_file("/etc/passwd").decode()  # the user exists all the same


def test_debian_adduser_front_end() -> None:
    c = debian()
    code, out, _ = sh(c, "adduser --system --group --no-create-home app")
    assert code == 0 and out == "info: Adding system user `app' ...\n"
    assert "app:x:999:999::/nonexistent:/usr/sbin/nologin\n" in c.read_file("/etc/passwd").decode()
    code, out, _ = sh(c, "adduser --disabled-password --gecos '' web")
    assert code == 0 and "web:x:1000:1000::/home/web:/bin/bash\n" in c.read_file("/etc/passwd").decode()
    assert c.exists("/home/web/.bashrc")


def test_commands_exist_in_the_images() -> None:
    for ref, names in [
        ("debian:bookworm-slim", ("useradd", "groupadd", "usermod", "userdel", "adduser", "addgroup")),
        ("alpine", ("adduser", "addgroup", "deluser")),
    ]:
        code, _, err = sh(
            Container(library.get(ref)), " && ".join(f"command -v {n} >/dev/null" for n in names)
        )
        assert (code, err) == (0, ""), ref
