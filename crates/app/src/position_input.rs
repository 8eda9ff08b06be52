//! A position as the doors take it (two numbers and an optional CRS name), in
//! WGS84, with what was assumed when no CRS was named: the one reading of
//! `lon`/`lat`/`crs` for `/api/locate`, the expropriation lookup and the
//! truck-ban check.

use landtrace_domain::county::GAUSS_KRUGER_EPSG;
use landtrace_spatial::gauss_kruger::detect;
use landtrace_spatial::{Crs, LonLat};
use serde_json::{Value, json};

/// A position read from a request, in WGS84.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPosition {
    /// The position in WGS84.
    pub point: LonLat,
    /// The CRS the numbers were read in.
    pub crs: Crs,
    /// What was assumed, when the CRS was recognised rather than named.
    pub assumed: Option<String>,
}

impl ResolvedPosition {
    /// How answers echo the input: the numbers, the CRS and any assumption.
    pub fn input_json(&self, x: f64, y: f64) -> Value {
        let mut input = json!({ "lon": x, "lat": y, "crs": self.crs.name(), "crs_title": self.crs.title() });
        if let Some(assumed) = &self.assumed {
            input["assumed"] = json!(assumed);
        }
        input
    }
}

/// Reads `x`/`y` (lon/lat or easting/northing) in the named CRS; without a
/// name, as WGS84 lon/lat, or, when they are not lon/lat but have the ranges
/// of CGCS2000 Gauss-Krüger coordinates (in either order), as those, saying
/// what was assumed. The error names the problem.
///
/// ```
/// use landtrace_app::position_input::resolve_position;
/// let p = resolve_position(37_479_039.53, 3_890_148.98, None).unwrap();
/// assert!((p.point.lon() - 110.77).abs() < 1e-7);
/// assert!(p.assumed.unwrap().contains("EPSG:4525"));
/// assert!(resolve_position(500.0, 35.0, None).unwrap_err().contains("lon 500"));
/// ```
pub fn resolve_position(x: f64, y: f64, crs: Option<&str>) -> Result<ResolvedPosition, String> {
    if let Some(name) = crs {
        let crs = Crs::parse(name).map_err(|e| e.to_string())?;
        let point = crs.to_wgs84(geo::Coord { x, y }).map_err(|e| e.to_string())?;
        return Ok(ResolvedPosition { point, crs, assumed: None });
    }
    let as_lon_lat = LonLat::new(x, y);
    if let Ok(point) = as_lon_lat {
        return Ok(ResolvedPosition { point, crs: Crs::Wgs84, assumed: None });
    }
    let Some(detected) = detect(x, y, GAUSS_KRUGER_EPSG) else {
        return Err(as_lon_lat.map(|_| ()).unwrap_err().to_string());
    };
    let crs = Crs::from_epsg(detected.epsg).map_err(|e| e.to_string())?;
    let (easting, northing) = if detected.northing_first { (y, x) } else { (x, y) };
    let point = crs.to_wgs84(geo::Coord { x: easting, y: northing }).map_err(|e| e.to_string())?;
    Ok(ResolvedPosition { point, crs, assumed: Some(detected.assumption) })
}

/// A position typed or pasted as text (a search box): two numbers, with or without
/// a CRS name before or after them, read by [`resolve_position`].
#[derive(Debug, Clone, PartialEq)]
pub struct TypedPosition {
    /// The position, its CRS and what was assumed.
    pub resolved: ResolvedPosition,
    /// The two numbers in the order they were read (x = lon/easting, y = lat/northing).
    pub x: f64,
    /// See `x`.
    pub y: f64,
}

/// Separators between the numbers and the CRS name of a typed position.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '，' | '；' | '、' | '/')
}

/// A number as typed: digits with an optional sign, decimal point and degree sign.
fn typed_number(token: &str) -> Option<f64> {
    let t = token.trim_end_matches('°');
    let plain = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'));
    plain.then(|| t.parse::<f64>().ok()).flatten().filter(|v| v.is_finite())
}

