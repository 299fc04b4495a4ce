//! A loopback HTTP server for the sender's tests: answers each request with the next of its
//! script, keeps what it was sent (request line, headers, body), and stops when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

/// A status line's rest (`200 OK`), extra header lines, a body. `None`: no answer at all, the
/// connection held until the client gives up.
pub(super) type Answer = Option<(&'static str, &'static str, &'static str)>;

pub(super) fn ok(body: &'static str) -> Answer {
    Some(("200 OK", "", body))
}

#[derive(Debug)]
pub(super) struct Seen {
    pub(super) line: String,
    /// Names in lower case.
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Seen {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(super) struct Server {
    pub(super) url: String,
    addr: SocketAddr,
    seen: mpsc::Receiver<Seen>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Answers with `script` in turn, its last answer again once it runs out.
    pub(super) fn start(script: Vec<Answer>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tell, seen) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut script = script.into_iter();
            let mut last = None;
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let answer = script.next().unwrap_or(last);
                last = answer;
                serve(stream, answer, &tell);
            }
        });
        Server {
            url: format!("http://{addr}"),
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// What was sent since the last look.
    pub(super) fn seen(&self) -> Vec<Seen> {
        self.seen.try_iter().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Tells what it was sent before it answers, so a test that has its answer finds the request
/// already in `seen()`.
fn serve(stream: TcpStream, answer: Answer, tell: &mpsc::Sender<Seen>) -> Option<()> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header == "\r\n" {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let _ = tell.send(Seen {
        line: line.trim_end().to_string(),
        headers,
        body,
    });
    match answer {
        Some((status, extra, text)) => {
            let _ = write!(
                reader.get_mut(),
                "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
        }
        // Silent until the client hangs up.
        None => while reader.read(&mut [0; 64]).is_ok_and(|n| n > 0) {},
    }
    Some(())
}
