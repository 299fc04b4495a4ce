//! An import's body as the CSV reader sees it: limited in size as sent and, when gzip, once
//! decompressed too, so that neither a large upload nor a small bomb is held or read past the
//! limit.

use std::error::Error;
use std::fmt;
use std::io::{self, Read};

use flate2::read::MultiGzDecoder;

/// What a read error carries when the body went over the limit.
#[derive(Debug, Clone, PartialEq)]
pub struct TooLarge {
    pub limit: u64,
    pub decompressed: bool,
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.decompressed {
            "decompressed"
        } else {
            "as sent"
        };
        write!(f, "the body exceeds {} bytes {what}", self.limit)
    }
}

impl Error for TooLarge {}

/// The `TooLarge` behind a read error, if that is what it is.
pub fn too_large(error: &io::Error) -> Option<&TooLarge> {
    error.get_ref()?.downcast_ref()
}

struct Limited<R> {
    inner: R,
    left: u64,
    too_large: TooLarge,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte more than is left is enough to know the limit is passed.
        let room = usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX);
        let cap = buf.len().min(room);
        let n = self.inner.read(&mut buf[..cap])?;
        if n as u64 > self.left {
            return Err(io::Error::other(self.too_large.clone()));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// The body's bytes (decompressed when `gzip`), failing with `TooLarge` past `limit`.
pub fn open<'a>(source: impl Read + 'a, gzip: bool, limit: u64) -> Box<dyn Read + 'a> {
    let limited = |inner, decompressed| Limited {
        inner,
        left: limit,
        too_large: TooLarge {
            limit,
            decompressed,
        },
    };
    let sent: Box<dyn Read + 'a> = Box::new(limited(Box::new(source) as Box<dyn Read>, false));
    if gzip {
        Box::new(limited(Box::new(MultiGzDecoder::new(sent)), true))
    } else {
        sent
    }
}

#[cfg(test)]
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(source: &[u8], gzip: bool, limit: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        open(source, gzip, limit).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_body_up_to_the_limit_is_read_whole() {
        assert_eq!(read_all(b"abcd", false, 4).unwrap(), b"abcd");
        let error = read_all(b"abcde", false, 4).unwrap_err();
        assert_eq!(
            too_large(&error),
            Some(&TooLarge {
                limit: 4,
                decompressed: false
            })
        );
    }

    #[test]
    fn gzip_is_limited_as_sent_and_decompressed() {
        let text = vec![b'x'; 10_000];
        let packed = gzip(&text);
        assert!(packed.len() < 200);
        assert_eq!(read_all(&packed, true, 10_000).unwrap(), text);
        let bomb = read_all(&packed, true, 9_999).unwrap_err();
        assert!(too_large(&bomb).unwrap().decompressed, "{bomb}");
        let large = read_all(&packed, true, packed.len() as u64 - 1).unwrap_err();
        assert_eq!(too_large(&large).map(|t| t.decompressed), Some(false));
        let mut twice = packed.clone();
        twice.extend_from_slice(&packed);
        assert_eq!(read_all(&twice, true, 20_000).unwrap().len(), 20_000);
    }

    #[test]
    fn a_body_that_is_not_gzip_is_an_error_of_its_own() {
        let error = read_all(b"websiteID\n1\n", true, 100).unwrap_err();
        assert!(too_large(&error).is_none());
    }
}
