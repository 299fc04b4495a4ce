//! This process's connection to each outbox, for the calling (PHP) thread. Opening one costs far
//! more than an insert, so it is kept; a failed open is not, so it is retried.

use super::location::Location;
use super::sqlite::{Role, Synchronous};
use super::store::Store;
use crate::error::Result;
use crate::process::PerProcess;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

static CONNECTIONS: PerProcess<HashMap<Location, Arc<Mutex<Store>>>> = PerProcess::new();

/// Runs `f` on this process's connection to the outbox. A connection that failed under it (a
/// database server restarted since the connection was made) is replaced and `f` tried once more
/// on the new one, so a worker's first send after a restart is not lost.
pub(crate) fn with_store<R>(
    path: &Location,
    synchronous: Synchronous,
    mut f: impl FnMut(&mut Store) -> Result<R>,
) -> Result<R> {
    let store = connection(path, synchronous)?;
    let result = f(&mut store.lock().unwrap_or_else(|p| p.into_inner()));
    if result.is_err() && !store.lock().unwrap_or_else(|p| p.into_inner()).is_current() {
        return f(&mut connection(path, synchronous)?
            .lock()
            .unwrap_or_else(|p| p.into_inner()));
    }
    result
}

/// The kept connection, or a new one when there is none or it can no longer be used (a file
/// deleted or replaced since: the events go to the file the path names now).
fn connection(path: &Location, synchronous: Synchronous) -> Result<Arc<Mutex<Store>>> {
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
    let store = Arc::new(Mutex::new(Store::open(path, synchronous, Role::Sender)?));
    Ok(CONNECTIONS.with(HashMap::new, |map| {
        map.entry(path.clone()).or_insert(store).clone()
    }))
}
