//! A small, strict Mapbox Vector Tile 2.1 decoder, for tests here and in the server.
//!
//! [`decode`] returns layers → features with their integer geometry and properties;
//! [`dump`] renders a tile as sorted, stable text for snapshot-style assertions (MVT
//! is compared as a decoded dump, never as raw bytes). The decoder rejects what the
//! spec forbids — a malformed command stream, a zero-length `LineTo`, a ring of zero
//! area, a polygon starting with an interior ring, tags out of range — so the
//! encoder's tests catch those mistakes.

use std::fmt::Write as _;

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};

use crate::geometry_commands::{CLOSE_PATH, LINE_TO, MOVE_TO, TilePoint};
use crate::mvt::{GeomType, MvtValue};
use crate::polygon_validity::ring_area2;
use crate::protobuf_wire::{Reader, WireError, unzigzag32, unzigzag64};

/// A tile that is not valid MVT 2.1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The protobuf framing is broken.
    #[error("protobuf: {0}")]
    Wire(#[from] WireError),
    /// A layer has no name.
    #[error("a layer has no name")]
    LayerWithoutName,
    /// A `Value` message holds no value.
    #[error("layer {layer:?}: value {index} is empty")]
    EmptyValue {
        /// Layer name.
        layer: String,
        /// Index in the layer's `values`.
        index: usize,
    },
    /// A feature's tags are odd in number or point past `keys` / `values`.
    #[error("layer {layer:?}: feature {id:?} has bad tags")]
    BadTags {
        /// Layer name.
        layer: String,
        /// Feature id.
        id: Option<u64>,
    },
    /// A feature's geometry type is not 0–3.
    #[error("layer {layer:?}: feature {id:?} has unknown geometry type {value}")]
    BadGeomType {
        /// Layer name.
        layer: String,
        /// Feature id.
        id: Option<u64>,
        /// The type found.
        value: u64,
    },
    /// A feature's command stream breaks the rules of spec §4.3.
    #[error("layer {layer:?}: feature {id:?}: {reason}")]
    BadGeometry {
        /// Layer name.
        layer: String,
        /// Feature id.
        id: Option<u64>,
        /// What is wrong.
        reason: String,
    },
}

/// A decoded tile.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedTile {
    /// Layers in tile order.
    pub layers: Vec<DecodedLayer>,
}

impl DecodedTile {
    /// The layer called `name`.
    pub fn layer(&self, name: &str) -> Option<&DecodedLayer> {
        self.layers.iter().find(|l| l.name == name)
    }
}

/// A decoded layer.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedLayer {
    /// Layer name.
    pub name: String,
    /// MVT version (1 when absent).
    pub version: u32,
    /// Extent (4096 when absent).
    pub extent: u32,
    /// Features in layer order.
    pub features: Vec<DecodedFeature>,
}

/// A decoded feature.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedFeature {
    /// The feature id, when present.
    pub id: Option<u64>,
    /// The geometry type field.
    pub geom_type: GeomType,
    /// The raw command stream.
    pub geometry_commands: Vec<u32>,
    /// The geometry in integer tile pixels.
    pub geometry: DecodedGeometry,
    /// Properties in tag order.
    pub properties: Vec<(String, MvtValue)>,
}

