"""Copy-on-write semantics of a container (SEMANTICS §1.5–1.9 and §4.3, cases 1–19, 58–60)."""

from __future__ import annotations

import errno

import pytest

from simulator import ContainerStateError, Entry, InvalidPath, Kind


def upper(c) -> dict[str, Entry]:
    return c.upper_entries


def diff(c) -> list[str]:
    return [str(x) for x in c.diff()]


def test_delete_pure_upper_file_leaves_nothing(container):  # case 1
    container.write_file("/tmp/new", b"x")
    container.unlink("/tmp/new")
    assert "/tmp/new" not in upper(container)
    assert diff(container) == []


def test_delete_lower_file_leaves_whiteout_and_parent(container):  # case 2
    container.unlink("/etc/motd")
    assert upper(container)["/etc/motd"].kind is Kind.WHITEOUT
    assert upper(container)["/etc"].kind is Kind.DIR
    assert diff(container) == ["C /etc", "D /etc/motd"]
    names = [e for e in container.upper.entries]
    assert names == ["/etc", "/etc/motd"]


def test_delete_modified_file_becomes_whiteout(container):  # case 3
    container.write_file("/etc/motd", b"changed")
    container.unlink("/etc/motd")
    assert upper(container)["/etc/motd"].kind is Kind.WHITEOUT


def test_rm_rf_lower_directory_ends_as_one_whiteout(container):  # case 4
    container.unlink("/d/y/z")
    container.rmdir("/d/y")
    container.unlink("/d/x")
    container.rmdir("/d")
    assert {p: e.kind for p, e in upper(container).items()} == {"/d": Kind.WHITEOUT}
    assert diff(container) == ["D /d"]


def test_rmdir_non_empty_in_merged_view_is_enotempty(container):  # case 5
    with pytest.raises(OSError) as info:
        container.rmdir("/d/y")
    assert info.value.errno == errno.ENOTEMPTY
    assert upper(container) == {}


def test_rm_rf_then_mkdir_makes_opaque_directory(container):  # case 6
    for p in ("/d/y/z",):
        container.unlink(p)
    container.rmdir("/d/y")
    container.unlink("/d/x")
    container.rmdir("/d")
    container.mkdir("/d")
    assert upper(container)["/d"].opaque
    assert container.listdir("/d") == []
    tar_names = list(container.upper.entries)
    assert tar_names == ["/d"]
    assert diff(container) == ["C /d", "D /d/x", "D /d/y"]


def test_recreate_file_over_whiteout_is_plain_file(container):  # case 7
    container.unlink("/etc/motd")
    container.write_file("/etc/motd", b"x")
    assert upper(container)["/etc/motd"].kind is Kind.FILE
    assert "C /etc/motd" in diff(container)


def test_create_below_deleted_directory_is_enoent(container):  # case 8
    container.unlink("/d/x")
    container.unlink("/d/y/z")
    container.rmdir("/d/y")
    container.rmdir("/d")
    before = upper(container)
    with pytest.raises(FileNotFoundError):
        container.write_file("/d/x", b"again")
    assert upper(container) == before


def test_mkdir_new_directory_is_not_opaque(container):  # case 9 (modern kernel default)
    container.mkdir("/newdir")
    assert not upper(container)["/newdir"].opaque


def test_write_copies_up_whole_file_with_event(container):  # case 10
    container.append_file("/big.bin", b"!")
    ev = [e for e in container.copy_ups if e.path == "/big.bin"]
    assert len(ev) == 1 and ev[0].bytes == 100_000 and ev[0].layer == 0 and ev[0].reason == "append"
    assert container.read_file("/big.bin") == b"\1" * 100_000 + b"!"
    assert container.size_rw == 100_001


def test_read_does_not_copy_up(container):  # case 10
    container.read_file("/etc/motd")
    container.listdir("/etc")
    assert upper(container) == {} and container.copy_ups == []


def test_chmod_same_mode_copies_up_but_diff_is_empty(container):  # case 11
    container.chmod("/etc/passwd", 0o644)
    assert set(upper(container)) == {"/etc", "/etc/passwd"}
    assert diff(container) == []
    assert container.size_rw == len(b"root:x:0:0:root:/root:/bin/sh\n")


def test_chmod_copies_up_data_too(container):  # case 12
    container.chmod("/big.bin", 0o755)
    assert container.size_rw == 100_000
    assert [e.bytes for e in container.copy_ups if e.path == "/big.bin"] == [100_000]
    assert diff(container) == ["C /big.bin"]


def test_deep_modify_copies_up_parent_chain(container):  # case 13
    container.write_file("/a/b/c/file", b"new")
    assert list(container.upper.entries) == ["/a", "/a/b", "/a/b/c", "/a/b/c/file"]
    assert all(upper(container)[p].kind is Kind.DIR for p in ("/a", "/a/b", "/a/b/c"))
    assert diff(container) == ["C /a", "C /a/b", "C /a/b/c", "C /a/b/c/file"]
    assert [e.path for e in container.copy_ups] == ["/a", "/a/b", "/a/b/c", "/a/b/c/file"]


