//! This process's connections to each outbox, for the calling (PHP) thread. Opening one costs far
//! more than an insert, so it is kept; a failed open is not, so it is retried.

use super::location::Location;
use super::sqlite::{Role, Synchronous};
use super::store::Store;
use crate::error::Result;
use crate::process::PerProcess;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Kept = PerProcess<HashMap<Location, Arc<Mutex<Store>>>>;

/// The connection sends write with; a file's is shared with the dispatcher (`delivery::dispatch`).
static CONNECTIONS: Kept = PerProcess::new();
/// A file's connection for looks that read the whole outbox (`with_reader`).
static READERS: Kept = PerProcess::new();

/// Runs `f` on this process's connection to the outbox. A connection that failed under it (a
/// database server restarted since the connection was made) is replaced and `f` tried once more
/// on the new one, so a worker's first send after a restart is not lost.
pub(crate) fn with_store<R>(
    path: &Location,
    synchronous: Synchronous,
    f: impl FnMut(&mut Store) -> Result<R>,
) -> Result<R> {
    run_on(&CONNECTIONS, path, synchronous, f)
}

/// `with_store` for a look that reads every item (the counts of `stats()`, a page of parked
/// items): on a deep file outbox it takes milliseconds, which on the connection the dispatcher
/// shares would hold delivery up, and the admin's page or the module's agent polls it. A server's
/// dispatcher has a connection of its own, so there the kept one serves.
pub(crate) fn with_reader<R>(
    path: &Location,
    synchronous: Synchronous,
    f: impl FnMut(&mut Store) -> Result<R>,
) -> Result<R> {
    let kept = if path.file().is_some() {
        &READERS
    } else {
        &CONNECTIONS
    };
    run_on(kept, path, synchronous, f)
}

fn run_on<R>(
    kept: &Kept,
    path: &Location,
    synchronous: Synchronous,
    mut f: impl FnMut(&mut Store) -> Result<R>,
) -> Result<R> {
    let store = connection(kept, path, synchronous)?;
    let result = f(&mut store.lock().unwrap_or_else(|p| p.into_inner()));
    if result.is_err() && !store.lock().unwrap_or_else(|p| p.into_inner()).is_current() {
        return f(&mut connection(kept, path, synchronous)?
            .lock()
            .unwrap_or_else(|p| p.into_inner()));
    }
    result
}

/// The kept connection, or a new one when there is none or it can no longer be used (a file
/// deleted or replaced since: the events go to the file the path names now).
fn connection(kept: &Kept, path: &Location, synchronous: Synchronous) -> Result<Arc<Mutex<Store>>> {
    let cached = kept.with(HashMap::new, |map| {
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
    Ok(kept.with(HashMap::new, |map| {
        map.entry(path.clone()).or_insert(store).clone()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::location::Place;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_look_at_a_file_outbox_does_not_wait_for_the_connection_sends_and_delivery_share() {
        let path = crate::private::test_dir("connections-reader").join("outbox.sqlite");
        let location = Location(Place::File(path));
        let sync = Synchronous::Normal;
        let (holding, held) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let at = location.clone();
        // A cycle of the dispatcher in hand, as long as the test wants.
        let cycle = std::thread::spawn(move || {
            with_store(&at, sync, |_| {
                holding.send(()).unwrap();
                released.recv().unwrap();
                Ok(())
            })
        });
        held.recv().unwrap();
        let (looked, look) = mpsc::channel();
        let at = location.clone();
        std::thread::spawn(move || {
            looked
                .send(with_reader(&at, sync, |store| {
                    store.is_current().then_some(()).ok_or_else(|| {
                        crate::error::Error::outbox("", "the reader names another file")
                    })
                }))
                .unwrap()
        });
        let answer = look.recv_timeout(Duration::from_secs(10));
        release.send(()).unwrap();
        cycle.join().unwrap().unwrap();
        answer
            .expect("the look waited for the shared connection")
            .unwrap();
    }
}
