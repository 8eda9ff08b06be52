//! Every layer versioned: a layer as it was at an instant, rebuilt from the audit
//! trail (`Store::history`), and the `as_of` parameter every door reads.
//!
//! # The as-of rule
//!
//! Each write leaves one audit row per changed feature with the feature before
//! and after it, so a layer's state at any instant is in the trail. For the
//! instant `at`, each feature id is answered in the version its **last audit row
//! at or before `at`** left (an `insert` or `update` row's `after`); a feature
//! whose last row there is a `delete` is absent. That is *transaction time*: what
//! the store held.
//!
//! A store is often filled long after its data took effect: the bundled grade
//! zones were written on the server's first start, but they are the delineation
//! of 临政发〔2023〕8号, in force from 2023-05-01. So for a layer with a *valid
//! time* ([`LayerKind::valid_from`]: a feature's `in_force`, `decision_date` or
//! `valid_from` field, or one date for the whole layer from its document), the
//! rule is bitemporal in the simplest way:
//!
//! - a feature with no audit row at or before `at` is answered in its **earliest
//!   recorded version** (the `before` of its first row, else that row's `after`):
//!   the first version the store knows stands for the time before it was written;
//! - every feature (whichever version) whose valid-from date is **after the
//!   county day of `at`** (Asia/Shanghai) is left out: not yet in force that day.
//!
//! So a grade zone edited today is answered for 2023-06-01 in its old shape (the
//! version before the edit), none is answered for 2023-04-30, and all are for
//! 2023-05-01. A feature deleted before `at` stays absent. Layers without a valid
//! time (villages, origin points, user-defined layers, …) use transaction time
//! alone. Every answer says which rule applied ([`AsOfLayer::note`], English and
//! Chinese).
//!
//! # `as_of` input
//!
//! An RFC 3339 instant (`2023-05-01T08:00:00+08:00`, read by the one parser,
//! [`parse_rfc3339`]) or a date (`2023-05-01`), which means "on that day": the
//! state at the **end** of that county day (23:59:59.999999999 Asia/Shanghai), so
//! a change made during the day counts.

use std::collections::{BTreeMap, HashMap};

use geo::{Geometry, MultiPolygon};

use landtrace_domain::units::instant::{Instant, TimeError, parse_rfc3339};
use landtrace_domain::{Date, LayerKind, ValidFrom};
use landtrace_spatial::ZoneIndex;
use landtrace_store::geojson_io::feature_from_geojson;
use landtrace_store::{AuditRecord, Feature, HistoryQuery, MAX_HISTORY_ROWS, Store, StoreError};
use serde_json::{Map, Value};

use crate::catalog::ZoneKey;

/// The instant an as-of question names, and how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AsOf {
    instant: Instant,
    /// The day, when the question named a day rather than an instant.
    day: Option<Date>,
}

/// Why an `as_of` text is not a date or an instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AsOfError {
    /// Neither `YYYY-MM-DD` nor an RFC 3339 date-time.
    #[error(
        "as_of must be a date (2023-05-01: the end of that day in Asia/Shanghai) or an RFC 3339 \
         date-time (2023-05-01T08:00:00+08:00): {0}"
    )]
    Invalid(TimeError),
}

impl AsOf {
    /// Reads `2023-05-01` (the end of that county day) or an RFC 3339 instant.
    pub fn parse(text: &str) -> Result<AsOf, AsOfError> {
        let trimmed = text.trim();
        if trimmed.len() == 10
            && let Ok(day) = Date::parse(trimmed)
        {
            return Ok(AsOf::day(day));
        }
        parse_rfc3339(trimmed).map(AsOf::instant).map_err(AsOfError::Invalid)
    }

    /// The state at the end of county day `day`.
    pub fn day(day: Date) -> AsOf {
        AsOf { instant: Instant::county_day_end(day), day: Some(day) }
    }

