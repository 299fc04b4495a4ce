//! `POST /__emulator/feed` over HTTP: the emulator fetches feeds from a small server on
//! loopback the way Mindbox does, and says what Mindbox would import and reject.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use common::Emulator;

/// `login:password` in HTTP Basic.
const BASIC: &str = "Basic bG9naW46cGFzc3dvcmQ=";

fn feed(offers: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<yml_catalog date=\"2026-01-01T00:00:00+00:00\">\
         <shop><name>S</name><currencies><currency id=\"RUB\" rate=\"1\"/></currencies>\
         <categories><category id=\"1\">Dresses</category></categories>\
         <offers>{offers}</offers></shop></yml_catalog>\n"
    )
}

fn offer(id: &str, extra: &str) -> String {
    format!(
        "<offer id=\"{id}\" group_id=\"p-{id}\"><price>10</price><currencyId>RUB</currencyId>\
         <categoryId>1</categoryId>{extra}</offer>"
    )
}

fn good() -> String {
    feed(
        &(1..=3)
            .map(|i| offer(&format!("sku-{i}"), ""))
            .collect::<String>(),
    )
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

/// The answer for a path: status, headers, body.
fn answer(path: &str, authorization: Option<&str>) -> (u16, Vec<(&'static str, String)>, Vec<u8>) {
    let xml = |ct: &str| vec![("content-type", ct.to_string())];
    match path {
        "/plain.yml" => (200, xml("text/xml; charset=utf-8"), good().into_bytes()),
        "/encoded.yml" => {
            let mut headers = xml("text/xml");
            headers.push(("content-encoding", "gzip".into()));
            (200, headers, gzip(&good()))
        }
        "/typed.yml.gz" => (200, xml("application/x-gzip"), gzip(&good())),
        "/not-gzip-typed" => (200, xml("application/x-gzip"), good().into_bytes()),
        "/not-gzip-encoded" => {
            let mut headers = xml("text/xml");
            headers.push(("content-encoding", "gzip".into()));
            (200, headers, good().into_bytes())
        }
        "/undeclared-gzip" => (200, xml("text/xml"), gzip(&good())),
        "/utf8" => (200, xml("text/xml; charset=utf8"), good().into_bytes()),
        "/secret.yml" if authorization == Some(BASIC) => {
            (200, xml("text/xml"), good().into_bytes())
        }
        "/secret.yml" => {
            let challenge = ("www-authenticate", "Basic realm=\"feed\"".to_string());
            (401, vec![challenge], Vec::new())
        }
        "/moved" => (302, vec![("location", "/plain.yml".into())], Vec::new()),
        "/bad.yml" => (
            200,
            xml("text/xml"),
            good().replace("</offers>", "").into_bytes(),
        ),
        "/rules.yml" => {
            let offers = [
                offer(&"x".repeat(201), ""),
                offer(
                    "long",
                    &format!("<description>{}</description>", "я".repeat(10_001)),
                ),
                offer("twice", ""),
                offer("twice", ""),
                offer(
                    "fine",
                    &format!("<description>{}</description>", "я".repeat(10_000)),
                ),
            ];
            (200, xml("text/xml"), feed(&offers.concat()).into_bytes())
        }
        _ => (404, Vec::new(), Vec::new()),
    }
}

/// Serves [`answer`] on 127.0.0.1 until dropped.
struct FeedServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FeedServer {
    fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                if let Ok(stream) = stream {
                    serve(stream);
                }
            }
        });
        FeedServer {
            port,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_string());
        }
    }
    let (status, headers, body) = answer(&path, authorization.as_deref());
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn verdict(emu: &Emulator, body: Value) -> Value {
    emu.control("POST", "/feed", Some(body))
}

fn issues(v: &Value) -> String {
    v["issues"].to_string()
}

