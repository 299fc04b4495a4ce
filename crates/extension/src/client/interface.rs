//! `MindboxClientInterface`: the PHP interface `MindboxClient` implements, declared only.

#![allow(
    non_snake_case,
    reason = "parameter names are PHP's named arguments, which are camelCase"
)]

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

/// Everything a shop's code may call; PHPUnit can mock it with only the stubs loaded.
///
/// The trait only declares the PHP interface. The class implements it in its `#[php_impl]` block
/// (`#[php_impl_interface]` would drop the parameter defaults, which PHP then refuses as an
/// incompatible declaration).
#[allow(
    dead_code,
    reason = "declares a PHP interface; never implemented in Rust"
)]
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

    fn send(
        &self,
        operation: String,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String>;

    fn create_order(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String>;

    fn update_order(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String>;

    fn register_customer(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String>;

    fn update_customer(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String>;

    fn set_cart(&self, body: &ZendHashTable, options: Option<&ZendHashTable>) -> PhpResult<String>;

    fn subscribe_email(
        &self,
        body: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<String>;

    #[php(defaults(seconds = 10.0))]
    fn flush(&self, seconds: f64) -> PhpResult<ZBox<ZendHashTable>>;

    fn outbox_stats(&self) -> PhpResult<ZBox<ZendHashTable>>;

    #[php(defaults(limit = 100, afterId = 0))]
    fn failed_items(&self, limit: i64, afterId: i64) -> PhpResult<ZBox<ZendHashTable>>;

    fn retry_failed(&self, ids: Option<&ZendHashTable>) -> PhpResult<i64>;

    fn held_points(&self, key: String) -> PhpResult<f64>;

    fn withdraw(&self, transactionId: String) -> PhpResult<bool>;

    fn snapshot(&self, key: String) -> PhpResult<Option<ZBox<ZendHashTable>>>;

    fn save_snapshot(&self, key: String, value: &ZendHashTable) -> PhpResult<()>;

    fn forget_snapshot(&self, key: String) -> PhpResult<()>;

    fn import_bulk(
        &self,
        operation: String,
        file: String,
        transactionId: String,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>>;
}