impl DecodedFeature {
    /// The value of property `key`.
    pub fn property(&self, key: &str) -> Option<&MvtValue> {
        self.properties.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A decoded geometry in integer tile pixels (rings open: first point not repeated).
#[derive(Debug, Clone, PartialEq)]
pub enum DecodedGeometry {
    /// A feature of type UNKNOWN (its commands are in `geometry_commands`).
    Unknown,
    /// One or more points.
    Points(Vec<TilePoint>),
    /// One or more lines.
    Lines(Vec<Vec<TilePoint>>),
    /// One or more polygons, rings grouped by their winding as the spec says.
    Polygons(Vec<DecodedPolygon>),
}

/// One polygon: exterior ring (positive area) and interior rings (negative area).
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedPolygon {
    /// The exterior ring, open.
    pub exterior: Vec<TilePoint>,
    /// The interior rings, open.
    pub interiors: Vec<Vec<TilePoint>>,
}

impl DecodedPolygon {
    /// As a geo polygon in tile pixels (closed rings).
    pub fn to_geo(&self) -> Polygon<f64> {
        Polygon::new(closed(&self.exterior), self.interiors.iter().map(|r| closed(r)).collect())
    }
}

fn coord(p: &TilePoint) -> Coord<f64> {
    Coord { x: f64::from(p[0]), y: f64::from(p[1]) }
}

fn closed(ring: &[TilePoint]) -> LineString<f64> {
    ring.iter().chain(ring.first()).map(coord).collect::<Vec<_>>().into()
}

impl DecodedGeometry {
    /// As a geo geometry in tile pixels (`None` for [`DecodedGeometry::Unknown`]).
    pub fn to_geo(&self) -> Option<Geometry<f64>> {
        Some(match self {
            DecodedGeometry::Unknown => return None,
            DecodedGeometry::Points(points) if points.len() == 1 => Point(coord(&points[0])).into(),
            DecodedGeometry::Points(points) => MultiPoint::new(points.iter().map(|p| Point(coord(p))).collect()).into(),
            DecodedGeometry::Lines(lines) if lines.len() == 1 => {
                LineString::new(lines[0].iter().map(coord).collect()).into()
            }
            DecodedGeometry::Lines(lines) => {
                MultiLineString::new(lines.iter().map(|l| LineString::new(l.iter().map(coord).collect())).collect())
                    .into()
            }
            DecodedGeometry::Polygons(polygons) if polygons.len() == 1 => polygons[0].to_geo().into(),
            DecodedGeometry::Polygons(polygons) => {
                MultiPolygon::new(polygons.iter().map(DecodedPolygon::to_geo).collect()).into()
            }
        })
    }

    /// Every vertex, in order.
    pub fn vertices(&self) -> Vec<TilePoint> {
        match self {
            DecodedGeometry::Unknown => Vec::new(),
            DecodedGeometry::Points(points) => points.clone(),
            DecodedGeometry::Lines(lines) => lines.concat(),
            DecodedGeometry::Polygons(polygons) => polygons
                .iter()
                .flat_map(|p| std::iter::once(&p.exterior).chain(p.interiors.iter()))
                .flatten()
                .copied()
                .collect(),
        }
    }

    /// WKT-like text in tile pixels, rings closed: `POLYGON ((0 0, 10 0, 10 10, 0 0))`.
    pub fn to_wkt(&self) -> String {
        let pt = |p: &TilePoint| format!("{} {}", p[0], p[1]);
        let seq = |pts: &[TilePoint]| format!("({})", pts.iter().map(pt).collect::<Vec<_>>().join(", "));
        let ring = |r: &[TilePoint]| {
            let mut closed = r.to_vec();
            closed.extend(r.first());
            seq(&closed)
        };
        let polygon = |p: &DecodedPolygon| {
            format!(
                "({})",
                std::iter::once(&p.exterior).chain(p.interiors.iter()).map(|r| ring(r)).collect::<Vec<_>>().join(", ")
            )
        };
        let list = |items: Vec<String>| items.join(", ");
        match self {
            DecodedGeometry::Unknown => "UNKNOWN".to_owned(),
            DecodedGeometry::Points(p) if p.len() == 1 => format!("POINT ({})", pt(&p[0])),
            DecodedGeometry::Points(p) => format!("MULTIPOINT {}", seq(p)),
            DecodedGeometry::Lines(l) if l.len() == 1 => format!("LINESTRING {}", seq(&l[0])),
            DecodedGeometry::Lines(l) => format!("MULTILINESTRING ({})", list(l.iter().map(|x| seq(x)).collect())),
            DecodedGeometry::Polygons(p) if p.len() == 1 => format!("POLYGON {}", polygon(&p[0])),
            DecodedGeometry::Polygons(p) => format!("MULTIPOLYGON ({})", list(p.iter().map(polygon).collect())),
        }
    }
}

/// Decodes a tile.
pub fn decode(bytes: &[u8]) -> Result<DecodedTile, DecodeError> {
    let mut reader = Reader::new(bytes);
    let mut layers = Vec::new();
    while let Some(field) = reader.next_field()? {
        if field.number == 3 {
            layers.push(decode_layer(field.bytes()?)?);
        }
    }
    Ok(DecodedTile { layers })
}

/// A feature before its tags are resolved against the layer's tables.
struct RawFeature {
    id: Option<u64>,
    tags: Vec<u32>,
    geom_type: u64,
    commands: Vec<u32>,
}

fn decode_layer(bytes: &[u8]) -> Result<DecodedLayer, DecodeError> {
    let mut reader = Reader::new(bytes);
    let (mut name, mut version, mut extent) = (None, 1, 4096);
    let (mut keys, mut values, mut raw_features) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => name = Some(String::from_utf8_lossy(field.bytes()?).into_owned()),
            2 => raw_features.push(decode_raw_feature(field.bytes()?)?),
            3 => keys.push(String::from_utf8_lossy(field.bytes()?).into_owned()),
            4 => values.push(decode_value(field.bytes()?)?),
            5 => extent = field.uint32()?,
            15 => version = field.uint32()?,
            _ => {}
        }
    }
    let name = name.ok_or(DecodeError::LayerWithoutName)?;
    if let Some(index) = values.iter().position(Option::is_none) {
        return Err(DecodeError::EmptyValue { layer: name, index });
    }
    let values: Vec<MvtValue> = values.into_iter().flatten().collect();
    let mut features = Vec::with_capacity(raw_features.len());
    for raw in raw_features {
        let bad_tags = || DecodeError::BadTags { layer: name.clone(), id: raw.id };
        if raw.tags.len() % 2 != 0 {
            return Err(bad_tags());
        }
        let mut properties = Vec::with_capacity(raw.tags.len() / 2);
        for pair in raw.tags.chunks_exact(2) {
            let key = keys.get(pair[0] as usize).ok_or_else(bad_tags)?;
            let value = values.get(pair[1] as usize).ok_or_else(bad_tags)?;
            if properties.iter().any(|(k, _): &(String, MvtValue)| k == key) {
                return Err(bad_tags());
            }
            properties.push((key.clone(), value.clone()));
        }
        let geom_type = match raw.geom_type {
            0 => GeomType::Unknown,
            1 => GeomType::Point,
            2 => GeomType::LineString,
            3 => GeomType::Polygon,
            value => return Err(DecodeError::BadGeomType { layer: name, id: raw.id, value }),
        };
        let geometry = decode_geometry(geom_type, &raw.commands).map_err(|reason| DecodeError::BadGeometry {
            layer: name.clone(),
            id: raw.id,
            reason,
        })?;
        features.push(DecodedFeature { id: raw.id, geom_type, geometry_commands: raw.commands, geometry, properties });
    }
    Ok(DecodedLayer { name, version, extent, features })
}

