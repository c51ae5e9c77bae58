"""Generate the lesson notebooks (``NN-topic.ipynb``) from the cells written below.

Run ``python notebooks/_make_notebooks.py`` after editing; commit the script and the notebooks
it writes.  The notebooks are written without outputs or execution counts, with stable cell
ids, so regenerating an unchanged script changes nothing and a review reads this one file.

Conventions:

- every notebook opens with what the student will be able to do, and ends with a summary;
- a navigation cell (previous / index / next) at the top and at the bottom;
- exercises: an *answer cell* tagged ``answer:<name>`` holding ``...`` for the student to
  replace, then a cell calling a ``check_*`` function (``simulator.exercises``) that shows
  feedback; the test suite runs each notebook once as it is and once with the answers filled
  in (``tests/notebooks/solutions.py``) and expects every check to pass then;
- misconception probes: a *prediction cell* (tagged ``answer:<name>``, a value to choose)
  before the experiment, and ``reveal(...)`` after it;
- ``assert`` lines check the claims the text makes, so running a notebook tests it.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

NOTEBOOKS: list[tuple[str, str]] = [
    ("00-index", "Index"),
    ("01-images-and-layers", "Images are stacks of immutable layers"),
    ("02-containers-copy-on-write", "Containers: copy-on-write over shared layers"),
    ("03-dockerfile-builds-and-cache", "Dockerfile builds and the build cache"),
    ("04-layer-sharing-and-disk-usage", "Layer sharing and disk usage"),
    ("05-image-size", "Image size: what is shipped, what is wasted"),
    ("06-real-overlayfs", "The real overlayfs beside the model"),
]


def md(text: str) -> dict:
    return new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str) -> dict:
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def answer(name: str, text: str) -> dict:
    return code(text, f"answer:{name}")


def nav(index: int) -> dict:
    parts = []
    if index > 1:
        stem, title = NOTEBOOKS[index - 1]
        parts.append(f"[← {stem[:2]} {title}]({stem}.ipynb)")
    if index != 0:
        parts.append("[Index](00-index.ipynb)")
    if index + 1 < len(NOTEBOOKS):
        stem, title = NOTEBOOKS[index + 1]
        parts.append(f"[{stem[:2]} {title} →]({stem}.ipynb)")
    return md(" | ".join(parts))


def setup(imports: str, rest: str) -> dict:
    """The first code cell: the imports, the notebook display of model objects, then ``rest``."""
    lines = [
        "from simulator import Engine",
        "from simulator.viz import install_reprs",
        *imports.strip().splitlines(),
    ]
    body = (
        "\n".join(lines)
        + "\n\ninstall_reprs()  # images, layers, containers and engines display as diagrams\n"
    )
    return code(body + rest)


# --------------------------------------------------------------------------------------------
# 00 index


def nb00() -> list[dict]:
    rows = "\n".join(f"| {stem[:2]} | [{title}]({stem}.ipynb) |" for stem, title in NOTEBOOKS[1:])
    return [
        md("""
# layerlab: container images and containers, explained by a simulator

These notebooks teach how container images and containers work, by building, running and
taking apart images in **layerlab**, a simulator that behaves like Docker (BuildKit builds,
overlayfs containers) but runs entirely inside Python. Nothing here needs Docker.

**By the end you will be able to**

- say what an image is made of, and why its layers never change;
- predict what a container's writes, deletes and `chmod`s do to its writable layer;
- predict which Dockerfile steps the build cache reuses, and order a Dockerfile for it;
- explain why ten containers of one image cost almost no disk, and read `docker system df`;
- find wasted bytes in an image and remove them;
- compare the simulator with the kernel's real overlayfs.
"""),
        md(f"""
## The lessons

Take them in order: each one uses the ideas of the ones before.

| # | notebook |
|---|---|
{rows}

Each lesson has diagrams, an interactive widget, exercises that check your answer and give
hints, and a *prediction* question: you write down what you expect **before** running the
experiment. Guessing wrong is the point: it shows which idea to look at again.

**How to work**: run the cells from the top (Shift-Enter). When a cell holds `...`, replace the
`...` with your answer and run the cell and the check below it again.
"""),
        code("""
# Check that everything the lessons need is here.
import simulator
from simulator.viz import dot_available
from simulator import widgets, exercises

print("layerlab", simulator.__version__)
print("Graphviz dot:", "found" if dot_available() else "missing: diagrams will be shown as text")
assert hasattr(widgets, "ContainerPlayground") and hasattr(exercises, "check_layer_count")
"""),
        nav(0),
    ]


# --------------------------------------------------------------------------------------------
# 01 images and layers


def nb01() -> list[dict]:
    return [
        nav(1),
        md("""
# 01 · Images are stacks of immutable layers

**You will be able to**

- list the layers of an image and say which Dockerfile instruction made each one;
- tell the instructions that make a layer from those that only change the image's *config*;
- explain DiffID, ChainID and ImageID, and predict which of them a change affects;
- check that a layer, once made, never changes.
"""),
        setup(
            """
from simulator.viz import layer_stack, content_addressing
from simulator.widgets import show, LayerExplorer
from simulator.exercises import check_layer_count, check_image_id_changes, reveal
""",
            """
engine = Engine()
""",
        ),
        md("""
## 1. A base image

`docker pull busybox` fetches an image: a list of **layers** (each one a tar archive of files)
and a **config** (environment, default command, history). layerlab has a small built-in
library of base images instead of a network.
"""),
        code("""
base = engine.images.pull("busybox")
print(base, "-", len(base.layers), "layer,", base.size, "bytes")
show(layer_stack(base, name="busybox"))
"""),
        code("""
print(engine.images.history("busybox"))
"""),
        md("""
`docker history` lists the history entries, newest first. One row here is a layer (with a
size); `CMD ["sh"]` shows `0B` because it made no layer: it only changed the config.

Careful: `0B` alone does not prove there is no layer. SIZE counts the bytes of the files in a
layer, so a layer that only creates directories (`RUN mkdir /app`) also shows `0B`. The image
config records which history entries have no layer (`empty_layer: true`).

## 2. Build an image: which instructions make layers?

