# %% [markdown]
# [← 03 Dockerfile builds and the build cache](03-dockerfile-builds-and-cache.ipynb) | [Index](00-index.ipynb) | [05 Image size: what is shipped, what is wasted →](05-image-size.ipynb)

# %% [markdown]
# # 04 · Layer sharing and disk usage
#
# **You will be able to**
#
# - explain why a second image built on the very same base build stores (and downloads) less;
# - read `docker system df -v` (SIZE, SHARED SIZE, UNIQUE SIZE) and say what RECLAIMABLE counts;
# - compute the bytes really stored for a set of images, against the naive sum of their sizes;
# - say what each running container adds on disk;
# - explain DiffID, ChainID and ImageID, the digests that name layers and images, and say which
#   one a change affects and which one `docker images` shows (it depends on the image store).

# %%
from simulator import Engine
from simulator.teaching import Probe, check_disk_usage, check_image_id_changes, check_shared_layers
from simulator.viz import content_addressing, install_reprs, sharing_dag
from simulator.widgets import SharingDashboard, show

install_reprs()  # images, layers, containers and engines display as diagrams

# The numbers of this lesson depend on the image store: we name it (lesson 04's section 5 and
# docs/image-stores.md show the other one, the containerd store of a fresh Docker 29 install).
engine = Engine(image_store="overlay2")

# %% [markdown]
# ## 1. Images that share a base
#
# Two images built `FROM` the same base image share its layers: the very same bytes, with the
# same ChainID, stored once. We build two small apps on `debian:bookworm-slim`.

# %%
debian = engine.images.pull("debian:bookworm-slim")
web = engine.images.build(
    "FROM debian:bookworm-slim\nRUN mkdir -p /srv/www && echo hello > /srv/www/index.html\n",
    context={},
    tag="web:1",
).image
worker = engine.images.build(
    "FROM debian:bookworm-slim\nRUN mkdir -p /opt/worker && echo 'while :; do sleep 60; done' > /opt/worker/run.sh\n",
    context={},
    tag="worker:1",
).image
assert web.chain_ids[0] == worker.chain_ids[0] == debian.chain_ids[0]
for name, img in [("debian", debian), ("web", web), ("worker", worker)]:
    print(f"{name:8} {len(img.layers)} layers  {img.size / 1e6:6.1f} MB")
show(sharing_dag(engine))

# %% [markdown]
# ### Sharing needs the very same build of the base
#
# A tag such as `debian:bookworm-slim` is rebuilt every few weeks (security updates): each
# build has new layers with new digests. Two images share the base only if they were built on
# the **same build** of it, not just the same tag. Here a team base image is rebuilt between
# two app builds:

# %%
engine.images.build(
    "FROM debian:bookworm-slim\nRUN echo patch-1 > /etc/team-patch\n", context={}, tag="team-base:latest"
)
app_a = engine.images.build("FROM team-base:latest\nRUN echo a > /app-a\n", context={}, tag="app-a:1").image
engine.images.build(
    "FROM debian:bookworm-slim\nRUN echo patch-2 > /etc/team-patch\n", context={}, tag="team-base:latest"
)
app_b = engine.images.build("FROM team-base:latest\nRUN echo b > /app-b\n", context={}, tag="app-b:1").image
shared = [a == b for a, b in zip(app_a.chain_ids, app_b.chain_ids, strict=True)]
print("layer shared by app-a and app-b:", shared)  # Debian's layer yes, team-base's layer no
assert shared[:2] == [True, False]

# %% [markdown]
# The same happens with official images. For years the `python:*-slim` and `nginx` images were
# built `FROM debian:bookworm-slim` and shared its layer on a host that had both; since August
# 2025 the default `python:3.x-slim` tags are built on Debian 13 "trixie" (the
# [docker-library/python](https://github.com/docker-library/python) Dockerfiles, after the
# [Debian 13 release](https://www.debian.org/News/2025/20250809)), and `nginx:1.27` is no
# longer updated (nginx 1.27 was the mainline branch before 1.28/1.29; see the
# [nginx library file](https://github.com/docker-library/official-images/blob/master/library/nginx)).
# Whether two images share a base is a fact to check, not to assume: compare the first entries
# of `docker image inspect -f '{{json .RootFS.Layers}}' IMAGE` (the DiffIDs, section 5).

# %%
df = engine.df()
print(df.verbose().split("\n\nContainers space usage")[0])
print()
print(f"stored: {df.layers_size / 1e6:.1f} MB   sum of image sizes: {df.naive_size / 1e6:.1f} MB")
assert df.layers_size < df.naive_size

# %% [markdown]
# SIZE is the image's full size; SHARED SIZE the part in layers other images use too; UNIQUE
# SIZE the rest, which is what removing this image alone would free. With the **containerd
# image store** (a fresh Docker 29 install) the same images give other numbers: SIZE also
# counts the compressed blobs kept in containerd's content store, and SHARED SIZE counts only
# unpacked snapshots ([Docker docs: containerd image store](https://docs.docker.com/engine/storage/containerd/);
# moby `daemon/containerd/image_list.go`):

