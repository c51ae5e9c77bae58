"""The builder against SEMANTICS §3 (BuildKit): layers, history, COPY rules, cache, stages."""

from __future__ import annotations

import io
import tarfile

import pytest

from simulator import (
    EMPTY_TAR_DIFF_ID,
    BuildError,
    DockerfileError,
    Engine,
    Entry,
    Image,
    ImageConfig,
    Kind,
    Layer,
)


@pytest.fixture
def engine() -> Engine:
    e = Engine()
    base = Layer.of(
        {
            "/etc": Entry.directory(),
            "/etc/passwd": Entry.file(
                b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
                b"app:x:1000:1000::/home/app:/bin/sh\n"
            ),
            "/etc/group": Entry.file(b"root:x:0:\nnogroup:x:65534:\napp:x:1000:\n"),
            "/tmp": Entry.directory(0o1777),
            "/usr/bin": Entry.directory(),
        },
        created_by="ADD rootfs",
    )
    e.images.add(Image.of([base], ImageConfig(env=("PATH=/usr/bin:/bin",), cmd=("sh",))), "base:1")
    return e


def build(engine, text, context=None, **kw):
    return engine.images.build(dockerfile=text, context=context or {}, **kw)


def test_metadata_instructions_add_history_but_no_layer(engine):
    result = build(
        engine,
        'FROM base:1\nENV A=b\nLABEL k=v\nEXPOSE 80 53/udp\nUSER app\nCMD ["run", "x"]\n'
        'ENTRYPOINT ["/e"]\nSTOPSIGNAL SIGTERM\nVOLUME /data\n',
    )
    image = result.image
    assert len(image.layers) == 1
    entries = image.history[1:]
    assert all(h.empty_layer for h in entries)
    assert [h.created_by for h in entries] == [
        "ENV A=b",
        "LABEL k=v",
        "EXPOSE [53/udp 80/tcp]",
        "USER app",
        'CMD ["run" "x"]',
        'ENTRYPOINT ["/e"]',
        "STOPSIGNAL SIGTERM",
        "VOLUME [/data]",
    ]
    cfg = image.config
    assert cfg.env_dict()["A"] == "b" and cfg.labels == {"k": "v"} and cfg.user == "app"
    assert cfg.exposed_ports == ("53/udp", "80/tcp") and cfg.volumes == ("/data",)
    assert cfg.entrypoint == ("/e",) and cfg.cmd == ("run", "x")  # CMD set earlier in the stage is kept
    assert all(h.comment == "buildkit.dockerfile.v0" for h in entries)


def test_entrypoint_clears_inherited_cmd(engine):  # case 38
    image = build(engine, 'FROM base:1\nENTRYPOINT ["x"]\n').image
    assert image.config.cmd is None and image.config.entrypoint == ("x",)


def test_copy_file_dir_and_ownership_rules(engine):  # cases 46, 47
    ctx = {"app/main.py": b"print(1)\n", "app/lib/util.py": (b"u", 0o600), "run.sh": (b"#!/bin/sh\n", 0o755)}
    result = build(
        engine,
        "FROM base:1\nCOPY app /srv/\nCOPY run.sh /usr/bin/run\nCOPY run.sh /opt/\n"
        "COPY --chown=app:app --chmod=640 run.sh /home/\n",
        ctx,
    )
    image = result.image
    assert image.read_file("/srv/main.py") == b"print(1)\n"
    assert not image.view.exists("/srv/app")  # the directory's contents, not the directory
    assert image.view.lookup("/srv/lib/util.py").mode == 0o600  # type: ignore[union-attr]
    assert image.view.lookup("/usr/bin/run").mode == 0o755  # type: ignore[union-attr]
    assert image.view.lookup("/opt/run.sh") is not None
    home = image.view.lookup("/home/run.sh")
    assert home is not None and (home.uid, home.gid, home.mode) == (1000, 1000, 0o640)
    layers = [s.layer for s in result.steps if s.layer is not None]
    assert len(layers) == 4
    assert [h.created_by for h in image.history[-4:]] == [
        "COPY app /srv/ # buildkit",
        "COPY run.sh /usr/bin/run # buildkit",
        "COPY run.sh /opt/ # buildkit",
        "COPY --chown=app:app --chmod=640 run.sh /home/ # buildkit",
    ]
    # the layer of COPY into /usr/bin holds the copied-up parents, as an overlay upper does
    assert list(layers[1].entries) == ["/usr", "/usr/bin", "/usr/bin/run"]