Here is a Dockerfile with six instructions after `FROM`.
"""),
        code("""
DOCKERFILE = '''\\
FROM busybox
ENV GREETING=hello
LABEL course="containers 101"
RUN mkdir /data && echo "$GREETING" > /data/greeting.txt
COPY notes.txt /data/
EXPOSE 8080
CMD ["cat", "/data/greeting.txt"]
'''
CONTEXT = {"notes.txt": "layers are tar files\\n"}
"""),
        md("""
### Predict first

How many layers will this build add on top of busybox's one layer? Write a whole number
before you run the build.
"""),
        answer("p01_layers", "prediction = ...  # a whole number"),
        code("""
result = engine.images.build(DOCKERFILE, context=CONTEXT, tag="hello:1")
image = result.image
added = len(image.layers) - len(base.layers)
reveal(prediction, added,
       "BuildKit (Docker's default builder) decides by the kind of instruction: RUN, COPY, ADD and "
       "WORKDIR (except WORKDIR /) always make a layer, even an empty one when nothing changes. ENV, "
       "LABEL, EXPOSE and CMD only edit the config, so docker history shows them as 0B. (The old "
       "classic builder decides by content instead: a step that changes no file makes no layer.)")
"""),
        code("""
for step in result.steps:
    print(f"{step.instruction:55} {'layer ' + str(step.layer.size) + ' B' if step.layer else 'config only'}")
assert added == sum(1 for step in result.steps if step.layer is not None)
show(layer_stack(image, name="hello:1"))
"""),
        md("""
The diagram draws each layer as a box (bottom first) and the config-only entries as notes
beside it. Every layer lists what it changed: the `RUN` layer holds `/data` and
`/data/greeting.txt`; the `COPY` layer holds `/data/notes.txt` (and `/data`, its parent).

## 3. Layers are immutable and shared

The new image did not copy busybox: its bottom layer *is* busybox's layer, the same object
with the same digest. A layer is never edited; a change makes a new layer on top.
"""),
        code("""
assert image.layers[0] is base.layers[0]
assert image.chain_ids[0] == base.chain_ids[0]

import dataclasses
try:
    image.layers[0].created_by = "edited"
except dataclasses.FrozenInstanceError as exc:
    print("cannot edit a layer:", type(exc).__name__)

# a container writing a file does not change the image either
c = engine.containers.create("hello:1").start()
c.exec_run("echo bonjour > /data/greeting.txt")
assert image.read_file("/data/greeting.txt") == b"hello\\n"
print("container sees:", c.read_file("/data/greeting.txt"), " image still has:", image.read_file("/data/greeting.txt"))
"""),
        md("""
## 4. Content addressing: names made from content

Every identifier is a SHA-256 digest of bytes, computed with the OCI formulas:

- **DiffID** of a layer = sha256 of its uncompressed tar;
- **ChainID** = the DiffID for the bottom layer, then sha256(ChainID below + " " + DiffID): it names
  a layer *together with everything under it*;
- **ImageID** = sha256 of the config JSON, which lists the DiffIDs and the history.

Two digests you will meet on a real system are not these. A registry stores each layer
*compressed*, and the manifest names the compressed blob by its own digest: that digest is not
the DiffID. And Docker with the containerd image store (the default on new installs since
Docker 29) shows in its IMAGE ID column the digest of the *manifest* (or multi-platform index)
the tag points to, not the ImageID computed here.
"""),
        code("""
import hashlib

layer = image.layers[1]
assert layer.diff_id == "sha256:" + hashlib.sha256(layer.tar()).hexdigest()
chain = "sha256:" + hashlib.sha256(f"{image.chain_ids[0]} {image.diff_ids[1]}".encode()).hexdigest()
assert chain == image.chain_ids[1]
assert image.id == "sha256:" + hashlib.sha256(image.config_bytes()).hexdigest()
print("DiffID  ", layer.diff_id)
print("ChainID ", image.chain_ids[1])
print("ImageID ", image.id)
show(content_addressing(image))
"""),
        md("""
What if one byte of one file in layer 1 changes? The diagram recomputes everything and marks
what changed.
"""),
        code("""
show(content_addressing(image, changed_layer=1))
"""),
        code("""
engine.images.tag("hello:1", "hello:latest")
assert engine.images.get("hello:latest").id == image.id  # a tag is a name, not content
"""),
        md("""
## 5. Explore

The layer explorer shows each layer's files, marked **A** (added), **M** (modified) or
**D** (deleted). Move the slider; switch to *aggregated* to see the whole file system up to
that layer.
"""),
        code("""
LayerExplorer(engine, "hello:1")
"""),
        md("""
## Exercises

**Exercise 1.** How many layers does this Dockerfile add to its base image?
"""),
        code("""
EXERCISE_DOCKERFILE = '''\\
FROM busybox
ARG VERSION=1.0
ENV APP_VERSION=$VERSION
WORKDIR /srv
COPY app.sh .
RUN chmod +x app.sh
USER nobody
ENTRYPOINT ["./app.sh"]
'''
EXERCISE_CONTEXT = {"app.sh": "#!/bin/sh\\necho running\\n"}
"""),
        answer("ex01_count", "layers_added = ...  # a whole number"),
        code("check_layer_count(EXERCISE_DOCKERFILE, layers_added, EXERCISE_CONTEXT)"),
        md("""
**Exercise 2.** Which of these change the ImageID? Answer with a set of names:
`"retag"` (give it another tag), `"label"` (rebuild with one more `LABEL`), `"byte"` (one byte
of one file in one layer changes), `"history"` (the recorded command text changes),
`"pull-again"` (the same image pulled on another machine). Try them in code first if you like.
"""),
        answer("ex01_ids", 'changes_id = ...  # e.g. {"retag", "byte"}'),
        code("check_image_id_changes(changes_id)"),
        md("""
## Summary

- An image is a list of layers plus a config. With BuildKit, `RUN`, `COPY`, `ADD` and
  `WORKDIR` make layers (even empty ones); `ENV`, `ARG`, `LABEL`, `CMD`, `EXPOSE`, `USER` … only
  change the config (`0B` in `docker history`, but not every `0B` row is config-only).
