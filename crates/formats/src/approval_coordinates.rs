//! The coordinate text files of construction-land approval filings (建设用地报批
//! 坐标文件, the exchange format of the former 国土资源部 that the approval systems
//! take): a `[属性描述]` section of `key=value` lines, then a `[地块坐标]` section with,
//! per parcel (地块), one header row and its boundary points.
//!
//! ```text
//! [属性描述]
//! 格式版本号=1.01
//! 坐标系=2000国家大地坐标系
//! 几度分带=3
//! 投影类型=高斯克吕格
//! 计量单位=米
//! 带号=37
//! 精度=0.01
//! 转换参数=,,,,,,
//! [地块坐标]
//! 5,1.5000,2,二号地块,面,,商服用地,05,@          ← 界址点数,地块面积 (公顷),地块编号,地块名称,
//! J1,1,3890000.000,37479500.000                    图形属性,图幅号,地块用途,地类编码,@
//! …                                              ← 点号,圈号,X (northing),Y (easting)
//! ```
//!
//! What this reader relies on, from the published template 附件1 "建设项目用地红线坐标
//! 文件内容要求" (its 坐标说明: "地块面积:地块的面积,单位为公顷", the header row
//! `界址点数,地块面积,地块编号,地块名称,记录图形属性(面),图幅号,地块用途,,@`, "“@”不能删掉",
//! point rows `点号,地块圈号,X坐标,Y坐标`, ASCII punctuation only, 坐标系/几度分带/投影类型/
//! 计量单位/带号/精度/转换参数 keys) and the CGCS2000 勘测定界 variant with 格式版本号,
//! 数据产生单位, 数据产生日期 and eastings written with the zone number (`39438683.652`
//! with 带号=39, two parcels, rings 1 and 3 in one of them):
//! - 地块面积 is in **公顷** (hectares); X is the northing and Y the easting, which may
//!   carry the zone number in front (`37 479 039.53`).
//! - A header row ends with the field `@` (9 fields); the rows after it, up to the
//!   next header, are its points. 圈号 numbers the rings: ring 1 is the outer ring of the first
//!   part; every later ring is a hole of the earlier part whose outer ring holds it,
//!   or else the outer ring of a new part (the common practice of the approval
//!   software: a filing lists both "扣除" holes and separate parts this way). Rings
//!   usually repeat their first point at the end; a ring that does not is closed.
//! - 界址点数 counts the point rows of the parcel as written (closing points included).
//!
//! Only CGCS2000 (2000国家大地坐标系) files are read: a file in 1980西安 or 1954北京 is
//! refused with a message saying so. Their plane coordinates differ from CGCS2000
//! ones by tens to a hundred metres and the 转换参数 to bring them over are local,
//! so reading them as CGCS2000 would put every parcel in the wrong place.
//!
//! The geometry comes out in projected metres with **x = easting, y = northing**
//! (swapped from the file), as written (zone number kept when the file has it),
//! with the EPSG code of its CGCS2000 Gauss-Krüger zone; [`ApprovalParcel::to_wgs84`]
//! converts it to longitude/latitude. Every problem names its 1-based physical line
//! (`\n`, `\r\n` or a lone `\r` ends one). The input policy applies: at most
//! [`Limit::FeaturesPerRequest`] parcels, [`Limit::VerticesPerGeometry`] points in one
//! parcel and [`Limit::VerticesPerRequest`] in the file. Pure; never panics.

use std::fmt;

use geo::algorithm::orient::{Direction, Orient};
use geo::{Area, BoundingRect, Coord, LineString, MapCoords, MultiPolygon, Polygon, Rect};
use landtrace_domain::input_limits::{Limit, LimitError, MAX_TEXT_BYTES, echo, strip_bom};
use landtrace_spatial::gauss_kruger::GaussKruger;
use landtrace_spatial::{Position, PreparedMultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::origin_csv::{CsvEncoding, decode};

/// Most problems listed in one [`ApprovalError::Invalid`]; the rest are counted.
const MAX_PROBLEMS: usize = 20;
/// Square metres in one 公顷 (hectare).
pub const M2_PER_HECTARE: f64 = 10_000.0;
/// Largest northing accepted, metres (a sanity bound: the equator is 0, the pole
/// about 10 002 km; China lies between about 2 000 and 6 000 km).
const MAX_NORTHING_M: f64 = 10_000_000.0;
/// Largest declared area, 公顷 (a sanity bound: the county is about 134 000 ha).
const MAX_AREA_HA: f64 = 1_000_000.0;
/// The section names.
const ATTRIBUTES: &str = "[属性描述]";
const COORDINATES: &str = "[地块坐标]";
/// The fields of a parcel header row, for messages.
const HEADER_FIELDS: &str = "界址点数,地块面积,地块编号,地块名称,图形属性,图幅号,地块用途,地类编码,@";

/// Zone width of the Gauss-Krüger projection (几度分带).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneWidth {
    /// 3° zones (central meridian 3N).
    Three,
    /// 6° zones (central meridian 6N − 3).
    Six,
}

impl ZoneWidth {
    /// 3 or 6.
    pub const fn degrees(self) -> u32 {
        match self {
            ZoneWidth::Three => 3,
            ZoneWidth::Six => 6,
        }
    }

    /// The zone numbers of CGCS2000 (central meridians 75°E–135°E).
    const fn zones(self) -> std::ops::RangeInclusive<u32> {
        match self {
            ZoneWidth::Three => 25..=45,
            ZoneWidth::Six => 13..=23,
        }
    }

    /// Central meridian of zone `n`, degrees east.
    const fn central_meridian(self, n: u32) -> u32 {
        match self {
            ZoneWidth::Three => 3 * n,
            ZoneWidth::Six => 6 * n - 3,
        }
    }
}

/// The `[属性描述]` section, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalAttributes {
    /// 坐标系 as written (a CGCS2000 name).
    pub crs_name: String,
    /// 几度分带; when the file does not say, read from 带号 (see `assumptions`).
    pub zone_width: ZoneWidth,
    /// 带号; when the file leaves it empty, the zone number the eastings carry.
    pub zone: u32,
    /// Whether the eastings carry the zone number in front (`37 479 039.53`).
    pub zone_in_easting: bool,
    /// The CGCS2000 Gauss-Krüger EPSG code of the coordinates (4491–4554).
    pub epsg: u32,
    /// 计量单位 as written (米).
    pub unit: String,
    /// 投影类型 as written (高斯克吕格), empty when absent.
    pub projection: String,
    /// Every `key=value` line of the section in order: line, key, value.
    pub entries: Vec<(usize, String, String)>,
    /// What the reader assumed where the file was silent, for people.
    pub assumptions: Vec<String>,
}

