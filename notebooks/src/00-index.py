# %% [markdown]
# # layerlab: container images and containers, explained by a simulator
#
# These notebooks teach how container images and containers work, by building, running and
# taking apart images in **layerlab**, a simulator that behaves like Docker (BuildKit builds,
# overlayfs containers) but runs entirely inside Python. Nothing here needs Docker.
#
# **By the end you will be able to**
#
# - say what an image is made of, and why its layers never change;
# - predict what a container's writes, deletes and `chmod`s do to its writable layer;
# - predict which Dockerfile steps the build cache reuses, and order a Dockerfile for it;
# - explain why ten containers of one image cost almost no disk, and read `docker system df`;
# - find wasted bytes in an image and remove them;
# - compare the simulator with the kernel's real overlayfs.

# %% [markdown]
# ## The lessons
#
# Take them in order: each one uses the ideas of the ones before.
#
# | # | notebook |
# |---|---|
# | 01 | [Images are stacks of immutable layers](01-images-and-layers.ipynb) |
# | 02 | [Containers: copy-on-write over shared layers](02-containers-copy-on-write.ipynb) |
# | 03 | [Dockerfile builds and the build cache](03-dockerfile-builds-and-cache.ipynb) |
# | 04 | [Layer sharing and disk usage](04-layer-sharing-and-disk-usage.ipynb) |
# | 05 | [Image size: what is shipped, what is wasted](05-image-size.ipynb) |
# | 06 | [The real overlayfs beside the model](06-real-overlayfs.ipynb) |
# | 07 | [Containers as processes and resources](07-containers-as-processes.ipynb) |
# | 08 | [Registries and distribution](08-registries-and-distribution.ipynb) |
# | 09 | [Clusters and scheduling](09-clusters-and-scheduling.ipynb) |
#
# Each lesson has diagrams, an interactive widget, exercises that check your answer and give
# hints, and a *prediction* question: you choose what you expect, and say why, **before** running the
# experiment; the answer shows only once you commit. Guessing wrong is the point: it shows which
# idea to look at again.
#
# **How to work**: run the cells from the top (Shift-Enter). When a cell holds `...`, replace the
# `...` with your answer and run the cell and the check below it again.

# %%
# Check that everything the lessons need is here.
import simulator
from simulator import teaching, widgets
from simulator.viz import dot_available

print("layerlab", simulator.__version__)
print("Graphviz dot:", "found" if dot_available() else "missing: diagrams will be shown as text")
assert hasattr(widgets, "ContainerPlayground") and hasattr(teaching, "check_layer_count")

# %% [markdown]
# [01 Images are stacks of immutable layers →](01-images-and-layers.ipynb)
