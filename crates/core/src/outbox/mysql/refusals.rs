//! Refused keys in the MySQL outbox, one row per endpoint and key fingerprint (see
//! `store::refusal` for what the row means).

use super::schema::{Tables, ms};
use crate::outbox::item::Scope;
use crate::outbox::rows::{Fallible, Refusal};
use mysql::prelude::Queryable;

pub(crate) fn get(
    q: &mut impl Queryable,
    t: &Tables,
    scope: &Scope,
    key_fp: &str,
) -> Fallible<Option<Refusal>> {
    let row: Option<(i64, i64, i64, i64)> = q.exec_first(
        format!(
            "SELECT refused_at, probe_interval, probed_at, probe_at FROM {}
             WHERE lease_name = ? AND key_fp = ?",
            t.credentials
        ),
        (scope.lease_name(), key_fp),
    )?;
    Ok(
        row.map(|(refused_at, interval, probed_at, probe_at)| Refusal {
            refused_at: refused_at.max(0) as u64,
            interval_ms: interval.max(0) as u64,
            probed_at: probed_at.max(0) as u64,
            probe_at: probe_at.max(0) as u64,
        }),
    )
}

pub(crate) fn put(
    q: &mut impl Queryable,
    t: &Tables,
    scope: &Scope,
    key_fp: &str,
    refusal: Option<&Refusal>,
) -> Fallible<()> {
    match refusal {
        Some(r) => q.exec_drop(
            format!(
                "REPLACE INTO {} (lease_name, key_fp, refused_at, probe_interval, probed_at, probe_at)
                 VALUES (?, ?, ?, ?, ?, ?)",
                t.credentials
            ),
            (
                scope.lease_name(),
                key_fp,
                ms(r.refused_at),
                ms(r.interval_ms),
                ms(r.probed_at),
                ms(r.probe_at),
            ),
        )?,
        None => q.exec_drop(
            format!(
                "DELETE FROM {} WHERE lease_name = ? AND key_fp = ?",
                t.credentials
            ),
            (scope.lease_name(), key_fp),
        )?,
    }
    Ok(())
}
