use super::*;
use std::io::{Read, Write};
use std::net::TcpListener;

fn request(port: u16) -> HttpRequest {
    HttpRequest {
        url: format!("http://127.0.0.1:{port}/v3/operations/sync?endpointId=e&operation=A.B"),
        headers: vec![("Content-Type", "application/json".into())],
        body: b"{}".to_vec(),
    }
}

const FAST: Timeouts = Timeouts {
    total: Duration::from_millis(500),
    connect: Duration::from_millis(300),
};

/// Serves `answers` on one connection each, returning what it saw.
fn serve(answers: Vec<&'static [u8]>) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        for answer in answers {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(answer);
        }
    });
    (port, handle)
}

#[test]
fn reads_status_retry_after_and_body() {
    let (port, h) = serve(vec![
        b"HTTP/1.1 429 Too Many\r\nRetry-After: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    ]);
    let r = shared().send(&request(port), FAST).unwrap();
    assert_eq!(
        (r.status, r.retry_after.as_deref(), &r.body[..]),
        (429, Some("2"), &b"{}"[..])
    );
    h.join().unwrap();
}

#[test]
fn refused_truncated_and_silent_servers_are_unavailable() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    assert!(matches!(
        shared().send(&request(port), FAST),
        Err(Error::Unavailable { http_status: 0, .. })
    ));

    let (port, h) = serve(vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"sta",
    ]);
    assert!(matches!(
        shared().send(&request(port), FAST),
        Err(Error::Unavailable {
            http_status: 200,
            ..
        })
    ));
    h.join().unwrap();

    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let started = std::time::Instant::now();
    let e = shared().send(&request(port), FAST).unwrap_err();
    assert!(e.to_string().contains("0.5 s"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(silent);
}

/// Answers every request on every connection with `200 {}`, keeping connections open,
/// until `total` requests are served.
fn serve_keep_alive(total: usize) -> (u16, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut served, mut connections) = (0, 0);
        while served < total {
            let (mut s, _) = listener.accept().unwrap();
            connections += 1;
            let mut pending = Vec::new();
            let mut buf = [0u8; 4096];
            while served < total {
                // Each request here is headers plus the two-byte body `{}`.
                match pending.windows(4).position(|w| w == b"\r\n\r\n") {
                    Some(end) if pending.len() >= end + 6 => {
                        pending.drain(..end + 6);
                        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                            .unwrap();
                        served += 1;
                        continue;
                    }
                    _ => {}
                }
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => pending.extend_from_slice(&buf[..n]),
                }
            }
        }
        connections
    });
    (port, handle)
}

/// The id the next thread gets, less one. Linux hands out thread ids in sequence, so the
/// difference of two of these counts the threads (and processes) started in between, ours
/// and anyone else's.
fn last_thread_id() -> i64 {
    // SAFETY: `gettid` has no preconditions.
    std::thread::spawn(|| i64::from(unsafe { libc::gettid() }))
        .join()
        .unwrap()
}

#[test]
fn requests_to_a_named_host_start_no_thread_each() {
    const N: usize = 200;
    let (port, server) = serve_keep_alive(N);
    let resolver = CachingResolver::new();
    let agent = agent_with(resolver.clone());
    let mut request = request(port);
    request.url = request.url.replace("127.0.0.1", "localhost");
    let before = last_thread_id();
    for _ in 0..N {
        let r = send_with(&agent, &request, FAST).unwrap();
        assert_eq!((r.status, &r.body[..]), (200, &b"{}"[..]));
    }
    let started = last_thread_id() - before - 1;
    assert_eq!(server.join().unwrap(), 1, "the connection was not reused");
    // One lookup, on one thread, for the first request; the other 199 hit the cache.
    assert_eq!(
        (resolver.lookups_started(), resolver.threads_started()),
        (1, 1)
    );
    // Tests running alongside start threads too (ureq's own resolver started one per
    // request: 200 here). Ids wrapping around would make this negative.
    assert!(
        started < (N / 2) as i64,
        "{started} threads started for {N} requests"
    );
}
