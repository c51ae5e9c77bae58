"""What each diagram says (read from the DOT text, no `dot` needed)."""

from __future__ import annotations

import re

import pytest

from simulator import Engine, Entry, Image, Layer
from simulator.viz import (
    OKABE_ITO,
    build_graph,
    content_addressing,
    copy_up,
    layer_stack,
    layer_tree,
    one_byte_changed,
    overlay,
    sharing_dag,
)

from .scenes import base_layer, build_result, engine_scene, flat


def _all_diagrams():
    engine, app, _ = engine_scene()
    web = engine.containers.get("web")
    return [
        layer_stack(app),
        layer_tree(app.layers[2]),
        sharing_dag(engine),
        overlay(web, "/app/new.txt"),
        copy_up(web, "/bin/sh"),
        build_graph(build_result()),
        content_addressing(app, 0),
    ]


@pytest.mark.parametrize("graph", _all_diagrams(), ids=lambda g: g.name)
def test_fonts_are_projector_sized(graph):
    sizes = [float(s) for s in re.findall(r'fontsize=(?:")?([0-9.]+)', graph.source)]
    assert sizes and min(sizes) >= 14


@pytest.mark.parametrize("graph", _all_diagrams(), ids=lambda g: g.name)
def test_only_okabe_ito_colours(graph):
    colours = {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}", graph.source)}
    assert colours <= {c.upper() for c in OKABE_ITO.values()}


@pytest.mark.parametrize("graph", _all_diagrams(), ids=lambda g: g.name)
def test_every_diagram_has_a_legend(graph):
    assert "subgraph cluster_legend" in graph.source


def test_stack_orders_layers_and_annotates_metadata(image):
    dot = layer_stack(image).source
    assert "rankdir=BT" in dot
    assert re.search(r"L0 -> L1\b", dot) and re.search(r"L1 -> L2\b", dot) and "L2 -> image" in dot
    assert "ENV PATH=/usr/bin\\nconfig only: no layer" in dot
    assert dot.count("shape=note") >= 2  # the two metadata entries (plus the legend's sample)
    assert "COPY main.py /app/" in dot and "1.2kB (1200 B)" in dot
    assert "meta1 [" in dot and "L3" not in dot  # metadata entries never become layers


def test_sharing_dag_draws_shared_layers_once_with_df_numbers(scene):
    engine, app, _srv = scene
    dot = sharing_dag(engine).source
    base = app.chain_ids[0]
    assert dot.count(f"\tlayer_{base[7:19]} [") == 1  # one node (an edge may name it too)
    assert "shared by 2 images" in dot and "peripheries=2" in dot
    assert "SHARED 5.308kB" in dot  # what docker system df -v prints for the base
    usage = {row.id: row for row in engine.df().images}
    assert usage[app.id].shared_size == base_layer().size
    assert "docker system df" in dot and "container web" in dot
    assert f"image_{app.short_id} -> container_web" in dot


def test_sharing_dag_case_61_numbers():
    """SEMANTICS case 61: X in use, Y unused, 10 MB shared base, 5 MB unique each."""
    engine = Engine(image_store="overlay2")  # case 61's numbers are the graphdriver store's
    base = Layer.of({"/base": Entry.file(b"b" * 10_000_000)})
    x = engine.images.add(Image.of([base, Layer.of({"/x": Entry.file(b"x" * 5_000_000)})]), "x:1")
    engine.images.add(Image.of([base, Layer.of({"/y": Entry.file(b"y" * 5_000_000)})]), "y:1")
    engine.containers.create(x).start()
    dot = sharing_dag(engine).source
    assert "SIZE 15MB SHARED 10MB UNIQUE 5MB" in flat(dot)
    assert re.search(r"Images +2 +1 +20MB +5MB \(25%\)", dot)
    assert "(without sharing: 30MB)" in dot


def test_overlay_marks_resolution_whiteouts_and_opaque(scene):
    engine, _, _ = scene
    web = engine.containers.get("web")
    dot = overlay(web, "/var/cache/old.db").source
    assert "/var/cache/ is opaque: lower layers hidden" in flat(dot)
    assert "old.db: file -rw-r--r-- 0:0 300 B (hidden)" in flat(dot)
    assert "whiteout /etc/motd" in flat(dot) and "opaque dir /var/cache" in flat(dot)
    assert "whiteout /opt" in flat(dot)  # the container's own rmdir
    assert "not found (ENOENT)" in flat(dot)
    dot = overlay(web, "/bin/sh").source
    assert "/bin/sh: file -rwx------ 0:0 5kB (5000 B) ← resolves here" in flat(dot)
    found = re.search(r'\tupper \[label="writable layer[^\]]*\]', dot)
    assert found is not None
    upper = found.group(0)
    assert "peripheries=2" in upper and "penwidth=3.5" in upper
    dot = overlay(web, "/app/main.py").source
    assert "/app/main.py ← upper" in flat(dot)


def test_overlay_of_an_image_and_of_a_removed_container(image, scene):
    assert "upper" not in overlay(image, "/bin/sh").source.split("cluster_legend")[0].replace("upper)", "")
    engine, _, _ = scene
    web = engine.containers.get("web")
    web.stop()
    web.remove()
    assert "writable layer (upperdir) 0 B" in flat(overlay(web).source)


