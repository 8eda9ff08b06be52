//! The input policy: what every door (HTTP, CLI, bundled data) accepts, in one place.
//!
//! - **Numeric ranges** ([`NumberRange`]): every number a record or request carries has
//!   a range. Where the rules give one it lives beside the rule (land grades in
//!   [`crate::land::prices`], the capture ratio in [`crate::sponge`], the yes/no flag of
//!   [`crate::traceability::record`]) and says so ([`RangeBasis::Rule`]); elsewhere it is a
//!   generous physical sanity bound kept here ([`RangeBasis::Limit`]): an input limit
//!   that refuses typing errors and hostile values such as `1e308`, not a gazette rule.
//!   Non-finite numbers never pass.
//! - **Volume limits** ([`Limit`]): vertices per geometry and per request, features
//!   per request, bytes of an HTTP body per kind of endpoint ([`BodyKind`]) and of a
//!   CLI input file. A geometry over its limit is a problem of that geometry
//!   ([`Limit::whole_request`] false: HTTP 422); the others are problems of the whole
//!   request (HTTP 413).
//! - **Text**: a leading UTF-8 byte-order mark is accepted in every text input
//!   ([`strip_bom`]); a text field holds at most [`MAX_TEXT_BYTES`].
//!
//! Pure: callers count and measure, these functions only compare.

use std::fmt;

use serde::Serialize;

// ----- volume limits ------------------------------------------------------------------

/// Most vertices (positions, rings closed) accepted in one geometry. Validating a
/// polygon costs more than linear time in its vertices; a surveyed parcel or zone has
/// a few thousand.
pub const MAX_VERTICES_PER_GEOMETRY: u64 = 200_000;
/// Most vertices accepted in one request or import, over all its geometries.
pub const MAX_VERTICES_PER_REQUEST: u64 = 2_000_000;
/// Most features (records, parcels, rows) accepted in one request or import.
pub const MAX_FEATURES_PER_REQUEST: u64 = 100_000;
/// Most features one file import takes (`landtrace import`, `landtrace layer
/// create`): a county's cadastral parcels (宗地, several hundred thousand) or a
/// million origin points in one file, all or nothing. An HTTP request stays at
/// [`MAX_FEATURES_PER_REQUEST`].
pub const MAX_FEATURES_PER_FILE_IMPORT: u64 = 2_000_000;
/// Most vertices one file import takes, over all its geometries: more than a
/// file of [`MAX_CLI_FILE_BYTES`] can hold (16 bytes a vertex in a shapefile).
pub const MAX_VERTICES_PER_FILE_IMPORT: u64 = 20_000_000;
/// Longest text value of one field, in bytes (UTF-8): far beyond a name, an address
/// or a list of surfaces, and short of a hostile multi-megabyte value.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Longest piece of a client's input an error message repeats, in characters: an
/// answer about a bad 30 MB header line is a line, not 30 MB.
pub const MAX_ECHOED_CHARS: usize = 80;
/// Largest file the CLI reads as input (GeoJSON, CSV, GPX): more than any HTTP body,
/// never unbounded. Only regular files are read.
pub const MAX_CLI_FILE_BYTES: u64 = 256 * MIB;

/// Most bytes an archive (a zipped shapefile, a KMZ) may unpack to, over all its
/// members, as declared and as actually inflated: a zip bomb is refused before GDAL
/// opens it.
pub const MAX_ARCHIVE_UNPACKED_BYTES: u64 = 1024 * MIB;
/// Most members one archive may hold.
pub const MAX_ARCHIVE_MEMBERS: u64 = 1_000;
/// Deepest nesting of one geometry (a collection of multipolygons of polygons of
/// rings is 4 deep); deeper ones come only from hostile files.
pub const MAX_GEOMETRY_NESTING: u64 = 8;

const MIB: u64 = 1024 * 1024;

// The CLI may read more than any HTTP body; one geometry is less than a request.
const _: () = assert!(MAX_CLI_FILE_BYTES > BodyKind::Import.max_bytes());
const _: () = assert!(MAX_VERTICES_PER_GEOMETRY < MAX_VERTICES_PER_REQUEST);

