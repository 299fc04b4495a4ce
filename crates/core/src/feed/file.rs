//! The feed's file: written beside the target under a name nobody can guess, then renamed over
//! it in one step, so Mindbox downloads the old feed whole or the new one whole, never half of
//! one. Until then the temporary file is removed whenever the writer goes away.

use crate::error::{Error, Result};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Writes reach the disk (or the compressor) in pieces of this size, whatever the offers' size.
const BUFFER: usize = 256 * 1024;
/// The file's write-back is started each time this much more has been written.
const WRITE_BACK: u64 = 2 << 20;
/// A new feed is read by the web server that serves it to Mindbox, often another user.
const NEW_FILE_MODE: u32 = 0o644;

enum Sink {
    Plain(File),
    Gzip(GzEncoder<File>),
}

impl Sink {
    fn file(&self) -> &File {
        match self {
            Sink::Plain(file) => file,
            Sink::Gzip(encoder) => encoder.get_ref(),
        }
    }
}

/// The temporary file, removed when dropped unless it became the target.
struct Temp {
    path: PathBuf,
    renamed: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

pub(super) struct Output {
    /// The XML not yet handed to the file (or the compressor): one buffer for the whole feed.
    xml: Vec<u8>,
    sink: Sink,
    /// Bytes handed over since the file's write-back was last started.
    unsynced: u64,
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
            renamed: false,
        };
        // Set after creation: the process's umask must not decide who may read the feed.
        file.set_permissions(Permissions::from_mode(mode))
            .map_err(|e| fail(format!("cannot set the new file's mode: {e}")))?;
        // Level 1: XML compresses well at it, several times faster than the default level.
        let sink = if gzip {
            Sink::Gzip(GzEncoder::new(file, Compression::fast()))
        } else {
            Sink::Plain(file)
        };
        Ok(Output {
            xml: Vec::with_capacity(BUFFER),
            sink,
            unsynced: 0,
            temp,
            target: target.to_path_buf(),
            dir,
        })
    }

    /// Appends XML to the buffer, which goes to the file once it holds `BUFFER` bytes; a
    /// failure names the file.
    pub(super) fn write(&mut self, f: impl FnOnce(&mut Vec<u8>)) -> Result<()> {
        f(&mut self.xml);
        if self.xml.len() >= BUFFER {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        let written = match &mut self.sink {
            Sink::Plain(file) => file.write_all(&self.xml),
            Sink::Gzip(encoder) => encoder.write_all(&self.xml),
        };
        written.map_err(|e| self.error("cannot write the new feed", e))?;
        self.unsynced += self.xml.len() as u64;
        self.xml.clear();
        // One huge offer (a description of megabytes before its cut) need not keep its room.
        self.xml.shrink_to(4 * BUFFER);
        if self.unsynced >= WRITE_BACK {
            self.unsynced = 0;
            start_write_back(self.sink.file());
        }
        Ok(())
    }

    fn error(&self, what: &str, e: io::Error) -> Error {
        Error::feed(self.target.display().to_string(), format!("{what}: {e}"))
    }

    /// Completes the file (the gzip trailer), makes it durable and puts it in the target's
    /// place. Returns its size in bytes.
    pub(super) fn commit(mut self) -> Result<u64> {
        self.spill()?;
        let Output {
            sink,
            mut temp,
            target,
            dir,
            ..
        } = self;
        let fail = |what: &str, e: io::Error| {
            Error::feed(target.display().to_string(), format!("{what}: {e}"))
        };
        let file = match sink {
            Sink::Plain(file) => Ok(file),
            Sink::Gzip(encoder) => encoder.finish(),
        }
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

/// Starts the kernel writing the file's pages to the disk, without waiting for it: the fsync at
/// `commit` then waits for the last few megabytes rather than for the whole feed, which it would
/// otherwise have to write out at once. Only a head start: an error here is fsync's to report.
fn start_write_back(file: &File) {
    // SAFETY: a plain system call on an open descriptor; it reads and writes no memory of ours.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}
