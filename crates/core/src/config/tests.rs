use super::*;
use serde_json::json;

fn parse(v: Value) -> Result<Config> {
    Config::from_value(&v, None)
}

fn path_of(r: Result<Config>) -> String {
    match r {
        Err(Error::InvalidArgument { path, .. }) => path,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[test]
fn defaults_apply() {
    let c = parse(json!({"endpointId": "shop", "secretKey": "k"})).unwrap();
    assert_eq!(c.base_url, DEFAULT_BASE_URL);
    assert_eq!(c.timeout, Duration::from_secs(5));
    assert_eq!(c.connect_timeout, Duration::from_secs(2));
    assert_eq!(c.max_attempts, 12);
    assert_eq!(c.rate_limit, 8000);
    assert_eq!(c.auth_scheme, AuthScheme::SecretKey);
    assert_eq!(c.operation("createOrder"), "Website.CreateOrder");
}

#[test]
fn what_the_outbox_keeps_with_every_item_has_a_size() {
    let long = "e".repeat(129);
    assert_eq!(
        path_of(parse(json!({"endpointId": long, "secretKey": "k"}))),
        "config.endpointId"
    );
    let url = format!("https://api.mindbox.ru/{}", "p".repeat(240));
    assert_eq!(
        path_of(parse(
            json!({"endpointId": "e", "secretKey": "k", "baseUrl": url})
        )),
        "config.baseUrl"
    );
    parse(json!({"endpointId": "e".repeat(128), "secretKey": "k"})).unwrap();
}

#[test]
fn required_and_unknown_keys_are_named() {
    assert_eq!(
        path_of(parse(json!({"secretKey": "k"}))),
        "config.endpointId"
    );
    assert_eq!(
        path_of(parse(json!({"endpointId": " ", "secretKey": "k"}))),
        "config.endpointId"
    );
    assert_eq!(
        path_of(parse(json!({"endpointId": "e"}))),
        "config.secretKey"
    );
    assert_eq!(
        path_of(parse(
            json!({"endpointId": "e", "secretKey": "k", "timout": 1})
        )),
        "config.timout"
    );
    assert_eq!(path_of(parse(json!([1, 2]))), "config");
}

#[test]
fn http_only_to_loopback() {
    let with = |url: &str| parse(json!({"endpointId": "e", "secretKey": "k", "baseUrl": url}));
    assert_eq!(
        with("http://127.0.0.1:8080/").unwrap().base_url,
        "http://127.0.0.1:8080"
    );
    assert!(with("http://localhost:1").is_ok());
    assert!(with("http://[::1]:1").is_ok());
    assert!(with("https://api.mindbox.cloud").is_ok());
    assert_eq!(path_of(with("http://api.mindbox.ru")), "config.baseUrl");
    assert_eq!(path_of(with("http://10.0.0.1")), "config.baseUrl");
    assert_eq!(path_of(with("ftp://x")), "config.baseUrl");
    assert_eq!(path_of(with("not a url")), "config.baseUrl");
}

#[test]
fn numbers_are_range_checked() {
    let with = |k: &str, v: Value| {
        let mut m = json!({"endpointId": "e", "secretKey": "k"});
        m[k] = v;
        parse(m)
    };
    assert_eq!(path_of(with("timeout", json!(0))), "config.timeout");
    assert_eq!(path_of(with("timeout", json!("5"))), "config.timeout");
    assert_eq!(path_of(with("maxAttempts", json!(0))), "config.maxAttempts");
    assert_eq!(
        path_of(with("concurrency", json!(1.5))),
        "config.concurrency"
    );
    assert_eq!(
        with("timeout", json!(0.5)).unwrap().connect_timeout,
        Duration::from_millis(500)
    );
    assert_eq!(with("rateLimit", json!(0)).unwrap().rate_limit, 0);
}

#[test]
fn operation_overrides_are_checked() {
    let c = parse(json!({"endpointId": "e", "secretKey": "k",
        "operations": {"createOrder": "Shop.NewOrder"}}))
    .unwrap();
    assert_eq!(c.operation("createOrder"), "Shop.NewOrder");
    assert_eq!(c.operation("updateOrder"), "Website.UpdateOrder");
    assert_eq!(
        path_of(parse(json!({"endpointId": "e", "secretKey": "k",
            "operations": {"createOrdr": "X"}}))),
        "config.operations.createOrdr"
    );
    assert_eq!(
        path_of(parse(json!({"endpointId": "e", "secretKey": "k",
            "operations": {"createOrder": "bad name"}}))),
        "config.operations.createOrder"
    );
}

#[test]
fn secret_does_not_show_in_debug() {
    let c = parse(json!({"endpointId": "e", "secretKey": "hunter2"})).unwrap();
    assert!(!format!("{c:?}").contains("hunter2"));
}

#[test]
fn bulk_imports_per_hour_is_mindboxs_limit_or_less() {
    let with =
        |v: Value| parse(json!({"endpointId": "e", "secretKey": "k", "bulkImportsPerHour": v}));
    assert_eq!(
        parse(json!({"endpointId": "e", "secretKey": "k"}))
            .unwrap()
            .bulk_imports_per_hour,
        60
    );
    assert_eq!(with(json!(2)).unwrap().bulk_imports_per_hour, 2);
    for bad in [json!(0), json!(61), json!(2.5), json!("2"), json!(-1)] {
        match with(bad.clone()) {
            Err(Error::InvalidArgument { path, message }) => {
                assert_eq!(path, "config.bulkImportsPerHour", "{bad}");
                assert_eq!(message, "must be an integer from 1 to 60");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}
