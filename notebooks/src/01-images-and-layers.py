# %% [markdown]
# [Index](00-index.ipynb) | [02 Containers: copy-on-write over shared layers →](02-containers-copy-on-write.ipynb)

# %% [markdown]
# # 01 · Images are stacks of immutable layers
#
# **You will be able to**
#
# - list the layers of an image and say which Dockerfile instruction made each one;
# - tell the instructions that make a layer from those that only change the image's *config*;
# - check that a layer, once made, never changes, and that a container's writes do not reach it.
#
# (How layers and images are *named*, by digests of their content, comes in lesson 04, once you
# have met containers and shared layers.)

# %%
from simulator import Engine
from simulator.teaching import Probe, check_layer_count, check_layer_lines
from simulator.viz import install_reprs, layer_stack
from simulator.widgets import LayerExplorer, show

install_reprs()  # images, layers, containers and engines display as diagrams

engine = Engine(image_store="overlay2")  # Docker's classic image store (lesson 04 shows the other one)

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
# The IMAGE column: only the top row names an image; the rows below are `<missing>`. They are
# history entries of the image's config, not images of their own: a pulled image has no local
# parent images, so Docker has no ID to print for them. `<missing>` does not mean a layer is
# missing. ([`docker history`](https://docs.docker.com/reference/cli/docker/image/history/);
# the walk over parent images is moby's `daemon/images/image_history.go`.)
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
# %% [markdown]
# ### A container is more than its files
#
# `c` above is a container, and this lesson looked only at its files: the image's layers plus
# a writable layer of its own (lesson 02). A container is also **a process** (the image's `CMD`,
# here `cat`, or what you `exec`) that the kernel isolates with **namespaces** (its own process
# IDs, host name, mounts, network) and limits with **cgroups** (memory, CPU, number of
# processes), and it has a **lifecycle**: created, running, exited (its writable layer is kept),
# removed (the writable layer is gone). Lesson 07 looks at that side.
# Sources: Docker's [What is a container?](https://docs.docker.com/get-started/docker-concepts/the-basics/what-is-a-container/),
# the kernel's [namespaces(7)](https://man7.org/linux/man-pages/man7/namespaces.7.html) and
# [Control Group v2](https://docs.kernel.org/admin-guide/cgroup-v2.html).

# %%
print(c.state.value, "- image:", engine.images.tags_of(c.image)[0])
c.stop()
print(c.state.value, "- its writable layer is kept:", c.read_file("/data/greeting.txt"))

# %%
engine.images.tag("hello:1", "hello:latest")
assert engine.images.get("hello:latest").id == image.id  # a tag is a second name, not a copy

# %% [markdown]
# ## 4. Explore
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
# **Exercise 2.** Which lines of this Dockerfile make a layer? Answer with a set of line
# numbers (`FROM` is line 1). Careful with the lines that change no file at all.

# %%
LINES_DOCKERFILE = """\
FROM busybox
WORKDIR /
RUN true
ENV PATH=/opt/bin:$PATH
ADD notes.txt /srv/
WORKDIR /srv
USER nobody
"""

# %% tags=["answer:ex01_lines"]
layer_lines = ...  # a set of line numbers, e.g. {2, 3}

# %%
check_layer_lines(LINES_DOCKERFILE, layer_lines, {"notes.txt": "layers are tar files\n"})

# %% [markdown]
# %% [markdown]
# ## Summary
#
# - An image is a list of layers plus a config. With BuildKit, `RUN`, `COPY`, `ADD` and
#   `WORKDIR` make layers (even empty ones); `ENV`, `ARG`, `LABEL`, `CMD`, `EXPOSE`, `USER` … only
#   change the config (`0B` in `docker history`, but not every `0B` row is config-only).
# - A layer never changes. A new image reuses the layers under it: the same layer objects.
# - A container's writes go to its own writable layer, never to the image; and a container is
#   also a process with namespaces, cgroups and a lifecycle (lesson 07).
# - A tag is a name for an image, not a copy. `<missing>` in `docker history` marks a history
#   row that is not an image of its own, not a missing layer.

# %% [markdown]
# ## Try it on a real Docker host
#
# On any host with Docker (a test image, removed at the end):
#
# ```sh
# docker pull busybox
# docker history busybox                       # one row per history entry; <missing> below the top
# docker image inspect -f '{{json .RootFS.Layers}}' busybox   # the layers (their DiffIDs)
# printf 'FROM busybox\nENV GREETING=hello\nRUN mkdir /data\nCMD ["sh"]\n' | docker build -t hello:1 -
# docker history hello:1                       # ENV and CMD rows: 0B, no layer
# docker run --name c1 hello:1 sh -c 'echo bonjour > /data/g'
# docker diff c1                               # the container's change: A /data/g
# docker rm c1 && docker rmi hello:1
# ```

# %% [markdown]
# [Index](00-index.ipynb) | [02 Containers: copy-on-write over shared layers →](02-containers-copy-on-write.ipynb)
