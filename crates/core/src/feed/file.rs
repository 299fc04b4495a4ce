//! The feed's file: written beside the target under a name nobody can guess, then renamed over
//! it in one step, so Mindbox downloads the old feed whole or the new one whole, never half of
//! one. Until then the temporary file is removed whenever the writer goes away.

use crate::error::{Error, Result};
use flate2::Compression;
use flate2::write::GzEncoder;
use quick_xml::Writer;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Writes reach the disk (or the compressor) in pieces of this size, whatever the offers' size.
const BUFFER: usize = 256 * 1024;
/// A new feed is read by the web server that serves it to Mindbox, often another user.
const NEW_FILE_MODE: u32 = 0o644;

enum Sink {
    Plain(BufWriter<File>),
    Gzip(BufWriter<GzEncoder<File>>),
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
    sink: Sink,
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
            let encoder = GzEncoder::new(file, Compression::fast());
            Sink::Gzip(BufWriter::with_capacity(BUFFER, encoder))
        } else {
            Sink::Plain(BufWriter::with_capacity(BUFFER, file))
        };
        Ok(Output {
            sink,
            temp,
            target: target.to_path_buf(),
            dir,
        })
    }

    /// Writes XML through quick-xml into the file; a failure names the file.
    pub(super) fn write_xml(
        &mut self,
        f: impl FnOnce(&mut Writer<&mut Output>) -> io::Result<()>,
    ) -> Result<()> {
        let written = f(&mut Writer::new(self));
        written.map_err(|e| self.error("cannot write the new feed", e))
    }

    fn error(&self, what: &str, e: io::Error) -> Error {
        Error::feed(self.target.display().to_string(), format!("{what}: {e}"))
    }

    /// Completes the file (the gzip trailer), makes it durable and puts it in the target's
    /// place. Returns its size in bytes.
    pub(super) fn commit(self) -> Result<u64> {
        let Output {
            sink,
            mut temp,
            target,
            dir,
        } = self;
        let fail = |what: &str, e: io::Error| {
            Error::feed(target.display().to_string(), format!("{what}: {e}"))
        };
        let file = match sink {
            Sink::Plain(w) => w.into_inner().map_err(io::IntoInnerError::into_error),
            Sink::Gzip(w) => w
                .into_inner()
                .map_err(io::IntoInnerError::into_error)
                .and_then(GzEncoder::finish),
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

/// What quick-xml writes into: the buffer before the file, or before the compressor.
impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Plain(w) => w.write(bytes),
            Sink::Gzip(w) => w.write(bytes),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Plain(w) => w.write_all(bytes),
            Sink::Gzip(w) => w.write_all(bytes),
        }
    }

    /// The buffer reaches the disk at `commit`; flushing halfway would only cost time.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
