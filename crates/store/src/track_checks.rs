//! The summaries of checked GPS tracks (`POST /api/truck-ban/track`, `landtrace check
//! track`): when, by whom, the plate when given, how many violations and the time
//! range of the track. No fix, position or personal detail of the driver is kept.
//! Written by `app::gps_track::record_check` only; read by the dashboard.

use serde::Serialize;

use crate::StoreError;

/// Which door checked the track.
pub const DOORS: &[&str] = &["http", "cli"];
/// The longest plate kept (a Chinese plate is 7 or 8 characters).
pub const MAX_PLATE_CHARS: usize = 16;
/// The longest actor name kept.
pub const MAX_ACTOR_CHARS: usize = 200;

/// One checked track's summary, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackCheck {
    /// When it was checked, unix milliseconds.
    pub checked_at_ms: i64,
    /// Who checked it (the user, `anonymous`, or the CLI's `--actor`).
    pub checked_by: String,
    /// `http` or `cli`.
    pub door: String,
    /// The vehicle's plate when the check named one.
    pub plate: Option<String>,
    /// Violation intervals found (in the zone and on banned road sections).
    pub violations: u32,
    /// Usable fixes read.
    pub fixes: u64,
    /// The first fix's time, unix milliseconds.
    pub track_from_ms: Option<i64>,
    /// The last fix's time, unix milliseconds.
    pub track_to_ms: Option<i64>,
}

/// A stored [`TrackCheck`] with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTrackCheck {
    /// Row id, in the order the checks were recorded.
    pub id: i64,
    /// The summary.
    #[serde(flatten)]
    pub check: TrackCheck,
}

impl TrackCheck {
    /// Refuses a summary no door should write ([`StoreError::Refused`]).
    pub fn validate(&self) -> Result<(), StoreError> {
        let refuse = |m: String| Err(StoreError::Refused(m));
        if !DOORS.contains(&self.door.as_str()) {
            return refuse(format!("track check door {:?} is not http or cli", self.door));
        }
        if self.checked_by.is_empty() || self.checked_by.chars().count() > MAX_ACTOR_CHARS {
            return refuse(format!("track check actor must be 1 to {MAX_ACTOR_CHARS} characters"));
        }
        if let Some(p) = &self.plate
            && (p.trim().is_empty() || p.chars().count() > MAX_PLATE_CHARS)
        {
            return refuse(format!("track check plate must be 1 to {MAX_PLATE_CHARS} characters"));
        }
        if let (Some(a), Some(b)) = (self.track_from_ms, self.track_to_ms)
            && a > b
        {
            return refuse("track check time range ends before it starts".into());
        }
        Ok(())
    }
}

/// A row as both backends read it: id, checked at, by, door, plate, violations,
/// fixes, track from, track to.
pub(crate) type Row = (i64, i64, String, String, Option<String>, i64, i64, Option<i64>, Option<i64>);

/// A stored check from its row.
pub(crate) fn from_row((id, at, by, door, plate, violations, fixes, from, to): Row) -> StoredTrackCheck {
    StoredTrackCheck {
        id,
        check: TrackCheck {
            checked_at_ms: at,
            checked_by: by,
            door,
            plate,
            violations: u32::try_from(violations).unwrap_or(u32::MAX),
            fixes: u64::try_from(fixes).unwrap_or(0),
            track_from_ms: from,
            track_to_ms: to,
        },
    }
}
