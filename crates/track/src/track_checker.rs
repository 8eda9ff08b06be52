//! [`TrackChecker`]: streaming detection of the spans a track spent inside
//! the zone during ban hours.
//!
//! Fixes are pushed one at a time; memory does not grow with the number of
//! fixes (only with the intervals, gaps and — capped — problems reported).
//!
//! For each pair of consecutive fixes `a → b` (a *segment*):
//! 1. Validation: a fix not later than the previous one is reported and
//!    skipped; a pause longer than `max_gap` is reported as a [`Gap`] and not
//!    bridged; a segment implying more than `max_speed_kmh` is reported as a
//!    jump and not bridged either (the track restarts at `b`). Not bridging
//!    ends an open interval at the last fix before the break.
//! 2. The segment is cut where it meets the zone boundary
//!    ([`ZoneLike::crossings`]; time interpolated linearly along it) and
//!    where the ban hours start or end ([`BanSchedule::next_change`];
//!    position interpolated linearly in lon/lat). Each piece is inside or
//!    outside as its midpoint is, banned or not as the schedule says.
//! 3. Consecutive pieces inside ∧ banned form a [`ViolationInterval`].
//!
//! A run of a single fix (between gaps, or a one-fix track) inside the zone
//! during ban hours gives an interval of zero length: the truck was seen
//! there. A fix isolated by jumps does not, as it is likely an outlier.
//!
//! **Distances** are haversine distances on a sphere of the GRS80 mean
//! radius (6 371 008.8 m, geo's `Haversine`) between the ends of each piece.
//! Against the WGS84 ellipsoid this is within about 0.5 % (typically 0.2 %
//! at 35° N), far below GPS noise integrated over a trip; interpolated
//! positions are exact along the straight lon/lat segment.

use crate::ban_hours::{BanSchedule, DailyBan};
use crate::ban_zone::ZoneLike;
use crate::error::TrackError;
use crate::fix::Fix;
use crate::location::Location;
use crate::report::{Cause, Gap, Problem, ProblemKind, TrackPoint, TrackReport, ViolationInterval};
use geo::{Coord, Distance, Haversine, Point};
use std::fmt;
use std::time::Duration;

/// The longest pause a [`TrackChecker`] bridges, whatever
/// [`CheckOptions::max_gap`] says: one day.
///
/// A bridged segment is cut at every start and end of the ban hours (two a day)
/// and can give one violation interval a day, so without a bound the work and the
/// report grew with the pause rather than with the input: a two-fix CSV track 3 000
/// years long took seconds and hundreds of MB.
pub const MAX_BRIDGED_GAP: Duration = Duration::from_secs(86_400);

/// Options of a [`TrackChecker`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckOptions {
    /// A pause between fixes longer than this is a gap (default 120 s); at
    /// most [`MAX_BRIDGED_GAP`] (a longer value counts as that).
    pub max_gap: Duration,
    /// Segments implying a higher speed are jumps (default 200 km/h).
    pub max_speed_kmh: f64,
    /// At most this many problems are listed (default 10 000); more are
    /// only counted, so a garbage file cannot exhaust memory.
    pub max_problems: usize,
}

impl CheckOptions {
    /// The default options with `max_gap` given in whole seconds, as the API
    /// (`max_gap_s`) and the CLI (`--max-gap-s`) take it: 1 s to one day
    /// ([`MAX_BRIDGED_GAP`]). Anything else is refused rather than silently
    /// clamped, so the caller learns the bound.
    pub fn with_max_gap_secs(secs: u64) -> Result<Self, String> {
        let max = MAX_BRIDGED_GAP.as_secs();
        if !(1..=max).contains(&secs) {
            return Err(format!("max_gap_s must be between 1 and {max} seconds (one day), not {secs}"));
        }
        Ok(CheckOptions { max_gap: Duration::from_secs(secs), ..CheckOptions::default() })
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { max_gap: Duration::from_secs(120), max_speed_kmh: 200.0, max_problems: 10_000 }
    }
}