/// Reads a position typed or pasted as text: `35.14, 110.77` (lat/lon or lon/lat,
/// told by their ranges: in China the longitude is the larger number),
/// `3890148.98 37479039.53` (CGCS2000 Gauss-Krüger, recognised by its ranges as in
/// [`resolve_position`]), `EPSG:4546 479039.53 3890148.98`, `gcj02: 110.78,35.139`
/// (a CRS name before or after the numbers, as [`landtrace_spatial::Crs::parse`] reads
/// it; `crs=` may precede it). `None`: the text is not two numbers (with a CRS name);
/// `Some(Err)`: it is, but names no position (the message says why).
///
/// ```
/// use landtrace_app::position_input::read_typed_position;
/// let p = read_typed_position("35.14, 110.77").unwrap().unwrap();
/// assert_eq!((p.resolved.point.lon(), p.resolved.point.lat()), (110.77, 35.14));
/// assert!(p.resolved.assumed.unwrap().contains("lat, lon"));
/// assert!(read_typed_position("临晋镇").is_none());
/// ```
pub fn read_typed_position(text: &str) -> Option<Result<TypedPosition, String>> {
    let text = text.replace(['：'], ":").replace('＝', "=");
    let mut tokens: Vec<&str> = text.split(is_separator).filter(|t| !t.is_empty()).collect();
    // `gcj02:110.78` (no space after the name): the name and the first number.
    let mut split_first = Vec::new();
    if let Some(first) = tokens.first().copied()
        && Crs::parse(first.trim_end_matches([':', '='])).is_err()
        && let Some((name, number)) = first.rsplit_once([':', '='])
        && typed_number(number).is_some()
    {
        split_first = vec![name, number];
    }
    if !split_first.is_empty() {
        tokens.splice(0..1, split_first);
    }
    let n = tokens.len();
    let (numbers, name) = match tokens.as_slice() {
        [a, b] => ([*a, *b], Vec::new()),
        [rest @ .., a, b] if typed_number(a).is_some() && typed_number(b).is_some() => ([*a, *b], rest.to_vec()),
        [a, b, rest @ ..] if n > 2 => ([*a, *b], rest.to_vec()),
        _ => return None,
    };
    let (Some(a), Some(b)) = (typed_number(numbers[0]), typed_number(numbers[1])) else { return None };
    let name = name.join(" ");
    let name = name.trim().trim_end_matches([':', '=']).trim();
    let name = name.strip_prefix("crs").map_or(name, |n| n.trim_start_matches([':', '=', ' ']));
    let crs = (!name.is_empty()).then_some(name);
    if let Some(named) = crs
        && Crs::parse(named).is_err()
    {
        // Words and two numbers (`临晋镇 2 3`) are not a position.
        if !named.chars().any(|c| c.is_ascii_alphabetic()) {
            return None;
        }
    }
    Some(resolve_typed(a, b, crs))
}

