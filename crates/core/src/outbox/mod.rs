//! The durable outbox: a SQLite file, or MySQL tables a web cluster shares, that holds every
//! sent event until Mindbox has it.

pub mod backoff;
mod forksafe;
pub mod hold;
pub mod holder;
mod location;
pub mod mysql;
pub mod route;
mod schema;
pub mod store;

pub use location::Location;

use super::config::Config;
use super::error::Result;
use super::process::PerProcess;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use store::{Role, Scope, Store};

/// Milliseconds since the epoch: shared by every process using the file, so wall-clock time.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub fn scope(config: &Config) -> Scope {
    Scope {
        endpoint_id: config.endpoint_id.clone(),
        base_url: config.base_url.clone(),
    }
}

/// This process's connection to each outbox, for the calling (PHP) thread. Opening one costs
/// far more than an insert, so it is kept; a failed open is not, so it is retried.
static CONNECTIONS: PerProcess<HashMap<Location, Arc<Mutex<Store>>>> = PerProcess::new();

/// Runs `f` on this process's connection to the outbox. A connection that failed under it (a
/// database server restarted since the connection was made) is replaced and `f` tried once more
/// on the new one, so a worker's first send after a restart is not lost.
pub fn with_store<R>(
    config: &Config,
    path: &Location,
    mut f: impl FnMut(&mut Store) -> Result<R>,
) -> Result<R> {
    let store = connection(config, path)?;
    let result = f(&mut store.lock().unwrap_or_else(|p| p.into_inner()));
    if result.is_err() && !store.lock().unwrap_or_else(|p| p.into_inner()).is_current() {
        return f(&mut connection(config, path)?
            .lock()
            .unwrap_or_else(|p| p.into_inner()));
    }
    result
}

/// The kept connection, or a new one when there is none or it can no longer be used (a file
/// deleted or replaced since: the events go to the file the path names now).
fn connection(config: &Config, path: &Location) -> Result<Arc<Mutex<Store>>> {
    let cached = CONNECTIONS.with(HashMap::new, |map| {
        if map
            .get(path)
            .is_some_and(|store| !store.lock().unwrap_or_else(|p| p.into_inner()).is_current())
        {
            map.remove(path);
        }
        map.get(path).cloned()
    });
    if let Some(store) = cached {
        return Ok(store);
    }
    let store = Arc::new(Mutex::new(Store::open(
        path,
        config.synchronous,
        Role::Sender,
    )?));
    Ok(CONNECTIONS.with(HashMap::new, |map| {
        map.entry(path.clone()).or_insert(store).clone()
    }))
}
