# %% [markdown]
# [← 04 Layer sharing and disk usage](04-layer-sharing-and-disk-usage.ipynb) | [Index](00-index.ipynb) | [06 The real overlayfs beside the model →](06-real-overlayfs.ipynb)

# %% [markdown]
# # 05 · Image size: what is shipped, what is wasted
#
# **You will be able to**
#
# - measure an image's wasted bytes and name the reason for each;
# - explain why deleting files in a later step does not make an image smaller;
# - clean up in the same layer that made the mess;
# - explain why `chmod` of a big file in a later step doubles its cost, and avoid it;
# - use a multi-stage build to ship the result without the tools that made it;
# - tell the waste a better Dockerfile removes from the waste inside the base image, which only
#   squashing or a multi-stage copy removes.

# %%
from simulator import Engine
from simulator.analysis import efficiency
from simulator.teaching import Probe, check_multi_stage, check_same_layer_cleanup
from simulator.viz import install_reprs, layer_stack
from simulator.widgets import LayerExplorer, show

install_reprs()  # images, layers, containers and engines display as diagrams

engine = Engine(image_store="overlay2")

# %% [markdown]
# ## 1. Deleting in a later step
#
# `apk add curl` (without `--no-cache`) leaves the package index in `/var/cache/apk`, about
# 2 MB. A second step deletes it.
#
# ### Predict first
#
# Compared with the same image without the `rm` step, is the image with it smaller, the same
# or bigger? Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p05_delete"]
delete_probe = Probe("p05_delete")
delete_probe

# %%
WITHOUT_RM = "FROM alpine:3.20\nRUN apk add curl\n"
WITH_RM = WITHOUT_RM + "RUN rm -rf /var/cache/apk/*\n"
plain = engine.images.build(WITHOUT_RM, context={}, tag="curl:plain").image
cleaned = engine.images.build(WITH_RM, context={}, tag="curl:rm-later").image
verdict = "smaller" if cleaned.size < plain.size else ("the same" if cleaned.size == plain.size else "bigger")
delete_probe.reveal(verdict, f"without rm: {plain.size} B, with rm in a later step: {cleaned.size} B")

# %%
report = efficiency(cleaned, base=engine.images.get("alpine:3.20"))
print(report.summary())
assert report.by_reason.get("deleted", 0) > 1_000_000
assert report.reclaimable > 1_000_000 and 0 < report.wasted_in_base_layers < 10_000

# %% [markdown]
# `efficiency()` names a reason for every wasted byte: here `deleted` (shipped in one layer,
# deleted in a later one). Open the image in the explorer: the `rm` layer shows the whiteouts
# (**D**), and the table below lists each wasted file with its fix. Given the base image
# (`base=`), it also says where the waste sits: the apk cache is in this build's own layer, so a
# rebuild that deletes it in the same `RUN` removes it; the few kB of apk's database that
# `apk add` replaced sit in alpine's layer, which no rebuild on alpine removes (section 5).

# %%
explorer = LayerExplorer(engine, "curl:rm-later")
explorer

# %% [markdown]
# ## 2. Clean up in the same step
#
# A layer records the *result* of its step. Delete the cache in the same `RUN` (or do not create
# it: `apk add --no-cache`) and it never reaches any layer.

# %%
same = engine.images.build(
    "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n", context={}, tag="curl:same-step"
).image
print(f"same-step cleanup: {same.size} B  (saves {cleaned.size - same.size} B)")
assert same.size < cleaned.size and efficiency(same).by_reason.get("deleted", 0) == 0

# %% [markdown]
# ## 3. Is `chmod` free?
#
# A 1 MB file is copied in, then made executable in a second step.
#
# ### Predict first
#
# How much does the `RUN chmod` step add to the image? Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p05_chmod"]
chmod_probe = Probe("p05_chmod")
chmod_probe

# %%
BIG = {"tool.bin": bytes(range(256)) * 4096}  # 1 MiB
chmodded = engine.images.build(
    "FROM busybox\nCOPY tool.bin /opt/\nRUN chmod +x /opt/tool.bin\n", context=BIG, tag="tool:chmod"
)
grown = chmodded.steps[-1].layer.size
actual = "nothing" if grown == 0 else ("a few bytes" if grown < 10_000 else "about 1 MB")
chmod_probe.reveal(actual, f"the chmod layer holds {grown} B")

# %%
fixed = engine.images.build(
    "FROM busybox\nCOPY --chmod=755 tool.bin /opt/\n", context=BIG, tag="tool:fixed"
).image
print(f"chmod in a later step: {chmodded.image.size} B   COPY --chmod: {fixed.size} B")
assert efficiency(chmodded.image).by_reason.get("metadata-copy", 0) == len(BIG["tool.bin"])
assert fixed.view.lookup("/opt/tool.bin").mode & 0o111

# %% [markdown]
# ## 4. Multi-stage builds
#
# Compilers and headers are needed to build a program, not to run it. A multi-stage build
# compiles in one stage and copies only the result into a clean final stage; the build stage's
# layers are not part of the final image.
#
# *(layerlab's shell cannot run a compiler; the `printf` below stands in for `gcc -o /app/hello
# hello.c`. The packages really are installed, with their real sizes.)*