- A layer never changes. A new image reuses the layers under it: the same objects, the same digests.
- Identifiers are digests of content: DiffID (one layer's tar), ChainID (a layer and all below
  it), ImageID (the config, which lists the DiffIDs). Change one byte in a layer and that
  layer's DiffID, its ChainID and every ChainID above it, and the ImageID change; the other
  layers' DiffIDs stay the same. A tag changes nothing.
"""),
        nav(1),
    ]


# --------------------------------------------------------------------------------------------
# 02 containers and copy-on-write


def nb02() -> list[dict]:
    return [
        nav(2),
        md("""
# 02 · Containers: copy-on-write over shared layers

**You will be able to**

- explain what a container is: the image's read-only layers plus one **writable layer** of its own;
- predict when a file is **copied up** into the writable layer, and how much is copied;
- recognise **whiteouts** (deleted files) and **opaque directories**;
- read `docker diff`, and say what `docker rm` and `docker commit` do to the writable layer.
"""),
        setup(
            """
from simulator.viz import overlay, copy_up, sharing_dag
from simulator.widgets import show, ContainerPlayground
from simulator.exercises import check_copy_up, check_whiteout, check_opaque_dir, reveal
""",
            """
engine = Engine()
image = engine.images.pull("alpine:3.20")
a = engine.containers.create("alpine:3.20", name="a").start()
b = engine.containers.create("alpine:3.20", name="b").start()
print(a, b, sep="\\n")
""",
        ),
        md("""
## 1. Two containers, one image

Both containers see the same files, served from the same image layer. Nothing was copied
when they started: each writable layer is empty.
"""),
        code("""
assert a.read_file("/etc/motd") == b.read_file("/etc/motd") == image.read_file("/etc/motd")
assert a.size_rw == b.size_rw == 0
show(overlay(a, "/etc/motd"))
"""),
        md("""
## 2. Copy-up: the first write copies the whole file

Appending one line to `/etc/motd` in container `a` makes overlayfs copy the whole file into
`a`'s writable layer, then change the copy. First it creates the parent directory `/etc`
there, *empty* but with the same owner and mode (the first event below, `bytes=0`): the other
files of `/etc` are not copied. The image layer is not touched, and `b` still sees the original.
"""),
        code("""
image_id = image.id
a.exec_run("echo 'maintenance at 18:00' >> /etc/motd")
for event in a.copy_ups:
    print(event)
assert b.read_file("/etc/motd") == image.read_file("/etc/motd")
assert image.id == image_id
show(copy_up(a, "/etc/motd"))
"""),
        md("""
## 3. Whiteouts and opaque directories

The image's layers are read-only, so deleting a file that comes from the image cannot remove
it from them: instead the writable layer gets a **whiteout**, a marker meaning "hide this name".
(Deleting a file the container created itself just removes it: there is nothing below to hide.)
`rm -rf` of a directory from the image also ends as a single whiteout, for the directory.
Deleting a directory from the image and then creating a new one with the same name gives an
**opaque directory**: it hides everything the image had below it.

(`/etc/hostname`, `/etc/hosts` and `/etc/resolv.conf` are different: Docker bind-mounts them
into every container, so `rm /etc/hostname` fails with "Device or resource busy", here as in Docker.)
"""),
        code("""
a.exec_run("rm /etc/issue")
a.exec_run("rm -rf /etc/ssl && mkdir /etc/ssl && echo new > /etc/ssl/only-this")
upper = a.upper_entries
assert upper["/etc/issue"].is_whiteout
assert upper["/etc/ssl"].is_dir and upper["/etc/ssl"].opaque
assert image.read_file("/etc/issue")  # still in the image
print(a.exec_run("ls /etc/ssl").output.decode())
show(overlay(a))
"""),
        md("""
## 4. `docker diff`

`docker diff` compares the container's file system with its image's, file by file: **A** added,
**C** changed, **D** deleted. It compares the two *merged views*, not the layers, so you never
see a whiteout or an opaque marker in it:

- a directory with changes below it is listed as `C` (`/etc`), before its children;
- a deleted directory is one `D` line, not one per file inside it;
- the opaque `/etc/ssl` still exists, so it is `C`, and each name it hides is `D`
  (`D /etc/ssl/certs` is one line for the whole `certs` directory), next to `A /etc/ssl/only-this`.

It compares type, mode, owner, size and modification time, not contents. (Real Docker prints
the lines of one directory in no fixed order; layerlab sorts them.)
"""),
        code("""
print(a.diff_text())
assert "D /etc/issue" in a.diff_text().splitlines()
assert b.diff() == []
"""),
        md("""
## 5. Is a container's writable layer permanent?

Container `a` has changed `/etc/motd`. We now remove it (`docker rm -f a`) and start a new
container `c` from the same image.

### Predict first

Will `c` see the line `maintenance at 18:00` in `/etc/motd`? Answer `"yes"` or `"no"`.
"""),
        answer("p02_rm", 'prediction = ...  # "yes" or "no"'),
        code("""
a.remove(force=True)
c = engine.containers.create("alpine:3.20", name="c").start()
seen = "yes" if b"maintenance" in c.read_file("/etc/motd") else "no"
reveal(prediction, seen,
       "The writable layer belongs to one container and is deleted with it by docker rm (docker stop "
       "and docker start keep it); the image never had the line. Keep data in a volume, or make a new "
       "image with docker commit (better: a Dockerfile).",
       choices=["yes", "no"])
"""),
        md("""
## 6. `docker commit`: a writable layer becomes an image layer

Committing a container freezes its writable layer into a new read-only layer on top of its
image: a new image. The sharing DAG shows it stacked on alpine's layer, stored once.
"""),
        code("""
b.exec_run("mkdir -p /srv && echo 'hi' > /srv/index.html")
snapshot = b.commit("site", "1")
assert len(snapshot.layers) == len(image.layers) + 1
assert snapshot.layers[0] is image.layers[0]
show(sharing_dag(engine))
"""),
        md("""
## 7. Playground

