"""The commands on an in-memory engine: Docker's formats, the engine's tables, exit statuses.

Field sets of ``--format '{{json .}}'`` are docker/cli v20.10's formatter contexts
(``cli/command/formatter/image.go``, ``container.go``, ``cli/command/image/formatter_history.go``):
a Docker 20.10 CLI prints exactly these keys.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli._rows import CONTAINER_TABLE, HISTORY_TABLE, IMAGE_TABLE
from simulator.engine import Engine
from simulator.registry.content import image_content

from ._helpers import cli

IMAGE_JSON_KEYS = {
    "Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository",
    "SharedSize", "Size", "Tag", "UniqueSize", "VirtualSize",
}  # fmt: skip
CONTAINER_JSON_KEYS = {
    "Command", "CreatedAt", "ID", "Image", "Labels", "LocalVolumes", "Mounts",
    "Names", "Networks", "Ports", "RunningFor", "Size", "State", "Status",
}  # fmt: skip
HISTORY_JSON_KEYS = {"Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size"}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """busybox, ``web:1`` built on it, an exited container ``c1`` and a running one ``srv``
    (the default store: containerd)."""
    return _engine(tmp_path, Engine())


@pytest.fixture
def overlay2_engine(tmp_path: Path) -> Engine:
    """The same with Docker's graphdriver store (overlay2)."""
    return _engine(tmp_path, Engine(image_store="overlay2"))


def _engine(tmp_path: Path, e: Engine) -> Engine:
    (tmp_path / "Dockerfile").write_text(
        "FROM busybox:latest\nRUN echo hi > /hello && mkdir /app\nCOPY f /app/f\n", encoding="utf-8"
    )
    (tmp_path / "f").write_text("x" * 100, encoding="utf-8")
    assert cli("build", "-q", "-t", "web:1", str(tmp_path), engine=e).status == 0
    assert cli("run", "--name", "c1", "web:1", "cat", "/hello", engine=e).status == 0
    assert cli("run", "-d", "--name", "srv", "web:1", "sleep", "1000", engine=e).status == 0
    return e


def test_build_quiet_prints_the_image_id(tmp_path: Path) -> None:
    e = Engine(image_store="overlay2")
    (tmp_path / "Dockerfile").write_text("FROM busybox:latest\nRUN touch /x\n", encoding="utf-8")
    r = cli("build", "-q", "-t", "a:1", "-t", "b:2", str(tmp_path), engine=e)
    assert r.status == 0
    image = e.images.get("a:1")
    assert r.out == image.id + "\n"  # overlay2: the config digest
    assert e.images.get("b:2").id == image.id
    # the containerd store (the default): the manifest digest, as `docker images --no-trunc` shows it
    r = cli("build", "-q", "-t", "a:1", str(tmp_path), engine=Engine())
    assert r.out == str(image_content(image).manifest_digest) + "\n"


def test_build_args_target_and_file(tmp_path: Path) -> None:
    e = Engine()
    (tmp_path / "other.Dockerfile").write_text(
        "FROM busybox:latest AS one\nARG V=default\nRUN echo $V > /v\nFROM one AS two\nRUN touch /two\n",
        encoding="utf-8",
    )
    r = cli(
        "build", "-q", "-t", "t:1", "-f", str(tmp_path / "other.Dockerfile"),
        "--build-arg", "V=given", "--target", "one", str(tmp_path), engine=e,
    )  # fmt: skip
    assert r.status == 0, r.err
    image = e.images.get("t:1")
    assert image.read_file("/v") == b"given\n"
    assert "two" not in image.listdir("/")  # --target one stops before stage two


def test_build_errors_name_the_problem(tmp_path: Path) -> None:
    r = cli("build", str(tmp_path / "missing"), engine=Engine())
    assert r.status == 1 and 'path "' in r.err
    (tmp_path / "Dockerfile").write_text("FROM busybox:latest\nFROBNICATE x\n", encoding="utf-8")
    r = cli("build", str(tmp_path), engine=Engine())
    assert r.status == 1
    assert "FROBNICATE" in r.err.upper() and "Traceback" not in r.err


def test_images_default_is_the_engines_table_and_the_default_template(engine: Engine) -> None:
    r = cli("images", engine=engine)
    assert r.out == engine.images.table() + "\n"
    assert cli("images", "--format", IMAGE_TABLE, engine=engine).out == r.out