def test_touch_then_rm_keeps_copied_up_parent(container):  # case 14
    container.touch("/tmp/x")
    container.unlink("/tmp/x")
    assert list(upper(container)) == ["/tmp"]
    assert diff(container) == []
    assert (
        container.upper.diff_id != "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
    )


def test_rename_lower_file_leaves_whiteout(container):  # case 15
    container.rename("/etc/motd", "/etc/motd2")
    assert upper(container)["/etc/motd"].kind is Kind.WHITEOUT
    assert upper(container)["/etc/motd2"].read() == b"welcome\n"
    assert diff(container) == ["C /etc", "D /etc/motd", "A /etc/motd2"]


def test_rename_lower_directory_is_exdev_and_changes_nothing(container):  # case 16
    with pytest.raises(OSError) as info:
        container.rename("/d", "/e")
    assert info.value.errno == errno.EXDEV
    assert upper(container) == {}


def test_rename_upper_directory_works_and_becomes_opaque_in_merged_parent(container):  # case 16 / §1.8
    container.mkdir("/new")
    container.write_file("/new/f", b"1")
    container.rename("/new", "/moved")
    assert container.read_file("/moved/f") == b"1"
    assert "/new" not in upper(container)
    assert upper(container)["/moved"].opaque


def test_hardlinks_break_on_copy_up(container):  # case 17 (index=off)
    assert container.read_file("/h2") == b"shared"
    container.append_file("/h1", b"!")
    assert container.read_file("/h1") == b"shared!"
    assert container.read_file("/h2") == b"shared"


def test_link_copies_up_source_and_shares_content(container):  # case 18
    container.link("/etc/motd", "/tmp/m")
    assert any(e.path == "/etc/motd" and e.reason == "link" for e in container.copy_ups)
    container.append_file("/tmp/m", b"more")
    assert container.read_file("/etc/motd") == b"welcome\nmore"
    container.unlink("/etc/motd")
    assert container.read_file("/tmp/m") == b"welcome\nmore"


def test_symlink_creation_does_not_copy_up_target(container):
    container.symlink("/etc/motd", "/tmp/l")
    assert [e.path for e in container.copy_ups] == ["/tmp"]
    assert container.read_file("/tmp/l") == b"welcome\n"


def test_write_through_symlink_copies_up_target(container):
    container.write_file("/link", b"via link")
    assert container.read_file("/etc/motd") == b"via link"
    assert upper(container)["/etc/motd"].read() == b"via link"
    assert "/link" not in upper(container)


def test_absolute_symlink_cannot_escape_root(container):
    container.symlink("/../../../../etc/passwd", "/tmp/esc")
    assert container.read_file("/tmp/esc").startswith(b"root:")


def test_errors_are_real_oserror_subclasses(container):
    with pytest.raises(FileNotFoundError):
        container.read_file("/nope")
    with pytest.raises(IsADirectoryError):
        container.read_file("/etc")
    with pytest.raises(NotADirectoryError):
        container.read_file("/etc/motd/x")
    with pytest.raises(FileExistsError):
        container.mkdir("/etc")
    with pytest.raises(IsADirectoryError):
        container.unlink("/etc")
    with pytest.raises(NotADirectoryError):
        container.rmdir("/etc/motd")
    assert upper(container) == {}


def test_bad_paths_are_clear_errors_and_change_nothing(container):
    for bad in ("relative/path", "/../etc/passwd", "/etc/\0x", "", 42):
        with pytest.raises(InvalidPath):
            container.write_file(bad, b"x")  # type: ignore[arg-type]
    assert upper(container) == {}
    with pytest.raises(InvalidPath) as info:
        container.write_file("/tmp/.wh.sneaky", b"")
    assert ".wh." in str(info.value)


def test_failed_operation_changes_nothing(container):
    container.write_file("/tmp/a", b"1")
    snapshot = (upper(container), list(container.copy_ups))
    with pytest.raises(OSError):
        container.rename("/tmp/a", "/nonexistent/dir/b")
    with pytest.raises(OSError):
        container.rename("/etc", "/etc/sub")
    assert (upper(container), list(container.copy_ups)) == snapshot


def test_lifecycle_and_removal_discards_upper(engine, container, image):
    assert container.status == "created"
    container.start()
    assert container.status == "running"
    container.pause()
    with pytest.raises(ContainerStateError):
        container.remove()
    container.unpause()
    container.write_file("/tmp/f", b"data")
    container.stop()
    assert container.status == "exited"
    container.remove()
    assert container.status == "removed"
    with pytest.raises(ContainerStateError):
        container.read_file("/etc/motd")
    assert engine.images.get("base:1") is image or engine.images.get("base:1").id == image.id
    assert not image.view.exists("/tmp/f")
    assert len(engine.containers) == 0


