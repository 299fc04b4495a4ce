//! The feed's file: written beside the target under a name nobody can guess, then renamed over
//! it in one step, so Mindbox downloads the old feed whole or the new one whole, never half of
//! one. Until then the temporary file is removed whenever the writer goes away.

use super::drain::{BUFFER, Drain, Sink};
use crate::error::{Error, Result};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io;
use std::mem;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A new feed is read by the web server that serves it to Mindbox, often another user.
const NEW_FILE_MODE: u32 = 0o644;

/// The temporary file, removed when dropped unless it became the target (or it is another
/// process's: a process forked from the writer's leaves it to the writer).
struct Temp {
    path: PathBuf,
    owner: u32,
    renamed: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.renamed && std::process::id() == self.owner {
            let _ = fs::remove_file(&self.path);
        }
    }
}

pub(super) struct Output {
    /// The XML not yet handed to the file: filled here while the one before is written.
    xml: Vec<u8>,
    /// Before `temp`: the writing ends before the file is removed.
    drain: Drain,
    temp: Temp,
    target: PathBuf,
    dir: PathBuf,
}

impl Output {
    pub(super) fn create(target: &Path, gzip: bool) -> Result<Output> {
        let fail = |message: String| Error::feed(target.display().to_string(), message);
        let name = target
            .file_name()
            .ok_or_else(|| fail("has no file name".into()))?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mode = match fs::metadata(target) {
            Ok(meta) if meta.is_dir() => return Err(fail("is a directory".into())),
            Ok(meta) => meta.permissions().mode() & 0o777,
            Err(_) => NEW_FILE_MODE,
        };
        let mut temp_name = OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", uuid::Uuid::new_v4().simple()));
        let path = dir.join(temp_name);
        // create_new never follows a link planted at the name, nor opens another's file.
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| fail(format!("cannot create a file in {}: {e}", dir.display())))?;
        let temp = Temp {
            path,
            owner: std::process::id(),
            renamed: false,
        };
        // Set after creation: the process's umask must not decide who may read the feed.
        file.set_permissions(Permissions::from_mode(mode))
            .map_err(|e| fail(format!("cannot set the new file's mode: {e}")))?;
        // Level 1: XML compresses well at it, several times faster than the default level.
        let sink = if gzip {
            Sink::Gzip(Box::new(GzEncoder::new(file, Compression::fast())))
        } else {
            Sink::Plain(file)
        };
        let drain = Drain::start(sink)
            .map_err(|e| fail(format!("cannot start the thread that writes it: {e}")))?;
        Ok(Output {
            xml: Vec::with_capacity(BUFFER),
            drain,
            temp,
            target: target.to_path_buf(),
            dir,
        })
    }

    /// Appends XML to the buffer, which is handed over to be written once it holds `BUFFER`
    /// bytes; a failure (of this write or of one before) names the file.
    pub(super) fn write(&mut self, f: impl FnOnce(&mut Vec<u8>)) -> Result<()> {
        f(&mut self.xml);
        if self.xml.len() >= BUFFER {
            let full = mem::take(&mut self.xml);
            self.xml = self
                .drain
                .hand(full)
                .map_err(|e| self.error("cannot write the new feed", e))?;
        }
        Ok(())
    }

    fn error(&self, what: &str, e: io::Error) -> Error {
        Error::feed(self.target.display().to_string(), format!("{what}: {e}"))
    }

    /// Completes the file (the gzip trailer), makes it durable and puts it in the target's
    /// place. Returns its size in bytes.
    pub(super) fn commit(self) -> Result<u64> {
        let Output {
            xml,
            drain,
            mut temp,
            target,
            dir,
        } = self;
        let fail = |what: &str, e: io::Error| {
            Error::feed(target.display().to_string(), format!("{what}: {e}"))
        };
        let file = drain
            .finish(xml)
            .map_err(|e| fail("cannot write the new feed", e))?;
        file.sync_all()
            .map_err(|e| fail("cannot flush the new feed to disk", e))?;
        let bytes = file
            .metadata()
            .map_err(|e| fail("cannot read the new feed's size", e))?
            .len();
        drop(file);
        fs::rename(&temp.path, &target)
            .map_err(|e| fail("cannot rename the new feed into place", e))?;
        temp.renamed = true;
        // The rename is durable only once the directory is; the feed itself is complete either way.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(bytes)
    }
}
