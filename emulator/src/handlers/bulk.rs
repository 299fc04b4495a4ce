//! `POST /v3/operations/bulk`: a bulk import. Checked as a server call (latency, faults by
//! operation, endpoint, key, transactionId), then as an import (`bulk::check`); a repeated
//! transactionId is answered at once, a new one takes a slot of the hourly window, and its
//! body streams through the CSV reader on a blocking thread, never held whole. Whatever the
//! answer, the body is read to its end first, so that a client still sending gets it.

use std::io::{self, Read};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{HeaderMap, Method, Request};
use tokio::sync::mpsc;

use super::answer::finish;
use super::{call, fault};
use crate::bulk::{self, Import, Parsed, Slot, TooLarge};
use crate::contract::{self, Caller, Rejection};
use crate::http::{self, Connection, Reply, reply};
use crate::state::faults::Kind;
use crate::state::journal::{Entry, Outcome};
use crate::state::{Emulator, State};

/// Chunks of body in flight to the reader: what bounds the memory an import takes.
const CHUNKS: usize = 16;

pub async fn handle(
    emulator: &Arc<Emulator>,
    connection: &Connection,
    request: Request<Incoming>,
) -> Reply {
    let (parts, body) = request.into_parts();
    let mut entry = call::new_entry(emulator, connection, "bulk", Caller::Server, &parts);
    if parts.method != Method::POST {
        return call::refuse_method(emulator, connection, entry, &parts.method);
    }
    if let Some(kind) = call::wait(emulator, &mut entry).await {
        if !matches!(kind, Kind::Reset | Kind::Hang) {
            forward(body, None).await;
        }
        return fault::inject(emulator, connection, entry, kind).await;
    }
    let config = emulator.lock().bulk.config.clone();
    let import = match check(emulator, &entry, &parts.headers, &config) {
        Ok(import) => import,
        Err(rejection) => {
            forward(body, None).await;
            return refuse(emulator, connection, entry, rejection, None);
        }
    };
    let admitted = {
        let mut state = emulator.lock();
        let transaction_id = entry.transaction_id.as_deref().unwrap_or_default();
        (!state.is_processed(transaction_id)).then(|| state.bulk.take_slot())
    };
    let reserved = match admitted {
        None => {
            forward(body, None).await;
            return already_processed(&mut emulator.lock(), connection, entry);
        }
        Some(Ok(slot)) => Reserved {
            emulator: emulator.clone(),
            slot: Some(slot),
        },
        Some(Err(retry_after)) => {
            forward(body, None).await;
            let message = format!(
                "Too many imports: {} an hour; the next slot frees in {retry_after} s",
                config.per_hour
            );
            let rejection = Rejection::new(429, message);
            return refuse(emulator, connection, entry, rejection, Some(retry_after));
        }
    };
    let read = match receive(body, import, config).await {
        Received::Parsed(bytes, parsed) => (bytes, parsed),
        Received::TooLarge(too_large) => {
            let rejection = Rejection::new(413, format!("Request body too large: {too_large}"));
            return refuse(emulator, connection, entry, rejection, None);
        }
        // Nobody is there to answer; the slot goes back as `reserved` drops.
        Received::Gone => return reply::empty(400),
        Received::Broken => {
            let answer = contract::error_body_for_status(500, "The import could not be read");
            return finish(emulator, connection, entry, Outcome::Fault, answer);
        }
    };
    complete(emulator, connection, entry, reserved, import.gzip, read)
}

/// Makes the task of an import whose body was read, and answers Success; unless the same
/// import, sent twice at once, was completed first by the other request.
fn complete(
    emulator: &Emulator,
    connection: &Connection,
    mut entry: Entry,
    mut reserved: Reserved,
    gzip: bool,
    (bytes, parsed): (u64, Parsed),
) -> Reply {
    let transaction_id = entry.transaction_id.clone().unwrap_or_default();
    let mut state = emulator.lock();
    if state.is_processed(&transaction_id) {
        reserved.give_back(&mut state);
        return already_processed(&mut state, connection, entry);
    }
    reserved.keep();
    let operation = entry.operation.clone().unwrap_or_default();
    state
        .bulk
        .complete(transaction_id, operation, bytes, gzip, parsed);
    let answer = contract::success();
    entry.http_status = 200;
    entry.mindbox_status = contract::mindbox_status(&answer);
    entry.outcome = Outcome::Processed;
    state.record(&connection.tally, entry);
    reply::json(200, &answer)
}

