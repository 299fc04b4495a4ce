//! The order node of a calculation or an order, read into kopecks and thousandths, with
//! lines that Mindbox split earlier put back together.

use serde_json::Value;

use super::money::{Kopecks, parse_money, parse_quantity};

#[derive(Debug, Clone, PartialEq)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    /// Promo codes as the shopper typed them, in request order.
    pub coupons: Vec<String>,
    /// Points the shopper asked to spend.
    pub points: Kopecks,
    pub delivery_cost: Option<Kopecks>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CartLine {
    pub line_id: Option<Value>,
    pub product: Value,
    /// Every value of `product.ids`, as promotions match them.
    pub product_ids: Vec<String>,
    pub quantity: i64,
    pub price: Kopecks,
}

/// Why a request cannot be calculated, as a Mindbox validation message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    pub location: String,
}

fn invalid(location: String, message: &str) -> Invalid {
    Invalid {
        message: message.to_owned(),
        location,
    }
}

impl Cart {
    /// Reads `order` of a request body. Lines that share a `lineId`, a product and a price are
    /// merged: they are the parts of a line Mindbox split before, and are split again the
    /// same way, so a client that sends back what it was given gets the same answer.
    pub fn parse(order: Option<&Value>) -> Result<Cart, Invalid> {
        let Some(order) = order.and_then(Value::as_object) else {
            return Err(invalid("/order".into(), "order is required"));
        };
        let Some(raw_lines) = order.get("lines").and_then(Value::as_array) else {
            return Err(invalid(
                "/order/lines".into(),
                "order.lines must be an array",
            ));
        };
        let mut lines: Vec<CartLine> = Vec::new();
        for (i, raw) in raw_lines.iter().enumerate() {
            let line = parse_line(raw, &format!("/order/lines/{i}"))?;
            match lines.iter_mut().find(|l| same_line(l, &line)) {
                Some(earlier) => earlier.quantity += line.quantity,
                None => lines.push(line),
            }
        }
        let coupons = list(order, "coupons")?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.pointer("/ids/code")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        invalid(
                            format!("/order/coupons/{i}/ids/code"),
                            "a coupon needs a code",
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        let mut points = 0;
        for (i, p) in list(order, "bonusPoints")?.iter().enumerate() {
            points += p.get("amount").and_then(parse_money).ok_or_else(|| {
                invalid(
                    format!("/order/bonusPoints/{i}/amount"),
                    "amount must be a non-negative number",
                )
            })?;
        }
        let delivery_cost = match order.get("deliveryCost") {
            None | Some(Value::Null) => None,
            Some(v) => Some(parse_money(v).ok_or_else(|| {
                invalid(
                    "/order/deliveryCost".into(),
                    "deliveryCost must be a non-negative number",
                )
            })?),
        };
        Ok(Cart {
            lines,
            coupons,
            points,
            delivery_cost,
        })
    }
}

fn list<'a>(order: &'a serde_json::Map<String, Value>, name: &str) -> Result<&'a [Value], Invalid> {
    match order.get(name) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(invalid(
            format!("/order/{name}"),
            &format!("{name} must be an array"),
        )),
    }
}

fn parse_line(raw: &Value, at: &str) -> Result<CartLine, Invalid> {
    let product = raw
        .get("product")
        .filter(|p| p.is_object())
        .ok_or_else(|| invalid(format!("{at}/product"), "a line needs a product"))?;
    let product_ids = product
        .get("ids")
        .and_then(Value::as_object)
        .map(|ids| ids.values().filter_map(id_text).collect())
        .unwrap_or_default();
    let quantity = raw
        .get("quantity")
        .and_then(parse_quantity)
        .ok_or_else(|| {
            invalid(
                format!("{at}/quantity"),
                "quantity must be a positive number",
            )
        })?;
    let price = raw
        .get("basePricePerItem")
        .and_then(parse_money)
        .ok_or_else(|| {
            invalid(
                format!("{at}/basePricePerItem"),
                "basePricePerItem must be a non-negative number",
            )
        })?;
    let line_id = raw.get("lineId").filter(|v| !v.is_null()).cloned();
    Ok(CartLine {
        line_id,
        product: product.clone(),
        product_ids,
        quantity,
        price,
    })
}

/// An id as text, whether the client sent it as a string or a number.
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn same_line(a: &CartLine, b: &CartLine) -> bool {
    a.line_id.is_some() && a.line_id == b.line_id && a.product == b.product && a.price == b.price
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_cart_and_merges_split_lines() {
        let order = json!({
            "deliveryCost": 300,
            "lines": [
                {"lineId": "b17", "lineNumber": 1, "product": {"ids": {"website": "SKU-1"}},
                 "quantity": 1, "basePricePerItem": 333.33},
                {"lineId": "b18", "product": {"ids": {"website": 7}}, "quantity": 0.5,
                 "basePricePerItem": 10},
                {"lineId": "b17", "lineNumber": 3, "product": {"ids": {"website": "SKU-1"}},
                 "quantity": 2, "basePricePerItem": 333.33},
                {"product": {"ids": {"website": "SKU-1"}}, "quantity": 1, "basePricePerItem": 1},
                {"product": {"ids": {"website": "SKU-1"}}, "quantity": 1, "basePricePerItem": 1},
            ],
            "coupons": [{"ids": {"code": "WELCOME"}}],
            "bonusPoints": [{"amount": 100}, {"amount": 50.5}],
        });
        let cart = Cart::parse(Some(&order)).unwrap();
        assert_eq!(cart.lines.len(), 4);
        assert_eq!((cart.lines[0].quantity, cart.lines[0].price), (3000, 33333));
        assert_eq!(cart.lines[1].product_ids, ["7"]);
        assert_eq!(cart.coupons, ["WELCOME"]);
        assert_eq!(cart.points, 15050);
        assert_eq!(cart.delivery_cost, Some(30000));
    }

    #[test]
    fn says_where_a_request_is_wrong() {
        let at = |order: Value| Cart::parse(Some(&order)).unwrap_err().location;
        let line = json!({"product": {"ids": {"w": "1"}}, "quantity": 1, "basePricePerItem": 1});
        assert_eq!(at(json!({})), "/order/lines");
        assert_eq!(
            at(json!({"lines": [line, {"quantity": 1}]})),
            "/order/lines/1/product"
        );
        let mut no_price = line.clone();
        no_price["basePricePerItem"] = json!(-5);
        assert_eq!(
            at(json!({"lines": [no_price]})),
            "/order/lines/0/basePricePerItem"
        );
        assert_eq!(
            at(json!({"lines": [], "coupons": [{"ids": {}}]})),
            "/order/coupons/0/ids/code"
        );
        assert_eq!(
            at(json!({"lines": [], "bonusPoints": [{"amount": "x"}]})),
            "/order/bonusPoints/0/amount"
        );
        assert_eq!(Cart::parse(None).unwrap_err().location, "/order");
    }
}
