//! The calculation of a cart, without HTTP.

use serde_json::{Value, json};

use super::answer;
use super::calculation::{Applied, Calculation, CouponStatus, calculate, price_has_changed};
use super::cart::Cart;
use super::config::Config;
use super::test_support::{config, line};

fn calc(config: &Config, order: Value, balance: i64) -> Calculation {
    calculate(config, &Cart::parse(Some(&order)).unwrap(), balance)
}

fn discounted(c: &Calculation) -> Vec<i64> {
    c.lines.iter().map(|l| l.discounted).collect()
}
#[test]
fn percent_promotions_round_half_away_and_follow_products() {
    let cfg = config(json!({"promotions": [
        {"id": "SALE10", "name": "10% off", "percent": 10, "products": ["SKU-1"]}]}));
    let c = calc(
        &cfg,
        json!({"lines": [line("a", "SKU-1", 3.0, 333.33), line("b", "SKU-2", 1.0, 50.0)]}),
        0,
    );
    // 10% of 999.99 is 99.999: 100.00 off.
    assert_eq!(discounted(&c), [89999, 5000]);
    assert_eq!(c.total, 94999);
    assert_eq!(
        c.lines[0].applied,
        [Applied::Promotion {
            id: "SALE10".into(),
            name: "10% off".into(),
            amount: 10000
        }]
    );
    assert!(c.lines[1].applied.is_empty());
}

#[test]
fn promo_codes_apply_after_promotions_and_never_below_zero() {
    let cfg = config(json!({
        "promotions": [{"id": "SALE10", "percent": 10}],
        "promoCodes": [{"code": "WELCOME", "percent": 5}, {"code": "MINUS1", "amount": 1},
                       {"code": "HUGE", "amount": 100000}],
    }));
    let three = json!([
        line("a", "X", 1.0, 1.0),
        line("b", "Y", 1.0, 1.0),
        line("c", "Z", 1.0, 1.0)
    ]);
    let code = |c: &str| json!([{"ids": {"code": c}}]);
    // 5% of 0.90 is 0.045: 0.05 off each line.
    let c = calc(&cfg, json!({"lines": three, "coupons": code("welcome")}), 0);
    assert_eq!(discounted(&c), [85, 85, 85]);
    assert_eq!(c.coupons[0].discount, 15);
    assert_eq!(c.coupons[0].code, "welcome");
    // 1.00 over three lines of 0.90: largest remainder, the earlier line first.
    let c = calc(&cfg, json!({"lines": three, "coupons": code("MINUS1")}), 0);
    assert_eq!(discounted(&c), [56, 57, 57]);
    assert_eq!(c.total, 170);
    let c = calc(&cfg, json!({"lines": three, "coupons": code("HUGE")}), 0);
    assert_eq!(
        (discounted(&c), c.coupons[0].discount),
        (vec![0, 0, 0], 270)
    );
}

#[test]
fn coupon_statuses_say_why_a_code_gives_nothing() {
    let cfg = config(json!({"promoCodes": [
        {"code": "OLD", "percent": 5, "used": true},
        {"code": "OFF", "percent": 5, "active": false},
        {"code": "BIG", "amount": 10, "minTotal": 1000},
        {"code": "OK", "amount": 10},
    ]}));
    let coupons: Vec<Value> = ["NOPE", "OLD", "OFF", "BIG", "OK", "ok"]
        .iter()
        .map(|c| json!({"ids": {"code": c}}))
        .collect();
    let c = calc(
        &cfg,
        json!({"lines": [line("a", "X", 1.0, 999.99)], "coupons": coupons}),
        0,
    );
    let statuses: Vec<_> = c.coupons.iter().map(|c| (c.status, c.discount)).collect();
    use CouponStatus::*;
    assert_eq!(
        statuses,
        [
            (NotFound, 0),
            (Used, 0),
            (AlreadyNotActive, 0),
            (CanNotBeUsedForCurrentOrder, 0),
            (CanBeUsed, 1000),
            (CanNotBeUsedForCurrentOrder, 0),
        ]
    );
    assert_eq!(c.total, 98999);
}

