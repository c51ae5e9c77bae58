"""Content addressing and the canonical layer tar (SEMANTICS §2.1–2.3, cases 24–31)."""

from __future__ import annotations

import hashlib
import io
import tarfile

from simulator import EMPTY_TAR_DIFF_ID, Entry, HistoryEntry, Image, ImageConfig, Layer, chain_ids
from simulator.digest import canonical_json, sha256_digest

E = EMPTY_TAR_DIFF_ID


def test_empty_layer_is_the_1024_byte_empty_tar():  # case 29
    layer = Layer.of({})
    assert layer.tar() == b"\0" * 1024
    assert layer.diff_id == "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
    assert sha256_digest(layer.tar()) == layer.diff_id


def test_chain_id_vectors():  # case 30
    assert chain_ids([E]) == [E]
    assert chain_ids([E, E])[-1] == "sha256:170b376f64fb30995c140276be3d71dfb256b308d86183ca3b22aa93a79ad548"
    assert (
        chain_ids([E, E, E])[-1] == "sha256:7800f80a93336d416612f372faa5f69eb67b353ce6ae9535fa0848f8784c74b1"
    )


def test_empty_json_descriptor_digest():
    assert (
        sha256_digest(canonical_json({}))
        == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    )


def test_diff_id_is_sha256_of_the_tar_bytes_and_tar_is_readable():
    layer = Layer.of(
        {
            "/etc": Entry.directory(),
            "/etc/motd": Entry.file(b"hello\n", 0o640, 1, 2),
            "/bin/sh": Entry.symlink("busybox"),
            "/gone": Entry.whiteout(),
            "/opq": Entry.directory(0o750, opaque=True),
        }
    )
    raw = layer.tar()
    assert layer.diff_id == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert len(raw) % 512 == 0
    with tarfile.open(fileobj=io.BytesIO(raw)) as tf:
        members = {m.name: m for m in tf.getmembers()}
        assert tf.extractfile(members["etc/motd"]).read() == b"hello\n"  # type: ignore[union-attr]
    assert members["etc/motd"].mode == 0o640 and members["etc/motd"].uid == 1 and members["etc/motd"].gid == 2
    assert members["etc/motd"].mtime == 0 and members["etc/motd"].uname == ""
    assert members["bin/sh"].issym() and members["bin/sh"].linkname == "busybox"
    assert members[".wh.gone"].isreg() and members[".wh.gone"].size == 0
    assert members["opq/.wh..wh..opq"].isreg()
    names = [m.name for m in members.values()]
    # the opaque marker comes right after its directory (Docker's overlay2 order)
    assert names.index("opq/.wh..wh..opq") == names.index("opq") + 1
    # parents before children
    assert names.index("etc") < names.index("etc/motd")


def test_digest_does_not_depend_on_insertion_order():
    items = [("/b", Entry.file(b"2")), ("/a", Entry.directory()), ("/a/x", Entry.file(b"1"))]
    assert Layer.of(items).diff_id == Layer.of(list(reversed(items))).diff_id


def test_one_byte_changes_diff_id_chain_ids_and_image_id():
    base = Layer.of({"/f": Entry.file(b"a")})
    top = Layer.of({"/g": Entry.file(b"b")})
    img = Image.of([base, top])
    base2 = Layer.of({"/f": Entry.file(b"A")})
    img2 = Image.of([base2, top])
    assert base.diff_id != base2.diff_id
    assert img.chain_ids[0] != img2.chain_ids[0] and img.chain_ids[1] != img2.chain_ids[1]
    assert img.diff_ids[1] == img2.diff_ids[1]
    assert img.id != img2.id


def test_same_diff_id_at_another_depth_is_another_chain_id():  # case 30
    layer = Layer.of({"/f": Entry.file(b"x")})
    a = Image.of([layer])
    b = Image.of([Layer.of({"/g": Entry.file(b"y")}), layer])
    assert a.chain_ids[-1] != b.chain_ids[-1]


def test_image_id_is_sha256_of_config_bytes():  # case 31
    img = Image.of([Layer.of({"/f": Entry.file(b"x")})], ImageConfig(env=("PATH=/bin",), cmd=("sh",)))
    assert img.id == sha256_digest(img.config_bytes())
    cfg = img.config_json()
    assert cfg["rootfs"] == {"type": "layers", "diff_ids": img.diff_ids}
    assert cfg["config"] == {"Env": ["PATH=/bin"], "Cmd": ["sh"]}


def test_history_must_pair_with_layers():  # case 32
    layer = Layer.of({"/f": Entry.file(b"x")})
    try:
        Image.of([layer], history=[HistoryEntry("a"), HistoryEntry("b")])
    except ValueError as e:
        assert "2 non-empty entries" in str(e)
    else:
        raise AssertionError("expected ValueError")
    ok = Image.of([layer], history=[HistoryEntry("ENV A=b", empty_layer=True), HistoryEntry("RUN x")])
    assert [layer_ is None for _, layer_ in ok.layer_history()] == [True, False]


def test_layer_size_counts_files_and_symlinks_once():
    layer = Layer.of(
        {
            "/d": Entry.directory(),
            "/d/f": Entry.file(b"12345"),
            "/d/h": Entry.hardlink("/d/f"),
            "/d/l": Entry.symlink("f"),
            "/x": Entry.whiteout(),
        }
    )
    assert layer.size == 5 + 1


def test_hardlink_to_a_later_path_is_written_after_its_target():
    layer = Layer.of({"/a": Entry.hardlink("/z"), "/z": Entry.file(b"data")})
    with tarfile.open(fileobj=io.BytesIO(layer.tar())) as tf:
        members = tf.getmembers()
    assert members[0].name == "a" and members[0].isreg() and members[0].size == 4
    assert members[1].name == "z" and members[1].islnk() and members[1].linkname == "a"


def test_go_style_json_escaping():
    assert canonical_json({"b": "<&>", "a": 1}) == b'{"a":1,"b":"\\u003c\\u0026\\u003e"}'


def test_long_names_round_trip_through_pax():
    long = "/" + "/".join(["d" * 60] * 4)
    layer = Layer.of({long: Entry.file(b"x")})
    with tarfile.open(fileobj=io.BytesIO(layer.tar())) as tf:
        assert long.lstrip("/") in tf.getnames()
