//! One accepted TCP connection: served by hyper until a fault needs the raw socket (to reset
//! it, to hold it without answering, or to write a response hyper would refuse to write).

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use crate::state::Emulator;

/// What a request handler asks the connection task to do with the socket instead of answering.
#[derive(Debug)]
pub enum Takeover {
    /// Close with RST (SO_LINGER 0), as a crashed peer or a middlebox would.
    Reset,
    /// Say nothing until the client gives up.
    Hang,
    /// Write these bytes as they are, then close.
    WriteAndClose(Bytes),
}

/// How long a hung connection is held at most if the client never goes away.
const HANG_LIMIT: Duration = Duration::from_secs(600);

pub struct Connection {
    pub id: u64,
    accepted_in_epoch: u64,
    counted_in_epoch: AtomicU64,
    first_request_seen: AtomicBool,
    is_control: AtomicBool,
    takeover: Mutex<Option<Takeover>>,
    wake: Notify,
}

impl Connection {
    fn new((id, accepted_in_epoch): (u64, u64)) -> Connection {
        Connection {
            id,
            accepted_in_epoch,
            counted_in_epoch: AtomicU64::new(u64::MAX),
            first_request_seen: AtomicBool::new(false),
            is_control: AtomicBool::new(false),
            takeover: Mutex::new(None),
            wake: Notify::new(),
        }
    }

    /// Called for each request: a connection that opens with a control request belongs to the
    /// harness and leaves the connection counts.
    pub fn saw_request(&self, emulator: &Emulator, is_control: bool) {
        if !self.first_request_seen.swap(true, Ordering::Relaxed) && is_control {
            self.is_control.store(true, Ordering::Relaxed);
            emulator.connection_is_control(self.accepted_in_epoch);
        }
    }

    /// True the first time it is asked for a given reset epoch.
    pub fn first_call_in_epoch(&self, epoch: u64) -> bool {
        self.counted_in_epoch.swap(epoch, Ordering::Relaxed) != epoch
    }

    /// Hands the socket over to the connection task; the calling handler must then never
    /// complete, or hyper would answer on a socket that is no longer its own.
    pub async fn take_over<T>(&self, takeover: Takeover) -> T {
        *self.takeover.lock().unwrap_or_else(|p| p.into_inner()) = Some(takeover);
        self.wake.notify_one();
        std::future::pending().await
    }
}

/// Decrements the open-connection gauge however the task ends, including on runtime shutdown.
struct OpenGuard(Arc<Emulator>, Arc<Connection>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        if !self.1.is_control.load(Ordering::Relaxed) {
            self.0.connection_closed();
        }
    }
}

pub async fn serve(stream: TcpStream, emulator: Arc<Emulator>) {
    // Small answers must not wait for Nagle and delayed ACKs: clients measure latency.
    let _ = stream.set_nodelay(true);
    let connection = Arc::new(Connection::new(emulator.connection_opened()));
    let _open = OpenGuard(emulator.clone(), connection.clone());

    let service = {
        let emulator = emulator.clone();
        let connection = connection.clone();
        service_fn(move |request| {
            let emulator = emulator.clone();
            let connection = connection.clone();
            async move {
                Ok::<_, Infallible>(crate::server::route(&emulator, &connection, request).await)
            }
        })
    };
    let mut http = http1::Builder::new()
        // Idle keep-alive connections stay open as long as the client wants: pooling clients
        // are what the tests measure, and there is no slow-loris to fear on loopback.
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(stream), service);

    let taken_over = tokio::select! {
        _ = &mut http => false,
        _ = connection.wake.notified() => true,
    };
    if !taken_over {
        return;
    }
    let takeover = connection
        .takeover
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    let mut stream = http.into_parts().io.into_inner();
    match takeover {
        Some(Takeover::Reset) | None => {
            let _ = stream.set_zero_linger();
        }
        Some(Takeover::Hang) => {
            let mut sink = [0u8; 4096];
            let _ = tokio::time::timeout(HANG_LIMIT, async {
                while let Ok(1..) = stream.read(&mut sink).await {}
            })
            .await;
        }
        Some(Takeover::WriteAndClose(bytes)) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
    }
}