/// The kinds of HTTP endpoint that read a body, each with its own size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A small JSON request: a truck-ban check, a compensation or consolidation
    /// estimate by area, one origin-point record, a delete.
    Small,
    /// One photo of an origin-point record (JPEG, PNG or WebP; the map client
    /// downscales to 1600 px before it sends).
    Photo,
    /// A JSON request holding a polygon: one parcel's valuation or expropriation
    /// check, a runoff or consolidation estimate for a polygon.
    Geometry,
    /// An anonymous file upload: a batch of parcels, a GPS track.
    Upload,
    /// An authorised import or replacement of layer features, the origin-point
    /// spreadsheet.
    Import,
}

impl BodyKind {
    /// Every kind, smallest limit first.
    pub const ALL: [BodyKind; 5] =
        [BodyKind::Small, BodyKind::Photo, BodyKind::Geometry, BodyKind::Upload, BodyKind::Import];

    /// Largest body accepted, in bytes.
    pub const fn max_bytes(self) -> u64 {
        match self {
            BodyKind::Small => MIB,
            BodyKind::Photo => 5 * MIB,
            BodyKind::Geometry => 16 * MIB,
            BodyKind::Upload => 32 * MIB,
            BodyKind::Import => 64 * MIB,
        }
    }

    /// What the kind covers, for messages.
    pub const fn describe(self) -> &'static str {
        match self {
            BodyKind::Small => "this request",
            BodyKind::Photo => "a photo",
            BodyKind::Geometry => "a request with a geometry",
            BodyKind::Upload => "an uploaded file",
            BodyKind::Import => "an import",
        }
    }
}

/// The media types a stored photo may have.
pub const PHOTO_MEDIA_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// The media type of an image file told by its first bytes (its signature):
/// `image/jpeg` (FF D8 FF), `image/png` (89 50 4E 47 0D 0A 1A 0A) or `image/webp`
/// (`RIFF` · size · `WEBP`); None for anything else, whatever it claims to be.
pub fn sniff_photo(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PHOTO_MEDIA_TYPES[0])
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PHOTO_MEDIA_TYPES[1])
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(PHOTO_MEDIA_TYPES[2])
    } else {
        None
    }
}

/// Which door a write comes through, for the limits that differ: an HTTP
/// request (or an upload through the map client) takes at most
/// [`MAX_FEATURES_PER_REQUEST`] features, a file imported on the server's own
/// machine (`landtrace import`) up to [`MAX_FEATURES_PER_FILE_IMPORT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Door {
    /// An HTTP request, an upload, a batch of the map client.
    #[default]
    Request,
    /// A file on the machine, imported by the command line.
    FileImport,
}

impl Door {
    /// The limit on the number of features of one write.
    pub const fn features(self) -> Limit {
        match self {
            Door::Request => Limit::FeaturesPerRequest,
            Door::FileImport => Limit::FeaturesPerFileImport,
        }
    }

    /// The limit on the vertices of one write, over all its geometries.
    pub const fn vertices(self) -> Limit {
        match self {
            Door::Request => Limit::VerticesPerRequest,
            Door::FileImport => Limit::VerticesPerFileImport,
        }
    }
}

/// One limit of the input policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// [`MAX_VERTICES_PER_GEOMETRY`].
    VerticesPerGeometry,
    /// [`MAX_VERTICES_PER_REQUEST`].
    VerticesPerRequest,
    /// [`MAX_FEATURES_PER_REQUEST`].
    FeaturesPerRequest,
    /// [`MAX_VERTICES_PER_FILE_IMPORT`].
    VerticesPerFileImport,
    /// [`MAX_FEATURES_PER_FILE_IMPORT`].
    FeaturesPerFileImport,
    /// [`BodyKind::max_bytes`].
    BodyBytes(BodyKind),
    /// [`MAX_CLI_FILE_BYTES`].
    FileBytes,
    /// [`MAX_ARCHIVE_UNPACKED_BYTES`].
    ArchiveUnpackedBytes,
    /// [`MAX_ARCHIVE_MEMBERS`].
    ArchiveMembers,
    /// [`MAX_GEOMETRY_NESTING`].
    GeometryNesting,
}

