use super::*;
use std::net::{Ipv4Addr, Ipv6Addr};
use ureq::config::IpFamily;
use ureq::unversioned::transport::time::Duration as UreqDuration;

fn within(ms: u64) -> NextTimeout {
    NextTimeout {
        after: UreqDuration::from_millis(ms),
        reason: ureq::Timeout::Resolve,
        ..NextTimeout::default()
    }
}

fn uri(s: &str) -> Uri {
    s.parse().unwrap()
}

/// A resolver whose lookups answer `addrs` after `delay`, counting themselves.
fn fake(
    ttl: Duration,
    delay: Duration,
    addrs: Vec<SocketAddr>,
) -> (CachingResolver, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let resolver = CachingResolver::with_lookup(ttl, move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(delay);
        Ok(addrs.clone())
    });
    (resolver, calls)
}

fn v4(a: u8, port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, a)), port)
}

fn resolve(r: &CachingResolver, u: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
    r.resolve(&uri(u), &Config::default(), within(2000))
        .map(|a| a.to_vec())
}

#[test]
fn ip_literals_need_no_lookup_and_no_thread() {
    let (r, calls) = fake(TTL, Duration::ZERO, vec![v4(1, 1)]);
    for _ in 0..1000 {
        assert_eq!(
            resolve(&r, "http://127.0.0.1:8080/x").unwrap(),
            vec!["127.0.0.1:8080".parse().unwrap()]
        );
        assert_eq!(
            resolve(&r, "https://[::1]/x").unwrap(),
            vec![SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 443)]
        );
        assert_eq!(
            resolve(&r, "http://10.1.2.3/").unwrap(),
            vec!["10.1.2.3:80".parse().unwrap()]
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!((r.lookups_started(), r.threads_started()), (0, 0));
}

#[test]
fn a_name_is_looked_up_once_per_ttl() {
    let (r, calls) = fake(TTL, Duration::ZERO, vec![v4(1, 443), v4(2, 443)]);
    for _ in 0..1000 {
        assert_eq!(
            resolve(&r, "https://api.mindbox.ru/v3").unwrap(),
            vec![v4(1, 443), v4(2, 443)]
        );
    }
    // Host names are not case-sensitive.
    resolve(&r, "https://API.Mindbox.RU/v3").unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!((r.lookups_started(), r.threads_started()), (1, 1));

    // Another port is another entry.
    resolve(&r, "https://api.mindbox.ru:8443/v3").unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn an_expired_entry_is_looked_up_again() {
    let (r, calls) = fake(Duration::from_millis(50), Duration::ZERO, vec![v4(1, 80)]);
    resolve(&r, "http://example.test/").unwrap();
    resolve(&r, "http://example.test/").unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    std::thread::sleep(Duration::from_millis(80));
    resolve(&r, "http://example.test/").unwrap();
    resolve(&r, "http://example.test/").unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn failures_are_not_cached() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let r =
        CachingResolver::with_lookup(TTL, move |_| match counted.fetch_add(1, Ordering::SeqCst) {
            0 => Err(io::Error::other("no answer")),
            1 => Ok(vec![]),
            _ => Ok(vec![v4(7, 80)]),
        });
    assert!(matches!(
        resolve(&r, "http://flaky.test/"),
        Err(ureq::Error::HostNotFound)
    ));
    assert!(matches!(
        resolve(&r, "http://flaky.test/"),
        Err(ureq::Error::HostNotFound)
    ));
    assert_eq!(resolve(&r, "http://flaky.test/").unwrap(), vec![v4(7, 80)]);
    assert_eq!(resolve(&r, "http://flaky.test/").unwrap(), vec![v4(7, 80)]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn a_panicking_lookup_is_a_failure_not_a_hang() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let r = CachingResolver::with_lookup(TTL, move |_| {
        if counted.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("lookup failed (this panic is part of the test)");
        }
        Ok(vec![v4(8, 80)])
    });
    let started = Instant::now();
    assert!(matches!(
        resolve(&r, "http://panicky.test/"),
        Err(ureq::Error::HostNotFound)
    ));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        resolve(&r, "http://panicky.test/").unwrap(),
        vec![v4(8, 80)]
    );
}

#[test]
fn concurrent_misses_share_one_lookup() {
    let (r, calls) = fake(TTL, Duration::from_millis(100), vec![v4(1, 80)]);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let r = r.clone();
            std::thread::spawn(move || resolve(&r, "http://shared.test/").unwrap())
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), vec![v4(1, 80)]);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(r.threads_started(), 1);
}