impl ApprovalAttributes {
    /// The value of `key` (the first one), if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(_, k, _)| k == key).map(|(_, _, v)| v.as_str())
    }

    /// `EPSG:4525 (2000国家大地坐标系, 3° zone 37, zone number in the easting)`.
    pub fn describe(&self) -> String {
        format!(
            "EPSG:{} ({}, {}° Gauss-Krüger zone {}{})",
            self.epsg,
            self.crs_name,
            self.zone_width.degrees(),
            self.zone,
            if self.zone_in_easting { ", zone number in the easting" } else { "" }
        )
    }
}

/// One parcel (地块) of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalParcel {
    /// 1-based line of its header row.
    pub line: usize,
    /// 地块编号.
    pub number: String,
    /// 地块名称.
    pub name: String,
    /// 地块用途.
    pub land_use: String,
    /// 地类编码.
    pub land_class_code: String,
    /// 图幅号.
    pub sheet: String,
    /// 图形属性 (面).
    pub shape: String,
    /// 界址点数 as declared (equal to the point rows read).
    pub declared_points: u32,
    /// 地块面积 as declared, 公顷.
    pub declared_area_ha: f64,
    /// The parts with their holes, projected metres, x = easting, y = northing as
    /// written (with the zone number when the file has it); exterior rings
    /// counter-clockwise, holes clockwise.
    pub geometry: MultiPolygon<f64>,
    /// The CGCS2000 Gauss-Krüger EPSG code of `geometry`.
    pub epsg: u32,
}

impl ApprovalParcel {
    /// 地块面积 in m².
    pub fn declared_area_m2(&self) -> f64 {
        self.declared_area_ha * M2_PER_HECTARE
    }

    /// The area of the geometry in the projection plane, m² (how the filing's
    /// software computes 地块面积).
    pub fn plane_area_m2(&self) -> f64 {
        self.geometry.unsigned_area()
    }

    /// `编号 名称` (or whichever of them is given), to name the parcel in reports.
    pub fn label(&self) -> String {
        match (self.number.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{} {}", self.number, self.name),
            (false, true) => self.number.clone(),
            (true, false) => self.name.clone(),
            (true, true) => format!("line {}", self.line),
        }
    }

    /// The geometry in CGCS2000 longitude/latitude degrees (x = lon, y = lat), by
    /// the inverse Gauss-Krüger projection of `epsg`; CGCS2000 and WGS84 agree to a
    /// few centimetres, so the result is what landtrace stores. Empty if `epsg` is
    /// not a CGCS2000 Gauss-Krüger code (never the case for a parsed parcel).
    pub fn to_wgs84(&self) -> MultiPolygon<f64> {
        let Some(projection) = GaussKruger::from_epsg(self.epsg) else {
            return MultiPolygon(Vec::new());
        };
        self.geometry.map_coords(|c| {
            let (lon, lat) = projection.inverse(c.x, c.y);
            Coord { x: lon, y: lat }
        })
    }
}

/// A whole coordinate file.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalFile {
    /// The text encoding it was read in: `utf-8` or `gbk`.
    pub encoding: &'static str,
    /// The `[属性描述]` section.
    pub attributes: ApprovalAttributes,
    /// The parcels in file order.
    pub parcels: Vec<ApprovalParcel>,
}

/// One problem, at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based physical line.
    pub line: usize,
    /// What is wrong, for people.
    pub message: String,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Why a coordinate file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// The bytes are neither UTF-8 nor GBK (or are UTF-16).
    #[error("{0}")]
    Encoding(String),
    /// Problems in the text, each at its line (the first [`MAX_PROBLEMS`]; `more`
    /// counts the others).
    #[error("{}", list_problems(.problems, *.more))]
    Invalid {
        /// The problems, in line order of discovery.
        problems: Vec<LineProblem>,
        /// Problems found beyond those listed.
        more: usize,
    },
    /// More parcels or points than the input policy accepts.
    #[error(transparent)]
    Limit(#[from] LimitError),
}

fn list_problems(problems: &[LineProblem], more: usize) -> String {
    let mut text = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    if more > 0 {
        text.push_str(&format!("\n… and {more} more problems"));
    }
    text
}

/// Whether `bytes` look like a coordinate file: after an optional byte-order mark
/// and blanks they start with `[属性描述]` or `[地块坐标]`, in UTF-8 or GBK.
pub fn looks_like(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 32)];
    let utf8 = String::from_utf8_lossy(head);
    let (gbk, _, _) = encoding_rs::GB18030.decode(head);
    [utf8.as_ref(), gbk.as_ref()].iter().any(|t| t.starts_with(ATTRIBUTES) || t.starts_with(COORDINATES))
}

/// Reads a coordinate file from its bytes: UTF-8 (with or without a byte-order
/// mark) or GBK (decoded as GB18030).
pub fn parse(bytes: &[u8]) -> Result<ApprovalFile, ApprovalError> {
    // `decode` drops the byte-order mark; a second one is text, as in `parse_text`.
    let (text, encoding) = decode(bytes, CsvEncoding::Auto).map_err(ApprovalError::Encoding)?;
    let mut file = read(&text)?;
    file.encoding = encoding;
    Ok(file)
}

/// Reads a coordinate file already decoded to text (a leading byte-order mark is
/// accepted). `encoding` of the answer is `utf-8`.
pub fn parse_text(text: &str) -> Result<ApprovalFile, ApprovalError> {
    read(strip_bom(text))
}

fn read(text: &str) -> Result<ApprovalFile, ApprovalError> {
    let mut reader = Reader::default();
    for (line, content) in physical_lines(text) {
        reader.line(line, content)?;
    }
    reader.finish()
}

/// The lines of `text` with their 1-based numbers: `\n`, `\r\n` and a lone `\r`
/// each end one.
fn physical_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some(text);
    let mut number = 0;
    std::iter::from_fn(move || {
        let current = rest?;
        number += 1;
        match current.find(['\n', '\r']) {
            None => {
                rest = None;
                Some((number, current))
            }
            Some(end) => {
                let skip = if current[end..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&current[end + skip..]);
                Some((number, &current[..end]))
            }
        }
    })
}

/// Blanks a field may have around it: ASCII whitespace and the ideographic space.
fn trim(field: &str) -> &str {
    field.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Attributes,
    Coordinates,
    /// After a problem that makes the rest of the section unreadable (reported
    /// once): lines are skipped up to the next section header.
    Skip,
}

/// A point row as read.
#[derive(Debug, Clone)]
struct PointRow {
    line: usize,
    ring: u32,
    /// Northing, metres.
    northing: f64,
    /// Easting as written, metres.
    easting: f64,
}

/// A parcel header row and its point rows, before the rings are assembled.
#[derive(Debug, Clone, Default)]
struct RawParcel {
    line: usize,
    declared_points: u32,
    declared_area_ha: f64,
    number: String,
    name: String,
    shape: String,
    sheet: String,
    land_use: String,
    land_class_code: String,
    points: Vec<PointRow>,
    /// Rows under the header, read or refused.
    rows: u64,
    /// The header row or one of its point rows had a problem (reported): the parcel is not assembled, its
    /// point rows are read only so that they are not taken for another parcel's.
    bad: bool,
}

