//! Converts a GeoJSON FeatureCollection from GCJ-02 to WGS84.
//!
//! ```text
//! cargo run -p landtrace-spatial --example convert_gcj02 -- IN.geojson OUT.geojson
//! ```
//!
//! Every coordinate goes through `gcj02_to_wgs84` and is rounded to 7
//! decimals (about 1 cm). Properties are kept, except that a `crs_note`
//! property is replaced by a note saying how the file was converted. A
//! top-level `name` ending in `gcj02` is renamed to end in `wgs84`. Keys are
//! written in sorted order.

use landtrace_spatial::{LonLat, gcj02_to_wgs84};
use serde_json::{Map, Value};
use std::error::Error;
use std::{env, fs};

const CRS_NOTE: &str = "WGS84 (converted from GCJ-02 by landtrace-spatial gcj02_to_wgs84)";
const DECIMALS: f64 = 1e7;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = env::args().collect();
    let [_, input, output] = args.as_slice() else {
        return Err("usage: convert_gcj02 IN.geojson OUT.geojson".into());
    };
    let mut collection: Value = serde_json::from_str(&fs::read_to_string(input)?)?;
    let count = convert_collection(&mut collection)?;
    fs::write(output, serde_json::to_string(&collection)? + "\n")?;
    eprintln!("converted {count} features from {input} to {output}");
    Ok(())
}

/// Converts the collection in place; returns the number of features.
fn convert_collection(collection: &mut Value) -> Result<usize, Box<dyn Error>> {
    let object = collection
        .as_object_mut()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("FeatureCollection"))
        .ok_or("input is not a GeoJSON FeatureCollection")?;
    if let Some(Value::String(name)) = object.get_mut("name")
        && let Some(stem) = name.strip_suffix("gcj02")
    {
        *name = format!("{stem}wgs84");
    }
    let features =
        object.get_mut("features").and_then(Value::as_array_mut).ok_or("FeatureCollection has no features array")?;
    for (i, feature) in features.iter_mut().enumerate() {
        convert_feature(feature).map_err(|e| format!("feature {i}: {e}"))?;
    }
    Ok(features.len())
}

fn convert_feature(feature: &mut Value) -> Result<(), Box<dyn Error>> {
    if let Some(Value::Object(properties)) = feature.get_mut("properties") {
        replace_crs_note(properties);
    }
    match feature.get_mut("geometry") {
        Some(Value::Null) | None => Ok(()),
        Some(geometry) => convert_geometry(geometry),
    }
}

fn replace_crs_note(properties: &mut Map<String, Value>) {
    if let Some(note) = properties.get_mut("crs_note") {
        *note = Value::String(CRS_NOTE.to_owned());
    }
}

fn convert_geometry(geometry: &mut Value) -> Result<(), Box<dyn Error>> {
    if let Some(Value::Array(members)) = geometry.get_mut("geometries") {
        return members.iter_mut().try_for_each(convert_geometry);
    }
    let coordinates = geometry.get_mut("coordinates").ok_or("geometry has no coordinates")?;
    convert_coordinates(coordinates)
}

/// Walks nested coordinate arrays; an array whose first item is a number is
/// a position `[lon, lat, ...]`.
fn convert_coordinates(value: &mut Value) -> Result<(), Box<dyn Error>> {
    let Value::Array(items) = value else {
        return Err("coordinates must be arrays".into());
    };
    if !items.first().is_some_and(Value::is_number) {
        return items.iter_mut().try_for_each(convert_coordinates);
    }
    let (Some(lon), Some(lat)) = (items.first().and_then(Value::as_f64), items.get(1).and_then(Value::as_f64)) else {
        return Err("a position needs numeric lon and lat".into());
    };
    let wgs84 = gcj02_to_wgs84(LonLat::new(lon, lat)?);
    items[0] = rounded(wgs84.lon())?;
    items[1] = rounded(wgs84.lat())?;
    Ok(())
}

fn rounded(degrees: f64) -> Result<Value, Box<dyn Error>> {
    let value = (degrees * DECIMALS).round() / DECIMALS;
    serde_json::Number::from_f64(value).map(Value::Number).ok_or_else(|| "non-finite coordinate".into())
}
