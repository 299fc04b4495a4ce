//! A key Mindbox refused (401, 403), as the outbox keeps it for every process of the endpoint:
//! while it lasts, nothing goes with that key but one request at a time, the probe, when it is
//! due. A first probe waits the deliverer's first interval (a minute), each probe Mindbox refuses
//! too doubles the wait, up to five times the first, and any answer that takes the key ends the
//! refusal, whoever gets it: a delivery of any process, or a synchronous call.

use super::cycle::{Cycle, KeyVerdict, Next};
use crate::outbox::item::Scope;
use crate::outbox::rows::{Fallible, Refusal, Rows};

/// The longest wait between probes, in first intervals: a minute grows to five.
const LONGEST: u64 = 5;

impl Refusal {
    /// The row after Mindbox refused the key at `now`, or `None` when it changes nothing: the
    /// requests in flight when the key was first refused are refused together, as one refusal.
    fn after_refusal(previous: Option<&Refusal>, now: u64, first_probe_ms: u64) -> Option<Refusal> {
        let interval_ms = match previous {
            None => first_probe_ms,
            Some(r) if r.probed_at == 0 => return None,
            Some(r) => r
                .interval_ms
                .saturating_mul(2)
                .clamp(first_probe_ms, first_probe_ms.saturating_mul(LONGEST)),
        };
        Some(Refusal {
            refused_at: now,
            interval_ms,
            probed_at: 0,
            probe_at: now.saturating_add(interval_ms),
        })
    }

    /// The row once a probe went at `now`: should its answer never come (its process died), the
    /// next one is due after a whole interval, not at once.
    fn after_probe(self, now: u64) -> Refusal {
        Refusal {
            probed_at: now,
            probe_at: now.saturating_add(self.interval_ms),
            ..self
        }
    }
}

/// Writes what Mindbox said of a key; once it takes the key again, what waited for one is due.
pub(super) fn record(
    rows: &mut dyn Rows,
    scope: &Scope,
    key_fp: &str,
    verdict: KeyVerdict,
    now: u64,
) -> Fallible<()> {
    match verdict {
        KeyVerdict::Refused { first_probe_ms } => {
            let previous = rows.refusal(scope, key_fp)?;
            match Refusal::after_refusal(previous.as_ref(), now, first_probe_ms) {
                Some(refusal) => rows.put_refusal(scope, key_fp, Some(&refusal)),
                None => Ok(()),
            }
        }
        KeyVerdict::Taken => {
            rows.put_refusal(scope, key_fp, None)?;
            rows.make_due(scope, now, true)
        }
    }
}

/// What a refusal of the holder's key lets a cycle send.
pub(super) enum Gate {
    /// Everything: the key is not refused.
    Open,
    /// One item, the probe.
    Probe(Refusal),
    /// Nothing: the cycle ends with this.
    Closed(Next),
}

pub(super) fn gate(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<Gate> {
    Ok(match rows.refusal(c.scope, c.key_fp)? {
        None => Gate::Open,
        Some(r) if r.probe_at <= c.now => Gate::Probe(r),
        Some(r) if rows.any_pending(c.scope)? => Gate::Closed(Next::Refused(r.probe_at)),
        // Nothing waits: nothing to probe with either.
        Some(_) => Gate::Closed(Next::Idle),
    })
}

/// After a cycle claimed the probe: the next one waits, and so does everything else.
pub(super) fn probed(rows: &mut dyn Rows, c: &Cycle<'_>, refusal: Refusal) -> Fallible<Next> {
    let after = refusal.after_probe(c.now);
    rows.put_refusal(c.scope, c.key_fp, Some(&after))?;
    Ok(Next::Refused(after.probe_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn a_refused_key_is_probed_after_a_minute_then_less_often_up_to_five() {
        let first = Refusal::after_refusal(None, 1_000, MINUTE).unwrap();
        assert_eq!((first.probe_at, first.interval_ms), (61_000, MINUTE));
        // The rest of the first volley adds nothing.
        assert_eq!(Refusal::after_refusal(Some(&first), 1_200, MINUTE), None);
        let mut row = first;
        let mut waits = Vec::new();
        for _ in 0..5 {
            let probe = row.after_probe(row.probe_at);
            assert_eq!(
                probe.probe_at,
                row.probe_at + row.interval_ms,
                "an unanswered probe"
            );
            row = Refusal::after_refusal(Some(&probe), probe.probed_at + 100, MINUTE).unwrap();
            waits.push(row.probe_at - row.refused_at);
        }
        assert_eq!(waits, [2, 4, 5, 5, 5].map(|m| m * MINUTE));
    }
}
