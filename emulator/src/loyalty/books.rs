//! The programme's books: its configuration, the balances orders changed, the ledger of
//! orders with what each holds, and the state file every change is written to.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::config::{Config, PromoCode};
use super::content::{Content, view};
use super::ledger::{Ledger, Order};
use super::money::{Kopecks, money, percent_bp, percent_of};

pub struct Loyalty {
    pub(super) config: Config,
    /// Balances that orders have changed since the configuration was set; every other
    /// customer has the configuration's.
    kept: BTreeMap<String, Kopecks>,
    /// Kept across a new configuration, as Mindbox keeps its orders when a programme changes:
    /// a later cancellation still finds what it undoes.
    pub(super) ledger: Ledger,
    /// The `--state-file`, shared with the processed transactions, so that balances and the
    /// ledger outlive a restart as the transactions that changed them do.
    file: Option<File>,
}

/// A line of the state file. Transaction ids are GUIDs, so a line that opens a JSON object
/// is never mistaken for one.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Record {
    Loyalty(Config),
    Balance {
        customer: String,
        kopecks: Kopecks,
    },
    /// An order as it is after each change; the last line of a Mindbox id wins.
    Order(Order),
    /// What an order holds after each change, likewise.
    #[serde(rename_all = "camelCase")]
    Content {
        mindbox_id: u64,
        content: Content,
    },
}

impl Loyalty {
    pub fn new(file: Option<File>) -> Loyalty {
        Loyalty {
            config: Config::default(),
            kept: BTreeMap::new(),
            ledger: Ledger::default(),
            file,
        }
    }

    /// Applies a line of the state file; lines it does not understand are skipped.
    pub fn replay(&mut self, line: &str) {
        match serde_json::from_str::<Record>(line) {
            Ok(Record::Loyalty(config)) => {
                self.config = config;
                self.kept.clear();
            }
            Ok(Record::Balance { customer, kopecks }) => {
                self.kept.insert(customer, kopecks);
            }
            Ok(Record::Order(order)) => self.ledger.keep(order),
            Ok(Record::Content {
                mindbox_id,
                content,
            }) => self.ledger.keep_content(mindbox_id, content),
            Err(_) => {}
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A new configuration starts the balances afresh: those it lists, or its default, replace
    /// what earlier orders left.
    pub fn configure(&mut self, config: Config) {
        self.persist(&Record::Loyalty(config.clone()));
        self.config = config;
        self.kept.clear();
    }

    /// Back to the default programme; the caller empties the state file.
    pub fn reset(&mut self) {
        self.config = Config::default();
        self.kept.clear();
        self.ledger.clear();
    }

    /// Every order and the balance of every customer the programme knows, its configuration's
    /// included, for `GET /__emulator/loyalty/ledger`.
    pub fn ledger(&self) -> Value {
        let customers = self.config.balances.keys().chain(self.kept.keys());
        let balances: BTreeMap<&String, Value> = customers
            .map(|c| (c, money(self.balance(Some(c)))))
            .collect();
        json!({"orders": self.ledger.orders(), "balances": balances})
    }

    /// Every order Mindbox was told of, oldest first, as `GET /__emulator/orders` lists them.
    pub fn orders(&self) -> Value {
        let orders = self.ledger.orders().iter();
        orders
            .map(|o| view(o, &self.ledger.content(o.mindbox_id)))
            .collect()
    }

    /// The order that `ids` name, the latest should two share an id, as
    /// `GET /__emulator/orders?websiteID=…` shows it.
    pub fn order(&self, ids: &Value) -> Option<Value> {
        let order = self.ledger.find(Some(ids))?;
        Some(view(order, &self.ledger.content(order.mindbox_id)))
    }

    /// The programme as it stands now: a single-use code that an active order took is used.
    pub(super) fn programme(&self) -> Cow<'_, Config> {
        self.programme_for(None)
    }

    /// The programme as `own` (an order being recalculated) sees it: Mindbox recalculates an
    /// order with what was available to it at its first save (next-wave.md §3.2), so the codes
    /// it took are its own to keep, not used, single-use or not.
    pub(super) fn programme_for(&self, own: Option<&Order>) -> Cow<'_, Config> {
        let besides = own.map(|o| o.mindbox_id);
        let used = |code: &PromoCode| {
            let taken = code.once && self.ledger.uses(&code.code, besides);
            (code.used || taken) && !own.is_some_and(|o| o.took(&code.code))
        };
        if self.config.promo_codes.iter().all(|c| used(c) == c.used) {
            return Cow::Borrowed(&self.config);
        }
        let mut config = self.config.clone();
        for code in &mut config.promo_codes {
            code.used = used(code);
        }
        Cow::Owned(config)
    }

    pub(super) fn balance(&self, customer: Option<&str>) -> Kopecks {
        match customer.and_then(|c| self.kept.get(c)) {
            Some(kept) => *kept,
            None => self.config.starting_balance(customer),
        }
    }

    /// Records a new order and moves its points on its customer's balance.
    pub(super) fn book(&mut self, order: Order) {
        self.credit(
            order.customer.as_deref(),
            order.earned_points - order.spent_points,
        );
        self.keep(order);
    }

    /// Writes the order as it is now to the ledger and the state file.
    pub(super) fn keep(&mut self, order: Order) {
        self.persist(&Record::Order(order.clone()));
        self.ledger.keep(order);
    }

    /// Writes what the order holds now to the ledger and the state file.
    pub(super) fn keep_content(&mut self, mindbox_id: u64, content: Content) {
        self.persist(&Record::Content {
            mindbox_id,
            content: content.clone(),
        });
        self.ledger.keep_content(mindbox_id, content);
    }

    pub(super) fn credit(&mut self, customer: Option<&str>, kopecks: Kopecks) {
        if let Some(customer) = customer
            && kopecks != 0
        {
            let balance = self.balance(Some(customer)) + kopecks;
            self.persist(&Record::Balance {
                customer: customer.to_owned(),
                kopecks: balance,
            });
            self.kept.insert(customer.to_owned(), balance);
        }
    }

    pub(super) fn earned_on(&self, total: Kopecks, has_customer: bool) -> Kopecks {
        if has_customer {
            percent_of(total, percent_bp(self.config.earn_percent))
        } else {
            0
        }
    }

    fn persist(&mut self, record: &Record) {
        if let (Some(file), Ok(mut line)) = (&mut self.file, serde_json::to_string(record)) {
            line.push('\n');
            let _ = file.write_all(line.as_bytes());
        }
    }
}
