//! mindbox-emulator: a local stand-in for the Mindbox v3 API and its browser tracker, for the
//! demo, the tests and the benchmarks. This file holds the command line and the start-up.
//!
//! Its modules, lowest first; each imports only from those before it:
//! - `contract`: the Mindbox v3 contract, the checks of a call and the bodies of answers;
//! - `loyalty`: the loyalty programme (on `contract`);
//! - `feed`: Mindbox's side of the product feed: fetching it, its rules, the verdict (on nothing);
//! - `bulk`: bulk imports: the CSV read, the columns and rows, the stores, the tasks and the
//!   limits (on nothing);
//! - `state`: what the emulator remembers: journal, faults, scripts, loyalty, counters;
//! - `http`: the socket, the connections and responses, handed the route table at start-up;
//! - `handlers`: the handlers of every path and their route table.
//!
//! What it answers:
//! - `POST /v3/operations/{sync,async}`: server calls, with the secret key (`handlers/call.rs`);
//! - `POST /v3/operations/bulk`: bulk imports of customers and orders as CSV (`handlers/bulk.rs`,
//!   `bulk/`), below;
//! - `GET|HEAD /scripts/v1/tracker.js`: a stand-in for Mindbox's JavaScript tracker, which
//!   sends a page's `mindbox(…)` calls to `POST /tracker/v3/operations/{async,sync}`: keyless,
//!   CORS-open, journaled as endpoint `tracker` / `tracker-sync` (`handlers/tracker.rs`);
//! - `/__emulator/…`: the control API, the journal included (`handlers/control.rs`).
//!
//! Loyalty operations (cart calculation, orders with processing, standard orders that spend
//! points as `balance` discounts, offline orders, order updates and status changes that
//! cancel, balances) are answered from a configurable programme (`loyalty/`), which keeps a
//! ledger of the orders it saw for the tests (`/__emulator/loyalty/ledger`). The processing
//! operation (`…CreateAuthorizedOrder`, `…CreateUnauthorizedOrder`) is Mindbox's "create or
//! update": naming an order the ledger has, by any one of its ids, it recalculates that order
//! with the lines given (those whose status cancels orders or is `Returned` kept in it with
//! their status, unpriced, numbered after the priced ones), the order's own promo codes and
//! spent points available to it again, and answers `processingStatus` `Updated` with all the
//! order's ids, moving only the difference in points; a `totalPrice` not Mindbox's is
//! `PriceHasBeenChanged`, which carries Mindbox's `totalPrice` and `lines` (new orders' too)
//! and changes nothing; a cancelled order is a ValidationError (`loyalty/reprocess.rs`).
//!
//! It keeps what each order holds as Mindbox was told (`loyalty/content.rs`): a creation
//! (`…CreateOrder`, `…SaveOfflineOrder`, or with processing the lines it answered), an update
//! (`…UpdateOrder`: its totals and ids, each line replacing the line of its `lineNumber`, or of
//! its `lineId` without one, or added; lines left out stay; an order it does not have is
//! created when the update has lines), and the line-status operation (`…UpdateOrderStatus`,
//! `…UpdateOrderLinesStatus`, `…UpdateOrderItemsStatus`, or an `…UpdateOrder` of a known
//! order whose body has `orderLinesStatus`; `loyalty/line_status.rs`): `orderLinesStatus`
//! moves every line, answered `{"status":"Success"}`;
//! `order.lines[{lineId|lineNumber, quantity?, status}]` moves the lines
//! named, a quantity short of a line splitting it (the rest keeps its number, the quantity
//! moved becomes a line with the same `lineId` and the next number after the order's largest),
//! answered `{"status":"Success","order":{"ids":{mindboxId,…},"lines":[{lineId, lineNumber,
//! product: {ids}, quantity, status: {ids: {externalId}}}]}}` with every line. An order it does
//! not have is HTTP 400 ProtocolError ("Order not found: {ids}"), as Mindbox answers (under an
//! `…UpdateOrder` name it stays that operation's Success: `loyalty/orders.rs` says why); so is a
//! line it does not have ("Order line not found: lineNumber 5 (/order/lines/0) of order
//! {ids}"); a malformed change is a ValidationError naming where. Asynchronous calls are only
//! accepted (`Success`), as at Mindbox. `GET /__emulator/orders` lists every order, oldest
//! first: `[{mindboxId, ids, totalPrice, deliveryCost, status, lines: [{lineId, lineNumber,
//! productIds, quantity, basePricePerItem, priceOfLine, status}]}]`, money as numbers, null
//! where never told, `status` the one status all lines have (else null), lines by
//! `lineNumber`; `GET /__emulator/orders?websiteID=…` (any one id, `mindboxId` too) is the
//! latest order that id names, or 404 `{"error"}`. The reset clears them; `--state-file` keeps
//! them, as the ledger.
//!
//! A bulk import (`?endpointId&operation&transactionId&csvCodePage&csvColumnDelimiter
//! &csvTextQualifier`, more parameters such as `segment` taken and journaled; the secret key;
//! `Content-Type: text/csv`, `Content-Encoding: gzip` optional) is answered, in this order:
//! an injected fault of its operation; 400/401/403 ProtocolError for the endpoint, the key, a
//! missing or non-GUID transactionId, an operation that is not one of the project's two
//! imports, a csvCodePage not 65001, a delimiter or qualifier not one ASCII character (`;` and
//! `"` when absent), another Content-Type or charset, another Content-Encoding; 200
//! `{"status":"TransactionAlreadyProcessed"}` for a transactionId already imported (no task,
//! no slot); 429 ProtocolError with `Retry-After` (seconds) when the rolling hour has had
//! `perHour` tasks; 413 ProtocolError when the body passes `maxBytes` as sent or decompressed
//! (the rest is read and dropped, so the client gets the answer); else 200
//! `{"status":"Success"}` with the task already complete. Journaled as endpoint `bulk`, without
//! the body. The task, in `GET /__emulator/bulk/tasks` (a list, oldest first):
//! `{transactionId, operation, bytes (as sent), gzip, rows, accepted, rejected, status: "Done" |
//! "Failed", errors: [{row, message}]}`, rows numbered from 1 after the header, the first
//! 1,000 errors listed; a missing or unknown header, or a body that cannot be read (gzip that
//! is not), fails it whole with one error of row 0 and nothing imported. What was imported:
//! `GET /__emulator/bulk/customers` (`[{ids, firstName, lastName, middleName, mobilePhone,
//! email, birthDate, sourceDateTimeUtc, sourcePointOfContact, isSubscribed, customFields}]`)
//! and `GET /__emulator/bulk/orders` (`[{ids, customer: {ids, email, mobilePhone}, createdAt,
//! updatedAt, totalPrice, deliveryCost, pointOfContact, lines: [{lineId, productIds, quantity,
//! priceOfLine, status}]}]`), null where never given; the columns and row checks are in
//! `bulk/mod.rs`. `GET|POST /__emulator/bulk/config` shows and replaces (absent fields take
//! their defaults) `{perHour: 60, maxBytes: 200000000, customerIdNames: ["websiteID"],
//! operations: {customers: "DirectCrm.Customers.Import", orders: "RetailOrder.Import"},
//! dateFormats: ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"]}`; `POST
//! /__emulator/bulk/clock` with `{"advanceSeconds": n}` moves the hourly window's clock on
//! (answers `{"offsetSeconds"}`). The reset clears all of it. With `--state-file`, imported
//! transactionIds outlive a restart as other calls' do; the tasks and what they imported do not.
//!
//! `POST /__emulator/feed` with `{"url", "login"?, "password"?, "ids"?}` fetches a product feed
//! the way Mindbox does (a GET on a loopback `http://` URL only, HTTP Basic, no redirect
//! followed, gzip as `Content-Encoding` with `text/xml` or as `application/x-gzip`, an IANA
//! charset) and answers what Mindbox would make of it: `{url, status, contentType, gzip, bytes,
//! offers, categories, currencies, groups, rejected: [{offerId, reason}] (the first 1,000),
//! rejectedCount, issues, missingIds}` (`missingIds`, of the `ids` asked, those not imported,
//! only when `ids` were given). An offer is rejected for no id or one over 200 characters, an
//! id seen before, a description over 10,000 characters, a bad price, a price without its currency or an undeclared
//! currency, an undeclared category; an issue is what stops or doubts the whole feed (no
//! answer, a redirect, access denied, a status not 200, gzip declared but absent or present but
//! undeclared, a charset not IANA's, XML not well-formed or not YML, over 1.5 GB). Mindbox's
//! ports (80/443) and https for a password are not checked: tests serve feeds on loopback.