impl Limit {
    /// The largest accepted value.
    pub const fn max(self) -> u64 {
        match self {
            Limit::VerticesPerGeometry => MAX_VERTICES_PER_GEOMETRY,
            Limit::VerticesPerRequest => MAX_VERTICES_PER_REQUEST,
            Limit::FeaturesPerRequest => MAX_FEATURES_PER_REQUEST,
            Limit::VerticesPerFileImport => MAX_VERTICES_PER_FILE_IMPORT,
            Limit::FeaturesPerFileImport => MAX_FEATURES_PER_FILE_IMPORT,
            Limit::BodyBytes(kind) => kind.max_bytes(),
            Limit::FileBytes => MAX_CLI_FILE_BYTES,
            Limit::ArchiveUnpackedBytes => MAX_ARCHIVE_UNPACKED_BYTES,
            Limit::ArchiveMembers => MAX_ARCHIVE_MEMBERS,
            Limit::GeometryNesting => MAX_GEOMETRY_NESTING,
        }
    }

    /// Whether going over the limit is a problem of the request as a whole (HTTP 413)
    /// rather than of one of its geometries (HTTP 422).
    pub const fn whole_request(self) -> bool {
        !matches!(self, Limit::VerticesPerGeometry | Limit::GeometryNesting)
    }

    /// `Ok` when `actual` is within the limit; else an error naming `subject` (what was
    /// measured: `feature #3 of layer urban_grade_zones`, `the request body`, a file).
    pub fn check(self, actual: u64, subject: impl fmt::Display) -> Result<(), LimitError> {
        if actual <= self.max() {
            Ok(())
        } else {
            Err(LimitError { limit: self, actual, subject: subject.to_string() })
        }
    }
}

/// An input over one of the limits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LimitError {
    /// The limit.
    pub limit: Limit,
    /// What was measured (at least the limit + 1; a lower bound when reading stopped there).
    pub actual: u64,
    /// What was measured, for people.
    pub subject: String,
}

impl LimitError {
    /// See [`Limit::whole_request`].
    pub const fn whole_request(&self) -> bool {
        self.limit.whole_request()
    }
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (subject, actual, max) = (&self.subject, grouped(self.actual), grouped(self.limit.max()));
        match self.limit {
            Limit::VerticesPerGeometry => write!(
                f,
                "{subject} has {actual} vertices; at most {max} are accepted in one geometry (input limit): \
                 simplify it or split it into parts"
            ),
            Limit::VerticesPerRequest => write!(
                f,
                "{subject} has {actual} vertices in all; at most {max} are accepted in one request or import \
                 (input limit): split it into smaller ones"
            ),
            Limit::FeaturesPerRequest => write!(
                f,
                "{subject} has {actual} features; at most {max} are accepted in one request or import \
                 (input limit): split it into smaller ones"
            ),
            Limit::VerticesPerFileImport => write!(
                f,
                "{subject} has {actual} vertices in all; at most {max} are accepted in one file import \
                 (input limit): split the file"
            ),
            Limit::FeaturesPerFileImport => write!(
                f,
                "{subject} has {actual} features; at most {max} are accepted in one file import \
                 (input limit): split the file"
            ),
            Limit::BodyBytes(kind) => write!(
                f,
                "{subject} is larger than {max} bytes ({}), the limit for {} (input limit)",
                mib_text(self.limit.max()),
                kind.describe()
            ),
            Limit::FileBytes => write!(
                f,
                "{subject} is {actual} bytes, larger than {max} bytes ({}), the limit for input files (input limit)",
                mib_text(self.limit.max())
            ),
            Limit::ArchiveUnpackedBytes => write!(
                f,
                "{subject} unpacks to more than {max} bytes ({}), the limit for archives (input limit): \
                 refused unopened, as a zip bomb would be",
                mib_text(self.limit.max())
            ),
            Limit::ArchiveMembers => {
                write!(f, "{subject} holds {actual} members; at most {max} are accepted in one archive (input limit)")
            }
            Limit::GeometryNesting => {
                write!(f, "{subject} is nested more than {max} levels deep; at most {max} are accepted (input limit)")
            }
        }
    }
}

/// `2000000` → `2,000,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mib_text(bytes: u64) -> String {
    format!("{} MiB", bytes / MIB)
}

// ----- text ----------------------------------------------------------------------------