fn decode_raw_feature(bytes: &[u8]) -> Result<RawFeature, DecodeError> {
    let mut reader = Reader::new(bytes);
    let mut feature = RawFeature { id: None, tags: Vec::new(), geom_type: 0, commands: Vec::new() };
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => feature.id = Some(field.varint()?),
            2 => feature.tags.extend(field.packed_u32()?),
            3 => feature.geom_type = field.varint()?,
            4 => feature.commands.extend(field.packed_u32()?),
            _ => {}
        }
    }
    Ok(feature)
}

fn decode_value(bytes: &[u8]) -> Result<Option<MvtValue>, DecodeError> {
    let mut reader = Reader::new(bytes);
    let mut value = None;
    while let Some(field) = reader.next_field()? {
        value = match field.number {
            1 => Some(MvtValue::String(String::from_utf8_lossy(field.bytes()?).into_owned())),
            2 => Some(MvtValue::Double(f64::from(field.float()?))),
            3 => Some(MvtValue::Double(field.double()?)),
            4 => Some(MvtValue::Int(field.varint()? as i64)),
            5 => {
                let v = field.varint()?;
                Some(i64::try_from(v).map_or(MvtValue::Double(v as f64), MvtValue::Int))
            }
            6 => Some(MvtValue::Int(unzigzag64(field.varint()?))),
            7 => Some(MvtValue::Bool(field.varint()? != 0)),
            _ => value,
        };
    }
    Ok(value)
}

