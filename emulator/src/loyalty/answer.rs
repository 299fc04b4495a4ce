//! The answers of loyalty operations: a calculation written as Mindbox answers a cart's
//! calculation and an order's save (ARCHITECTURE.md, "The Mindbox wire contract"), and the
//! refusal of a request the programme cannot read.

use serde_json::{Map, Value, json};

use super::calculation::{Applied, Calculation, Line};
use super::cart::Invalid;
use super::money::{format_money, money, quantity};
use crate::contract;

/// The answer to a loyalty operation and its HTTP status; a price that has changed leaves the
/// transaction unused, so the client can retry it with the new price.
pub struct Handled {
    pub http_status: u16,
    pub answer: Value,
    pub consumes_transaction: bool,
}

impl Handled {
    pub(super) fn done(answer: Value) -> Handled {
        Handled {
            http_status: 200,
            answer,
            consumes_transaction: true,
        }
    }

    /// HTTP 400 ProtocolError: what Mindbox answers a request about an order it does not have.
    pub(super) fn refused(message: &str) -> Handled {
        Handled {
            http_status: 400,
            answer: contract::protocol_error(400, message),
            consumes_transaction: true,
        }
    }
}

pub fn validation_error(invalid: Invalid) -> Value {
    contract::validation_error(Some(&[json!({
        "message": invalid.message,
        "location": invalid.location,
    })]))
}

/// The answer to a cart calculation.
pub fn calculated(calc: &Calculation) -> Value {
    let mut order = Map::new();
    order.insert("processingStatus".into(), "Calculated".into());
    order.insert("totalPrice".into(), money(calc.total));
    if let Some(delivery) = calc.delivery_cost {
        order.insert("deliveryCost".into(), money(delivery));
    }
    order.insert("lines".into(), lines(calc));
    order.insert(
        "totalBonusPointsInfo".into(),
        json!({
            "availableAmountForCurrentOrder": money(calc.available),
            "spentAmountForCurrentOrder": money(calc.spent),
            "balance": {"available": money(calc.balance)},
        }),
    );
    order.insert("bonusPointsChanges".into(), points_changes(calc));
    let coupons: Vec<Value> = calc
        .coupons
        .iter()
        .map(|c| {
            json!({
                "coupon": {"ids": {"code": c.code}, "status": c.status.name()},
                "discountAmountForCurrentOrder": money(c.discount),
            })
        })
        .collect();
    order.insert("couponsInfo".into(), coupons.into());
    json!({"status": "Success", "order": order})
}

/// The answer to an order saved with this calculation: `processing_status` is `Processed` for
/// a new order, `Updated` for one Mindbox had (mindbox-api.md).
pub fn processed(
    calc: &Calculation,
    processing_status: &str,
    mindbox_id: u64,
    ids: Option<&Value>,
) -> Value {
    let mut all_ids = Map::new();
    all_ids.insert("mindboxId".into(), mindbox_id.into());
    if let Some(Value::Object(ids)) = ids {
        all_ids.extend(ids.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    json!({
        "status": "Success",
        "order": {
            "processingStatus": processing_status,
            "ids": all_ids,
            "totalPrice": money(calc.total),
            "lines": lines(calc),
        },
        "bonusPointsChanges": points_changes(calc),
    })
}

/// The refusal of an order whose `totalPrice` is not Mindbox's: with what Mindbox calculated,
/// so that a client can show it (and a manager decide on an edit, next-wave.md §3.5).
pub fn price_changed(expected: f64, calc: &Calculation) -> Value {
    json!({
        "status": "Success",
        "order": {
            "processingStatus": "PriceHasBeenChanged",
            "statusDescription": format!(
                "The order's price has changed: expected {expected:.2}, calculated {}",
                format_money(calc.total)
            ),
            "totalPrice": money(calc.total),
            "lines": lines(calc),
        },
    })
}

fn points_changes(calc: &Calculation) -> Value {
    json!([{
        "balanceType": {"ids": {"systemName": "Main"}},
        "earnedAmount": money(calc.earned),
        "spentAmount": money(calc.spent),
    }])
}

/// Lines numbered from 1 in answer order, which is stable for a given request, so a client
/// may send them back as they are.
fn lines(calc: &Calculation) -> Value {
    calc.lines
        .iter()
        .enumerate()
        .map(|(i, l)| line(i + 1, l))
        .collect()
}

fn line(number: usize, l: &Line) -> Value {
    let mut out = Map::new();
    if let Some(id) = &l.line_id {
        out.insert("lineId".into(), id.clone());
    }
    out.insert("lineNumber".into(), number.into());
    out.insert("product".into(), l.product.clone());
    out.insert("quantity".into(), quantity(l.quantity));
    out.insert("basePricePerItem".into(), money(l.price));
    out.insert("discountedPriceOfLine".into(), money(l.discounted));
    let applied: Vec<Value> = l.applied.iter().map(applied).collect();
    out.insert("appliedPromotions".into(), applied.into());
    Value::Object(out)
}

fn applied(a: &Applied) -> Value {
    match a {
        Applied::Promotion { id, name, amount } => json!({
            "type": "discount",
            "promotion": {"ids": {"externalId": id}, "name": name},
            "amount": money(*amount),
        }),
        Applied::Coupon { code, amount } => json!({
            "type": "discount",
            "coupon": {"ids": {"code": code}},
            "amount": money(*amount),
        }),
        Applied::SpentPoints(amount) => {
            json!({"type": "spentBonusPoints", "amount": money(*amount)})
        }
        Applied::EarnedPoints(amount) => {
            json!({"type": "earnedBonusPoints", "amount": money(*amount)})
        }
    }
}
