//! Mindbox's bulk imports (issue 19): `POST /v3/operations/bulk` with a CSV body, which creates
//! an import task. Pure logic; the handlers stream the body in and the state keeps the result.
//!
//! `request` checks the request's parameters, `body` limits its size (and decompresses it),
//! `read` reads its CSV with the columns of each import (`columns`) and the checks of their
//! values (`values`, `dates`) into the rows of `customers` and `orders`, whose stores apply
//! them; `task` is what an import leaves; `window` is the hourly limit; `config` what a test
//! sets. It imports nothing of `loyalty` or `feed`.
//!
//! The columns (names exact, case included; a header's BOM is dropped):
//! - customers (`DirectCrm.Customers.Import`, a row per customer): one per configured
//!   customer id system (`websiteID`), `FirstName`, `LastName`, `MiddleName`, `MobilePhone`,
//!   `Email`, `BirthDate`, `SourceDateTimeUtc`, `SourcePointOfContact`, `IsSubscribed` (true,
//!   false, 1, 0), `CustomField<name>`. A row without an id, e-mail or phone, or with a bad
//!   phone (10 to 15 digits, `+`, spaces, dashes, brackets around them), e-mail, date or
//!   boolean, is rejected. A customer is upserted by its ids (by its e-mail, else its phone,
//!   when the row has none); an empty cell changes nothing.
//! - orders (`RetailOrder.Import`, a row per line): `OrderIds<name>`, `CustomerIds<name>` (a
//!   configured customer system), `CustomerEmail`, `CustomerMobilePhone`,
//!   `OrderCreationDateTimeUtc`, `OrderLastUpdateDateTimeUtc`, `PointOfContact`,
//!   `OrderTotalPrice`, `OrderDeliveryCost`, `OrderLineProductIds<name>`, `OrderLineQuantity`,
//!   `OrderLinePriceOfLine`, `OrderLineStatus`, `OrderLineId`. A row without an order id, a
//!   product id or a status, with a quantity not > 0, a price of line, total or delivery cost
//!   not a number ≥ 0 (a point, no exponent), a bad date, phone or e-mail, is rejected. An
//!   order is found by any of its ids; its rows in one import replace its lines.
//! - a row whose cell count is not the header's, or with a cell not UTF-8, is rejected; dates
//!   are read in the configured formats and shown as `yyyy-MM-dd HH:mm:ss` (`BirthDate` as
//!   `yyyy-MM-dd`), phones as their digits.

mod body;
mod columns;
mod config;
mod customers;
mod dates;
mod orders;
mod read;
#[cfg(test)]
mod read_tests;
mod request;
mod task;
mod values;
mod window;

pub use body::{TooLarge, open};
pub use config::Config;
pub use customers::Customers;
pub use orders::Orders;
pub use read::{Parsed, Staged, read};
pub use request::{Asked, Import, check};
pub use task::{Status, Task};
pub use window::{Slot, Window};

/// The imports the emulator knows, whatever the project names their operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `DirectCrm.Customers.Import`: a row per customer.
    Customers,
    /// `RetailOrder.Import`: a row per order line.
    Orders,
}
