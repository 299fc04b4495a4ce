//! Everything the emulator remembers between requests: the journal, the injected faults, the
//! scripted answers, the loyalty programme, bulk imports, the processed transactions and the
//! counters.
//!
//! One mutex guards the call-related state and is never held across an await, so a call's
//! duplicate check, its transaction marking and its journal number happen atomically: the
//! journal's order is the order in which calls were processed.

pub mod bulk;
pub mod faults;
pub mod journal;
pub mod scripts;
mod tally;

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;
use tokio::sync::Notify;

use crate::contract::Accounts;
use crate::loyalty::Loyalty;
use bulk::Bulk;
use faults::Faults;
use journal::{Entry, Journal, Outcome};
use scripts::Scripts;
pub use tally::Tally;

pub struct Emulator {
    pub accounts: Accounts,
    pub cli_latency_ms: u64,
    next_connection_id: AtomicU64,
    /// Open connections, less those used for the control API.
    connections_open: AtomicU64,
    state: Mutex<State>,
    /// Wakes the accept loop to stop; a stored permit makes an early request count too.
    pub shutdown: Notify,
}

#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub requests: u64,
    pub processed: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub faults: u64,
    /// Connections that carried at least one Mindbox call since the last reset: unlike
    /// `connectionsAccepted` it leaves out the control API's own connections.
    pub mindbox_connections: u64,
}

pub struct State {
    pub journal: Journal,
    processed_transactions: HashSet<String>,
    pub faults: Faults,
    pub scripts: Scripts,
    pub loyalty: Loyalty,
    pub bulk: Bulk,
    pub counters: Counters,
    /// Connections accepted since the last reset, less those whose first request was to the
    /// control API: tests count their client's connections, not the harness's.
    connections_accepted: u64,
    /// Bumped by each reset, so a connection knows whether it was already counted since.
    epoch: u64,
    /// With `--state-file`, processed transactions outlive a restart, as they do at Mindbox:
    /// a client that retries across the restart gets `TransactionAlreadyProcessed`. The
    /// loyalty programme, its balances and its ledger of orders are kept in the same file, as
    /// JSON lines.
    transactions_file: Option<File>,
}

impl Emulator {
    pub fn new(
        accounts: Accounts,
        cli_latency_ms: u64,
        state_file: Option<&Path>,
    ) -> std::io::Result<Arc<Emulator>> {
        let mut processed_transactions = HashSet::new();
        let mut loyalty_lines = Vec::new();
        let transactions_file = match state_file {
            None => None,
            Some(path) => {
                let file = OpenOptions::new()
                    .create(true)
                    .read(true)
                    .append(true)
                    .open(path)?;
                for line in BufReader::new(&file).lines() {
                    let line = line?;
                    if line.starts_with('{') {
                        loyalty_lines.push(line);
                    } else if !line.is_empty() {
                        processed_transactions.insert(line);
                    }
                }
                Some(file)
            }
        };
        let loyalty_file = match &transactions_file {
            Some(file) => Some(file.try_clone()?),
            None => None,
        };
        let mut loyalty = Loyalty::new(loyalty_file);
        for line in &loyalty_lines {
            loyalty.replay(line);
        }
        Ok(Arc::new(Emulator {
            accounts,
            cli_latency_ms,
            next_connection_id: AtomicU64::new(1),
            connections_open: AtomicU64::new(0),
            state: Mutex::new(State {
                journal: Journal::default(),
                processed_transactions,
                faults: Faults::none(cli_latency_ms),
                scripts: Scripts::default(),
                loyalty,
                bulk: Bulk::default(),
                counters: Counters::default(),
                connections_accepted: 0,
                epoch: 0,
                transactions_file,
            }),
            shutdown: Notify::new(),
        }))
    }

    /// A panic while holding the lock leaves the state usable: every mutation is a single step.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts a new connection, in the reset epoch it was accepted in.
    pub fn connection_opened(&self) -> Tally {
        let epoch = {
            let mut state = self.lock();
            state.connections_accepted += 1;
            state.epoch
        };
        self.connections_open.fetch_add(1, Ordering::Relaxed);
        Tally::new(
            self.next_connection_id.fetch_add(1, Ordering::Relaxed),
            epoch,
        )
    }

    /// Called for each request: a connection that opens with a control request leaves the
    /// connection counts.
    pub fn request_seen(&self, tally: &Tally, is_control: bool) {
        if !tally.turns_out_control(is_control) {
            return;
        }
        self.connections_open.fetch_sub(1, Ordering::Relaxed);
        let mut state = self.lock();
        if state.epoch == tally.accepted_in_epoch {
            state.connections_accepted = state.connections_accepted.saturating_sub(1);
        }
    }

    pub fn connection_closed(&self, tally: &Tally) {
        if !tally.is_control() {
            self.connections_open.fetch_sub(1, Ordering::Relaxed);
        }
    }

    pub fn reset(&self) {
        let mut state = self.lock();
        state.journal.clear();
        state.processed_transactions = HashSet::new();
        if let Some(file) = &state.transactions_file {
            let _ = file.set_len(0);
        }
        state.faults = Faults::none(self.cli_latency_ms);
        state.scripts.clear();
        state.loyalty.reset();
        state.bulk.reset();
        state.counters = Counters::default();
        state.connections_accepted = 0;
        state.epoch += 1;
    }

    pub fn stats(&self) -> Value {
        let (counters, accepted) = {
            let state = self.lock();
            (state.counters.clone(), state.connections_accepted)
        };
        serde_json::json!({
            "connectionsAccepted": accepted,
            "connectionsOpen": self.connections_open.load(Ordering::Relaxed),
            "mindboxConnections": counters.mindbox_connections,
            "requests": counters.requests,
            "processed": counters.processed,
            "duplicates": counters.duplicates,
            "rejected": counters.rejected,
            "faults": counters.faults,
        })
    }
}

impl State {
    /// Transaction ids compare case-insensitively, as GUIDs do.
    pub fn is_processed(&self, transaction_id: &str) -> bool {
        self.processed_transactions
            .contains(&transaction_id.to_ascii_lowercase())
    }

    /// Journals one call and counts it; a processed call's transaction becomes a duplicate
    /// for every later call.
    pub fn record(&mut self, connection: &Tally, entry: Entry) -> u64 {
        self.record_call(connection, entry, true)
    }

    /// Like `record`; a processed call that `consumes_transaction: false` leaves its
    /// transaction free for a retry.
    pub fn record_call(
        &mut self,
        connection: &Tally,
        entry: Entry,
        consumes_transaction: bool,
    ) -> u64 {
        let c = &mut self.counters;
        c.requests += 1;
        match entry.outcome {
            Outcome::Processed => c.processed += 1,
            Outcome::Duplicate => c.duplicates += 1,
            Outcome::Rejected => c.rejected += 1,
            Outcome::Fault => c.faults += 1,
        }
        if connection.first_call_in_epoch(self.epoch) {
            c.mindbox_connections += 1;
        }
        if entry.outcome == Outcome::Processed
            && consumes_transaction
            && let Some(tx) = &entry.transaction_id
        {
            let tx = tx.to_ascii_lowercase();
            if let Some(file) = &mut self.transactions_file {
                let _ = writeln!(file, "{tx}");
            }
            self.processed_transactions.insert(tx);
        }
        self.journal.record(entry)
    }
}
