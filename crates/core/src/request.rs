//! What goes on the wire: the options of one call, the URL with its query, and the headers.

use super::config::{AuthScheme, Config, validate_operation};
use super::error::{Error, Result};
use super::outbox::hold::{self, Hold};
use serde_json::Value;

pub const USER_AGENT: &str = concat!("mindbox-php-ext/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Sync,
    Async,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Sync => "sync",
            Endpoint::Async => "async",
        }
    }

    pub fn parse(s: &str) -> Option<Endpoint> {
        match s {
            "sync" => Some(Endpoint::Sync),
            "async" => Some(Endpoint::Async),
            _ => None,
        }
    }
}

/// The third argument of `call()`, `send()` and the helpers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    pub device_uuid: Option<String>,
    pub customer_ip: Option<String>,
    pub transaction_id: Option<String>,
    pub endpoint: Option<Endpoint>,
    pub ordering_key: Option<String>,
    /// Outbox only: points the item holds until Mindbox answers it.
    pub hold: Option<Hold>,
    /// Outbox only: how long the item waits before it may go.
    pub delay_ms: u64,
}

const OPTION_KEYS: [&str; 7] = [
    "deviceUUID",
    "customerIp",
    "transactionId",
    "endpoint",
    "orderingKey",
    "hold",
    "delay",
];

impl CallOptions {
    pub fn from_value(value: &Value) -> Result<CallOptions> {
        let map = match value {
            Value::Null => return Ok(CallOptions::default()),
            Value::Array(a) if a.is_empty() => return Ok(CallOptions::default()),
            Value::Object(m) => m,
            _ => return Err(Error::invalid("options", "must be an array of options")),
        };
        if let Some(unknown) = map.keys().find(|k| !OPTION_KEYS.contains(&k.as_str())) {
            return Err(Error::invalid(
                format!("options.{unknown}"),
                format!(
                    "unknown option; known options are {}",
                    OPTION_KEYS.join(", ")
                ),
            ));
        }
        let text = |key: &str| -> Result<Option<String>> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) if s.len() > 256 || s.chars().any(char::is_control) => {
                    Err(Error::invalid(
                        format!("options.{key}"),
                        "must be a short single-line string",
                    ))
                }
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Number(n)) if key == "orderingKey" => Ok(Some(n.to_string())),
                Some(_) => Err(Error::invalid(format!("options.{key}"), "must be a string")),
            }
        };
        let customer_ip = text("customerIp")?;
        if let Some(ip) = &customer_ip
            && ip.parse::<std::net::IpAddr>().is_err()
        {
            return Err(Error::invalid(
                "options.customerIp",
                format!("'{ip}' is not an IP address"),
            ));
        }
        let transaction_id = text("transactionId")?;
        if let Some(id) = &transaction_id
            && !is_guid(id)
        {
            return Err(Error::invalid(
                "options.transactionId",
                format!("'{id}' is not a GUID (Mindbox requires one, v4 recommended)"),
            ));
        }
        let endpoint = match text("endpoint")? {
            None => None,
            Some(e) => Some(Endpoint::parse(&e).ok_or_else(|| {
                Error::invalid(
                    "options.endpoint",
                    format!("'{e}' is not 'sync' or 'async'"),
                )
            })?),
        };
        let device_uuid = text("deviceUUID")?;
        // The tracker's ids are GUIDs; the outbox keeps one with each item (a MySQL column of this size).
        if device_uuid
            .as_ref()
            .is_some_and(|d| d.len() > MAX_DEVICE_UUID)
        {
            return Err(Error::invalid(
                "options.deviceUUID",
                format!("is longer than {MAX_DEVICE_UUID} characters"),
            ));
        }
        let hold = match map.get("hold") {
            None | Some(Value::Null) => None,
            Some(value) => Some(Hold::from_value(value, "options.hold")?),
        };
        Ok(CallOptions {
            device_uuid,
            customer_ip,
            transaction_id,
            endpoint,
            ordering_key: text("orderingKey")?,
            hold,
            delay_ms: hold::delay_ms(map.get("delay").unwrap_or(&Value::Null), "options.delay")?,
        })
    }
}

const MAX_DEVICE_UUID: usize = 256;

/// 8-4-4-4-12 hexadecimal digits.
pub fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A request ready for the transport.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Identifies one Mindbox request: what the outbox stores and `call()` sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Target<'a> {
    pub operation: &'a str,
    pub endpoint: Endpoint,
    pub device_uuid: Option<&'a str>,
    pub customer_ip: Option<&'a str>,
    pub transaction_id: Option<&'a str>,
}

pub fn build(config: &Config, target: &Target<'_>, body: Vec<u8>) -> Result<HttpRequest> {
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
    let key = config.secret_key.expose();
    let authorization = match config.auth_scheme {
        AuthScheme::SecretKey => format!("SecretKey {key}"),
        AuthScheme::Legacy => format!("Mindbox secretKey=\"{key}\""),
    };
    let mut headers = vec![
        ("Authorization", authorization),
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

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode(s: &str) -> String {
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
    use serde_json::json;

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
    fn options_are_validated() {
        let o = CallOptions::from_value(&json!({"deviceUUID": "d-1", "customerIp": "::1",
            "endpoint": "async", "orderingKey": 42}))
        .unwrap();
        assert_eq!(o.device_uuid.as_deref(), Some("d-1"));
        assert_eq!(o.endpoint, Some(Endpoint::Async));
        assert_eq!(o.ordering_key.as_deref(), Some("42"));
        assert_eq!((o.hold, o.delay_ms), (None, 0));
        let o = CallOptions::from_value(&json!({"hold": {"key": "customer:7", "amount": 150.5},
            "delay": 900}))
        .unwrap();
        let hold = o.hold.unwrap();
        assert_eq!(
            (hold.key.as_str(), hold.cents, o.delay_ms),
            ("customer:7", 15_050, 900_000)
        );
        assert_eq!(
            CallOptions::from_value(&json!([])).unwrap(),
            CallOptions::default()
        );
        let long = CallOptions::from_value(&json!({"deviceUUID": "d".repeat(257)}));
        assert!(
            matches!(long, Err(Error::InvalidArgument { ref path, .. }) if path == "options.deviceUUID")
        );
        for (bad, path) in [
            (json!({"customerIp": "nope"}), "options.customerIp"),
            (json!({"transactionId": "123"}), "options.transactionId"),
            (json!({"endpoint": "bulk"}), "options.endpoint"),
            (json!({"deviceUuid": "x"}), "options.deviceUuid"),
            (json!({"deviceUUID": ["x"]}), "options.deviceUUID"),
            (json!({"deviceUUID": "a\nb"}), "options.deviceUUID"),
            (
                json!({"hold": {"key": "k", "amount": -1}}),
                "options.hold.amount",
            ),
            (json!({"delay": -1}), "options.delay"),
        ] {
            match CallOptions::from_value(&bad) {
                Err(Error::InvalidArgument { path: p, .. }) => assert_eq!(p, path),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid("0F8FAD5B-D9CB-469F-A165-70867728950E"));
        assert!(!is_guid("0f8fad5bd9cb469fa16570867728950e"));
        assert!(!is_guid("0f8fad5b-d9cb-469f-a165-70867728950g"));
    }
}