/// `text` as an error message may repeat it: at most [`MAX_ECHOED_CHARS`]
/// characters, ending in `…` when cut.
pub fn echo(text: &str) -> String {
    let mut chars = text.char_indices();
    match chars.nth(MAX_ECHOED_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// `text` without a leading UTF-8 byte-order mark (U+FEFF), which spreadsheet and GIS
/// programs on Windows write; every text input accepts one.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

// ----- numeric ranges --------------------------------------------------------------------

/// Where a range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum RangeBasis {
    /// The rules or the quantity's definition (a grade of the published table, a
    /// percentage, a count, a yes/no flag).
    Rule(&'static str),
    /// A physical sanity bound: an input limit, not a rule.
    Limit(&'static str),
}

/// The values a number may take: bounds (each inclusive or not), whole numbers only or
/// not, the unit and where the range comes from. Bounds are never NaN.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NumberRange {
    /// Lower bound.
    pub min: f64,
    /// Whether `min` itself is refused.
    pub min_exclusive: bool,
    /// Upper bound.
    pub max: f64,
    /// Whether `max` itself is refused.
    pub max_exclusive: bool,
    /// Whole numbers only.
    pub whole: bool,
    /// Unit for messages (`m²`, `头`); empty for plain numbers.
    pub unit: &'static str,
    /// Where the range comes from.
    pub basis: RangeBasis,
}

// The bounds are constants that are never NaN (checked when they are built).
impl Eq for NumberRange {}

impl NumberRange {
    /// `min..=max` in `unit`, a range of the rules (or of the quantity's definition).
    pub const fn rule(min: f64, max: f64, unit: &'static str, basis: &'static str) -> NumberRange {
        NumberRange::new(min, max, unit, RangeBasis::Rule(basis))
    }

    /// `min..=max` in `unit`, a physical sanity bound (an input limit) explained by `why`.
    pub const fn limit(min: f64, max: f64, unit: &'static str, why: &'static str) -> NumberRange {
        NumberRange::new(min, max, unit, RangeBasis::Limit(why))
    }

    const fn new(min: f64, max: f64, unit: &'static str, basis: RangeBasis) -> NumberRange {
        assert!(!min.is_nan() && !max.is_nan() && min <= max, "a range needs ordered bounds");
        NumberRange { min, min_exclusive: false, max, max_exclusive: false, whole: false, unit, basis }
    }

    /// The same range, whole numbers only.
    pub const fn whole(mut self) -> NumberRange {
        self.whole = true;
        self
    }

    /// The same range without its lower bound (`min < x`).
    pub const fn above_min(mut self) -> NumberRange {
        self.min_exclusive = true;
        self
    }

    /// The same range without its upper bound (`x < max`).
    pub const fn below_max(mut self) -> NumberRange {
        self.max_exclusive = true;
        self
    }

    /// Whether `x` is in the range (never for NaN or infinities).
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.min_exclusive { x > self.min } else { x >= self.min };
        let below = if self.max_exclusive { x < self.max } else { x <= self.max };
        x.is_finite() && above && below && (!self.whole || x.fract() == 0.0)
    }

    /// `value` when it is in the range; else an error naming `field`, the value and the
    /// range. `-0` comes back as `0`.
    pub fn check(&self, field: &str, value: f64) -> Result<f64, RangeError> {
        if self.contains(value) {
            return Ok(value + 0.0);
        }
        let problem = if !value.is_finite() {
            RangeProblem::NotFinite
        } else if self.whole && value.fract() != 0.0 {
            RangeProblem::NotWhole
        } else {
            RangeProblem::OutOfRange
        };
        Err(RangeError { field: field.to_owned(), value: number_text(value), problem, range: *self })
    }

    /// The range in words: `whole numbers from 1 to 3`, `more than 0 and less than 100 %`.
    pub fn describe(&self) -> String {
        let (lo, hi) = (number_text(self.min), number_text(self.max));
        let span = match (self.min_exclusive, self.max_exclusive) {
            (false, false) => format!("from {lo} to {hi}"),
            (true, false) => format!("more than {lo} and at most {hi}"),
            (false, true) => format!("at least {lo} and less than {hi}"),
            (true, true) => format!("more than {lo} and less than {hi}"),
        };
        let unit = if self.unit.is_empty() { String::new() } else { format!(" {}", self.unit) };
        let whole = if self.whole { "whole numbers " } else { "" };
        format!("{whole}{span}{unit}")
    }
}

/// What is wrong with a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeProblem {
    /// NaN or infinite.
    NotFinite,
    /// A fraction where whole numbers are needed.
    NotWhole,
    /// Outside the bounds.
    OutOfRange,
}