fn check(
    emulator: &Emulator,
    entry: &Entry,
    headers: &HeaderMap,
    config: &bulk::Config,
) -> Result<Import, Rejection> {
    let query = |name: &str| entry.query.get(name);
    emulator.accounts.check_server_head(
        entry.endpoint_id.as_deref(),
        entry.operation.as_deref(),
        http::header_str(headers, "authorization"),
        entry.transaction_id.as_deref(),
    )?;
    let asked = bulk::Asked {
        operation: entry.operation.as_deref(),
        transaction_id: entry.transaction_id.as_deref(),
        code_page: query("csvCodePage"),
        delimiter: query("csvColumnDelimiter"),
        qualifier: query("csvTextQualifier"),
        content_type: http::header_str(headers, "content-type"),
        content_encoding: http::header_str(headers, "content-encoding"),
    };
    bulk::check(&asked, config).map_err(|message| Rejection::new(400, message))
}

fn refuse(
    emulator: &Emulator,
    connection: &Connection,
    mut entry: Entry,
    rejection: Rejection,
    retry_after: Option<u64>,
) -> Reply {
    let answer = contract::protocol_error(rejection.http_status, &rejection.message);
    entry.error_message = Some(rejection.message);
    let reply = finish(emulator, connection, entry, Outcome::Rejected, Some(answer));
    match retry_after {
        Some(seconds) => reply::header(reply, "retry-after", &seconds.to_string()),
        None => reply,
    }
}

/// Answered under the lock that saw the transaction done, so no second task can slip in.
fn already_processed(state: &mut State, connection: &Connection, mut entry: Entry) -> Reply {
    let answer = contract::already_processed();
    entry.http_status = 200;
    entry.mindbox_status = contract::mindbox_status(&answer);
    entry.outcome = Outcome::Duplicate;
    state.record(&connection.tally, entry);
    reply::json(200, &answer)
}

/// A slot of the hourly window, given back unless the import made its task, however the
/// request ends (the client may go away mid-body and the handler be dropped).
struct Reserved {
    emulator: Arc<Emulator>,
    slot: Option<Slot>,
}

impl Reserved {
    fn keep(&mut self) {
        self.slot = None;
    }

    fn give_back(&mut self, state: &mut State) {
        if let Some(slot) = self.slot.take() {
            state.bulk.give_back(slot);
        }
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.emulator.lock().bulk.give_back(slot);
        }
    }
}

enum Received {
    /// The body's bytes as sent, and what the reader made of it.
    Parsed(u64, Parsed),
    TooLarge(TooLarge),
    /// The client went away before the body's end.
    Gone,
    /// The reader's thread ended without a result (a bug of the emulator's, not the client's).
    Broken,
}

/// Reads the body through the CSV reader on a blocking thread, the chunks handed over a
/// bounded channel.
async fn receive(body: Incoming, import: Import, config: bulk::Config) -> Received {
    let (sender, receiver) = mpsc::channel(CHUNKS);
    let reading = tokio::task::spawn_blocking(move || {
        let chunks = Chunks {
            receiver,
            current: Bytes::new(),
        };
        let source = bulk::open(chunks, import.gzip, config.max_bytes);
        bulk::read(source, import.kind, import.dialect, &config)
    });
    let forwarded = forward(body, Some(sender)).await;
    match (forwarded, reading.await) {
        (Some(bytes), Ok(Ok(parsed))) => Received::Parsed(bytes, parsed),
        (Some(_), Ok(Err(too_large))) => Received::TooLarge(too_large),
        (None, _) => Received::Gone,
        (Some(_), Err(_)) => Received::Broken,
    }
}

/// Reads the body to its end, handing its chunks to `to` while it takes them; the bytes
/// read, or `None` when the client went away first.
async fn forward(mut body: Incoming, mut to: Option<mpsc::Sender<Bytes>>) -> Option<u64> {
    let mut bytes = 0u64;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.ok()?.into_data() else {
            continue;
        };
        bytes += data.len() as u64;
        if let Some(sender) = &to
            && sender.send(data).await.is_err()
        {
            // The reader is done (a failed header, the limit passed): the rest is drained.
            to = None;
        }
    }
    Some(bytes)
}

/// The body's chunks as a `Read` for the blocking reader; the channel's end is the body's.
struct Chunks {
    receiver: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.receiver.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}
