//! Name resolution for the agent, without a thread per request.
//!
//! ureq's `DefaultResolver` starts a thread for every lookup whenever a timeout applies (so that
//! it can stop waiting for `getaddrinfo`, which has no timeout of its own), and every request we
//! send has one: a shop delivering thousands of events started thousands of threads, all to learn
//! the same address again. This resolver
//!
//! - answers IP literals (`127.0.0.1`, `[::1]`) itself, with no lookup and no thread;
//! - keeps what a lookup found for each `host:port` for [`TTL`] (failures are not kept, so a
//!   name that starts to resolve is used at once), so a pooled agent sending to one host
//!   resolves once a minute rather than once a request;
//! - on a miss, looks the name up on a short-lived thread and waits for it no longer than the
//!   request's resolve timeout. A synchronous `getaddrinfo` on the calling thread would spare
//!   that thread, but nothing would bound it: ureq starts the connect timeout only once the
//!   name is resolved, and glibc retries an unanswering name server for 5 s per attempt and
//!   server (half a minute with two servers), longer than any timeout a shop would set;
//! - starts at most one lookup per `host:port` at a time: callers that miss while one is under
//!   way wait for its answer. Workers whose cache entry expires together thus cost one thread,
//!   and a name server that never answers costs one stuck thread, not one per request.
//!
//! It belongs to one agent, and so to one process (see `transport` and `process`): a child of a
//! fork builds its own, and never waits on a lookup, or a lock, of its parent's.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a resolved address is used before the name is looked up again.
pub(crate) const TTL: Duration = Duration::from_secs(60);

/// Entries kept before expired ones are swept out; the agent talks to one or two hosts.
const SWEEP_AT: usize = 64;

/// What ureq's `ResolvedSocketAddrs` holds; pushing more would panic.
const MAX_ADDRS: usize = 16;

/// Looks up `host:port`, as `ToSocketAddrs` for a `String` does.
pub(crate) type LookupFn = dyn Fn(&str) -> io::Result<Vec<SocketAddr>> + Send + Sync;

/// A cheap handle: clones share one cache.
#[derive(Clone)]
pub(crate) struct CachingResolver {
    inner: Arc<Inner>,
}

struct Inner {
    ttl: Duration,
    lookup: Box<LookupFn>,
    cache: Mutex<HashMap<String, Entry>>,
    lookups: AtomicUsize,
    threads: AtomicUsize,
}

enum Entry {
    Resolved {
        addrs: Arc<[SocketAddr]>,
        expires: Instant,
    },
    Pending(Arc<Flight>),
}

/// `None` when the name did not resolve.
type Outcome = Option<Arc<[SocketAddr]>>;

/// One lookup under way, and the callers waiting for it.
#[derive(Default)]
struct Flight {
    outcome: Mutex<Option<Outcome>>,
    done: Condvar,
}

impl CachingResolver {
    /// The system's resolver (`getaddrinfo`), behind a cache of [`TTL`].
    pub(crate) fn new() -> CachingResolver {
        CachingResolver::with_lookup(TTL, |host_port| {
            host_port.to_socket_addrs().map(Iterator::collect)
        })
    }

    pub(crate) fn with_lookup(
        ttl: Duration,
        lookup: impl Fn(&str) -> io::Result<Vec<SocketAddr>> + Send + Sync + 'static,
    ) -> CachingResolver {
        CachingResolver {
            inner: Arc::new(Inner {
                ttl,
                lookup: Box::new(lookup),
                cache: Mutex::new(HashMap::new()),
                lookups: AtomicUsize::new(0),
                threads: AtomicUsize::new(0),
            }),
        }
    }

    /// Lookups started so far (cache misses).
    pub(crate) fn lookups_started(&self) -> usize {
        self.inner.lookups.load(Ordering::Relaxed)
    }

    /// Threads started so far, each for one lookup.
    #[cfg(test)]
    pub(crate) fn threads_started(&self) -> usize {
        self.inner.threads.load(Ordering::Relaxed)
    }