#[test]
fn a_slow_lookup_is_abandoned_at_the_timeout_and_not_repeated_meanwhile() {
    let (r, calls) = fake(TTL, Duration::from_millis(400), vec![v4(1, 80)]);
    let started = Instant::now();
    let e = r
        .resolve(&uri("http://slow.test/"), &Config::default(), within(100))
        .unwrap_err();
    assert!(
        matches!(e, ureq::Error::Timeout(ureq::Timeout::Resolve)),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(300));
    // A second caller waits for the lookup under way rather than starting another.
    let e = r
        .resolve(&uri("http://slow.test/"), &Config::default(), within(50))
        .unwrap_err();
    assert!(matches!(e, ureq::Error::Timeout(_)), "{e:?}");
    // The lookup's answer is kept once it comes.
    assert_eq!(
        r.resolve(&uri("http://slow.test/"), &Config::default(), within(2000))
            .unwrap()
            .to_vec(),
        vec![v4(1, 80)]
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn without_a_timeout_the_lookup_runs_on_the_caller() {
    let (r, calls) = fake(TTL, Duration::ZERO, vec![v4(1, 80)]);
    let none = NextTimeout::default();
    r.resolve(&uri("http://inline.test/"), &Config::default(), none)
        .unwrap();
    assert_eq!((calls.load(Ordering::SeqCst), r.threads_started()), (1, 0));
}

#[test]
fn the_ip_family_is_respected() {
    let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 80);
    let (r, _) = fake(TTL, Duration::ZERO, vec![v4(1, 80), v6]);
    let only = |family| Config::builder().ip_family(family).build();
    let get = |u: &str, family| {
        r.resolve(&uri(u), &only(family), within(2000))
            .map(|a| a.to_vec())
    };
    assert_eq!(
        get("http://both.test/", IpFamily::Ipv4Only).unwrap(),
        vec![v4(1, 80)]
    );
    assert_eq!(
        get("http://both.test/", IpFamily::Ipv6Only).unwrap(),
        vec![v6]
    );
    assert_eq!(
        get("http://both.test/", IpFamily::Any).unwrap(),
        vec![v4(1, 80), v6]
    );
    assert!(matches!(
        get("http://[::1]/", IpFamily::Ipv4Only),
        Err(ureq::Error::HostNotFound)
    ));
    assert!(matches!(
        get("http://127.0.0.1/", IpFamily::Ipv6Only),
        Err(ureq::Error::HostNotFound)
    ));
}

#[test]
fn the_system_resolves_localhost_and_not_an_invalid_name() {
    let r = CachingResolver::new();
    let local = resolve(&r, "http://localhost:8080/").unwrap();
    assert!(!local.is_empty());
    assert!(
        local
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == 8080),
        "{local:?}"
    );

    let started = Instant::now();
    let e = resolve(&r, "https://no-such-host.invalid/").unwrap_err();
    assert!(matches!(e, ureq::Error::HostNotFound), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_bad_uri_is_refused() {
    let r = CachingResolver::new();
    assert!(matches!(
        r.resolve(&uri("foo://host/"), &Config::default(), within(100)),
        Err(ureq::Error::BadUri(_))
    ));
    assert!(matches!(
        r.resolve(&uri("/relative"), &Config::default(), within(100)),
        Err(ureq::Error::BadUri(_))
    ));
}
