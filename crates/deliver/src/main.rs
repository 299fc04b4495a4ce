//! `mindbox-deliver`: the delivery daemon, for shops that want no threads in their PHP workers
//! (`mindbox.delivery = external` in php.ini). The PHP processes only write to the outbox; this
//! program delivers it, with the same core as the extension's own delivery, so with the same
//! guarantees: one deliverer per endpoint across every process of the outbox (this daemon, or a
//! PHP process that delivers inline), the rate limit kept in the file, retries, parking.
//!
//!     mindbox-deliver --config /etc/mindbox/deliver.json [--check]
//!     mindbox-deliver --move-outbox FROM TO [--force]
//!
//! The config file holds a JSON list of MindboxClient configurations, or `{"clients": [...]}`:
//! the same keys as the PHP constructor takes (endpointId, secretKey, baseUrl, outbox, timeouts,
//! rateLimit, concurrency, logFile, ...), one per endpoint and outbox to deliver. It holds the
//! secret keys: keep it readable by the daemon's user only. SIGTERM, SIGINT or SIGHUP stops it,
//! giving the requests in hand a few seconds.
//!
//! `--move-outbox` moves the pending items of one outbox into another, when a shop switches: see
//! `HELP`.

use mindbox_core::{Client, Config, Location, stop_delivery};
use serde_json::Value;
use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mindbox-deliver: {message}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage: mindbox-deliver --config FILE [--check] | mindbox-deliver --move-outbox FROM TO [--force] | mindbox-deliver --help";

