//! Background delivery of the outbox.
//!
//! Each process that sends gets, per outbox and Mindbox endpoint, one deliverer: a dispatcher
//! thread that does all of the deliverer's work on the file (one write per cycle: settle the
//! answered items, hold the endpoint's lease, claim the next items at the rate limit's pace) and,
//! while there is something to send, up to `concurrency` worker threads that only make requests.
//! One process at a time holds an endpoint's lease and delivers; the others stand by and take
//! over at once when the holder dies, however it dies.
//!
//! - `registry`: this process's deliverers;
//! - `deliverer`: the state its threads share; `dispatch`: the dispatcher's loop;
//! - `workers`: the threads that send; `background`: their place with the scheduler;
//! - `spacing`: the rate limit kept at the moment of sending, late wake-ups included;
//! - `flush`: delivering on demand, and saying why it stopped;
//! - `credentials`: a call's answer that ends a refusal of the key;
//! - `state`: what a cycle found, for `flush()` and the dispatcher's rest;
//! - `outcome`, `holdoff`, `backoff`, `policy`: the decisions, pure and tested alone.

mod background;
pub(crate) mod backoff;
mod credentials;
mod deliverer;
mod dispatch;
mod flush;
mod holdoff;
mod outcome;
mod policy;
mod registry;
mod report;
mod spacing;
mod state;
mod workers;

pub(crate) use credentials::{key_look_due, key_taken};
pub use deliverer::Deliverer;
pub use flush::Reason;
pub(crate) use registry::deliverer;
pub use registry::stop_delivery;
pub use report::Report;