mod bulk;
mod contract;
mod feed;
mod handlers;
mod http;
mod loyalty;
mod state;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use tokio::signal::unix::{SignalKind, signal};

use crate::contract::Accounts;
use crate::state::Emulator;

const USAGE: &str = "usage: mindbox-emulator [--listen 127.0.0.1:0] [--endpoint-id ID]... \
[--secret-key KEY]... [--latency-ms N] [--port-file PATH] [--state-file PATH] [--exit-with-stdin]";

#[derive(Debug, PartialEq)]
struct Args {
    listen: SocketAddr,
    endpoint_ids: Vec<String>,
    secret_keys: Vec<String>,
    latency_ms: u64,
    port_file: Option<PathBuf>,
    /// Processed transaction ids, loyalty balances and the ledger, kept across restarts (see
    /// `State`).
    state_file: Option<PathBuf>,
    /// Exit when stdin reaches EOF: a parent that dies without stopping us still takes us along.
    exit_with_stdin: bool,
}

enum Command {
    Run(Args),
    Help,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let mut endpoint_ids = Vec::new();
    let mut secret_keys = Vec::new();
    let mut latency_ms = 0;
    let mut port_file = None;
    let mut state_file = None;
    let mut exit_with_stdin = false;
    while let Some(arg) = argv.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--listen" => listen = loopback_addr(&value()?)?,
            "--endpoint-id" => endpoint_ids.push(non_empty(&flag, value()?)?),
            "--secret-key" => secret_keys.push(non_empty(&flag, value()?)?),
            "--latency-ms" => {
                let v = value()?;
                latency_ms = v.parse().map_err(|_| {
                    format!("--latency-ms must be a non-negative integer, not '{v}'")
                })?;
            }
            "--port-file" => port_file = Some(PathBuf::from(value()?)),
            "--state-file" => state_file = Some(PathBuf::from(value()?)),
            "--exit-with-stdin" => exit_with_stdin = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    if endpoint_ids.is_empty() {
        endpoint_ids.push("demo-shop".to_owned());
    }
    if secret_keys.is_empty() {
        secret_keys.push("demo-secret".to_owned());
    }
    Ok(Command::Run(Args {
        listen,
        endpoint_ids,
        secret_keys,
        latency_ms,
        port_file,
        state_file,
        exit_with_stdin,
    }))
}