    /// The state at `instant`.
    pub fn instant(instant: Instant) -> AsOf {
        AsOf { instant, day: None }
    }

    /// The instant asked about.
    pub fn at(self) -> Instant {
        self.instant
    }

    /// Its day in the county (Asia/Shanghai).
    pub fn county_date(self) -> Date {
        self.day.unwrap_or_else(|| self.instant.county_date())
    }

    /// As the answers write it: the day as given, else the instant in UTC.
    pub fn text(self) -> String {
        match self.day {
            Some(day) => day.to_string(),
            None => self.instant.to_rfc3339_utc_millis(),
        }
    }
}

/// Which rule rebuilt a layer (see the [module documentation](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AsOfRule {
    /// What the store held at the instant.
    TransactionTime,
    /// The store's versions, the earliest standing for the time before it was
    /// written, and only features in force on the instant's county day.
    ValidTime(ValidFrom),
}

/// A layer as it was at an instant.
#[derive(Debug, Clone)]
pub struct AsOfLayer {
    /// The layer.
    pub kind: LayerKind,
    /// The instant asked about.
    pub as_of: AsOf,
    /// Its features then, ordered by id.
    pub features: Vec<Feature>,
    /// The rule that applied.
    pub rule: AsOfRule,
    /// The rule in words, for the answer (English).
    pub note: String,
    /// The rule in words (Chinese).
    pub note_zh: String,
}

/// One feature's versions in the trail, as far as the rule needs them.
#[derive(Default)]
struct Versions {
    /// Its earliest recorded version (`None`: deleted before anything else).
    earliest: Option<Value>,
    /// The version its last row at or before the instant left (`Some(None)`:
    /// deleted); `None` when it has no such row.
    at: Option<Option<Value>>,
}

/// Layer `kind` as it was at `at`, rebuilt from the audit trail by the rule of
/// the [module documentation](self).
pub async fn layer_as_of(store: &dyn Store, kind: LayerKind, at: AsOf) -> Result<AsOfLayer, StoreError> {
    let valid = kind.valid_from();
    // Transaction time needs the rows up to `at`; valid time also the later ones
    // (a feature's first version may be recorded after `at`).
    let until = if valid.is_some() { None } else { Some(at.instant) };
    let mut versions: BTreeMap<i64, Versions> = BTreeMap::new();
    let mut after_id = None;
    loop {
        let query =
            HistoryQuery { layer: Some(kind), until, after_id, limit: MAX_HISTORY_ROWS, ..HistoryQuery::default() };
        let page = store.history(&query).await?;
        for row in &page {
            take(&mut versions, row, at.instant);
        }
        match page.last() {
            Some(last) if page.len() == MAX_HISTORY_ROWS as usize => after_id = Some(last.id),
            _ => break,
        }
    }
    let day = at.county_date();
    let features = versions
        .into_values()
        .filter_map(|v| match (v.at, valid) {
            (Some(now), _) => now,
            (None, Some(_)) => v.earliest,
            (None, None) => None,
        })
        .filter_map(|json| feature_from_geojson(&json))
        .filter(|f| valid.and_then(|v| v.of(&f.properties)).is_none_or(|from| from <= day))
        .collect();
    let (rule, note, note_zh) = match valid {
        None => (
            AsOfRule::TransactionTime,
            format!(
                "{} as stored at {} (transaction time: the audit trail's last version of each feature \
                 at or before that instant; features added later are absent)",
                kind.table_name(),
                at.text()
            ),
            format!(
                "{}：按 {} 时数据库中的状态（审计记录中该时刻及以前的最后版本；之后新增的要素不计）",
                kind.title_zh(),
                at.text()
            ),
        ),
        Some(v) => (
            AsOfRule::ValidTime(v),
            format!(
                "{} in force on {day} (valid time from {}): each feature in its last version recorded at or \
                 before {}, or, if first recorded later, in its earliest recorded version; features in force \
                 only after {day} are left out",
                kind.table_name(),
                v.describe(),
                at.text()
            ),
            format!(
                "{}：{day} 有效的要素（生效日期依据：{}）。每个要素取 {} 及以前记录的最后版本；若首次入库晚于该时刻，\
                 以最早记录的版本代表入库前的状态；生效日期晚于 {day} 的要素不计",
                kind.title_zh(),
                describe_zh(v),
                at.text()
            ),
        ),
    };
    Ok(AsOfLayer { kind, as_of: at, features, rule, note, note_zh })
}