#[derive(Debug, Default)]
struct Reader {
    section: Option<Section>,
    /// Line of the `[属性描述]` header.
    attributes_line: Option<usize>,
    /// Line of the `[地块坐标]` header.
    coordinates_line: Option<usize>,
    entries: Vec<(usize, String, String)>,
    parcels: Vec<RawParcel>,
    vertices: u64,
    /// The last line that is not blank.
    last_line: usize,
    problems: Vec<LineProblem>,
    more: usize,
    /// Whether a point row came before any header row (reported once).
    orphan_points_reported: bool,
}

impl Reader {
    fn problem(&mut self, line: usize, message: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(LineProblem { line, message: message.into() });
        } else {
            self.more += 1;
        }
    }

    fn line(&mut self, line: usize, raw: &str) -> Result<(), ApprovalError> {
        let content = trim(raw);
        if content.is_empty() {
            return Ok(());
        }
        self.last_line = line;
        if content.len() > MAX_TEXT_BYTES {
            self.problem(line, format!("the line is longer than {MAX_TEXT_BYTES} bytes"));
            return Ok(());
        }
        if content.starts_with('[') || content.starts_with('【') {
            self.section_header(line, content);
            return Ok(());
        }
        match self.section {
            None => {
                self.problem(line, format!("expected the section header {ATTRIBUTES}, found {:?}", echo(content)));
                self.section = Some(Section::Skip);
                Ok(())
            }
            Some(Section::Skip) => Ok(()),
            Some(Section::Attributes) => {
                self.attribute(line, content);
                Ok(())
            }
            Some(Section::Coordinates) => self.coordinate_row(line, content),
        }
    }

    fn section_header(&mut self, line: usize, content: &str) {
        match content {
            ATTRIBUTES if self.attributes_line.is_none() && self.coordinates_line.is_none() => {
                self.attributes_line = Some(line);
                self.section = Some(Section::Attributes);
            }
            COORDINATES if self.coordinates_line.is_none() => {
                if self.attributes_line.is_none() {
                    self.problem(line, format!("{COORDINATES} comes before any {ATTRIBUTES} section"));
                }
                self.coordinates_line = Some(line);
                self.section = Some(Section::Coordinates);
            }
            ATTRIBUTES | COORDINATES => {
                self.problem(
                    line,
                    format!("a second {content} section; a file has one {ATTRIBUTES} then one {COORDINATES}"),
                );
                self.section = Some(Section::Skip);
            }
            other => {
                let hint = if other.starts_with('【') { " (the brackets must be ASCII [ ])" } else { "" };
                self.problem(
                    line,
                    format!("unknown section {:?}{hint}; expected {ATTRIBUTES} or {COORDINATES}", echo(other)),
                );
                self.section = Some(Section::Skip);
            }
        }
    }

    fn attribute(&mut self, line: usize, content: &str) {
        let Some((key, value)) = content.split_once(['=', '＝']) else {
            self.problem(line, format!("expected key=value in {ATTRIBUTES}, found {:?}", echo(content)));
            return;
        };
        let (key, value) = (trim(key), trim(value));
        if key.is_empty() {
            self.problem(line, format!("a value without a key in {ATTRIBUTES}: {:?}", echo(content)));
            return;
        }
        if let Some((first, _, earlier)) = self.entries.iter().find(|(_, k, _)| k == key) {
            if earlier != value {
                let first = *first;
                self.problem(line, format!("{key} is given again (first at line {first}) with another value"));
            }
            return;
        }
        self.entries.push((line, key.to_owned(), value.to_owned()));
    }

    fn coordinate_row(&mut self, line: usize, content: &str) -> Result<(), ApprovalError> {
        let mut fields: Vec<&str> = content.split(',').map(trim).collect();
        let full_width = if content.contains('，') {
            " (the line has full-width commas ，; the format uses ASCII commas)"
        } else {
            ""
        };
        if fields.last() == Some(&"@") {
            return self.header_row(line, &fields, full_width);
        }
        // Trailing empty fields (`J1,1,X,Y,`) are not data.
        while fields.last() == Some(&"") {
            fields.pop();
        }
        // Every row under a header counts as one of its 界址点数, read or not.
        if let Some(parcel) = self.parcels.last_mut() {
            parcel.rows += 1;
        }
        let point = self.point_row(line, &fields, content, full_width);
        let parcel_number = self.parcels.len();
        let Some(parcel) = self.parcels.last_mut() else {
            if !self.orphan_points_reported {
                self.orphan_points_reported = true;
                self.problem(line, format!("a point row before any parcel header row ({HEADER_FIELDS})"));
            }
            return Ok(());
        };
        let Some(point) = point else {
            parcel.bad = true;
            return Ok(());
        };
        parcel.points.push(point);
        let parcel_points = parcel.points.len() as u64;
        if parcel_points > Limit::VerticesPerGeometry.max() {
            let subject = format!("parcel {parcel_number} (header at line {})", parcel.line);
            Limit::VerticesPerGeometry.check(parcel_points, subject)?;
        }
        self.vertices += 1;
        Limit::VerticesPerRequest.check(self.vertices, "the coordinate file")?;
        Ok(())
    }

    /// A point row `点号,圈号,X,Y`, or `None` with its problems reported.
    fn point_row(&mut self, line: usize, fields: &[&str], content: &str, full_width: &str) -> Option<PointRow> {
        if fields.len() != 4 {
            let hint = if full_width.is_empty() && content.ends_with('@') {
                " (a parcel header row ends with the field @, after a comma)"
            } else {
                full_width
            };
            self.problem(line, format!("point row needs 4 fields 点号,圈号,X,Y, found {}{hint}", fields.len()));
            return None;
        }
        let ring = match fields[1].parse::<u32>() {
            Ok(r) if r >= 1 => Some(r),
            _ => {
                self.problem(line, format!("圈号 {:?} is not a ring number 1, 2, …", echo(fields[1])));
                None
            }
        };
        let northing = self.coordinate(line, "X", fields[2]);
        let easting = self.coordinate(line, "Y", fields[3]);
        Some(PointRow { line, ring: ring?, northing: northing?, easting: easting? })
    }

    /// A coordinate (`X` or `Y`) in metres: a finite, non-negative decimal number.
    fn coordinate(&mut self, line: usize, name: &str, text: &str) -> Option<f64> {
        let what = if name == "X" { "X (northing)" } else { "Y (easting)" };
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 && looks_decimal(text) => Some(v),
            Ok(v) if v.is_finite() && looks_decimal(text) => {
                self.problem(line, format!("{what} {} is negative", echo(text)));
                None
            }
            _ => {
                self.problem(line, format!("{what} {:?} is not a number of metres", echo(text)));
                None
            }
        }
    }

    fn header_row(&mut self, line: usize, fields: &[&str], hint: &str) -> Result<(), ApprovalError> {
        Limit::FeaturesPerRequest.check(self.parcels.len() as u64 + 1, "the coordinate file")?;
        if fields.len() != 9 {
            self.problem(
                line,
                format!("parcel header row needs 9 fields {HEADER_FIELDS}, found {}{hint}", fields.len()),
            );
            self.parcels.push(RawParcel { line, bad: true, ..RawParcel::default() });
            return Ok(());
        }
        let mut bad = false;
        let declared_points = match fields[0].parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                self.problem(line, format!("界址点数 {:?} is not a whole number", echo(fields[0])));
                bad = true;
                0
            }
        };
        let declared_area_ha = match fields[1].parse::<f64>() {
            Ok(a) if looks_decimal(fields[1]) && (0.0..=MAX_AREA_HA).contains(&a) => a,
            _ => {
                self.problem(
                    line,
                    format!("地块面积 {:?} is not an area in 公顷 from 0 to {MAX_AREA_HA}", echo(fields[1])),
                );
                bad = true;
                0.0
            }
        };
        let shape = fields[4];
        if !shape.is_empty() && shape != "面" {
            self.problem(line, format!("图形属性 {:?}: only parcels (面) are read", echo(shape)));
            bad = true;
        }
        self.parcels.push(RawParcel {
            line,
            declared_points,
            declared_area_ha,
            number: fields[2].to_owned(),
            name: fields[3].to_owned(),
            shape: shape.to_owned(),
            sheet: fields[5].to_owned(),
            land_use: fields[6].to_owned(),
            land_class_code: fields[7].to_owned(),
            points: Vec::new(),
            rows: 0,
            bad,
        });
        Ok(())
    }

    fn finish(mut self) -> Result<ApprovalFile, ApprovalError> {
        let end = self.last_line.max(1);
        let attributes = match self.attributes_line {
            None => {
                if self.problems.is_empty() {
                    self.problem(1, format!("the file has no {ATTRIBUTES} section; it is not a coordinate file"));
                }
                None
            }
            Some(at) => self.attributes(at),
        };
        let Some(coordinates_line) = self.coordinates_line else {
            if self.attributes_line.is_some() {
                self.problem(end, format!("the file ends without a {COORDINATES} section"));
            }
            return Err(self.invalid());
        };
        if self.parcels.is_empty() && !self.orphan_points_reported {
            self.problem(coordinates_line, format!("{COORDINATES} holds no parcel header row ({HEADER_FIELDS})"));
        }
        let mut parcels = Vec::with_capacity(self.parcels.len());
        if let Some(attributes) = &attributes {
            let raw = std::mem::take(&mut self.parcels);
            for p in raw {
                if let Some(parcel) = self.assemble(p, attributes) {
                    parcels.push(parcel);
                }
            }
        }
        match attributes {
            Some(attributes) if self.problems.is_empty() => Ok(ApprovalFile { encoding: "utf-8", attributes, parcels }),
            _ => Err(self.invalid()),
        }
    }

    fn invalid(self) -> ApprovalError {
        let mut problems = self.problems;
        problems.sort_by_key(|p| p.line);
        ApprovalError::Invalid { problems, more: self.more }
    }

    /// Checks the `[属性描述]` section (header at line `at`) and the zone the
    /// eastings carry.
    fn attributes(&mut self, at: usize) -> Option<ApprovalAttributes> {
        let entries = self.entries.clone();
        let entry = |key: &str| entries.iter().find(|(_, k, _)| k == key).map(|(l, _, v)| (*l, v.clone()));
        let mut assumptions = Vec::new();
        let mut ok = true;

        let crs_name = match entry("坐标系") {
            None => {
                self.problem(at, format!("{ATTRIBUTES} has no 坐标系; only 2000国家大地坐标系 (CGCS2000) is read"));
                ok = false;
                String::new()
            }
            Some((line, name)) => {
                if let Err(message) = check_crs_name(&name) {
                    self.problem(line, message);
                    ok = false;
                }
                name
            }
        };

        let unit = match entry("计量单位") {
            None => {
                assumptions.push("计量单位 not given: read as 米 (metres)".to_owned());
                "米".to_owned()
            }
            Some((line, unit)) => {
                if !matches!(unit.as_str(), "米" | "m" | "M" | "metre" | "meter") {
                    self.problem(line, format!("计量单位 {:?}: only 米 (metres) is read", echo(&unit)));
                    ok = false;
                }
                unit
            }
        };

        let projection = match entry("投影类型") {
            None => String::new(),
            Some((line, projection)) => {
                let normal: String = projection.chars().filter(|c| !matches!(c, '-' | '—' | '·' | ' ')).collect();
                if !projection.is_empty() && !normal.contains("高斯") && !normal.to_lowercase().contains("gauss") {
                    self.problem(
                        line,
                        format!("投影类型 {:?}: only 高斯克吕格 (Gauss-Krüger) is read", echo(&projection)),
                    );
                    ok = false;
                }
                projection
            }
        };

        let width = match entry("几度分带") {
            None => None,
            Some((_, w)) if w.is_empty() => None,
            Some((line, w)) => match w.trim_end_matches('度').trim_end_matches('°') {
                "3" => Some(ZoneWidth::Three),
                "6" => Some(ZoneWidth::Six),
                _ => {
                    self.problem(line, format!("几度分带 {:?} is not 3 or 6", echo(&w)));
                    ok = false;
                    None
                }
            },
        };

        let zone_entry = entry("带号").filter(|(_, v)| !v.is_empty());
        let declared_zone = match &zone_entry {
            None => None,
            Some((line, z)) => match z.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.problem(*line, format!("带号 {:?} is not a zone number", echo(z)));
                    ok = false;
                    None
                }
            },
        };
        let zone_line = zone_entry.as_ref().map_or(at, |(l, _)| *l);

        // The zone number in front of the eastings, from the first point; every
        // point must agree with it.
        let prefixed = self.parcels.iter().flat_map(|p| p.points.first()).next().map(|p| p.easting >= 1e6);
        let mut easting_zone = None;
        let mut found = Vec::new();
        for parcel in &self.parcels {
            for point in &parcel.points {
                let zone_of_point = (point.easting >= 1e6).then(|| (point.easting / 1e6).floor() as u32);
                match (prefixed, zone_of_point) {
                    (Some(true), None) | (Some(false), Some(_)) => {
                        let message = format!(
                            "Y (easting) {} {} the zone number in front, unlike the first point of the file",
                            point.easting,
                            if zone_of_point.is_some() { "carries" } else { "lacks" }
                        );
                        found.push((point.line, message));
                        ok = false;
                    }
                    (_, Some(z)) => match (easting_zone, declared_zone) {
                        (_, Some(declared)) if declared != z => {
                            let message = format!(
                                "Y (easting) {} carries zone number {z}, but 带号={declared} (line {zone_line})",
                                point.easting
                            );
                            found.push((point.line, message));
                            ok = false;
                        }
                        (Some(first), None) if first != z => {
                            let message = format!(
                                "Y (easting) {} carries zone number {z}, unlike the first point ({first})",
                                point.easting
                            );
                            found.push((point.line, message));
                            ok = false;
                        }
                        _ => easting_zone = easting_zone.or(Some(z)),
                    },
                    _ => {}
                }
                if point.northing > MAX_NORTHING_M {
                    found
                        .push((point.line, format!("X (northing) {} is more than {MAX_NORTHING_M} m", point.northing)));
                    ok = false;
                }
            }
        }

        for (line, message) in found {
            self.problem(line, message);
        }
        let zone = match (declared_zone, easting_zone) {
            (Some(z), _) => z,
            (None, Some(z)) => {
                assumptions.push(format!("带号 not given: zone {z}, the number in front of the eastings"));
                z
            }
            (None, None) => {
                if ok {
                    self.problem(
                        zone_line,
                        "带号 is not given and the eastings carry no zone number: the zone is unknown",
                    );
                }
                return None;
            }
        };
        let zone_width = match width {
            Some(w) => w,
            None => {
                // The CGCS2000 zone numbers of the two widths do not overlap.
                let w = if ZoneWidth::Three.zones().contains(&zone) { ZoneWidth::Three } else { ZoneWidth::Six };
                assumptions.push(format!("几度分带 not given: {}° zones, from 带号 {zone}", w.degrees()));
                w
            }
        };
        if !zone_width.zones().contains(&zone) {
            let zones = zone_width.zones();
            self.problem(
                zone_line,
                format!(
                    "带号 {zone} is not a CGCS2000 {}° zone (zones {}–{}, central meridians 75°E–135°E)",
                    zone_width.degrees(),
                    zones.start(),
                    zones.end()
                ),
            );
            return None;
        }
        if !ok {
            return None;
        }
        let zone_in_easting = prefixed.unwrap_or(false);
        let epsg = cgcs2000_gauss_kruger_epsg(zone_width, zone, zone_in_easting);
        Some(ApprovalAttributes {
            crs_name,
            zone_width,
            zone,
            zone_in_easting,
            epsg,
            unit,
            projection,
            entries: self.entries.clone(),
            assumptions,
        })
    }

    /// Rings of a parcel into parts with holes; `None` (with problems) when its
    /// rows do not make rings.
    fn assemble(&mut self, raw: RawParcel, attributes: &ApprovalAttributes) -> Option<ApprovalParcel> {
        if raw.bad {
            return None;
        }
        if raw.points.is_empty() {
            self.problem(raw.line, "the parcel has no point rows");
            return None;
        }
        if raw.rows != u64::from(raw.declared_points) {
            self.problem(
                raw.line,
                format!(
                    "界址点数 is {}, but the parcel has {} point rows (a point row lost or added?)",
                    raw.declared_points, raw.rows
                ),
            );
            return None;
        }
        // Consecutive rows of one 圈号 are one ring; a 圈号 may not come back.
        let mut rings: Vec<(u32, usize, Vec<Coord<f64>>)> = Vec::new();
        let mut ok = true;
        for point in &raw.points {
            let coord = Coord { x: point.easting, y: point.northing };
            match rings.last_mut() {
                Some((ring, _, coords)) if *ring == point.ring => coords.push(coord),
                _ => {
                    if let Some((_, first_line, _)) = rings.iter().find(|(r, _, _)| *r == point.ring) {
                        let message = format!(
                            "圈号 {} comes back after another ring; ring {} started at line {first_line}",
                            point.ring, point.ring
                        );
                        self.problem(point.line, message);
                        ok = false;
                    }
                    rings.push((point.ring, point.line, vec![coord]));
                }
            }
        }
        if !ok {
            return None;
        }
        let mut closed = Vec::with_capacity(rings.len());
        for (ring, line, mut coords) in rings {
            if coords.first() != coords.last() {
                coords.push(coords[0]);
            }
            let mut distinct = coords.clone();
            distinct.dedup();
            let distinct = distinct.len() - 1;
            if distinct < 3 {
                self.problem(line, format!("ring {ring} has {distinct} distinct points; a ring needs at least 3"));
                ok = false;
            }
            closed.push(LineString(coords));
        }
        if !ok {
            return None;
        }
        let geometry = rings_to_parts(closed);
        Some(ApprovalParcel {
            line: raw.line,
            number: raw.number,
            name: raw.name,
            land_use: raw.land_use,
            land_class_code: raw.land_class_code,
            sheet: raw.sheet,
            shape: raw.shape,
            declared_points: raw.declared_points,
            declared_area_ha: raw.declared_area_ha,
            geometry,
            epsg: attributes.epsg,
        })
    }
}

