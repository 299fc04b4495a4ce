//! The HTTP plumbing under the handlers: the listening socket, each connection with the raw
//! socket the faults take over, reading a request's head and building responses. It imports
//! only the state (for the connection counts and the shutdown), never the handlers.

mod connection;
mod listener;
pub mod reply;
mod request;

pub use connection::{Connection, Takeover};
pub use listener::{bind, serve};
pub use reply::Reply;
pub use request::{decode_query, header_str};