/// Reads a command stream (spec §4.3) into the geometry of `geom_type`.
fn decode_geometry(geom_type: GeomType, commands: &[u32]) -> Result<DecodedGeometry, String> {
    let mut cursor = [0i64, 0i64];
    let mut i = 0;
    // Parts: a MoveTo point, then the LineTo points, closed or not.
    let mut parts: Vec<(Vec<TilePoint>, bool)> = Vec::new();
    let mut moves_in_points = 0;
    while i < commands.len() {
        let (id, count) = (commands[i] & 0x7, (commands[i] >> 3) as usize);
        i += 1;
        match id {
            MOVE_TO | LINE_TO => {
                if count == 0 || count > (commands.len() - i) / 2 {
                    return Err(format!("command {id} with count {count} runs past the stream"));
                }
                if id == LINE_TO && parts.last().is_none_or(|(_, closed)| *closed) {
                    return Err("LineTo without a MoveTo".to_owned());
                }
                if id == LINE_TO && geom_type == GeomType::Point {
                    return Err("LineTo in a point geometry".to_owned());
                }
                if id == MOVE_TO && geom_type != GeomType::Point && count != 1 {
                    return Err(format!("MoveTo with count {count} outside a point geometry"));
                }
                if id == MOVE_TO && geom_type == GeomType::Point {
                    moves_in_points += 1;
                }
                for _ in 0..count {
                    let dx = i64::from(unzigzag32(commands[i]));
                    let dy = i64::from(unzigzag32(commands[i + 1]));
                    i += 2;
                    if id == LINE_TO && dx == 0 && dy == 0 {
                        return Err("LineTo of length zero".to_owned());
                    }
                    cursor = [cursor[0] + dx, cursor[1] + dy];
                    let point = [
                        i32::try_from(cursor[0]).map_err(|_| "coordinate out of range".to_owned())?,
                        i32::try_from(cursor[1]).map_err(|_| "coordinate out of range".to_owned())?,
                    ];
                    if id == MOVE_TO {
                        parts.push((vec![point], false));
                    } else if let Some((points, _)) = parts.last_mut() {
                        points.push(point);
                    }
                }
            }
            CLOSE_PATH => {
                if count != 1 {
                    return Err(format!("ClosePath with count {count}"));
                }
                match parts.last_mut() {
                    Some((points, closed)) if !*closed => *closed = true,
                    _ => return Err("ClosePath without an open path".to_owned()),
                }
            }
            other => return Err(format!("unknown command {other}")),
        }
    }
    match geom_type {
        GeomType::Unknown => Ok(DecodedGeometry::Unknown),
        GeomType::Point => {
            if moves_in_points != 1 || parts.iter().any(|(_, closed)| *closed) {
                return Err("a point geometry must be exactly one MoveTo".to_owned());
            }
            Ok(DecodedGeometry::Points(parts.into_iter().flat_map(|(p, _)| p).collect()))
        }
        GeomType::LineString => {
            if parts.is_empty() || parts.iter().any(|(p, closed)| *closed || p.len() < 2) {
                return Err("a line needs a MoveTo and a LineTo and no ClosePath".to_owned());
            }
            Ok(DecodedGeometry::Lines(parts.into_iter().map(|(p, _)| p).collect()))
        }
        GeomType::Polygon => polygons_from_rings(parts),
    }
}

fn polygons_from_rings(parts: Vec<(Vec<TilePoint>, bool)>) -> Result<DecodedGeometry, String> {
    if parts.is_empty() {
        return Err("a polygon geometry needs a ring".to_owned());
    }
    let mut polygons: Vec<DecodedPolygon> = Vec::new();
    for (ring, closed) in parts {
        if !closed || ring.len() < 3 {
            return Err("a ring needs MoveTo, LineTo of 2 or more and ClosePath".to_owned());
        }
        if ring.last() == ring.first() {
            return Err("a ring repeats its first point before ClosePath".to_owned());
        }
        match ring_area2(&ring).signum() {
            1 => polygons.push(DecodedPolygon { exterior: ring, interiors: Vec::new() }),
            -1 => match polygons.last_mut() {
                Some(polygon) => polygon.interiors.push(ring),
                None => return Err("polygon starts with an interior ring (negative area)".to_owned()),
            },
            _ => return Err("ring of zero area".to_owned()),
        }
    }
    Ok(DecodedGeometry::Polygons(polygons))
}

