//! When to try again: exponential, capped, with jitter so that a backlog does not return as one
//! burst.

use std::time::Duration;

/// The delay before attempt `attempts + 1`, after `attempts` failures (≥ 1).
pub(crate) fn delay(
    attempts: u32,
    base: Duration,
    cap: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    let raw = base.saturating_mul(1u32 << exponent).min(cap);
    let jittered = raw.mul_f64(0.75 + fastrand::f64() * 0.5).min(cap);
    // Mindbox's own word on when to come back is a floor, never shortened by jitter.
    match retry_after {
        Some(floor) => jittered.max(floor),
        None => jittered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_within_jitter_and_cap() {
        let base = Duration::from_secs(2);
        let cap = Duration::from_secs(60);
        for _ in 0..100 {
            let d1 = delay(1, base, cap, None);
            assert!(d1 >= Duration::from_millis(1500) && d1 <= Duration::from_millis(2500));
            let d3 = delay(3, base, cap, None);
            assert!(d3 >= Duration::from_secs(6) && d3 <= Duration::from_secs(10));
            assert!(delay(40, base, cap, None) <= cap);
        }
    }

    #[test]
    fn retry_after_is_a_floor() {
        for _ in 0..100 {
            let d = delay(
                1,
                Duration::from_millis(10),
                Duration::from_secs(1),
                Some(Duration::from_secs(2)),
            );
            assert!(d >= Duration::from_secs(2));
        }
    }
}
