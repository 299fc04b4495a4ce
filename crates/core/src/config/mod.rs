//! The client's configuration: parsed from the PHP constructor array (as JSON) and validated, so
//! that a typo or a bad value is reported when the client is built, not when an event is lost.

mod checks;
mod read;
#[cfg(test)]
mod tests;

pub(crate) use checks::validate_operation;

use crate::error::{Error, Result};
use crate::log::LogLevel;
use crate::outbox::{Location, Scope, Synchronous};
use crate::private;
use crate::secret::Secret;
use read::{Options, choice, integer, optional_string, required_string, seconds};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub(crate) const DEFAULT_BASE_URL: &str = "https://api.mindbox.ru";

/// The helpers' operation names; `operations` in the config overrides them one by one.
pub(crate) const DEFAULT_OPERATIONS: [(&str, &str); 7] = [
    ("createOrder", "Website.CreateOrder"),
    ("updateOrder", "Website.UpdateOrder"),
    ("registerCustomer", "Website.Register"),
    ("updateCustomer", "Website.UpdateProfile"),
    ("setCart", "Website.SetCart"),
    ("subscribeEmail", "Website.SubscribeEmail"),
    ("getCustomerBalance", "Website.GetCustomerBalance"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthScheme {
    /// `Authorization: SecretKey <key>`, the current form.
    SecretKey,
    /// `Authorization: Mindbox secretKey="<key>"`, the older form some integrations still send.
    Legacy,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub endpoint_id: String,
    pub(crate) secret_key: Secret,
    /// Without a trailing slash; may carry a path prefix for a proxying custom domain.
    pub base_url: String,
    pub(crate) auth_scheme: AuthScheme,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub outbox: Option<Location>,
    pub(crate) operations: BTreeMap<String, String>,
    pub(crate) max_attempts: u32,
    /// Requests a minute per operation and endpoint; 0 lifts the limit.
    pub(crate) rate_limit: u32,
    pub(crate) concurrency: usize,
    pub(crate) log_file: Option<PathBuf>,
    pub(crate) log_level: LogLevel,
    pub(crate) log_max_bytes: u64,
    pub(crate) synchronous: Synchronous,
    /// First retry delay of the outbox; doubles with each failure up to `retry_max_delay`.
    pub(crate) retry_base_delay: Duration,
    pub(crate) retry_max_delay: Duration,
    /// How long a deliverer's lease and an item's claim last without renewal: the time after
    /// which a killed process's work is taken over.
    pub(crate) lease: Duration,
    /// Bulk imports an hour, for every process sharing the outbox: Mindbox takes 60 at most.
    pub(crate) bulk_imports_per_hour: u32,
}

const KNOWN_KEYS: [&str; 19] = [
    "endpointId",
    "secretKey",
    "baseUrl",
    "authScheme",
    "timeout",
    "connectTimeout",
    "outbox",
    "operations",
    "maxAttempts",
    "rateLimit",
    "concurrency",
    "logFile",
    "logLevel",
    "logMaxBytes",
    "synchronous",
    "retryDelay",
    "retryMaxDelay",
    "lease",
    "bulkImportsPerHour",
];

const AUTH_SCHEMES: [(&str, AuthScheme); 3] = [
    ("secretKey", AuthScheme::SecretKey),
    ("SecretKey", AuthScheme::SecretKey),
    ("legacy", AuthScheme::Legacy),
];
const LOG_LEVELS: [(&str, LogLevel); 3] = [
    ("error", LogLevel::Error),
    ("info", LogLevel::Info),
    ("debug", LogLevel::Debug),
];
const SYNCHRONOUS: [(&str, Synchronous); 4] = [
    ("NORMAL", Synchronous::Normal),
    ("normal", Synchronous::Normal),
    ("FULL", Synchronous::Full),
    ("full", Synchronous::Full),
];

impl Config {
    /// Parses the constructor's array. `default_outbox` is used when `outbox` is not given
    /// (the binding derives it from the ini setting).
    pub fn from_value(value: &Value, default_outbox: Option<Location>) -> Result<Config> {
        let map = known_options(value)?;
        let endpoint_id = required_string(map, "endpointId")?;
        checks::endpoint_id(&endpoint_id)?;
        let secret_key = Secret::new(required_string(map, "secretKey")?);
        checks::secret_key(&secret_key)?;
        let base_url = match optional_string(map, "baseUrl")? {
            Some(url) => checks::base_url(&url)?,
            None => DEFAULT_BASE_URL.to_string(),
        };
        let auth_scheme = choice(
            map,
            "authScheme",
            &AUTH_SCHEMES,
            AuthScheme::SecretKey,
            "'secretKey', 'legacy'",
        )?;
        let timeout = seconds(map, "timeout", 5.0)?;
        let connect_timeout = seconds(map, "connectTimeout", 2.0_f64.min(timeout.as_secs_f64()))?;
        let outbox = match optional_string(map, "outbox")? {
            Some(setting) => {
                Some(Location::parse(&setting).map_err(|e| Error::invalid("config.outbox", e))?)
            }
            None => default_outbox,
        };
        let operations = operations(map)?;
        let max_attempts = integer(map, "maxAttempts", 12, 1, 1000)? as u32;
        let rate_limit = integer(map, "rateLimit", 8000, 0, 1_000_000)? as u32;
        let concurrency = integer(map, "concurrency", 16, 1, 64)? as usize;
        let log_file = log_file(map)?;
        let log_level = choice(
            map,
            "logLevel",
            &LOG_LEVELS,
            LogLevel::Info,
            "'error', 'info', 'debug'",
        )?;
        let log_max_bytes = integer(map, "logMaxBytes", 10 * 1024 * 1024, 4096, i64::MAX)? as u64;
        let synchronous = choice(
            map,
            "synchronous",
            &SYNCHRONOUS,
            Synchronous::Normal,
            "'NORMAL', 'FULL'",
        )?;
        let retry_base_delay = seconds(map, "retryDelay", 2.0)?;
        let retry_max_delay = seconds(
            map,
            "retryMaxDelay",
            1800.0_f64.max(retry_base_delay.as_secs_f64()),
        )?;
        let lease = lease(map, timeout)?;
        let bulk_imports_per_hour = integer(map, "bulkImportsPerHour", 60, 1, 60)? as u32;
        Ok(Config {
            endpoint_id,
            secret_key,
            base_url,
            auth_scheme,
            timeout,
            connect_timeout,
            outbox,
            operations,
            max_attempts,
            rate_limit,
            concurrency,
            log_file,
            log_level,
            log_max_bytes,
            synchronous,
            retry_base_delay,
            retry_max_delay,
            lease,
            bulk_imports_per_hour,
        })
    }

    /// The configured operation name of a helper such as `createOrder`.
    pub(crate) fn operation<'a>(&'a self, helper: &'a str) -> &'a str {
        self.operations
            .get(helper)
            .map(String::as_str)
            .unwrap_or(helper)
    }

    /// The Mindbox endpoint this client's items belong to in the outbox.
    pub(crate) fn scope(&self) -> Scope {
        Scope {
            endpoint_id: self.endpoint_id.clone(),
            base_url: self.base_url.clone(),
        }
    }
}

/// The array, refused whole when it has a key this version does not know: a typo would
/// otherwise leave a setting at its default without a word.
fn known_options(value: &Value) -> Result<&Options> {
    let map = value
        .as_object()
        .ok_or_else(|| Error::invalid("config", "must be an array of options"))?;
    if let Some(unknown) = map.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str())) {
        return Err(Error::invalid(
            format!("config.{unknown}"),
            format!(
                "unknown option; known options are {}",
                KNOWN_KEYS.join(", ")
            ),
        ));
    }
    Ok(map)
}