/// Whether `text` is written as a plain decimal number (digits, one point, an
/// optional sign): `f64::from_str` also takes `inf`, `NaN` and `1e5`, which no
/// survey writes.
fn looks_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
}

/// `Ok` for a CGCS2000 name; a message for Xi'an 80, Beijing 54 and others.
fn check_crs_name(name: &str) -> Result<(), String> {
    let upper = name.to_uppercase();
    if upper.contains("2000") || upper.contains("CGCS") {
        return Ok(());
    }
    let which = if name.contains("西安") || name.contains("80") {
        "1980西安坐标系 (Xi'an 80)"
    } else if name.contains("北京") || name.contains("54") {
        "1954北京坐标系 (Beijing 54)"
    } else {
        "an unknown coordinate system"
    };
    Err(format!(
        "坐标系={}: {which} is not read; only 2000国家大地坐标系 (CGCS2000) is supported. Its plane \
         coordinates differ from CGCS2000 ones by up to about a hundred metres and the 转换参数 are local: \
         have the file converted to CGCS2000",
        echo(name)
    ))
}

/// The CGCS2000 Gauss-Krüger EPSG code of a zone (its number checked by the caller).
fn cgcs2000_gauss_kruger_epsg(width: ZoneWidth, zone: u32, zone_in_easting: bool) -> u32 {
    let cm = width.central_meridian(zone);
    match (width, zone_in_easting) {
        (ZoneWidth::Three, true) => 4513 + (zone - 25),
        (ZoneWidth::Three, false) => 4534 + (cm - 75) / 3,
        (ZoneWidth::Six, true) => 4491 + (zone - 13),
        (ZoneWidth::Six, false) => 4502 + (cm - 75) / 6,
    }
}

