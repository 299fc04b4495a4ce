//! `importBulk()`: PHP's options to the core's, and the outcome to PHP's array (the shapes of
//! php-stubs/MindboxClient.php).

use crate::convert;
use crate::exceptions::to_php;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use mindbox_core::{BulkOptions, BulkOutcome, Client};
use serde_json::{Value, json};
use std::path::Path;

pub(super) fn import(
    client: &Client,
    operation: &str,
    file: &str,
    transaction_id: &str,
    options: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let options = match options {
        Some(o) => convert::array_to_json(o, "options").map_err(to_php)?,
        None => Value::Null,
    };
    let options = BulkOptions::from_value(&options).map_err(to_php)?;
    let outcome = client
        .import_bulk(operation, Path::new(file), transaction_id, &options)
        .map_err(to_php)?;
    let answer = match outcome {
        BulkOutcome::Sent {
            transaction_id,
            already_processed,
            answer,
        } => json!({
            "status": "sent",
            "transactionId": transaction_id,
            "alreadyProcessed": already_processed,
            "answer": answer,
        }),
        BulkOutcome::Deferred {
            transaction_id,
            reason,
            retry_at,
            http_status,
            message,
        } => json!({
            "status": "deferred",
            "transactionId": transaction_id,
            "reason": reason.as_str(),
            // Unix time, as PHP's own date functions take it.
            "retryAt": retry_at.div_ceil(1000),
            "httpStatus": http_status,
            "message": message,
        }),
    };
    Ok(convert::to_array(&answer))
}
