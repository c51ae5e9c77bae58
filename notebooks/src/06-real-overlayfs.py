# %% [markdown]
# [← 05 Image size: what is shipped, what is wasted](05-image-size.ipynb) | [Index](00-index.ipynb) | [07 Containers as processes and resources →](07-containers-as-processes.ipynb)

# %% [markdown]
# # 06 · The real overlayfs beside the model
#
# Docker's containers run on **overlayfs**, a Linux file system that stacks directories:
# read-only *lower* directories (the image layers) under one writable *upper* directory (the
# container's layer). layerlab's model imitates it; here the same operations run on both, on
# a real kernel mount when this machine allows it.
#
# **You will be able to**
#
# - recognise on disk what the model draws: copied-up files, whiteouts, opaque directories;
# - explain why renaming a directory from the image fails with `EXDEV`, and what `mv` does then;
# - check a claim about containers against the real kernel, not only against a diagram.

# %%
import os

from simulator import Container, Engine, Entry, Image, Layer
from simulator.backends import Availability, availability
from simulator.teaching import Probe, check_errno, check_whiteout_on_disk
from simulator.viz import install_reprs, overlay
from simulator.widgets import ContainerPlayground, show

install_reprs()  # images, layers, containers and engines display as diagrams

status = availability()
if os.environ.get("LAYERLAB_PRETEND_NO_OVERLAY"):  # lets the test suite check the model-only path
    status = Availability(False, "LAYERLAB_PRETEND_NO_OVERLAY is set")
print("real overlayfs:", "available" if status.ok else "NOT available", "-", status.reason)

# %% [markdown]
# Mounting overlayfs needs Linux and the right to mount (root, or `fuse-overlayfs`). Where it is
# not possible, the line above says why, and this notebook shows the model's side only: every
# cell still runs.
#
# Since Linux 5.11 an ordinary user may mount the kernel's overlayfs inside a *user namespace*
# that they own (`unshare -Urm`); rootless podman and rootless Docker use it there, and fall back
# to `fuse-overlayfs` on older kernels. Such a mount uses `user.overlay.*` xattrs (the `userxattr`
# option) where a root mount uses `trusted.overlay.*`
# ([kernel docs, overlayfs "User xattr"](https://docs.kernel.org/filesystems/overlayfs.html#user-xattr);
# [Linux 5.11 release notes](https://kernelnewbies.org/Linux_5.11#Allow_unprivileged_overlayfs_mounts)).
# Many JupyterHub and Binder servers forbid new user namespaces too, hence the model-only path.
#
# ## 1. A small image and a scenario

# %%
image = Image.of(
    [
        Layer.of(
            {
                "/etc": Entry.directory(),
                "/etc/motd": Entry.file(b"welcome\n"),
                "/etc/issue": Entry.file(b"box\n"),
                "/etc/conf.d": Entry.directory(),
                "/etc/conf.d/a.conf": Entry.file(b"a=1\n"),
                "/etc/conf.d/b.conf": Entry.file(b"b=2\n"),
                "/data": Entry.directory(),
                "/data/big": Entry.file(b"x" * 4096),
            },
            created_by="a small test layer",
        )
    ]
)

SCENARIO = [
    ("append_file", "/etc/motd", b"edited\n"),  # copy-up, then append
    ("chmod", "/data/big", 0o600),  # metadata change: still a full copy-up
    ("unlink", "/etc/issue"),  # whiteout
    ("rm_rf", "/etc/conf.d"),  # whiteout for the directory ...
    ("mkdir", "/etc/conf.d"),  # ... then an opaque directory
    ("rename", "/data", "/srv"),  # a directory from the image: EXDEV
]

# %% [markdown]
# ### Predict first
#
# After `unlink /etc/issue`, what does the kernel keep in the upper directory for it?
# Nothing (the name is simply absent), an empty file, or a special marker file? Choose in the form, say why, and press **Commit**: the answer shows only after that.

# %% tags=["answer:p06_whiteout"]
probe = Probe("p06_whiteout")
probe

# %%
from simulator.backends.compare import run_ops

model = Container(image)
outcomes = run_ops(model, SCENARIO)
for op, outcome in zip(SCENARIO, outcomes, strict=True):
    print(f"{op[0]:12} {op[1]:16} {outcome}")
