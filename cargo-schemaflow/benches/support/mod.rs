//! What the bench binaries share: timing, medians, and a writer that
//! measures what an application's updates see while a migration runs.

// Each bench uses part of this module.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long `f` takes.
pub fn time(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

/// The median of `runs` (the upper one of an even count).
pub fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

/// `12.3 ms`.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A thread that updates random rows of `items` by key, one statement
/// after another, timing each.
pub struct Writer {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<Vec<(Instant, Duration)>>,
}

/// What the writer's statements that overlapped a stretch of time saw.
pub struct Latencies {
    /// Statements that overlapped it (one blocked across all of it counts).
    pub count: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Writer {
    /// Starts updating `items` rows 1..=rows with `update` (one `$1`, the
    /// key), and gives it time to connect.
    pub fn start(url: &str, rows: u64, update: &str) -> Writer {
        Writer::start_with(url, rows, update, "")
    }

    /// [`Writer::start`], with `session` (SQL) run first on its connection.
    pub fn start_with(url: &str, rows: u64, update: &str, session: &str) -> Writer {
        let stop = Arc::new(AtomicBool::new(false));
        let (url, update, session, flag) = (url.to_owned(), update.to_owned(), session.to_owned(), stop.clone());
        let handle = std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            client.batch_execute(&session).unwrap();
            let update = client.prepare(&update).unwrap();
            let mut seed = 0x9e37_79b9_7f4a_7c15u64;
            let mut samples = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let id = (seed % rows) as i64 + 1;
                let at = Instant::now();
                client.execute(&update, &[&id]).unwrap();
                samples.push((at, at.elapsed()));
            }
            samples
        });
        std::thread::sleep(Duration::from_millis(300));
        Writer { stop, handle }
    }

    /// Stops the writer; the latencies of its statements that overlapped
    /// `from..to`.
    pub fn finish(self, from: Instant, to: Instant) -> Latencies {
        self.stop.store(true, Ordering::Relaxed);
        let samples = self.handle.join().unwrap();
        let mut during: Vec<Duration> =
            samples.iter().filter(|(at, d)| *at + *d >= from && *at <= to).map(|(_, d)| *d).collect();
        during.sort();
        let pct = |p: f64| during.get(((during.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default();
        Latencies {
            count: during.len(),
            p50: pct(0.5),
            p99: pct(0.99),
            max: during.last().copied().unwrap_or_default(),
        }
    }
}
