//! A bulk import on the wire: `POST {baseUrl}/v3/operations/bulk?…` with the CSV as the body,
//! streamed from the file, and the same credentials, User-Agent, pool, TLS and connect timeout
//! as every call; the answer is classified and logged as a call's (`exchange`).

use super::file::CsvFile;
use super::options::BulkOptions;
use crate::config::Config;
use crate::error::Result;
use crate::exchange::Exchange;
use crate::log::Record;
use crate::request::{HttpRequest, USER_AGENT, authorization, encode};
use crate::response::Outcome;
use crate::transport::{self, Timeouts};
use std::time::Instant;

/// UTF-8, the only code page the writer writes.
const CODE_PAGE: &str = "65001";

pub(super) fn send(
    exchange: &Exchange,
    operation: &str,
    transaction_id: &str,
    csv: &CsvFile,
    options: &BulkOptions,
) -> Result<Outcome> {
    let config = exchange.config();
    let request = request(config, operation, transaction_id, csv.gzip, options);
    let timeouts = Timeouts {
        total: options.timeout,
        connect: config.connect_timeout,
    };
    let started = Instant::now();
    let sent = transport::shared().send_file(&request, &csv.file, timeouts);
    exchange.answer(
        sent,
        started,
        Record {
            operation,
            endpoint: "bulk",
            transaction_id: Some(transaction_id),
            source: "bulk",
            ..Record::default()
        },
    )
}

/// The URL and headers; the body is the file.
pub(super) fn request(
    config: &Config,
    operation: &str,
    transaction_id: &str,
    gzip: bool,
    options: &BulkOptions,
) -> HttpRequest {
    let mut url = format!(
        "{}/v3/operations/bulk?endpointId={}&operation={}&transactionId={}&csvCodePage={CODE_PAGE}\
         &csvColumnDelimiter={}&csvTextQualifier={}",
        config.base_url,
        encode(&config.endpoint_id),
        encode(operation),
        encode(transaction_id),
        encode(options.delimiter.encode_utf8(&mut [0; 4])),
        encode(options.qualifier.encode_utf8(&mut [0; 4])),
    );
    for (name, value) in &options.query {
        url.push('&');
        url.push_str(&encode(name));
        url.push('=');
        url.push_str(&encode(value));
    }
    let mut headers = vec![
        ("Authorization", authorization(config)),
        ("Content-Type", "text/csv;charset=utf-8".to_string()),
        ("Accept", "application/json".to_string()),
        ("User-Agent", USER_AGENT.to_string()),
    ];
    if gzip {
        headers.push(("Content-Encoding", "gzip".to_string()));
    }
    HttpRequest {
        url,
        headers,
        body: Vec::new(),
    }
}