marker = model.upper_entries["/etc/issue"]
probe.reveal("a special marker file" if marker.is_whiteout else "nothing")

# %%
assert model.upper_entries["/etc/conf.d"].opaque
assert model.upper_entries["/data/big"].size == 4096  # chmod copied the whole file
show(overlay(model))

# %% [markdown]
# ## 2. The same scenario on the kernel
#
# `compare_scenario` runs the operations on a model container and on a real overlay mount of
# the same image (mounted with Docker's overlay2 options), lists the kernel's upper directory as
# `ls -l` shows it, and reports every difference. Its two `docker diff` listings are layerlab's
# algorithm run on each side's writable layer, not a real tool's output: the real tool's comes
# in section 3.

# %%
if status.ok:
    from simulator.backends import compare_scenario

    report = compare_scenario(image, SCENARIO)
    print(report)
    assert "no differences" in report
else:
    print("Skipped: the kernel side cannot run here because", status.reason)
    print(
        "What the kernel would show: whiteouts as 'c---------  0, 0' devices, opaque directories with "
        "the xattr trusted.overlay.opaque=y, copied-up files as ordinary files."
    )
    print()
    print("The model's upper layer:")
    for path, entry in sorted(model.upper_entries.items()):
        print(
            f"  {entry.mode_string()} {path}{'  (whiteout)' if entry.is_whiteout else ''}"
            f"{'  (opaque)' if entry.is_dir and entry.opaque else ''}"
        )

# %% [markdown]
# ## 3. The real tool's diff
#
# What the engine prints depends on the engine: after the same commands, Docker (both of its
# image stores) lists the re-created `/etc/conf.d` as changed (`C`) with its old files deleted,
# while podman (containers/storage) lists the opaque directory itself as deleted (`D`). Where
# podman runs on this machine, the next cell runs the commands in a real podman container and
# puts `podman diff` beside the model's answer in podman's style.

# %%
from simulator.backends.compare import busybox_layer
from simulator.sh.run import run_script
from simulator.teaching.realdiff import podman_diff

SCRIPT = "echo edited >> /etc/motd && rm /etc/issue && rm -rf /etc/conf.d && mkdir /etc/conf.d"
STATIC_BUSYBOX = "/usr/bin/busybox"  # Debian's busybox-static: the containers' /bin/sh
APPLETS = ("sh", "echo", "rm", "mkdir")
if os.path.exists(STATIC_BUSYBOX):
    shell = busybox_layer(STATIC_BUSYBOX, APPLETS)
else:  # the model's shell needs only the names; the real container needs the binary
    shell = Layer.of(
        {"/bin": Entry.directory(), "/bin/busybox": Entry.file(b"", 0o755)}
        | {f"/bin/{a}": Entry.symlink("busybox") for a in APPLETS}
    )
runnable = Image.of([*image.layers, shell])
shell_model = Container(runnable)
assert run_script(shell_model, SCRIPT).exit_code == 0
print("docker diff (the model, Docker's answer):", shell_model.diff_text(), sep="\n")
print("\npodman diff (the model, podman's answer):", shell_model.diff_text("podman"), sep="\n")
if os.path.exists(STATIC_BUSYBOX):
    real = podman_diff(runnable, SCRIPT)
else:
    real = "no static busybox to give the real container a shell"
if isinstance(real, str):
    print("\nReal podman skipped:", real)
else:
    print(f"\npodman diff (real {real.tool}):", *real.lines, sep="\n")
    # podman lists the upper directory in readdir order: compare the lines, not their order
    assert sorted(real.lines) == sorted(shell_model.diff_text("podman").splitlines())

# %% [markdown]
# ## 4. Playground
#
# Why `EXDEV`? The contents of `/data` live in a read-only image layer, and overlayfs cannot
# move them. It could record "this directory is really `/data`" in the upper directory (the
# `redirect_dir` mount option), but Docker mounts overlay2 with `redirect_dir` off. So, with
# Docker's mount options, `rename(2)` answers `EXDEV`, "cross-device link", the same answer as
# for a move between two file systems, and `mv` does what it does then: it copies the
# directory, then deletes the original (which leaves a whiteout).
#
# The same container operations in shell form, on a model container (`mv /etc/apk /tmp/apk`
# shows the `EXDEV` fallback).