# %%
other = Engine(image_store="containerd")
for ref in ("debian:bookworm-slim",):
    other.images.pull(ref)
other.images.build(
    "FROM debian:bookworm-slim\nRUN mkdir -p /srv/www && echo hello > /srv/www/index.html\n",
    context={},
    tag="web:1",
)
for store, eng in (("overlay2", engine), ("containerd", other)):
    rows = eng.df().verbose().split("\n\nContainers space usage")[0].splitlines()
    print(f"{store} store:", *[row for row in rows if row.startswith(("REPOSITORY", "web "))], sep="\n")

# %% [markdown]
# ### RECLAIMABLE: a sum of UNIQUE SIZEs, not what a prune frees
#
# `docker system df` without `-v` sums it up. For images, RECLAIMABLE is the sum of the UNIQUE
# SIZE of every image that no container (running or stopped) uses: docker/cli's
# `cli/command/formatter/disk_usage.go` prints what the daemon reports, and moby computes it this
# way since [moby#51778](https://github.com/moby/moby/pull/51778) ("Fix reclaimable image disk
# usage calculation for in-use images"). Older Docker versions printed SIZE minus the UNIQUE
# SIZE of the images in use, which counts a shared layer as reclaimable even when a running
# container needs it.
#
# Neither is "what a prune could free". A layer shared by two *unused* images is in neither
# one's UNIQUE SIZE, so RECLAIMABLE leaves it out, yet `docker image prune -a` removes both
# images and frees it. Here no container runs at all, yet RECLAIMABLE (also in the corner of the
# diagram above) is far below 100 % (here 0 %): Debian's layer is shared, so no image's UNIQUE SIZE holds it.

# %%
usage = engine.df()
print(usage.table())
unused_unique = sum(row.unique_size for row in usage.images if row.containers == 0)
assert usage.images_reclaimable == unused_unique
in_use = {chain for c in engine.containers.list(all=True) for chain in c.image.chain_ids}
in_images = {chain for img in engine.images.list(all=True) for chain in img.chain_ids}
prune_frees = sum(layer.size for chain, layer in engine.layers.items() if chain in in_images - in_use)
print(
    f"RECLAIMABLE: {usage.images_reclaimable / 1e6:.1f} MB   docker image prune -a would free: {prune_frees / 1e6:.1f} MB"
)

# %% [markdown]
# ## 2. What does a container cost?
#
# ### Predict first
#
# We pull `python:3.12-slim`, about 130 MB. We start 10 containers of it. How much more
# disk do they use? Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p04_containers"]
probe = Probe("p04_containers")
probe

# %%
engine.images.pull("python:3.12-slim")
before = engine.df().layers_size
containers = [engine.containers.create("python:3.12-slim").start() for _ in range(10)]
after = engine.df()
extra = after.layers_size - before + after.containers_size
actual = (
    "almost nothing" if extra < 1_000_000 else ("about 130 MB" if extra < 500_000_000 else "about 1.3 GB")
)
probe.reveal(actual, f"layers: +{after.layers_size - before} B, writable layers: {after.containers_size} B")

# %%
containers[0].exec_run("echo 'print(42)' > /tmp/x.py")
assert containers[0].size_rw > 0 and containers[1].size_rw == 0
print(engine.containers.table(all=True, size=True))

# %% [markdown]
# `docker ps -s` shows each container's SIZE: the bytes in its writable layer (here the one
# container that wrote a 10-byte file), then, as *virtual*, that plus the image's size, which is
# shared and not stored again. (With the containerd store, SIZE is the writable snapshot's disk
# blocks, so even an empty one shows a few kB: its directory takes a block.)

# %% [markdown]
# ## 3. Dashboard
#
# Pull images, build small images from a Dockerfile, start containers, and watch the sharing
# DAG and `docker system df -v`: the bytes stored against the naive sum of the image sizes.

# %%
dashboard = SharingDashboard(Engine(image_store="overlay2"))
dashboard.pull("alpine:3.20")
dashboard

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** The engine `e1` below holds three images. How many bytes do their layers take
# on disk? Write a function `stored_bytes(engine)` that computes it from `engine.images.list()`
# (each image's `layers` and `chain_ids`). The check runs it on `e1` and on another engine, and
# gives it the image store only: `docker system df` is what you are rebuilding.

# %%
e1 = Engine(image_store="overlay2")  # the layer store of Docker 28 and upgraded hosts: layer bytes
for ref in ("debian:bookworm-slim", "python:3.11-slim", "python:3.12-slim"):
    e1.images.pull(ref)
for img in e1.images.list():
    print(e1.images.tags_of(img)[0], [cid[7:19] for cid in img.chain_ids])

