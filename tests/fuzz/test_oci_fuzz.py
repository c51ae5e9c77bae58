"""Fuzzing the OCI reader: every input ends in images or an ImageFormatError, within bounds.

Hypothesis builds layouts around hostile layer tars (member names, types, link targets, sizes,
whiteouts), mutates their bytes (flips, cuts, appended garbage) while keeping the digests right
so the tar parser is reached, mutates the JSON documents, and packs layouts into tar and
gzip-tar archives with mutated bytes.  Each input must finish in a few seconds and a bounded
amount of memory.  The CI profile (tests/conftest.py) derandomizes and fixes the example count.
The cases the fuzzer found are pinned as regression tests at the end.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import ImageFormatError
from simulator.oci import ImportLimits, read_layout
from tests.oci.layouts import make_layout

from ._robust_bounds import bounded

LIMITS = ImportLimits(max_uncompressed_bytes=64 << 20, max_entries=10_000)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NAME_PARTS = st.sampled_from(
    ["a", "b", "etc", ".", "..", "", ".wh.a", ".wh..wh..opq", ".wh.", ".wh..wh.x", "é", "\x00"]
)
NAMES = st.lists(NAME_PARTS, min_size=1, max_size=5).map("/".join) | st.text(max_size=12)
KINDS = st.sampled_from(
    [
        tarfile.REGTYPE,
        tarfile.DIRTYPE,
        tarfile.SYMTYPE,
        tarfile.LNKTYPE,
        tarfile.CHRTYPE,
        tarfile.FIFOTYPE,
        b"Z",
    ]
)


@st.composite
def layer_tars(draw: st.DrawFn) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for _ in range(draw(st.integers(0, 6))):
            name = draw(NAMES)
            info = tarfile.TarInfo(name.replace("\x00", "") or "x")
            info.type = draw(KINDS)
            info.mode = draw(st.integers(0, 0o7777))
            info.uid = draw(st.integers(0, 70000))
            if info.type in (tarfile.SYMTYPE, tarfile.LNKTYPE):
                info.linkname = draw(NAMES).replace("\x00", "") or "x"
            data = draw(st.binary(max_size=64)) if info.type == tarfile.REGTYPE else b""
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data else None)
    raw = buf.getvalue()
    return draw(_mutated(raw))


def _mutated(raw: bytes) -> st.SearchStrategy[bytes]:
    def flip(args: tuple[int, int]) -> bytes:
        at, value = args
        if not raw:
            return raw
        data = bytearray(raw)
        data[at % len(data)] = value
        return bytes(data)

    return st.one_of(
        st.just(raw),
        st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)).map(flip),
        st.integers(0, max(len(raw), 1)).map(lambda n: raw[:n]),
        st.binary(max_size=600).map(lambda junk: raw + junk),
    )


def _read(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OCIWarning for skipped devices is documented
        try:
            images = read_layout(path, limits=LIMITS)
        except ImageFormatError:
            return
    for image, _tags in images:  # a success must be usable: every file reads back
        for layer in image.layers:
            for entry in layer.entries.values():
                if entry.kind.value == "file":
                    entry.read()


@FUZZ
@given(tars=st.lists(layer_tars(), min_size=1, max_size=3), compress=st.booleans())
def test_layer_tars(tmp_path_factory: pytest.TempPathFactory, tars: list[bytes], compress: bool) -> None:
    root = tmp_path_factory.mktemp("fuzz") / "lay"
    make_layout(root, tars, compress=compress)
    bounded(lambda: _read(root), seconds=10, megabytes=64)


DOCS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(which=st.sampled_from(["index.json", "oci-layout"]), doc=DOCS | st.binary(max_size=200))
def test_json_documents(tmp_path_factory: pytest.TempPathFactory, which: str, doc: object) -> None:
    root = make_layout(tmp_path_factory.mktemp("fuzz") / "lay", [b"\0" * 1024])
    (root / which).write_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    bounded(lambda: _read(root), seconds=10, megabytes=64)


@FUZZ
@given(
    manifest_patch=st.dictionaries(
        st.sampled_from(["schemaVersion", "config", "layers", "mediaType"]), DOCS, max_size=2
    )
)
def test_manifest_fields(tmp_path_factory: pytest.TempPathFactory, manifest_patch: dict) -> None:
    import hashlib

    root = make_layout(tmp_path_factory.mktemp("fuzz") / "lay", [b"\0" * 1024])
    index = json.loads((root / "index.json").read_text())
    desc = index["manifests"][0]
    blob = root / "blobs" / "sha256" / desc["digest"].split(":")[1]
    manifest = {**json.loads(blob.read_bytes()), **manifest_patch}
    data = json.dumps(manifest).encode()
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    index["manifests"][0] = {**desc, "digest": f"sha256:{digest}", "size": len(data)}
    (root / "index.json").write_text(json.dumps(index))
    bounded(lambda: _read(root), seconds=10, megabytes=64)


@FUZZ
@given(tar=layer_tars(), gz=st.booleans(), cut=st.integers(0, 4000), junk=st.binary(max_size=64))
def test_archives(
    tmp_path_factory: pytest.TempPathFactory, tar: bytes, gz: bool, cut: int, junk: bytes
) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    root = make_layout(base / "lay", [tar])
    packed = Path(shutil.make_archive(str(base / "arch"), "tar", root)).read_bytes()
    if gz:
        packed = gzip.compress(packed, mtime=0)
    if cut:
        packed = packed[: -cut % max(len(packed), 1) or None] + junk
    (base / "arch.tar").write_bytes(packed)
    bounded(lambda: _read(base / "arch.tar"), seconds=10, megabytes=64)


# -- regressions: each case the issue or the fuzzer found -----------------------------------------
def test_regression_nested_index(tmp_path: Path) -> None:
    root = make_layout(tmp_path / "lay", [b"\0" * 1024])
    (root / "index.json").write_text("[" * 100_000)
    with pytest.raises(ImageFormatError, match="too deep"):
        read_layout(root)


def test_regression_nul_in_member_name_and_empty_link(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("l")
        info.type = tarfile.SYMTYPE
        info.linkname = ""
        tar.addfile(info)
    with pytest.raises(ImageFormatError, match="empty target"):
        read_layout(make_layout(tmp_path / "lay", [buf.getvalue()]))
