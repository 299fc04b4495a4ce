//! Where a sent item goes and what it must wait for, when the caller does not say.

use crate::endpoint::Endpoint;
use serde_json::Value;
use std::collections::BTreeMap;

/// Order operations go to the sync endpoint: Mindbox runs async calls in parallel and would not
/// keep an order's create and updates in sequence.
pub(crate) fn default_endpoint(body: &Value) -> Endpoint {
    if body.get("order").is_some() {
        Endpoint::Sync
    } else {
        Endpoint::Async
    }
}

/// The order's ids for order operations, else the customer's ids, else the device: events of one
/// order or one customer are delivered in the order they were sent. `None`: no ordering needed.
pub(crate) fn default_ordering_key(body: &Value, device_uuid: Option<&str>) -> Option<String> {
    if let Some(ids) = body.pointer("/order/ids").and_then(canonical_ids) {
        return Some(format!("order:{ids}"));
    }
    if let Some(ids) = body.pointer("/customer/ids").and_then(canonical_ids) {
        return Some(format!("customer:{ids}"));
    }
    device_uuid.map(|d| format!("device:{d}"))
}

/// Ids in a stable form whatever the key order the caller used.
fn canonical_ids(ids: &Value) -> Option<String> {
    let map = ids.as_object()?;
    let sorted: BTreeMap<&String, &Value> = map.iter().filter(|(_, v)| !v.is_null()).collect();
    if sorted.is_empty() {
        return None;
    }
    serde_json::to_string(&sorted).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn orders_are_sync_and_keyed_by_order() {
        let body = json!({"order": {"ids": {"websiteID": "1001"}}, "customer": {"ids": {"websiteID": "7"}}});
        assert_eq!(default_endpoint(&body), Endpoint::Sync);
        assert_eq!(
            default_ordering_key(&body, None).as_deref(),
            Some("order:{\"websiteID\":\"1001\"}")
        );
    }

    #[test]
    fn customers_then_devices() {
        let a = json!({"customer": {"ids": {"websiteID": "7", "mindboxId": 1}}});
        let b = json!({"customer": {"ids": {"mindboxId": 1, "websiteID": "7"}}});
        assert_eq!(default_endpoint(&a), Endpoint::Async);
        assert_eq!(
            default_ordering_key(&a, Some("d")),
            default_ordering_key(&b, None)
        );
        let cart = json!({"productList": []});
        assert_eq!(
            default_ordering_key(&cart, Some("d-1")).as_deref(),
            Some("device:d-1")
        );
        assert_eq!(default_ordering_key(&cart, None), None);
        assert_eq!(
            default_ordering_key(&json!({"customer": {"ids": {}}}), None),
            None
        );
    }
}