#[test]
fn a_feed_is_read_plain_or_gzip_either_way() {
    let (emu, server) = (Emulator::start(&[]), FeedServer::start());
    for (path, gzip) in [
        ("/plain.yml", false),
        ("/encoded.yml", true),
        ("/typed.yml.gz", true),
    ] {
        let v = verdict(
            &emu,
            json!({"url": server.url(path), "ids": ["sku-1", "sku-9", 42]}),
        );
        assert_eq!(v["issues"], json!([]), "{path}");
        assert_eq!(v["status"], 200);
        assert_eq!(v["gzip"], gzip, "{path}");
        assert_eq!(v["bytes"], good().len(), "{path}: the XML's bytes");
        assert_eq!(
            (v["offers"].as_u64(), v["groups"].as_u64()),
            (Some(3), Some(3))
        );
        assert_eq!(
            (v["categories"].as_u64(), v["currencies"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(v["rejected"], json!([]));
        assert_eq!(v["missingIds"], json!(["sku-9", "42"]));
    }
    let without_ids = verdict(&emu, json!({"url": server.url("/plain.yml")}));
    assert!(without_ids.get("missingIds").is_none());
}

#[test]
fn gzip_must_be_what_the_headers_say() {
    let (emu, server) = (Emulator::start(&[]), FeedServer::start());
    for (path, said) in [
        (
            "/not-gzip-typed",
            "Content-Type says gzip but the body is not gzip",
        ),
        (
            "/not-gzip-encoded",
            "Content-Encoding says gzip but the body is not gzip",
        ),
        (
            "/undeclared-gzip",
            "neither Content-Encoding nor Content-Type says so",
        ),
        ("/utf8", "charset utf8 in Content-Type is not an IANA name"),
    ] {
        let v = verdict(&emu, json!({"url": server.url(path)}));
        assert!(issues(&v).contains(said), "{path}: {v}");
        assert_eq!(v["offers"], 0, "{path}");
    }
}

#[test]
fn login_and_password_go_as_http_basic() {
    let (emu, server) = (Emulator::start(&[]), FeedServer::start());
    let url = server.url("/secret.yml");
    let right = verdict(
        &emu,
        json!({"url": url, "login": "login", "password": "password"}),
    );
    assert_eq!(
        (right["issues"].clone(), right["offers"].as_u64()),
        (json!([]), Some(3))
    );
    for wrong in [
        json!({"url": url, "login": "login", "password": "nope"}),
        json!({"url": url}),
    ] {
        let v = verdict(&emu, wrong);
        assert_eq!(v["status"], 401);
        assert!(issues(&v).contains("access denied"), "{v}");
    }
}

#[test]
fn redirects_are_not_followed() {
    let (emu, server) = (Emulator::start(&[]), FeedServer::start());
    let v = verdict(&emu, json!({"url": server.url("/moved")}));
    assert_eq!(
        (v["status"].as_u64(), v["offers"].as_u64()),
        (Some(302), Some(0))
    );
    assert!(issues(&v).contains("Mindbox follows no redirects"), "{v}");
    let gone = verdict(&emu, json!({"url": server.url("/nothing")}));
    assert!(issues(&gone).contains("HTTP 404"), "{gone}");
}

#[test]
fn offers_break_mindbox_rules_and_bad_xml_is_an_issue() {
    let (emu, server) = (Emulator::start(&[]), FeedServer::start());
    let v = verdict(
        &emu,
        json!({"url": server.url("/rules.yml"), "ids": ["twice", "long"]}),
    );
    assert_eq!(v["issues"], json!([]));
    assert_eq!(v["offers"], 2, "{v}");
    let reasons: Vec<String> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{}: {}", r["offerId"].as_str().unwrap().len(), r["reason"]))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].starts_with("201: ") && reasons[0].contains("longer than 200"));
    assert!(reasons[1].contains("product is not added"), "{reasons:?}");
    assert!(
        reasons[2].starts_with("5: ") && reasons[2].contains("same id"),
        "{reasons:?}"
    );
    assert_eq!(v["missingIds"], json!(["long"]));

    let bad = verdict(&emu, json!({"url": server.url("/bad.yml")}));
    assert!(issues(&bad).contains("not well-formed XML"), "{bad}");
}

#[test]
fn only_loopback_http_urls_are_fetched() {
    let emu = Emulator::start(&[]);
    let post = |body: Value| {
        let mut response = emu
            .agent
            .post(&emu.url("/__emulator/feed"))
            .send_json(body)
            .unwrap();
        let answer: Value = response.body_mut().read_json().unwrap();
        (
            response.status().as_u16(),
            answer["error"].as_str().unwrap_or("").to_string(),
        )
    };
    for (body, said) in [
        (
            json!({"url": "http://192.0.2.1/feed.yml"}),
            "not a loopback address",
        ),
        (
            json!({"url": "http://example.com/feed.yml"}),
            "not a loopback address",
        ),
        (
            json!({"url": "https://127.0.0.1/feed.yml"}),
            "http:// URLs only",
        ),
        (
            json!({"url": "http://127.0.0.1/f", "login": "a"}),
            "give both or neither",
        ),
        (
            json!({"url": "http://127.0.0.1/f", "ids": "a"}),
            "ids: must be a list",
        ),
        (json!({"href": "http://127.0.0.1/f"}), "href: not a field"),
        (json!({}), "url: is required"),
    ] {
        let (status, error) = post(body.clone());
        assert_eq!(status, 400, "{body}");
        assert!(error.contains(said), "{body}: {error}");
    }
    // Nothing listens there: an issue, not a failure of the control call.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let v = verdict(
        &emu,
        json!({"url": format!("http://127.0.0.1:{closed}/feed.yml")}),
    );
    assert!(issues(&v).contains("cannot download"), "{v}");
}
