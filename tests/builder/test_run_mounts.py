"""``RUN --mount`` (BuildKit; moby/buildkit ``instructions/commands_runmount.go`` for the parsing
and its messages, ``dockerfile2llb/convert_runmount.go``, ``convert_secrets.go`` and the Dockerfile
reference "RUN --mount" for the semantics; SEMANTICS §3.4 for the cache key)."""

from __future__ import annotations

import hashlib

import pytest

from simulator import BuildError, Engine
from simulator.builder.builder import build
from simulator.dockerfile.mounts import Mount, MountError, parse_mount


# -- parsing (parseMount) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("target=/src", Mount(target="/src")),
        ("type=cache,target=/root/.cache", Mount("cache", "/root/.cache", readonly=False)),
        ("type=bind,src=app,dst=/app,rw", Mount("bind", "/app", "app", readonly=False)),
        ("type=bind,source=.,destination=/x,from=build,ro=false", Mount("bind", "/x", ".", "build", False)),
        ("type=secret,id=tok", Mount("secret", id="tok")),
        ("type=secret,id=tok,required,env=TOK", Mount("secret", id="tok", required=True, env="TOK")),
        ("type=secret,id=tok,required=true,mode=0440,uid=1000", Mount("secret", id="tok", required=True, mode=0o440, uid=1000)),
        ("type=tmpfs,target=/t,size=64m", Mount("tmpfs", "/t", readonly=False, size=64 * 1024 * 1024)),
        ("type=cache,target=/c,id=pip,sharing=locked,uid=1,gid=2", Mount("cache", "/c", readonly=False, id="pip", sharing="locked", uid=1, gid=2)),
        ("type=ssh", Mount("ssh")),
        ("TYPE=Cache,Target=/c", Mount("cache", "/c", readonly=False)),
    ],
)  # fmt: skip
def test_parse_mount(text: str, expected: Mount) -> None:
    assert parse_mount(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("type=volume,target=/v", 'unsupported mount type "volume"'),
        ("type=cache,target=/c,sharing=everyone", 'unsupported sharing value "everyone"'),
        ("target=/c,color=red", "unexpected key 'color' in 'color=red'"),
        ("target=/c,required", "unexpected key 'required' for mount type 'bind'"),
        ("type=bind,target=/c,size=1m", "unexpected key 'size' for mount type 'bind'"),
        ("type=bind,target=/c,mode=0755", 'mode not allowed for "bind" type mounts'),
        ("type=tmpfs,target=/c,uid=1", 'uid not allowed for "tmpfs" type mounts'),
        ("type=secret", "invalid secret mount. one of source, target required"),
        ("type=secret,id=a,from=x", "secret mount should not have a from"),
        ("type=secret,id=a,source=b", "both source and id can't be set"),
        ("type=bind,target=/c,sharing=shared", "invalid cache sharing set for bind mount"),
        ("target=/c,ro=maybe", "invalid value for ro: maybe"),
        ("type=cache,target=/c,mode=9", "invalid value 9 for mode"),
        ("target=/c,nonsense", "invalid field 'nonsense' must be a key=value pair"),
    ],
)
def test_parse_mount_errors(text: str, message: str) -> None:
    with pytest.raises(MountError) as info:
        parse_mount(text)
    assert str(info.value).startswith(message)


# -- semantics ---------------------------------------------------------------------------------
@pytest.fixture
def engine() -> Engine:
    return Engine()


def test_cache_mount_persists_across_builds_and_never_enters_a_layer(engine: Engine) -> None:
    first = build(
        engine,
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/x echo hi > /var/cache/x/a && touch /made\n",
    )
    layer = first.steps[-1].layer
    assert layer is not None and "/made" in layer.entries
    assert not any(p.startswith("/var/cache/x") for p in layer.entries)
    assert not first.image.view.exists("/var/cache/x")  # the mount-point stub is removed too
    second = build(
        engine,
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/x cat /var/cache/x/a > /seen\n",
    )
    assert second.image.view.read_file("/seen") == b"hi\n"
    shared = build(
        engine, "FROM debian:12-slim\nRUN --mount=type=cache,id=/var/cache/x,target=/c cp /c/a /b\n"
    )
    assert shared.image.view.read_file("/b") == b"hi\n"  # the id names the cache, not the target
    assert not build(
        engine, "FROM alpine:3.20\nRUN --mount=type=cache,target=/y ls /y > /l\n"
    ).image.view.read_file("/l")


