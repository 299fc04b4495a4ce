//! The HTTP transport: one pooled ureq agent per process.
//!
//! PHP-FPM forks its workers after module startup, and a forked child shares its parent's
//! sockets, so the agent is created on first use and belongs to one process (see `process`).
//! So does its name resolver, which caches addresses so that a request starts no thread (see
//! `resolve`).

use super::error::{Error, Result};
use super::process::PerProcess;
use super::request::HttpRequest;
use super::resolve::CachingResolver;
use std::time::Duration;
use ureq::Agent;
use ureq::unversioned::transport::DefaultConnector;

/// Mindbox answers are small; anything this large is not an answer we can use.
pub(crate) const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) total: Duration,
    pub(crate) connect: Duration,
}

/// A pool of keep-alive connections; its sockets close when the last clone goes.
#[derive(Clone)]
pub(crate) struct Pool(Agent);

impl Pool {
    pub(crate) fn new() -> Pool {
        Pool(new_agent())
    }

    pub(crate) fn send(&self, request: &HttpRequest, timeouts: Timeouts) -> Result<HttpResponse> {
        send_with(&self.0, request, timeouts)
    }
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

/// The synchronous calls' pool, kept for the life of the process.
static SHARED: PerProcess<Pool> = PerProcess::new();

pub(crate) fn shared() -> Pool {
    SHARED.with(Pool::new, |pool| pool.clone())
}

fn new_agent() -> Agent {
    agent_with(CachingResolver::new())
}

fn agent_with(resolver: CachingResolver) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        // The shop's environment may carry proxy variables meant for other software; a proxy
        // for Mindbox must be a deliberate choice, not an accident.
        .proxy(None)
        .max_idle_connections(64)
        .max_idle_connections_per_host(32)
        // Mindbox's requests and answers are a few kilobytes; ureq's default 128 KiB each way
        // per pooled connection would cost a shop's PHP process megabytes for nothing. Larger
        // bodies still stream through.
        .input_buffer_size(16 * 1024)
        .max_response_header_size(16 * 1024)
        .output_buffer_size(16 * 1024)
        .user_agent(super::request::USER_AGENT)
        .build();
    Agent::with_parts(config, DefaultConnector::new(), resolver)
}

fn send_with(agent: &Agent, request: &HttpRequest, timeouts: Timeouts) -> Result<HttpResponse> {
    let mut builder = agent.post(&request.url);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    let result = builder
        .config()
        .timeout_global(Some(timeouts.total))
        // Finding the host is part of connecting to it: without this, a name server that does
        // not answer would hold the request for the whole total budget.
        .timeout_resolve(Some(timeouts.connect))
        .timeout_connect(Some(timeouts.connect))
        .build()
        .send(&request.body[..]);
    let mut response = result.map_err(|e| transport_error(e, timeouts))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Error::unavailable(
                status,
                format!("the answer is larger than {MAX_RESPONSE_BYTES} bytes"),
            ),
            other => Error::unavailable(
                status,
                format!(
                    "the answer could not be read: {}",
                    describe(&other, timeouts)
                ),
            ),
        })?;
    Ok(HttpResponse {
        status,
        retry_after,
        body,
    })
}

fn transport_error(e: ureq::Error, timeouts: Timeouts) -> Error {
    Error::unavailable(0, describe(&e, timeouts))
}

fn describe(e: &ureq::Error, timeouts: Timeouts) -> String {
    match e {
        ureq::Error::Timeout(ureq::Timeout::Connect) => format!(
            "no connection within {:.1} s",
            timeouts.connect.as_secs_f64()
        ),
        ureq::Error::Timeout(ureq::Timeout::Resolve) => format!(
            "the host name was not resolved within {:.1} s",
            timeouts.connect.as_secs_f64()
        ),
        ureq::Error::Timeout(_) => format!(
            "no complete answer within {:.1} s",
            timeouts.total.as_secs_f64()
        ),
        ureq::Error::ConnectionFailed => "the connection was refused or failed".into(),
        ureq::Error::HostNotFound => "the host name could not be resolved".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
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
}