fn non_empty(flag: &str, value: String) -> Result<String, String> {
    if value.is_empty() {
        Err(format!("{flag} must not be empty"))
    } else {
        Ok(value)
    }
}

/// Only loopback addresses: the emulator accepts any caller that knows the test key, and must
/// never be reachable from another machine.
fn loopback_addr(s: &str) -> Result<SocketAddr, String> {
    let addr = match s.strip_prefix("localhost:") {
        Some(port) => port
            .parse::<u16>()
            .map(|p| SocketAddr::from((Ipv4Addr::LOCALHOST, p)))
            .map_err(|_| format!("invalid port in --listen '{s}'"))?,
        None => s
            .parse::<SocketAddr>()
            .map_err(|_| format!("--listen must be IP:PORT, not '{s}'"))?,
    };
    if !addr.ip().is_loopback() {
        return Err(format!(
            "refusing to listen on {addr}: only loopback addresses (127.0.0.0/8, ::1) are allowed"
        ));
    }
    Ok(addr)
}

/// Writes through a temporary file and a rename, so a reader never sees a partial port.
fn write_port_file(path: &Path, port: u16) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    std::fs::write(&tmp, format!("{port}\n"))?;
    std::fs::rename(&tmp, path)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("mindbox-emulator: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mindbox-emulator: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    match serve(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mindbox-emulator: {message}");
            ExitCode::from(1)
        }
    }
}

/// The address is announced (port file, stdout) only once the emulator is ready to answer and
/// to stop on SIGTERM: a harness may send it as soon as it reads the port.
async fn serve(args: Args) -> Result<(), String> {
    let listener =
        http::bind(args.listen).map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let accounts = Accounts {
        endpoint_ids: args.endpoint_ids,
        secret_keys: args.secret_keys,
    };
    let emulator = Emulator::new(accounts, args.latency_ms, args.state_file.as_deref())
        .map_err(|e| format!("cannot use --state-file: {e}"))?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot handle SIGTERM: {e}"))?;
    if let Some(path) = &args.port_file {
        write_port_file(path, local.port())
            .map_err(|e| format!("cannot write the port file {}: {e}", path.display()))?;
    }
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {local}");
        let _ = out.flush();
    }
    if args.exit_with_stdin {
        watch_stdin(emulator.clone());
    }
    tokio::select! {
        _ = http::serve(listener, emulator, handlers::route) => {}
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    if let Some(path) = &args.port_file {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// A plain thread, not a tokio task: a blocking stdin read would hold up the runtime's exit.
fn watch_stdin(emulator: Arc<Emulator>) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 256];
        while let Ok(1..) = stdin.read(&mut buf) {}
        emulator.shutdown.notify_one();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        match parse_args(args.iter().map(|s| s.to_string()))? {
            Command::Run(a) => Ok(a),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults_and_flags() {
        let a = parse(&[]).unwrap();
        assert_eq!(a.listen.to_string(), "127.0.0.1:0");
        assert_eq!(a.endpoint_ids, ["demo-shop"]);
        assert_eq!(a.secret_keys, ["demo-secret"]);
        let a = parse(&[
            "--listen=localhost:8080",
            "--endpoint-id",
            "a",
            "--endpoint-id=b",
            "--latency-ms",
            "50",
            "--port-file",
            "/tmp/p",
        ])
        .unwrap();
        assert_eq!(a.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(a.endpoint_ids, ["a", "b"]);
        assert_eq!(a.latency_ms, 50);
        assert_eq!(a.port_file, Some(PathBuf::from("/tmp/p")));
    }

    #[test]
    fn only_loopback() {
        assert!(parse(&["--listen", "127.0.0.2:1"]).is_ok());
        assert!(parse(&["--listen", "[::1]:1"]).is_ok());
        assert!(parse(&["--listen", "0.0.0.0:1"]).is_err());
        assert!(parse(&["--listen", "192.168.1.1:1"]).is_err());
        assert!(parse(&["--listen", "example.com:1"]).is_err());
        assert!(parse(&["--latency-ms", "-1"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--port-file"]).is_err());
    }
}