Start containers, type shell commands into each (`echo hi > /etc/motd`, `rm /etc/issue`,
`chmod 600 /etc/passwd`, `rm -rf /etc/apk && mkdir /etc/apk` …), and watch the selected
container's writable layer, its copy-ups and whiteouts, while the table shows the other
containers and the image unchanged. Remove a container; commit one and look at the sharing DAG.
"""),
        code("""
playground = ContainerPlayground(engine, "alpine:3.20")
playground
"""),
        code("""
# The same playground, driven from code (this is how the tests drive it)
playground.run("echo from-the-playground > /root/note")
assert playground.container.read_file("/root/note") == b"from-the-playground\\n"
"""),
        md("""
## Exercises

**Exercise 1.** Make container `ex1` copy `/etc/passwd` up **without changing its content**.
Write one shell command.
"""),
        code('ex1 = engine.containers.create("alpine:3.20", name="ex1").start()'),
        answer("ex02_copy", "command = ...  # a shell command, as a string"),
        code("""
if isinstance(command, str):
    print(ex1.exec_run(command).output.decode())
check_copy_up(ex1, "/etc/passwd", command=command)
"""),
        md("""
**Exercise 2.** In container `ex2`, delete `/etc/shells` so that `ex2` has a whiteout for it.
"""),
        code('ex2 = engine.containers.create("alpine:3.20", name="ex2").start()'),
        answer("ex02_whiteout", "command = ...  # a shell command"),
        code("""
if isinstance(command, str):
    ex2.exec_run(command)
check_whiteout(ex2, "/etc/shells", command=command)
"""),
        md("""
**Exercise 3.** In container `ex3`, make `/etc/apk` an **opaque directory**.
"""),
        code('ex3 = engine.containers.create("alpine:3.20", name="ex3").start()'),
        answer("ex02_opaque", "command = ...  # a shell command"),
        code("""
if isinstance(command, str):
    ex3.exec_run(command)
check_opaque_dir(ex3, "/etc/apk", command=command)
"""),
        md("""
## Summary

- A container = its image's read-only layers (shared with every other container of the image)
  + one writable layer of its own, stacked by overlayfs.
- The first change to an image file (opening it for writing, append, `chmod`, `chown`,
  `touch`) **copies the whole file up**, even when only its metadata changes; its parent
  directories are created first, empty.
- Deleting an image file leaves a **whiteout**; deleting a directory from the image and
  creating it again makes it **opaque**.
- `docker diff` lists the changes; `docker rm` throws the writable layer away; `docker commit`
  turns it into a new image layer.
"""),
        nav(2),
    ]


# --------------------------------------------------------------------------------------------
# 03 builds and the cache


def nb03() -> list[dict]:
    return [
        nav(3),
        md("""
# 03 · Dockerfile builds and the build cache

**You will be able to**

- read a BuildKit progress log and say which steps were `CACHED`;
- explain what a step's cache key depends on (its parent, its instruction, the files it copies);
- predict which steps rebuild after an edit, and why every later step follows the first miss;
- order a Dockerfile so that editing your code does not re-run the expensive install.
"""),
        setup(
            """
from simulator.viz import build_graph
from simulator.widgets import show, BuildStepper
from simulator.exercises import check_rebuilt_steps, check_cache_friendly, reveal
""",
            """
engine = Engine()
""",
        ),
        md("""
## 1. A first build

An app: a script and the list of packages it needs. The install step is the slow one.
"""),
        code("""
DOCKERFILE = '''\\
FROM alpine:3.20
LABEL maintainer="you@example.com"
WORKDIR /app
COPY packages.txt .
RUN apk add --no-cache $(cat packages.txt)
COPY app.sh .
CMD ["sh", "app.sh"]
'''
CONTEXT = {"packages.txt": "curl\\n", "app.sh": "curl --version\\n"}

first = engine.images.build(DOCKERFILE, context=CONTEXT, tag="app:1")
print(first.log)
"""),
        md("""
## 2. Build again, unchanged

Each step's **cache key** is made from the key of the step before it plus the step itself:
for `RUN`, the command and the environment, user and working directory it runs with; for
`COPY`, the destination and a checksum of the content and mode of the files copied (not their
modification time: saving a file again without changing it does not invalidate the cache).
Nothing changed, so every key is found in the cache.

(`LABEL` and `CMD` are not in the log: BuildKit lists only the steps that do work, the `FROM`
and the steps that make a layer.)
"""),
        code("""
second = engine.images.build(DOCKERFILE, context=CONTEXT, tag="app:1")
assert all(step.cached for step in second.steps if step.layer is not None)
assert second.image.layers == first.image.layers  # the very same layers, reused
print(second.log)
"""),
        md("""
## 3. Edit the script

Only `app.sh` changes. The `COPY app.sh .` step's key includes the file's content, so it
misses; the install step above it is still cached.
"""),
        code("""
edited = engine.images.build(DOCKERFILE, context={**CONTEXT, "app.sh": "echo v2\\n"}, tag="app:2")
for step in edited.steps:
    print(f"line {step.line}: {step.instruction:45} {'CACHED' if step.cached else step.miss_reason or 'config only'}")
show(build_graph(edited))
"""),
        md("""
### Predict first

We now change only the `LABEL` line at the top (a new maintainer) and rebuild. Will the
install step (`RUN apk add …`) run again? Answer `"yes"` or `"no"`.
"""),
        answer("p03_label", 'prediction = ...  # "yes" or "no"'),
        code("""
relabelled = engine.images.build(DOCKERFILE.replace("you@example.com", "someone@example.com"),
                                 context=CONTEXT, tag="app:3")
install = next(step for step in relabelled.steps if "apk add" in step.instruction)
reveal(prediction, "no" if install.cached else "yes",
       "LABEL only edits the image config; BuildKit makes no build operation for it, so no later cache "
       "key changes. An ENV change is different: the environment is part of every later RUN's key. "
       "(Docker's old classic builder, DOCKER_BUILDKIT=0, would rerun every step after the LABEL.)",
       choices=["yes", "no"])
"""),
        code("""
assert install.cached and relabelled.image.id != first.image.id  # new config, same layers
assert relabelled.image.layers == first.image.layers
"""),
        md("""
## 4. A Dockerfile in the wrong order

Copying the whole project before the install means that *any* edit re-runs the install.
"""),
        code("""
