//! The SQLite queries of moving pending items from one outbox to another.

use crate::endpoint::Endpoint;
use crate::outbox::hold::Hold;
use crate::outbox::item::Scope;
use crate::outbox::rows::{Malformed, Movable};
use rusqlite::{Connection, params};

pub(super) fn scopes(conn: &Connection) -> rusqlite::Result<Vec<Scope>> {
    let mut stmt = conn.prepare("SELECT DISTINCT endpoint_id, base_url FROM items")?;
    let rows = stmt.query_map([], |r| {
        Ok(Scope {
            endpoint_id: r.get(0)?,
            base_url: r.get(1)?,
        })
    })?;
    rows.collect()
}

pub(super) fn pending_page(
    conn: &Connection,
    after_id: i64,
    limit: usize,
) -> rusqlite::Result<Vec<Result<Movable, Malformed>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, endpoint_id, base_url, operation, endpoint, body, transaction_id, device_uuid,
                customer_ip, ordering_key, created_at, attempts, not_before, hold_key, hold_cents
         FROM items WHERE status = 'pending' AND id > ?1 ORDER BY id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after_id, limit as i64], |r| {
        let id: i64 = r.get(0)?;
        Ok(decode(r, id).map_err(|why| Malformed { id, why }))
    })?;
    rows.collect()
}

/// The endpoint is checked, not defaulted as a claim does: a copy must not make a wrong value
/// look right.
fn decode(r: &rusqlite::Row<'_>, id: i64) -> Result<Movable, String> {
    let endpoint: String = r.get(4).map_err(|e| e.to_string())?;
    let Some(endpoint) = Endpoint::parse(&endpoint) else {
        return Err(format!(
            "the endpoint {endpoint:?} is neither sync nor async"
        ));
    };
    let read = || -> rusqlite::Result<Movable> {
        Ok(Movable {
            id,
            scope: Scope {
                endpoint_id: r.get(1)?,
                base_url: r.get(2)?,
            },
            operation: r.get(3)?,
            endpoint,
            body: r.get(5)?,
            transaction_id: r.get(6)?,
            device_uuid: r.get(7)?,
            customer_ip: r.get(8)?,
            ordering_key: r.get(9)?,
            created_at: r.get::<_, i64>(10)?.max(0) as u64,
            attempts: r.get(11)?,
            not_before: r.get::<_, i64>(12)?.max(0) as u64,
            hold: match r.get::<_, Option<String>>(13)? {
                Some(key) => Some(Hold {
                    key,
                    cents: r.get(14)?,
                }),
                None => None,
            },
        })
    };
    read().map_err(|e| e.to_string())
}

pub(super) fn insert_moved(conn: &Connection, item: &Movable, now: u64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO items (endpoint_id, base_url, operation, endpoint, body, transaction_id,
            device_uuid, customer_ip, ordering_key, attempts, created_at, next_attempt_at, updated_at,
            not_before, hold_key, hold_cents)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        item.scope.endpoint_id,
        item.scope.base_url,
        item.operation,
        item.endpoint.as_str(),
        item.body,
        item.transaction_id,
        item.device_uuid,
        item.customer_ip,
        item.ordering_key,
        item.attempts,
        item.created_at as i64,
        now.max(item.not_before) as i64,
        now as i64,
        item.not_before as i64,
        item.hold.as_ref().map(|h| h.key.as_str()),
        item.hold.as_ref().map_or(0, |h| h.cents)
    ])?;
    Ok(())
}
