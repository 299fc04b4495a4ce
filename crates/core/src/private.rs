//! Files that hold customers' personal data (the outbox, the log) are the site's alone.
//!
//! A file lives in a directory that no other user can write: owned by the process's user and not
//! writable by everyone, or shared with a group the process belongs to (group-writable, for the
//! FPM user and the cron user of one site). Paths are never followed through a symbolic link, and
//! files are created 0600 (0660 in a group-shared directory), whatever the umask. Anything else is
//! refused with what is wrong and how to fix it: a default under world-writable /tmp, say, would
//! let any local user read the outbox or slip an event of their own into it.

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// How a directory may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    /// Group members may write it: new files are 0660 instead of 0600.
    pub(crate) group_shared: bool,
}

impl Place {
    pub(crate) fn mode(self) -> u32 {
        if self.group_shared { 0o660 } else { 0o600 }
    }
}

/// Checks the directory a file is to live in, creating it (0750) when only it is missing.
pub(crate) fn place_of(path: &Path) -> Result<Place, String> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_dir(dir)?,
        Err(e) => {
            return Err(format!(
                "its directory {} cannot be read: {e}",
                dir.display()
            ));
        }
    };
    if meta.file_type().is_symlink() {
        return Err(format!(
            "its directory {} is a symbolic link; give the real directory",
            dir.display()
        ));
    }
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    let mode = meta.permissions().mode();
    if mode & 0o002 != 0 {
        return Err(format!(
            "its directory {} is writable by every user (mode {:o}): use a directory of the site's own, e.g. /var/lib/mindbox owned by the PHP user, mode 0750",
            dir.display(),
            mode & 0o7777
        ));
    }
    let group_shared = mode & 0o020 != 0;
    if meta.uid() != euid() && !(group_shared && in_group(meta.gid())) {
        return Err(format!(
            "its directory {} belongs to another user (uid {}): it must belong to the PHP user (uid {}), or to a group of it and be group-writable",
            dir.display(),
            meta.uid(),
            euid()
        ));
    }
    Ok(Place { group_shared })
}

/// Checks a file that exists: a regular file, not a link, the site's own, not writable by others.
pub(crate) fn check_existing(path: &Path, meta: &Metadata, place: Place) -> Result<(), String> {
    if meta.file_type().is_symlink() {
        return Err(format!(
            "{} is a symbolic link; links are not followed",
            path.display()
        ));
    }
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    let mode = meta.permissions().mode();
    let others_write = mode & 0o002 != 0 || (!place.group_shared && mode & 0o020 != 0);
    let owned = meta.uid() == euid() || (place.group_shared && in_group(meta.gid()));
    if others_write || !owned {
        return Err(format!(
            "{} is writable by other users or belongs to another user (uid {}, mode {:o}): remove it, or make it the PHP user's with mode 0600",
            path.display(),
            meta.uid(),
            mode & 0o7777
        ));
    }
    Ok(())
}

/// Makes sure `path` is a private regular file, creating it empty when it is missing.
pub(crate) fn ensure_file(path: &Path) -> Result<Place, String> {
    let place = place_of(path)?;
    match std::fs::symlink_metadata(path) {
        Ok(meta) => check_existing(path, &meta, place)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => match create(path, place) {
            Ok(_) => {}
            // Another process made it at the same moment: it is checked like any existing file.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let meta = std::fs::symlink_metadata(path)
                    .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
                check_existing(path, &meta, place)?;
            }
            Err(e) => return Err(format!("{} cannot be created: {e}", path.display())),
        },
        Err(e) => return Err(format!("{} cannot be read: {e}", path.display())),
    }
    Ok(place)
}

/// Opens for appending, never through a link, creating the file private when missing.
pub(crate) fn open_append(path: &Path, place: Place) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(place.mode())
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    fix_mode(&file, place)?;
    Ok(file)
}

/// Creates a file that did not exist (a link in its place is refused by O_EXCL and O_NOFOLLOW).
pub(crate) fn create(path: &Path, place: Place) -> io::Result<File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(place.mode())
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    fix_mode(&file, place)?;
    Ok(file)
}

/// The umask may have taken bits away (0660 under 0077); it never adds any.
fn fix_mode(file: &File, place: Place) -> io::Result<()> {
    let meta = file.metadata()?;
    if meta.permissions().mode() & 0o777 != place.mode() && meta.uid() == euid() {
        file.set_permissions(std::fs::Permissions::from_mode(place.mode()))?;
    }
    Ok(())
}

fn create_dir(dir: &Path) -> Result<Metadata, String> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .mode(0o750)
        .create(dir)
        .and_then(|()| std::fs::symlink_metadata(dir))
        .map_err(|e| format!("its directory {} cannot be created: {e}", dir.display()))
}

fn euid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

fn in_group(gid: u32) -> bool {
    // SAFETY: getegid cannot fail; getgroups fills at most `n` entries of the buffer.
    unsafe {
        if libc::getegid() == gid {
            return true;
        }
        let n = libc::getgroups(0, std::ptr::null_mut());
        let mut groups = vec![0 as libc::gid_t; n.max(0) as usize];
        let n = libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr());
        groups.truncate(n.max(0) as usize);
        groups.contains(&gid)
    }
}

/// A directory of the tests' own (0700) under the temp dir, made afresh.
#[cfg(test)]
pub(crate) fn test_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mindbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

#[cfg(test)]
mod tests;
