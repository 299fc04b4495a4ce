//! The pure-Rust core: everything the extension does, with no PHP type anywhere, so that all of
//! it is tested with `cargo test`.

pub mod balance;
pub mod client;
pub mod config;
pub mod delivery;
pub mod error;
pub mod exchange;
pub mod log;
pub mod mask;
pub mod normalize;
pub mod outbox;
pub mod private;
pub mod process;
pub mod request;
pub mod resolve;
pub mod response;
pub mod transport;
