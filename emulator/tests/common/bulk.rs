//! Bulk imports as a client sends them, for the tests of `/v3/operations/bulk`.

use std::io::Write;

use serde_json::Value;

use super::{Answer, Emulator};

pub const CUSTOMERS: &str = "DirectCrm.Customers.Import";
pub const ORDERS: &str = "RetailOrder.Import";
pub const KEY: &str = "SecretKey key";

/// A GUID of its own for each `n`.
pub fn tx(n: u32) -> String {
    format!("{n:08x}-d9cb-469f-a165-70867728950e")
}

pub struct Post<'a> {
    pub operation: &'a str,
    pub transaction_id: String,
    pub query: &'a str,
    pub content_type: &'a str,
    pub gzip: bool,
    pub auth: Option<&'a str>,
}

pub fn post(operation: &str, transaction_id: String) -> Post<'_> {
    Post {
        operation,
        transaction_id,
        query: "&csvCodePage=65001&csvColumnDelimiter=%3B&csvTextQualifier=%22",
        content_type: "text/csv;charset=utf-8",
        gzip: false,
        auth: Some(KEY),
    }
}

impl Post<'_> {
    pub fn send_with(
        &self,
        emu: &Emulator,
        agent: &ureq::Agent,
        body: &[u8],
    ) -> Result<Answer, ureq::Error> {
        // An empty transactionId leaves the parameter out.
        let transaction = match self.transaction_id.as_str() {
            "" => String::new(),
            id => format!("&transactionId={id}"),
        };
        let url = emu.url(&format!(
            "/v3/operations/bulk?endpointId=shop&operation={}{transaction}{}",
            self.operation, self.query
        ));
        let mut request = agent.post(&url).header("content-type", self.content_type);
        if let Some(auth) = self.auth {
            request = request.header("authorization", auth);
        }
        if self.gzip {
            request = request.header("content-encoding", "gzip");
        }
        let mut response = request.send(body)?;
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.body_mut().read_to_string()?;
        Ok(Answer {
            status: response.status().as_u16(),
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            retry_after,
        })
    }

    pub fn send(&self, emu: &Emulator, body: &[u8]) -> Answer {
        self.send_with(emu, &emu.agent, body)
            .expect("an HTTP answer")
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

pub fn list(emu: &Emulator, what: &str) -> Vec<Value> {
    match emu.control("GET", &format!("/bulk/{what}"), None) {
        Value::Array(items) => items,
        other => panic!("{what}: {other}"),
    }
}

pub const CUSTOMER_CSV: &str = "websiteID;FirstName;Email;MobilePhone;BirthDate\r\n\
    1;\"Анна; Мария\";anna@shop.ru;+7 900 123-45-67;1990-05-01\r\n\
    2;Bob;not-an-email;;\r\n\
    ;Carl;;;\r\n";

pub const ORDER_CSV: &str = "OrderIdsWebsiteID;CustomerIdswebsiteID;OrderCreationDateTimeUtc;\
    OrderTotalPrice;OrderLineProductIdswebsite;OrderLineQuantity;OrderLinePriceOfLine;OrderLineStatus\n\
    A-1;1;2024-01-02 03:04:05;150.50;p1;1;100.50;Paid\n\
    A-1;1;2024-01-02 03:04:05;150.50;p2;2;50;Paid\n";
