//! What goes on the wire: the URL with its query, and the headers.

use crate::config::{AuthScheme, Config, validate_operation};
use crate::endpoint::Endpoint;
use crate::error::{Error, Result};

pub(crate) const USER_AGENT: &str = concat!("mindbox-php-ext/", env!("CARGO_PKG_VERSION"));

/// 8-4-4-4-12 hexadecimal digits.
pub(crate) fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A request ready for the transport.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HttpRequest {
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

/// Identifies one Mindbox request: what the outbox stores and `call()` sends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target<'a> {
    pub(crate) operation: &'a str,
    pub(crate) endpoint: Endpoint,
    pub(crate) device_uuid: Option<&'a str>,
    pub(crate) customer_ip: Option<&'a str>,
    pub(crate) transaction_id: Option<&'a str>,
}

pub(crate) fn build(config: &Config, target: &Target<'_>, body: Vec<u8>) -> Result<HttpRequest> {
    validate_operation(target.operation).map_err(|m| Error::invalid("operation", m))?;
    let mut url = format!(
        "{}/v3/operations/{}?endpointId={}&operation={}",
        config.base_url,
        target.endpoint.as_str(),
        encode(&config.endpoint_id),
        encode(target.operation)
    );
    if let Some(d) = target.device_uuid {
        url.push_str("&deviceUUID=");
        url.push_str(&encode(d));
    }
    if let Some(t) = target.transaction_id {
        url.push_str("&transactionId=");
        url.push_str(&encode(t));
    }
    let mut headers = vec![
        ("Authorization", authorization(config)),
        (
            "Content-Type",
            "application/json; charset=utf-8".to_string(),
        ),
        ("Accept", "application/json".to_string()),
        ("User-Agent", USER_AGENT.to_string()),
    ];
    if let Some(ip) = target.customer_ip {
        headers.push(("X-Customer-IP", ip.to_string()));
    }
    Ok(HttpRequest { url, headers, body })
}

/// The `Authorization` header of every request, in the configured scheme.
pub(crate) fn authorization(config: &Config) -> String {
    let key = config.secret_key.expose();
    match config.auth_scheme {
        AuthScheme::SecretKey => format!("SecretKey {key}"),
        AuthScheme::Legacy => format!("Mindbox secretKey=\"{key}\""),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn config(extra: Value) -> Config {
        let mut v = json!({"endpointId": "shop-website", "secretKey": "s3cr3t",
            "baseUrl": "http://127.0.0.1:9/"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        Config::from_value(&v, None).unwrap()
    }

    fn target(op: &str) -> Target<'_> {
        Target {
            operation: op,
            endpoint: Endpoint::Sync,
            device_uuid: None,
            customer_ip: None,
            transaction_id: None,
        }
    }

    #[test]
    fn url_carries_only_given_parameters() {
        let c = config(json!({}));
        let r = build(&c, &target("Website.CreateOrder"), vec![]).unwrap();
        assert_eq!(
            r.url,
            "http://127.0.0.1:9/v3/operations/sync?endpointId=shop-website&operation=Website.CreateOrder"
        );
        let t = Target {
            endpoint: Endpoint::Async,
            device_uuid: Some("a b&c"),
            transaction_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e"),
            customer_ip: Some("10.1.2.3"),
            ..target("Website.SetCart")
        };
        let r = build(&c, &t, vec![]).unwrap();
        assert_eq!(
            r.url,
            "http://127.0.0.1:9/v3/operations/async?endpointId=shop-website&operation=Website.SetCart\
             &deviceUUID=a%20b%26c&transactionId=0f8fad5b-d9cb-469f-a165-70867728950e"
        );
        assert!(r.headers.contains(&("X-Customer-IP", "10.1.2.3".into())));
    }

    #[test]
    fn headers_follow_the_auth_scheme() {
        let r = build(&config(json!({})), &target("A.B"), vec![]).unwrap();
        assert_eq!(r.headers[0], ("Authorization", "SecretKey s3cr3t".into()));
        assert!(
            r.headers
                .contains(&("Content-Type", "application/json; charset=utf-8".into()))
        );
        assert!(r.headers.contains(&("Accept", "application/json".into())));
        assert!(
            r.headers
                .iter()
                .any(|(k, v)| *k == "User-Agent" && v.contains("mindbox"))
        );
        assert!(!r.headers.iter().any(|(k, _)| *k == "X-Customer-IP"));
        let legacy = build(
            &config(json!({"authScheme": "legacy"})),
            &target("A.B"),
            vec![],
        )
        .unwrap();
        assert_eq!(
            legacy.headers[0],
            ("Authorization", "Mindbox secretKey=\"s3cr3t\"".into())
        );
    }

    #[test]
    fn bad_operation_is_refused() {
        let e = build(&config(json!({})), &target("Website.Create Order"), vec![]).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument { ref path, .. } if path == "operation"));
        assert!(build(&config(json!({})), &target(""), vec![]).is_err());
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid("0F8FAD5B-D9CB-469F-A165-70867728950E"));
        assert!(!is_guid("0f8fad5bd9cb469fa16570867728950e"));
        assert!(!is_guid("0f8fad5b-d9cb-469f-a165-70867728950g"));
    }
}
