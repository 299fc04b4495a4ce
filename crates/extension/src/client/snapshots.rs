//! `snapshot()`: the core's stored snapshot to PHP's array (the shape of php-stubs/MindboxClient.php).

use crate::convert;
use crate::exceptions::to_php;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use mindbox_core::Client;
use serde_json::json;

pub(super) fn get(client: &Client, key: &str) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let Some(saved) = client.snapshot(key).map_err(to_php)? else {
        return Ok(None);
    };
    Ok(Some(convert::to_array(&json!({
        "value": saved.value,
        // Milliseconds since the epoch: two saves within a second stay apart.
        "savedAt": saved.saved_at,
        "itemId": saved.item_id,
        "transactionId": saved.transaction_id,
        "delivery": saved.delivery.as_str(),
    }))))
}