SLOW = '''\\
FROM alpine:3.20
WORKDIR /app
COPY . .
RUN apk add --no-cache $(cat packages.txt)
CMD ["sh", "app.sh"]
'''
engine.images.build(SLOW, context=CONTEXT, tag="slow:1")
again = engine.images.build(SLOW, context={**CONTEXT, "app.sh": "echo v2\\n"}, tag="slow:2")
for step in again.steps:
    print(f"{step.instruction:45} {'CACHED' if step.cached else step.miss_reason or 'config only'}")
assert not next(s for s in again.steps if "apk" in s.instruction).cached
"""),
        md("""
## 5. Build stepper

Edit the Dockerfile, press **Build**, and move the slider over the steps: the layer stack so
far, what the step changed, and the cache result of each step. Then change a line and build
again: the stepper lists which steps rebuilt and why.
"""),
        code("""
stepper = BuildStepper(engine)
stepper.build()
stepper
"""),
        md("""
## Exercises

**Exercise 1.** We build `BEFORE` and then `AFTER` (the `ENV` value changed). Which lines of
`AFTER` are rebuilt? Answer with a set of line numbers (`FROM` is line 1).
"""),
        code("""
BEFORE = '''\\
FROM busybox
RUN mkdir /app
ENV MODE=debug
RUN echo "$MODE" > /app/mode
COPY run.sh /app/
CMD ["sh", "/app/run.sh"]
'''
AFTER = BEFORE.replace("MODE=debug", "MODE=release")
RUN_CONTEXT = {"run.sh": "cat /app/mode\\n"}
"""),
        answer("ex03_lines", "rebuilt_lines = ...  # a set of line numbers, e.g. {2, 3}"),
        code("check_rebuilt_steps(BEFORE, AFTER, rebuilt_lines, RUN_CONTEXT)"),
        md("""
**Exercise 2.** Rewrite `SLOW` (section 4) so that editing `app.sh` does **not** re-run the
`apk add` step. The check builds your Dockerfile, edits `app.sh`, builds again and looks at the
install step.
"""),
        answer("ex03_order", "my_dockerfile = ...  # a Dockerfile as a string"),
        code(
            """check_cache_friendly(my_dockerfile, CONTEXT, {"app.sh": "echo v3\\n"}, expensive="apk add")"""
        ),
        md("""
## Summary

- Every layer step has a cache key: the previous key + the instruction (for `RUN`: + its
  environment, user and working directory; for `COPY`/`ADD`: + a checksum of the copied files'
  content and mode, never their modification time). Same key → `CACHED`, the old layer is reused.
- The first step that misses rebuilds, and so does every later step of that stage.
- With BuildKit, metadata instructions (`LABEL`, `CMD`, `EXPOSE` …) make no layer and
  invalidate nothing; `ENV` and `ARG` values (and `USER`, `WORKDIR`) do reach the keys of later
  `RUN` steps. The classic builder is stricter: any changed line invalidates every later step.
- Put what changes rarely first (dependency lists, installs) and what changes often last
  (your code).
"""),
        nav(3),
    ]


# --------------------------------------------------------------------------------------------
# 04 sharing and disk usage


def nb04() -> list[dict]:
    return [
        nav(4),
        md("""
# 04 · Layer sharing and disk usage

**You will be able to**

- explain why pulling a second image based on the same base downloads and stores less;
- read `docker system df -v`: SIZE, SHARED SIZE, UNIQUE SIZE;
- compute the bytes really stored for a set of images, against the naive sum of their sizes;
- say what each running container adds on disk.
"""),
        setup(
            """
from simulator.viz import sharing_dag
from simulator.widgets import show, SharingDashboard
from simulator.exercises import check_disk_usage, check_shared_layers, reveal
""",
            """
engine = Engine()
""",
        ),
        md("""
## 1. Images that share a base

The official `python` and `nginx` images are built `FROM debian:bookworm-slim`: their first
layer is Debian's layer, the very same bytes with the same ChainID, stored once.
"""),
        code("""
debian = engine.images.pull("debian:bookworm-slim")
python = engine.images.pull("python:3.12-slim")
nginx = engine.images.pull("nginx:1.27")
assert python.chain_ids[0] == nginx.chain_ids[0] == debian.chain_ids[0]
for name, img in [("debian", debian), ("python", python), ("nginx", nginx)]:
    print(f"{name:8} {len(img.layers)} layers  {img.size / 1e6:6.1f} MB")
show(sharing_dag(engine))
"""),
        code("""
df = engine.df()
print(df.verbose().split("\\n\\nContainers space usage")[0])
print()
print(f"stored: {df.layers_size / 1e6:.1f} MB   sum of image sizes: {df.naive_size / 1e6:.1f} MB")
assert df.layers_size < df.naive_size
"""),
        md("""
SIZE is the image's full size; SHARED SIZE the part in layers other images use too; UNIQUE
SIZE the rest, which is what removing this image alone would free.

## 2. What does a container cost?

### Predict first

The `python:3.12-slim` image is about 130 MB. We start 10 containers of it. How much more
disk do they use? Choose `"about 1.3 GB"`, `"about 130 MB"` or `"almost nothing"`.
"""),
        answer("p04_containers", "prediction = ...  # one of the three strings"),
        code("""
before = engine.df().layers_size
containers = [engine.containers.create("python:3.12-slim").start() for _ in range(10)]
after = engine.df()
extra = after.layers_size - before + after.containers_size
actual = "almost nothing" if extra < 1_000_000 else ("about 130 MB" if extra < 500_000_000 else "about 1.3 GB")
print(f"layers: +{after.layers_size - before} B, writable layers: {after.containers_size} B")
reveal(prediction, actual,
       "Every container reads the image's layers in place; it only gets an empty writable layer, "
       "which grows with what it writes.",
       choices=["about 1.3 GB", "about 130 MB", "almost nothing"])
"""),
        code("""
containers[0].exec_run("echo 'print(42)' > /tmp/x.py")
assert containers[0].size_rw > 0 and containers[1].size_rw == 0
print(engine.containers.table(all=True, size=True))
"""),
        md("""