# %%
playground = ContainerPlayground(Engine(), "alpine:3.20", containers=1)
playground.run("mv /etc/apk /tmp/apk && ls /tmp/apk")
assert playground.container.upper_entries["/etc/apk"].is_whiteout
playground

# %% [markdown]
# ### Other mount options
#
# The answers above hold for Docker's mount options. Mounted with `redirect_dir=on`, the same
# rename succeeds: the upper `/srv` carries the xattr `overlay.redirect` naming `/data`, and
# `docker diff` (which compares the trees) shows `D /data` plus an `A` for the whole moved tree.
# With `metacopy=on` too (the kernel wants `redirect_dir` with it), a `chmod` copies up only the
# file's metadata: no data bytes until the file is written. Try other options on the engine.

# %%
from simulator import OverlayOptions

moving = Engine(overlay_options=OverlayOptions(redirect_dir=True))
moving.images.add(image, "demo:1")
moved = moving.containers.create("demo:1")
moved.rename("/data", "/srv")  # no EXDEV with redirect_dir
print(moved.diff_text())
assert moved.diff_text().splitlines() == ["D /data", "A /srv", "A /srv/big"]

meta = Engine(overlay_options=OverlayOptions(redirect_dir=True, metacopy=True))
meta.images.add(image, "demo:1")
chmodded = meta.containers.create("demo:1")
chmodded.chmod("/data/big", 0o600)
print(chmodded.copy_ups[-1])
assert chmodded.copy_ups[-1].reason == "chmod (metadata only)" and chmodded.copy_ups[-1].bytes == 0

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** Renaming a directory that comes from the image fails. With which errno name
# (like `"ENOENT"`)? Find it with the model: `Container(image).rename("/data", "/srv")`.

# %% tags=["answer:ex06_errno"]
errno_name = ...  # a string such as "ENOENT"

# %%
check_errno(errno_name)

# %% [markdown]
# **Exercise 2.** Describe a whiteout as the kernel stores it: its file type and its numbers
# (look at the `ls -l` listing of the upper directory above, or the printed hint).

# %% tags=["answer:ex06_device"]
whiteout_on_disk = ...  # a short description

# %%
check_whiteout_on_disk(whiteout_on_disk)

# %% [markdown]
# ## Summary
#
# - overlayfs stacks read-only lower directories under one writable upper directory; the model
#   does the same with layers.
# - Whiteouts are character devices 0/0; opaque directories carry the `overlay.opaque` xattr;
#   with Docker's mount options, any change to a lower file copies it up whole (`metacopy=on`
#   would copy only the metadata on `chmod`: `OverlayOptions(redirect_dir=True, metacopy=True)`).
# - With Docker's mount options, renaming a lower directory fails with `EXDEV`, so `mv` copies
#   and deletes instead; with `redirect_dir=on` it succeeds.
# - `docker diff` and `podman diff` differ on a re-created directory: the answer depends on the engine.
# - The test suite runs such scenarios on both and expects no differences.

# %% [markdown]
# ## Try it on a real Docker host
#
# The same layout under a running container, then a mount of your own:
#
# ```sh
# docker run -d --name ovl-demo alpine:3.20 sleep 600
# docker exec ovl-demo rm /etc/issue
# docker inspect -f '{{json .GraphDriver}}' ovl-demo          # LowerDir (image layers), UpperDir, WorkDir, MergedDir
# grep overlay /proc/mounts                            # lowerdir=...,upperdir=...,workdir=..., index=off
# sudo stat -c '%F %t,%T' "$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' ovl-demo)/etc/issue"   # character special file 0,0
# docker rm -f ovl-demo
# mkdir -p /tmp/ov/lower /tmp/ov/upper /tmp/ov/work /tmp/ov/merged && echo hi > /tmp/ov/lower/f
# unshare -Urm sh -c 'mount -t overlay overlay -o lowerdir=/tmp/ov/lower,upperdir=/tmp/ov/upper,workdir=/tmp/ov/work /tmp/ov/merged && rm /tmp/ov/merged/f && ls -l /tmp/ov/upper'   # Linux >= 5.11
# ```

# %% [markdown]
# [← 05 Image size: what is shipped, what is wasted](05-image-size.ipynb) | [Index](00-index.ipynb) | [07 Containers as processes and resources →](07-containers-as-processes.ipynb)
