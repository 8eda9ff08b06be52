//! What one client task records: latencies in an HDR histogram and counts by
//! outcome. Each task keeps its own and they are merged at the end, so the hot
//! path takes no lock.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Latencies in microseconds, 1 µs to 1 h, three significant digits.
#[derive(Debug, Clone)]
pub struct Latencies(Histogram<u64>);

impl Default for Latencies {
    fn default() -> Latencies {
        Latencies(Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds"))
    }
}

impl Latencies {
    /// Records one latency (saturating at the upper bound).
    pub fn record(&mut self, d: Duration) {
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        self.0.saturating_record(micros);
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Latencies) {
        self.0.add(&other.0).expect("histograms with the same bounds add");
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.0.len()
    }

    /// p50, p90, p99 and the maximum, in milliseconds.
    pub fn summary(&self) -> LatencySummary {
        let ms = |micros: u64| micros as f64 / 1000.0;
        if self.0.is_empty() {
            return LatencySummary::default();
        }
        LatencySummary {
            p50_ms: ms(self.0.value_at_quantile(0.50)),
            p90_ms: ms(self.0.value_at_quantile(0.90)),
            p99_ms: ms(self.0.value_at_quantile(0.99)),
            max_ms: ms(self.0.max()),
        }
    }
}

/// Percentiles of a latency distribution, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest value.
    pub max_ms: f64,
}

/// How a well-behaved request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx or 3xx.
    Ok(u16),
    /// 4xx: the server refused a request that is valid (or the workload is wrong).
    Refused(u16),
    /// 5xx.
    ServerError(u16),
    /// Could not connect, or the connection failed mid-request.
    Connection,
    /// No complete answer within the request timeout.
    Timeout,
}

/// Counts and latencies of one class of well-behaved requests.
#[derive(Debug, Clone, Default)]
pub struct ClassStats {
    /// Every attempt's wait, failed ones included (a timeout counts as the timeout).
    pub latencies: Latencies,
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Connection failures.
    pub connection_errors: u64,
    /// Timeouts.
    pub timeouts: u64,
}

impl ClassStats {
    /// Records one request.
    pub fn record(&mut self, outcome: Outcome, waited: Duration) {
        self.latencies.record(waited);
        match outcome {
            Outcome::Ok(s) | Outcome::Refused(s) | Outcome::ServerError(s) => *self.statuses.entry(s).or_default() += 1,
            Outcome::Connection => self.connection_errors += 1,
            Outcome::Timeout => self.timeouts += 1,
        }
    }

    /// Adds `other`.
    pub fn merge(&mut self, other: &ClassStats) {
        self.latencies.merge(&other.latencies);
        for (s, n) in &other.statuses {
            *self.statuses.entry(*s).or_default() += n;
        }
        self.connection_errors += other.connection_errors;
        self.timeouts += other.timeouts;
    }

    /// The report of this class.
    pub fn report(&self) -> ClassReport {
        let count = |range: std::ops::RangeInclusive<u16>| -> u64 {
            self.statuses.iter().filter(|(s, _)| range.contains(s)).map(|(_, n)| n).sum()
        };
        let status_5xx = count(500..=599);
        let status_4xx = count(400..=499);
        ClassReport {
            requests: self.latencies.count(),
            failed: status_5xx + status_4xx + self.connection_errors + self.timeouts,
            status_5xx,
            status_4xx,
            connection_errors: self.connection_errors,
            timeouts: self.timeouts,
            statuses: self.statuses.iter().map(|(s, n)| (s.to_string(), *n)).collect(),
            latency: self.latencies.summary(),
        }
    }
}

/// The report of one class of well-behaved requests.
#[derive(Debug, Clone, Serialize)]
pub struct ClassReport {
    /// Requests sent (answered, failed or timed out).
    pub requests: u64,
    /// Requests that did not succeed: 5xx, 4xx, connection errors and timeouts.
    pub failed: u64,
    /// Answers 500–599.
    pub status_5xx: u64,
    /// Answers 400–499 (a well-behaved request must not be refused).
    pub status_4xx: u64,
    /// Connection failures.
    pub connection_errors: u64,
    /// No answer within the request timeout.
    pub timeouts: u64,
    /// Every answer by status code.
    pub statuses: BTreeMap<String, u64>,
    /// Latency of every attempt.
    pub latency: LatencySummary,
}

/// Outcomes and latencies of one class of hostile requests.
#[derive(Debug, Clone, Default)]
pub struct HostileStats {
    /// Time until the outcome (an answer, a close, the end of the phase).
    pub latencies: Latencies,
    /// Outcomes by name (`413`, `closed without an answer`, …).
    pub outcomes: BTreeMap<String, u64>,
}

impl HostileStats {
    /// Records one attempt.
    pub fn record(&mut self, outcome: impl Into<String>, waited: Duration) {
        self.latencies.record(waited);
        *self.outcomes.entry(outcome.into()).or_default() += 1;
    }

    /// Adds `other`.
    pub fn merge(&mut self, other: &HostileStats) {
        self.latencies.merge(&other.latencies);
        for (o, n) in &other.outcomes {
            *self.outcomes.entry(o.clone()).or_default() += n;
        }
    }

    /// The report of this class.
    pub fn report(&self) -> HostileReport {
        HostileReport {
            attempts: self.latencies.count(),
            outcomes: self.outcomes.clone(),
            latency: self.latencies.summary(),
        }
    }
}

/// The report of one class of hostile requests.
#[derive(Debug, Clone, Serialize)]
pub struct HostileReport {
    /// Requests or connections attempted.
    pub attempts: u64,
    /// How each ended.
    pub outcomes: BTreeMap<String, u64>,
    /// Time until each ended.
    pub latency: LatencySummary,
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{ClassStats, Latencies, Outcome};

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut l = Latencies::default();
        for ms in 1..=100 {
            l.record(Duration::from_millis(ms));
        }
        let s = l.summary();
        assert!((s.p50_ms - 50.0).abs() < 0.1, "{s:?}");
        assert!((s.p90_ms - 90.0).abs() < 0.1, "{s:?}");
        assert!((s.p99_ms - 99.0).abs() < 0.1, "{s:?}");
        assert!((s.max_ms - 100.0).abs() < 0.1, "{s:?}");
    }

    #[test]
    fn failures_are_counted_by_kind_and_merged() {
        let mut a = ClassStats::default();
        a.record(Outcome::Ok(200), Duration::from_millis(1));
        a.record(Outcome::ServerError(503), Duration::from_millis(2));
        let mut b = ClassStats::default();
        b.record(Outcome::Timeout, Duration::from_secs(10));
        b.record(Outcome::Connection, Duration::from_millis(1));
        b.record(Outcome::Refused(400), Duration::from_millis(1));
        a.merge(&b);
        let r = a.report();
        assert_eq!((r.requests, r.failed), (5, 4));
        assert_eq!((r.status_5xx, r.status_4xx, r.timeouts, r.connection_errors), (1, 1, 1, 1));
        assert!((r.latency.max_ms - 10_000.0).abs() < 10.0, "{r:?}");
    }
}
