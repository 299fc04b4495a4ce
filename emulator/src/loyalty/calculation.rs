//! The calculation of a cart, as Mindbox's loyalty processing does it: promotions, then promo
//! codes, then points, each on what is left of a line after the ones before. Pure: the same
//! configuration, cart and balance always give the same kopecks and the same lines.

use serde_json::Value;

use super::cart::Cart;
use super::config::{CodeDiscount, Config, Promotion};
use super::money::{
    Kopecks, from_units, line_total, percent_bp, percent_floor, percent_of, spread,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Calculation {
    pub lines: Vec<Line>,
    pub coupons: Vec<CouponInfo>,
    /// What the shopper pays for the goods: the sum of the lines, delivery left out.
    pub total: Kopecks,
    pub delivery_cost: Option<Kopecks>,
    /// The customer's balance before this order.
    pub balance: Kopecks,
    /// The most points this order may take.
    pub available: Kopecks,
    pub spent: Kopecks,
    pub earned: Kopecks,
}

/// A line of the answer; one line of the request becomes several when a promotion covers
/// only part of its units.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub line_id: Option<Value>,
    pub product: Value,
    pub quantity: i64,
    pub price: Kopecks,
    pub discounted: Kopecks,
    pub applied: Vec<Applied>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    Promotion {
        id: String,
        name: String,
        amount: Kopecks,
    },
    Coupon {
        code: String,
        amount: Kopecks,
    },
    SpentPoints(Kopecks),
    EarnedPoints(Kopecks),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponStatus {
    CanBeUsed,
    NotFound,
    Used,
    CanNotBeUsedForCurrentOrder,
    AlreadyNotActive,
}

impl CouponStatus {
    pub fn name(self) -> &'static str {
        match self {
            CouponStatus::CanBeUsed => "CanBeUsed",
            CouponStatus::NotFound => "NotFound",
            CouponStatus::Used => "Used",
            CouponStatus::CanNotBeUsedForCurrentOrder => "CanNotBeUsedForCurrentOrder",
            CouponStatus::AlreadyNotActive => "AlreadyNotActive",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CouponInfo {
    /// As the shopper typed it.
    pub code: String,
    pub status: CouponStatus,
    pub discount: Kopecks,
}

pub fn calculate(config: &Config, cart: &Cart, balance: Kopecks) -> Calculation {
    let mut lines = promoted_lines(config, cart);
    let coupons = apply_codes(config, cart, &mut lines);

    let ceiling = percent_floor(sum(&lines), percent_bp(config.max_points_percent));
    let available = balance.min(ceiling).max(0);
    let spent = cart.points.min(available);
    let shares = spread(spent, &weights(&lines));
    for (line, share) in lines.iter_mut().zip(shares) {
        line.take(share, Applied::SpentPoints);
    }

    let total = sum(&lines);
    let earned = percent_of(total, percent_bp(config.earn_percent));
    let shares = spread(earned, &weights(&lines));
    for (line, share) in lines.iter_mut().zip(shares) {
        if share > 0 {
            line.applied.push(Applied::EarnedPoints(share));
        }
    }

    Calculation {
        lines,
        coupons,
        total,
        delivery_cost: cart.delivery_cost,
        balance,
        available,
        spent,
        earned,
    }
}

/// The cart's lines, each cut where a promotion's unit limit ends, with their promotions.
fn promoted_lines(config: &Config, cart: &Cart) -> Vec<Line> {
    let mut lines = Vec::new();
    for cart_line in &cart.lines {
        let promotions: Vec<&Promotion> = config
            .promotions
            .iter()
            .filter(|p| p.applies_to(&cart_line.product_ids))
            .collect();
        for (quantity, promotions) in segments(cart_line.quantity, &promotions) {
            let mut line = Line {
                line_id: cart_line.line_id.clone(),
                product: cart_line.product.clone(),
                quantity,
                price: cart_line.price,
                discounted: line_total(cart_line.price, quantity),
                applied: Vec::new(),
            };
            for p in promotions {
                let amount = percent_of(line.discounted, percent_bp(p.percent));
                line.take(amount, |amount| Applied::Promotion {
                    id: p.id.clone(),
                    name: p.display_name().to_owned(),
                    amount,
                });
            }
            lines.push(line);
        }
    }
    lines
}

/// Applies the cart's promo codes in the order typed, each on what the ones before left.
fn apply_codes(config: &Config, cart: &Cart, lines: &mut [Line]) -> Vec<CouponInfo> {
    let after_promotions = sum(lines);
    let mut coupons: Vec<CouponInfo> = Vec::new();
    for code in &cart.coupons {
        let repeated = coupons.iter().any(|c| c.code.eq_ignore_ascii_case(code));
        let found = config.promo_code(code);
        let status = match found {
            None => CouponStatus::NotFound,
            Some(c) if !c.active => CouponStatus::AlreadyNotActive,
            Some(c) if c.used => CouponStatus::Used,
            Some(_) if repeated => CouponStatus::CanNotBeUsedForCurrentOrder,
            Some(c)
                if c.min_total
                    .is_some_and(|m| after_promotions < from_units(m)) =>
            {
                CouponStatus::CanNotBeUsedForCurrentOrder
            }
            Some(_) => CouponStatus::CanBeUsed,
        };
        let mut discount = 0;
        if let (CouponStatus::CanBeUsed, Some(promo_code)) = (status, found) {
            let shares = match promo_code.discount() {
                CodeDiscount::Percent(bp) => {
                    lines.iter().map(|l| percent_of(l.discounted, bp)).collect()
                }
                CodeDiscount::Amount(amount) => spread(amount, &weights(lines)),
            };
            for (line, share) in lines.iter_mut().zip(shares) {
                discount += line.take(share, |amount| Applied::Coupon {
                    code: code.clone(),
                    amount,
                });
            }
        }
        coupons.push(CouponInfo {
            code: code.clone(),
            status,
            discount,
        });
    }
    coupons
}

impl Line {
    /// Takes up to `amount` off the line, never below zero, and notes it when it is not
    /// nothing; gives what was taken.
    fn take(&mut self, amount: Kopecks, applied: impl FnOnce(Kopecks) -> Applied) -> Kopecks {
        let amount = amount.clamp(0, self.discounted);
        if amount > 0 {
            self.discounted -= amount;
            self.applied.push(applied(amount));
        }
        amount
    }
}

fn sum(lines: &[Line]) -> Kopecks {
    lines.iter().map(|l| l.discounted).sum()
}

fn weights(lines: &[Line]) -> Vec<Kopecks> {
    lines.iter().map(|l| l.discounted).collect()
}

/// Cuts a line's quantity where a promotion's unit limit ends: the units up to the smallest
/// limit get every promotion, the next ones every promotion but that one, and so on. Without
/// limits below the quantity, the line stays whole.
pub fn segments<'a>(quantity: i64, promotions: &[&'a Promotion]) -> Vec<(i64, Vec<&'a Promotion>)> {
    let limit = |p: &Promotion| {
        p.max_quantity_per_line
            .map(|m| i64::try_from(m).unwrap_or(i64::MAX).saturating_mul(1000))
    };
    let mut ends: Vec<i64> = promotions
        .iter()
        .filter_map(|p| limit(p))
        .filter(|end| *end < quantity)
        .collect();
    ends.sort_unstable();
    ends.dedup();
    ends.push(quantity);
    let mut start = 0;
    ends.into_iter()
        .map(|end| {
            let covered = promotions
                .iter()
                .copied()
                .filter(|p| limit(p).is_none_or(|l| l >= end))
                .collect();
            let segment = (end - start, covered);
            start = end;
            segment
        })
        .collect()
}

/// Whether an order's `totalPrice` is not the one calculated now: more than half a kopeck off.
pub fn price_has_changed(expected: f64, calculated: Kopecks) -> bool {
    (expected * 100.0 - calculated as f64).abs() > 0.5 + 1e-6
}
