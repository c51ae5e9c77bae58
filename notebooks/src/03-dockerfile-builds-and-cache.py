# %% [markdown]
# [← 02 Containers: copy-on-write over shared layers](02-containers-copy-on-write.ipynb) | [Index](00-index.ipynb) | [04 Layer sharing and disk usage →](04-layer-sharing-and-disk-usage.ipynb)

# %% [markdown]
# # 03 · Dockerfile builds and the build cache
#
# **You will be able to**
#
# - read a BuildKit progress log and say which steps were `CACHED`;
# - explain what a step's cache key depends on (its parent, its instruction, the files it copies);
# - predict which steps rebuild after an edit, and why every later step follows the first miss;
# - order a Dockerfile so that editing your code does not re-run the expensive install;
# - explain why a cached `RUN apk add` / `apt-get update` can be stale, and how to refresh it.

# %%
from simulator import Engine
from simulator.teaching import Probe, check_cache_friendly, check_rebuilt_steps
from simulator.viz import build_graph, install_reprs
from simulator.widgets import BuildStepper, show

install_reprs()  # images, layers, containers and engines display as diagrams

engine = Engine(image_store="overlay2")

# %% [markdown]
# ## 1. A first build
#
# An app: a script and the list of packages it needs. The install step is the slow one.

# %%
DOCKERFILE = """\
FROM alpine:3.20
LABEL maintainer="you@example.com"
WORKDIR /app
COPY packages.txt .
RUN apk add --no-cache $(cat packages.txt)
COPY app.sh .
CMD ["sh", "app.sh"]
"""
CONTEXT = {"packages.txt": "curl\n", "app.sh": "curl --version\n"}

first = engine.images.build(DOCKERFILE, context=CONTEXT, tag="app:1")
print(first.log)

# %% [markdown]
# Each `#N` is a BuildKit *vertex*. The first ones are BuildKit's own: `[internal] load build
# definition from Dockerfile` (the Dockerfile is sent to the builder), `[internal] load
# .dockerignore`. A real `docker build --progress=plain` shows two more that layerlab leaves out:
# `[internal] load metadata for docker.io/library/alpine:3.20` (BuildKit asks the registry which
# image the tag names *now*; that is how a rebuilt base reaches your build) and `[internal] load
# build context` (the files `COPY` may need are sent to the builder, minus `.dockerignore`).
# ([Docker docs: build output](https://docs.docker.com/build/building/variables/#buildkit_progress);
# [BuildKit's Dockerfile frontend](https://github.com/moby/buildkit/tree/master/frontend/dockerfile).)

# %% [markdown]
# ## 2. Build again, unchanged
#
# Each step's **cache key** is made from the key of the step before it plus the step itself:
# for `RUN`, the command and the environment, user and working directory it runs with; for
# `COPY`, the destination and a checksum of the content and mode of the files copied (not their
# modification time: saving a file again without changing it does not invalidate the cache).
# Nothing changed, so every key is found in the cache.
#
# (`LABEL` and `CMD` are not in the log: BuildKit lists only the steps that do work, the `FROM`
# and the steps that make a layer.)

# %%
second = engine.images.build(DOCKERFILE, context=CONTEXT, tag="app:1")
assert all(step.cached for step in second.steps if step.layer is not None)
assert second.image.layers == first.image.layers  # the very same layers, reused
print(second.log)

# %% [markdown]
# ## 3. Edit the script
#
# Only `app.sh` changes. The `COPY app.sh .` step's key includes the file's content, so it
# misses; the install step above it is still cached.

# %%
edited = engine.images.build(DOCKERFILE, context={**CONTEXT, "app.sh": "echo v2\n"}, tag="app:2")
for step in edited.steps:
    print(
        f"line {step.line}: {step.instruction:45} {'CACHED' if step.cached else step.miss_reason or 'config only'}"
    )
show(build_graph(edited))

# %% [markdown]
# ### Predict first
#
# We now change only the `LABEL` line at the top (a new maintainer) and rebuild. Will the
# install step (`RUN apk add …`) run again? Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p03_label"]
probe = Probe("p03_label")
probe

# %%
relabelled = engine.images.build(
    DOCKERFILE.replace("you@example.com", "someone@example.com"), context=CONTEXT, tag="app:3"
)
install = next(step for step in relabelled.steps if "apk add" in step.instruction)
probe.reveal("no" if install.cached else "yes")

# %%
assert install.cached and relabelled.image.id != first.image.id  # new config, same layers
assert relabelled.image.layers == first.image.layers

# %% [markdown]
# ## 4. A Dockerfile in the wrong order
#
# Copying the whole project before the install means that *any* edit re-runs the install.

# %%
SLOW = """\
FROM alpine:3.20
WORKDIR /app
COPY . .
RUN apk add --no-cache $(cat packages.txt)
CMD ["sh", "app.sh"]
"""
engine.images.build(SLOW, context=CONTEXT, tag="slow:1")
again = engine.images.build(SLOW, context={**CONTEXT, "app.sh": "echo v2\n"}, tag="slow:2")
for step in again.steps:
    print(f"{step.instruction:45} {'CACHED' if step.cached else step.miss_reason or 'config only'}")
assert not next(s for s in again.steps if "apk" in s.instruction).cached

# %% [markdown]
# ## 5. A cache hit can be stale
#
# A `RUN` step's key is made of the command text, its environment and the key of the step
# before: **never** of what the command would download. `RUN apk add curl` (or `apt-get update`)
# built last month stays `CACHED` today, with last month's package index and last month's curl,
# even though the repository has newer packages. Nothing in the log says so.

