# %% [markdown]
# [Index](00-index.ipynb) | [02 Containers: copy-on-write over shared layers →](02-containers-copy-on-write.ipynb)

# %% [markdown]
# # 01 · Images are stacks of immutable layers
#
# **You will be able to**
#
# - list the layers of an image and say which Dockerfile instruction made each one;
# - tell the instructions that make a layer from those that only change the image's *config*;
# - explain DiffID, ChainID and ImageID, and predict which of them a change affects;
# - check that a layer, once made, never changes.

# %%
from simulator import Engine
from simulator.teaching import Probe, check_image_id_changes, check_layer_count
from simulator.viz import content_addressing, install_reprs, layer_stack
from simulator.widgets import LayerExplorer, show

install_reprs()  # images, layers, containers and engines display as diagrams

engine = Engine()

# %% [markdown]
# ## 1. A base image
#
# `docker pull busybox` fetches an image: a list of **layers** (each one a tar archive of files)
# and a **config** (environment, default command, history). layerlab has a small built-in
# library of base images instead of a network.

# %%
base = engine.images.pull("busybox")
print(base, "-", len(base.layers), "layer,", base.size, "bytes")
show(layer_stack(base, name="busybox"))

# %%
print(engine.images.history("busybox"))

# %% [markdown]
# `docker history` lists the history entries, newest first. One row here is a layer (with a
# size); `CMD ["sh"]` shows `0B` because it made no layer: it only changed the config.
#
# Careful: `0B` alone does not prove there is no layer. SIZE counts the bytes of the files in a
# layer, so a layer that only creates directories (`RUN mkdir /app`) also shows `0B`. The image
# config records which history entries have no layer (`empty_layer: true`).
#
# ## 2. Build an image: which instructions make layers?
#
# Here is a Dockerfile with six instructions after `FROM`.

# %%
DOCKERFILE = """\
FROM busybox
ENV GREETING=hello
LABEL course="containers 101"
RUN mkdir /data && echo "$GREETING" > /data/greeting.txt
COPY notes.txt /data/
EXPOSE 8080
CMD ["cat", "/data/greeting.txt"]
"""
CONTEXT = {"notes.txt": "layers are tar files\n"}

# %% [markdown]
# ### Predict first
#
# How many layers will this build add on top of busybox's one layer? Write a whole number
# before you run the build. Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p01_layers"]
probe = Probe("p01_layers")
probe

# %%
result = engine.images.build(DOCKERFILE, context=CONTEXT, tag="hello:1")
image = result.image
added = len(image.layers) - len(base.layers)
probe.reveal(added)

# %%
for step in result.steps:
    print(f"{step.instruction:55} {'layer ' + str(step.layer.size) + ' B' if step.layer else 'config only'}")
assert added == sum(1 for step in result.steps if step.layer is not None)
show(layer_stack(image, name="hello:1"))

# %% [markdown]
# The diagram draws each layer as a box (bottom first) and the config-only entries as notes
# beside it. Every layer lists what it changed: the `RUN` layer holds `/data` and
# `/data/greeting.txt`; the `COPY` layer holds `/data/notes.txt` (and `/data`, its parent).
#
# ## 3. Layers are immutable and shared
#
# The new image did not copy busybox: its bottom layer *is* busybox's layer, the same object
# with the same digest. A layer is never edited; a change makes a new layer on top.

# %%
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
assert image.read_file("/data/greeting.txt") == b"hello\n"
print(
    "container sees:",
    c.read_file("/data/greeting.txt"),
    " image still has:",
    image.read_file("/data/greeting.txt"),
)

# %% [markdown]
# ## 4. Content addressing: names made from content
#
# Every identifier is a SHA-256 digest of bytes, computed with the OCI formulas:
#
# - **DiffID** of a layer = sha256 of its uncompressed tar;
# - **ChainID** = the DiffID for the bottom layer, then sha256(ChainID below + " " + DiffID): it names
#   a layer *together with everything under it*;
# - **ImageID** = sha256 of the config JSON, which lists the DiffIDs and the history.
#
# Two digests you will meet on a real system are not these. A registry stores each layer
# *compressed*, and the manifest names the compressed blob by its own digest: that digest is not
# the DiffID. And Docker with the containerd image store (the default on new installs since
# Docker 29) shows in its IMAGE ID column the digest of the *manifest* (or multi-platform index)
# the tag points to, not the ImageID computed here.

# %%
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

# %% [markdown]
# What if one byte of one file in layer 1 changes? The diagram recomputes everything and marks
# what changed.

# %%
show(content_addressing(image, changed_layer=1))

# %%
engine.images.tag("hello:1", "hello:latest")
assert engine.images.get("hello:latest").id == image.id  # a tag is a name, not content

# %% [markdown]
# ## 5. Explore
#
# The layer explorer shows each layer's files, marked **A** (added), **M** (modified) or
# **D** (deleted). Move the slider; switch to *aggregated* to see the whole file system up to
# that layer.

# %%
LayerExplorer(engine, "hello:1")

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** How many layers does this Dockerfile add to its base image?

# %%
EXERCISE_DOCKERFILE = """\
FROM busybox
ARG VERSION=1.0
ENV APP_VERSION=$VERSION
WORKDIR /srv
COPY app.sh .
RUN chmod +x app.sh
USER nobody
ENTRYPOINT ["./app.sh"]
"""
EXERCISE_CONTEXT = {"app.sh": "#!/bin/sh\necho running\n"}

# %% tags=["answer:ex01_count"]
layers_added = ...  # a whole number

# %%
check_layer_count(EXERCISE_DOCKERFILE, layers_added, EXERCISE_CONTEXT)

# %% [markdown]
# **Exercise 2.** Which of these change the ImageID? Answer with a set of names:
# `"retag"` (give it another tag), `"label"` (rebuild with one more `LABEL`), `"byte"` (one byte
# of one file in one layer changes), `"history"` (the recorded command text changes),
# `"pull-again"` (the same image pulled on another machine). Try them in code first if you like.

# %% tags=["answer:ex01_ids"]
changes_id = ...  # e.g. {"retag", "byte"}

# %%
check_image_id_changes(changes_id)

# %% [markdown]
# ## Summary
#
# - An image is a list of layers plus a config. With BuildKit, `RUN`, `COPY`, `ADD` and
#   `WORKDIR` make layers (even empty ones); `ENV`, `ARG`, `LABEL`, `CMD`, `EXPOSE`, `USER` … only
#   change the config (`0B` in `docker history`, but not every `0B` row is config-only).
# - A layer never changes. A new image reuses the layers under it: the same objects, the same digests.
# - Identifiers are digests of content: DiffID (one layer's tar), ChainID (a layer and all below
#   it), ImageID (the config, which lists the DiffIDs). Change one byte in a layer and that
#   layer's DiffID, its ChainID and every ChainID above it, and the ImageID change; the other
#   layers' DiffIDs stay the same. A tag changes nothing.

# %% [markdown]
# [Index](00-index.ipynb) | [02 Containers: copy-on-write over shared layers →](02-containers-copy-on-write.ipynb)