/// Checks a track against a zone and a ban schedule, one fix at a time.
///
/// ```
/// use geo::{MultiPolygon, polygon};
/// use landtrace_spatial::Crs;
/// use landtrace_track::{BanZone, CheckOptions, FixReader, TrackChecker};
///
/// let square = polygon![(x: 110.76, y: 35.13), (x: 110.78, y: 35.13), (x: 110.78, y: 35.15), (x: 110.76, y: 35.15)];
/// let zone = BanZone::new(&MultiPolygon(vec![square]));
/// let csv = "time,lon,lat\n\
///            2024-05-01T10:00:00+08:00,110.75,35.14\n\
///            2024-05-01T10:01:00+08:00,110.77,35.14\n";
/// let mut checker = TrackChecker::new(&zone, CheckOptions::default());
/// for fix in FixReader::csv(csv.as_bytes(), Crs::Wgs84) {
///     checker.push_result(fix);
/// }
/// let report = checker.finish();
/// assert_eq!(report.intervals.len(), 1);
/// assert_eq!(report.intervals[0].duration_ms, 30_000); // entered at 110.76, half-way
/// ```
pub struct TrackChecker<'z, Z: ?Sized, S = DailyBan> {
    zone: &'z Z,
    schedule: S,
    max_gap_ms: i64,
    max_speed_kmh: f64,
    max_problems: usize,
    /// The last fix used (the start of the next segment).
    last: Option<Fix>,
    run: Run,
    /// State of the last piece of the current run, `None` at a run's start.
    state: Option<PieceState>,
    open: Option<OpenInterval>,
    ban: BanCache,
    /// Scratch buffers reused for every segment.
    crossings: Vec<f64>,
    splits: Vec<Split>,
    report: TrackReport,
}

/// A stretch of the track without breaks.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    fixes: usize,
    after_jump: bool,
}

#[derive(Debug, Clone, Copy)]
struct PieceState {
    inside: bool,
}

/// A point with a fractional time, before rounding for the report.
#[derive(Debug, Clone, Copy)]
struct Stop {
    t_ms: f64,
    at: Coord<f64>,
}

#[derive(Debug, Clone, Copy)]
struct OpenInterval {
    entry: Stop,
    exit: Stop,
    entered_by: Cause,
    distance_m: f64,
}

/// `banned` holds on `[from, until)`.
#[derive(Debug, Clone, Copy)]
struct BanCache {
    from: i64,
    until: Option<i64>,
    banned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SplitKind {
    Zone,
    Ban { banned_after: bool },
    End,
}

#[derive(Debug, Clone, Copy)]
struct Split {
    f: f64,
    t_ms: f64,
    kind: SplitKind,
}

impl<'z, Z: ZoneLike + ?Sized> TrackChecker<'z, Z, DailyBan> {
    /// A checker for `zone` under the ban hours of 临政发〔2023〕5号
    /// ([`DailyBan::LINYI_TRUCK_BAN`]).
    pub fn new(zone: &'z Z, options: CheckOptions) -> Self {
        TrackChecker::with_schedule(zone, DailyBan::LINYI_TRUCK_BAN, options)
    }
}

impl<'z, Z: ZoneLike + ?Sized, S: BanSchedule> TrackChecker<'z, Z, S> {
    /// A checker for `zone` under the ban hours of `schedule`.
    pub fn with_schedule(zone: &'z Z, schedule: S, options: CheckOptions) -> Self {
        TrackChecker {
            zone,
            schedule,
            max_gap_ms: i64::try_from(options.max_gap.min(MAX_BRIDGED_GAP).as_millis()).unwrap_or(i64::MAX),
            max_speed_kmh: options.max_speed_kmh,
            max_problems: options.max_problems,
            last: None,
            run: Run::default(),
            state: None,
            open: None,
            ban: BanCache { from: i64::MAX, until: None, banned: false },
            crossings: Vec::new(),
            splits: Vec::new(),
            report: TrackReport::default(),
        }
    }

