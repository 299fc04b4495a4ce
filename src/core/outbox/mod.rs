//! The durable outbox: a SQLite file, or MySQL tables a web cluster shares, that holds every
//! sent event until Mindbox has it.

pub mod backoff;
mod forksafe;
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

pub fn with_store<R>(
    config: &Config,
    path: &Location,
    f: impl FnOnce(&mut Store) -> Result<R>,
) -> Result<R> {
    let cached = CONNECTIONS.with(HashMap::new, |map| {
        // A file deleted or replaced since: the events go to the file the path names now.
        if map
            .get(path)
            .is_some_and(|store| !store.lock().unwrap_or_else(|p| p.into_inner()).is_current())
        {
            map.remove(path);
        }
        map.get(path).cloned()
    });
    let store = match cached {
        Some(store) => store,
        None => {
            let store = Arc::new(Mutex::new(Store::open(
                path,
                config.synchronous,
                Role::Sender,
            )?));
            CONNECTIONS.with(HashMap::new, |map| {
                map.entry(path.clone()).or_insert(store).clone()
            })
        }
    };
    let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}
