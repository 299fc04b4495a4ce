//! The listening socket and the accept loop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket};

use super::connection::{self, Route};
use crate::state::Emulator;

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
pub async fn serve(listener: TcpListener, emulator: Arc<Emulator>, route: impl Route) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection::serve(stream, emulator.clone(), route));
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