    /// Adds the next fix of the track.
    pub fn push(&mut self, fix: Fix) {
        self.report.fixes += 1;
        self.report.fixes_local_time_assumed += usize::from(fix.local_time_assumed);
        let Some(previous) = self.last else {
            self.start_run(fix, false);
            return;
        };
        let dt_ms = fix.t_ms - previous.t_ms;
        if dt_ms == 0 {
            self.problem(fix.at, ProblemKind::DuplicateTime { t_ms: fix.t_ms });
            return;
        }
        if dt_ms < 0 {
            self.problem(fix.at, ProblemKind::TimeBackwards { t_ms: fix.t_ms, previous_t_ms: previous.t_ms });
            return;
        }
        if dt_ms > self.max_gap_ms {
            self.report.gaps.push(Gap { from: previous.at, to: fix.at, from_t_ms: previous.t_ms, to_t_ms: fix.t_ms });
            self.end_run(false);
            self.start_run(fix, false);
            return;
        }
        let (a, b) = (Coord::from(previous.position), Coord::from(fix.position));
        let distance_m = geodesic_m(a, b);
        // speed in km/h = metres per millisecond × 3600
        if distance_m * 3_600.0 > self.max_speed_kmh * dt_ms as f64 {
            let speed_kmh = distance_m * 3_600.0 / dt_ms as f64;
            self.problem(fix.at, ProblemKind::Jump { speed_kmh, distance_m, dt_ms });
            self.end_run(true);
            self.start_run(fix, true);
            return;
        }
        self.report.total_distance_m += distance_m;
        self.segment(previous.t_ms, a, fix.t_ms, b, distance_m);
        self.last = Some(fix);
        self.run.fixes += 1;
    }

    /// Records a record the reader could not read as a problem.
    pub fn reject(&mut self, error: TrackError) {
        self.problem(error.at, ProblemKind::Unreadable(error.kind));
    }

    /// [`push`](Self::push) for a fix, [`reject`](Self::reject) for an error:
    /// feed it a [`crate::FixReader`] item by item.
    pub fn push_result(&mut self, result: Result<Fix, TrackError>) {
        match result {
            Ok(fix) => self.push(fix),
            Err(error) => self.reject(error),
        }
    }

    /// Pushes every item of `fixes` and finishes.
    pub fn check_all(mut self, fixes: impl IntoIterator<Item = Result<Fix, TrackError>>) -> TrackReport {
        for result in fixes {
            self.push_result(result);
        }
        self.finish()
    }

    /// Ends the track: closes an open interval at the last fix.
    pub fn finish(mut self) -> TrackReport {
        if self.last.is_some() {
            self.end_run(false);
        }
        self.report
    }

    fn problem(&mut self, at: Location, kind: ProblemKind) {
        if self.report.problems.len() < self.max_problems {
            self.report.problems.push(Problem { at, kind });
        } else {
            self.report.problems_omitted += 1;
        }
    }

    fn start_run(&mut self, fix: Fix, after_jump: bool) {
        self.last = Some(fix);
        self.run = Run { fixes: 1, after_jump };
        self.state = None;
    }

    /// Ends the current run before a gap, a jump (`jump`) or the end.
    fn end_run(&mut self, jump: bool) {
        if self.open.is_some() {
            self.close(Cause::TrackEdge);
        } else if self.run.fixes == 1
            && !self.run.after_jump
            && !jump
            && let Some(fix) = self.last
        {
            let at = Coord::from(fix.position);
            if self.zone.contains(at) && self.banned_at(fix.t_ms) {
                let stop = Stop { t_ms: fix.t_ms as f64, at };
                self.open =
                    Some(OpenInterval { entry: stop, exit: stop, entered_by: Cause::TrackEdge, distance_m: 0.0 });
                self.close(Cause::TrackEdge);
            }
        }
        self.state = None;
    }

    /// Whether the ban applies at `t_ms`, through a cache valid until the
    /// schedule's next change.
    fn banned_at(&mut self, t_ms: i64) -> bool {
        let cache = self.ban;
        if t_ms >= cache.from && cache.until.is_none_or(|until| t_ms < until) {
            return cache.banned;
        }
        let banned = self.schedule.banned_at(t_ms);
        self.ban = BanCache { from: t_ms, until: self.schedule.next_change(t_ms), banned };
        banned
    }

