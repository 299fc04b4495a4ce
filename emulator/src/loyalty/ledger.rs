//! The orders Mindbox knows and what each did to a balance and to single-use promo codes, so
//! that a cancellation undoes exactly that and a test can hold the shop's books against
//! Mindbox's (`GET /__emulator/loyalty/ledger`); beside them, what each order holds
//! (`content.rs`, `GET /__emulator/orders`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::cart::id_text;
use super::content::Content;
use super::money::{Kopecks, units};

/// Mindbox's own id of an order: answered with the order's ids, and a client may name the
/// order by it, but it is the ledger's `mindboxId`, never one of the order's `ids`.
const MINDBOX_ID: &str = "mindboxId";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Confirmed with loyalty processing (`Create(Un)AuthorizedOrder`).
    Processed,
    /// `…CreateOrder`: the points its lines' `balance` discounts spent.
    Standard,
    /// `SaveOfflineOrder`: Mindbox applied nothing to it, so it spends nothing.
    Offline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Active,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub mindbox_id: u64,
    pub kind: Kind,
    pub status: Status,
    /// The ids it was created with as text, and those later updates added.
    pub ids: BTreeMap<String, String>,
    /// Whose balance it changed; `None` for an order whose points moved no balance.
    pub customer: Option<String>,
    #[serde(with = "units")]
    pub total_price: Kopecks,
    #[serde(with = "units")]
    pub spent_points: Kopecks,
    #[serde(with = "units")]
    pub earned_points: Kopecks,
    /// The codes Mindbox accepted for it, spelt as the programme lists them.
    pub promo_codes: Vec<String>,
}

impl Order {
    /// An active order that has moved nothing yet.
    pub fn new(
        mindbox_id: u64,
        kind: Kind,
        ids: Option<&Value>,
        customer: Option<String>,
    ) -> Order {
        Order {
            mindbox_id,
            kind,
            status: Status::Active,
            ids: own_ids(ids),
            customer,
            total_price: 0,
            spent_points: 0,
            earned_points: 0,
            promo_codes: Vec::new(),
        }
    }

    /// Whether `ids` (from a request) share one id with the order.
    fn is_named_by(&self, ids: &BTreeMap<String, String>) -> bool {
        ids.iter().any(|(name, value)| {
            self.ids.get(name) == Some(value)
                || (name == MINDBOX_ID && *value == self.mindbox_id.to_string())
        })
    }

    /// Whether Mindbox accepted `code` for it.
    pub fn took(&self, code: &str) -> bool {
        self.promo_codes
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
    }

    /// Adds the ids an update names the order by: a shop links its own order id to the
    /// temporary one the order was confirmed under this way.
    pub fn merge_ids(&mut self, ids: Option<&Value>) {
        self.ids.extend(own_ids(ids));
    }
}

#[derive(Debug, Default)]
pub struct Ledger {
    orders: Vec<Order>,
    /// By Mindbox id, apart from `orders` so that the ledger's points read as they did; an
    /// order without one (booked before contents were kept) holds nothing told.
    contents: BTreeMap<u64, Content>,
}

impl Ledger {
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }

    pub fn next_id(&self) -> u64 {
        self.orders.iter().map(|o| o.mindbox_id).max().unwrap_or(0) + 1
    }

    /// Adds an order, or replaces the one of its Mindbox id: the state file holds every
    /// version of an order, and the last one read wins.
    pub fn keep(&mut self, order: Order) {
        match self
            .orders
            .iter_mut()
            .find(|o| o.mindbox_id == order.mindbox_id)
        {
            Some(kept) => *kept = order,
            None => self.orders.push(order),
        }
    }

    /// The latest order that `ids` (a request's `order.ids`) name by any one id: should a
    /// client create two orders under one id, the later is the one it goes on talking about.
    pub fn find(&self, ids: Option<&Value>) -> Option<&Order> {
        let ids = ids_of(ids);
        self.orders.iter().rev().find(|o| o.is_named_by(&ids))
    }

    /// Whether an active order other than `besides` (a Mindbox id) took `code`: a single-use
    /// code is used exactly while one does.
    pub fn uses(&self, code: &str, besides: Option<u64>) -> bool {
        self.orders
            .iter()
            .any(|o| o.status == Status::Active && Some(o.mindbox_id) != besides && o.took(code))
    }

    pub fn content(&self, mindbox_id: u64) -> Content {
        self.contents.get(&mindbox_id).cloned().unwrap_or_default()
    }

    /// Replaces what an order holds; like `keep`, the last version read from the state file
    /// wins.
    pub fn keep_content(&mut self, mindbox_id: u64, content: Content) {
        self.contents.insert(mindbox_id, content);
    }

    pub fn clear(&mut self) {
        self.orders.clear();
        self.contents.clear();
    }
}

