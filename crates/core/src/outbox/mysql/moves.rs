//! The MySQL queries of moving pending items from one outbox to another.

use super::schema::{Tables, ms};
use crate::endpoint::Endpoint;
use crate::outbox::hold::Hold;
use crate::outbox::item::Scope;
use crate::outbox::rows::{Fallible, Malformed, Movable};
use mysql::prelude::{FromValue, Queryable};
use mysql::{Row, Value};

pub(crate) fn scopes(q: &mut impl Queryable, t: &Tables) -> Fallible<Vec<Scope>> {
    let rows: Vec<(String, String)> = q.query(format!(
        "SELECT DISTINCT endpoint_id, base_url FROM {}",
        t.items
    ))?;
    Ok(rows
        .into_iter()
        .map(|(endpoint_id, base_url)| Scope {
            endpoint_id,
            base_url,
        })
        .collect())
}

pub(crate) fn pending_page(
    q: &mut impl Queryable,
    t: &Tables,
    after_id: i64,
    limit: usize,
) -> Fallible<Vec<Result<Movable, Malformed>>> {
    let rows: Vec<Row> = q.exec(
        format!(
            "SELECT id, endpoint_id, base_url, operation, endpoint, body, transaction_id,
                    device_uuid, customer_ip, ordering_key, created_at, attempts, not_before,
                    hold_key, hold_cents
             FROM {} WHERE status = 'pending' AND id > ? ORDER BY id LIMIT ?",
            t.items
        ),
        (after_id, limit as u64),
    )?;
    rows.into_iter().map(decode).collect()
}

/// The endpoint is checked, not defaulted as a claim does: a copy must not make a wrong value
/// look right.
fn decode(mut row: Row) -> Fallible<Result<Movable, Malformed>> {
    fn take<T: FromValue>(row: &mut Row, i: usize, name: &str) -> Result<T, String> {
        match row.take_opt::<T, usize>(i) {
            Some(Ok(value)) => Ok(value),
            _ => Err(format!("column {name} cannot be read")),
        }
    }
    let id: i64 = take(&mut row, 0, "id")?;
    let mut read = || -> Result<Movable, String> {
        let endpoint: String = take(&mut row, 4, "endpoint")?;
        let Some(endpoint) = Endpoint::parse(&endpoint) else {
            return Err(format!(
                "the endpoint {endpoint:?} is neither sync nor async"
            ));
        };
        Ok(Movable {
            id,
            scope: Scope {
                endpoint_id: take(&mut row, 1, "endpoint_id")?,
                base_url: take(&mut row, 2, "base_url")?,
            },
            operation: take(&mut row, 3, "operation")?,
            endpoint,
            body: take(&mut row, 5, "body")?,
            transaction_id: take(&mut row, 6, "transaction_id")?,
            device_uuid: take(&mut row, 7, "device_uuid")?,
            customer_ip: take(&mut row, 8, "customer_ip")?,
            ordering_key: take(&mut row, 9, "ordering_key")?,
            created_at: take::<i64>(&mut row, 10, "created_at")?.max(0) as u64,
            attempts: take(&mut row, 11, "attempts")?,
            not_before: take::<i64>(&mut row, 12, "not_before")?.max(0) as u64,
            hold: match take::<Option<String>>(&mut row, 13, "hold_key")? {
                Some(key) => Some(Hold {
                    key,
                    cents: take(&mut row, 14, "hold_cents")?,
                }),
                None => None,
            },
        })
    };
    Ok(read().map_err(|why| Malformed { id, why }))
}

pub(crate) fn insert_moved(
    q: &mut impl Queryable,
    t: &Tables,
    item: &Movable,
    now: u64,
) -> Fallible<()> {
    let params: Vec<Value> = vec![
        item.scope.endpoint_id.as_str().into(),
        item.scope.base_url.as_str().into(),
        item.operation.as_str().into(),
        item.endpoint.as_str().into(),
        item.body.as_slice().into(),
        item.transaction_id.as_str().into(),
        item.device_uuid.as_deref().into(),
        item.customer_ip.as_deref().into(),
        item.ordering_key.as_deref().into(),
        item.attempts.into(),
        ms(item.created_at).into(),
        ms(now.max(item.not_before)).into(),
        ms(now).into(),
        ms(item.not_before).into(),
        item.hold.as_ref().map(|h| h.key.as_str()).into(),
        item.hold.as_ref().map_or(0, |h| h.cents).into(),
    ];
    q.exec_drop(
        format!(
            "INSERT INTO {} (endpoint_id, base_url, operation, endpoint, body, transaction_id,
                device_uuid, customer_ip, ordering_key, attempts, created_at, next_attempt_at,
                updated_at, not_before, hold_key, hold_cents)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            t.items
        ),
        params,
    )?;
    Ok(())
}