# %% tags=["answer:ex04_bytes"]
stored_bytes = ...  # def stored_bytes(engine): ... return a number of bytes

# %%
check_disk_usage(e1, stored_bytes)

# %% [markdown]
# **Exercise 2.** In engine `e2`, build two images tagged `app-a:1` and `app-b:1`, from two
# Dockerfiles that differ, so that they share at least **two** layers.

# %%
e2 = Engine(image_store="overlay2")

# %% tags=["answer:ex04_share"]
DOCKERFILE_A = ...  # a Dockerfile
DOCKERFILE_B = ...  # another Dockerfile
if isinstance(DOCKERFILE_A, str) and isinstance(DOCKERFILE_B, str):
    e2.images.build(DOCKERFILE_A, context={}, tag="app-a:1")
    e2.images.build(DOCKERFILE_B, context={}, tag="app-b:1")

# %%
check_shared_layers(e2, "app-a:1", "app-b:1", at_least=2)

# %% [markdown]
# ## 5. Names made from content: DiffID, ChainID, ImageID
#
# Layers are shared *because* they are named by their content. Every identifier is a SHA-256
# digest of bytes, computed with the formulas of the
# [OCI image spec](https://github.com/opencontainers/image-spec/blob/main/config.md#layer-chainid):
#
# - **DiffID** of a layer = sha256 of its uncompressed tar;
# - **ChainID** = the DiffID for the bottom layer, then sha256(ChainID below + " " + DiffID): it
#   names a layer *together with everything under it*, which is why the overlay2 store keys
#   layers (and sharing) by ChainID;
# - **ImageID** = sha256 of the image's config JSON, which lists the DiffIDs and the history.

# %%
import hashlib

image = web
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

# %% [markdown]
# **Which digest does `docker images` show?** It depends on the image store. The overlay2
# store's IMAGE ID is the ImageID above (the config's digest). The containerd store (a fresh
# Docker 29 install) shows the digest of the *manifest*, or of the multi-platform index, that
# the tag points to ([Docker docs: containerd image store](https://docs.docker.com/engine/storage/containerd/);
# docs/image-stores.md). The same `web:1`, in both stores:

# %%
print("overlay2:  ", next(line for line in engine.images.table().splitlines() if line.startswith("web ")))
print("containerd:", next(line for line in other.images.table().splitlines() if line.startswith("web ")))

# %% [markdown]
# A registry names each layer by yet another digest, that of the *compressed* blob (lesson 08).
#
# **Exercise 3.** Which of these change the ImageID? Answer with a set of names:
# `"retag"` (give it another tag), `"label"` (rebuild with one more `LABEL`), `"byte"` (one byte
# of one file in one layer changes), `"history"` (the recorded command text changes),
# `"pull-again"` (the same image pulled on another machine). Try them in code first if you like.

# %% tags=["answer:ex04_ids"]
changes_id = ...  # e.g. {"retag", "byte"}

# %%
check_image_id_changes(changes_id)

# %% [markdown]
# ## Summary
#
# - Layers are stored once per ChainID, whichever images use them. Images built on the very same
#   build of a base share its layers on disk and in every pull; the same tag rebuilt later does not.
# - `docker system df -v`: SHARED SIZE is in layers other images use, UNIQUE SIZE only in this one.
#   RECLAIMABLE (in `docker system df`) is the sum of the UNIQUE SIZEs of the images no container
#   uses: not what `docker image prune -a` frees. The numbers depend on the image store.
# - A container adds only its writable layer; 10 containers of one image cost almost nothing
#   until they write.
# - DiffID (one layer's tar), ChainID (a layer and all below it), ImageID (the config). Change one
#   byte in a layer and its DiffID, its ChainID and every ChainID above it, and the ImageID change.
#   `docker images` shows the ImageID with the overlay2 store, the manifest's digest with containerd.

# %% [markdown]
# ## Try it on a real Docker host
#
# ```sh
# docker info -f '{{.Driver}} {{json .DriverStatus}}'   # overlay2, or the containerd snapshotter
# docker pull debian:bookworm-slim
# docker image inspect -f '{{json .RootFS.Layers}}' debian:bookworm-slim   # DiffIDs
# docker image inspect -f '{{json .GraphDriver}}' debian:bookworm-slim     # overlay2: where the layers live
# docker system df -v                          # SIZE, SHARED SIZE, UNIQUE SIZE, CONTAINERS
# docker system df                             # RECLAIMABLE
# docker run -d --name s1 debian:bookworm-slim sleep 600
# docker ps -s                                 # SIZE (virtual ...) of the container
# docker rm -f s1
# ```

# %% [markdown]
# [← 03 Dockerfile builds and the build cache](03-dockerfile-builds-and-cache.ipynb) | [Index](00-index.ipynb) | [05 Image size: what is shipped, what is wasted →](05-image-size.ipynb)
