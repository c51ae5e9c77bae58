"""``layerlab images --filter`` and ``layerlab ps --filter``, as a user types them.

Expected semantics from moby (daemon/images/image_list.go, daemon/list.go, api/types/filters/
parse.go and errors.go) and docker/cli (opts FilterOpt): AND across keys, OR within a key except
``label`` (every label must match), regexp ``name``/``id``/``status``, path-match ``reference``,
``Invalid filter 'KEY'`` for an unknown key (Docker 20.10's wording: the real
dockerd gives the same errors in test_filter_errors_match_a_real_dockerd).  See simulator/cli/_filters.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from simulator import Engine
from simulator.engine.df import image_id
from tests.realtools.test_docker import docker as docker_daemon  # noqa: F401 - a private dockerd

from ._helpers import layerlab


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("filters") / "store"
    engine = Engine.open(root)
    ids: dict[str, str] = {}
    engine.images.pull("alpine:3.20")
    engine.images.pull("busybox:1.36")
    engine.build("FROM alpine:3.20\nLABEL team=web tier=front\n", tag="web:1")
    engine.build("FROM web:1\nLABEL tier=back\n", tag="api:1")
    engine.build("FROM alpine:3.20\nRUN echo 1 > /a\n", tag="x:1")
    # the ID `images -q --no-trunc` prints: the engine's store's (containerd: the manifest digest)
    ids["dangling"] = image_id(engine.images.get("x:1"), engine.image_store)
    engine.build("FROM alpine:3.20\nRUN echo 2 > /a\n", tag="x:1")  # the first x:1 is now dangling
    engine.images.tag(engine.images.get("web:1"), "team/web:2")
    engine.containers.run("web:1", "true", name="web-1")
    engine.containers.run("alpine:3.20", "sh -c 'exit 3'", name="db")
    base = engine.containers.run("alpine:3.20", "touch /x", name="base")
    engine.images.tag(base.commit(), "committed:1")  # committed:1's parent is alpine:3.20
    engine.containers.run("committed:1", "true", name="from-commit")
    idle = engine.containers.create("busybox:1.36", name="idle-web")
    idle.start()
    for c in engine.containers.list(all=True):
        ids[c.name] = c.id
    for name in ("alpine:3.20", "busybox:1.36", "web:1", "api:1", "x:1", "committed:1"):
        ids[name] = engine.images.get(name).id
    engine.close()
    ids["root"] = str(root)
    return ids


def _lines(store: dict[str, str], *argv: str) -> list[str]:
    result = layerlab(*argv, root=Path(store["root"]))
    assert result.status == 0, result.err
    return result.out.splitlines()


def _images(store: dict[str, str], *filters: str, all: bool = False) -> set[str]:
    argv = ["images", "--format", "{{.Repository}}:{{.Tag}}", *(["-a"] if all else [])]
    for f in filters:
        argv += ["--filter", f]
    return set(_lines(store, *argv))


def _ps(store: dict[str, str], *filters: str, all: bool = True) -> list[str]:
    argv = ["ps", "--format", "{{.Names}}", *(["-a"] if all else [])]
    for f in filters:
        argv += ["-f", f]
    return _lines(store, *argv)


def test_images_reference_is_a_path_match_on_name_or_name_tag(store: dict[str, str]) -> None:
    assert _images(store, "reference=web") == {"web:1"}
    assert _images(store, "reference=*:1") == {"web:1", "api:1", "x:1", "committed:1"}
    assert _images(store, "reference=alpine:3.*") == {"alpine:3.20"}
    assert _images(store, "reference=*/web") == {"team/web:2"}  # * stops at /
    assert _images(store, "reference=web", "reference=api") == {"web:1", "api:1"}  # OR within a key
    assert _lines(store, "images", "--format", "{{.Repository}}:{{.Tag}}", "web") == ["web:1"]


def test_images_labels_all_must_match_and_keys_combine(store: dict[str, str]) -> None:
    assert _images(store, "label=team") == {"web:1", "team/web:2", "api:1"}
    assert _images(store, "label=tier=back") == {"api:1"}
    assert _images(store, "label=team", "label=tier=front") == {"web:1", "team/web:2"}  # AND
    assert _images(store, "label=team", "reference=api") == {"api:1"}  # AND across keys


def test_images_dangling(store: dict[str, str]) -> None:
    assert _lines(store, "images", "-q", "--no-trunc", "--filter", "dangling=true") == [store["dangling"]]
    assert "<none>:<none>" not in _images(store, "dangling=false", all=True)
    assert "<none>:<none>" in _images(store, all=True)


def test_images_before_and_since(store: dict[str, str]) -> None:
    # strictly before the oldest / after the newest named image, by creation time (a LABEL-only
    # build keeps its base's time here, so web:1 and alpine:3.20 are equally old)
    assert _images(store, "since=web:1") == {"x:1", "committed:1", "<none>:<none>"}
    assert _images(store, "since=web:1", "since=x:1") == {"committed:1"}
    assert _images(store, "before=api:1") == {"busybox:1.36"}
    assert _images(store, "before=committed:1", "since=api:1") == {"x:1", "<none>:<none>"}


def test_ps_name_id_status_exited(store: dict[str, str]) -> None:
    assert sorted(_ps(store, "name=web")) == ["idle-web", "web-1"]  # a substring
    assert _ps(store, "name=^web-1$") == ["web-1"]
    assert _ps(store, "name=/db") == ["db"]  # matched against /NAME too
    assert sorted(_ps(store, "name=db", "name=base")) == ["base", "db"]  # OR within a key
    assert _ps(store, "id=" + store["db"][:8]) == ["db"]
    assert _ps(store, "exited=3") == ["db"]
    assert _ps(store, "exited=3", all=False) == []  # stopped containers need -a, as in Docker
    assert sorted(_ps(store, "status=exited", all=False)) == ["base", "db", "from-commit", "web-1"]
    assert _ps(store, "status=running", all=False) == ["idle-web"]
    assert _ps(store, "status=exited", "name=web") == ["web-1"]  # AND across keys


def test_ps_ancestor_label_before_since(store: dict[str, str]) -> None:
    assert sorted(_ps(store, "ancestor=alpine:3.20")) == ["base", "db", "from-commit"]  # and descendants
    assert _ps(store, "ancestor=web:1") == ["web-1"]
    assert _ps(store, "label=team=web") == ["web-1"]
    assert _ps(store, "since=from-commit") == ["idle-web"]
    assert _ps(store, "before=db") == ["web-1"]


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["images", "--filter", "colour=red"], 1, "Error response from daemon: Invalid filter 'colour'"),
        (["ps", "-f", "colour=red"], 1, "Error response from daemon: Invalid filter 'colour'"),
        (["images", "--filter", "dangling=maybe"], 1, "Invalid filter 'dangling=[maybe]'"),
        (["ps", "-f", "status=sleeping"], 1, "Invalid filter 'status=sleeping'"),
        (["ps", "-f", "exited=abc"], 1, 'strconv.Atoi: parsing "abc": invalid syntax'),
        (["images", "--filter", "reference=[web"], 1, "syntax error in pattern"),
        (["ps", "-f", "nonsense"], 125, "bad format of filter (expected name=value)"),
    ],
)
def test_filter_errors_read_as_dockers(
    store: dict[str, str], argv: list[str], status: int, message: str
) -> None:
    result = layerlab(*argv, root=Path(store["root"]))
    assert result.status == status
    assert message in result.err


# The errors a real dockerd gives (Debian's docker.io 20.10), as ``docker ARGV`` prints them.
REAL_ERRORS = [
    ["images", "--filter", "colour=red"],
    ["images", "--filter", "until=1h"],  # not in Docker 20.10's image filters either
    ["ps", "-f", "colour=red"],
    ["ps", "-f", "status=sleeping"],
    ["ps", "-f", "exited=abc"],
    ["images", "-f", "dangling=maybe"],
    ["images", "-f", "reference=[web"],
    ["ps", "-f", "nonsense"],
    ["ps", "-f", "health=bogus"],
    ["ps", "-f", "is-task=maybe"],
]


@pytest.mark.real
def test_filter_errors_match_a_real_dockerd(store: dict[str, str], request: pytest.FixtureRequest) -> None:
    from tests.realtools.test_docker import DOCKER

    env: dict[str, str] = request.getfixturevalue("docker_daemon")
    assert DOCKER is not None
    for argv in REAL_ERRORS:
        real = subprocess.run(
            [DOCKER, *argv], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        ours = layerlab(*argv, root=Path(store["root"]))
        expected = real.stderr.replace("docker", "layerlab")
        assert (ours.status, ours.err) == (real.returncode, expected), argv


PS_CASES = [
    ("name=web",),
    ("name=^web-1$",),
    ("name=/db",),
    ("name=db", "name=fresh"),
    ("exited=3",),
    ("exited=0", "exited=3"),
    ("status=exited",),
    ("status=created",),
    ("status=running",),
    ("status=exited", "name=web"),
    ("before=db",),
    ("since=db",),
    ("health=none", "name=web"),
    ("is-task=false", "status=created"),
]


@pytest.mark.real
def test_ps_filters_select_what_a_real_dockerd_selects(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The same containers (names, states, exit codes, creation order) in dockerd and in layerlab."""
    from tests.realtools.test_docker import DOCKER

    env: dict[str, str] = request.getfixturevalue("docker_daemon")
    assert DOCKER is not None

    def docker(*argv: str) -> str:
        done = subprocess.run(
            [DOCKER, *argv], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, (argv, done.stderr)
        return done.stdout

    root = tmp_path / "store"
    engine = Engine.open(root)
    engine.images.pull("busybox:1.36")
    plan = [
        ("web-1", ["true"]),
        ("db", ["sh", "-c", "exit 3"]),
        ("fresh", None),
        ("idle-web", ["sleep", "1000"]),
    ]
    for name, command in plan:
        if command is None:
            docker("create", "--network", "none", "--name", name, "bb:1", "true")
            engine.containers.create("busybox:1.36", ["true"], name=name)
        elif name == "idle-web":
            docker("run", "-d", "--network", "none", "--name", name, "bb:1", *command)
            engine.containers.create("busybox:1.36", command, name=name).start()
        else:
            subprocess.run(
                [DOCKER, "run", "--network", "none", "--name", name, "bb:1", *command], env=env, timeout=120
            )
            engine.containers.run("busybox:1.36", command, name=name)
    engine.close()
    ours_all = set(layerlab("ps", "-a", "--format", "{{.Names}}", root=root).out.split())
    assert ours_all == {name for name, _ in plan}
    for filters in PS_CASES:
        for all in (True, False):
            argv = ["ps", *(["-a"] if all else []), "--format", "{{.Names}}"]
            for f in filters:
                argv += ["--filter", f]
            real = [n for n in docker(*argv).split() if n in ours_all]  # the fixture's own "base" aside
            ours = layerlab(*argv, root=root)
            assert ours.status == 0, ours.err
            assert ours.out.split() == real, (filters, all)


REFERENCE_PATTERNS = [
    ("web",),
    ("*:1",),
    ("*/web",),
    ("team/*",),
    ("*/*",),
    ("alpine:3.*",),
    ("web:[0-9]",),
    ("web:[^1]",),
    ("localhost:5000/*/*",),
    ("web", "alpine"),
    ("*web*",),
    ("team/web:?",),
]
SAME_TAGS = ["web:1", "web:2", "team/web:2", "localhost:5000/team/web:3", "alpine:3.20", "x:1"]


@pytest.mark.real
def test_images_reference_selects_what_a_real_dockerd_selects(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """One image under the same tags in dockerd and in layerlab: each pattern lists the same tags."""
    from tests.realtools.test_docker import DOCKER

    env: dict[str, str] = request.getfixturevalue("docker_daemon")
    assert DOCKER is not None
    root = tmp_path / "store"
    engine = Engine.open(root)
    image = engine.images.pull("busybox:1.36")
    for tag in SAME_TAGS:
        subprocess.run([DOCKER, "tag", "bb:1", tag], env=env, timeout=60, check=True)
        engine.images.tag(image, tag)
    engine.close()
    listed = 0
    for patterns in REFERENCE_PATTERNS:
        argv = ["images", "--format", "{{.Repository}}:{{.Tag}}"]
        for p in patterns:
            argv += ["--filter", f"reference={p}"]
        real = subprocess.run(
            [DOCKER, *argv], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        ours = layerlab(*argv, root=root)
        assert ours.status == 0, ours.err
        assert set(ours.out.split()) == set(real.stdout.split()) & set(SAME_TAGS), patterns
        listed += bool(ours.out.split())
    assert listed >= 9  # most patterns select something: the comparison is not of empty lists
