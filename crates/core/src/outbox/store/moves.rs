//! Moving the pending items of one outbox into another: a node's file into the cluster's shared
//! database when a shop switches. Items keep their transactionId (Mindbox's idempotency) and
//! ordering key, and their order: each gets a new id in the target, above every earlier one.
//! Parked items stay where they are, to be looked at there. Snapshots follow the items
//! (`store::snapshots`).

use super::backend::{Backend, Store};
use super::lease::gone;
use super::settle::park_malformed;
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::outbox::holder;
use crate::outbox::item::Scope;
use crate::outbox::location::Location;
use crate::outbox::rows::{Fallible, Movable, Rows};
use crate::outbox::sqlite::{Role, Synchronous};

/// Items per batch: one transaction in the target, one in the source.
pub(crate) const BATCH: usize = 500;
/// The move holds the source's leases as a deliverer would, renewed with every batch, so that no
/// process starts delivering what is being moved; dead, it is seen dead at once, like any holder.
const LEASE_MS: u64 = 60_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub scope: Scope,
    pub moved: usize,
    /// Parked items of the endpoint left in the source.
    pub parked: i64,
}

/// Every endpoint of the source, whether it had items to move or only parked ones.
pub type MoveReport = Vec<Moved>;

/// Moves every pending item of the outbox `from` into the outbox `to` (see
/// `Store::move_pending_to`).
pub fn move_outbox(from: &Location, to: &Location, force: bool) -> Result<MoveReport> {
    // Each commit on disk before the next step: after a power cut, the source's delete must not
    // have outlived the target's insert.
    let open = |at: &Location| Store::open(at, Synchronous::Full, Role::Deliverer);
    let mut source = open(from)?;
    let mut target = open(to)?;
    source.move_pending_to(&mut target, force)
}

impl Store {
    /// Moves every pending item into `target`. Refused while a live process delivers from this
    /// outbox, unless `force`: what it has in hand would then be sent from both (harmless, see
    /// below, but the operator should know).
    pub(crate) fn move_pending_to(
        &mut self,
        target: &mut Store,
        force: bool,
    ) -> Result<MoveReport> {
        self.move_pending(target, &holder::current(), force, BATCH)
    }