/// The zone layers as they were at an instant, with a zone index over them:
/// what `/api/locate?as_of=` answers from (a small catalogue of the past).
#[derive(Debug)]
pub struct ZonesAsOf {
    /// Each layer as it was (features, rule, note), in the order asked.
    pub layers: Vec<AsOfLayer>,
    /// Point-in-polygon index over their polygons.
    pub index: ZoneIndex<ZoneKey>,
    /// Attributes by zone.
    properties: HashMap<ZoneKey, Map<String, Value>>,
}

impl ZonesAsOf {
    /// The attributes zone `key` had.
    pub fn properties(&self, key: &ZoneKey) -> Option<&Map<String, Value>> {
        self.properties.get(key)
    }
}

/// The zone layers `kinds` as they were at `at` ([`layer_as_of`] each), indexed.
/// Features without a polygon are left out of the index.
pub async fn zones_as_of(store: &dyn Store, kinds: &[LayerKind], at: AsOf) -> Result<ZonesAsOf, StoreError> {
    let mut layers = Vec::with_capacity(kinds.len());
    for kind in kinds {
        layers.push(layer_as_of(store, *kind, at).await?);
    }
    let mut zones = Vec::new();
    let mut properties = HashMap::new();
    for layer in &layers {
        for f in &layer.features {
            let polygons = match &f.geometry {
                Some(Geometry::MultiPolygon(mp)) => mp.clone(),
                Some(Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]),
                _ => continue,
            };
            zones.push(((layer.kind, f.id), polygons));
            properties.insert((layer.kind, f.id), f.properties.clone());
        }
    }
    Ok(ZonesAsOf { layers, index: ZoneIndex::bulk_load(zones), properties })
}

/// Notes `row` in the versions of its feature.
fn take(versions: &mut BTreeMap<i64, Versions>, row: &AuditRecord, at: Instant) {
    let v = versions
        .entry(row.fid)
        .or_insert_with(|| Versions { earliest: row.before.clone().or_else(|| row.after.clone()), at: None });
    // Times that do not parse (never written by the stores) count as later.
    if parse_rfc3339(&row.at).is_ok_and(|t| t <= at) {
        v.at = Some(if row.action == "delete" { None } else { row.after.clone() });
    }
}

fn describe_zh(v: ValidFrom) -> String {
    match v {
        ValidFrom::Field(name) => format!("字段 {name}"),
        ValidFrom::Document { date, document } => format!("{document}，自 {date} 起执行"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_the_end_of_that_county_day() {
        let d = AsOf::parse("2023-05-01").unwrap();
        assert_eq!(d.county_date(), Date::ymd(2023, 5, 1));
        assert_eq!(d.at().to_rfc3339_utc_millis(), "2023-05-01T15:59:59.999Z");
        assert_eq!(d.text(), "2023-05-01");
        let i = AsOf::parse(" 2023-04-30T16:30:00Z ").unwrap();
        assert_eq!(i.county_date(), Date::ymd(2023, 5, 1), "00:30 in Asia/Shanghai");
        assert_eq!(i.text(), "2023-04-30T16:30:00.000Z");
        for bad in ["", "2023-02-30", "yesterday", "2023-05-01T08:00:00", "20230501"] {
            assert!(AsOf::parse(bad).is_err(), "{bad}");
        }
    }
}
