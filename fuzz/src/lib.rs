//! Invariants the fuzz targets check beyond "does not panic", shared by several
//! targets. Each panics with a message naming the broken promise.

use std::sync::OnceLock;

use geo::{CoordsIter, Geometry, MultiPolygon};
use landtrace_domain::LayerKind;
use landtrace_formats::ParcelRow;
use landtrace_spatial::{Crs, geodesic_area_m2, geometry_to_wgs84, validate_parcel};
use landtrace_store::geojson_io::parse_features;
use landtrace_store::{validate_features, wkb};
use landtrace_track::{CheckOptions, Fix, FixReader, Location, TrackChecker, TrackError, TrackFormat};

/// Every coordinate of `g` is a finite WGS84 longitude/latitude.
pub fn assert_lonlat(g: &Geometry<f64>) {
    for c in g.coords_iter() {
        assert!(
            c.x.is_finite() && c.y.is_finite() && (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y),
            "coordinate ({}, {}) is not a WGS84 lon/lat",
            c.x,
            c.y
        );
    }
}

/// `g` survives the store's WKB codec unchanged: encoding then decoding gives
/// the same bytes again (compared as bytes, so NaN and -0.0 count too).
pub fn assert_wkb_round_trip(g: &Geometry<f64>) {
    let mut first = Vec::new();
    wkb::encode(g, &mut first);
    let decoded = wkb::decode(&first).unwrap_or_else(|e| panic!("WKB written by encode does not decode: {e}"));
    let mut second = Vec::new();
    wkb::encode(&decoded, &mut second);
    assert_eq!(first, second, "WKB round trip changed the geometry");
}

/// What the land bureau's batch check does with each parcel a reader returns
/// (convert the CRS, validate), and what must then hold: rows are numbered 1,
/// 2, 3, …; a parcel that passes validation has WGS84 coordinates, a finite
/// non-negative area and survives the store's WKB codec.
pub fn check_parcel_rows(rows: Vec<ParcelRow>, crs: Crs) {
    for (i, row) in rows.into_iter().enumerate() {
        assert_eq!(row.row, i + 1, "parcel rows are not numbered in order");
        let Ok(mut parcel) = row.geometry else { continue };
        if geometry_to_wgs84(crs, &mut parcel).is_err() || validate_parcel(&parcel).is_err() {
            continue;
        }
        let area = geodesic_area_m2(&parcel);
        assert!(area.is_finite() && area >= 0.0, "a valid parcel has area {area} m²");
        let g = Geometry::MultiPolygon(parcel);
        assert_lonlat(&g);
        assert_wkb_round_trip(&g);
    }
}

/// The bundled truck-ban zone of 临政发〔2023〕5号 (`data/demo/truck_ban_zone.geojson`,
/// a concave polygon), read once through the layer import.
pub fn ban_zone() -> &'static MultiPolygon<f64> {
    static ZONE: OnceLock<MultiPolygon<f64>> = OnceLock::new();
    ZONE.get_or_init(|| {
        let text = include_str!("../../data/demo/truck_ban_zone.geojson");
        let features = parse_features(LayerKind::TruckBanZone, text).expect("the bundled zone is GeoJSON");
        let features = validate_features(LayerKind::TruckBanZone, features).expect("the bundled zone is valid");
        let polygons = features.into_iter().filter_map(|f| match f.geometry {
            Some(Geometry::MultiPolygon(mp)) => Some(mp.0),
            _ => None,
        });
        MultiPolygon(polygons.flatten().collect())
    })
}

/// Options for a track check from one input byte: the CRS and `max_gap_s`
/// (the query parameters of `POST /api/truck-ban/track`; the gap is any `u64`
/// there, so the extremes are among the choices).
pub fn track_options(selector: u8) -> (Crs, CheckOptions) {
    let crs = if selector & 1 == 0 { Crs::Wgs84 } else { Crs::Gcj02 };
    let max_gap_s = match (selector >> 1) & 3 {
        0 => 120,
        1 => 0,
        2 => 86_400,
        _ => u64::MAX,
    };
    let options = CheckOptions { max_gap: std::time::Duration::from_secs(max_gap_s), ..CheckOptions::default() };
    (crs, options)
}

/// Reads a track as `POST /api/truck-ban/track` does and checks the reader's
/// and the checker's promises:
/// - the reader ends (no more items than input bytes, plus one) and yields
///   nothing after a fatal error;
/// - CSV and GPX items come in the order of their lines;
/// - the report counts every fix; its violation intervals are in time order,
///   each with `duration_ms = exit − entry ≥ 0`, and add up to the total.
pub fn check_track(format: TrackFormat, data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else { return };
    let (crs, options) = track_options(selector);
    let results: Vec<Result<Fix, TrackError>> = match format {
        // The server reads a GeoJSON body whole, as lossy UTF-8.
        TrackFormat::GeoJson => FixReader::geojson(&String::from_utf8_lossy(input), crs).collect(),
        _ => read_bounded(FixReader::new(format, input, crs), input.len()),
    };
    check_reader_results(format, &results);
    let zone = landtrace_track::BanZone::new(ban_zone());
    let fixes = results.iter().filter(|r| r.is_ok()).count();
    let report = TrackChecker::new(&zone, options).check_all(results);
    assert_eq!(report.fixes, fixes, "the report does not count every fix");
    let mut total_ms = 0i64;
    let mut previous_exit = i64::MIN;
    for interval in &report.intervals {
        assert!(interval.entry.t_ms >= previous_exit, "violation intervals overlap or are out of order");
        assert_eq!(interval.duration_ms, interval.exit.t_ms - interval.entry.t_ms);
        assert!(interval.duration_ms >= 0, "an interval ends before it begins");
        assert!(interval.distance_m.is_finite() && interval.distance_m >= 0.0);
        previous_exit = interval.exit.t_ms;
        total_ms += interval.duration_ms;
    }
    assert_eq!(report.total_violation_ms, total_ms, "the total is not the sum of the intervals");
    assert!(report.total_distance_m.is_finite() && report.total_distance_m >= 0.0);
}

/// Collects a streaming reader's items, failing if it yields more than one per
/// input byte (plus one): a reader that does not end would otherwise only show
/// as a timeout.
fn read_bounded<R: std::io::BufRead>(reader: FixReader<R>, input_len: usize) -> Vec<Result<Fix, TrackError>> {
    let mut results = Vec::new();
    for result in reader {
        results.push(result);
        assert!(results.len() <= input_len + 1, "the reader yields more items than the input has bytes");
    }
    results
}

fn check_reader_results(format: TrackFormat, results: &[Result<Fix, TrackError>]) {
    if let Some(fatal) = results.iter().position(|r| r.as_ref().is_err_and(TrackError::is_fatal)) {
        assert_eq!(fatal + 1, results.len(), "the reader went on after a fatal error");
    }
    if format == TrackFormat::GeoJson {
        return;
    }
    let mut previous = 0;
    for result in results {
        let at = match result {
            Ok(fix) => fix.at,
            Err(e) => e.at,
        };
        let Location::Line(line) = at else { panic!("a {format:?} item is located at {at}, not at a line") };
        assert!(line >= previous, "line {line} comes after line {previous}");
        previous = line;
    }
}