    pub(super) fn move_pending(
        &mut self,
        target: &mut Store,
        mover: &str,
        force: bool,
        batch: usize,
    ) -> Result<MoveReport> {
        if self.same_outbox(target) {
            return Err(self.error("the source and the target are the same outbox"));
        }
        let mut held = Vec::new();
        let moved = self.move_batches(target, mover, force, batch, &mut held);
        let released = held
            .iter()
            .try_for_each(|scope| self.release_lease(scope, mover));
        let moved = moved?;
        released?;
        self.move_snapshots_to(target)?;
        let scopes = self.read(|rows| {
            let mut scopes = rows.scopes()?;
            for (scope, _) in &moved {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
            scopes
                .into_iter()
                .map(|scope| Ok((rows.counts(&scope)?.failed, scope)))
                .collect::<Fallible<Vec<_>>>()
        })?;
        Ok(scopes
            .into_iter()
            .map(|(parked, scope)| Moved {
                moved: moved
                    .iter()
                    .find(|(s, _)| *s == scope)
                    .map_or(0, |(_, n)| *n),
                scope,
                parked,
            })
            .collect())
    }

    fn move_batches(
        &mut self,
        target: &mut Store,
        mover: &str,
        force: bool,
        batch: usize,
        held: &mut Vec<Scope>,
    ) -> Result<Vec<(Scope, usize)>> {
        let mut moved: Vec<(Scope, usize)> = Vec::new();
        let mut after_id = 0;
        loop {
            let now = now_ms();
            let (last, items) = self.write(|rows| {
                let page = rows.pending_page(after_id, batch)?;
                let last = page
                    .iter()
                    .map(|p| p.as_ref().map_or_else(|m| m.id, |i| i.id))
                    .max();
                let mut items = Vec::new();
                for entry in page {
                    match entry {
                        Ok(item) => items.push(item),
                        // Parked in the source, as a deliverer would: it is never sent.
                        Err(bad) => park_malformed(rows, bad.id, &bad.why, now)?,
                    }
                }
                hold(rows, held, &items, mover, force, now)?;
                Ok((last, items))
            })?;
            let Some(last) = last else {
                return Ok(moved);
            };
            after_id = last;
            if items.is_empty() {
                continue;
            }
            target.write(|rows| {
                items
                    .iter()
                    .try_for_each(|item| rows.insert_moved(item, now))
            })?;
            // A crash here leaves the batch in both outboxes, and both may deliver it: Mindbox
            // answers the second send of a transactionId with TransactionAlreadyProcessed, which
            // deletes the item like a success. Nothing is lost, nothing is processed twice.
            self.write(|rows| items.iter().try_for_each(|item| rows.delete(item.id)))?;
            for item in &items {
                match moved.iter_mut().find(|(s, _)| *s == item.scope) {
                    Some((_, n)) => *n += 1,
                    None => moved.push((item.scope.clone(), 1)),
                }
            }
        }
    }

    /// Whether both connections write the same items: moving into them would read back what it
    /// wrote.
    fn same_outbox(&self, other: &Store) -> bool {
        match (&self.0, &other.0) {
            (Backend::File(a), Backend::File(b)) => a.identity() == b.identity(),
            (Backend::Mysql(a), Backend::Mysql(b)) => a.same_tables(b),
            _ => false,
        }
    }

    pub(super) fn error(&self, message: &str) -> Error {
        let shown = match &self.0 {
            Backend::File(file) => file.shown(),
            Backend::Mysql(server) => server.shown().to_string(),
        };
        Error::outbox(shown, message)
    }
}

/// Takes the lease of each endpoint met for the first time, unless a live process delivers for
/// it, and renews those already held.
fn hold(
    rows: &mut dyn Rows,
    held: &mut Vec<Scope>,
    items: &[Movable],
    mover: &str,
    force: bool,
    now: u64,
) -> Fallible<()> {
    for item in items {
        if held.contains(&item.scope) {
            continue;
        }
        if !force && let Some(why) = delivering(rows, &item.scope, mover, now)? {
            return Err(format!(
                "{why}: stop delivery from this outbox first (mindbox.delivery = external in \
                 php.ini with mindbox-deliver stopped, or PHP-FPM stopped), or force the move (--force); \
                 nothing was moved for endpoint {}",
                item.scope.endpoint_id
            )
            .into());
        }
        held.push(item.scope.clone());
    }
    for scope in held.iter() {
        // No key: the move sends nothing, and a deliverer whose key works still waits for it.
        rows.put_lease(scope, mover, now + LEASE_MS, "", now)?;
    }
    Ok(())
}

/// Why a live process is taken to deliver for the endpoint: it holds the lease, or has items
/// in hand.
fn delivering(
    rows: &mut dyn Rows,
    scope: &Scope,
    mover: &str,
    now: u64,
) -> Fallible<Option<String>> {
    if let Some(lease) = rows.lease(scope)?
        && lease.holder != mover
        && lease.expires > now
        && !gone(&lease, now)
    {
        return Ok(Some(format!(
            "process {} delivers for endpoint {} (its lease runs {} s more)",
            shown_holder(&lease.holder),
            scope.endpoint_id,
            (lease.expires - now).div_ceil(1000)
        )));
    }
    let busy = rows
        .claimers(scope, now)?
        .into_iter()
        .find(|h| h != mover && !holder::is_dead(h));
    Ok(busy.map(|h| {
        format!(
            "process {} has items of endpoint {} in hand",
            shown_holder(&h),
            scope.endpoint_id
        )
    }))
}

/// `host:pid`, as `outboxStats()` shows a deliverer.
fn shown_holder(holder: &str) -> String {
    holder.splitn(3, ':').take(2).collect::<Vec<_>>().join(":")
}
