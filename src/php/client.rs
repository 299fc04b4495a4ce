//! `MindboxClient` and `MindboxClientInterface`: argument conversion and error mapping only;
//! every decision is made in `crate::core`.

#![allow(
    non_snake_case,
    reason = "parameter names are PHP's named arguments, which are camelCase"
)]

use super::convert;
use super::exceptions::to_php;
use crate::core::client::Client;
use crate::core::config::Config;
use crate::core::request::CallOptions;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use serde_json::Value;
use std::path::PathBuf;

/// Everything a shop's code may call; PHPUnit can mock it with only the stubs loaded.
#[php_interface]
#[php(name = "MindboxClientInterface")]
pub trait MindboxClientInterface {
    fn call(
        &self,
        operation: String,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>>;

    fn get_customer_balance(
        &self,
        customer: &ZendHashTable,
        balanceType: Option<String>,
    ) -> PhpResult<f64>;

    fn get_balances(&self, customer: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>>;
}

#[php_class]
#[php(name = "MindboxClient")]
#[php(flags = ClassFlags::Final)]
pub struct MindboxClient {
    client: Client,
}

#[php_impl]
impl MindboxClient {
    pub fn __construct(config: &ZendHashTable) -> PhpResult<Self> {
        let value = convert::array_to_json(config, "config").map_err(to_php)?;
        let config = Config::from_value(&value, default_outbox()).map_err(to_php)?;
        Ok(MindboxClient {
            client: Client::new(config),
        })
    }
}

#[php_impl_interface]
impl MindboxClientInterface for MindboxClient {
    fn call(
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
        Ok(convert::to_array(&answer))
    }

    fn get_customer_balance(
        &self,
        customer: &ZendHashTable,
        balanceType: Option<String>,
    ) -> PhpResult<f64> {
        let customer = convert::array_to_json(customer, "customer").map_err(to_php)?;
        self.client
            .customer_balance(customer, balanceType.as_deref())
            .map_err(to_php)
    }

    fn get_balances(&self, customer: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
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
}

fn options_from(options: Option<&ZendHashTable>) -> PhpResult<CallOptions> {
    let value = match options {
        Some(o) => convert::array_to_json(o, "options").map_err(to_php)?,
        None => Value::Null,
    };
    CallOptions::from_value(&value).map_err(to_php)
}

/// `mindbox.outbox` from php.ini, else a file in the system temp dir.
fn default_outbox() -> Option<PathBuf> {
    let configured = ext_php_rs::zend::ExecutorGlobals::get()
        .ini_values()
        .get("mindbox.outbox")
        .cloned()
        .flatten()
        .filter(|s| !s.is_empty());
    Some(
        configured
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("mindbox-outbox.sqlite")),
    )
}