def test_images_quiet_filter_and_json_overlay2(overlay2_engine: Engine, tmp_path: Path) -> None:
    web = overlay2_engine.images.get("web:1")  # overlay2: IMAGE ID is the config digest
    assert cli("images", "-q", "web", engine=overlay2_engine).out == web.short_id + "\n"
    assert cli("images", "--no-trunc", "-q", "web:1", engine=overlay2_engine).out == web.id + "\n"
    r = cli("build", "-q", "-t", "web:1", str(tmp_path), engine=overlay2_engine)
    assert r.out == web.id + "\n"  # build -q prints the same ID


def test_images_quiet_filter_and_json(engine: Engine) -> None:
    web = engine.images.get("web:1")
    # the containerd store's IMAGE ID is the manifest digest (moby daemon/containerd/image_list.go)
    manifest = str(image_content(web).manifest_digest)
    assert manifest != web.id and engine.image_store == "containerd"
    assert cli("images", "-q", "web", engine=engine).out == manifest[7:19] + "\n"
    assert cli("images", "--no-trunc", "-q", "web:1", engine=engine).out == manifest + "\n"
    assert engine.images.get(manifest[7:19]) == web  # and that ID names the image
    assert cli("images", "-q", "web:2", engine=engine).out == ""
    lines = cli("images", "--format", "{{json .}}", engine=engine).out.splitlines()
    assert {tuple(sorted(json.loads(line))) for line in lines} == {tuple(sorted(IMAGE_JSON_KEYS))}
    assert list(json.loads(lines[0])) == sorted(IMAGE_JSON_KEYS)  # a Go map: keys sorted


def test_history_default_truncated_and_not(engine: Engine) -> None:
    for flags in ([], ["--no-trunc"]):
        r = cli("history", *flags, "web:1", engine=engine)
        assert r.out == engine.images.history("web:1", no_trunc=bool(flags)) + "\n"
        assert cli("history", *flags, "--format", HISTORY_TABLE, "web:1", engine=engine).out == r.out
    row = json.loads(cli("history", "--format", "{{json .}}", "web:1", engine=engine).out.splitlines()[0])
    assert set(row) == HISTORY_JSON_KEYS
    assert row["CreatedBy"] == "COPY f /app/f # buildkit"


def test_history_not_human_prints_bytes_and_rfc3339(engine: Engine) -> None:
    out = cli("history", "-H", "false", "--format", "{{.Size}} {{.CreatedSince}}", "web:1", engine=engine).out
    assert out.splitlines()[0].startswith("100 20")  # 100 bytes, then an RFC 3339 time


def test_ps_default_sizes_and_template_agree(engine: Engine) -> None:
    for flags in ([], ["-a"], ["-a", "-s"]):
        r = cli("ps", *flags, engine=engine)
        assert r.out == engine.containers.table(all="-a" in flags, size="-s" in flags) + "\n"
        fmt = CONTAINER_TABLE + ("\\t{{.Size}}" if "-s" in flags else "")
        assert cli("ps", *flags, "--format", fmt, engine=engine).out == r.out
    lines = cli("ps", "-a", "--format", "{{json .}}", engine=engine).out.splitlines()
    assert len(lines) == 2 and all(set(json.loads(x)) == CONTAINER_JSON_KEYS for x in lines)
    assert cli("ps", "-q", engine=engine).out == engine.containers.get("srv").id[:12] + "\n"


def test_run_prints_output_and_exits_with_the_commands_status(engine: Engine) -> None:
    assert cli("run", "--rm", "web:1", "cat", "/app/f", engine=engine).out == "x" * 100
    assert cli("run", "web:1", "sh", "-c", "exit 3", engine=engine).status == 3


def test_run_of_a_missing_image_is_125(engine: Engine) -> None:
    r = cli("run", "nosuch:1", "true", engine=engine)
    assert r.status == 125
    assert r.err.startswith("docker: Error response from daemon:")


def test_exec_diff_commit_in_docker_formats(engine: Engine) -> None:
    r = cli("exec", "srv", "sh", "-c", "echo new > /app/n; rm /hello; echo done", engine=engine)
    assert (r.status, r.out) == (0, "done\n")
    assert cli("diff", "srv", engine=engine).out == "C /app\nA /app/n\nD /hello\n"
    r = cli("commit", "-m", "snapshot", "srv", "snap:1", engine=engine)
    image = engine.images.get("snap:1")
    # the containerd store prints the new manifest's digest (moby daemon/containerd/image_commit.go:
    # writeContentsForImage returns the manifest descriptor); overlay2 the config digest (below)
    assert r.out == str(image_content(image).manifest_digest) + "\n"
    assert image.history[-1].comment == "snapshot"
    assert cli("exec", "srv", "sh", "-c", "exit 4", engine=engine).status == 4