# %%
SINGLE = """\
FROM alpine:3.20
RUN apk add --no-cache gcc musl-dev
COPY hello.c /src/
RUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello
CMD ["/app/hello"]
"""
MULTI = """\
FROM alpine:3.20 AS build
RUN apk add --no-cache gcc musl-dev
COPY hello.c /src/
RUN mkdir -p /app && printf 'ELF-stand-in' > /app/hello

FROM alpine:3.20
COPY --from=build /app/hello /app/hello
CMD ["/app/hello"]
"""
SOURCE = {"hello.c": "int main(void) { return 0; }\n"}
single = engine.images.build(SINGLE, context=SOURCE, tag="hello:single").image
multi = engine.images.build(MULTI, context=SOURCE, tag="hello:multi").image
print(f"single stage: {single.size / 1e6:.1f} MB   multi-stage: {multi.size / 1e6:.1f} MB")
assert multi.size < single.size / 5 and not multi.view.exists("/usr/bin/gcc")
show(layer_stack(multi, name="hello:multi"))

# %% [markdown]
# ## 5. Waste in the base image: rebuilding does not remove it
#
# Fixing the Dockerfile and rebuilding removes waste that your own steps shipped and a later step
# of yours hid. It does not remove waste when a step of yours replaces or deletes a file of the
# **base image**: the base's layers are shipped whole, exactly as they are, whatever your
# Dockerfile says. Give `efficiency()` the base (`base=`) and it splits the figure in two.

# %%
patched = engine.images.build(
    "FROM alpine:3.20\nRUN rm -rf /etc/ssl && echo 'hello' > /etc/motd\n", context={}, tag="alpine:patched"
).image
report = efficiency(patched, base=engine.images.get("alpine:3.20"))
print(report.summary().split("\n  L")[0])  # the totals, without the list of paths
assert report.wasted_in_base_layers == report.wasted_bytes > 0
assert report.reclaimable == 0  # nothing here is yours to rebuild away

# %% [markdown]
# What removes them is a new image that does not stack on the base's layers:
#
# - a **multi-stage** build whose final stage is `FROM scratch` (or another, smaller base) and
#   copies in only what it needs, as in section 4;
# - **flattening** the whole file system into one layer: `docker export` of a container piped to
#   `docker import` (which also drops the config: `CMD`, `ENV`, history).
#
# `docker build --squash` is *not* enough: it squashes only the layers your build made, on top
# of the base's layers left as they are (classic builder only, an experimental daemon feature;
# [docs](https://docs.docker.com/reference/cli/docker/build-legacy/#squash); the rule that the
# base stays is discussed in [moby#38903](https://github.com/moby/moby/issues/38903)). A
# flattened image shares nothing with its base any more, so every host pulls it whole (lesson 04).

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** Write a Dockerfile `FROM alpine:3.20` that installs `curl` and ships **no byte
# of `/var/cache/apk`** in any layer.

# %% tags=["answer:ex05_cleanup"]
cleanup_dockerfile = ...  # a Dockerfile as a string

# %%
check_same_layer_cleanup(cleanup_dockerfile, must_have="/usr/bin/curl", junk="/var/cache/apk")

# %% [markdown]
# **Exercise 2.** Write a Dockerfile whose final image contains `/app/hello` (made as in
# `SINGLE`) but ships no `/usr/bin/gcc` in any of its layers.

# %% tags=["answer:ex05_multistage"]
multistage_dockerfile = ...  # a Dockerfile as a string

# %%
check_multi_stage(multistage_dockerfile, SOURCE, artifact="/app/hello", tools="/usr/bin/gcc")

# %% [markdown]
# ## Summary
#
# - An image ships every layer whole. A file deleted, replaced or `chmod`ed in a later layer is
#   still shipped in the earlier one: `efficiency()` calls those bytes *wasted* and says why.
# - Clean up in the same `RUN` that made the mess (or never make it: `--no-cache`).
# - Set modes and owners where files are created (`COPY --chmod`, `--chown`), not in a later step.
# - Multi-stage builds leave the build tools in a stage the final image does not include.
# - Waste inside the base image's layers is not yours to rebuild away: only a multi-stage copy
#   onto another base or flattening (`export | import`) removes it, at the cost of sharing;
#   `--squash` leaves the base's layers as they are.

# %% [markdown]
# ## Try it on a real Docker host
#
# ```sh
# printf 'FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\n' | docker build -t curl:rm-later -
# docker history curl:rm-later                  # the rm layer: 0B; the apk layer still holds the cache
# docker image inspect -f '{{.Size}}' curl:rm-later
# docker save curl:rm-later -o /tmp/curl.tar && tar -tf /tmp/curl.tar   # one tar per layer
# docker rmi curl:rm-later
# ```
#
# Tools that report waste per layer as `efficiency()` does: [dive](https://github.com/wagoodman/dive).

# %% [markdown]
# [← 04 Layer sharing and disk usage](04-layer-sharing-and-disk-usage.ipynb) | [Index](00-index.ipynb) | [06 The real overlayfs beside the model →](06-real-overlayfs.ipynb)