/// An order's ids as it keeps them: all but Mindbox's own.
fn own_ids(ids: Option<&Value>) -> BTreeMap<String, String> {
    let mut ids = ids_of(ids);
    ids.remove(MINDBOX_ID);
    ids
}

/// Ids as text, whatever JSON type the client wrote them in; empty ones name nothing.
fn ids_of(ids: Option<&Value>) -> BTreeMap<String, String> {
    ids.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, value)| Some((name.clone(), id_text(value).filter(|v| !v.is_empty())?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn order(id: u64, ids: Value) -> Order {
        Order::new(id, Kind::Processed, Some(&ids), None)
    }

    #[test]
    fn orders_are_found_by_any_one_id_the_latest_first() {
        let mut ledger = Ledger::default();
        assert_eq!(ledger.next_id(), 1);
        ledger.keep(order(1, json!({"websiteTempID": "t-1", "mindboxId": 9})));
        ledger.keep(order(2, json!({"websiteID": 5, "websiteTempID": "t-2"})));
        ledger.keep(order(3, json!({"websiteID": "5", "other": ""})));
        assert_eq!(ledger.next_id(), 4);
        let found = |ids: Value| ledger.find(Some(&ids)).map(|o| o.mindbox_id);
        assert_eq!(found(json!({"websiteTempID": "t-1"})), Some(1));
        assert_eq!(
            found(json!({"websiteTempID": "t-2", "websiteID": "nope"})),
            Some(2)
        );
        assert_eq!(found(json!({"websiteID": 5})), Some(3));
        assert_eq!(found(json!({"mindboxId": 2})), Some(2));
        assert_eq!(found(json!({"mindboxId": "9"})), None);
        assert_eq!(found(json!({"other": ""})), None);
        assert_eq!(found(json!({"websiteTempID": "t-3"})), None);
        assert_eq!(ledger.find(None), None);
        assert!(!ledger.orders()[0].ids.contains_key("mindboxId"));
    }

    #[test]
    fn an_update_adds_ids_and_a_replayed_version_replaces_the_order() {
        let mut ledger = Ledger::default();
        ledger.keep(order(1, json!({"websiteTempID": "t-1"})));
        let mut linked = ledger
            .find(Some(&json!({"websiteTempID": "t-1"})))
            .unwrap()
            .clone();
        linked.merge_ids(Some(
            &json!({"websiteTempID": "t-1", "websiteID": 77, "mindboxId": 1}),
        ));
        ledger.keep(linked);
        assert_eq!(ledger.orders().len(), 1);
        let ids: Vec<_> = ledger.orders()[0].ids.iter().collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(
            ledger
                .find(Some(&json!({"websiteID": "77"})))
                .unwrap()
                .mindbox_id,
            1
        );
    }

    #[test]
    fn only_active_orders_use_their_codes() {
        let mut ledger = Ledger::default();
        let mut with_code = order(1, json!({"websiteID": "1"}));
        with_code.promo_codes = vec!["ONCE".into()];
        ledger.keep(with_code.clone());
        assert!(ledger.uses("once", None));
        assert!(!ledger.uses("ONCE", Some(1)));
        assert!(!ledger.uses("OTHER", None));
        with_code.status = Status::Cancelled;
        ledger.keep(with_code);
        assert!(!ledger.uses("ONCE", None));
    }

    #[test]
    fn money_is_written_as_money() {
        let mut o = order(1, json!({"websiteID": "1"}));
        o.total_price = 76833;
        o.spent_points = 15000;
        let value = serde_json::to_value(&o).unwrap();
        assert_eq!(
            value,
            json!({"mindboxId": 1, "kind": "processed", "status": "active",
                   "ids": {"websiteID": "1"}, "customer": null, "totalPrice": 768.33,
                   "spentPoints": 150.0, "earnedPoints": 0.0, "promoCodes": []})
        );
        assert_eq!(serde_json::from_value::<Order>(value).unwrap(), o);
    }
}