`docker ps -s` shows each container's SIZE: the bytes in its writable layer (here the one
container that wrote a 10-byte file), then, as *virtual*, that plus the image's size, which is
shared and not stored again.

### RECLAIMABLE: what a prune could free

`docker system df` without `-v` sums it up. For images, RECLAIMABLE is the UNIQUE SIZE of the
images that no container (running or stopped) uses: removing those frees their own layers, but
not layers that an image still in use needs. Here `python` is in use, so Debian's layer (which python needs) is not
reclaimable even though `debian:bookworm-slim` itself is unused; nginx's own layers are.
(Docker versions before the end of 2025 computed this column differently and counted shared
layers as reclaimable.)
"""),
        code("""
usage = engine.df()
print(usage)
unused_unique = sum(row.unique_size for row in usage.images if row.containers == 0)
assert usage.images_reclaimable == unused_unique
"""),
        md("""
## 3. Dashboard

Pull images, build small images from a Dockerfile, start containers, and watch the sharing
DAG and `docker system df -v`: the bytes stored against the naive sum of the image sizes.
"""),
        code("""
dashboard = SharingDashboard(Engine())
dashboard.pull("alpine:3.20")
dashboard
"""),
        md("""
## Exercises

**Exercise 1.** The engine `e1` below holds three images. How many bytes do their layers take
on disk? Compute it with code from the images' layers and ChainIDs (not by reading
`docker system df`).
"""),
        code("""
e1 = Engine()
for ref in ("debian:bookworm-slim", "python:3.11-slim", "python:3.12-slim"):
    e1.images.pull(ref)
for img in e1.images.list():
    print(e1.images.tags_of(img)[0], [cid[7:19] for cid in img.chain_ids])
"""),
        answer("ex04_bytes", "stored_bytes = ...  # a number, computed from e1.images.list()"),
        code("check_disk_usage(e1, stored_bytes)"),
        md("""
**Exercise 2.** In engine `e2`, build two images tagged `app-a:1` and `app-b:1`, from two
Dockerfiles that differ, so that they share at least **two** layers.
"""),
        code("e2 = Engine()"),
        answer(
            "ex04_share",
            """
DOCKERFILE_A = ...  # a Dockerfile
DOCKERFILE_B = ...  # another Dockerfile
if isinstance(DOCKERFILE_A, str) and isinstance(DOCKERFILE_B, str):
    e2.images.build(DOCKERFILE_A, context={}, tag="app-a:1")
    e2.images.build(DOCKERFILE_B, context={}, tag="app-b:1")
""",
        ),
        code('check_shared_layers(e2, "app-a:1", "app-b:1", at_least=2)'),
        md("""
## Summary

- Layers are stored once per ChainID, whichever images use them. Images with a common base
  share its layers on disk and in every pull.
- `docker system df -v`: SHARED SIZE is in layers other images use, UNIQUE SIZE only in this one.
  RECLAIMABLE (in `docker system df`) is the UNIQUE SIZE of the images no container uses.
- A container adds only its writable layer; 10 containers of one image cost almost nothing
  until they write.
"""),
        nav(4),
    ]


# --------------------------------------------------------------------------------------------
# 05 image size


def nb05() -> list[dict]:
    return [
        nav(5),
        md("""
# 05 · Image size: what is shipped, what is wasted

**You will be able to**

- measure an image's wasted bytes and name the reason for each;
- explain why deleting files in a later step does not make an image smaller;
- clean up in the same layer that made the mess;
- explain why `chmod` of a big file in a later step doubles its cost, and avoid it;
- use a multi-stage build to ship the result without the tools that made it.
"""),
        setup(
            """
from simulator.viz import layer_stack
from simulator.analysis import efficiency
from simulator.widgets import show, LayerExplorer
from simulator.exercises import check_same_layer_cleanup, check_multi_stage, reveal
""",
            """
engine = Engine()
""",
        ),
        md("""
## 1. Deleting in a later step

`apk add curl` (without `--no-cache`) leaves the package index in `/var/cache/apk`, about
2 MB. A second step deletes it.

### Predict first

Compared with the same image without the `rm` step, is the image with it `"smaller"`,
`"the same"` or `"bigger"`?
"""),
        answer("p05_delete", 'prediction = ...  # "smaller", "the same" or "bigger"'),
        code("""
WITHOUT_RM = "FROM alpine:3.20\\nRUN apk add curl\\n"
WITH_RM = WITHOUT_RM + "RUN rm -rf /var/cache/apk/*\\n"
plain = engine.images.build(WITHOUT_RM, context={}, tag="curl:plain").image
cleaned = engine.images.build(WITH_RM, context={}, tag="curl:rm-later").image
verdict = "smaller" if cleaned.size < plain.size else ("the same" if cleaned.size == plain.size else "bigger")
print(f"without rm: {plain.size} B   with rm in a later step: {cleaned.size} B")
reveal(prediction, verdict,
       "The files stay in the layer that added them; the later layer only adds whiteouts (0 bytes) that "
       "hide them. Every pull still downloads them. Docker's SIZE counts file bytes, so it is exactly the "
       "same; the download is even a little bigger, since the extra layer's tar holds the whiteout "
       "entries.", choices=["smaller", "the same", "bigger"])
"""),
        code("""
report = efficiency(cleaned)
print(report.summary())
assert report.by_reason.get("deleted", 0) > 1_000_000
"""),
        md("""
`efficiency()` names a reason for every wasted byte: here `deleted` (shipped in one layer,
deleted in a later one). Open the image in the explorer: the `rm` layer shows the whiteouts
(**D**), and the table below lists each wasted file with its fix.
"""),
        code("""
explorer = LayerExplorer(engine, "curl:rm-later")
explorer
"""),
        md("""
## 2. Clean up in the same step

A layer records the *result* of its step. Delete the cache in the same `RUN` (or do not create
it: `apk add --no-cache`) and it never reaches any layer.
"""),
        code("""
same = engine.images.build("FROM alpine:3.20\\nRUN apk add curl && rm -rf /var/cache/apk/*\\n",
                           context={}, tag="curl:same-step").image
