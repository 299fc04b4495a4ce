//! The client: synchronous calls and the outbox side (send, flush, stats), with the decisions
//! that belong to neither the wire nor the file.

mod options;
mod snapshots;

pub use options::CallOptions;

use crate::balance::{self, Balance};
use crate::bulk::send::{self, BulkOptions, BulkOutcome};
use crate::clock::now_ms;
use crate::config::{Config, validate_operation};
use crate::delivery::{self, Deliverer, Reason, Report};
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::exchange::Exchange;
use crate::normalize;
use crate::outbox::{
    FailedItem, Location, NewItem, Stats, check_key, default_endpoint, default_ordering_key,
    with_reader, with_store,
};
use crate::request::{Target, is_guid};
use crate::response::Outcome;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Who delivers what this process sends (the ini setting `mindbox.delivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Background threads of the processes that send.
    Inline,
    /// The delivery daemon; this process only writes to the outbox.
    External,
}

#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    exchange: Arc<Exchange>,
    delivery: Delivery,
}

impl Client {
    pub fn new(config: Config) -> Client {
        Client::with_delivery(config, Delivery::Inline)
    }

    pub fn with_delivery(config: Config, delivery: Delivery) -> Client {
        Client {
            exchange: Arc::new(Exchange::new(config.clone())),
            config,
            delivery,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    fn deliverer(&self, path: &Location) -> Arc<Deliverer> {
        delivery::deliverer(path, self.config.scope(), &self.exchange)
    }

    /// A synchronous call: normalise, send, and return the decoded answer.
    pub fn call(&self, operation: &str, mut body: Value, options: &CallOptions) -> Result<Value> {
        // These belong to an item of the outbox; a call has none.
        if options.hold.is_some() {
            return Err(Error::invalid(
                "options.hold",
                "only send() and its helpers hold points",
            ));
        }
        if options.delay_ms > 0 {
            return Err(Error::invalid(
                "options.delay",
                "only send() and its helpers can wait",
            ));
        }
        if options.snapshot.is_some() {
            return Err(Error::invalid(
                "options.snapshot",
                "only send() and its helpers store a snapshot, with the item",
            ));
        }
        normalize::normalize(&mut body)?;
        let bytes = normalize::to_bytes(&body)?;
        let target = Target {
            operation,
            endpoint: options.endpoint.unwrap_or(Endpoint::Sync),
            device_uuid: options.device_uuid.as_deref(),
            customer_ip: options.customer_ip.as_deref(),
            transaction_id: options.transaction_id.as_deref(),
        };
        let result = self.exchange.run(&target, Some(&body), bytes, "call", None);
        if result.as_ref().err().is_none_or(Error::takes_key) {
            self.key_taken();
        }
        result.map(Outcome::into_value)
    }

    /// One CSV file to Mindbox's bulk import, within the hourly budget the outbox keeps for
    /// every process sharing it; what cannot go now is deferred (see `bulk::send`).
    pub fn import_bulk(
        &self,
        operation: &str,
        file: &Path,
        transaction_id: &str,
        options: &BulkOptions,
    ) -> Result<BulkOutcome> {
        let outcome = send::import(&self.exchange, operation, file, transaction_id, options);
        match &outcome {
            Ok(BulkOutcome::Sent { .. }) => self.key_taken(),
            Err(e) if e.takes_key() => self.key_taken(),
            _ => {}
        }
        outcome
    }

    /// Mindbox answered with the key: a refusal of it in the outbox is over, and what waited for
    /// it goes now rather than at the next probe.
    fn key_taken(&self) {
        let Some(path) = self.config.outbox.as_ref() else {
            return;
        };
        let scope = self.config.scope();
        let key_fp = self.config.secret_key.fingerprint();
        if !delivery::key_look_due(path, &scope, &key_fp) {
            return;
        }
        // The call has its answer, which an outbox that cannot be used now must not spoil: the
        // next delivery's own answer ends the refusal as well.
        let ended = with_store(path, self.config.synchronous, |store| {
            store.key_taken(&scope, &key_fp, now_ms())
        });
        if matches!(ended, Ok(true)) {
            delivery::key_taken(path, &scope, &key_fp);
        }
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

    fn outbox_path(&self) -> Result<Location> {
        self.config
            .outbox
            .clone()
            .ok_or_else(|| {
                Error::outbox(
                    "",
                    "no outbox is configured: set mindbox.outbox in php.ini, or the client's 'outbox', to a file in a directory of the site's own (e.g. /var/lib/mindbox/outbox.sqlite)",
                )
            })
    }

    /// Accepts an event for delivery: normalised, written to the outbox, handed to the background
    /// deliverer. No network I/O happens here. Returns the item's transactionId.
    pub fn send(&self, operation: &str, mut body: Value, options: &CallOptions) -> Result<String> {
        validate_operation(operation).map_err(|m| Error::invalid("operation", m))?;
        normalize::normalize(&mut body)?;
        let bytes = normalize::to_bytes(&body)?;
        let endpoint = options.endpoint.unwrap_or_else(|| default_endpoint(&body));
        let ordering_key = options
            .ordering_key
            .clone()
            .or_else(|| default_ordering_key(&body, options.device_uuid.as_deref()));
        let transaction_id = options
            .transaction_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let path = self.outbox_path()?;
        let item = NewItem {
            operation,
            endpoint,
            body: &bytes,
            transaction_id: &transaction_id,
            device_uuid: options.device_uuid.as_deref(),
            customer_ip: options.customer_ip.as_deref(),
            ordering_key: ordering_key.as_deref(),
            hold: options.hold.as_ref(),
            delay_ms: options.delay_ms,
            snapshot: options.snapshot.as_ref(),
        };
        let scope = self.config.scope();
        with_store(&path, self.config.synchronous, |store| {
            store.enqueue(&scope, &item, now_ms())
        })?;
        if self.delivery == Delivery::Inline {
            self.deliverer(&path).notify();
        }
        Ok(transaction_id)
    }

    /// `send()` with the configured operation of a helper such as `createOrder`.
    pub fn send_helper(&self, helper: &str, body: Value, options: &CallOptions) -> Result<String> {
        let operation = self.config.operation(helper).to_string();
        self.send(&operation, body, options)
    }

    /// Delivers what this process can deliver now, for at most `seconds`, and says why it stopped.
    pub fn flush(&self, seconds: f64) -> Result<(Report, Reason, Stats)> {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(Error::invalid("seconds", "must be a non-negative number"));
        }
        let path = self.outbox_path()?;
        let deadline = Instant::now() + Duration::from_secs_f64(seconds.min(86_400.0));
        let (report, reason) = match self.delivery {
            Delivery::Inline => self.deliverer(&path).flush(deadline)?,
            Delivery::External => (Report::default(), Reason::External),
        };
        Ok((report, reason, self.stats()?))
    }

    /// The delivery daemon's part: deliver this client's endpoint from now on, until shutdown.
    pub fn deliver_until_stopped(&self) -> Result<Arc<Deliverer>> {
        let deliverer = self.deliverer(&self.outbox_path()?);
        deliverer.keep_running();
        Ok(deliverer)
    }

    pub fn stats(&self) -> Result<Stats> {
        let path = self.outbox_path()?;
        with_reader(&path, self.config.synchronous, |store| {
            let scope = self.config.scope();
            let mut stats = store.stats(&scope)?;
            let refusal = store.refusal(&scope, &self.config.secret_key.fingerprint())?;
            stats.credentials_refused = refusal.is_some();
            stats.credentials_probe_at = refusal.map(|r| r.probe_at);
            Ok(stats)
        })
    }

    /// The points held under `key` by this endpoint's items that Mindbox has not answered, in
    /// every process and on every node that uses the outbox.
    pub fn held_points(&self, key: &str) -> Result<f64> {
        check_key(key, "key")?;
        let path = self.outbox_path()?;
        with_store(&path, self.config.synchronous, |store| {
            store.held_points(&self.config.scope(), key)
        })
    }

    /// Takes back an item Mindbox has not answered, unless it is being sent now: whether one
    /// was removed.
    pub fn withdraw(&self, transaction_id: &str) -> Result<bool> {
        if !is_guid(transaction_id) {
            return Err(Error::invalid(
                "transactionId",
                "must be the GUID send() returned",
            ));
        }
        let path = self.outbox_path()?;
        let removed = with_store(&path, self.config.synchronous, |store| {
            store.withdraw(&self.config.scope(), transaction_id, now_ms())
        })?;
        // Items of its ordering key that waited for it may go now.
        if removed && self.delivery == Delivery::Inline {
            self.deliverer(&path).notify();
        }
        Ok(removed)
    }

    /// A page of parked items: `limit` of them with ids above `after_id`.
    pub fn failed_items(&self, limit: i64, after_id: i64) -> Result<Vec<FailedItem>> {
        if !(1..=10_000).contains(&limit) {
            return Err(Error::invalid("limit", "must be from 1 to 10000"));
        }
        if after_id < 0 {
            return Err(Error::invalid("afterId", "must be 0 or an item id"));
        }
        let path = self.outbox_path()?;
        with_reader(&path, self.config.synchronous, |store| {
            store.failed(&self.config.scope(), limit as u32, after_id)
        })
    }

    pub fn retry_failed(&self, ids: Option<&[i64]>) -> Result<usize> {
        let path = self.outbox_path()?;
        let changed = with_store(&path, self.config.synchronous, |store| {
            store.retry_failed(&self.config.scope(), ids, now_ms())
        })?;
        if changed > 0 && self.delivery == Delivery::Inline {
            self.deliverer(&path).notify();
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod delay_tests;
#[cfg(test)]
mod rotation_tests;
#[cfg(test)]
mod tests;
