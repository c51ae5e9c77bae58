# %% [markdown]
# [← 07 Containers as processes and resources](07-containers-as-processes.ipynb) | [Index](00-index.ipynb) | [09 Clusters and scheduling →](09-clusters-and-scheduling.ipynb)

# %% [markdown]
# # 08 · Registries and distribution
#
# **You will be able to**
#
# - say what a registry stores: compressed layer tars, configs and manifests, each a *blob*
#   named by the digest of its bytes;
# - read Docker's `push` lines: `Pushed`, `Layer already exists`, `Mounted from <repo>`;
# - read Docker's `pull` lines and predict which layers print `Already exists`;
# - explain why content addressing means a layer already present is never sent again.

# %%
from simulator import Engine
from simulator.registry import Registry, pull
from simulator.teaching import Probe, check_downloaded_blobs, check_mounted_push
from simulator.viz import install_reprs, transfer_picture
from simulator.widgets import SharingDashboard, show

install_reprs()

engine = Engine(image_store="overlay2")  # your build machine; "Already exists" depends on the store
registry = Registry()  # an in-memory registry that speaks the OCI distribution spec

# %% [markdown]
# ## 1. What a push sends
#
# `docker push` sends an image as **blobs**: one gzip-compressed tar per layer, the image's
# config (JSON), and last the **manifest**, the small JSON that lists the config and the layers
# by digest. A blob's name *is* the sha256 of its bytes, so before sending one Docker asks the
# registry `HEAD /v2/<repo>/blobs/<digest>`: does it have it already?

# %%
engine.images.pull("python:3.12-slim")
first = engine.images.push("python:3.12-slim", registry)
show(transfer_picture(first))

# %% [markdown]
# Push `python:3.11-slim` to the same repository. Both images are built on the same Debian base,
# so their bottom layers are the same bytes, the same digests: the registry already has them.

# %%
engine.images.pull("python:3.11-slim")
second = engine.images.push("python:3.11-slim", registry)
assert len(second.existing) == 2 and len(second.pushed) == 2
show(transfer_picture(second))

# %% [markdown]
# A registry keeps blobs once, but links them into the repositories they were pushed to. Your app
# lives in another repository, `shop`; its base layers are in `python` already, so Docker asks the
# registry to **mount** them (`POST …/uploads/?mount=<digest>&from=python`): nothing is uploaded.

# %%
shop = engine.images.build(
    "FROM python:3.12-slim\nCOPY app.py /srv/app.py\n", context={"app.py": "print('v1')\n"}, tag="shop:1"
).image
mounted = engine.images.push("shop:1", registry)
assert len(mounted.mounted) == len(shop.layers) - 1
show(transfer_picture(mounted))
print(registry.log[-3:])  # the last requests: the manifest went last

# %% [markdown]
# ## 2. What a pull fetches
#
# A laptop pulls from the registry: `Pulling fs layer`, then `Verifying Checksum` (the digest of
# the bytes received must be the digest asked for), `Download complete`, `Pull complete`.

# %%
laptop = Engine(image_store="overlay2")
got = pull(laptop, "python:3.12-slim", registry)
show(transfer_picture(got))

# %% [markdown]
# ### Predict first
#
# The laptop now holds `python:3.12-slim`. It pulls `python:3.11-slim` (or, the same question,
# the v2 of an app built `FROM` the same base). Does Docker download the whole image again?
# Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p08_pull"]
probe = Probe("p08_pull")
probe

# %%
again = pull(laptop, "python:3.11-slim", registry, quiet=True)  # quiet: the lines come with the answer
outcome = (
    "nothing"
    if not again.downloaded
    else "the whole image again"
    if len(again.downloaded) == len(again.image.layers)
    else "only the layers it does not have"
)
probe.reveal(outcome, str(again))

