//! A GPS track checked against the stored truck-ban zone: the use case behind
//! `POST /api/truck-ban/track` and `landtrace check track`.

use geo::{Geometry, MultiPolygon};
use landtrace_domain::LayerKind;
use landtrace_spatial::Crs;
use landtrace_track::{BanZone, CheckOptions, FixReader, TrackChecker, TrackFormat, TrackReport};
use serde_json::Value;

use crate::catalog::Catalog;

/// Every truck-ban zone polygon as one MultiPolygon, and whether any is illustrative.
pub fn ban_zone_geometry(catalog: &Catalog) -> (MultiPolygon<f64>, bool) {
    let mut polygons = Vec::new();
    let mut illustrative = false;
    if let Some(layer) = catalog.layer(LayerKind::TruckBanZone) {
        for f in layer.intersecting(geo::Rect::new((-180.0, -90.0), (180.0, 90.0))) {
            if let Some(Geometry::MultiPolygon(mp)) = &f.geometry {
                polygons.extend(mp.0.iter().cloned());
            }
            illustrative |= f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative");
        }
    }
    (MultiPolygon(polygons), illustrative)
}

/// Checks a track read from `reader` against the zone (streaming); a GeoJSON
/// track is read from `text_for_geojson` whole.
pub fn check_track<R: std::io::BufRead>(
    zone: &MultiPolygon<f64>,
    format: TrackFormat,
    reader: R,
    text_for_geojson: Option<&str>,
    crs: Crs,
    options: CheckOptions,
) -> TrackReport {
    let zone = BanZone::new(zone);
    let checker = TrackChecker::new(&zone, options);
    match (format, text_for_geojson) {
        (TrackFormat::GeoJson, Some(text)) => checker.check_all(FixReader::geojson(text, crs)),
        _ => checker.check_all(FixReader::new(format, reader, crs)),
    }
}