print(f"same-step cleanup: {same.size} B  (saves {cleaned.size - same.size} B)")
assert same.size < cleaned.size and efficiency(same).by_reason.get("deleted", 0) == 0
"""),
        md("""
## 3. Is `chmod` free?

A 1 MB file is copied in, then made executable in a second step.

### Predict first

How much does the `RUN chmod` step add to the image? `"nothing"`, `"a few bytes"` or `"about 1 MB"`?
"""),
        answer("p05_chmod", 'prediction = ...  # "nothing", "a few bytes" or "about 1 MB"'),
        code("""
BIG = {"tool.bin": bytes(range(256)) * 4096}  # 1 MiB
chmodded = engine.images.build("FROM busybox\\nCOPY tool.bin /opt/\\nRUN chmod +x /opt/tool.bin\\n",
                               context=BIG, tag="tool:chmod")
grown = chmodded.steps[-1].layer.size
actual = "nothing" if grown == 0 else ("a few bytes" if grown < 10_000 else "about 1 MB")
reveal(prediction, actual,
       "A layer stores whole files: changing only the mode copies the whole file up into the new layer "
       "(the old copy stays below, wasted). Set the mode where the file is created: COPY --chmod=755.",
       choices=["nothing", "a few bytes", "about 1 MB"])
"""),
        code("""
fixed = engine.images.build("FROM busybox\\nCOPY --chmod=755 tool.bin /opt/\\n", context=BIG, tag="tool:fixed").image
print(f"chmod in a later step: {chmodded.image.size} B   COPY --chmod: {fixed.size} B")
assert efficiency(chmodded.image).by_reason.get("metadata-copy", 0) == len(BIG["tool.bin"])
assert fixed.view.lookup("/opt/tool.bin").mode & 0o111
"""),
        md("""
## 4. Multi-stage builds

Compilers and headers are needed to build a program, not to run it. A multi-stage build
compiles in one stage and copies only the result into a clean final stage; the build stage's
layers are not part of the final image.

