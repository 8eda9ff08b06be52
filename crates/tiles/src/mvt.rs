//! Mapbox Vector Tile 2.1 encoder (<https://github.com/mapbox/vector-tile-spec/tree/master/2.1>).
//!
//! A [`LayerEncoder`] takes features in WGS84 lon/lat and, for each one:
//!
//! 1. projects it to fractional tile pixels (Web Mercator, y down; [`TileCoord::lonlat_to_tile_px`]);
//! 2. clips it to the tile plus [`EncodeOptions::buffer_px`] on every side: points are
//!    kept when inside that square (edges included), lines are cut at its edges
//!    (Liang–Barsky), polygons are clipped with their holes and come out valid
//!    (`polygon_clip`);
//! 3. simplifies it in pixel space ([`EncodeOptions::simplify_px`], topology-preserving
//!    Visvalingam–Whyatt), quantises to integer pixels, removes repeated points and
//!    degenerate rings, winds rings as the spec wants and makes sure every polygon is
//!    valid at integer resolution — the rule is documented in `tile_polygon`;
//! 4. writes the geometry command stream and the feature's tags, with the layer's
//!    `keys` and `values` tables deduplicated.
//!
//! [`encode_tile`] then writes the layers into one tile. Nothing here does IO.

use std::collections::HashMap;

use geo::{
    Coord, CoordsIter, Geometry, LineString, MapCoords, Polygon, Rect, RemoveRepeatedPoints, SimplifyVwPreserve,
};

use crate::geometry_commands::{CommandWriter, TilePoint};
use crate::line_clip::clip_line_to_rect;
use crate::polygon_clip::clip_polygon_to_rect;
use crate::protobuf_wire::{
    write_bytes_field, write_double_field, write_packed_u32_field, write_varint_field, zigzag64,
};
use crate::tile_coord::TileCoord;
use crate::tile_polygon::{polygon_at_tile_resolution, round_coord};

/// The MVT version written.
pub const MVT_VERSION: u32 = 2;

/// Largest extent and buffer accepted by [`LayerEncoder::new`] (larger values are
/// clamped), so every coordinate of the buffered tile fits an `i32`.
pub const MAX_EXTENT: u32 = 1 << 24;

/// A property value in a vector tile.
#[derive(Debug, Clone, PartialEq)]
pub enum MvtValue {
    /// Text (`string_value`).
    String(String),
    /// A signed integer (`int_value` when ≥ 0, `sint_value` when negative).
    Int(i64),
    /// A float (`double_value`).
    Double(f64),
    /// A boolean (`bool_value`).
    Bool(bool),
}

impl MvtValue {
    /// The tile value of a JSON property: `None` for `null`; arrays and objects become
    /// their JSON text; integers beyond `i64` become doubles.
    pub fn from_json(value: &serde_json::Value) -> Option<MvtValue> {
        use serde_json::Value;
        match value {
            Value::Null => None,
            Value::Bool(b) => Some(MvtValue::Bool(*b)),
            Value::Number(n) => Some(match n.as_i64() {
                Some(i) => MvtValue::Int(i),
                None => MvtValue::Double(n.as_f64().unwrap_or(f64::NAN)),
            }),
            Value::String(s) => Some(MvtValue::String(s.clone())),
            Value::Array(_) | Value::Object(_) => Some(MvtValue::String(value.to_string())),
        }
    }

    fn dedup_key(&self) -> ValueKey {
        match self {
            MvtValue::String(s) => ValueKey::String(s.clone()),
            MvtValue::Int(i) => ValueKey::Int(*i),
            MvtValue::Double(d) => ValueKey::Double(d.to_bits()),
            MvtValue::Bool(b) => ValueKey::Bool(*b),
        }
    }