/// A number outside its field's range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RangeError {
    /// The field or request parameter.
    pub field: String,
    /// The value as given (short text: `1e308`, not 309 digits).
    pub value: String,
    /// What is wrong.
    pub problem: RangeProblem,
    /// The range it had to be in.
    pub range: NumberRange,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problem = match self.problem {
            RangeProblem::NotFinite => "is not a finite number",
            RangeProblem::NotWhole => "is not a whole number",
            RangeProblem::OutOfRange => "is out of range",
        };
        let basis = match self.range.basis {
            RangeBasis::Rule(text) => text.to_owned(),
            RangeBasis::Limit(text) => format!("input limit: {text}"),
        };
        write!(f, "field {:?}: {} {problem}; allowed: {} ({basis})", self.field, self.value, self.range.describe())
    }
}

/// A number as short text: `3`, `0.25`, `1e308`, `-1e-9`.
pub fn number_text(x: f64) -> String {
    let a = x.abs();
    if x.is_finite() && a != 0.0 && !(1e-6..1e15).contains(&a) { format!("{x:e}") } else { format!("{x}") }
}

// ----- sanity bounds (input limits, not rules) ----------------------------------------------

/// An area on the ground in m²: nothing a record or request describes is larger than the
/// county.
pub const GROUND_AREA_M2: NumberRange =
    NumberRange::limit(0.0, 2.0e9, "m²", "nothing described is larger than the county (about 1 340 km²)");
/// An area on the ground in 亩 ([`GROUND_AREA_M2`] in 亩: 2 000 km² = 3 000 000 亩).
pub const GROUND_AREA_MU: NumberRange =
    NumberRange::limit(0.0, 3.0e6, "亩", "nothing described is larger than the county (about 2 010 000 亩)");
/// Floor area of one house under expropriation, m².
pub const BUILDING_AREA_M2: NumberRange =
    NumberRange::limit(0.0, 100_000.0, "m²", "no house in an expropriation area has 100 000 m² of floor space")
        .above_min();
/// Appraised value of one house, 元.
pub const APPRAISED_VALUE_YUAN: NumberRange =
    NumberRange::limit(0.0, 1.0e10, "元", "no house is appraised at more than 10 000 000 000 元");
/// Days between the end of an appraisal and signing (ten years).
pub const DAYS_AFTER_APPRAISAL: NumberRange =
    NumberRange::limit(0.0, 3_660.0, "days", "an agreement is signed within ten years of the appraisal").whole();
/// Abandoned homesteads (户) on one consolidation project.
pub const HOUSEHOLDS: NumberRange =
    NumberRange::limit(0.0, 100_000.0, "户", "no project holds 100 000 households").whole();
/// Storage volume of one sponge facility, m³.
pub const STORAGE_VOLUME_M3: NumberRange =
    NumberRange::limit(0.0, 1.0e9, "m³", "a billion m³ is the size of a large reservoir");
/// Storage depth of one sponge facility, m.
pub const STORAGE_DEPTH_M: NumberRange = NumberRange::limit(0.0, 100.0, "m", "deep storage tunnels reach about 60 m");
/// Design rainfall depth H of a runoff estimate, mm.
pub const RAINFALL_DEPTH_MM: NumberRange =
    NumberRange::limit(0.0, 2_000.0, "mm", "more than the greatest rainfall ever measured in one day (1 825 mm)")
        .above_min();
/// Animals kept by one origin point (头, 只).
pub const ANIMAL_COUNT: NumberRange =
    NumberRange::limit(0.0, 1.0e7, "", "no farm in the county keeps ten million animals").whole();
/// Vehicle length, mm.
pub const VEHICLE_LENGTH_MM: NumberRange =
    NumberRange::limit(0.0, 30_000.0, "mm", "GB 1589-2016 allows road trains of at most 22 m").above_min().whole();
/// Vehicle total mass, kg.
pub const VEHICLE_MASS_KG: NumberRange =
    NumberRange::limit(0.0, 200_000.0, "kg", "GB 1589-2016 allows at most 49 t").above_min().whole();
/// A benchmark land price, 元/m² (the county's highest is 686).
pub const LAND_PRICE_YUAN_PER_M2: NumberRange =
    NumberRange::limit(0.0, 1.0e6, "元/m²", "no land price in China approaches 1 000 000 元/m²").above_min().whole();