def test_copy_missing_source_names_it(engine):
    with pytest.raises(BuildError) as info:
        build(engine, "FROM base:1\nCOPY nope.txt /x\n", {"a": b""})
    assert "nope.txt" in str(info.value) and "Dockerfile:2" in str(info.value)


def test_copy_glob_and_several_sources(engine):
    ctx = {"a.txt": b"a", "b.txt": b"b", "c.md": b"c", "sub/d.txt": b"d"}
    image = build(engine, "FROM base:1\nCOPY *.txt /dst/\nCOPY a.txt c.md /two\n", ctx).image
    assert image.listdir("/dst") == ["a.txt", "b.txt"]
    assert image.listdir("/two") == ["a.txt", "c.md"]  # BuildKit treats the target as a directory


def test_dockerignore_with_exceptions_case_48(engine):
    ctx = {
        ".dockerignore": b"*.md\n!README*.md\nREADME-secret.md\n",
        "README.md": b"r",
        "README-secret.md": b"s",
        "x.md": b"x",
        "docs/x.md": b"d",
    }
    image = build(engine, "FROM base:1\nCOPY . /ctx/\n", ctx).image
    assert sorted(image.listdir("/ctx")) == [".dockerignore", "README.md", "docs"]
    assert image.listdir("/ctx/docs") == ["x.md"]


def test_workdir_makes_a_layer_even_when_it_exists(engine):  # case 37 (BuildKit)
    result = build(engine, "FROM base:1\nWORKDIR /etc\nWORKDIR app\nWORKDIR /\n")
    image = result.image
    assert image.config.working_dir == "/"
    assert len(image.layers) == 3
    assert image.layers[1].diff_id == EMPTY_TAR_DIFF_ID  # /etc already there: an empty layer
    assert "/etc/app" in image.layers[2].entries
    assert [h.created_by for h in image.history[1:]] == ["WORKDIR /etc", "WORKDIR /etc/app", "WORKDIR /"]
    assert [h.empty_layer for h in image.history[1:]] == [False, False, True]


def test_workdir_after_user_is_owned_by_that_user(engine):  # case 37
    image = build(engine, "FROM base:1\nUSER app\nWORKDIR /work\n").image
    entry = image.view.lookup("/work")
    assert entry is not None and (entry.uid, entry.gid) == (1000, 1000)


def test_cache_hits_on_identical_rebuild_and_touch(engine):  # case 39
    ctx = {"app.py": b"v1"}
    df = "FROM base:1\nCOPY app.py /app/\nWORKDIR /app\n"
    first = build(engine, df, ctx)
    assert [s.cached for s in first.steps if s.layer is not None] == [False, False]
    assert first.first_miss is not None and "first build" in (first.first_miss.miss_reason or "")
    second = build(engine, df, dict(ctx))
    assert [s.cached for s in second.steps if s.layer is not None] == [True, True]
    assert second.image.id != first.image.id or second.image.id == first.image.id  # created times may differ
    assert second.image.diff_ids == first.image.diff_ids


def test_cache_miss_on_content_change_names_the_file(engine):
    df = "FROM base:1\nCOPY app.py /app/\nWORKDIR /app\n"
    build(engine, df, {"app.py": b"v1"})
    result = build(engine, df, {"app.py": b"v2"})
    layer_steps = [s for s in result.steps if s.layer is not None]
    assert [s.cached for s in layer_steps] == [False, False]
    assert "/app.py" in (layer_steps[0].miss_reason or "")
    assert "rebuilt" in (layer_steps[1].miss_reason or "")


