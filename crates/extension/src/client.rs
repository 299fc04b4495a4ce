//! `MindboxClient` and `MindboxClientInterface` (declared in `interface`): argument conversion
//! and error mapping only; every decision is made in `mindbox_core`.

#![allow(
    non_snake_case,
    reason = "parameter names are PHP's named arguments, which are camelCase"
)]

mod bulk;
mod ini;
mod interface;
mod snapshots;

use super::convert;
use super::exceptions::to_php;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendClassObject, ZendHashTable};
use ini::{default_outbox, delivery, ini};
pub(crate) use interface::PhpInterfaceMindboxClientInterface;
use mindbox_core::{CallOptions, Client, Config, Error, now_ms};
use serde_json::Value;
use std::sync::Arc;

/// `$client->__construct([...])` again would swap the settings of a client that may have sends
/// in flight under the old ones (or a feed writer's file); PHP allows the call, so the
/// constructor asks whether `$this` is already one.
pub(crate) fn constructed_already<T: RegisteredClass>() -> bool {
    // SAFETY: read during the constructor's own call, on the request's thread: the executor
    // globals and the current frame are alive.
    unsafe {
        let Some(frame) = ext_php_rs::ffi::ext_php_rs_executor_globals()
            .as_ref()
            .and_then(|eg| eg.current_execute_data.as_mut())
        else {
            return false;
        };
        frame
            .get_self()
            .is_some_and(|this| ZendClassObject::<T>::from_zend_obj(this).is_some())
    }
}

#[php_class]
#[php(name = "MindboxClient")]
#[php(flags = ClassFlags::Final)]
#[php(implements(PhpInterfaceMindboxClientInterface))]
pub struct MindboxClient {
    client: Arc<Client>,
}

#[php_impl]
impl MindboxClient {
    pub fn __construct(config: &ZendHashTable) -> PhpResult<Self> {
        if constructed_already::<MindboxClient>() {
            return Err(to_php(Error::invalid(
                "config",
                "this MindboxClient is already constructed; create a new one for other settings",
            )));
        }
        let value = convert::array_to_json(config, "config").map_err(to_php)?;
        let config =
            Config::from_value(&value, default_outbox().map_err(to_php)?).map_err(to_php)?;
        Ok(MindboxClient {
            client: Arc::new(Client::with_delivery(config, delivery().map_err(to_php)?)),
        })
    }

    pub fn call(
        &self,
        operation: String,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let body = convert::array_to_json(body, "body").map_err(to_php)?;
        let options = options_from(options)?;
        let answer = self
            .client
            .call(&operation, body, &options)
            .map_err(to_php)?;
        convert::check_fits(&answer, convert::memory_limit(ini("memory_limit"))).map_err(to_php)?;
        Ok(convert::to_array(&answer))
    }

    pub fn get_customer_balance(
        &self,
        customer: &ZendHashTable,
        balanceType: Option<String>,
    ) -> PhpResult<f64> {
        let customer = convert::array_to_json(customer, "customer").map_err(to_php)?;
        self.client
            .customer_balance(customer, balanceType.as_deref())
            .map_err(to_php)
    }

    pub fn get_balances(&self, customer: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
        let customer = convert::array_to_json(customer, "customer").map_err(to_php)?;
        let balances = self.client.balances(customer).map_err(to_php)?;
        let list: Vec<Value> = balances
            .into_iter()
            .map(|b| {
                serde_json::json!({
                    "systemName": b.system_name,
                    "available": b.available,
                    "blocked": b.blocked,
                    "total": b.total,
                })
            })
            .collect();
        Ok(convert::to_array(&Value::Array(list)))
    }

    pub fn send(
        &self,
        operation: String,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        let body = convert::array_to_json(body, "body").map_err(to_php)?;
        let options = options_from(options)?;
        self.client.send(&operation, body, &options).map_err(to_php)
    }

    pub fn create_order(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        self.helper("createOrder", body, options)
    }

    pub fn update_order(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        self.helper("updateOrder", body, options)
    }

    pub fn register_customer(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        self.helper("registerCustomer", body, options)
    }

    pub fn update_customer(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        self.helper("updateCustomer", body, options)
    }

    pub fn set_cart(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        self.helper("setCart", body, options)
    }

    pub fn subscribe_email(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        self.helper("subscribeEmail", body, options)
    }

