//! A part's file: `{prefix}-{NNNN}.csv[.gz]`, written as `.{name}.tmp` beside it and renamed
//! when sealed, so a part under its own name is always whole. A part is never larger than the
//! limits, in bytes as written (gzip: compressed, its end included) and in rows; a batch is
//! added whole or not at all.

use super::gzip::{self, Gzip};
use crate::error::{Error, Result};
use crate::feed::start_write_back;
use crate::private::{self, Place};
use std::fs::{self, File};
use std::io::{self, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

/// The kernel is asked to start writing a part out every few megabytes, so that sealing it waits
/// for the last few only.
const WRITE_BACK: u64 = 4 << 20;

/// Where the parts go and what they are called.
pub(super) struct Names {
    dir: PathBuf,
    prefix: String,
    gzip: bool,
    /// The directory's, checked once: the parts hold customers' personal data.
    place: Place,
}

impl Names {
    pub(super) fn new(dir: &Path, prefix: &str, gzip: bool) -> Result<Names> {
        let valid = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
        if prefix.is_empty()
            || prefix.len() > 100
            || prefix.starts_with('.')
            || !prefix.chars().all(valid)
        {
            return Err(Error::invalid(
                "prefix",
                "must be 1 to 100 letters, digits, '_', '-' or '.' (not first)",
            ));
        }
        let place = private::place_of(&dir.join(prefix)).map_err(|message| Error::Csv {
            path: dir.display().to_string(),
            message,
        })?;
        Ok(Names {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            gzip,
            place,
        })
    }

    fn name(&self, number: u64, gzip: bool) -> String {
        let ext = if gzip { ".csv.gz" } else { ".csv" };
        format!("{}-{number:04}{ext}", self.prefix)
    }

    fn path(&self, number: u64) -> PathBuf {
        self.dir.join(self.name(number, self.gzip))
    }

    fn temp(&self, number: u64, gzip: bool) -> PathBuf {
        self.dir.join(format!(".{}.tmp", self.name(number, gzip)))
    }

    /// A killed run's part of this number, sealed or not and in either format, is stale: the
    /// caller writes that part again.
    fn clear(&self, number: u64) -> Result<()> {
        for gzip in [false, true] {
            for path in [
                self.dir.join(self.name(number, gzip)),
                self.temp(number, gzip),
            ] {
                match fs::remove_file(&path) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        return Err(csv_error(&path, "cannot remove a stale part", e));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

fn csv_error(path: &Path, what: &str, e: io::Error) -> Error {
    Error::Csv {
        path: path.display().to_string(),
        message: format!("{what}: {e}"),
    }
}

/// A part's start and its encoding, in memory: checked against the limits before anything is
/// written or sealed.
pub(super) struct Staged {
    gzip: Option<Gzip>,
    bytes: Vec<u8>,
    rows: u64,
}

impl Staged {
    /// The header row, then a batch (or none).
    pub(super) fn new(gzip: bool, header: &[u8], batch: &[u8], rows: u64) -> Result<Staged> {
        let mut staged = Staged {
            gzip: gzip.then(Gzip::new),
            bytes: Vec::new(),
            rows,
        };
        match &mut staged.gzip {
            None => {
                staged.bytes.extend_from_slice(header);
                staged.bytes.extend_from_slice(batch);
            }
            Some(encoder) => {
                staged.bytes.extend_from_slice(&gzip::HEADER);
                for plain in [header, batch].into_iter().filter(|p| !p.is_empty()) {
                    encoder
                        .compress(plain, &mut staged.bytes)
                        .map_err(|e| csv_error(Path::new("gzip"), "cannot compress", e))?;
                    encoder.written(plain);
                }
            }
        }
        Ok(staged)
    }

    /// Its size once sealed.
    pub(super) fn size(&self) -> u64 {
        self.bytes.len() as u64 + end_bytes(self.gzip.is_some())
    }
}

fn end_bytes(gzip: bool) -> u64 {
    if gzip { gzip::END_BYTES } else { 0 }
}

/// The temporary file, removed when dropped unless it was sealed or a checkpoint stands in it
/// (and never by a process forked from the one that made it).
struct Temp {
    path: PathBuf,
    owner: u32,
    keep: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.keep && std::process::id() == self.owner {
            let _ = fs::remove_file(&self.path);
        }
    }
}

pub(super) struct Part {
    number: u64,
    file: File,
    gzip: Option<Gzip>,
    /// The file's size so far.
    bytes: u64,
    /// Written since the kernel was last asked to start writing the file out.
    unsynced: u64,
    rows: u64,
    temp: Temp,
}

/// What a sealed part is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvPart {
    pub part: u64,
    pub path: String,
    pub rows: u64,
    /// The file's size (compressed, with gzip).
    pub bytes: u64,
    /// A fresh GUID (v4), made when the part was sealed: the import's transactionId.
    pub transaction_id: String,
}

/// Where an unsealed part stands, made durable: a writer opened with it (in this process or
/// another) carries the part on from there, and whatever was written into it after is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvCheckpoint {
    pub part: u64,
    pub rows: u64,
    /// The temporary file's size at the checkpoint.
    pub bytes: u64,
    pub gzip: bool,
    /// gzip: the CRC-32 and size (modulo 2^32) of the plain bytes written so far, which the
    /// trailer will hold; 0 otherwise.
    pub crc: u32,
    pub plain_bytes: u32,
}

impl Part {
    /// Replaces whatever a killed run left of part `number`, and starts it with `staged`.
    pub(super) fn create(names: &Names, number: u64, staged: Staged) -> Result<Part> {
        names.clear(number)?;
        let path = names.temp(number, names.gzip);
        let mut file = private::create(&path, names.place)
            .map_err(|e| csv_error(&path, "cannot create the part", e))?;
        let temp = Temp {
            path,
            owner: std::process::id(),
            keep: false,
        };
        file.write_all(&staged.bytes)
            .map_err(|e| csv_error(&temp.path, "cannot write", e))?;
        Ok(Part {
            number,
            file,
            gzip: staged.gzip,
            bytes: staged.bytes.len() as u64,
            unsynced: 0,
            rows: staged.rows,
            temp,
        })
    }

    /// Carries on the part a checkpoint left, cut back to it.
    pub(super) fn reopen(names: &Names, at: CsvCheckpoint) -> Result<Part> {
        let path = names.temp(at.part, at.gzip);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| csv_error(&path, "cannot reopen the part of the checkpoint", e))?;
        let size = file
            .metadata()
            .map_err(|e| csv_error(&path, "cannot read the part's size", e))?
            .len();
        if size < at.bytes {
            return Err(Error::Csv {
                path: path.display().to_string(),
                message: format!(
                    "holds {size} bytes, fewer than the checkpoint's {}: write the part again",
                    at.bytes
                ),
            });
        }
        let cut = |e| csv_error(&path, "cannot cut the part back to its checkpoint", e);
        file.set_len(at.bytes).map_err(cut)?;
        file.seek(SeekFrom::End(0)).map_err(cut)?;
        Ok(Part {
            number: at.part,
            file,
            gzip: at.gzip.then(|| Gzip::resumed(at.crc, at.plain_bytes)),
            bytes: at.bytes,
            unsynced: 0,
            rows: at.rows,
            temp: Temp {
                path,
                owner: std::process::id(),
                keep: true,
            },
        })
    }

    /// Makes what was written durable and keeps the file when the part is dropped unsealed.
    pub(super) fn checkpoint(&mut self, names: &Names) -> Result<CsvCheckpoint> {
        self.file
            .sync_data()
            .map_err(|e| csv_error(&self.temp.path, "cannot flush the part to disk", e))?;
        if !self.temp.keep {
            // The temporary name, made durable once: a checkpoint is only worth its file.
            sync_dir(names);
            self.temp.keep = true;
        }
        let (crc, plain_bytes) = self.gzip.as_ref().map_or((0, 0), Gzip::state);
        Ok(CsvCheckpoint {
            part: self.number,
            rows: self.rows,
            bytes: self.bytes,
            gzip: self.gzip.is_some(),
            crc,
            plain_bytes,
        })
    }

    /// Drops the part and its file, checkpoint or not.
    pub(super) fn discard(mut self) {
        self.temp.keep = false;
    }

    pub(super) fn number(&self) -> u64 {
        self.number
    }

    pub(super) fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds a batch when the part, sealed, stays within `max_bytes` and `max_rows`; says whether
    /// it did. `scratch` holds the compressed batch.
    pub(super) fn append(
        &mut self,
        batch: &[u8],
        rows: u64,
        limits: (u64, u64),
        scratch: &mut Vec<u8>,
    ) -> Result<bool> {
        let (max_bytes, max_rows) = limits;
        if self.rows + rows > max_rows {
            return Ok(false);
        }
        let bytes = match &mut self.gzip {
            None => batch,
            Some(encoder) => {
                scratch.clear();
                encoder
                    .compress(batch, scratch)
                    .map_err(|e| csv_error(&self.temp.path, "cannot compress", e))?;
                scratch
            }
        };
        if self.bytes + bytes.len() as u64 + end_bytes(self.gzip.is_some()) > max_bytes {
            if let Some(encoder) = &mut self.gzip {
                encoder.dropped();
            }
            return Ok(false);
        }
        self.file
            .write_all(bytes)
            .map_err(|e| csv_error(&self.temp.path, "cannot write", e))?;
        self.unsynced += bytes.len() as u64;
        if self.unsynced >= WRITE_BACK {
            self.unsynced = 0;
            start_write_back(&self.file);
        }
        self.bytes += bytes.len() as u64;
        self.rows += rows;
        if let Some(encoder) = &mut self.gzip {
            encoder.written(batch);
        }
        Ok(true)
    }

    /// Starts the part again with `staged`: a part with no rows yet takes a batch this way, so
    /// that whether a batch fits in a part of its own is decided in one place.
    pub(super) fn restart(&mut self, staged: Staged) -> Result<()> {
        let fail = |e| csv_error(&self.temp.path, "cannot write", e);
        self.file.set_len(0).map_err(fail)?;
        self.file.seek(SeekFrom::Start(0)).map_err(fail)?;
        self.file.write_all(&staged.bytes).map_err(fail)?;
        self.gzip = staged.gzip;
        self.bytes = staged.bytes.len() as u64;
        self.rows = staged.rows;
        Ok(())
    }

    /// Completes the file, makes it durable and gives it its name.
    pub(super) fn seal(mut self, names: &Names) -> Result<CsvPart> {
        let temp = self.temp.path.clone();
        if let Some(encoder) = &self.gzip {
            let end = encoder.end();
            self.file
                .write_all(&end)
                .map_err(|e| csv_error(&temp, "cannot write", e))?;
            self.bytes += end.len() as u64;
        }
        self.file
            .sync_all()
            .map_err(|e| csv_error(&temp, "cannot flush the part to disk", e))?;
        let path = names.path(self.number);
        fs::rename(&temp, &path)
            .map_err(|e| csv_error(&path, "cannot rename the part into place", e))?;
        self.temp.keep = true;
        // The name is durable only once the directory is; the part is complete either way.
        sync_dir(names);
        Ok(CsvPart {
            part: self.number,
            path: path.display().to_string(),
            rows: self.rows,
            bytes: self.bytes,
            transaction_id: uuid::Uuid::new_v4().to_string(),
        })
    }
}

fn sync_dir(names: &Names) {
    if let Ok(dir) = File::open(&names.dir) {
        let _ = dir.sync_all();
    }
}