*(layerlab's shell cannot run a compiler; the `printf` below stands in for `gcc -o /app/hello
hello.c`. The packages really are installed, with their real sizes.)*
"""),
        code("""
SINGLE = '''\\
FROM alpine:3.20
RUN apk add --no-cache gcc musl-dev
COPY hello.c /src/
RUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello
CMD ["/app/hello"]
'''
MULTI = '''\\
FROM alpine:3.20 AS build
RUN apk add --no-cache gcc musl-dev
COPY hello.c /src/
RUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello

FROM alpine:3.20
COPY --from=build /app/hello /app/hello
CMD ["/app/hello"]
'''
SOURCE = {"hello.c": "int main(void) { return 0; }\\n"}
single = engine.images.build(SINGLE, context=SOURCE, tag="hello:single").image
multi = engine.images.build(MULTI, context=SOURCE, tag="hello:multi").image
print(f"single stage: {single.size / 1e6:.1f} MB   multi-stage: {multi.size / 1e6:.1f} MB")
assert multi.size < single.size / 5 and not multi.view.exists("/usr/bin/gcc")
show(layer_stack(multi, name="hello:multi"))
"""),
        md("""
## Exercises

**Exercise 1.** Write a Dockerfile `FROM alpine:3.20` that installs `curl` and ships **no byte
of `/var/cache/apk`** in any layer.
"""),
        answer("ex05_cleanup", "cleanup_dockerfile = ...  # a Dockerfile as a string"),
        code(
            'check_same_layer_cleanup(cleanup_dockerfile, must_have="/usr/bin/curl", junk="/var/cache/apk")'
        ),
        md("""
**Exercise 2.** Write a Dockerfile whose final image contains `/app/hello` (made as in
`SINGLE`) but ships no `/usr/bin/gcc` in any of its layers.
"""),
        answer("ex05_multistage", "multistage_dockerfile = ...  # a Dockerfile as a string"),
        code('check_multi_stage(multistage_dockerfile, SOURCE, artifact="/app/hello", tools="/usr/bin/gcc")'),
        md("""
## Summary

- An image ships every layer whole. A file deleted, replaced or `chmod`ed in a later layer is
  still shipped in the earlier one: `efficiency()` calls those bytes *wasted* and says why.
- Clean up in the same `RUN` that made the mess (or never make it: `--no-cache`).
- Set modes and owners where files are created (`COPY --chmod`, `--chown`), not in a later step.
- Multi-stage builds leave the build tools in a stage the final image does not include.
"""),
        nav(5),
    ]


# --------------------------------------------------------------------------------------------
# 06 real overlayfs


def nb06() -> list[dict]:
    return [
        nav(6),
        md("""
# 06 · The real overlayfs beside the model

Docker's containers run on **overlayfs**, a Linux file system that stacks directories:
read-only *lower* directories (the image layers) under one writable *upper* directory (the
container's layer). layerlab's model imitates it; here the same operations run on both, on
a real kernel mount when this machine allows it.

**You will be able to**

- recognise on disk what the model draws: copied-up files, whiteouts, opaque directories;
- explain why renaming a directory from the image fails with `EXDEV`, and what `mv` does then;
- check a claim about containers against the real kernel, not only against a diagram.
"""),
        setup(
            """
import os
from simulator import Container, Entry, Image, Layer
from simulator.backends import Availability, availability
from simulator.viz import overlay
from simulator.widgets import show, ContainerPlayground
from simulator.exercises import check_errno, check_whiteout_on_disk, reveal
""",
            """
status = availability()
if os.environ.get("LAYERLAB_PRETEND_NO_OVERLAY"):  # lets the test suite check the model-only path
    status = Availability(False, "LAYERLAB_PRETEND_NO_OVERLAY is set")
print("real overlayfs:", "available" if status.ok else "NOT available", "-", status.reason)
""",
        ),
        md("""
Mounting overlayfs needs Linux and the right to mount (root, or `fuse-overlayfs`). Where it is
not possible, the line above says why, and this notebook shows the model's side only: every
cell still runs.

## 1. A small image and a scenario
"""),
        code("""
image = Image.of([Layer.of({
    "/etc": Entry.directory(),
    "/etc/motd": Entry.file(b"welcome\\n"),
    "/etc/issue": Entry.file(b"box\\n"),
    "/etc/conf.d": Entry.directory(),
    "/etc/conf.d/a.conf": Entry.file(b"a=1\\n"),
    "/etc/conf.d/b.conf": Entry.file(b"b=2\\n"),
    "/data": Entry.directory(),
    "/data/big": Entry.file(b"x" * 4096),
}, created_by="a small test layer")])

SCENARIO = [
    ("append_file", "/etc/motd", b"edited\\n"),      # copy-up, then append
    ("chmod", "/data/big", 0o600),                   # metadata change: still a full copy-up
    ("unlink", "/etc/issue"),                        # whiteout
    ("rm_rf", "/etc/conf.d"),                        # whiteout for the directory ...
    ("mkdir", "/etc/conf.d"),                        # ... then an opaque directory
    ("rename", "/data", "/srv"),                     # a directory from the image: EXDEV
]
"""),
        md("""
### Predict first

After `unlink /etc/issue`, what does the kernel keep in the upper directory for it?
`"nothing"` (the name is simply absent), `"an empty file"`, or `"a special marker file"`?
"""),
        answer("p06_whiteout", 'prediction = ...  # "nothing", "an empty file" or "a special marker file"'),
        code("""
from simulator.backends.compare import run_ops

model = Container(image)
outcomes = run_ops(model, SCENARIO)
for op, outcome in zip(SCENARIO, outcomes, strict=True):
    print(f"{op[0]:12} {op[1]:16} {outcome}")
marker = model.upper_entries["/etc/issue"]
reveal(prediction, "a special marker file" if marker.is_whiteout else "nothing",
       "A whiteout: on disk, a character device with device number 0/0 named like the deleted file. "
       "overlayfs hides the lower name whenever it finds one.",
       choices=["nothing", "an empty file", "a special marker file"])
"""),
        code("""
assert model.upper_entries["/etc/conf.d"].opaque
assert model.upper_entries["/data/big"].size == 4096  # chmod copied the whole file
show(overlay(model))
"""),
        md("""
## 2. The same scenario on the kernel

`compare_scenario` runs the operations on a model container and on a real overlay mount of
the same image, lists the kernel's upper directory as `ls -l` shows it, and reports every
difference.
"""),
        code("""
if status.ok:
    from simulator.backends import compare_scenario

    report = compare_scenario(image, SCENARIO)
    print(report)
    assert "no differences" in report
else:
    print("Skipped: the kernel side cannot run here because", status.reason)
    print("What the kernel would show: whiteouts as 'c---------  0, 0' devices, opaque directories with "
          "the xattr trusted.overlay.opaque=y, copied-up files as ordinary files.")
    print()
    print("The model's upper layer:")
    for path, entry in sorted(model.upper_entries.items()):
        print(f"  {entry.mode_string()} {path}{'  (whiteout)' if entry.is_whiteout else ''}"
              f"{'  (opaque)' if entry.is_dir and entry.opaque else ''}")
"""),
        md("""
## 3. Playground

Why `EXDEV`? The contents of `/data` live in a read-only image layer, and overlayfs cannot
move them. It could record "this directory is really `/data`" in the upper directory (the
`redirect_dir` feature), but that feature is usually off and Docker's setup does not use it. So
`rename(2)` answers `EXDEV`, "cross-device link", the same answer as for a move between two
file systems, and `mv` does what it does then: it copies the directory, then deletes the
original (which leaves a whiteout).

The same container operations in shell form, on a model container (`mv /etc/apk /tmp/apk`
shows the `EXDEV` fallback).
"""),
        code("""
playground = ContainerPlayground(Engine(), "alpine:3.20", containers=1)
playground.run("mv /etc/apk /tmp/apk && ls /tmp/apk")
assert playground.container.upper_entries["/etc/apk"].is_whiteout
playground
"""),
        md("""
## Exercises

**Exercise 1.** Renaming a directory that comes from the image fails. With which errno name
(like `"ENOENT"`)? Find it with the model: `Container(image).rename("/data", "/srv")`.
"""),
        answer("ex06_errno", 'errno_name = ...  # a string such as "ENOENT"'),
        code("check_errno(errno_name)"),
        md("""
**Exercise 2.** Describe a whiteout as the kernel stores it: its file type and its numbers
(look at the `ls -l` listing of the upper directory above, or the printed hint).
"""),
        answer("ex06_device", "whiteout_on_disk = ...  # a short description"),
        code("check_whiteout_on_disk(whiteout_on_disk)"),
        md("""
## Summary

- overlayfs stacks read-only lower directories under one writable upper directory; the model
  does the same with layers.
- Whiteouts are character devices 0/0; opaque directories carry the `overlay.opaque` xattr;
  any change to a lower file copies it up whole (Docker mounts overlayfs without `metacopy`, the
  option that would copy only the metadata on `chmod`).
- Renaming a lower directory fails with `EXDEV`, so `mv` copies and deletes instead.
- The test suite runs such scenarios on both and expects no differences.
"""),
        nav(6),
    ]


BUILDERS = [nb00, nb01, nb02, nb03, nb04, nb05, nb06]


def make(stem: str, cells: list[dict]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids: the same script writes the same bytes
        cell["id"] = hashlib.sha1(f"{stem}:{i}".encode()).hexdigest()[:8]
    nbformat.validate(nb)
    return nb


def tidy(paths: list[Path]) -> None:
    """``ruff check --fix`` and ``ruff format`` the notebooks' code cells, with the project's settings."""
    config = ["--config", str(HERE.parent / "pyproject.toml")]
    files = [str(p) for p in paths]
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix-only", "-q", *config, *files], check=True)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", *config, *files], check=True)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE
    with tempfile.TemporaryDirectory() as tmp:
        written = []
        for (stem, _title), builder in zip(NOTEBOOKS, BUILDERS, strict=True):
            path = Path(tmp) / f"{stem}.ipynb"
            path.write_text(nbformat.writes(make(stem, builder())) + "\n", encoding="utf-8")
            written.append(path)
        tidy(written)
        for path in written:
            target = out / path.name
            text = path.read_text(encoding="utf-8")
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                print("wrote", target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