def test_docker_diff_add_then_delete_groups(container):  # case 58
    container.write_file("/tmp/new", b"x")
    container.unlink("/etc/motd")
    assert diff(container) == ["C /etc", "D /etc/motd", "C /tmp", "A /tmp/new"]


def test_docker_diff_new_directory_lists_subtree_as_added(container):
    container.makedirs("/srv/app/data")
    container.write_file("/srv/app/data/f", b"")
    assert diff(container) == ["A /srv", "A /srv/app", "A /srv/app/data", "A /srv/app/data/f"]


def test_ps_size_after_deleting_big_file_is_zero(container):  # case 60
    container.unlink("/big.bin")
    assert container.size_rw == 0
    assert container.size_root_fs == container.image.size


def test_commit_makes_image_equal_to_container_view(engine, container):
    container.write_file("/etc/motd", b"changed")
    container.unlink("/d/x")
    image = container.commit("web", "v2", message="my change")
    assert engine.images.get("web:v2").id == image.id
    assert len(image.layers) == len(container.image.layers) + 1
    assert image.history[-1].comment == "my change"
    assert image.read_file("/etc/motd") == b"changed"
    assert not image.view.exists("/d/x")
    # runtime bind mounts (/etc/hosts ...) are never part of an image
    assert [o.path for o in image.view.walk()] == [
        p for p, _ in container.walk() if p not in container.mounts
    ]


def test_wrong_data_type_is_a_clear_type_error(container):
    with pytest.raises(TypeError) as info:
        container.write_file("/tmp/x", 123)  # type: ignore[arg-type]
    assert "bytes or str" in str(info.value)
    assert "/tmp/x" not in container.upper_entries


def test_runtime_bind_mounts_are_busy_and_never_in_the_writable_layer(image):
    from simulator import Container

    c = Container(
        image, mounts={"/etc/hosts": Entry.file(b"127.0.0.1 localhost\n"), "/nodir/x": Entry.file(b"")}
    )
    assert "hosts" in c.listdir("/etc") and "/nodir/x" not in c.mounts  # a mount needs its directory
    c.append_file("/etc/hosts", b"10.0.0.1 db\n")
    assert c.read_file("/etc/hosts").endswith(b"db\n")
    assert c.upper_entries == {} and c.diff() == []  # `RUN echo ... >> /etc/hosts` does not persist
    with pytest.raises(OSError) as info:
        c.unlink("/etc/hosts")
    assert info.value.errno == errno.EBUSY
    with pytest.raises(OSError) as info:
        c.rmdir("/etc")
    assert info.value.errno == errno.ENOTEMPTY


def test_chown_clears_setuid_and_executable_setgid_of_files(container):
    container.write_file("/tmp/s1", b"", 0o6755)
    container.chmod("/tmp/s1", 0o6755)
    container.chown("/tmp/s1", 0, 0)  # root, no change of owner: cleared all the same
    assert container.stat("/tmp/s1").mode == 0o755
    container.write_file("/tmp/s2", b"")
    container.chmod("/tmp/s2", 0o6745)
    container.chown("/tmp/s2", 1, 1)
    assert container.stat("/tmp/s2").mode == 0o2745  # no group execute: setgid stays
    container.mkdir("/tmp/sd")
    container.chmod("/tmp/sd", 0o6755)
    container.chown("/tmp/sd", 1, 1)
    assert container.stat("/tmp/sd").mode == 0o6755  # directories keep theirs


def test_non_root_credentials_are_checked_and_own_what_they_create(container):
    from simulator.model.container import Credentials

    container.mkdir("/shared", 0o777)
    container.chmod("/shared", 0o1777)
    container.write_file("/shared/roots", b"r")
    container.credentials = Credentials(65534, 65534)
    container.write_file("/tmp/mine", b"m")
    assert (container.stat("/tmp/mine").uid, container.stat("/tmp/mine").gid) == (65534, 65534)
    checks = [
        (lambda: container.write_file("/etc/new", b""), errno.EACCES),  # /etc is 755 root
        (lambda: container.append_file("/etc/passwd", b"x"), errno.EACCES),  # 644 root
        (lambda: container.unlink("/bin/sh"), errno.EACCES),
        (lambda: container.chmod("/etc/passwd", 0o777), errno.EPERM),
        (lambda: container.chown("/tmp/mine", 0, -1), errno.EPERM),
        (lambda: container.unlink("/shared/roots"), errno.EPERM),  # sticky directory
    ]
    before = container.upper_entries
    for attempt, code in checks:
        with pytest.raises(OSError) as info:
            attempt()
        assert info.value.errno == code
    assert container.upper_entries == before
    container.chmod("/tmp/mine", 0o600)  # the owner may
    container.unlink("/tmp/mine")