def test_commit_prints_the_config_digest_with_overlay2(overlay2_engine: Engine) -> None:
    r = cli("commit", "srv", "snap:1", engine=overlay2_engine)
    assert r.out == overlay2_engine.images.get("snap:1").id + "\n"


def test_exec_in_a_stopped_container_fails(engine: Engine) -> None:
    r = cli("exec", "c1", "true", engine=engine)
    assert r.status == 1
    assert "is not running" in r.err


def test_rm_rmi_and_tag(engine: Engine) -> None:
    r = cli("rm", "srv", engine=engine)
    assert r.status == 1 and "You cannot remove a running container" in r.err
    assert cli("rm", "-f", "srv", "c1", engine=engine).out == "srv\nc1\n"
    assert cli("tag", "web:1", "localhost:5000/web:2", engine=engine).status == 0
    assert cli("rmi", "localhost:5000/web:2", engine=engine).out == "Untagged: localhost:5000/web:2\n"
    r = cli("rmi", "web:1", engine=engine)
    assert r.out.startswith("Untagged: web:1\nDeleted: sha256:")
    r = cli("rmi", "web:1", engine=engine)
    assert r.status == 1 and r.err.startswith("Error response from daemon: no image 'web:1'")


def test_system_df_is_the_engines_table(engine: Engine) -> None:
    assert cli("system", "df", engine=engine).out == engine.df().table() + "\n"
    verbose = cli("system", "df", "-v", engine=engine).out
    assert verbose == engine.df().verbose() + "\n"
    # docker/cli formatter/disk_usage.go: the section titles of `docker system df -v`
    for title in (
        "Images space usage:\n\n",
        "\nContainers space usage:\n\n",
        "\nLocal Volumes space usage:\n\n",
    ):
        assert title in verbose


def test_inspect_images_and_containers(engine: Engine) -> None:
    [image] = json.loads(cli("inspect", "web:1", engine=engine).out)
    web = engine.images.get("web:1")
    assert list(image)[:4] == ["Id", "RepoTags", "RepoDigests", "Parent"]
    digest = str(image_content(web).manifest_digest)  # containerd store: the target's digest
    assert image["Id"] == digest and image["RepoTags"] == ["web:1"]
    assert image["RootFS"] == {"Type": "layers", "Layers": list(web.diff_ids)}
    [container] = json.loads(cli("inspect", "--size", "srv", engine=engine).out)
    assert container["Name"] == "/srv" and container["State"]["Running"] is True
    assert (container["Path"], container["Args"]) == ("sleep", ["1000"])
    # containerd store: the container's image is the target digest too (moby
    # daemon/containerd/image.go GetImage builds the image with ID = target digest)
    assert container["Image"] == digest and "SizeRw" in container
    out = cli("inspect", "-f", "{{.State.Status}} {{json .Config.Cmd}}", "srv", engine=engine).out
    assert out == 'running ["sleep","1000"]\n'


def test_inspect_of_nothing_prints_an_empty_list_and_fails(engine: Engine) -> None:
    r = cli("inspect", "nope", engine=engine)
    assert (r.status, r.out, r.err) == (1, "[]\n", "Error: No such object: nope\n")
    r = cli("inspect", "--type", "image", "srv", engine=engine)
    assert r.err == "Error: No such image: srv\n"


@pytest.mark.parametrize("fmt", ["docker-archive", "oci-archive", "oci"])
def test_save_then_load_round_trips(engine: Engine, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / ("out" if fmt == "oci" else "out.tar")
    assert cli("save", "--format", fmt, "-o", str(target), "web:1", engine=engine).status == 0
    other = Engine()
    r = cli("load", "-i", str(target), engine=other)
    assert r.out == "Loaded image: web:1\n", r.err
    assert other.images.get("web:1").id == engine.images.get("web:1").id


def test_load_of_a_missing_file(tmp_path: Path) -> None:
    r = cli("load", "-i", str(tmp_path / "nope.tar"), engine=Engine())
    assert r.status == 1 and "no such file" in r.err


def test_pull_from_the_library_and_registries() -> None:
    e = Engine()
    r = cli("pull", "alpine:3.20", engine=e)
    assert r.status == 0 and r.out.endswith("alpine:3.20\n")
    assert "alpine:3.20" in e.images
    r = cli("pull", "localhost:5000/app:1", engine=e)
    assert r.status == 1 and "registry" in r.err
    r = cli("push", "app:1", engine=e)
    assert r.status == 1 and "names no registry" in r.err