    /// The protobuf `Value` message.
    fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        match self {
            MvtValue::String(s) => write_bytes_field(&mut buf, 1, s.as_bytes()),
            MvtValue::Double(d) => write_double_field(&mut buf, 3, *d),
            MvtValue::Int(i) if *i >= 0 => write_varint_field(&mut buf, 4, i.unsigned_abs()),
            MvtValue::Int(i) => write_varint_field(&mut buf, 6, zigzag64(*i)),
            MvtValue::Bool(b) => write_varint_field(&mut buf, 7, u64::from(*b)),
        }
        buf
    }
}

impl std::fmt::Display for MvtValue {
    /// Strings quoted, doubles always with a decimal point: `"城区"`, `2`, `2.0`, `true`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MvtValue::String(s) => write!(f, "{s:?}"),
            MvtValue::Int(i) => write!(f, "{i}"),
            MvtValue::Double(d) => write!(f, "{d:?}"),
            MvtValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl From<&str> for MvtValue {
    fn from(s: &str) -> Self {
        MvtValue::String(s.to_owned())
    }
}
impl From<String> for MvtValue {
    fn from(s: String) -> Self {
        MvtValue::String(s)
    }
}
impl From<i64> for MvtValue {
    fn from(i: i64) -> Self {
        MvtValue::Int(i)
    }
}
impl From<f64> for MvtValue {
    fn from(d: f64) -> Self {
        MvtValue::Double(d)
    }
}
impl From<bool> for MvtValue {
    fn from(b: bool) -> Self {
        MvtValue::Bool(b)
    }
}

/// Values compared for the layer's `values` table: doubles by bit pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey {
    String(String),
    Int(i64),
    Double(u64),
    Bool(bool),
}

/// How features are cut into a tile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EncodeOptions {
    /// Tile pixels per side (the layer's `extent`). Default 4096.
    pub extent: u32,
    /// Clip margin around the tile, in extent units. Default 64.
    pub buffer_px: u32,
    /// Simplification tolerance in extent units; `0` means none. Default 0.
    pub simplify_px: f64,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions { extent: 4096, buffer_px: 64, simplify_px: 0.0 }
    }
}

/// MVT geometry types (`Tile.GeomType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GeomType {
    /// 0: unknown / experimental.
    Unknown = 0,
    /// 1: point or multipoint.
    Point = 1,
    /// 2: linestring or multilinestring.
    LineString = 2,
    /// 3: polygon or multipolygon.
    Polygon = 3,
}

/// Collects the features of one layer of one tile.
#[derive(Debug, Clone)]
pub struct LayerEncoder {
    name: String,
    tile: TileCoord,
    options: EncodeOptions,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    values: Vec<MvtValue>,
    value_index: HashMap<ValueKey, u32>,
    /// Encoded `Layer.features` fields, one after another.
    features: Vec<u8>,
    feature_count: usize,
}

impl LayerEncoder {
    /// A layer called `name` for `tile`. An `extent` of 0 is taken as 1, `extent` and
    /// `buffer_px` above [`MAX_EXTENT`] are clamped to it, and a negative or non-finite
    /// `simplify_px` means no simplification.
    pub fn new(name: &str, tile: TileCoord, options: EncodeOptions) -> LayerEncoder {
        let options = EncodeOptions {
            extent: options.extent.clamp(1, MAX_EXTENT),
            buffer_px: options.buffer_px.min(MAX_EXTENT),
            simplify_px: if options.simplify_px.is_finite() && options.simplify_px > 0.0 {
                options.simplify_px
            } else {
                0.0
            },
        };
        LayerEncoder {
            name: name.to_owned(),
            tile,
            options,
            keys: Vec::new(),
            key_index: HashMap::new(),
            values: Vec::new(),
            value_index: HashMap::new(),
            features: Vec::new(),
            feature_count: 0,
        }
    }

    /// The layer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The tile being encoded.
    pub fn tile(&self) -> TileCoord {
        self.tile
    }

    /// The options in force (after clamping).
    pub fn options(&self) -> EncodeOptions {
        self.options
    }

