# %% [markdown]
# [← 01 Images are stacks of immutable layers](01-images-and-layers.ipynb) | [Index](00-index.ipynb) | [03 Dockerfile builds and the build cache →](03-dockerfile-builds-and-cache.ipynb)

# %% [markdown]
# # 02 · Containers: copy-on-write over shared layers
#
# **You will be able to**
#
# - explain what a container's file system is: the image's read-only layers plus one **writable
#   layer** of its own (a container is also a process with namespaces and cgroups: lesson 07);
# - predict when a file is **copied up** into the writable layer, and how much is copied;
# - recognise **whiteouts** (deleted files) and **opaque directories**;
# - read `docker diff`, and say what `docker rm` and `docker commit` do to the writable layer.

# %%
from simulator import Engine
from simulator.teaching import Probe, check_copy_up, check_opaque_dir, check_whiteout
from simulator.viz import copy_up, install_reprs, overlay, sharing_dag
from simulator.widgets import ContainerPlayground, show

install_reprs()  # images, layers, containers and engines display as diagrams

engine = Engine(image_store="overlay2")  # what `docker diff` shows is the same with containerd
image = engine.images.pull("alpine:3.20")
alpha = engine.containers.create("alpine:3.20", name="alpha").start()
beta = engine.containers.create("alpine:3.20", name="beta").start()
print(alpha, beta, sep="\n")

# %% [markdown]
# ## 1. Two containers, one image
#
# Both containers see the same files, served from the same image layer. Nothing was copied
# when they started: each writable layer is empty.

# %%
assert alpha.read_file("/etc/motd") == beta.read_file("/etc/motd") == image.read_file("/etc/motd")
assert alpha.size_rw == beta.size_rw == 0
show(overlay(alpha, "/etc/motd"))

# %% [markdown]
# ## 2. Copy-up: the first write copies the whole file
#
# Appending one line to `/etc/motd` in container `alpha` makes overlayfs copy the whole file into
# `alpha`'s writable layer, then change the copy. First it creates the parent directory `/etc`
# there, *empty* but with the same owner and mode (the first event below, `bytes=0`): the other
# files of `/etc` are not copied. The image layer is not touched, and `beta` still sees the original.
#
# What triggers a copy-up ([kernel docs, overlayfs "Non-directories"](https://docs.kernel.org/filesystems/overlayfs.html#non-directories)):
# opening for writing, any metadata change (`chmod`, `chown`, `touch`), and **making a hard link**
# to the file (`ln /etc/motd /tmp/m` copies `/etc/motd` up first). Docker mounts overlay2 with
# `index=off`, so a file that already had two hard links in the image loses the link on copy-up:
# a write through one name is not seen through the other.
#
# With the kernel's `metacopy=on` option a `chmod` would copy only the metadata, not the data.
# It is off unless the kernel was built with `CONFIG_OVERLAY_FS_METACOPY=y` or the option is
# given ([kernel docs, "Metadata only copy up"](https://docs.kernel.org/filesystems/overlayfs.html#metadata-only-copy-up)),
# and Docker's overlay2 driver does not ask for it, so count on whole-file copies.

# %%
d = engine.containers.create("alpine:3.20", name="linker").start()
d.exec_run("ln /etc/profile /tmp/profile")  # a hard link to an image file copies it up
print([f"{event.path} ({event.bytes} B)" for event in d.copy_ups])
assert "/etc/profile" in [event.path for event in d.copy_ups]
d.remove(force=True)

# %%
image_id = image.id
alpha.exec_run("echo 'maintenance at 18:00' >> /etc/motd")
for event in alpha.copy_ups:
    print(event)
assert beta.read_file("/etc/motd") == image.read_file("/etc/motd")
assert image.id == image_id
show(copy_up(alpha, "/etc/motd"))