    /// Cuts segment `a → b` into pieces and feeds them to [`Self::advance`].
    fn segment(&mut self, ta: i64, a: Coord<f64>, tb: i64, b: Coord<f64>, distance_m: f64) {
        let dt = (tb - ta) as f64;
        let mut crossings = std::mem::take(&mut self.crossings);
        let mut splits = std::mem::take(&mut self.splits);
        crossings.clear();
        splits.clear();
        self.zone.crossings(a, b, &mut crossings);
        splits.extend(crossings.iter().map(|&f| Split { f, t_ms: ta as f64 + f * dt, kind: SplitKind::Zone }));
        let mut banned = self.banned_at(ta);
        while let Some(change) = self.ban.until.filter(|&until| until < tb) {
            let banned_after = self.banned_at(change);
            let f = (change - ta) as f64 / dt;
            splits.push(Split { f, t_ms: change as f64, kind: SplitKind::Ban { banned_after } });
        }
        let whole = splits.is_empty();
        if splits.len() > 1 {
            splits.sort_unstable_by(|x, y| x.f.total_cmp(&y.f));
        }
        splits.push(Split { f: 1.0, t_ms: tb as f64, kind: SplitKind::End });
        let (mut f0, mut start) = (0.0, Stop { t_ms: ta as f64, at: a });
        for split in &splits {
            if split.f > f0 {
                let end =
                    Stop { t_ms: split.t_ms, at: if split.kind == SplitKind::End { b } else { lerp(a, b, split.f) } };
                let inside = self.zone.contains(lerp(a, b, 0.5 * (f0 + split.f)));
                let piece_m = if whole { distance_m } else { geodesic_m(start.at, end.at) };
                self.advance(start, end, inside, banned, piece_m);
                (f0, start) = (split.f, end);
            }
            if let SplitKind::Ban { banned_after } = split.kind {
                banned = banned_after;
            }
        }
        self.crossings = crossings;
        self.splits = splits;
    }

    /// Takes the next piece `start → end` of the track.
    fn advance(&mut self, start: Stop, end: Stop, inside: bool, banned: bool, distance_m: f64) {
        let violating = inside && banned;
        match (&mut self.open, violating) {
            (Some(open), true) => {
                open.distance_m += distance_m;
                open.exit = end;
            }
            (Some(_), false) => self.close(if inside { Cause::BanHours } else { Cause::ZoneBoundary }),
            (None, true) => {
                let entered_by = match self.state {
                    None => Cause::TrackEdge,
                    Some(PieceState { inside: false }) => Cause::ZoneBoundary,
                    Some(PieceState { inside: true }) => Cause::BanHours,
                };
                self.open = Some(OpenInterval { entry: start, exit: end, entered_by, distance_m });
            }
            (None, false) => {}
        }
        self.state = Some(PieceState { inside });
    }

    fn close(&mut self, exited_by: Cause) {
        let Some(open) = self.open.take() else {
            return;
        };
        let (entry, exit) = (track_point(open.entry), track_point(open.exit));
        let duration_ms = exit.t_ms - entry.t_ms;
        self.report.total_violation_ms += duration_ms;
        self.report.total_violation_m += open.distance_m;
        self.report.intervals.push(ViolationInterval {
            entry,
            exit,
            entered_by: open.entered_by,
            exited_by,
            distance_m: open.distance_m,
            duration_ms,
        });
    }
}

impl<Z: ?Sized, S> fmt::Debug for TrackChecker<'_, Z, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackChecker")
            .field("last", &self.last)
            .field("fixes", &self.report.fixes)
            .field("intervals", &self.report.intervals.len())
            .finish_non_exhaustive()
    }
}

/// Haversine distance in metres (see the module docs for its accuracy).
fn geodesic_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Haversine.distance(Point(a), Point(b))
}

fn lerp(a: Coord<f64>, b: Coord<f64>, f: f64) -> Coord<f64> {
    Coord { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f }
}

fn track_point(stop: Stop) -> TrackPoint {
    TrackPoint { t_ms: stop.t_ms.round() as i64, lon: stop.at.x, lat: stop.at.y }
}
