//! The listening socket, the accept loop and the routing of a request to its handler.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::Request;
use hyper::body::Incoming;
use tokio::net::{TcpListener, TcpSocket};

use crate::connection::{self, Connection};
use crate::contract::Caller;
use crate::reply::{self, Reply};
use crate::state::Emulator;
use crate::tracker;

/// Binds with SO_REUSEADDR so that a restarted emulator gets its old port back even while
/// connections of the previous process linger in TIME_WAIT.
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Accepts connections until a shutdown is requested through the control API (or stdin).
pub async fn serve(listener: TcpListener, emulator: Arc<Emulator>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection::serve(stream, emulator.clone()));
                }
                Err(e) => {
                    // Out of descriptors, most likely: back off instead of spinning.
                    eprintln!("mindbox-emulator: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            _ = emulator.shutdown.notified() => return,
        }
    }
}

pub async fn route(
    emulator: &Arc<Emulator>,
    connection: &Connection,
    request: Request<Incoming>,
) -> Reply {
    let is_control = request.uri().path().starts_with("/__emulator/");
    emulator.request_seen(&connection.tally, is_control);
    match request.uri().path() {
        "/v3/operations/sync" => {
            crate::mindbox::handle(emulator, connection, "sync", Caller::Server, request).await
        }
        "/v3/operations/async" => {
            crate::mindbox::handle(emulator, connection, "async", Caller::Server, request).await
        }
        tracker::SCRIPT_PATH => tracker::script(request.method()),
        "/tracker/v3/operations/sync" => {
            tracker::handle(emulator, connection, "tracker-sync", request).await
        }
        "/tracker/v3/operations/async" => {
            tracker::handle(emulator, connection, "tracker", request).await
        }
        path if path.starts_with("/__emulator/") => crate::control::handle(emulator, request).await,
        _ => reply::empty(404),
    }
}