/// A benchmark land price, 万元/亩 ([`LAND_PRICE_YUAN_PER_M2`] converted: 1 000 000 元/m²
/// is about 66 667 万元/亩).
pub const LAND_PRICE_WAN_YUAN_PER_MU: NumberRange =
    NumberRange::limit(0.0, 66_700.0, "万元/亩", "no land price in China approaches 1 000 000 元/m² (66 667 万元/亩)")
        .above_min();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_refuse_out_of_range_fractions_and_non_finite_numbers() {
        let r = NumberRange::rule(1.0, 3.0, "", "urban land grades").whole();
        assert_eq!(r.check("grade", 2.0), Ok(2.0));
        assert_eq!(r.check("grade", 3.0), Ok(3.0));
        let e = r.check("grade", 4.0).unwrap_err();
        assert_eq!(e.problem, RangeProblem::OutOfRange);
        assert_eq!(
            e.to_string(),
            "field \"grade\": 4 is out of range; allowed: whole numbers from 1 to 3 (urban land grades)"
        );
        assert_eq!(r.check("grade", 1.5).unwrap_err().problem, RangeProblem::NotWhole);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(r.check("grade", bad).unwrap_err().problem, RangeProblem::NotFinite, "{bad}");
        }
        // Open bounds.
        let open = NumberRange::rule(0.0, 100.0, "%", "a percentage").above_min().below_max();
        assert!(!open.contains(0.0) && open.contains(0.1) && open.contains(99.9) && !open.contains(100.0));
        assert_eq!(open.describe(), "more than 0 and less than 100 %");
        assert_eq!(NumberRange::limit(0.0, 5.0, "m", "x").above_min().describe(), "more than 0 and at most 5 m");
        assert_eq!(NumberRange::limit(0.0, 5.0, "m", "x").below_max().describe(), "at least 0 and less than 5 m");
        // -0 is kept as 0.
        assert_eq!(GROUND_AREA_M2.check("area_m2", -0.0).unwrap().to_string(), "0");
    }

    #[test]
    fn huge_values_are_named_shortly_with_the_limit() {
        let e = RAINFALL_DEPTH_MM.check("design_rainfall_mm", 1e308).unwrap_err();
        let text = e.to_string();
        assert_eq!(
            text,
            "field \"design_rainfall_mm\": 1e308 is out of range; allowed: more than 0 and at most 2000 mm \
             (input limit: more than the greatest rainfall ever measured in one day (1 825 mm))"
        );
        assert_eq!(number_text(-1e-9), "-1e-9");
        assert_eq!(number_text(0.25), "0.25");
        assert_eq!(number_text(123_456_789.0), "123456789");
    }

    #[test]
    fn every_sanity_bound_is_a_limit_with_a_reason_and_finite_bounds() {
        for r in [
            GROUND_AREA_M2,
            GROUND_AREA_MU,
            BUILDING_AREA_M2,
            APPRAISED_VALUE_YUAN,
            DAYS_AFTER_APPRAISAL,
            HOUSEHOLDS,
            STORAGE_VOLUME_M3,
            STORAGE_DEPTH_M,
            RAINFALL_DEPTH_MM,
            ANIMAL_COUNT,
            VEHICLE_LENGTH_MM,
            VEHICLE_MASS_KG,
            LAND_PRICE_YUAN_PER_M2,
            LAND_PRICE_WAN_YUAN_PER_MU,
        ] {
            assert!(matches!(r.basis, RangeBasis::Limit(why) if !why.is_empty()), "{r:?}");
            assert!(r.min.is_finite() && r.max.is_finite() && r.min >= 0.0, "{r:?}");
            assert!(!r.contains(1e308) && !r.contains(-1.0), "{r:?}");
        }
        // The two ground-area bounds describe the same area.
        assert!((GROUND_AREA_MU.max * crate::units::area::M2_PER_MU / GROUND_AREA_M2.max - 1.0).abs() < 1e-9);
        // The 万元/亩 bound is the 元/m² bound converted (× 666.67 / 10 000), rounded up.
        let converted = LAND_PRICE_YUAN_PER_M2.max * crate::units::area::M2_PER_MU / 10_000.0;
        assert!(LAND_PRICE_WAN_YUAN_PER_MU.max >= converted && LAND_PRICE_WAN_YUAN_PER_MU.max < converted + 100.0);
    }

    #[test]
    fn volume_limits_name_the_subject_and_the_limit() {
        assert_eq!(Limit::VerticesPerGeometry.check(MAX_VERTICES_PER_GEOMETRY, "feature #1"), Ok(()));
        let e = Limit::VerticesPerGeometry.check(MAX_VERTICES_PER_GEOMETRY + 1, "feature #3 of layer x").unwrap_err();
        assert!(!e.whole_request());
        assert_eq!(
            e.to_string(),
            "feature #3 of layer x has 200,001 vertices; at most 200,000 are accepted in one geometry (input limit): \
             simplify it or split it into parts"
        );
        let e = Limit::VerticesPerRequest.check(2_500_000, "the import").unwrap_err();
        assert!(e.whole_request() && e.to_string().contains("2,500,000 vertices in all; at most 2,000,000"), "{e}");
        let e = Limit::FeaturesPerRequest.check(100_001, "the import").unwrap_err();
        assert!(e.whole_request() && e.to_string().contains("100,001 features; at most 100,000"), "{e}");
        // A file imported on the machine may hold a county's parcels.
        assert!(Door::FileImport.features().check(1_000_000, "the file").is_ok());
        let e = Door::FileImport.features().check(2_000_001, "the file").unwrap_err();
        assert!(
            e.whole_request() && e.to_string().contains("at most 2,000,000 are accepted in one file import"),
            "{e}"
        );
        assert_eq!(Door::default().features(), Limit::FeaturesPerRequest);
        assert_eq!(Door::FileImport.vertices().max(), MAX_VERTICES_PER_FILE_IMPORT);
        let e = Limit::BodyBytes(BodyKind::Geometry).check(17 * MIB, "the request body").unwrap_err();
        assert!(e.whole_request());
        assert_eq!(
            e.to_string(),
            "the request body is larger than 16,777,216 bytes (16 MiB), the limit for a request with a geometry \
             (input limit)"
        );
        let e = Limit::FileBytes.check(300 * MIB, "/tmp/x.geojson").unwrap_err();
        assert!(
            e.to_string().starts_with("/tmp/x.geojson is 314,572,800 bytes, larger than 268,435,456 bytes (256 MiB)")
        );
        let e = Limit::ArchiveUnpackedBytes.check(2048 * MIB, "bomb.zip").unwrap_err();
        assert!(e.whole_request());
        assert_eq!(
            e.to_string(),
            "bomb.zip unpacks to more than 1,073,741,824 bytes (1024 MiB), the limit for archives (input limit): \
             refused unopened, as a zip bomb would be"
        );
        let e = Limit::GeometryNesting.check(9, "feature #2").unwrap_err();
        assert!(!e.whole_request(), "a deep geometry is a problem of its feature");
        assert_eq!(e.to_string(), "feature #2 is nested more than 8 levels deep; at most 8 are accepted (input limit)");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
    }

    #[test]
    fn photos_are_told_by_their_signature() {
        assert_eq!(sniff_photo(&[0xFF, 0xD8, 0xFF, 0xE1, 0]), Some("image/jpeg"));
        assert_eq!(sniff_photo(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        assert_eq!(sniff_photo(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_photo(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(sniff_photo(b"GIF89a"), None);
        assert_eq!(sniff_photo(b"<svg xmlns="), None);
        assert_eq!(sniff_photo(&[0xFF, 0xD8]), None);
        assert_eq!(sniff_photo(b""), None);
    }

    #[test]
    fn body_limits_grow_with_the_kind_and_the_cli_allows_more() {
        let sizes: Vec<u64> = BodyKind::ALL.iter().map(|k| k.max_bytes()).collect();
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    }

    #[test]
    fn errors_repeat_at_most_a_short_piece_of_the_input() {
        assert_eq!(echo("wkt,name"), "wkt,name");
        let long = "名".repeat(MAX_ECHOED_CHARS + 1);
        assert_eq!(echo(&long), format!("{}…", "名".repeat(MAX_ECHOED_CHARS)));
        assert_eq!(echo(&"x".repeat(MAX_ECHOED_CHARS)).len(), MAX_ECHOED_CHARS);
    }

    #[test]
    fn a_byte_order_mark_is_stripped_once() {
        assert_eq!(strip_bom("\u{feff}{\"a\":1}"), "{\"a\":1}");
        assert_eq!(strip_bom("{}"), "{}");
        assert_eq!(strip_bom("\u{feff}\u{feff}x"), "\u{feff}x");
    }
}