/// The two numbers of a typed position in the order that makes them a position: lon/lat
/// and lat/lon told apart by their ranges (in China the longitude, 73–135°, is always
/// larger than the latitude, 3–54°), said in `assumed` when they were swapped.
fn resolve_typed(a: f64, b: f64, crs: Option<&str>) -> Result<TypedPosition, String> {
    let named = crs.map(Crs::parse).transpose().map_err(|e| e.to_string())?;
    let swap = match named {
        // A Gauss-Krüger zone named with the northing first (Chinese survey files' X).
        Some(Crs::GaussKruger(code)) => detect(a, b, u32::from(code)).is_some_and(|d| d.northing_first),
        Some(other) if !other.is_geographic() => false,
        _ => LonLat::new(b, a).is_ok() && (LonLat::new(a, b).is_err() || b > a),
    };
    let (x, y) = if swap { (b, a) } else { (a, b) };
    let mut resolved = resolve_position(x, y, crs)?;
    if swap {
        let note = if named.is_some_and(|c| !c.is_geographic()) {
            format!(
                "按数值范围读作“北坐标, 东坐标”（read as northing, easting by their ranges: easting {x}, northing {y}）"
            )
        } else {
            format!("按数值范围读作“纬度, 经度”（read as lat, lon by their ranges: lon {x}, lat {y}）")
        };
        resolved.assumed = Some(match resolved.assumed {
            Some(other) => format!("{note}; {other}"),
            None => note,
        });
    }
    Ok(TypedPosition { resolved, x, y })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_crs_recognised_ranges_and_plain_lon_lat() {
        let p = resolve_position(110.77, 35.14, None).unwrap();
        assert_eq!((p.crs, p.assumed), (Crs::Wgs84, None));
        let p = resolve_position(479_039.53, 3_890_148.98, Some("EPSG:4546")).unwrap();
        assert!((p.point.lon() - 110.77).abs() < 1e-7 && (p.point.lat() - 35.14).abs() < 1e-7);
        assert_eq!(p.assumed, None);
        // Northing first, no zone number: the county's zone, said so.
        let p = resolve_position(3_890_148.98, 479_039.53, None).unwrap();
        assert_eq!(p.crs, Crs::GaussKruger(4546));
        assert!((p.point.lon() - 110.77).abs() < 1e-7 && (p.point.lat() - 35.14).abs() < 1e-7);
        let assumed = p.assumed.unwrap();
        assert!(assumed.contains("assumed the county's zone EPSG:4546") && assumed.contains("northing first"));
        let input =
            resolve_position(37_479_039.53, 3_890_148.98, None).unwrap().input_json(37_479_039.53, 3_890_148.98);
        assert_eq!(input["crs"], "EPSG:4525");
        assert_eq!(input["crs_title"], "CGCS2000 / 3-degree Gauss-Kruger zone 37");
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(resolve_position(110.77, 95.0, None).unwrap_err(), "lat 95 is outside -90..90");
        assert!(
            resolve_position(479_039.53, 3_890_148.98, Some("EPSG:4525"))
                .unwrap_err()
                .contains("lacks the zone number 37")
        );
        assert!(resolve_position(1.0, 2.0, Some("EPSG:nope")).unwrap_err().starts_with("unknown CRS"));
    }

    #[test]
    fn typed_positions_in_every_form() {
        let read = |t: &str| read_typed_position(t).unwrap_or_else(|| panic!("{t}: not a position")).unwrap();
        let near = |p: &TypedPosition, lon: f64, lat: f64| {
            (p.resolved.point.lon() - lon).abs() < 1e-6 && (p.resolved.point.lat() - lat).abs() < 1e-6
        };
        // lat/lon and lon/lat by range; the swap is said.
        for text in ["35.14, 110.77", "35.14 110.77", "35.14，110.77", "35.14°, 110.77°"] {
            let p = read(text);
            assert!(near(&p, 110.77, 35.14), "{text}");
            assert!(p.resolved.assumed.as_deref().unwrap().contains("lat, lon"), "{text}");
        }
        let p = read("110.77,35.14");
        assert!(near(&p, 110.77, 35.14));
        assert_eq!(p.resolved.assumed, None);
        // Gauss-Krüger with the zone number, either order, recognised by the ranges.
        for text in ["3890148.98 37479039.53", "37479039.53, 3890148.98"] {
            let p = read(text);
            assert!(near(&p, 110.77, 35.14), "{text}");
            assert_eq!(p.resolved.crs, Crs::GaussKruger(4525), "{text}");
        }
        // A named CRS before or after, with or without a colon or `crs=`.
        for text in [
            "EPSG:4546 479039.53 3890148.98",
            "479039.53 3890148.98 EPSG:4546",
            "crs=4546 479039.53,3890148.98",
            "EPSG:4546 3890148.98 479039.53",
        ] {
            let p = read(text);
            assert!(near(&p, 110.77, 35.14), "{text}");
            assert_eq!(p.resolved.crs, Crs::GaussKruger(4546), "{text}");
        }
        for text in ["gcj02: 110.78,35.139", "gcj02:110.78,35.139", "GCJ-02 35.139 110.78", "110.78 35.139 gcj02"] {
            let p = read(text);
            assert_eq!(p.resolved.crs, Crs::Gcj02, "{text}");
            let wgs = Crs::Gcj02.to_wgs84(geo::Coord { x: 110.78, y: 35.139 }).unwrap();
            assert!(near(&p, wgs.lon(), wgs.lat()), "{text}");
        }
        // Not positions at all, and positions that are not.
        for text in ["临晋镇", "140821101208", "晋M·X0001", "临政发〔2023〕10号", "1 2 3", "临晋镇 2 3"] {
            assert!(read_typed_position(text).is_none(), "{text}");
        }
        assert!(read_typed_position("500 600").unwrap().unwrap_err().contains("lon 500"));
        assert!(read_typed_position("EPSG:nope 1 2").unwrap().unwrap_err().contains("unknown CRS"));
    }
}