    /// The addresses of `key` (`host:port`), from the cache or from a lookup.
    fn addresses(&self, key: &str, timeout: NextTimeout) -> Result<Arc<[SocketAddr]>, ureq::Error> {
        let flight = {
            let mut cache = lock(&self.inner.cache);
            let now = Instant::now();
            match cache.get(key) {
                Some(Entry::Resolved { addrs, expires }) if *expires > now => {
                    return Ok(addrs.clone());
                }
                Some(Entry::Pending(flight)) => {
                    let flight = flight.clone();
                    drop(cache);
                    return wait(&flight, timeout);
                }
                _ => {}
            }
            if timeout.after.is_zero() {
                return Err(ureq::Error::Timeout(timeout.reason));
            }
            if cache.len() >= SWEEP_AT {
                cache.retain(|_, e| match e {
                    Entry::Resolved { expires, .. } => *expires > now,
                    Entry::Pending(_) => true,
                });
            }
            let flight = Arc::new(Flight::default());
            cache.insert(key.to_string(), Entry::Pending(flight.clone()));
            flight
        };

        self.inner.lookups.fetch_add(1, Ordering::Relaxed);
        if timeout.after.is_not_happening() {
            // Nothing to give up on: no thread needed.
            let outcome = self.inner.lookup(key);
            self.inner.finish(key, &flight, outcome.clone());
            return outcome.ok_or(ureq::Error::HostNotFound);
        }
        let inner = self.inner.clone();
        let owned_key = key.to_string();
        let owned_flight = flight.clone();
        let spawned = std::thread::Builder::new()
            .name("mindbox-dns".into())
            .spawn(move || {
                let outcome = inner.lookup(&owned_key);
                inner.finish(&owned_key, &owned_flight, outcome);
            });
        match spawned {
            Ok(_) => self.inner.threads.fetch_add(1, Ordering::Relaxed),
            Err(e) => {
                self.inner.finish(key, &flight, None);
                return Err(ureq::Error::Io(e));
            }
        };
        wait(&flight, timeout)
    }
}

impl Default for CachingResolver {
    fn default() -> Self {
        Self::new()
    }
}

impl Inner {
    fn lookup(&self, key: &str) -> Outcome {
        // A lookup that panicked must still be finished, or its entry would stay pending and
        // every later request to the host would wait for it in vain.
        let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.lookup)(key)));
        match found {
            Ok(Ok(addrs)) if !addrs.is_empty() => Some(addrs.into()),
            _ => None,
        }
    }

    /// Publishes a lookup's outcome: into the cache if it found something (a failure only
    /// clears the pending entry), and to everyone waiting for it.
    fn finish(&self, key: &str, flight: &Arc<Flight>, outcome: Outcome) {
        {
            let mut cache = lock(&self.cache);
            if matches!(cache.get(key), Some(Entry::Pending(f)) if Arc::ptr_eq(f, flight)) {
                match &outcome {
                    Some(addrs) => {
                        cache.insert(
                            key.to_string(),
                            Entry::Resolved {
                                addrs: addrs.clone(),
                                expires: Instant::now() + self.ttl,
                            },
                        );
                    }
                    None => {
                        cache.remove(key);
                    }
                }
            }
        }
        *lock(&flight.outcome) = Some(outcome);
        flight.done.notify_all();
    }
}

/// Waits for `flight` within `timeout`.
fn wait(flight: &Flight, timeout: NextTimeout) -> Result<Arc<[SocketAddr]>, ureq::Error> {
    let guard = lock(&flight.outcome);
    let guard = if timeout.after.is_not_happening() {
        flight
            .done
            .wait_while(guard, |o| o.is_none())
            .unwrap_or_else(|p| p.into_inner())
    } else {
        flight
            .done
            .wait_timeout_while(guard, *timeout.after, |o| o.is_none())
            .unwrap_or_else(|p| p.into_inner())
            .0
    };
    match &*guard {
        Some(Some(addrs)) => Ok(addrs.clone()),
        Some(None) => Err(ureq::Error::HostNotFound),
        None => Err(ureq::Error::Timeout(timeout.reason)),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every holder leaves the map and the outcome consistent between statements.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// An IP address written in the URI's host: `127.0.0.1`, or `[::1]` for IPv6.
fn literal(host: &str) -> Option<IpAddr> {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
        None => host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            return Err(ureq::Error::BadUri(format!("{uri} is not an absolute URI")));
        };
        // `host:port`, with the scheme's default port when the URI has none.
        let Some(key) = DefaultResolver::host_and_port(scheme, authority) else {
            return Err(ureq::Error::BadUri(format!("unknown scheme: {scheme}")));
        };
        let port = key
            .rsplit_once(':')
            .and_then(|(_, p)| p.parse().ok())
            .unwrap_or(0);

        let family = config.ip_family();
        let mut result = self.empty();
        if let Some(ip) = literal(authority.host()) {
            for addr in family.keep_wanted(std::iter::once(SocketAddr::new(ip, port))) {
                result.push(addr);
            }
        } else {
            let addrs = self.addresses(&key.to_ascii_lowercase(), timeout)?;
            for addr in family.keep_wanted(addrs.iter().copied()).take(MAX_ADDRS) {
                result.push(addr);
            }
        }
        if result.is_empty() {
            Err(ureq::Error::HostNotFound)
        } else {
            Ok(result)
        }
    }
}

impl std::fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachingResolver")
            .field("ttl", &self.inner.ttl)
            .field("lookups_started", &self.lookups_started())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
