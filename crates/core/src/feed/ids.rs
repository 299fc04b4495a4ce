//! The offer ids written so far, so that a duplicate is refused: kept as keyed 64-bit hashes, not
//! as the ids themselves. Two ids share a hash once in ~10^19 pairs, and the key is new each run,
//! so such a false "duplicate" would not come back on the next run.
//!
//! The hashes are spread over 256 tables by one of their bytes. A table that grows holds its old
//! and its new array at once: one table of a million hashes would need 28 MB at that moment, each
//! of 256 needs 1/256 of that. A million offers take about 16 MB.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

const TABLES: usize = 256;

pub(super) struct OfferIds {
    key: RandomState,
    tables: Vec<HashSet<u64, BuildHasherDefault<AsIs>>>,
}

impl OfferIds {
    pub(super) fn new() -> OfferIds {
        OfferIds {
            key: RandomState::new(),
            tables: (0..TABLES).map(|_| HashSet::default()).collect(),
        }
    }

    /// The key of the hashes, for another thread to hash ids with.
    pub(super) fn key(&self) -> &RandomState {
        &self.key
    }

    pub(super) fn hash(key: &RandomState, id: &str) -> u64 {
        key.hash_one(id)
    }

    /// Whether `id` is new (and now seen).
    pub(super) fn insert(&mut self, id: &str) -> bool {
        self.insert_hash(Self::hash(&self.key, id))
    }

    /// Whether the id of this hash (by [`hash`](Self::hash) with this key) is new.
    pub(super) fn insert_hash(&mut self, hash: u64) -> bool {
        // Bits 32..40 choose the table: a table places a hash by its lowest bits and tells
        // hashes apart by their highest, so neither may be the same for a whole table.
        self.tables[(hash >> 32) as u8 as usize].insert(hash)
    }
}

/// The tables' hasher: their values are hashes already.
#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_new_once() {
        let mut ids = OfferIds::new();
        assert!(ids.insert("1"));
        assert!(ids.insert("2"));
        assert!(!ids.insert("1"));
        for i in 0..100_000 {
            assert!(ids.insert(&format!("offer-{i}")));
        }
        assert!(!ids.insert("offer-99999"));
    }
}
