//! The handlers, on top of everything else: a Mindbox call (`call`, ended by `answer` or
//! `fault`), a bulk import (`bulk`), the tracker's script and endpoint (`tracker`) and the
//! control API (`control`).

mod answer;
mod bulk;
mod call;
mod control;
mod fault;
mod tracker;

use std::sync::Arc;

use hyper::Request;
use hyper::body::Incoming;

use crate::contract::Caller;
use crate::http::{Connection, Reply, reply};
use crate::state::Emulator;

const CONTROL: &str = "/__emulator/";

/// The route table, handed to `http::serve`.
pub async fn route(
    emulator: Arc<Emulator>,
    connection: Arc<Connection>,
    request: Request<Incoming>,
) -> Reply {
    let is_control = request.uri().path().starts_with(CONTROL);
    emulator.request_seen(&connection.tally, is_control);
    let server =
        |endpoint, request| call::handle(&emulator, &connection, endpoint, Caller::Server, request);
    match request.uri().path() {
        "/v3/operations/sync" => server("sync", request).await,
        "/v3/operations/async" => server("async", request).await,
        "/v3/operations/bulk" => bulk::handle(&emulator, &connection, request).await,
        tracker::SCRIPT_PATH => tracker::script(request.method()),
        "/tracker/v3/operations/sync" => {
            tracker::handle(&emulator, &connection, "tracker-sync", request).await
        }
        "/tracker/v3/operations/async" => {
            tracker::handle(&emulator, &connection, "tracker", request).await
        }
        path if path.starts_with(CONTROL) => control::handle(&emulator, request).await,
        _ => reply::empty(404),
    }
}
