//! The file of an import, checked before a slot of the budget is spent on it: a regular file,
//! not empty, within Mindbox's size limit; gzip when it starts with gzip's magic bytes.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::Path;

/// Mindbox takes at most 200 MB a request; counted in decimal megabytes, the smaller reading.
pub(crate) const MAX_BYTES: u64 = 200_000_000;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

#[derive(Debug)]
pub(crate) struct CsvFile {
    /// Open at its start.
    pub(crate) file: File,
    pub(crate) gzip: bool,
}

pub(crate) fn open(path: &Path) -> Result<CsvFile> {
    let shown = path.display();
    let fail = |message: String| Error::invalid("file", message);
    if path.as_os_str().is_empty() {
        return Err(fail("must be the path of a CSV file".into()));
    }
    // Asked before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => fail(format!("{shown} does not exist")),
        _ => fail(format!("{shown} cannot be read: {e}")),
    })?;
    if !meta.is_file() {
        return Err(fail(format!("{shown} is not a regular file")));
    }
    let mut file = File::open(path).map_err(|e| fail(format!("{shown} cannot be read: {e}")))?;
    let bytes = file
        .metadata()
        .map_err(|e| fail(format!("{shown} cannot be read: {e}")))?
        .len();
    if bytes == 0 {
        return Err(fail(format!("{shown} is empty")));
    }
    if bytes > MAX_BYTES {
        return Err(fail(format!(
            "{shown} is {bytes} bytes; Mindbox takes at most {MAX_BYTES} a request: cut it into parts"
        )));
    }
    let mut head = [0u8; 2];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(fail(format!("{shown} cannot be read: {e}"))),
        }
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| fail(format!("{shown} cannot be read: {e}")))?;
    Ok(CsvFile {
        file,
        gzip: head == GZIP_MAGIC,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(path: &Path) -> String {
        match open(path) {
            Err(Error::InvalidArgument { path, message }) => {
                assert_eq!(path, "file");
                message
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn gzip_is_told_by_its_magic_bytes() {
        let dir = crate::private::test_dir("bulk-file");
        let plain = dir.join("part.csv");
        std::fs::write(&plain, "Email\r\na@b.ru\r\n").unwrap();
        assert!(!open(&plain).unwrap().gzip);
        let packed = dir.join("part.csv.gz");
        std::fs::write(&packed, [0x1f, 0x8b, 8, 0, 0]).unwrap();
        let mut csv = open(&packed).unwrap();
        assert!(csv.gzip);
        let mut all = Vec::new();
        csv.file.read_to_end(&mut all).unwrap();
        assert_eq!(all.len(), 5, "the file is read from its start");
        // One byte, or gzip's magic further in, is not gzip.
        std::fs::write(&packed, [0x1f]).unwrap();
        assert!(!open(&packed).unwrap().gzip);
    }

    #[test]
    fn what_cannot_be_sent_says_why() {
        let dir = crate::private::test_dir("bulk-file-bad");
        assert!(message(&dir.join("none.csv")).ends_with("none.csv does not exist"));
        assert!(message(&dir).ends_with("is not a regular file"));
        assert_eq!(message(Path::new("")), "must be the path of a CSV file");
        let empty = dir.join("empty.csv");
        std::fs::write(&empty, "").unwrap();
        assert!(message(&empty).ends_with("empty.csv is empty"));
        // Sparse: over the limit without taking the disk.
        let big = dir.join("big.csv");
        File::create(&big).unwrap().set_len(MAX_BYTES + 1).unwrap();
        assert!(
            message(&big).contains("is 200000001 bytes; Mindbox takes at most 200000000"),
            "{}",
            message(&big)
        );
        File::create(&big).unwrap().set_len(MAX_BYTES).unwrap();
        assert!(open(&big).is_ok());
    }
}
