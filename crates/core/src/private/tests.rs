use super::*;
use std::os::unix::fs::symlink;
use std::path::PathBuf;

fn private_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mindbox-private-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

#[test]
fn a_world_writable_directory_is_refused() {
    let e = ensure_file(&std::env::temp_dir().join("mindbox-anyone.sqlite")).unwrap_err();
    assert!(e.contains("writable by every user"), "{e}");
}

#[test]
fn files_are_created_private_whatever_the_umask() {
    let dir = private_dir("umask");
    // SAFETY: umask only changes this process's file creation mask.
    let old = unsafe { libc::umask(0) };
    let place = ensure_file(&dir.join("outbox.sqlite")).unwrap();
    let log = open_append(&dir.join("m.log"), place).unwrap();
    unsafe { libc::umask(old) };
    drop(log);
    assert_eq!(
        (mode(&dir.join("outbox.sqlite")), mode(&dir.join("m.log"))),
        (0o600, 0o600)
    );
    let shared = dir.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o770)).unwrap();
    assert!(
        ensure_file(&shared.join("outbox.sqlite"))
            .unwrap()
            .group_shared
    );
    assert_eq!(mode(&shared.join("outbox.sqlite")), 0o660);
    // A missing directory of the site's own is made, not writable by others.
    ensure_file(&dir.join("new").join("outbox.sqlite")).unwrap();
    assert_eq!(mode(&dir.join("new")), 0o750);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn links_are_never_followed() {
    let dir = private_dir("links");
    let target = dir.join("elsewhere");
    std::fs::write(&target, b"precious").unwrap();
    symlink(&target, dir.join("outbox.sqlite")).unwrap();
    assert!(
        ensure_file(&dir.join("outbox.sqlite"))
            .unwrap_err()
            .contains("symbolic link")
    );
    symlink(&target, dir.join("m.log")).unwrap();
    let place = Place {
        group_shared: false,
    };
    assert!(open_append(&dir.join("m.log"), place).is_err());
    symlink(&dir, dir.join("linked-dir")).unwrap();
    assert!(
        ensure_file(&dir.join("linked-dir").join("x"))
            .unwrap_err()
            .contains("symbolic link")
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn files_that_others_can_write_or_own_are_refused() {
    let dir = private_dir("others");
    let path = dir.join("outbox.sqlite");
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    assert!(
        ensure_file(&path)
            .unwrap_err()
            .contains("writable by other users")
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    ensure_file(&path).unwrap();
    // SAFETY: a plain chown of a test file; as root the tests can give it to nobody.
    if unsafe { libc::geteuid() } == 0 {
        std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
        assert!(ensure_file(&path).unwrap_err().contains("another user"));
    }
    std::fs::remove_dir_all(dir).unwrap();
}
