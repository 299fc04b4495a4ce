//! One request to Mindbox: build it, send it, classify the answer, log the attempt. Shared by the
//! synchronous calls of the client and by the outbox's delivery, which know nothing of each other.

use super::config::Config;
use super::error::Result;
use super::log::{Logger, Record};
use super::request::{self, Target};
use super::response::{self, Outcome};
use super::transport::{self, HttpResponse, Pool, Timeouts};
use serde_json::Value;
use std::time::Instant;

#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    config: Config,
    logger: Option<Logger>,
}

impl Exchange {
    pub(crate) fn new(config: Config) -> Exchange {
        let logger = config
            .log_file
            .clone()
            .map(|path| Logger::new(path, config.log_level, config.log_max_bytes));
        Exchange { config, logger }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Sends prepared bytes on the process's shared pool; see `run_on`.
    pub(crate) fn run(
        &self,
        target: &Target<'_>,
        body: Option<&Value>,
        bytes: Vec<u8>,
        source: &str,
        attempt: Option<u32>,
    ) -> Result<Outcome> {
        self.run_on(&transport::shared(), target, body, bytes, source, attempt)
    }

    /// Sends prepared bytes; `body` is the same request as JSON, for the log, when the caller has
    /// it at hand (the outbox keeps only the bytes).
    pub(crate) fn run_on(
        &self,
        pool: &Pool,
        target: &Target<'_>,
        body: Option<&Value>,
        bytes: Vec<u8>,
        source: &str,
        attempt: Option<u32>,
    ) -> Result<Outcome> {
        let http = request::build(&self.config, target, bytes)?;
        let started = Instant::now();
        let timeouts = Timeouts {
            total: self.config.timeout,
            connect: self.config.connect_timeout,
        };
        let sent = pool.send(&http, timeouts);
        let parsed_body;
        let request_body = match body {
            Some(b) => Some(b),
            None if self.logger.is_some() => {
                parsed_body = serde_json::from_slice::<Value>(&http.body).ok();
                parsed_body.as_ref()
            }
            None => None,
        };
        self.answer(
            sent,
            started,
            Record {
                operation: target.operation,
                endpoint: target.endpoint.as_str(),
                transaction_id: target.transaction_id,
                request_body,
                source,
                attempt,
                ..Record::default()
            },
        )
    }

    /// Classifies what came back for a request sent at `started`, and logs the attempt:
    /// `record` says what it was, this adds what became of it.
    pub(crate) fn answer(
        &self,
        sent: Result<HttpResponse>,
        started: Instant,
        record: Record<'_>,
    ) -> Result<Outcome> {
        let (result, http_status, answer) = match sent {
            Ok(r) => (
                response::classify(r.status, r.retry_after.as_deref(), &r.body),
                r.status,
                Some(r.body),
            ),
            Err(e) => (Err(e.clone()), e.http_status(), None),
        };
        if let Some(logger) = &self.logger {
            logger.write(&Record {
                http_status,
                duration: started.elapsed(),
                error: result.as_ref().err().map(ToString::to_string),
                response_body: answer.as_deref(),
                ..record
            });
        }
        result
    }
}