# %% [markdown]
# ## 3. Whiteouts and opaque directories
#
# The image's layers are read-only, so deleting a file that comes from the image cannot remove
# it from them: instead the writable layer gets a **whiteout**, a marker meaning "hide this name".
# (Deleting a file the container created itself just removes it: there is nothing below to hide.)
# `rm -rf` of a directory from the image also ends as a single whiteout, for the directory.
# Deleting a directory from the image and then creating a new one with the same name gives an
# **opaque directory**: it hides everything the image had below it.
#
# On disk, the kernel makes a whiteout as a character device with device number 0/0, and marks an
# opaque directory with the extended attribute `trusted.overlay.opaque="y"` (lesson 06 shows
# both on a real mount). Since Linux 6.7 the kernel also *reads* a second form that it never
# creates: a zero-size regular file with the xattr `trusted.overlay.whiteout`
# (`user.overlay.whiteout` on a mount with `userxattr`), in a directory marked
# `trusted.overlay.opaque="x"`, meant for tools that build layers without the right to make
# device files (composefs). Its format changed in 6.8 and was backported to 6.7's stable updates
# ([ostree#3149](https://github.com/ostreedev/ostree/pull/3149)), so check `uname -r` first. In an image's layer tar, a whiteout is neither: it is
# an empty file named `.wh.<name>`, and an opaque directory holds `.wh..wh..opq`
# ([OCI image spec, whiteouts](https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts);
# [kernel docs, "whiteouts and opaque directories"](https://docs.kernel.org/filesystems/overlayfs.html#whiteouts-and-opaque-directories)).
#
# (`/etc/hostname`, `/etc/hosts` and `/etc/resolv.conf` are different: Docker bind-mounts them
# into every container, so `rm /etc/hostname` fails with "Device or resource busy", here as in Docker.)

# %%
alpha.exec_run("rm /etc/issue")
alpha.exec_run("rm -rf /etc/ssl && mkdir /etc/ssl && echo new > /etc/ssl/only-this")
upper = alpha.upper_entries
assert upper["/etc/issue"].is_whiteout
assert upper["/etc/ssl"].is_dir and upper["/etc/ssl"].opaque
assert image.read_file("/etc/issue")  # still in the image
print(alpha.exec_run("ls /etc/ssl").output.decode())
show(overlay(alpha))

# %% [markdown]
# ## 4. `docker diff`
#
# `docker diff` compares the container's file system with its image's, file by file: **A** added,
# **C** changed, **D** deleted. It compares the two *merged views*, not the layers, so you never
# see a whiteout or an opaque marker in it:
#
# - a directory with changes below it is listed as `C` (`/etc`), before its children;
# - a deleted directory is one `D` line, not one per file inside it;
# - the opaque `/etc/ssl` still exists, so it is `C`, and each name it hides is `D`
#   (`D /etc/ssl/certs` is one line for the whole `certs` directory), next to `A /etc/ssl/only-this`.
#
# It compares type, mode, owner, size and modification time, not contents. (Real Docker prints
# the lines of one directory in no fixed order; layerlab sorts them.)

# %%
print(alpha.diff_text())
assert "D /etc/issue" in alpha.diff_text().splitlines()
assert beta.diff() == []

# %% [markdown]
# **Another engine, another answer.** `podman diff` (and `docker diff` on podman's Docker-compatible
# API) walks the writable layer alone instead of comparing two trees: the re-created `/etc/ssl`
# is `D` there (its opaque marker says "everything below was deleted"), and the names it hides
# are not listed. Docker shows the same lines with both of its image stores
# (moby `daemon/containerd/image_changes.go`; containers/storage `pkg/archive/changes.go`;
# docs/image-stores.md).

# %%
print(alpha.diff_text(style="podman"))
assert "D /etc/ssl" in alpha.diff_text(style="podman").splitlines()
assert "C /etc/ssl" in alpha.diff_text().splitlines()

# %% [markdown]
# ## 5. Is a container's writable layer permanent?
#
# Container `alpha` has changed `/etc/motd`. We now remove it (`docker rm -f alpha`) and start a new
# container `gamma` from the same image.
#
# ### Predict first
#
# Will `gamma` see the line `maintenance at 18:00` in `/etc/motd`? Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p02_rm"]
probe = Probe("p02_rm")
probe

# %%
alpha.remove(force=True)
gamma = engine.containers.create("alpine:3.20", name="gamma").start()
seen = "yes" if b"maintenance" in gamma.read_file("/etc/motd") else "no"
probe.reveal(seen)

# %% [markdown]
# ## 6. `docker commit`: a writable layer becomes an image layer
#
# Committing a container freezes its writable layer into a new read-only layer on top of its
# image: a new image. The sharing DAG shows it stacked on alpine's layer, stored once. (Similar
# nodes are folded to fit the screen: `fold=1` draws the running containers as one node;
# `sharing_dag(engine, fold=0)` draws each, and the playground's **Expand folded nodes** does too.)