/// A part being assembled: its exterior prepared for point tests, its holes.
struct Part {
    exterior: LineString<f64>,
    prepared: PreparedMultiPolygon,
    holes: Vec<(LineString<f64>, PreparedMultiPolygon)>,
}

fn envelope(rect: Rect<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y])
}

/// The closed rings of a parcel in file order as parts with holes: the first ring
/// is the exterior of the first part; each later ring is a hole of the first
/// earlier part whose exterior holds it (and none of whose holes does), else the
/// exterior of a new part. Whether a ring is inside is decided by its first
/// vertex not on the exterior (a hole may touch its exterior at a point); a ring
/// partly in and partly out makes an invalid parcel, which the parcel check
/// reports.
fn rings_to_parts(rings: Vec<LineString<f64>>) -> MultiPolygon<f64> {
    let mut parts: Vec<Part> = Vec::new();
    let mut index: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::new();
    for ring in rings {
        let Some(bounds) = ring.bounding_rect() else { continue };
        let mut candidates: Vec<usize> = index
            .locate_in_envelope_intersecting(&envelope(bounds))
            .map(|entry| entry.data)
            .filter(|&i| {
                parts[i].prepared.bounds().is_some_and(|b| {
                    b.min().x <= bounds.min().x
                        && b.min().y <= bounds.min().y
                        && b.max().x >= bounds.max().x
                        && b.max().y >= bounds.max().y
                })
            })
            .collect();
        candidates.sort_unstable();
        let host = candidates.into_iter().find(|&i| {
            let part = &parts[i];
            let Some(probe) = ring.coords().copied().find(|&c| part.prepared.position(c) != Position::OnBoundary)
            else {
                return false;
            };
            part.prepared.position(probe) == Position::Inside
                && !part.holes.iter().any(|(_, hole)| hole.position(probe) == Position::Inside)
        });
        match host {
            Some(i) => {
                let prepared = PreparedMultiPolygon::from(&Polygon::new(ring.clone(), Vec::new()));
                parts[i].holes.push((ring, prepared));
            }
            None => {
                let prepared = PreparedMultiPolygon::from(&Polygon::new(ring.clone(), Vec::new()));
                index.insert(GeomWithData::new(
                    Rectangle::from_corners([bounds.min().x, bounds.min().y], [bounds.max().x, bounds.max().y]),
                    parts.len(),
                ));
                parts.push(Part { exterior: ring, prepared, holes: Vec::new() });
            }
        }
    }
    MultiPolygon(
        parts
            .into_iter()
            .map(|p| Polygon::new(p.exterior, p.holes.into_iter().map(|(h, _)| h).collect()).orient(Direction::Default))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use geo::{BoundingRect, CoordsIter};
    use landtrace_spatial::geodesic_area_m2;

    use super::*;

    /// Two parcels in 3° zone 37 (central meridian 111°E) near the county seat: 一号地块
    /// is two parts, a 200 m square with a 50 m square hole (ring 2) and a 100 m
    /// square (ring 3): 40 000 − 2 500 + 10 000 m² = 4.75 公顷; 二号地块 is a
    /// 100 × 150 m rectangle whose ring is not closed: 1.5 公顷.
    const SAMPLE: &str = "[属性描述]
格式版本号=1.01
数据产生单位=临猗县自然资源局
数据产生日期=2024-5-1
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=37
精度=0.01
转换参数=,,,,,,
[地块坐标]
15,4.7500,1,一号地块,面,,工业用地,0601,@
J1,1,3890000.000,37479000.000
J2,1,3890000.000,37479200.000
J3,1,3890200.000,37479200.000
J4,1,3890200.000,37479000.000
J1,1,3890000.000,37479000.000
J5,2,3890050.000,37479050.000
J6,2,3890100.000,37479050.000
J7,2,3890100.000,37479100.000
J8,2,3890050.000,37479100.000
J5,2,3890050.000,37479050.000
J9,3,3890000.000,37479300.000
J10,3,3890000.000,37479400.000
J11,3,3890100.000,37479400.000
J12,3,3890100.000,37479300.000
J9,3,3890000.000,37479300.000
4,1.5000,2,二号地块,面,,商服用地,05,@
J1,1,3890000.000,37479500.000
J2,1,3890000.000,37479600.000
J3,1,3890150.000,37479600.000
J4,1,3890150.000,37479500.000
";

    /// `SAMPLE` with line `line` (1-based) replaced by `new`.
    fn edit(line: usize, new: &str) -> String {
        let mut lines: Vec<&str> = SAMPLE.lines().collect();
        lines[line - 1] = new;
        lines.join("\n")
    }

    fn check_sample(file: &ApprovalFile) {
        let a = &file.attributes;
        assert_eq!(a.crs_name, "2000国家大地坐标系");
        assert_eq!((a.zone_width, a.zone, a.zone_in_easting, a.epsg), (ZoneWidth::Three, 37, true, 4525));
        assert_eq!((a.unit.as_str(), a.projection.as_str()), ("米", "高斯克吕格"));
        assert_eq!(a.get("数据产生单位"), Some("临猗县自然资源局"));
        assert_eq!(a.get("转换参数"), Some(",,,,,,"));
        assert!(a.assumptions.is_empty(), "{:?}", a.assumptions);
        assert_eq!(file.parcels.len(), 2);

        let one = &file.parcels[0];
        assert_eq!((one.line, one.number.as_str(), one.name.as_str()), (13, "1", "一号地块"));
        assert_eq!(
            (one.land_use.as_str(), one.land_class_code.as_str(), one.shape.as_str()),
            ("工业用地", "0601", "面")
        );
        assert_eq!((one.declared_points, one.declared_area_ha, one.epsg), (15, 4.75, 4525));
        assert_eq!(one.label(), "1 一号地块");
        assert_eq!(one.geometry.0.len(), 2, "two parts");
        assert_eq!(one.geometry.0[0].interiors().len(), 1, "the first part has the hole");
        assert_eq!(one.geometry.0[1].interiors().len(), 0);
        // x = easting (with the zone number), y = northing.
        let first = one.geometry.0[0].bounding_rect().unwrap();
        assert_eq!((first.min().x, first.min().y), (37_479_000.0, 3_890_000.0));
        assert_eq!((first.max().x, first.max().y), (37_479_200.0, 3_890_200.0));
        assert_eq!(one.plane_area_m2(), 47_500.0);
        assert_eq!(one.plane_area_m2(), one.declared_area_m2());

        let two = &file.parcels[1];
        assert_eq!((two.number.as_str(), two.name.as_str(), two.land_class_code.as_str()), ("2", "二号地块", "05"));
        assert_eq!(two.geometry.0[0].exterior().0.len(), 5, "the open ring is closed");
        assert_eq!(two.plane_area_m2(), 15_000.0);
        assert_eq!(two.plane_area_m2(), two.declared_area_m2());

        // Exteriors counter-clockwise, holes clockwise (as RFC 7946 wants them).
        use geo::winding_order::Winding;
        assert!(one.geometry.0[0].exterior().is_ccw() && one.geometry.0[0].interiors()[0].is_cw());
    }

    #[test]
    fn two_parcels_one_of_two_parts_with_a_hole_in_utf8_and_gbk() {
        let utf8 = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(utf8.encoding, "utf-8");
        check_sample(&utf8);

        let (gbk_bytes, _, unmappable) = encoding_rs::GBK.encode(SAMPLE);
        assert!(!unmappable && std::str::from_utf8(&gbk_bytes).is_err(), "really GBK bytes");
        let gbk = parse(&gbk_bytes).unwrap();
        assert_eq!(gbk.encoding, "gbk");
        check_sample(&gbk);
        assert_eq!(gbk.parcels, utf8.parcels);

        let bom_crlf = format!("\u{feff}{}", SAMPLE.replace('\n', "\r\n"));
        check_sample(&parse(bom_crlf.as_bytes()).unwrap());
        // "Mac" line ends: a lone \r ends a line too.
        check_sample(&parse(SAMPLE.replace('\n', "\r").as_bytes()).unwrap());
    }

    /// The declared 地块面积 (公顷) against the ellipsoidal area of the parcel in
    /// longitude/latitude: equal within the rounding of 4 decimals of a 公顷 (1 m²)
    /// plus the projection's area scale 21 km off the central meridian (1 + 1.1e-5).
    #[test]
    fn declared_areas_agree_with_the_geodesic_areas() {
        let file = parse(SAMPLE.as_bytes()).unwrap();
        for parcel in &file.parcels {
            let lonlat = parcel.to_wgs84();
            let geodesic = geodesic_area_m2(&lonlat);
            let declared = parcel.declared_area_m2();
            assert!(
                (geodesic - declared).abs() < 1.0 + 2e-5 * declared,
                "{}: {geodesic} vs {declared}",
                parcel.label()
            );
            assert!(lonlat.coords_iter().all(|c| (110.7..110.8).contains(&c.x) && (35.1..35.2).contains(&c.y)));
        }
    }

    /// The issue's point: 110.77°E 35.14°N is E 479 039.53 N 3 890 148.98 in EPSG:4546
    /// and E 37 479 039.53 in EPSG:4525; 6° zone 19 has the same central meridian
    /// (EPSG:4497 with the zone number, 4508 without).
    #[test]
    fn the_issue_point_converts_to_the_centimetre_in_every_variant() {
        let cases = [
            ("几度分带=3", "带号=37", 37_479_039.53, 4525),
            ("几度分带=3", "带号=37", 479_039.53, 4546),
            ("几度分带=6", "带号=19", 19_479_039.53, 4497),
            ("几度分带=6", "带号=19", 479_039.53, 4508),
            // 几度分带 left out: read from the zone number.
            ("几度分带=", "带号=37", 479_039.53, 4546),
            // 带号 left empty: the zone number in front of the eastings.
            ("几度分带=3", "带号=", 37_479_039.53, 4525),
        ];
        for (width, zone, easting, epsg) in cases {
            let mut text = edit(6, width).replace("带号=37", zone);
            let rows: Vec<String> = [(0.0, 0.0), (30.0, 0.0), (30.0, 30.0), (0.0, 0.0)]
                .iter()
                .enumerate()
                .map(|(i, (dn, de))| format!("J{},1,{:.3},{:.3}", i + 1, 3_890_148.98 + dn, easting + de))
                .collect();
            let start = text.find("[地块坐标]").unwrap();
            text.truncate(start);
            text.push_str(&format!("[地块坐标]\n4,0.0450,1,一号地块,面,,,,@\n{}\n", rows.join("\n")));
            let file = parse(text.as_bytes()).unwrap_or_else(|e| panic!("{width} {zone}: {e}"));
            assert_eq!(file.attributes.epsg, epsg, "{width} {zone} {easting}");
            assert_eq!(file.attributes.assumptions.len(), usize::from(width.ends_with('=') || zone.ends_with('=')));
            let parcel = &file.parcels[0];
            let corner = parcel.to_wgs84().0[0].exterior().0.iter().copied().find(|c| c.y < 35.1401).unwrap();
            let (lon, lat) = (corner.x, corner.y);
            let metres_east = (lon - 110.77) * 111_320.0 * 35.14_f64.to_radians().cos();
            let metres_north = (lat - 35.14) * 110_950.0;
            assert!(metres_east.hypot(metres_north) < 0.01, "EPSG:{epsg}: {lon}, {lat}");
            assert_eq!(
                (parcel.geometry.0[0].exterior().0[0].x, parcel.geometry.0[0].exterior().0[0].y).1,
                3_890_148.98
            );
        }
    }

    #[test]
    fn a_ring_inside_a_hole_is_an_island_and_a_ring_elsewhere_a_part() {
        // Ring 1: 0–300 m; ring 2 a hole 100–200 m; ring 3 an island 120–180 m in the
        // hole; ring 4 a separate square 400–500 m.
        let square = |ring: u32, lo: f64, hi: f64| {
            [(lo, lo), (lo, hi), (hi, hi), (hi, lo), (lo, lo)]
                .iter()
                .map(|(n, e)| format!("P,{ring},{:.2},{:.2}", 3_890_000.0 + n, 479_000.0 + e))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let text = format!(
            "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=37\n[地块坐标]\n20,9.3600,7,岛,面,,,,@\n{}\n{}\n{}\n{}\n",
            square(1, 0.0, 300.0),
            square(2, 100.0, 200.0),
            square(3, 120.0, 180.0),
            square(4, 400.0, 500.0)
        );
        let file = parse(text.as_bytes()).unwrap();
        let parcel = &file.parcels[0];
        assert_eq!(file.attributes.epsg, 4546);
        assert_eq!(parcel.geometry.0.len(), 3);
        assert_eq!(parcel.geometry.0.iter().map(|p| p.interiors().len()).collect::<Vec<_>>(), [1, 0, 0]);
        assert_eq!(parcel.plane_area_m2(), 90_000.0 - 10_000.0 + 3_600.0 + 10_000.0);
        assert!((parcel.plane_area_m2() - parcel.declared_area_m2()).abs() < 1e-6);
        landtrace_spatial::validate_parcel(&parcel.to_wgs84()).unwrap();
    }

    /// Reads `text` and expects exactly the problems listed (as displayed).
    fn refused(text: &str, expected: &[&str]) {
        let err = parse(text.as_bytes()).unwrap_err();
        let ApprovalError::Invalid { problems, .. } = &err else { panic!("{err:?}") };
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), expected.len(), "{shown:#?}");
        for (got, want) in shown.iter().zip(expected) {
            assert!(got.starts_with(want), "expected {want:?}, got {got:?}");
        }
    }

    #[test]
    fn problems_name_their_line() {
        refused(&edit(14, "J1,1,3890000.000"), &["line 14: point row needs 4 fields 点号,圈号,X,Y, found 3"]);
        refused(&edit(15, "J2,1,3890000.000,"), &["line 15: point row needs 4 fields 点号,圈号,X,Y, found 3"]);
        refused(
            &edit(15, "J2，1，3890000.000，37479200.000"),
            &["line 15: point row needs 4 fields 点号,圈号,X,Y, found 1 (the line has full-width commas ，"],
        );
        refused(
            &edit(15, "J2,1,3890000.000,38479200.000"),
            &["line 15: Y (easting) 38479200 carries zone number 38, but 带号=37 (line 9)"],
        );
        refused(
            &edit(15, "J2,1,3890000.000,479200.000"),
            &["line 15: Y (easting) 479200 lacks the zone number in front, unlike the first point of the file"],
        );
        refused(&edit(15, "J2,一,3890000.000,37479200.000"), &["line 15: 圈号 \"一\" is not a ring number"]);
        refused(&edit(15, "J2,1,3890000.000,inf"), &["line 15: Y (easting) \"inf\" is not a number of metres"]);
        refused(&edit(15, "J2,1,-3890000.000,37479200.000"), &["line 15: X (northing) -3890000.000 is negative"]);
        refused(
            &edit(13, "14,4.7500,1,一号地块,面,,工业用地,0601,@"),
            &["line 13: 界址点数 is 14, but the parcel has 15 point rows"],
        );
        refused(&edit(13, "15,4.7500,1,一号地块,面,工业用地,@"), &["line 13: parcel header row needs 9 fields"]);
        refused(
            &edit(13, "15,四公顷,1,一号地块,面,,工业用地,0601,@"),
            &["line 13: 地块面积 \"四公顷\" is not an area in 公顷"],
        );
        refused(
            &edit(13, "15,4.7500,1,一号地块,线,,工业用地,0601,@"),
            &["line 13: 图形属性 \"线\": only parcels (面)"],
        );
        refused(
            &edit(5, "坐标系=1980西安坐标系"),
            &["line 5: 坐标系=1980西安坐标系: 1980西安坐标系 (Xi'an 80) is not read"],
        );
        refused(
            &edit(5, "坐标系=1954年北京坐标系"),
            &["line 5: 坐标系=1954年北京坐标系: 1954北京坐标系 (Beijing 54) is not read"],
        );
        refused(&edit(5, "说明=无"), &["line 1: [属性描述] has no 坐标系"]);
        refused(&edit(8, "计量单位=千米"), &["line 8: 计量单位 \"千米\": only 米"]);
        refused(&edit(6, "几度分带=1.5"), &["line 6: 几度分带 \"1.5\" is not 3 or 6"]);
        refused(
            &edit(9, "带号=50").replace(",3748", ",5048").replace(",3747", ",5047"),
            &["line 9: 带号 50 is not a CGCS2000 3° zone (zones 25–45"],
        );
        refused(
            &edit(12, "[坐标]"),
            &["line 12: unknown section \"[坐标]\"", "line 33: the file ends without a [地块坐标] section"],
        );
        refused(
            &edit(22, "J8,1,3890050.000,37479100.000"),
            &[
                "line 22: 圈号 1 comes back after another ring; ring 1 started at line 14",
                "line 23: 圈号 2 comes back after another ring; ring 2 started at line 19",
            ],
        );
        let twice = "J5,2,3890050.000,37479050.000";
        refused(
            &edit(21, twice).replace("J8,2,3890050.000,37479100.000", twice),
            &["line 19: ring 2 has 2 distinct points; a ring needs at least 3"],
        );
        refused("", &["line 1: the file has no [属性描述] section"]);
        refused("id,wkt\nP1,\"POLYGON((0 0,1 0,1 1,0 0))\"\n", &["line 1: expected the section header [属性描述]"]);
        refused(
            &SAMPLE[..SAMPLE.find("[地块坐标]").unwrap()],
            &["line 11: the file ends without a [地块坐标] section"],
        );
        // Several problems at once, in line order.
        refused(
            &edit(14, "J1,1,3890000.000").replace("J2,1,3890000.000,37479600.000", "J2,1,3890000.000"),
            &["line 14: point row needs 4 fields", "line 31: point row needs 4 fields"],
        );
    }

    /// Found by the `approval_coordinates` fuzz target: the bytes were read without
    /// two leading byte-order marks, their text without one.
    #[test]
    fn one_byte_order_mark_is_dropped_from_bytes_and_text_alike() {
        let twice = format!("\u{feff}\u{feff}{SAMPLE}");
        assert_eq!(parse(twice.as_bytes()), parse_text(&twice));
        assert!(parse(twice.as_bytes()).unwrap_err().to_string().starts_with("line 1: expected the section header"));
    }

    #[test]
    fn bytes_that_are_neither_utf8_nor_gbk_are_refused() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.extend_from_slice(b"\xFF\xFF\n");
        let err = parse(&bytes).unwrap_err();
        assert!(matches!(err, ApprovalError::Encoding(_)), "{err:?}");
        assert!(err.to_string().contains("line 34"), "{err}");
    }

    #[test]
    fn more_parcels_than_the_input_policy_allows_are_refused() {
        let mut text = String::from("[属性描述]\n坐标系=2000国家大地坐标系\n带号=37\n[地块坐标]\n");
        for i in 0..=landtrace_domain::input_limits::MAX_FEATURES_PER_REQUEST {
            text.push_str(&format!("0,0,{i},,,,,,@\n"));
        }
        let err = parse(text.as_bytes()).unwrap_err();
        assert!(matches!(&err, ApprovalError::Limit(e) if e.whole_request()), "{err:?}");
    }

    #[test]
    fn the_format_is_recognised_by_its_first_section() {
        assert!(looks_like(SAMPLE.as_bytes()));
        assert!(looks_like(&encoding_rs::GBK.encode(SAMPLE).0));
        assert!(looks_like(format!("\u{feff}\r\n  {SAMPLE}").as_bytes()));
        assert!(looks_like("[地块坐标]\n".as_bytes()));
        assert!(!looks_like(b"id,wkt\n"));
        assert!(!looks_like(b"{\"type\":\"FeatureCollection\"}"));
        assert!(!looks_like(b""));
    }

    /// Every cut of the sample, and every byte changed to a few others, reads or is
    /// refused, never panics.
    #[test]
    fn no_cut_or_changed_byte_panics() {
        let bytes = SAMPLE.as_bytes();
        for cut in 0..bytes.len() {
            let _ = parse(&bytes[..cut]);
        }
        for at in (0..bytes.len()).step_by(3) {
            for b in [b',', b'@', b'\n', b'9', b'[', b'='] {
                let mut changed = bytes.to_vec();
                changed[at] = b;
                let _ = parse(&changed);
            }
        }
    }
}