    /// Whether no feature has been added.
    pub fn is_empty(&self) -> bool {
        self.feature_count == 0
    }

    /// How many features have been added.
    pub fn feature_count(&self) -> usize {
        self.feature_count
    }

    /// Adds a feature given in WGS84 lon/lat. Returns `false` (and adds nothing, not
    /// even its property values) when nothing of it is left after clipping and
    /// quantisation, or when it is a `GeometryCollection` (MVT has none). A property
    /// key given twice keeps its first value.
    pub fn add_feature(&mut self, id: u64, geometry: &Geometry<f64>, properties: &[(&str, MvtValue)]) -> bool {
        let extent = self.options.extent;
        let tile = self.tile;
        let projected = geometry.map_coords(|c| {
            let (x, y) = tile.lonlat_to_tile_px(c.x, c.y, extent);
            Coord { x, y }
        });
        self.add_feature_tile_px(id, &projected, properties)
    }

    /// Adds a feature already in fractional tile pixels of this layer's extent
    /// (`(0, 0)` north-west, y down); otherwise as [`LayerEncoder::add_feature`]. A
    /// geometry with a non-finite coordinate is refused (`false`).
    pub fn add_feature_tile_px(&mut self, id: u64, geometry: &Geometry<f64>, properties: &[(&str, MvtValue)]) -> bool {
        if !geometry.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
            return false;
        }
        let Some((geom_type, commands)) = self.geometry_commands(geometry) else { return false };
        if commands.is_empty() {
            return false;
        }
        let tags = self.tags(properties);
        let mut feature = Vec::with_capacity(commands.len() * 2 + tags.len() + 8);
        write_varint_field(&mut feature, 1, id);
        write_packed_u32_field(&mut feature, 2, &tags);
        write_varint_field(&mut feature, 3, geom_type as u64);
        write_packed_u32_field(&mut feature, 4, &commands);
        write_bytes_field(&mut self.features, 2, &feature);
        self.feature_count += 1;
        true
    }

    /// The buffered tile square in tile pixels.
    fn clip_rect(&self) -> Rect<f64> {
        let b = f64::from(self.options.buffer_px);
        let e = f64::from(self.options.extent);
        Rect::new(Coord { x: -b, y: -b }, Coord { x: e + b, y: e + b })
    }

    fn geometry_commands(&self, geometry: &Geometry<f64>) -> Option<(GeomType, Vec<u32>)> {
        let clip = self.clip_rect();
        let tolerance = self.options.simplify_px;
        let mut writer = CommandWriter::default();
        let geom_type = match geometry {
            Geometry::Point(p) => {
                writer.points(&points_in(&[p.0], clip));
                GeomType::Point
            }
            Geometry::MultiPoint(mp) => {
                let coords: Vec<Coord<f64>> = mp.iter().map(|p| p.0).collect();
                writer.points(&points_in(&coords, clip));
                GeomType::Point
            }
            Geometry::Line(l) => {
                write_lines(&mut writer, std::slice::from_ref(&LineString::from(*l)), clip, tolerance);
                GeomType::LineString
            }
            Geometry::LineString(ls) => {
                write_lines(&mut writer, std::slice::from_ref(ls), clip, tolerance);
                GeomType::LineString
            }
            Geometry::MultiLineString(mls) => {
                write_lines(&mut writer, &mls.0, clip, tolerance);
                GeomType::LineString
            }
            Geometry::Polygon(p) => {
                write_polygons(&mut writer, std::slice::from_ref(p), clip, tolerance);
                GeomType::Polygon
            }
            Geometry::MultiPolygon(mp) => {
                write_polygons(&mut writer, &mp.0, clip, tolerance);
                GeomType::Polygon
            }
            Geometry::Rect(r) => {
                write_polygons(&mut writer, &[r.to_polygon()], clip, tolerance);
                GeomType::Polygon
            }
            Geometry::Triangle(t) => {
                write_polygons(&mut writer, &[t.to_polygon()], clip, tolerance);
                GeomType::Polygon
            }
            Geometry::GeometryCollection(_) => return None,
        };
        Some((geom_type, writer.finish()))
    }

    fn tags(&mut self, properties: &[(&str, MvtValue)]) -> Vec<u32> {
        let mut tags = Vec::with_capacity(properties.len() * 2);
        let mut seen: Vec<u32> = Vec::with_capacity(properties.len());
        for (key, value) in properties {
            let key_id = match self.key_index.get(*key) {
                Some(id) => *id,
                None => {
                    let id = self.keys.len() as u32;
                    self.keys.push((*key).to_owned());
                    self.key_index.insert((*key).to_owned(), id);
                    id
                }
            };
            if seen.contains(&key_id) {
                continue;
            }
            seen.push(key_id);
            let dedup = value.dedup_key();
            let value_id = match self.value_index.get(&dedup) {
                Some(id) => *id,
                None => {
                    let id = self.values.len() as u32;
                    self.values.push(value.clone());
                    self.value_index.insert(dedup, id);
                    id
                }
            };
            tags.push(key_id);
            tags.push(value_id);
        }
        tags
    }

    /// The protobuf `Layer` message.
    fn encode(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(self.features.len() + 64);
        write_bytes_field(&mut buf, 1, self.name.as_bytes());
        buf.extend_from_slice(&self.features);
        for key in &self.keys {
            write_bytes_field(&mut buf, 3, key.as_bytes());
        }
        for value in &self.values {
            write_bytes_field(&mut buf, 4, &value.encode());
        }
        write_varint_field(&mut buf, 5, u64::from(self.options.extent));
        write_varint_field(&mut buf, 15, u64::from(MVT_VERSION));
        buf
    }
}