def test_cache_miss_on_mode_change_only(engine):
    df = "FROM base:1\nCOPY run.sh /\n"
    build(engine, df, {"run.sh": (b"x", 0o644)})
    result = build(engine, df, {"run.sh": (b"x", 0o755)})
    assert not result.steps[-1].cached


def test_label_change_does_not_invalidate_later_copy_case_40(engine):
    build(engine, "FROM base:1\nLABEL v=1\nCOPY a /a\n", {"a": b"a"})
    result = build(engine, "FROM base:1\nLABEL v=2\nCOPY a /a\n", {"a": b"a"})
    assert result.steps[-1].cached


def test_only_needed_stages_are_built_case_44(engine):
    df = (
        "FROM base:1 AS one\nCOPY a /a\n"
        "FROM base:1 AS two\nCOPY b /b\n"
        "FROM base:1 AS final\nCOPY --from=two /b /from-two\n"
    )
    result = build(engine, df, {"a": b"a", "b": b"b"})
    assert [s.built for s in result.stages] == [False, True, True]
    assert result.image.read_file("/from-two") == b"b"
    assert {s.stage for s in result.steps} == {"two", "final"}
    assert result.steps[-1].copy_from == "two"
    target = build(engine, df, {"a": b"a", "b": b"b"}, target="one")
    assert [s.built for s in target.stages] == [True, False, False]


def test_copy_from_keeps_owner_and_hits_when_content_is_identical_case_43_47(engine):
    df = (
        "FROM base:1 AS builder\nARG V=1\nCOPY --chown=app src /out/app\n"
        "FROM base:1\nCOPY --from=builder /out/app /app\n"
    )
    build(engine, df, {"src": b"same"})
    result = build(engine, df, {"src": b"same"}, build_args={"V": "2"})
    assert result.steps[-1].cached
    entry = result.image.view.lookup("/app")
    assert entry is not None and (entry.uid, entry.gid) == (1000, 1000)


def test_add_unpacks_local_tar_archives(engine):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = b"inside"
        info = tarfile.TarInfo("pkg/file.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    image = build(
        engine, "FROM base:1\nADD pkg.tar.gz /opt/\nCOPY pkg.tar.gz /raw/\n", {"pkg.tar.gz": buf.getvalue()}
    ).image
    assert image.read_file("/opt/pkg/file.txt") == b"inside"
    assert image.listdir("/raw") == ["pkg.tar.gz"]


def test_add_url_is_a_clear_error(engine):
    with pytest.raises(BuildError) as info:
        build(engine, "FROM base:1\nADD https://example.com/x.tgz /x\n")
    assert "network" in str(info.value)


def test_copy_heredoc_writes_0644_file_case_53(engine):
    image = build(engine, "FROM base:1\nARG FOO=bar\nCOPY <<-EOT /s.sh\n\techo ${FOO}\n\tEOT\n").image
    assert image.read_file("/s.sh") == b"echo bar\n"
    assert image.view.lookup("/s.sh").mode == 0o644  # type: ignore[union-attr]


def test_unknown_base_image_names_the_line(engine):
    with pytest.raises(BuildError) as info:
        build(engine, "FROM nosuchimage:9\n")
    assert "Dockerfile:1" in str(info.value) and "nosuchimage" in str(info.value)


def test_parse_errors_surface_as_dockerfile_error(engine):
    with pytest.raises(DockerfileError) as info:
        build(engine, "FROM base:1\nRUNN echo\n")
    assert info.value.line == 2 and "RUN" in str(info.value)


def test_scratch_label_only_has_no_layers_case_66(engine):
    image = build(engine, "FROM scratch\nLABEL a=b\n").image
    assert image.layers == () and image.chain_id == ""
    assert image.config.env_dict()["PATH"].startswith("/usr/local/sbin")