    #[php(defaults(seconds = 10.0))]
    pub fn flush(&self, seconds: f64) -> PhpResult<ZBox<ZendHashTable>> {
        let (report, reason, stats) = self.client.flush(seconds).map_err(to_php)?;
        Ok(convert::to_array(&serde_json::json!({
            "sent": report.sent,
            "retrying": report.retrying,
            "failed": report.failed,
            "pending": stats.pending,
            "reason": reason.as_str(),
        })))
    }

    pub fn outbox_stats(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let stats = self.client.stats().map_err(to_php)?;
        let age = stats
            .oldest_pending_at
            .map(|t| now_ms().saturating_sub(t) as f64 / 1000.0);
        Ok(convert::to_array(&serde_json::json!({
            "pending": stats.pending,
            "failed": stats.failed,
            "oldestPendingAge": age,
            "lastError": stats.last_error,
            "deliverer": stats.deliverer,
            "credentialsRefused": stats.credentials_refused,
            // Unix time, as PHP's own date functions take it.
            "credentialsProbeAt": stats.credentials_probe_at.map(|t| t.div_ceil(1000)),
            "bulkImportsLastHour": stats.bulk_imports_last_hour,
            "bulkBlockedUntil": stats.bulk_blocked_until.map(|t| t.div_ceil(1000)),
        })))
    }

    #[php(defaults(limit = 100, afterId = 0))]
    pub fn failed_items(&self, limit: i64, afterId: i64) -> PhpResult<ZBox<ZendHashTable>> {
        let items = self.client.failed_items(limit, afterId).map_err(to_php)?;
        let list: Vec<Value> = items
            .into_iter()
            .map(|i| {
                serde_json::json!({
                    "id": i.id,
                    "operation": i.operation,
                    "transactionId": i.transaction_id,
                    "attempts": i.attempts,
                    "httpStatus": i.failure.http_status,
                    "status": i.failure.mindbox_status,
                    "errorId": i.failure.error_id,
                    "message": i.failure.message,
                })
            })
            .collect();
        Ok(convert::to_array(&Value::Array(list)))
    }

    pub fn retry_failed(&self, ids: Option<&ZendHashTable>) -> PhpResult<i64> {
        let ids: Option<Vec<i64>> = match ids {
            None => None,
            Some(table) => Some(
                table
                    .values()
                    .enumerate()
                    .map(|(i, v)| {
                        v.long().ok_or_else(|| {
                            to_php(Error::invalid(
                                format!("ids[{i}]"),
                                "must be an integer item id",
                            ))
                        })
                    })
                    .collect::<PhpResult<_>>()?,
            ),
        };
        self.client
            .retry_failed(ids.as_deref())
            .map(|n| n as i64)
            .map_err(to_php)
    }

    pub fn held_points(&self, key: String) -> PhpResult<f64> {
        self.client.held_points(&key).map_err(to_php)
    }

    pub fn withdraw(&self, transactionId: String) -> PhpResult<bool> {
        self.client.withdraw(&transactionId).map_err(to_php)
    }

    pub fn snapshot(&self, key: String) -> PhpResult<Option<ZBox<ZendHashTable>>> {
        snapshots::get(&self.client, &key)
    }

    pub fn save_snapshot(&self, key: String, value: &ZendHashTable) -> PhpResult<()> {
        let value = convert::array_to_json(value, "value").map_err(to_php)?;
        self.client.save_snapshot(&key, &value).map_err(to_php)
    }

    pub fn forget_snapshot(&self, key: String) -> PhpResult<()> {
        self.client.forget_snapshot(&key).map_err(to_php)
    }

    pub fn import_bulk(
        &self,
        operation: String,
        file: String,
        transactionId: String,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        bulk::import(&self.client, &operation, &file, &transactionId, options)
    }

    /// The digits of the first usable number in a phone field, null when it holds none: the rule
    /// every body's `mobilePhone` goes by, for callers that must know its verdict beforehand.
    pub fn normalize_phone(raw: String) -> Option<String> {
        mindbox_core::normalize_phone(&raw)
    }
}

impl MindboxClient {
    fn helper(
        &self,
        helper: &str,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String> {
        let body = convert::array_to_json(body, "body").map_err(to_php)?;
        let options = options_from(options)?;
        self.client
            .send_helper(helper, body, &options)
            .map_err(to_php)
    }
}

fn options_from(options: Option<&ZendHashTable>) -> PhpResult<CallOptions> {
    let value = match options {
        Some(o) => convert::array_to_json(o, "options").map_err(to_php)?,
        None => Value::Null,
    };
    CallOptions::from_value(&value).map_err(to_php)
}
