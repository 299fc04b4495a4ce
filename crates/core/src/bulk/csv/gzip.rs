//! A part's gzip, framed here so that its size is known before a batch is written: each batch
//! is compressed in memory up to a sync flush (which ends on a byte boundary), and written only
//! when it fits. A batch that does not fit is dropped, the compressor restarted (its window
//! holds the dropped rows, which later blocks must not refer to), and the part can still end
//! where the last written batch ended: an empty final block and the trailer. For the same
//! reason a part can be carried on by another process from a checkpoint: a fresh compressor
//! after the checkpoint's bytes, and the trailer's CRC and size carried over.

use crc32fast::Hasher;
use flate2::{Compress, Compression, FlushCompress};
use std::io;

/// The member's header: deflate, no name, no time, level 1 ("fastest"), Unix.
pub(super) const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3];
/// An empty final block (fixed Huffman codes: BFINAL, BTYPE 01, end of block) and the trailer.
pub(super) const END_BYTES: u64 = 2 + 8;

pub(super) struct Gzip {
    compress: Compress,
    /// Of what was written, not of what was only compressed.
    crc: Hasher,
    /// Plain bytes written, modulo 2^32 as the trailer keeps them.
    amount: u32,
}

impl Gzip {
    pub(super) fn new() -> Gzip {
        Gzip::resumed(0, 0)
    }

    /// Carries on a member whose written plain bytes had `crc` and `amount` (a checkpoint's).
    pub(super) fn resumed(crc: u32, amount: u32) -> Gzip {
        Gzip {
            compress: raw_deflate(),
            crc: Hasher::new_with_initial_len(crc, amount.into()),
            amount,
        }
    }

    /// Appends `plain` to `out`, compressed, up to a byte boundary.
    pub(super) fn compress(&mut self, mut plain: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        loop {
            // Room for incompressible data: deflate's stored blocks add 5 bytes in 64 KB.
            out.reserve(plain.len() + plain.len() / 1000 + 64);
            let before = self.compress.total_in();
            self.compress
                .compress_vec(plain, out, FlushCompress::Sync)
                .map_err(io::Error::other)?;
            plain = &plain[(self.compress.total_in() - before) as usize..];
            // zlib's rule: the flush is complete when the call left output space unused.
            if plain.is_empty() && out.len() < out.capacity() {
                return Ok(());
            }
        }
    }

    /// `plain`, compressed last, is written: it counts in the trailer.
    pub(super) fn written(&mut self, plain: &[u8]) {
        self.crc.update(plain);
        self.amount = self.amount.wrapping_add(plain.len() as u32);
    }

    /// The written plain bytes' CRC and amount, as `resumed()` takes them.
    pub(super) fn state(&self) -> (u32, u32) {
        (self.crc.clone().finalize(), self.amount)
    }

    /// What was compressed last is dropped.
    pub(super) fn dropped(&mut self) {
        self.compress = raw_deflate();
    }

    pub(super) fn end(&self) -> [u8; END_BYTES as usize] {
        let mut end = [0; END_BYTES as usize];
        end[0] = 0x03;
        let (crc, amount) = self.state();
        end[2..6].copy_from_slice(&crc.to_le_bytes());
        end[6..].copy_from_slice(&amount.to_le_bytes());
        end
    }
}

/// Level 1: CSV compresses well at it, several times faster than the default level.
fn raw_deflate() -> Compress {
    Compress::new(Compression::fast(), false)
}
