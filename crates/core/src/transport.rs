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
use std::fs::File;
use std::time::Duration;
use ureq::unversioned::transport::DefaultConnector;
use ureq::{Agent, AsSendBody};

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

    /// Sends the file as the request's body (a bulk import's CSV, up to hundreds of megabytes):
    /// streamed from the disk with its length, never read into memory. The request's own body is
    /// not sent.
    pub(crate) fn send_file(
        &self,
        request: &HttpRequest,
        file: &File,
        timeouts: Timeouts,
    ) -> Result<HttpResponse> {
        post(&self.0, request, file, timeouts)
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
    post(agent, request, &request.body[..], timeouts)
}

fn post(
    agent: &Agent,
    request: &HttpRequest,
    body: impl AsSendBody,
    timeouts: Timeouts,
) -> Result<HttpResponse> {
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
        .send(body);
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
mod tests;
