//! Mindbox's bulk imports (issue 19): `POST /v3/operations/bulk` with a CSV body, which creates
//! an import task. Pure logic; the handlers stream the body in and the state keeps the result.
//!
//! `request` checks the request's parameters, `body` limits its size (and decompresses it),
//! `read` reads its CSV with the columns of each import (`columns`) and the checks of their
//! values (`values`, `dates`) into the rows of `customers` and `orders`, whose stores apply
//! them; `task` is what an import leaves; `window` is the hourly limit; `config` what a test
//! sets. It imports nothing of `loyalty` or `feed`.

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