def test_progress_output_looks_like_buildkit(engine):
    result = build(engine, "FROM base:1\nENV A=1\nCOPY a /a\n", {"a": b"a"}, tag="demo:1")
    assert "#3 [internal] load metadata for docker.io/library/base:1" in result.log
    assert "#4 [1/2] FROM docker.io/library/base:1\n" in result.log  # BuildKit's fully qualified name
    assert "[2/2] COPY a /a" in result.log
    assert "naming to docker.io/library/demo:1 done" in result.log
    again = build(engine, "FROM base:1\nENV A=1\nCOPY a /a\n", {"a": b"a"})
    assert "CACHED" in again.log


def test_onbuild_triggers_run_in_child_and_are_cleared_case_62(engine):
    parent = build(engine, "FROM base:1\nONBUILD COPY a /from-trigger\n", tag="parent:1").image
    assert parent.config.on_build == ("COPY a /from-trigger",)
    assert all("ONBUILD" not in h.created_by for h in parent.history)
    child = build(engine, "FROM parent:1\nLABEL x=y\n", {"a": b"t"}).image
    assert child.read_file("/from-trigger") == b"t"
    assert child.config.on_build == ()


def test_layer_kinds_in_changeset(engine):
    image = build(engine, "FROM base:1\nCOPY d /d/\n", {"d/x": b"1"}).image
    top = image.layers[-1]
    assert top.entries["/d"].kind is Kind.DIR and top.entries["/d/x"].kind is Kind.FILE


def test_arg_scoping_global_needs_redeclaring_and_env_wins_case_42(engine):
    df = "ARG V=global\nFROM base:1\nARG V\nARG W=${V}-w\nARG X\nENV X=fixed\nLABEL v=$V w=$W x=$X\n"
    image = build(engine, df, build_args={"X": "from-cli"}).image
    assert dict(image.config.labels) == {"v": "global", "w": "global-w", "x": "fixed"}
    undeclared = build(engine, "ARG V=global\nFROM base:1\nLABEL v=$V\n").image
    assert dict(undeclared.config.labels) == {"v": ""}


def test_build_arg_change_misses_the_next_layer_step_not_the_arg_case_41(engine):
    df = "FROM base:1\nARG V\nWORKDIR /w\nCOPY a /a\n"
    build(engine, df, {"a": b"a"}, build_args={"V": "1"})
    result = build(engine, df, {"a": b"a"}, build_args={"V": "2"})
    # WORKDIR's operation does not carry the environment (BuildKit): only RUN does
    assert [s.cached for s in result.steps if s.layer is not None] == [True, True]


def test_run_layers_history_and_arg_cache_on_busybox_cases_34_41_54():
    engine = Engine()
    df = "FROM busybox\nARG B=2\nARG A=1\nRUN true\nRUN echo hi > /hello && rm /bin/ls\nENV E=x\nRUN true\n"
    first = engine.images.build(dockerfile=df)
    runs = [s for s in first.steps if s.keyword == "RUN"]
    assert runs[0].layer is not None and runs[0].layer.diff_id == EMPTY_TAR_DIFF_ID  # case 34 (BuildKit)
    assert runs[0].created_by == "RUN |2 B=2 A=1 /bin/sh -c true # buildkit"  # case 54: declaration order
    top = runs[1].layer
    assert top is not None and top.entries["/bin/ls"].kind is Kind.WHITEOUT
    assert first.image.read_file("/hello") == b"hi\n"
    second = engine.images.build(dockerfile=df, build_args={"A": "9"})
    runs2 = [s for s in second.steps if s.keyword == "RUN"]
    assert [s.cached for s in runs2] == [False, False, False]
    assert "A" in (runs2[0].miss_reason or "") and "'1' → '9'" in (runs2[0].miss_reason or "")
    third = engine.images.build(dockerfile=df.replace("ENV E=x", "ENV E=y"))
    assert [s.cached for s in third.steps if s.keyword == "RUN"] == [
        True,
        True,
        False,
    ]  # ENV reaches RUN only


