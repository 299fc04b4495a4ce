//! One accepted TCP connection: served by hyper until a fault needs the raw socket (to reset
//! it, to hold it without answering, or to write a response hyper would refuse to write).

use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use super::reply::Reply;
use crate::state::{Emulator, Tally};

/// What answers a request: the handlers, which sit above this plumbing and are handed to it at
/// start-up, so that it never imports them.
pub trait Route: Copy + Send + Sync + 'static {
    fn answer(
        self,
        emulator: Arc<Emulator>,
        connection: Arc<Connection>,
        request: Request<Incoming>,
    ) -> impl Future<Output = Reply> + Send + 'static;
}

impl<F, A> Route for F
where
    F: Fn(Arc<Emulator>, Arc<Connection>, Request<Incoming>) -> A + Copy + Send + Sync + 'static,
    A: Future<Output = Reply> + Send + 'static,
{
    fn answer(
        self,
        emulator: Arc<Emulator>,
        connection: Arc<Connection>,
        request: Request<Incoming>,
    ) -> impl Future<Output = Reply> + Send + 'static {
        self(emulator, connection, request)
    }
}

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
    pub tally: Tally,
    takeover: Mutex<Option<Takeover>>,
    wake: Notify,
}

impl Connection {
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
        self.0.connection_closed(&self.1.tally);
    }
}

pub async fn serve(stream: TcpStream, emulator: Arc<Emulator>, route: impl Route) {
    // Small answers must not wait for Nagle and delayed ACKs: clients measure latency.
    let _ = stream.set_nodelay(true);
    let connection = Arc::new(Connection {
        tally: emulator.connection_opened(),
        takeover: Mutex::new(None),
        wake: Notify::new(),
    });
    let _open = OpenGuard(emulator.clone(), connection.clone());

    let service = {
        let emulator = emulator.clone();
        let connection = connection.clone();
        service_fn(move |request| {
            let answer = route.answer(emulator.clone(), connection.clone(), request);
            async move { Ok::<_, Infallible>(answer.await) }
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
