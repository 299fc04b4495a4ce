//! The programme through its operations, without HTTP: customers' keys, orders that spend and
//! earn, a changed price, the state file.

use serde_json::{Value, json};

use super::test_support::{balance, config, order_body, run, with_state_file};
use super::{Loyalty, customer_key};

#[test]
fn customers_are_keyed_by_their_first_id_in_name_order() {
    let key = |ids: Value| customer_key(&json!({"customer": {"ids": ids}}));
    assert_eq!(
        key(json!({"websiteID": "42"})).as_deref(),
        Some("websiteID:42")
    );
    assert_eq!(
        key(json!({"websiteID": "42", "mindboxId": 7})).as_deref(),
        Some("mindboxId:7")
    );
    assert_eq!(key(json!({"websiteID": ""})), None);
    assert_eq!(
        customer_key(&json!({"customer": {"email": "a@b.ru"}})),
        None
    );
}
#[test]
fn orders_spend_and_earn_and_a_changed_price_changes_nothing() {
    let (mut loyalty, path) = with_state_file("test");
    assert!(loyalty.answer("Website.SetCart", false, None).is_none());
    assert_eq!(balance(&mut loyalty), 100.0);
    loyalty.configure(config(
        json!({"balances": {"websiteID:42": 500}, "earnPercent": 10}),
    ));
    assert_eq!(balance(&mut loyalty), 500.0);

    let (stale, consumes) = run(
        &mut loyalty,
        "Website.CreateAuthorizedOrder",
        &order_body(1000.0, 200.0),
    );
    assert_eq!(stale["order"]["processingStatus"], "PriceHasBeenChanged");
    assert!(!consumes);
    assert_eq!(balance(&mut loyalty), 500.0);

    let (done, consumes) = run(
        &mut loyalty,
        "Website.CreateAuthorizedOrder",
        &order_body(800.0, 200.0),
    );
    assert!(consumes);
    assert_eq!(done["order"]["processingStatus"], "Processed");
    assert_eq!(
        done["order"]["ids"],
        json!({"mindboxId": 1, "websiteID": "A-1"})
    );
    assert_eq!(done["bonusPointsChanges"][0]["spentAmount"], 200.0);
    assert_eq!(done["bonusPointsChanges"][0]["earnedAmount"], 80.0);
    assert_eq!(balance(&mut loyalty), 380.0);

    // An offline order earns on its total and spends nothing.
    let offline = json!({"customer": {"ids": {"websiteID": "42"}}, "order": {"totalPrice": 50}});
    assert_eq!(
        run(&mut loyalty, "SaveOfflineOrder", &offline).0,
        json!({"status": "Success"})
    );
    assert_eq!(balance(&mut loyalty), 385.0);

    // Without a customer an unauthorized order touches no balance. The offline order was
    // order 2: Mindbox numbers every order it keeps.
    let mut anonymous = order_body(1000.0, 200.0);
    anonymous["customer"] = json!({"email": "a@b.ru"});
    anonymous["order"]["ids"] = json!({"websiteID": "A-2"});
    let (done, _) = run(&mut loyalty, "Website.CreateUnauthorizedOrder", &anonymous);
    assert_eq!(done["order"]["ids"]["mindboxId"], 3);
    assert_eq!(balance(&mut loyalty), 385.0);

    // A restart replays the state file.
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let mut restarted = Loyalty::new(None);
    text.lines().for_each(|l| restarted.replay(l));
    assert_eq!(balance(&mut restarted), 385.0);
    assert_eq!(restarted.config(), loyalty.config());
    let mut another = order_body(1000.0, 0.0);
    another["order"]["ids"] = json!({"websiteID": "A-3"});
    let (done, _) = run(&mut restarted, "CreateAuthorizedOrder", &another);
    assert_eq!(done["order"]["ids"]["mindboxId"], 4);

    let (invalid, _) = run(
        &mut restarted,
        "X.CalculateAuthorizedCart",
        &json!({"order": {}}),
    );
    assert_eq!(invalid["validationMessages"][0]["location"], "/order/lines");
}