/// One tile holding `layers` in order; empty layers are left out, and a tile without
/// any feature is an empty `Vec`. Layer names should be unique within a tile (the
/// spec requires it); this function does not merge layers of the same name.
pub fn encode_tile(layers: &[LayerEncoder]) -> Vec<u8> {
    let mut buf = Vec::new();
    for layer in layers.iter().filter(|l| !l.is_empty()) {
        write_bytes_field(&mut buf, 3, &layer.encode());
    }
    buf
}

fn points_in(coords: &[Coord<f64>], clip: Rect<f64>) -> Vec<TilePoint> {
    let (min, max) = (clip.min(), clip.max());
    coords.iter().filter(|c| min.x <= c.x && c.x <= max.x && min.y <= c.y && c.y <= max.y).map(round_coord).collect()
}

fn write_lines(writer: &mut CommandWriter, lines: &[LineString<f64>], clip: Rect<f64>, tolerance: f64) {
    for line in lines {
        for part in clip_line_to_rect(&line.remove_repeated_points(), clip) {
            let part = if tolerance > 0.0 { part.simplify_vw_preserve(tolerance * tolerance) } else { part };
            let mut vertices: Vec<TilePoint> = part.coords().map(round_coord).collect();
            vertices.dedup();
            if vertices.len() >= 2 {
                writer.line(&vertices);
            }
        }
    }
}

