//! The progress of a long job run from the command line (the product feed now, the history's
//! export next): for a person at a terminal, a bar redrawn in place with done / total, rate and
//! ETA (indicatif's); for a cron log, where a redrawn bar is garbage, plain lines at every tenth
//! of the way and at least every few seconds. Both on stderr, so a job's own output on stdout
//! stays clean. Writing the progress never fails the job: a closed stderr is ignored.

use crate::error::{Error, Result};
use indicatif::{HumanCount, HumanDuration, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

/// A line when none came for this long, however slowly the job moves.
const LINE_EVERY: Duration = Duration::from_secs(10);
/// And one at every tenth of the way.
const STEPS: u64 = 10;

pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    started: Instant,
    shown: Shown,
    finished: bool,
}

enum Shown {
    Bar(ProgressBar),
    Lines {
        to: Box<dyn Write + Send>,
        last_at: Instant,
        last_step: u64,
    },
}

impl Progress {
    /// Progress towards `total` (0: unknown), on stderr: a bar when it is a terminal, else lines.
    pub fn new(total: i64, label: &str) -> Result<Progress> {
        let (total, label) = checked(total, label)?;
        let shown = if io::stderr().is_terminal() {
            Shown::Bar(bar(total, &label))
        } else {
            lines(Box::new(io::stderr()))
        };
        Ok(Progress::with(total, label, shown))
    }

    fn with(total: u64, label: String, shown: Shown) -> Progress {
        Progress {
            label,
            total,
            done: 0,
            started: Instant::now(),
            shown,
            finished: false,
        }
    }

    /// `n` more done.
    pub fn advance(&mut self, n: i64) -> Result<()> {
        let n = not_negative(n, "n")?;
        self.open("advance")?;
        self.moved(self.done.saturating_add(n), Instant::now());
        Ok(())
    }

    /// `done` done in all (it may go back, when a job starts a part again).
    pub fn set(&mut self, done: i64) -> Result<()> {
        let done = not_negative(done, "done")?;
        self.open("set")?;
        self.moved(done, Instant::now());
        Ok(())
    }

    /// Ends the bar, or the lines, with a last line: what was done, in how long, how fast, and
    /// `message` after it.
    pub fn finish(&mut self, message: Option<&str>) -> Result<()> {
        if let Some(m) = message {
            one_line(m, "message")?;
        }
        self.open("finish")?;
        self.finished = true;
        let mut line = self.summary(self.started.elapsed());
        if let Some(m) = message.filter(|m| !m.is_empty()) {
            line = format!("{line}. {m}");
        }
        match &mut self.shown {
            Shown::Bar(bar) => {
                bar.finish_and_clear();
                let _ = writeln!(io::stderr(), "{line}");
            }
            Shown::Lines { to, .. } => {
                let _ = writeln!(to, "{line}");
            }
        }
        Ok(())
    }

    fn open(&self, call: &str) -> Result<()> {
        if self.finished {
            return Err(Error::invalid(
                call,
                "this progress is finished; start a new one for another job",
            ));
        }
        Ok(())
    }

    fn moved(&mut self, done: u64, now: Instant) {
        self.done = done;
        let elapsed = now.duration_since(self.started);
        match &mut self.shown {
            Shown::Bar(bar) => bar.set_position(done),
            Shown::Lines {
                to,
                last_at,
                last_step,
            } => {
                let step = match self.total {
                    0 => 0,
                    total => {
                        (u128::from(done.min(total)) * u128::from(STEPS) / u128::from(total)) as u64
                    }
                };
                if step <= *last_step && now.duration_since(*last_at) < LINE_EVERY {
                    return;
                }
                *last_step = step.max(*last_step);
                *last_at = now;
                let line = line(&self.label, done, self.total, elapsed);
                let _ = writeln!(to, "{line}");
            }
        }
    }

    /// `Feed: 100,000/100,000 in 29.4 s, 3,401/s`.
    fn summary(&self, elapsed: Duration) -> String {
        let total = match self.total {
            0 => String::new(),
            total => format!("/{}", HumanCount(total)),
        };
        format!(
            "{}: {}{total} in {}, {}/s",
            self.label,
            HumanCount(self.done),
            duration_text(elapsed),
            HumanCount(rate(self.done, elapsed).round() as u64)
        )
    }
}

/// `Feed: 12,000/100,000 (12%), 3,400/s, ETA 23s`.
fn line(label: &str, done: u64, total: u64, elapsed: Duration) -> String {
    let rate = rate(done, elapsed);
    let mut line = format!("{label}: {}", HumanCount(done));
    if total > 0 {
        let percent = u128::from(done.min(total)) * 100 / u128::from(total);
        line += &format!("/{} ({percent}%)", HumanCount(total));
    }
    line += &format!(", {}/s", HumanCount(rate.round() as u64));
    match total.saturating_sub(done) {
        _ if total == 0 => {}
        0 => {}
        _ if rate <= 0.0 => line += ", ETA unknown",
        left => {
            let eta = Duration::from_secs_f64(left as f64 / rate);
            line += &format!(", ETA {:#}", HumanDuration(eta));
        }
    }
    line
}

fn checked(total: i64, label: &str) -> Result<(u64, String)> {
    let total = not_negative(total, "total")?;
    if label.trim().is_empty() {
        return Err(Error::invalid("label", "may not be empty"));
    }
    one_line(label, "label")?;
    Ok((total, label.to_string()))
}

fn not_negative(n: i64, name: &str) -> Result<u64> {
    u64::try_from(n).map_err(|_| Error::invalid(name, format!("must be zero or more, not {n}")))
}

/// A line break or another control character would break the log's lines.
fn one_line(text: &str, name: &str) -> Result<()> {
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(
            name,
            "may not contain line breaks or other control characters",
        ));
    }
    Ok(())
}

fn rate(done: u64, elapsed: Duration) -> f64 {
    match elapsed.as_secs_f64() {
        s if s > 0.0 => done as f64 / s,
        _ => 0.0,
    }
}

/// `29.4 s`, `3 min 05 s`, `1 h 02 min`.
fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{:.1} s", d.as_secs_f64()),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

fn lines(to: Box<dyn Write + Send>) -> Shown {
    Shown::Lines {
        to,
        last_at: Instant::now(),
        last_step: 0,
    }
}

fn bar(total: u64, label: &str) -> ProgressBar {
    let template = match total {
        0 => "{prefix}: {human_pos} {per_sec:0} {elapsed}",
        _ => "{prefix}: [{wide_bar}] {human_pos}/{human_len} ({percent}%) {per_sec:0} ETA {eta}",
    };
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(style);
    bar.set_prefix(label.to_string());
    bar
}

#[cfg(test)]
mod tests;
