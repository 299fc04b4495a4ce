//! The synchronous side of the client: one request, its answer, and the log line.

use super::balance::{self, Balance};
use super::config::Config;
use super::error::{Error, Result};
use super::log::{Logger, Record};
use super::normalize;
use super::request::{self, CallOptions, Endpoint, Target};
use super::response::{self, Outcome};
use super::transport::{self, Timeouts};
use serde_json::{Value, json};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    logger: Option<Logger>,
}

impl Client {
    pub fn new(config: Config) -> Client {
        let logger = config
            .log_file
            .clone()
            .map(|path| Logger::new(path, config.log_level, config.log_max_bytes));
        Client { config, logger }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A synchronous call: normalise, send, and return the decoded answer.
    pub fn call(&self, operation: &str, mut body: Value, options: &CallOptions) -> Result<Value> {
        normalize::normalize(&mut body)?;
        let bytes = normalize::to_bytes(&body)?;
        let target = Target {
            operation,
            endpoint: options.endpoint.unwrap_or(Endpoint::Sync),
            device_uuid: options.device_uuid.as_deref(),
            customer_ip: options.customer_ip.as_deref(),
            transaction_id: options.transaction_id.as_deref(),
        };
        self.execute(&target, Some(&body), bytes, "call", None)
            .map(Outcome::into_value)
    }

    /// Every balance of a customer, from the configured `getCustomerBalance` operation.
    pub fn balances(&self, customer: Value) -> Result<Vec<Balance>> {
        if !customer.is_object() {
            return Err(Error::invalid(
                "customer",
                "must be a customer node such as ['ids' => ['websiteID' => '42']]",
            ));
        }
        let operation = self.config.operation("getCustomerBalance").to_string();
        let answer = self.call(
            &operation,
            json!({ "customer": customer }),
            &CallOptions::default(),
        )?;
        Ok(balance::parse(&answer))
    }

    pub fn customer_balance(&self, customer: Value, balance_type: Option<&str>) -> Result<f64> {
        balance::available(&self.balances(customer)?, balance_type)
    }

    /// Sends prepared bytes and logs the attempt; shared by `call()` and the outbox delivery.
    pub fn execute(
        &self,
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
        let (result, status, answer) = match transport::send(&http, timeouts) {
            Ok(r) => (
                response::classify(r.status, r.retry_after.as_deref(), &r.body),
                r.status,
                Some(r.body),
            ),
            Err(e) => (Err(e.clone()), e.http_status(), None),
        };
        if let Some(logger) = &self.logger {
            let parsed_body;
            let request_body = match body {
                Some(b) => Some(b),
                None => {
                    parsed_body = serde_json::from_slice::<Value>(&http.body).ok();
                    parsed_body.as_ref()
                }
            };
            logger.write(&Record {
                operation: target.operation,
                endpoint: target.endpoint.as_str(),
                http_status: status,
                duration: started.elapsed(),
                transaction_id: target.transaction_id,
                error: result.as_ref().err().map(ToString::to_string),
                request_body,
                response_body: answer.as_deref(),
                source,
                attempt,
            });
        }
        result
    }
}