fn operations(map: &Options) -> Result<BTreeMap<String, String>> {
    let mut operations: BTreeMap<String, String> = DEFAULT_OPERATIONS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let overrides = match map.get("operations") {
        None | Some(Value::Null) => return Ok(operations),
        Some(Value::Object(overrides)) => overrides,
        Some(_) => {
            return Err(Error::invalid(
                "config.operations",
                "must be an array of helper => operation name",
            ));
        }
    };
    for (helper, name) in overrides {
        let path = format!("config.operations.{helper}");
        if !operations.contains_key(helper) {
            return Err(Error::invalid(path, "is not a helper of MindboxClient"));
        }
        let name = name
            .as_str()
            .ok_or_else(|| Error::invalid(&path, "must be a string"))?;
        validate_operation(name).map_err(|m| Error::invalid(&path, m))?;
        operations.insert(helper.clone(), name.to_string());
    }
    Ok(operations)
}

/// The log holds customers' data too: the same rules as the outbox, checked up front.
fn log_file(map: &Options) -> Result<Option<PathBuf>> {
    let Some(path) = optional_string(map, "logFile")?.map(PathBuf::from) else {
        return Ok(None);
    };
    let place = private::place_of(&path).map_err(|e| Error::invalid("config.logFile", e))?;
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        private::check_existing(&path, &meta, place)
            .map_err(|e| Error::invalid("config.logFile", e))?;
    }
    Ok(Some(path))
}

fn lease(map: &Options, timeout: Duration) -> Result<Duration> {
    let lease = seconds(map, "lease", 60.0_f64.max(timeout.as_secs_f64() * 2.0))?;
    if lease <= timeout {
        return Err(Error::invalid(
            "config.lease",
            "must be longer than timeout, or a slow request would be sent twice at once",
        ));
    }
    Ok(lease)
}