const HELP: &str = "\
mindbox-deliver --config FILE [--check]
    Delivers the outboxes of every client in FILE, a JSON list of MindboxClient configurations
    (or {\"clients\": [...]}), until SIGTERM, SIGINT or SIGHUP. FILE holds the secret keys: keep
    it readable by this program's user only. --check only reads and checks FILE.

mindbox-deliver --move-outbox FROM TO [--force]
    Moves the pending items of the outbox FROM (a node's file) into TO (a mysql:// address, or
    another file), for a shop that switches. Items keep their transactionId, ordering key and
    order; parked items stay in FROM. Refused while a process delivers from FROM (stop the
    daemon, or PHP-FPM) unless --force. Run it as the PHP user: the file is that user's alone.

    FROM and TO are each an outbox setting as php.ini takes it, or:
      -       read it from a line of standard input (FROM's line first when both are -);
      @PATH   read it from the file PATH (one line; keep the file private).
    Either keeps a password of a mysql:// address out of the process list, which every local
    user can read (/proc/*/cmdline). Write ./- or ./@name for a file really named so.

    mindbox-deliver --move-outbox /var/lib/mindbox/outbox.sqlite -    (then paste TO, Enter)
    mindbox-deliver --move-outbox @/root/old-outbox.url @/root/new-outbox.url
";

fn run(args: Vec<String>) -> Result<(), String> {
    if args.first().is_some_and(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return Ok(());
    }
    if args.first().is_some_and(|a| a == "--move-outbox") {
        return move_outbox(&args[1..]);
    }
    let (config_path, check) = parse_args(&args)?;
    let text = std::fs::read_to_string(&config_path)
        .map_err(|e| format!("cannot read {config_path}: {e}"))?;
    let clients = clients(&text)?;
    if check {
        println!("mindbox-deliver: {} endpoint(s) configured", clients.len());
        return Ok(());
    }
    // Blocked in every thread (they inherit the mask), so that only sigwait() below sees them.
    let signals = stop_signals();
    let mut deliverers = Vec::new();
    for client in &clients {
        let config = client.config();
        let deliverer = client
            .deliver_until_stopped()
            .map_err(|e| format!("endpoint {}: {e}", config.endpoint_id))?;
        println!(
            "mindbox-deliver: delivering {} ({}) from {}",
            config.endpoint_id,
            config.base_url,
            config
                .outbox
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        deliverers.push((config.endpoint_id.clone(), deliverer));
    }
    let mut signal = 0;
    // SAFETY: the set was filled by stop_signals(); sigwait writes the signal number.
    unsafe { libc::sigwait(&signals, &mut signal) };
    println!("mindbox-deliver: stopping (signal {signal})");
    for (endpoint, deliverer) in &deliverers {
        if let Some(error) = deliverer.last_error() {
            eprintln!("mindbox-deliver: {endpoint}: last error: {error}");
        }
    }
    stop_delivery(Duration::from_secs(5));
    Ok(())
}

fn parse_args(args: &[String]) -> Result<(String, bool), String> {
    let mut config = None;
    let mut check = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config = args.next().cloned(),
            "--check" => check = true,
            other => {
                return Err(format!("unknown argument {other:?}; {USAGE}"));
            }
        }
    }
    config.map(|c| (c, check)).ok_or_else(|| USAGE.to_string())
}

/// Addresses are shown as `Location::display` shows them: never with the password.
fn move_outbox(args: &[String]) -> Result<(), String> {
    let force = args.iter().any(|a| a == "--force");
    let places: Vec<&String> = args.iter().filter(|a| *a != "--force").collect();
    let [from, to] = places[..] else {
        return Err(USAGE.to_string());
    };
    let mut stdin = std::io::stdin().lock();
    let from = address(from, "FROM", &mut stdin)?;
    let to = address(to, "TO", &mut stdin)?;
    // Opening a missing file would make an empty outbox and move nothing: a typo would pass.
    if let Some(path) = from.file()
        && !path.exists()
    {
        return Err(format!("no outbox file at {}", path.display()));
    }
    let report = mindbox_core::move_outbox(&from, &to, force).map_err(|e| e.to_string())?;
    if report.is_empty() {
        println!("mindbox-deliver: {} holds no items", from.display());
    }
    for m in &report {
        println!(
            "mindbox-deliver: endpoint {} ({}): {} item(s) moved to {}; {} parked item(s) stayed in {}",
            m.scope.endpoint_id,
            m.scope.base_url,
            m.moved,
            to.display(),
            m.parked,
            from.display()
        );
    }
    Ok(())
}

/// An outbox address as given on the command line, or read from standard input (`-`) or a file
/// (`@PATH`). What was read is never repeated in an error: it may hold a password.
fn address(arg: &str, what: &str, stdin: &mut impl BufRead) -> Result<Location, String> {
    let text = if arg == "-" {
        let mut line = String::new();
        match stdin.read_line(&mut line) {
            Ok(0) => return Err(format!("{what}: standard input ended before its address")),
            Ok(_) => line,
            Err(e) => return Err(format!("{what} cannot be read from standard input: {e}")),
        }
    } else if let Some(path) = arg.strip_prefix('@') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{what} cannot be read from {path}: {e}"))?;
        if text.trim().contains('\n') {
            return Err(format!("{what}: {path} must hold one address on one line"));
        }
        text
    } else {
        arg.to_string()
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{what} is empty"));
    }
    Location::parse(text).map_err(|e| format!("{what}: {e}"))
}

/// Every configuration checked as the extension checks it; each must name its outbox.
fn clients(text: &str) -> Result<Vec<Client>, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("the config is not JSON: {e}"))?;
    let list =
        match value {
            Value::Array(list) => list,
            Value::Object(mut map) => match map.remove("clients") {
                Some(Value::Array(list)) => list,
                _ => return Err(
                    "the config must be a list of client configurations, or {\"clients\": [...]}"
                        .into(),
                ),
            },
            _ => return Err("the config must be a list of client configurations".into()),
        };
    if list.is_empty() {
        return Err("the config names no client".into());
    }
    list.iter()
        .enumerate()
        .map(|(n, value)| {
            let config =
                Config::from_value(value, None).map_err(|e| format!("clients[{n}]: {e}"))?;
            if config.outbox.is_none() {
                return Err(format!("clients[{n}]: outbox is required"));
            }
            Ok(Client::new(config))
        })
        .collect()
}

fn stop_signals() -> libc::sigset_t {
    // SAFETY: plain libc calls on a local set; blocking happens before any thread is started.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            libc::sigaddset(&mut set, signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}