fn write_polygons(writer: &mut CommandWriter, polygons: &[Polygon<f64>], clip: Rect<f64>, tolerance: f64) {
    for polygon in polygons {
        for piece in clip_polygon_to_rect(polygon, clip) {
            for tile_polygon in polygon_at_tile_resolution(&piece, tolerance) {
                writer.ring(&tile_polygon.exterior);
                for hole in &tile_polygon.interiors {
                    writer.ring(hole);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mvt_decode::{DecodedGeometry, decode, dump};
    use geo::{Point, line_string, polygon};

    fn tile0() -> TileCoord {
        TileCoord::new(0, 0, 0).unwrap()
    }

    fn px_layer(name: &str) -> LayerEncoder {
        LayerEncoder::new(name, tile0(), EncodeOptions::default())
    }

    /// The tile of the spec's §4.5 example, with its points at tile pixel (1205, 1540)
    /// (the example's geometry `[9, 2410, 3080]`).
    fn spec_example_tile() -> Vec<u8> {
        let mut layer = px_layer("points");
        let point: Geometry<f64> = Point::new(1205.0, 1540.0).into();
        layer.add_feature_tile_px(
            1,
            &point,
            &[("hello", "world".into()), ("h", "world".into()), ("count", MvtValue::Double(1.23))],
        );
        layer.add_feature_tile_px(2, &point, &[("hello", "again".into()), ("count", MvtValue::Int(2))]);
        encode_tile(&[layer])
    }

    #[test]
    fn one_layer_holds_points_and_polygons() {
        let mut layer = px_layer("sponge_facilities");
        let point: Geometry<f64> = Point::new(100.0, 200.0).into();
        let square: Geometry<f64> =
            polygon![(x: 300.0, y: 300.0), (x: 340.0, y: 300.0), (x: 340.0, y: 340.0), (x: 300.0, y: 340.0)].into();
        let multi: Geometry<f64> = geo::MultiPolygon(vec![
            polygon![(x: 500.0, y: 500.0), (x: 520.0, y: 500.0), (x: 520.0, y: 520.0), (x: 500.0, y: 520.0)],
        ])
        .into();
        assert!(layer.add_feature_tile_px(1, &point, &[("kind", "调蓄池".into())]));
        assert!(layer.add_feature_tile_px(2, &square, &[("kind", "透水铺装".into())]));
        assert!(layer.add_feature_tile_px(3, &multi, &[("kind", "下沉式绿地".into())]));
        let tile = decode(&encode_tile(&[layer])).unwrap();
        let features = &tile.layer("sponge_facilities").unwrap().features;
        assert!(matches!(&features[0].geometry, DecodedGeometry::Points(p) if p.len() == 1));
        assert!(matches!(&features[1].geometry, DecodedGeometry::Polygons(p) if p.len() == 1));
        assert!(matches!(&features[2].geometry, DecodedGeometry::Polygons(p) if p.len() == 1));
        assert_eq!(features[1].property("kind"), Some(&MvtValue::from("透水铺装")));
    }

    #[test]
    fn spec_example_tile_bytes() {
        // Hand-assembled from the spec's §4.5 example (fields in field-number order,
        // version last).
        let feature1: &[u8] = &[
            0x08, 0x01, // id = 1
            0x12, 0x06, 0, 0, 1, 0, 2, 1, // tags
            0x18, 0x01, // type = POINT
            0x22, 0x05, 0x09, 0xea, 0x12, 0x88, 0x18, // geometry [9, 2410, 3080]
        ];
        let feature2: &[u8] =
            &[0x08, 0x02, 0x12, 0x04, 0, 2, 2, 3, 0x18, 0x01, 0x22, 0x05, 0x09, 0xea, 0x12, 0x88, 0x18];
        let mut layer: Vec<u8> = vec![0x0a, 6];
        layer.extend_from_slice(b"points");
        layer.extend_from_slice(&[0x12, feature1.len() as u8]);
        layer.extend_from_slice(feature1);
        layer.extend_from_slice(&[0x12, feature2.len() as u8]);
        layer.extend_from_slice(feature2);
        for key in ["hello", "h", "count"] {
            layer.extend_from_slice(&[0x1a, key.len() as u8]);
            layer.extend_from_slice(key.as_bytes());
        }
        layer.extend_from_slice(&[0x22, 7, 0x0a, 5]);
        layer.extend_from_slice(b"world");
        layer.extend_from_slice(&[0x22, 9, 0x19]);
        layer.extend_from_slice(&1.23f64.to_le_bytes());
        layer.extend_from_slice(&[0x22, 7, 0x0a, 5]);
        layer.extend_from_slice(b"again");
        layer.extend_from_slice(&[0x22, 2, 0x20, 2]);
        layer.extend_from_slice(&[0x28, 0x80, 0x20]); // extent 4096
        layer.extend_from_slice(&[0x78, 2]); // version 2
        let mut expected = vec![0x1a, layer.len() as u8];
        expected.extend_from_slice(&layer);
        assert_eq!(spec_example_tile(), expected);
    }

    #[test]
    fn spec_example_tile_decodes() {
        let tile = decode(&spec_example_tile()).unwrap();
        assert_eq!(tile.layers.len(), 1);
        let layer = &tile.layers[0];
        assert_eq!((layer.name.as_str(), layer.version, layer.extent), ("points", 2, 4096));
        assert_eq!(layer.features[0].geometry_commands, [9, 2410, 3080]);
        assert_eq!(
            layer.features[1].properties,
            vec![("hello".to_owned(), "again".into()), ("count".into(), 2.into())]
        );
        assert_eq!(
            dump(&spec_example_tile()),
            "layer \"points\" v2 extent 4096 features 2\n\
             \x20 id=1 POINT (1205 1540) {count=1.23, h=\"world\", hello=\"world\"}\n\
             \x20 id=2 POINT (1205 1540) {count=2, hello=\"again\"}\n"
        );
    }

    #[test]
    fn spec_example_point_through_lon_lat() {
        // Point (25, 17) of spec §4.3.5.1, given in lon/lat of tile 0/0/0.
        let (lon, lat) = tile0().tile_px_to_lonlat(25.0, 17.0, 4096);
        let mut layer = px_layer("p");
        assert!(layer.add_feature(7, &Point::new(lon, lat).into(), &[]));
        let tile = decode(&encode_tile(&[layer])).unwrap();
        assert_eq!(tile.layers[0].features[0].geometry_commands, [9, 50, 34]);
        assert_eq!(tile.layers[0].features[0].id, Some(7));
    }

    #[test]
    fn spec_example_multi_polygon_keeps_its_command_stream() {
        let mut layer = px_layer("mp");
        let mp = geo::MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            polygon!(
                exterior: [(x: 11.0, y: 11.0), (x: 20.0, y: 11.0), (x: 20.0, y: 20.0), (x: 11.0, y: 20.0)],
                interiors: [[(x: 13.0, y: 13.0), (x: 13.0, y: 17.0), (x: 17.0, y: 17.0), (x: 17.0, y: 13.0)]],
            ),
        ]);
        assert!(layer.add_feature_tile_px(1, &mp.into(), &[]));
        let tile = decode(&encode_tile(&[layer])).unwrap();
        assert_eq!(
            tile.layers[0].features[0].geometry_commands,
            [
                9, 0, 0, 26, 20, 0, 0, 20, 19, 0, 15, 9, 22, 2, 26, 18, 0, 0, 18, 17, 0, 15, 9, 4, 13, 26, 0, 8, 8, 0,
                0, 7, 15
            ]
        );
    }

    #[test]
    fn keys_and_values_are_deduplicated_across_features() {
        let mut layer = px_layer("zones");
        let square: Geometry<f64> =
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)].into();
        for id in 0..3 {
            let props = [("grade", MvtValue::Int(id % 2)), ("accuracy", "illustrative".into()), ("grade", 9.into())];
            assert!(layer.add_feature_tile_px(id as u64, &square, &props));
        }
        assert_eq!(layer.keys, ["grade", "accuracy"]);
        assert_eq!(layer.values, [MvtValue::Int(0), "illustrative".into(), MvtValue::Int(1)]);
        assert_eq!(layer.feature_count(), 3);
    }

    #[test]
    fn values_of_every_type_round_trip() {
        let mut layer = px_layer("v");
        let props = [
            ("s", MvtValue::from("临猗")),
            ("neg", MvtValue::Int(-5)),
            ("big", MvtValue::Int(i64::MAX)),
            ("d", MvtValue::Double(-0.5)),
            ("t", MvtValue::Bool(true)),
            ("f", MvtValue::Bool(false)),
        ];
        layer.add_feature_tile_px(1, &Point::new(1.0, 1.0).into(), &props);
        let tile = decode(&encode_tile(&[layer])).unwrap();
        let got = &tile.layers[0].features[0].properties;
        let expected: Vec<(String, MvtValue)> = props.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        assert_eq!(got, &expected);
    }

    #[test]
    fn dropped_features_leave_no_trace() {
        let mut layer = px_layer("p");
        let outside: Geometry<f64> = Point::new(5000.0, 10.0).into();
        assert!(!layer.add_feature_tile_px(1, &outside, &[("k", "v".into())]));
        assert!(layer.is_empty());
        assert!(layer.keys.is_empty() && layer.values.is_empty());
        assert!(encode_tile(&[layer]).is_empty());
        let collection =
            Geometry::GeometryCollection(geo::GeometryCollection::new_from(vec![Point::new(1.0, 1.0).into()]));
        let mut layer = px_layer("p");
        assert!(!layer.add_feature_tile_px(1, &collection, &[]));
        let broken: Geometry<f64> = line_string![(x: 1.0, y: 1.0), (x: f64::NAN, y: 5.0), (x: 9.0, y: 9.0)].into();
        assert!(!layer.add_feature_tile_px(1, &broken, &[]));
        assert!(!layer.add_feature(1, &Point::new(f64::INFINITY, 0.0).into(), &[]));
        assert!(layer.is_empty());
    }

    #[test]
    fn empty_layers_are_omitted() {
        let mut full = px_layer("full");
        full.add_feature_tile_px(1, &Point::new(1.0, 1.0).into(), &[]);
        let tile = encode_tile(&[px_layer("empty"), full, px_layer("also_empty")]);
        let names: Vec<String> = decode(&tile).unwrap().layers.into_iter().map(|l| l.name).collect();
        assert_eq!(names, ["full"]);
    }

    #[test]
    fn lines_are_clipped_to_the_buffer() {
        let mut layer = px_layer("l");
        let line: Geometry<f64> = line_string![(x: -1000.0, y: 100.0), (x: 5000.0, y: 100.0)].into();
        assert!(layer.add_feature_tile_px(1, &line, &[]));
        let tile = decode(&encode_tile(&[layer])).unwrap();
        assert_eq!(tile.layers[0].features[0].geometry, DecodedGeometry::Lines(vec![vec![[-64, 100], [4160, 100]]]));
    }

    #[test]
    fn negative_zero_and_huge_options_are_sanitised() {
        let layer =
            LayerEncoder::new("x", tile0(), EncodeOptions { extent: 0, buffer_px: u32::MAX, simplify_px: f64::NAN });
        assert_eq!(layer.options(), EncodeOptions { extent: 1, buffer_px: MAX_EXTENT, simplify_px: 0.0 });
    }

    #[test]
    fn json_values() {
        use serde_json::json;
        assert_eq!(MvtValue::from_json(&json!(null)), None);
        assert_eq!(MvtValue::from_json(&json!(3)), Some(MvtValue::Int(3)));
        assert_eq!(MvtValue::from_json(&json!(3.5)), Some(MvtValue::Double(3.5)));
        assert_eq!(MvtValue::from_json(&json!(u64::MAX)), Some(MvtValue::Double(u64::MAX as f64)));
        assert_eq!(MvtValue::from_json(&json!("a")), Some("a".into()));
        assert_eq!(MvtValue::from_json(&json!(true)), Some(true.into()));
        assert_eq!(MvtValue::from_json(&json!([1, 2])), Some("[1,2]".into()));
    }
}