# %%
STALE = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
monday = engine.images.build(STALE, context={}, tag="curl:monday")
# ... a month later, the Alpine repository has a security fix for curl ...
later = engine.images.build(STALE, context={}, tag="curl:later")
print(later.log.split("\n\n")[-2])
assert later.steps[-1].cached and later.image.layers == monday.image.layers

# %%
fresh = engine.images.build(STALE, context={}, tag="curl:fresh", no_cache=True)
print(next(s for s in fresh.steps if "apk" in s.instruction).miss_reason)
assert not fresh.steps[-1].cached

# %% [markdown]
# The fixes ([Docker docs: build cache invalidation, RUN instructions](https://docs.docker.com/build/cache/invalidation/#run-instructions);
# [best practices, apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)):
#
# - `docker build --no-cache` (or `--no-cache-filter STAGE`) when you want fresh packages;
# - `--pull`, so that the base image too is the newest build of its tag;
# - `apt-get update && apt-get install -y …` in **one** `RUN`: an `apt-get update` alone in its
#   own step is cached forever, and a later install reads its stale index;
# - pin versions (`apk add curl=8.10.1-r0`): the text of the command then changes when you
#   change the version, and so does the key.
#
# ### `COPY --link`
#
# A normal `COPY`'s layer is made on top of the layers before it, and its cache key follows
# theirs: rebuild the base, and every `COPY` above it is made again. `COPY --link` makes its
# layer on its own, independent of what is below, so BuildKit can reuse it over a new base, and
# even put it on a new base without rebuilding (rebasing)
# ([Dockerfile reference, COPY --link](https://docs.docker.com/reference/dockerfile/#copy---link)).
# It cannot follow symlinks in the destination's parents, which are not there when the layer is
# made on its own.

# %% [markdown]
# ## 6. Build stepper
#
# Edit the Dockerfile, press **Build**, and move the slider over the steps: the layer stack so
# far, what the step changed, and the cache result of each step. Then change a line and build
# again: the stepper lists which steps rebuilt and why.

# %%
stepper = BuildStepper(engine)
stepper.build()
stepper

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** We build `BEFORE` and then `AFTER` (the `ENV` value changed). Which lines of
# `AFTER` are rebuilt? Answer with a set of line numbers (`FROM` is line 1).

# %%
BEFORE = """\
FROM busybox
RUN mkdir /app
ENV MODE=debug
RUN echo "$MODE" > /app/mode
COPY run.sh /app/
CMD ["sh", "/app/run.sh"]
"""
AFTER = BEFORE.replace("MODE=debug", "MODE=release")
RUN_CONTEXT = {"run.sh": "cat /app/mode\n"}

# %% tags=["answer:ex03_lines"]
rebuilt_lines = ...  # a set of line numbers, e.g. {2, 3}

# %%
check_rebuilt_steps(BEFORE, AFTER, rebuilt_lines, RUN_CONTEXT)

# %% [markdown]
# **Exercise 2.** Rewrite `SLOW` (section 4) so that editing `app.sh` does **not** re-run the
# `apk add` step. The check builds your Dockerfile, edits `app.sh`, builds again and looks at the
# install step; your image must still hold every file `SLOW`'s does.

# %% tags=["answer:ex03_order"]
my_dockerfile = ...  # a Dockerfile as a string

# %%
check_cache_friendly(my_dockerfile, CONTEXT, {"app.sh": "echo v3\n"}, expensive="apk add", reference=SLOW)

# %% [markdown]
# ## Summary
#
# - Every layer step has a cache key: the previous key + the instruction (for `RUN`: + its
#   environment, user and working directory; for `COPY`/`ADD`: + a checksum of the copied files'
#   content and mode, never their modification time). Same key → `CACHED`, the old layer is reused.
# - The first step that misses rebuilds, and so does every later step of that stage.
# - With BuildKit, metadata instructions (`LABEL`, `CMD`, `EXPOSE` …) make no layer and
#   invalidate nothing; `ENV` and `ARG` values (and `USER`, `WORKDIR`) do reach the keys of later
#   `RUN` steps. The classic builder is stricter: any changed line invalidates every later step.
# - Put what changes rarely first (dependency lists, installs) and what changes often last
#   (your code).
# - A `RUN`'s key never sees the network: a cached install can be stale. `--no-cache`, `--pull`,
#   `update && install` in one `RUN`, pinned versions.

# %% [markdown]
# ## Try it on a real Docker host
#
# ```sh
# mkdir -p /tmp/app && cd /tmp/app && echo curl > packages.txt && echo 'curl --version' > app.sh
# printf 'FROM alpine:3.20\nWORKDIR /app\nCOPY packages.txt .\nRUN apk add --no-cache $(cat packages.txt)\nCOPY app.sh .\nCMD ["sh", "app.sh"]\n' > Dockerfile
# docker build --progress=plain -t app:1 .       # every step, with its #N vertex
# docker build --progress=plain -t app:1 .       # again: CACHED
# echo 'echo v2' > app.sh && docker build --progress=plain -t app:2 .   # COPY app.sh misses
# docker build --progress=plain --no-cache -t app:3 .                   # a fresh apk add
# docker history app:2
# docker builder prune -f && docker rmi app:1 app:2 app:3
# ```

# %% [markdown]
# [← 02 Containers: copy-on-write over shared layers](02-containers-copy-on-write.ipynb) | [Index](00-index.ipynb) | [04 Layer sharing and disk usage →](04-layer-sharing-and-disk-usage.ipynb)