/// A sorted, stable text rendering of a tile: layers by name, features by id then
/// geometry, properties by key; geometry as WKT-like text in tile pixels. A tile that
/// does not decode renders as `error: …`; an empty tile as `(empty tile)`.
pub fn dump(bytes: &[u8]) -> String {
    let tile = match decode(bytes) {
        Ok(tile) => tile,
        Err(e) => return format!("error: {e}\n"),
    };
    if tile.layers.is_empty() {
        return "(empty tile)\n".to_owned();
    }
    let mut layers: Vec<&DecodedLayer> = tile.layers.iter().collect();
    layers.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = String::new();
    for layer in layers {
        let _ = writeln!(
            out,
            "layer {:?} v{} extent {} features {}",
            layer.name,
            layer.version,
            layer.extent,
            layer.features.len()
        );
        let mut lines: Vec<(Option<u64>, String)> = layer
            .features
            .iter()
            .map(|f| {
                let id = f.id.map_or_else(|| "-".to_owned(), |id| id.to_string());
                let mut props: Vec<&(String, MvtValue)> = f.properties.iter().collect();
                props.sort_by(|a, b| a.0.cmp(&b.0));
                let props: Vec<String> = props.iter().map(|(k, v)| format!("{k}={v}")).collect();
                (f.id, format!("  id={id} {} {{{}}}", f.geometry.to_wkt(), props.join(", ")))
            })
            .collect();
        lines.sort();
        for (_, line) in lines {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry(geom_type: GeomType, commands: &[u32]) -> Result<DecodedGeometry, String> {
        decode_geometry(geom_type, commands)
    }

    // The command streams of the spec's §4.3.5 examples.

    #[test]
    fn spec_example_points() {
        assert_eq!(geometry(GeomType::Point, &[9, 50, 34]), Ok(DecodedGeometry::Points(vec![[25, 17]])));
        assert_eq!(geometry(GeomType::Point, &[17, 10, 14, 3, 9]), Ok(DecodedGeometry::Points(vec![[5, 7], [3, 2]])));
    }

    #[test]
    fn spec_example_lines() {
        assert_eq!(
            geometry(GeomType::LineString, &[9, 4, 4, 18, 0, 16, 16, 0]),
            Ok(DecodedGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]]]))
        );
        assert_eq!(
            geometry(GeomType::LineString, &[9, 4, 4, 18, 0, 16, 16, 0, 9, 17, 17, 10, 4, 8]),
            Ok(DecodedGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]], vec![[1, 1], [3, 5]]]))
        );
    }

    #[test]
    fn spec_example_polygons() {
        assert_eq!(
            geometry(GeomType::Polygon, &[9, 6, 12, 18, 10, 12, 24, 44, 15]),
            Ok(DecodedGeometry::Polygons(vec![DecodedPolygon {
                exterior: vec![[3, 6], [8, 12], [20, 34]],
                interiors: vec![]
            }]))
        );
        let mp = [
            9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15, 9, 22, 2, 26, 18, 0, 0, 18, 17, 0, 15, 9, 4, 13, 26, 0, 8, 8, 0, 0,
            7, 15,
        ];
        let decoded = geometry(GeomType::Polygon, &mp).unwrap();
        assert_eq!(
            decoded.to_wkt(),
            "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), \
             ((11 11, 20 11, 20 20, 11 20, 11 11), (13 13, 13 17, 17 17, 17 13, 13 13)))"
        );
    }

    #[test]
    fn malformed_streams_are_rejected() {
        let bad = |t, c: &[u32]| assert!(geometry(t, c).is_err(), "{c:?}");
        bad(GeomType::Point, &[9, 50]);
        bad(GeomType::Point, &[9, 50, 34, 9, 2, 2]);
        bad(GeomType::LineString, &[9, 4, 4]);
        bad(GeomType::LineString, &[10, 4, 4]);
        bad(GeomType::LineString, &[9, 4, 4, 10, 0, 0]);
        bad(GeomType::Polygon, &[9, 6, 12, 18, 10, 12, 24, 44]);
        bad(GeomType::Polygon, &[9, 0, 0, 18, 0, 20, 20, 0, 15]); // negative area first
        bad(GeomType::Polygon, &[9, 0, 0, 18, 2, 2, 2, 2, 15]); // zero area
        bad(GeomType::Polygon, &[15]);
        bad(GeomType::Polygon, &[9, 0, 0, 23, 15]);
        bad(GeomType::Polygon, &[4]);
        bad(GeomType::Point, &[u32::MAX]);
    }

    #[test]
    fn broken_tiles_are_errors_and_dump_says_so() {
        assert!(decode(&[0x1a, 0x05, 0x0a]).is_err());
        assert!(dump(&[0x1a, 0x05, 0x0a]).starts_with("error: "));
        // A layer with no name.
        assert_eq!(decode(&[0x1a, 0x02, 0x28, 0x01]), Err(DecodeError::LayerWithoutName));
        assert_eq!(dump(&[]), "(empty tile)\n");
    }
}
