# %% [markdown]
# [← 03 Dockerfile builds and the build cache](03-dockerfile-builds-and-cache.ipynb) | [Index](00-index.ipynb) | [05 Image size: what is shipped, what is wasted →](05-image-size.ipynb)

# %% [markdown]
# # 04 · Layer sharing and disk usage
#
# **You will be able to**
#
# - explain why pulling a second image based on the same base downloads and stores less;
# - read `docker system df -v`: SIZE, SHARED SIZE, UNIQUE SIZE;
# - compute the bytes really stored for a set of images, against the naive sum of their sizes;
# - say what each running container adds on disk.

# %%
from simulator import Engine
from simulator.teaching import Probe, check_disk_usage, check_shared_layers
from simulator.viz import install_reprs, sharing_dag
from simulator.widgets import SharingDashboard, show

install_reprs()  # images, layers, containers and engines display as diagrams

engine = Engine()

# %% [markdown]
# ## 1. Images that share a base
#
# The official `python` and `nginx` images are built `FROM debian:bookworm-slim`: their first
# layer is Debian's layer, the very same bytes with the same ChainID, stored once.

# %%
debian = engine.images.pull("debian:bookworm-slim")
python = engine.images.pull("python:3.12-slim")
nginx = engine.images.pull("nginx:1.27")
assert python.chain_ids[0] == nginx.chain_ids[0] == debian.chain_ids[0]
for name, img in [("debian", debian), ("python", python), ("nginx", nginx)]:
    print(f"{name:8} {len(img.layers)} layers  {img.size / 1e6:6.1f} MB")
show(sharing_dag(engine))

# %%
df = engine.df()
print(df.verbose().split("\n\nContainers space usage")[0])
print()
print(f"stored: {df.layers_size / 1e6:.1f} MB   sum of image sizes: {df.naive_size / 1e6:.1f} MB")
assert df.layers_size < df.naive_size

# %% [markdown]
# SIZE is the image's full size; SHARED SIZE the part in layers other images use too; UNIQUE
# SIZE the rest, which is what removing this image alone would free.
#
# ## 2. What does a container cost?
#
# ### Predict first
#
# The `python:3.12-slim` image is about 130 MB. We start 10 containers of it. How much more
# disk do they use? Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p04_containers"]
probe = Probe("p04_containers")
probe

# %%
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
# shared and not stored again.
#
# ### RECLAIMABLE: what a prune could free
#
# `docker system df` without `-v` sums it up. For images, RECLAIMABLE is the UNIQUE SIZE of the
# images that no container (running or stopped) uses: removing those frees their own layers, but
# not layers that an image still in use needs. Here `python` is in use, so Debian's layer (which python needs) is not
# reclaimable even though `debian:bookworm-slim` itself is unused; nginx's own layers are.
# (Docker versions before the end of 2025 computed this column differently and counted shared
# layers as reclaimable.)

# %%
usage = engine.df()
print(usage)
unused_unique = sum(row.unique_size for row in usage.images if row.containers == 0)
assert usage.images_reclaimable == unused_unique

# %% [markdown]
# ## 3. Dashboard
#
# Pull images, build small images from a Dockerfile, start containers, and watch the sharing
# DAG and `docker system df -v`: the bytes stored against the naive sum of the image sizes.

# %%
dashboard = SharingDashboard(Engine())
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
e2 = Engine()

# %% tags=["answer:ex04_share"]
DOCKERFILE_A = ...  # a Dockerfile
DOCKERFILE_B = ...  # another Dockerfile
if isinstance(DOCKERFILE_A, str) and isinstance(DOCKERFILE_B, str):
    e2.images.build(DOCKERFILE_A, context={}, tag="app-a:1")
    e2.images.build(DOCKERFILE_B, context={}, tag="app-b:1")

# %%
check_shared_layers(e2, "app-a:1", "app-b:1", at_least=2)

# %% [markdown]
# ## Summary
#
# - Layers are stored once per ChainID, whichever images use them. Images with a common base
#   share its layers on disk and in every pull.
# - `docker system df -v`: SHARED SIZE is in layers other images use, UNIQUE SIZE only in this one.
#   RECLAIMABLE (in `docker system df`) is the UNIQUE SIZE of the images no container uses.
# - A container adds only its writable layer; 10 containers of one image cost almost nothing
#   until they write.

# %% [markdown]
# [← 03 Dockerfile builds and the build cache](03-dockerfile-builds-and-cache.ipynb) | [Index](00-index.ipynb) | [05 Image size: what is shipped, what is wasted →](05-image-size.ipynb)