# %% [markdown]
# After you commit, draw it: `show(transfer_picture(again))`.
#
# ### Two rules for "Already exists"
#
# Docker decides that a layer is present in one of two ways, depending on its image store
# (`store=` here):
#
# | `store=` | a layer "Already exists" when |
# | --- | --- |
# | `"overlay2"` (classic) | the ChainID of the layers up to it is present: after the first missing layer, every layer above downloads |
# | `"containerd"` | its compressed blob is in the content store: each blob on its own |
#
# ## 3. Dashboard
#
# The laptop's images, as stored on its disk: the layers it pulled once are shared. Pull more
# images and watch `docker system df`.

# %%
dashboard = SharingDashboard(laptop)
dashboard

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** The same app is also built on `python:3.11-slim` (`shop:1-py311`, the same
# `COPY`, so the same app layer bytes) and pushed. A machine `ex1` has pulled only `shop:1-py311`.
# How many layer blobs will `pull(ex1, "shop:1", registry, store="overlay2")` download? Answer
# with a number; pull only afterwards, to check.

# %%
engine.images.build(
    "FROM python:3.11-slim\nCOPY app.py /srv/app.py\n",
    context={"app.py": "print('v1')\n"},
    tag="shop:1-py311",
)
engine.images.push("shop:1-py311", registry, quiet=True)
ex1 = Engine(image_store="overlay2")
print(pull(ex1, "shop:1-py311", registry))

# %% tags=["answer:ex08_download"]
answer = ...  # a whole number of layer blobs

# %%
check_downloaded_blobs(ex1, "shop:1", registry, answer, store="overlay2")

# %% [markdown]
# **Exercise 2.** Write `publish(engine, registry)`: it gets a fresh engine holding
# `python:3.12-slim` and `shop:1` (built on it) and an empty registry. It must push `shop:1` so
# that its base layers print `Mounted from python` and only the app's layer is uploaded, and
# return the push of `shop:1` (what `engine.images.push` returns).

# %% tags=["answer:ex08_mount"]
publish = ...  # def publish(engine, registry): ...; return engine.images.push("shop:1", registry)

# %%
check_mounted_push(publish)

# %% [markdown]
# ## Summary
#
# - A registry stores **blobs** (compressed layer tars, configs) and **manifests**, each named by
#   the sha256 of its bytes; a tag points at a manifest.
# - `docker push` asks before it sends: `Layer already exists` (the repository has the blob),
#   `Mounted from <repo>` (another repository of the registry has it: linked, not sent), else
#   `Pushed`; the manifest goes last.
# - `docker pull` downloads only the blobs it lacks, checks every digest, and prints
#   `Already exists` for the rest: by ChainID prefix with overlay2, by blob with containerd.
# - So a pull never downloads a whole image again when it shares layers with one you have: a
#   shared base, or your app's previous version, costs nothing the second time.

# %% [markdown]
# ## Try it on a real Docker host
#
# A registry of your own on this host (the `registry:2` image, or Debian's `docker-registry`):
#
# ```sh
# docker run -d --name reg -p 127.0.0.1:5000:5000 registry:2
# docker pull alpine:3.20 && docker tag alpine:3.20 localhost:5000/demo/alpine:3.20
# docker push localhost:5000/demo/alpine:3.20          # Pushed, then the manifest's digest
# docker push localhost:5000/demo/alpine:3.20          # Layer already exists
# docker image inspect -f '{{json .RepoDigests}}' localhost:5000/demo/alpine:3.20
# docker manifest inspect --insecure localhost:5000/demo/alpine:3.20   # compressed blob digests, not DiffIDs
# docker rmi localhost:5000/demo/alpine:3.20 && docker pull localhost:5000/demo/alpine:3.20   # Already exists
# docker rm -f reg
# ```

# %% [markdown]
# [← 07 Containers as processes and resources](07-containers-as-processes.ipynb) | [Index](00-index.ipynb) | [09 Clusters and scheduling →](09-clusters-and-scheduling.ipynb)