def test_failing_run_names_line_command_and_output():
    engine = Engine()
    with pytest.raises(BuildError) as info:
        engine.images.build(dockerfile="FROM busybox\nRUN echo before && exit 3\n")
    text = str(info.value)
    assert "Dockerfile:2" in text and "exit code: 3" in text and "before" in text
    with pytest.raises(BuildError) as info:
        engine.images.build(dockerfile="FROM busybox\nRUN frobnicate --now\n")
    text = str(info.value)  # a hint, not the list of every command the shell knows (issue 11)
    assert "exit code: 127" in text and "hint: frobnicate is not in this image" in text
    assert "mkdir" not in text


def test_copy_chown_owns_the_directories_it_creates(engine):
    image = build(
        engine,
        "FROM base:1\nCOPY --chown=1000:1000 a /deep/new/parent/\nCOPY --chown=app tree /owned\n",
        {"a": b"a", "tree/x": b"x"},
    ).image
    for path in ("/deep", "/deep/new", "/deep/new/parent", "/deep/new/parent/a", "/owned", "/owned/x"):
        entry = image.view.lookup(path)
        assert entry is not None and (entry.uid, entry.gid) == (1000, 1000), path
    assert image.view.lookup("/etc").uid == 0  # type: ignore[union-attr]  # existing directories keep theirs


def test_add_archive_keeps_owners_and_hard_links(engine):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        info = tarfile.TarInfo("pkg/bin/tool")
        info.size, info.uid, info.gid, info.mode = 4, 1234, 5678, 0o755
        tf.addfile(info, io.BytesIO(b"tool"))
        link = tarfile.TarInfo("pkg/hard")
        link.type, link.linkname = tarfile.LNKTYPE, "pkg/bin/tool"
        tf.addfile(link)
    image = build(engine, "FROM base:1\nADD pkg.tar /opt/\n", {"pkg.tar": buf.getvalue()}).image
    tool = image.view.lookup("/opt/pkg/bin/tool")
    assert tool is not None and (tool.uid, tool.gid, tool.mode) == (1234, 5678, 0o755)
    top = image.layers[-1].entries
    kinds = {top["/opt/pkg/bin/tool"].kind, top["/opt/pkg/hard"].kind}
    assert kinds == {Kind.FILE, Kind.HARDLINK}  # one file and one link to it, in either order
    assert image.read_file("/opt/pkg/hard") == b"tool"


def test_fully_cached_rebuild_gives_the_same_image_id(engine):
    """BuildKit dates each history entry by its layer's creation (the cache record's), so an
    unchanged rebuild reproduces the config byte for byte; a changed step gets a new date."""
    df = "FROM base:1\nCOPY a /a\nENV X=1\nWORKDIR /w\n"
    first = build(engine, df, {"a": b"1"})
    second = build(engine, df, {"a": b"1"})
    assert second.image.id == first.image.id
    third = build(engine, df, {"a": b"2"})
    assert third.image.id != first.image.id
    assert third.image.history[-1].created > first.image.history[-1].created
    assert first.image.history[-2].created == first.image.history[-3].created  # ENV dated like the COPY


def test_expose_rejects_a_port_that_is_not_a_number(engine):
    with pytest.raises(BuildError, match="invalid containerPort: abc"):
        build(engine, "FROM base:1\nEXPOSE abc\n")
    image = build(engine, "FROM base:1\nEXPOSE 8000-8002/udp 53/sctp\n").image
    assert image.config.exposed_ports == ("53/sctp", "8000-8002/udp")


def test_run_on_scratch_says_there_is_no_shell():
    with pytest.raises(BuildError) as info:
        Engine().images.build(dockerfile="FROM scratch\nRUN echo hi\n")
    text = str(info.value)
    assert '"/bin/sh": stat /bin/sh: no such file or directory' in text and "the RUN shell knows" not in text