def test_pip_cache_mount_docker_python_template(engine: Engine) -> None:
    # Docker's own Python template (docker init): the cache mount keeps pip's cache out of the
    # image while the packages are installed
    result = build(
        engine,
        "FROM python:3.12-slim\nWORKDIR /app\n"
        "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
        "    --mount=type=bind,source=requirements.txt,target=requirements.txt \\\n"
        "    python -m pip install -r requirements.txt\nCOPY . .\n",
        {"requirements.txt": "flask\n", "app.py": "print(1)\n"},
    )
    view = result.image.view
    assert any(n.startswith("flask") for n in view.listdir("/usr/local/lib/python3.12/site-packages"))
    assert not view.exists("/root/.cache/pip")
    run = next(s for s in result.steps if s.keyword == "RUN")
    assert run.layer is not None and "/app/requirements.txt" not in run.layer.entries
    assert view.read_file("/app/requirements.txt") == b"flask\n"  # from the COPY
    assert not any("is not simulated" in w for w in result.warnings)


def test_bind_mount_from_the_context_is_read_only_and_keys_the_cache(engine: Engine) -> None:
    text = "FROM alpine:3.20\nRUN --mount=target=/src cp /src/app/main.py /main.py\n"
    first = build(engine, text, {"app/main.py": "v1\n"})
    assert first.image.view.read_file("/main.py") == b"v1\n" and not first.image.view.exists("/src")
    assert build(engine, text, {"app/main.py": "v1\n"}).steps[-1].cached
    changed = build(engine, text, {"app/main.py": "v2\n"})
    assert not changed.steps[-1].cached and changed.image.view.read_file("/main.py") == b"v2\n"
    with pytest.raises(BuildError) as info:
        build(engine, "FROM alpine:3.20\nRUN --mount=target=/src touch /src/new\n", {"a": "x"})
    assert "read-only" in str(info.value) and info.value.line == 2
    rw = build(engine, "FROM alpine:3.20\nRUN --mount=target=/src,rw touch /src/new /kept\n", {"a": "x"})
    assert rw.image.view.exists("/kept") and not rw.image.view.exists("/src")


def test_bind_mount_from_a_stage_and_from_an_image(engine: Engine) -> None:
    result = build(
        engine,
        "FROM alpine:3.20 AS b\nRUN echo x > /built\n"
        "FROM alpine:3.20\nRUN --mount=from=b,source=/built,target=/tmp/built cat /tmp/built > /copy\n"
        "RUN --mount=from=debian:12-slim,target=/deb cp /deb/etc/debian_version /dv\n",
    )
    assert result.image.view.read_file("/copy") == b"x\n" and result.image.view.exists("/dv")
    assert not result.image.view.exists("/tmp/built") and not result.image.view.exists("/deb")


def test_secret_mount(engine: Engine) -> None:
    text = (
        "FROM alpine:3.20\n"
        "RUN --mount=type=secret,id=token sha256sum /run/secrets/token > /sum\n"
        'RUN --mount=type=secret,id=token,env=TOKEN echo "$TOKEN" | wc -c > /len\n'
    )
    result = build(engine, text, secrets={"token": b"s3cret"})
    view = result.image.view
    digest = hashlib.sha256(b"s3cret").hexdigest()
    assert view.read_file("/sum") == f"{digest}  /run/secrets/token\n".encode()
    assert view.read_file("/len").strip() == b"7"
    assert not view.exists("/run/secrets/token") and not view.exists("/run/secrets")
    for step in result.steps:
        assert step.layer is not None
        assert not any(e.kind.value == "file" and b"s3cret" in e.read() for e in step.layer.entries.values())
    assert all("s3cret" not in h.created_by for h in result.image.history)
    # the secret's content is not in the cache key: a new value still hits
    assert build(engine, text, secrets={"token": b"other"}).steps[-1].cached


def test_a_missing_secret_is_skipped_unless_required(engine: Engine) -> None:
    result = build(
        engine, "FROM alpine:3.20\nRUN --mount=type=secret,id=npmrc test ! -e /run/secrets/npmrc\n"
    )
    assert result.steps[-1].layer is not None
    with pytest.raises(BuildError) as info:
        build(engine, "FROM alpine:3.20\nRUN --mount=type=secret,id=npmrc,required true\n")
    assert "secret npmrc: not found" in str(info.value) and "secrets=" in str(info.value)


def test_tmpfs_and_ssh(engine: Engine) -> None:
    result = build(
        engine,
        "FROM alpine:3.20\nRUN --mount=type=tmpfs,target=/scratch echo x > /scratch/f && cp /scratch/f /keep\n"
        "RUN --mount=type=ssh touch /ssh-less\n",
    )
    assert result.image.view.exists("/keep") and not result.image.view.exists("/scratch")
    assert result.image.view.exists("/ssh-less")
    assert any("no SSH agent" in w for w in result.warnings)
    with pytest.raises(BuildError) as info:
        build(engine, "FROM alpine:3.20\nRUN --mount=type=ssh,required true\n")
    assert "no SSH agent" in str(info.value)


def test_a_bad_mount_names_the_line(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM alpine:3.20\n\nRUN --mount=type=cache,target=/c,sharing=all true\n")
    assert info.value.line == 3 and 'unsupported sharing value "all"' in str(info.value)
