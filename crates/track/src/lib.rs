#![doc = include_str!("../README.md")]

pub mod ban_hours;
pub mod ban_zone;
mod capped_read;
mod csv_fixes;
mod error;
mod fix;
pub mod fix_reader;
mod geojson_fixes;
mod gpx_fixes;
mod location;
pub mod report;
mod timestamp;
pub mod track_checker;

pub use ban_hours::{BanSchedule, DailyBan, DailyBanError};
pub use ban_zone::{BanZone, ZoneLike};
pub use csv_fixes::MAX_LINE_BYTES;
pub use error::{TrackError, TrackErrorKind};
pub use fix::Fix;
pub use fix_reader::{FixReader, TrackFormat};
pub use gpx_fixes::MAX_UNIT_BYTES;
pub use location::Location;
pub use report::{Cause, Gap, Problem, ProblemKind, TrackPoint, TrackReport, ViolationInterval};
pub use timestamp::{TimeError, parse_fix_time, parse_time_ms};
pub use track_checker::{CheckOptions, MAX_BRIDGED_GAP, TrackChecker};
