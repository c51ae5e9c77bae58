"""Small, deterministic scenes shared by the diagram tests and the benchmark."""

from __future__ import annotations

from simulator import Engine, Entry, HistoryEntry, Image, Layer
from simulator.builder.result import BuildResult, StageRecord, StepRecord


def base_layer() -> Layer:
    return Layer.of(
        {
            "/bin": Entry.directory(),
            "/bin/sh": Entry.file(b"\x7fELF" + b"s" * 4996, 0o755),
            "/etc": Entry.directory(),
            "/etc/motd": Entry.file(b"welcome\n"),
            "/var/cache": Entry.directory(),
            "/var/cache/old.db": Entry.file(b"c" * 300),
            "/opt": Entry.directory(),
        },
        created_by="ADD rootfs.tar /",
    )


def app_image() -> Image:
    app = Layer.of(
        {"/app": Entry.directory(), "/app/main.py": Entry.file(b"print('hi')\n" * 100)},
        created_by="COPY main.py /app/",
    )
    cleanup = Layer.of(
        {
            "/var": Entry.directory(),
            "/var/cache": Entry.directory(opaque=True),
            "/etc": Entry.directory(),
            "/etc/motd": Entry.whiteout(),
        },
        created_by="RUN rm /etc/motd && rm -rf /var/cache && mkdir /var/cache",
    )
    history = [
        HistoryEntry("ADD rootfs.tar /"),
        HistoryEntry("ENV PATH=/usr/bin", empty_layer=True),
        HistoryEntry("COPY main.py /app/"),
        HistoryEntry(cleanup.created_by),
        HistoryEntry('CMD ["python", "/app/main.py"]', empty_layer=True),
    ]
    return Image.of([base_layer(), app, cleanup], history=history)


def other_image() -> Image:
    srv = Layer.of(
        {"/srv": Entry.directory(), "/srv/data": Entry.file(b"d" * 3000)}, created_by="COPY data /srv/"
    )
    return Image.of([base_layer(), srv])


def engine_scene() -> tuple[Engine, Image, Image]:
    # the golden diagrams' df numbers (SIZE, SHARED: layer bytes, IDs: config digests) are the
    # overlay2 store's; the sharing picture is the graphdriver's layer store
    engine = Engine(image_store="overlay2")
    app = engine.images.add(app_image(), "app:1")
    srv = engine.images.add(other_image(), "srv:1")
    web = engine.containers.create("app:1", name="web")
    web.start()
    web.write_file("/app/main.py", b"print('changed')\n")
    web.chmod("/bin/sh", 0o700)
    web.rmdir("/opt")
    web.write_file("/app/new.txt", b"new")
    return engine, app, srv


def build_result() -> BuildResult:
    image = app_image()
    layer_a = Layer.of(
        {"/out": Entry.directory(), "/out/app": Entry.file(b"bin" * 100)}, created_by="RUN make"
    )
    steps = (
        StepRecord(2, "builder", 0, (1, 3), "FROM", "FROM golang:1.22 AS builder", 1, cached=True),
        StepRecord(3, "builder", 0, (2, 3), "COPY", "COPY . /src", 2, cached=True, layer=layer_a),
        StepRecord(
            4,
            "builder",
            0,
            (3, 3),
            "RUN",
            "RUN make",
            3,
            cached=False,
            miss_reason="the files copied by COPY . /src changed (main.go)",
            layer=layer_a,
        ),
        StepRecord(6, "1", 2, (1, 4), "FROM", "FROM alpine:3.20", 7, cached=True),
        StepRecord(7, "1", 2, (2, 4), "ENV", "ENV APP=/app", 8),
        StepRecord(
            8,
            "1",
            2,
            (3, 4),
            "COPY",
            "COPY --from=builder /out/app /app",
            9,
            cached=False,
            miss_reason="its source stage was rebuilt",
            layer=layer_a,
            copy_from="builder",
        ),
        StepRecord(9, "1", 2, (4, 4), "CMD", 'CMD ["/app"]', 10),
    )
    stages = (
        StageRecord(0, "builder", "golang:1.22", True),
        StageRecord(1, "docs", "alpine:3.20", False),
        StageRecord(2, "1", "alpine:3.20", True, image=image, depends_on=(0,)),
    )
    return BuildResult(image, steps, stages, tag="app:2")


def flat(dot: str) -> str:
    """A diagram's DOT text with the line breaks inside its labels read as spaces: the facts a
    test looks for, whatever width the labels are wrapped to (simulator.viz.style.wrap)."""
    return dot.replace("\u00a0", "").replace("\\n", " ")