def test_copy_up_for_chmod_and_write(scene):
    engine, _, _ = scene
    web = engine.containers.get("web")
    chmod = copy_up(web, "/bin/sh").source
    assert "copy-up of /bin/sh for chmod: 5kB (5000 B) copied (the whole file)" in flat(chmod)
    assert "a metadata change still copies every byte of the file" in chmod
    assert "file -rwxr-xr-x 0:0 5kB (5000 B)" in chmod and "file -rwx------ 0:0 5kB (5000 B)" in chmod
    assert "+ parent /bin/ copied (0 B)" in chmod
    event = next(e for e in web.copy_ups if e.reason == "write")
    write = copy_up(web, event).source
    assert "for write: 1.2kB (1200 B) copied" in flat(write) and "17 B" in write
    with pytest.raises(LookupError, match="copied-up paths"):
        copy_up(web, "/nowhere")


def test_build_graph_shows_cache_first_miss_copy_from_and_skipped(result):
    dot = build_graph(result).source
    assert "first cache miss: RUN make (the files copied by COPY . /src changed (main.go))" in flat(dot)
    assert "FIRST MISS: the files copied by COPY . /src changed (main.go)" in flat(dot)
    assert "CACHED · 300B" in dot
    assert "rebuilt (its source stage was rebuilt)" in flat(dot)
    assert re.search(r"step2 -> step5 \[[^\]]*COPY --from=builder", dot)  # RUN make -> COPY --from
    assert "stage docs SKIPPED" in flat(dot) and 'style="rounded,dashed"' in dot
    assert "1 layer step cached, 2 rebuilt" in dot
    assert "#2 FROM golang:1.22" in dot and "no layer (config only)" in dot


def test_build_graph_without_stage_records(result):
    from dataclasses import replace

    dot = build_graph(replace(result, stages=())).source
    assert "cluster_stage0" in dot and "cluster_stage2" in dot


def test_content_addressing_one_byte(image):
    changed, note = one_byte_changed(image, 1)
    assert note == "flipped the first byte of /app/main.py in L1"
    assert changed.diff_ids[0] == image.diff_ids[0] and changed.diff_ids[2] == image.diff_ids[2]
    assert changed.diff_ids[1] != image.diff_ids[1]
    assert changed.chain_ids[0] == image.chain_ids[0]
    assert all(a != b for a, b in zip(changed.chain_ids[1:], image.chain_ids[1:], strict=True))
    dot = content_addressing(image, 1).source
    blocks = dict(re.findall(r'^\t+(diff\d|chain\d|config|image_id) \[label="([^"]*)"', dot, re.M))
    assert blocks["diff0"].endswith("unchanged") and blocks["diff2"].endswith("unchanged")
    assert blocks["diff1"].endswith("CHANGED") and blocks["chain2"].endswith("CHANGED")
    assert blocks["chain0"].endswith("unchanged") and "CHANGED" in blocks["config"]
    assert blocks["image_id"].endswith("CHANGED")
    plain = content_addressing(image, manifest_digest="sha256:" + "ab" * 32).source
    assert "CHANGED" not in plain.split("cluster_legend")[0] and "manifest digest" in plain
    assert content_addressing(image, image.layers[2]).source == content_addressing(image, 2).source


def test_one_byte_change_of_a_layer_without_files():
    image = Image.of([Layer.of({"/d": Entry.directory()})])
    changed, note = one_byte_changed(image, 0)
    assert "/.one-byte" in note and changed.id != image.id
    with pytest.raises(IndexError):
        one_byte_changed(image, 3)


def test_labels_escape_backslashes_and_angle_brackets():
    layer = Layer.of({"/x": Entry.file(b"1")}, created_by='RUN echo "a\\b" <none>')
    dot = layer_stack(Image.of([layer])).source
    assert 'RUN echo \\"a\\\\b\\" <none>' in dot


def test_empty_engine_and_image():
    assert "0 images, 0 snapshots" in sharing_dag(Engine()).source  # the containerd store
    assert "0 images, 0 layers" in sharing_dag(Engine(image_store="overlay2")).source
    assert "0 layers" in layer_stack(Image.of([])).source


def test_layer_tree_caps_long_layers():
    layer = Layer.of({f"/f{i:03}": Entry.file(b"x") for i in range(100)})
    dot = layer_tree(layer).source
    assert "… and 60 more paths" in dot


def test_build_graph_of_a_real_build_keeps_instruction_order():
    from simulator import Engine

    engine = Engine()
    result = engine.images.build(
        dockerfile='FROM busybox\nENV A=1\nRUN echo hi > /x\nCMD ["sh"]\nLABEL k=v\n'
    )
    dot = build_graph(result).source
    labels = re.findall(r'^\t+(step\d+) \[label="([^\\]*)', dot, flags=re.M)
    assert [text.split("] ")[-1][:5] for _, text in labels] == ["ENV A", "RUN e", "CMD [", "LABEL"]
    assert len({sid for sid, _ in labels}) == 4  # every step its own node, config-only ones included


def test_sharing_dag_folds_many_containers_of_one_image():
    """Issue 14: a class's worth of containers drawn one by one widened the DAG past the screen."""
    from simulator import Engine
    from simulator.viz import sharing_dag

    engine = Engine()
    engine.images.pull("busybox")
    started = [engine.containers.create("busybox").start() for _ in range(8)]
    started[0].write_file("/tmp/x", b"12345")
    started[1].stop()
    folded = sharing_dag(engine).source
    assert folded.count("shape=component") == 1 + 1  # one folded node + its legend entry
    assert "8 containers of busybox:latest" in flat(folded) and "1 exited · 7 running" in folded
    assert "largest 5 B" in folded
    each = sharing_dag(engine, fold=0).source
    assert each.count("shape=component") == 8 + 1 and "containers of" not in each
    assert sharing_dag(engine, fold=8).source == each  # up to fold, drawn one by one