#[test]
fn a_unit_limit_splits_the_line_and_the_split_is_stable() {
    let cfg = config(json!({"promotions": [
        {"id": "ONE", "percent": 10, "products": ["SKU-1"], "maxQuantityPerLine": 1}]}));
    let first = calc(
        &cfg,
        json!({"lines": [line("b17", "SKU-1", 3.0, 333.33), line("b18", "SKU-2", 1.0, 10.0)]}),
        0,
    );
    let answered = answer::calculated(&first);
    let lines = answered["order"]["lines"].as_array().unwrap().clone();
    let summary: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l["lineId"].clone(),
                l["lineNumber"].clone(),
                l["quantity"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!("b17"), json!(1), json!(1)),
            (json!("b17"), json!(2), json!(2)),
            (json!("b18"), json!(3), json!(1)),
        ]
    );
    assert_eq!(lines[0]["discountedPriceOfLine"], 300.0);
    assert_eq!(lines[1]["discountedPriceOfLine"], 666.66);
    assert_eq!(lines[1]["appliedPromotions"], json!([]));

    // The same request again, and the answer's own lines sent back, answer the same.
    let again = calc(
        &cfg,
        json!({"lines": [line("b17", "SKU-1", 3.0, 333.33), line("b18", "SKU-2", 1.0, 10.0)]}),
        0,
    );
    assert_eq!(answer::calculated(&again), answered);
    let sent_back: Vec<Value> = lines
        .iter()
        .map(|l| {
            json!({"lineId": l["lineId"], "lineNumber": l["lineNumber"], "product": l["product"],
                   "quantity": l["quantity"], "basePricePerItem": l["basePricePerItem"]})
        })
        .collect();
    let resent = calc(&cfg, json!({"lines": sent_back}), 0);
    assert_eq!(answer::calculated(&resent), answered);

    // Within the limit there is nothing to split.
    let one = calc(
        &cfg,
        json!({"lines": [line("b17", "SKU-1", 1.0, 333.33)]}),
        0,
    );
    assert_eq!(discounted(&one), [30000]);
}

#[test]
fn points_are_capped_by_the_balance_and_by_max_points_percent() {
    let cfg = config(json!({"maxPointsPercent": 50}));
    let order = |points: f64| {
        json!({"lines": [line("a", "X", 1.0, 600.0), line("b", "Y", 1.0, 299.99)],
               "bonusPoints": [{"amount": points}]})
    };
    // Half of 899.99, rounded down.
    let c = calc(&cfg, order(10_000.0), 1_000_000);
    assert_eq!((c.available, c.spent), (44999, 44999));
    assert_eq!(c.total, 89999 - 44999);
    assert_eq!(discounted(&c).iter().sum::<i64>(), c.total);
    // The balance is lower than the cap.
    let c = calc(&cfg, order(10_000.0), 12345);
    assert_eq!((c.available, c.spent), (12345, 12345));
    // Fewer points asked than allowed: all of them, spread over both lines.
    let c = calc(&cfg, order(100.0), 1_000_000);
    assert_eq!(c.spent, 10000);
    assert_eq!(c.lines[0].applied, [Applied::SpentPoints(6667)]);
    assert_eq!(c.lines[1].applied, [Applied::SpentPoints(3333)]);
    // Without a customer there is nothing to spend.
    assert_eq!(calc(&cfg, order(100.0), 0).spent, 0);
}

#[test]
fn points_are_earned_on_what_is_paid() {
    let cfg = config(json!({"earnPercent": 5}));
    let c = calc(
        &cfg,
        json!({"lines": [line("a", "X", 1.0, 1000.0)], "bonusPoints": [{"amount": 100}]}),
        50000,
    );
    assert_eq!((c.total, c.spent, c.earned), (90000, 10000, 4500));
    assert_eq!(c.lines[0].applied[1], Applied::EarnedPoints(4500));
}

#[test]
fn a_changed_price_is_more_than_half_a_kopeck_off() {
    assert!(!price_has_changed(899.99, 89999));
    assert!(!price_has_changed(899.994, 89999));
    assert!(price_has_changed(899.996, 89999));
    assert!(price_has_changed(900.0, 89999));
}