# %%
beta.exec_run("mkdir -p /srv && echo 'hi' > /srv/index.html")
snapshot = beta.commit("site", "1")
assert len(snapshot.layers) == len(image.layers) + 1
assert snapshot.layers[0] is image.layers[0]
show(sharing_dag(engine, fold=1))

# %% [markdown]
# ## 7. Playground
#
# Start containers, type shell commands into each (`echo hi > /etc/motd`, `rm /etc/issue`,
# `chmod 600 /etc/passwd`, `rm -rf /etc/apk && mkdir /etc/apk` …), and watch the selected
# container's writable layer, its copy-ups and whiteouts, while the table shows the other
# containers and the image unchanged. Remove a container; commit one and look at the sharing DAG.

# %%
playground = ContainerPlayground(engine, "alpine:3.20")
playground

# %%
# The same playground, driven from code (this is how the tests drive it)
playground.run("echo from-the-playground > /root/note")
assert playground.container.read_file("/root/note") == b"from-the-playground\n"

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** Make container `ex1` copy `/etc/passwd` up **without changing its content**.
# Write one shell command.

# %%
ex1 = engine.containers.create("alpine:3.20", name="ex1").start()

# %% tags=["answer:ex02_copy"]
command = ...  # a shell command, as a string

# %%
if isinstance(command, str):
    print(ex1.exec_run(command).output.decode())
check_copy_up(ex1, "/etc/passwd", command=command)

# %% [markdown]
# **Exercise 2.** In container `ex2`, delete `/etc/shells` so that `ex2` has a whiteout for it.

# %%
ex2 = engine.containers.create("alpine:3.20", name="ex2").start()

# %% tags=["answer:ex02_whiteout"]
command = ...  # a shell command

# %%
if isinstance(command, str):
    ex2.exec_run(command)
check_whiteout(ex2, "/etc/shells", command=command)

# %% [markdown]
# **Exercise 3.** In container `ex3`, make `/etc/apk` an **opaque directory**.

# %%
ex3 = engine.containers.create("alpine:3.20", name="ex3").start()

# %% tags=["answer:ex02_opaque"]
command = ...  # a shell command

# %%
if isinstance(command, str):
    ex3.exec_run(command)
check_opaque_dir(ex3, "/etc/apk", command=command)

# %% [markdown]
# ## Summary
#
# - A container = its image's read-only layers (shared with every other container of the image)
#   + one writable layer of its own, stacked by overlayfs.
# - The first change to an image file (opening it for writing, append, `chmod`, `chown`,
#   `touch`) **copies the whole file up**, even when only its metadata changes; its parent
#   directories are created first, empty.
# - Deleting an image file leaves a **whiteout**; deleting a directory from the image and
#   creating it again makes it **opaque**.
# - `docker diff` lists the changes (podman's diff differs for re-created directories); `docker rm`
#   throws the writable layer away; `docker commit` turns it into a new image layer.
# - Hard links copy up too; `chmod` copies the whole file unless the kernel's metacopy is on
#   (Docker does not turn it on).

# %% [markdown]
# ## Try it on a real Docker host
#
# ```sh
# docker run -d --name demo-a alpine:3.20 sleep 600
# docker exec demo-a sh -c "echo 'maintenance at 18:00' >> /etc/motd && rm /etc/issue"
# docker diff demo-a                                          # C /etc, C /etc/motd, D /etc/issue
# docker inspect -f '{{json .GraphDriver}}' demo-a            # overlay2: LowerDir, UpperDir, MergedDir
# sudo ls -la "$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' demo-a)/etc"   # motd, and issue as c--------- 0, 0
# grep overlay /proc/mounts                              # the container's overlay mount and its options
# docker ps -s                                           # SIZE: the writable layer's bytes
# docker commit demo-a site:1 && docker history site:1
# docker rm -f demo-a && docker rmi site:1
# ```
#
# (With the containerd image store, `GraphDriver` names the snapshotter instead, and the upper
# directory lives under `/var/lib/containerd`; `docker diff` is the same.)

# %% [markdown]
# [← 01 Images are stacks of immutable layers](01-images-and-layers.ipynb) | [Index](00-index.ipynb) | [03 Dockerfile builds and the build cache →](03-dockerfile-builds-and-cache.ipynb)
