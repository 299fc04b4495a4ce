//! Downloading a feed as Mindbox does: one GET, login and password as HTTP Basic, no redirect
//! followed, gzip either as `Content-Encoding: gzip` (with `Content-Type: text/xml`) or as
//! `Content-Type: application/x-gzip`, a charset only by its IANA name. What the head says
//! decides whether and how the body is read.
//!
//! hyper's own client, not a convenience one: the emulator must see the bytes and headers as
//! they came (a client that undoes gzip by itself hides what Mindbox checks). The body is
//! handed in chunks to a blocking thread that decompresses and parses it as it arrives.

use std::io::{self, BufRead, BufReader, Read};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use flate2::read::MultiGzDecoder;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

use super::Asked;
use super::head::{Gzip, Head, judge};
use super::parse::{self, Tally};
use super::rules::MAX_BYTES;

/// Mindbox downloads a feed in parts of five minutes at most.
const TIMEOUT: Duration = Duration::from_secs(300);
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Chunks in flight between the download and the parse: memory stays bounded.
const CHUNKS_AHEAD: usize = 16;

/// Downloads the feed and reads it into the tally; whatever goes wrong becomes an issue there.
pub async fn fetch(asked: &Asked, mut tally: Tally) -> (Head, Tally) {
    let deadline = Instant::now() + TIMEOUT;
    let mut head = Head::default();
    let response = match timeout_at(deadline, get(asked)).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            tally.issues.push(format!("cannot download the feed: {e}"));
            return (head, tally);
        }
        Err(_) => {
            tally.issues.push(format!("no answer within {TIMEOUT:?}"));
            return (head, tally);
        }
    };
    let header = |name: &str| {
        let value = response.headers().get(name)?;
        value.to_str().ok().map(str::to_owned)
    };
    head.status = Some(response.status().as_u16());
    head.content_type = header("content-type");
    let gzip = match judge(&head, header("content-encoding"), header("location")) {
        Ok(gzip) => gzip,
        Err(issue) => {
            tally.issues.push(issue);
            return (head, tally);
        }
    };
    head.gzip = gzip != Gzip::No;
    let (chunks, received) = mpsc::channel(CHUNKS_AHEAD);
    let reading = tokio::task::spawn_blocking(move || {
        let (bytes, read) = read_body(Chunks::new(received), gzip, &mut tally);
        (bytes, read, tally)
    });
    pump(response.into_body(), chunks, deadline).await;
    let Ok((bytes, read, mut tally)) = reading.await else {
        // Only a panic of the parse gets here; the tally went with it.
        let mut tally = Tally::default();
        tally
            .issues
            .push("the emulator failed reading the feed".into());
        return (head, tally);
    };
    head.bytes = bytes;
    if bytes > MAX_BYTES {
        tally.issues.push(format!(
            "the feed is larger than Mindbox's {MAX_BYTES} bytes (1.5 GB)"
        ));
    } else if let Err(e) = read {
        tally
            .issues
            .push(format!("the download broke off after {bytes} bytes: {e}"));
    }
    (head, tally)
}

async fn get(asked: &Asked) -> Result<Response<Incoming>, String> {
    let target = &asked.target;
    let stream = TcpStream::connect(target.addr)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", target.addr))?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    let mut request = Request::get(target.path_and_query.as_str())
        .header("host", target.host.as_str())
        .header("accept-encoding", "gzip")
        .header(
            "user-agent",
            "mindbox-emulator (Mindbox's product feed download)",
        );
    if let Some((login, password)) = &asked.credentials {
        let basic = STANDARD.encode(format!("{login}:{password}"));
        request = request.header("authorization", format!("Basic {basic}"));
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())
}

/// Passes the body's chunks on until it ends, fails, the deadline passes, or the reader stops
/// wanting them (it has seen enough: an issue, or the limit).
async fn pump(mut body: Incoming, chunks: mpsc::Sender<io::Result<Bytes>>, deadline: Instant) {
    loop {
        let chunk = match timeout_at(deadline, body.frame()).await {
            Ok(None) => return,
            Ok(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => Ok(data),
                Err(_) => continue, // trailers
            },
            Ok(Some(Err(e))) => Err(io::Error::other(e)),
            Err(_) => Err(io::Error::other(format!("not complete within {TIMEOUT:?}"))),
        };
        let failed = chunk.is_err();
        if chunks.send(chunk).await.is_err() || failed {
            return;
        }
    }
}

/// The body's chunks as a reader, for the blocking thread.
struct Chunks {
    received: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Chunks {
    fn new(received: mpsc::Receiver<io::Result<Bytes>>) -> Chunks {
        Chunks {
            received,
            current: Bytes::new(),
        }
    }
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.received.blocking_recv() {
                None => return Ok(0),
                Some(chunk) => self.current = chunk?,
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Reads the body into the tally; returns the bytes of XML read (after any gzip), and the
/// error that stopped the reading, if one did.
fn read_body(body: impl Read, gzip: Gzip, tally: &mut Tally) -> (u64, io::Result<()>) {
    let mut raw = BufReader::new(body);
    let is_gzip = match raw.fill_buf() {
        Ok(start) => start.starts_with(&GZIP_MAGIC),
        Err(e) => return (0, Err(e)),
    };
    let xml: Box<dyn Read + '_> = match gzip {
        Gzip::ByType | Gzip::ByEncoding if !is_gzip => {
            let header = if gzip == Gzip::ByType {
                "Content-Type"
            } else {
                "Content-Encoding"
            };
            tally
                .issues
                .push(format!("{header} says gzip but the body is not gzip"));
            return (0, Ok(()));
        }
        Gzip::No if is_gzip => {
            let issue = "the body is gzip, but neither Content-Encoding nor Content-Type says so";
            tally.issues.push(issue.into());
            return (0, Ok(()));
        }
        Gzip::ByType | Gzip::ByEncoding => Box::new(MultiGzDecoder::new(raw)),
        Gzip::No => Box::new(raw),
    };
    let mut counted = Counted {
        inner: xml,
        bytes: 0,
        limit: MAX_BYTES,
    };
    let read = parse::read(BufReader::new(&mut counted), tally);
    (counted.bytes, read)
}

/// Counts the bytes read, and fails once past Mindbox's limit, so that no feed is read
/// further than Mindbox would.
struct Counted<R> {
    inner: R,
    bytes: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.bytes > self.limit {
            return Err(io::Error::other("past Mindbox's limit"));
        }
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_stops_past_the_limit() {
        let mut counted = Counted {
            inner: &b"0123456789"[..],
            bytes: 0,
            limit: 4,
        };
        let mut buf = [0; 3];
        while counted.read(&mut buf).is_ok() {}
        assert_eq!(counted.bytes, 6, "the limit is passed by one read at most");
    }
}
