//! Tile-set definitions as data (`tiles/tilesets.toml`), checked against the domain's
//! layer schemas.
//!
//! ```toml
//! [layers.urban_grade_zones]      # key = LayerKind::table_name
//! minzoom = 10
//! maxzoom = 18
//! simplify_px = 1.0               # tolerance in tile pixels (extent 4096), default 1.0
//! buffer_px = 64                  # default 64
//! properties = ["grade", "name", "accuracy"]   # the ONLY properties written into tiles
//!
//! [sets.all]
//! title = "临猗县全部公开图层"
//! description = "..."
//! layers = ["county_boundaries", "urban_grade_zones"]   # draw order
//! ```
//!
//! Checks: the layer exists, has geometry and is public (a user-defined layer that
//! is not public is never tiled); each property is a field of the layer and not `personal`; `minzoom ≤ maxzoom ≤ 24`; `simplify_px` is finite and ≥ 0;
//! `buffer_px ≤ 4096`; sets name only configured layers, each once, and at least one.
//! Every configured layer is also a set of its own name unless a set of that name is
//! defined. Set names must be URL-safe (`a-z`, `0-9`, `_`, `-`). Unknown keys in the
//! file are errors, so a typo does not silently change what is published.
//!
//! User-defined layers (`landtrace_domain::UserLayerDef`) are added by
//! [`TileSets::with_user_layers`]: each public one with a `tiles` zoom range
//! becomes a set of its own name, drawn at that range with every non-personal
//! field, unless the file configures the layer itself.

use std::collections::BTreeMap;

use landtrace_domain::{FieldDef, GeometryKind, LayerKind};
use serde::Deserialize;

use crate::mvt::{EncodeOptions, MvtValue};
use crate::tile_coord::MAX_ZOOM;

/// The extent of every landtrace tile; `simplify_px` and `buffer_px` are in its pixels.
pub const TILE_EXTENT: u32 = 4096;

/// Largest `buffer_px` accepted (one whole tile of the 4096 extent).
pub const MAX_BUFFER_PX: u32 = 4096;

/// A tile-set file that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Not TOML, or not the expected shape.
    #[error("tile-set file: {0}")]
    Parse(String),
    /// `[layers.X]` where X is no layer.
    #[error("unknown layer {0:?}")]
    UnknownLayer(String),
    /// A layer without geometry cannot be tiled.
    #[error("layer {0} has no geometry and cannot be in tiles")]
    LayerWithoutGeometry(String),
    /// A user-defined layer that is not public is never tiled (tiles are public).
    #[error("layer {0} is not public and cannot be in tiles (tiles are served to anyone)")]
    NotPublic(String),
    /// A property that is not a field of the layer.
    #[error("{layer} has no property {property:?}")]
    UnknownProperty {
        /// Layer table name.
        layer: String,
        /// The property named.
        property: String,
    },
    /// A personal field may never be in a tile.
    #[error("{property} of {layer} is personal data and may not be in tiles")]
    PersonalProperty {
        /// Layer table name.
        layer: String,
        /// The property named.
        property: String,
    },
    /// A property listed twice.
    #[error("{layer} lists property {property} twice")]
    DuplicateProperty {
        /// Layer table name.
        layer: String,
        /// The property named.
        property: String,
    },
    /// Zoom range not within `0 ≤ minzoom ≤ maxzoom ≤ 24`.
    #[error("{layer}: zoom range {minzoom}..={maxzoom} is not within 0..=24 with minzoom ≤ maxzoom")]
    ZoomRange {
        /// Layer table name.
        layer: String,
        /// Configured minzoom.
        minzoom: u32,
        /// Configured maxzoom.
        maxzoom: u32,
    },
    /// `simplify_px` negative or not finite.
    #[error("{layer}: simplify_px {value} must be a finite number ≥ 0")]
    Simplify {
        /// Layer table name.
        layer: String,
        /// Configured value.
        value: f64,
    },
    /// `buffer_px` above [`MAX_BUFFER_PX`].
    #[error("{layer}: buffer_px {value} is above {MAX_BUFFER_PX}")]
    Buffer {
        /// Layer table name.
        layer: String,
        /// Configured value.
        value: u32,
    },
    /// A set naming a layer that is not configured under `[layers]`.
    #[error("set {set} uses layer {layer:?}, which is not defined under [layers]")]
    UndefinedLayerInSet {
        /// Set name.
        set: String,
        /// The layer named.
        layer: String,
    },
    /// A set naming a layer twice.
    #[error("set {set} lists layer {layer} twice")]
    DuplicateLayerInSet {
        /// Set name.
        set: String,
        /// The layer named.
        layer: String,
    },
    /// A set without layers.
    #[error("set {0} has no layers")]
    EmptySet(String),
    /// A set name that is not URL-safe.
    #[error("set name {0:?} may only hold a-z, 0-9, '_' and '-'")]
    SetName(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    layers: BTreeMap<String, RawLayer>,
    #[serde(default)]
    sets: BTreeMap<String, RawSet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    minzoom: u32,
    maxzoom: u32,
    #[serde(default = "default_simplify_px")]
    simplify_px: f64,
    #[serde(default = "default_buffer_px")]
    buffer_px: u32,
    #[serde(default)]
    properties: Vec<String>,
}

fn default_simplify_px() -> f64 {
    1.0
}

fn default_buffer_px() -> u32 {
    64
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    title: Option<String>,
    description: Option<String>,
    layers: Vec<String>,
}

/// How one layer is cut into tiles. Built only by [`TileSets::from_toml`], so its
/// values are checked.
#[derive(Debug, Clone)]
pub struct LayerTileConfig {
    kind: LayerKind,
    minzoom: u8,
    maxzoom: u8,
    simplify_px: f64,
    buffer_px: u32,
    properties: Vec<&'static FieldDef>,
}

impl PartialEq for LayerTileConfig {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.minzoom == other.minzoom
            && self.maxzoom == other.maxzoom
            && self.simplify_px == other.simplify_px
            && self.buffer_px == other.buffer_px
            && self.property_names().eq(other.property_names())
    }
}

impl LayerTileConfig {
    /// The source layer.
    pub fn kind(&self) -> LayerKind {
        self.kind
    }

    /// Lowest zoom with tiles for this layer.
    pub fn minzoom(&self) -> u8 {
        self.minzoom
    }

    /// Highest zoom with tiles for this layer.
    pub fn maxzoom(&self) -> u8 {
        self.maxzoom
    }

    /// Whether zoom `z` is in this layer's range.
    pub fn covers_zoom(&self, z: u8) -> bool {
        (self.minzoom..=self.maxzoom).contains(&z)
    }

    /// Simplification tolerance in tile pixels of a 4096 extent.
    pub fn simplify_px(&self) -> f64 {
        self.simplify_px
    }

    /// Clip buffer in tile pixels of a 4096 extent.
    pub fn buffer_px(&self) -> u32 {
        self.buffer_px
    }

    /// The fields written into tiles, in configured order (never personal ones).
    pub fn properties(&self) -> &[&'static FieldDef] {
        &self.properties
    }

    /// The names of [`LayerTileConfig::properties`].
    pub fn property_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.properties.iter().map(|f| f.name)
    }

    /// The tile extent the pixel values refer to (always 4096).
    pub fn extent(&self) -> u32 {
        TILE_EXTENT
    }

    /// Encoder options for this layer.
    pub fn encode_options(&self) -> EncodeOptions {
        EncodeOptions { extent: TILE_EXTENT, buffer_px: self.buffer_px, simplify_px: self.simplify_px }
    }

    /// The tile properties of a feature: the configured fields, in configured order,
    /// that the feature has with a non-null value. Nothing else can reach a tile.
    pub fn tile_properties(
        &self,
        properties: &serde_json::Map<String, serde_json::Value>,
    ) -> Vec<(&'static str, MvtValue)> {
        self.properties
            .iter()
            .filter_map(|field| properties.get(field.name).and_then(MvtValue::from_json).map(|v| (field.name, v)))
            .collect()
    }
}

/// A named set of layers served together.
#[derive(Debug, Clone, PartialEq)]
struct TileSetDef {
    title: Option<String>,
    description: Option<String>,
    layers: Vec<LayerKind>,
}

/// A tile set with its layer configurations, ready to serve.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedSet<'a> {
    name: &'a str,
    title: Option<&'a str>,
    description: Option<&'a str>,
    layers: Vec<(LayerKind, &'a LayerTileConfig)>,
    minzoom: u8,
    maxzoom: u8,
}

impl<'a> ResolvedSet<'a> {
    /// The set's name (URL path segment).
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Human title, if configured (an implicit one-layer set has the layer's Chinese
    /// title).
    pub fn title(&self) -> Option<&'a str> {
        self.title
    }

    /// Description, if configured (an implicit one-layer set has the layer's English
    /// title).
    pub fn description(&self) -> Option<&'a str> {
        self.description
    }

    /// The layers in draw order, one MVT layer each.
    pub fn layers(&self) -> impl Iterator<Item = (LayerKind, &'a LayerTileConfig)> + '_ {
        self.layers.iter().copied()
    }

    /// The layers that have tiles at zoom `z`, in draw order.
    pub fn layers_at_zoom(&self, z: u8) -> impl Iterator<Item = (LayerKind, &'a LayerTileConfig)> + '_ {
        self.layers().filter(move |(_, config)| config.covers_zoom(z))
    }

    /// Lowest `minzoom` of its layers.
    pub fn minzoom(&self) -> u8 {
        self.minzoom
    }

    /// Highest `maxzoom` of its layers.
    pub fn maxzoom(&self) -> u8 {
        self.maxzoom
    }
}

/// Every configured layer and tile set.
#[derive(Debug, Clone, PartialEq)]
pub struct TileSets {
    layers: BTreeMap<LayerKind, LayerTileConfig>,
    /// Explicit sets and the implicit one-layer sets, by name.
    sets: BTreeMap<String, TileSetDef>,
}

impl TileSets {
    /// Parses and checks a tile-set file (see the module documentation).
    pub fn from_toml(text: &str) -> Result<TileSets, ConfigError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        let mut layers = BTreeMap::new();
        for (name, raw_layer) in &raw.layers {
            let config = layer_config(name, raw_layer)?;
            layers.insert(config.kind, config);
        }
        let mut sets = BTreeMap::new();
        for (set_name, raw_set) in raw.sets {
            check_set_name(&set_name)?;
            if raw_set.layers.is_empty() {
                return Err(ConfigError::EmptySet(set_name));
            }
            let mut kinds = Vec::with_capacity(raw_set.layers.len());
            for layer in &raw_set.layers {
                let kind = LayerKind::from_table_name(layer)
                    .filter(|k| layers.contains_key(k))
                    .ok_or_else(|| ConfigError::UndefinedLayerInSet { set: set_name.clone(), layer: layer.clone() })?;
                if kinds.contains(&kind) {
                    return Err(ConfigError::DuplicateLayerInSet { set: set_name, layer: layer.clone() });
                }
                kinds.push(kind);
            }
            sets.insert(set_name, TileSetDef { title: raw_set.title, description: raw_set.description, layers: kinds });
        }
        for kind in layers.keys() {
            sets.entry(kind.table_name().to_owned()).or_insert_with(|| TileSetDef {
                title: Some(kind.title_zh().to_owned()),
                description: Some(kind.title_en().to_owned()),
                layers: vec![*kind],
            });
        }
        Ok(TileSets { layers, sets })
    }

    /// The set called `name`, with its layers' configurations.
    pub fn set(&self, name: &str) -> Option<ResolvedSet<'_>> {
        let (name, def) = self.sets.get_key_value(name)?;
        let layers: Vec<(LayerKind, &LayerTileConfig)> =
            def.layers.iter().filter_map(|kind| self.layers.get(kind).map(|c| (*kind, c))).collect();
        let minzoom = layers.iter().map(|(_, c)| c.minzoom).min()?;
        let maxzoom = layers.iter().map(|(_, c)| c.maxzoom).max()?;
        Some(ResolvedSet {
            name,
            title: def.title.as_deref(),
            description: def.description.as_deref(),
            layers,
            minzoom,
            maxzoom,
        })
    }

    /// All set names (explicit and implicit), sorted.
    pub fn set_names(&self) -> Vec<&str> {
        self.sets.keys().map(String::as_str).collect()
    }

    /// The names of the sets containing `kind`, sorted (e.g. to know which tiles a
    /// write to that layer makes stale).
    pub fn layers_of_kind(&self, kind: LayerKind) -> Vec<&str> {
        self.sets.iter().filter(|(_, def)| def.layers.contains(&kind)).map(|(name, _)| name.as_str()).collect()
    }

    /// The configuration of one layer, if it is configured.
    pub fn layer(&self, kind: LayerKind) -> Option<&LayerTileConfig> {
        self.layers.get(&kind)
    }

    /// Every configured layer, in `LayerKind` order.
    pub fn layers(&self) -> impl Iterator<Item = &LayerTileConfig> {
        self.layers.values()
    }

    /// These sets with the user-defined layers among `kinds` added: every public
    /// one whose definition has a `tiles` zoom range gets a set of its own name
    /// (title: its Chinese title; description: its English one), drawn at that
    /// range with [`USER_LAYER_SIMPLIFY_PX`], [`USER_LAYER_BUFFER_PX`] and every
    /// field that is not personal. A layer the file configures keeps the file's
    /// configuration. Not added, with the reason in the second list: a layer
    /// whose name is already a set of other layers. Built-in layers, layers that
    /// are not public or have no zoom range are passed over silently.
    pub fn with_user_layers(&self, kinds: &[LayerKind]) -> (TileSets, Vec<String>) {
        let mut out = self.clone();
        let mut skipped = Vec::new();
        for &kind in kinds {
            let Some(def) = kind.user_def() else { continue };
            let Some(zoom) = def.tiles.filter(|_| def.public && kind.geometry() != GeometryKind::None) else {
                continue;
            };
            if out.layers.contains_key(&kind) {
                continue;
            }
            let name = kind.table_name();
            if out.sets.contains_key(name) {
                skipped.push(format!("user-defined layer {name} is not tiled: a tile set of that name exists"));
                continue;
            }
            let (minzoom, maxzoom) = (zoom.min.min(MAX_ZOOM), zoom.max.min(MAX_ZOOM));
            let properties = kind.fields().iter().filter(|f| !f.personal).collect();
            let config = LayerTileConfig {
                kind,
                minzoom: minzoom.min(maxzoom),
                maxzoom,
                simplify_px: USER_LAYER_SIMPLIFY_PX,
                buffer_px: USER_LAYER_BUFFER_PX,
                properties,
            };
            out.layers.insert(kind, config);
            out.sets.insert(
                name.to_owned(),
                TileSetDef {
                    title: Some(kind.title_zh().to_owned()),
                    description: Some(kind.title_en().to_owned()),
                    layers: vec![kind],
                },
            );
        }
        (out, skipped)
    }
}

/// Simplification of a user-defined layer's tiles, in pixels of a 4096 extent
/// (half a pixel: parcels keep their shape).
pub const USER_LAYER_SIMPLIFY_PX: f64 = 0.5;
/// Clip buffer of a user-defined layer's tiles, in pixels of a 4096 extent.
pub const USER_LAYER_BUFFER_PX: u32 = 64;

fn layer_config(name: &str, raw: &RawLayer) -> Result<LayerTileConfig, ConfigError> {
    let kind = LayerKind::from_table_name(name).ok_or_else(|| ConfigError::UnknownLayer(name.to_owned()))?;
    if kind.geometry() == GeometryKind::None {
        return Err(ConfigError::LayerWithoutGeometry(name.to_owned()));
    }
    if !kind.is_public() {
        return Err(ConfigError::NotPublic(name.to_owned()));
    }
    let zoom_error = || ConfigError::ZoomRange { layer: name.to_owned(), minzoom: raw.minzoom, maxzoom: raw.maxzoom };
    if raw.minzoom > raw.maxzoom || raw.maxzoom > u32::from(MAX_ZOOM) {
        return Err(zoom_error());
    }
    let (minzoom, maxzoom) =
        (u8::try_from(raw.minzoom).map_err(|_| zoom_error())?, u8::try_from(raw.maxzoom).map_err(|_| zoom_error())?);
    if !raw.simplify_px.is_finite() || raw.simplify_px < 0.0 {
        return Err(ConfigError::Simplify { layer: name.to_owned(), value: raw.simplify_px });
    }
    if raw.buffer_px > MAX_BUFFER_PX {
        return Err(ConfigError::Buffer { layer: name.to_owned(), value: raw.buffer_px });
    }
    let mut properties: Vec<&'static FieldDef> = Vec::with_capacity(raw.properties.len());
    for property in &raw.properties {
        let field = kind
            .field(property)
            .ok_or_else(|| ConfigError::UnknownProperty { layer: name.to_owned(), property: property.clone() })?;
        if field.personal {
            return Err(ConfigError::PersonalProperty { layer: name.to_owned(), property: property.clone() });
        }
        if properties.iter().any(|f| f.name == field.name) {
            return Err(ConfigError::DuplicateProperty { layer: name.to_owned(), property: property.clone() });
        }
        properties.push(field);
    }
    Ok(LayerTileConfig { kind, minzoom, maxzoom, simplify_px: raw.simplify_px, buffer_px: raw.buffer_px, properties })
}

fn check_set_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok { Ok(()) } else { Err(ConfigError::SetName(name.to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[layers.urban_grade_zones]      # key = landtrace layer table name
minzoom = 10
maxzoom = 18
simplify_px = 1.0
buffer_px = 64
properties = ["grade", "name", "accuracy"]

[layers.county_boundaries]
minzoom = 0
maxzoom = 14
simplify_px = 2.0
properties = ["adcode", "name"]

[layers.origin_points]
minzoom = 12
maxzoom = 18
properties = ["product", "accuracy"]

[sets.all]
title = "临猗县全部公开图层"
description = "..."
layers = ["county_boundaries", "urban_grade_zones"]
"#;

    fn error_of(text: &str) -> String {
        TileSets::from_toml(text).unwrap_err().to_string()
    }

    #[test]
    fn example_parses() {
        let sets = TileSets::from_toml(EXAMPLE).unwrap();
        assert_eq!(sets.set_names(), ["all", "county_boundaries", "origin_points", "urban_grade_zones"]);
        let all = sets.set("all").unwrap();
        assert_eq!((all.name(), all.title()), ("all", Some("临猗县全部公开图层")));
        let kinds: Vec<LayerKind> = all.layers().map(|(k, _)| k).collect();
        assert_eq!(kinds, [LayerKind::CountyBoundaries, LayerKind::UrbanGradeZones]);
        assert_eq!((all.minzoom(), all.maxzoom()), (0, 18));
        let at_8: Vec<LayerKind> = all.layers_at_zoom(8).map(|(k, _)| k).collect();
        assert_eq!(at_8, [LayerKind::CountyBoundaries]);
        let urban = sets.layer(LayerKind::UrbanGradeZones).unwrap();
        assert_eq!(urban.property_names().collect::<Vec<_>>(), ["grade", "name", "accuracy"]);
        assert_eq!(urban.encode_options(), EncodeOptions { extent: 4096, buffer_px: 64, simplify_px: 1.0 });
        let points = sets.layer(LayerKind::OriginPoints).unwrap();
        assert_eq!((points.simplify_px(), points.buffer_px()), (1.0, 64));
    }

    #[test]
    fn only_configured_non_null_properties_reach_a_tile() {
        let sets = TileSets::from_toml(EXAMPLE).unwrap();
        let points = sets.layer(LayerKind::OriginPoints).unwrap();
        let feature = serde_json::json!({
            "accuracy": "illustrative", "product": "韭菜", "contact_phone": "13800000000", "alias": null
        });
        let props = points.tile_properties(feature.as_object().unwrap());
        assert_eq!(props, [("product", MvtValue::from("韭菜")), ("accuracy", MvtValue::from("illustrative"))]);
        let urban = sets.layer(LayerKind::UrbanGradeZones).unwrap();
        let feature = serde_json::json!({"grade": 2, "name": null});
        assert_eq!(urban.tile_properties(feature.as_object().unwrap()), [("grade", MvtValue::Int(2))]);
    }

    #[test]
    fn every_layer_is_a_set_of_its_own() {
        let sets = TileSets::from_toml(EXAMPLE).unwrap();
        let own = sets.set("urban_grade_zones").unwrap();
        assert_eq!(own.layers().count(), 1);
        assert_eq!((own.minzoom(), own.maxzoom()), (10, 18));
        assert_eq!(own.title(), Some("城区土地级别"));
        assert_eq!(own.description(), Some("Urban land-grade zones"));
        assert_eq!(sets.layers_of_kind(LayerKind::UrbanGradeZones), ["all", "urban_grade_zones"]);
        assert_eq!(sets.layers_of_kind(LayerKind::OriginPoints), ["origin_points"]);
        assert!(sets.layers_of_kind(LayerKind::TruckBanZone).is_empty());
        assert!(sets.set("truck_ban_zone").is_none());
    }

    #[test]
    fn an_explicit_set_overrides_the_implicit_one() {
        let text = format!(
            "{EXAMPLE}\n[sets.urban_grade_zones]\ntitle = \"Urban\"\nlayers = [\"county_boundaries\", \"urban_grade_zones\"]\n"
        );
        let sets = TileSets::from_toml(&text).unwrap();
        let set = sets.set("urban_grade_zones").unwrap();
        assert_eq!((set.title(), set.layers().count()), (Some("Urban"), 2));
    }

    fn layer(name: &str, body: &str) -> String {
        format!("[layers.{name}]\nminzoom = 10\nmaxzoom = 18\n{body}\n")
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let check = |text: &str, expected: &str| assert_eq!(error_of(text), expected, "{text}");
        check(&layer("parcels", ""), "unknown layer \"parcels\"");
        check(&layer("villages", ""), "layer villages has no geometry and cannot be in tiles");
        check(&layer("urban_grade_zones", "properties = [\"price\"]"), "urban_grade_zones has no property \"price\"");
        check(
            &layer("origin_points", "properties = [\"product\", \"contact_phone\"]"),
            "contact_phone of origin_points is personal data and may not be in tiles",
        );
        check(
            &layer("urban_grade_zones", "properties = [\"name\", \"name\"]"),
            "urban_grade_zones lists property name twice",
        );
        check(
            &layer("urban_grade_zones", "simplify_px = -1.0"),
            "urban_grade_zones: simplify_px -1 must be a finite number ≥ 0",
        );
        check(&layer("urban_grade_zones", "buffer_px = 5000"), "urban_grade_zones: buffer_px 5000 is above 4096");
        check(
            "[layers.urban_grade_zones]\nminzoom = 12\nmaxzoom = 10\n",
            "urban_grade_zones: zoom range 12..=10 is not within 0..=24 with minzoom ≤ maxzoom",
        );
        check(
            "[layers.urban_grade_zones]\nminzoom = 0\nmaxzoom = 25\n",
            "urban_grade_zones: zoom range 0..=25 is not within 0..=24 with minzoom ≤ maxzoom",
        );
        let with_set = |layers: &str| format!("{}[sets.all]\nlayers = {layers}\n", layer("urban_grade_zones", ""));
        check(
            &with_set("[\"truck_ban_zone\"]"),
            "set all uses layer \"truck_ban_zone\", which is not defined under [layers]",
        );
        check(&with_set("[\"nope\"]"), "set all uses layer \"nope\", which is not defined under [layers]");
        check(
            &with_set("[\"urban_grade_zones\", \"urban_grade_zones\"]"),
            "set all lists layer urban_grade_zones twice",
        );
        check(&with_set("[]"), "set all has no layers");
        check("[sets.\"All Layers\"]\nlayers = []\n", "set name \"All Layers\" may only hold a-z, 0-9, '_' and '-'");
    }

    #[test]
    fn typos_and_bad_toml_are_parse_errors() {
        assert!(error_of(&layer("urban_grade_zones", "simplfy_px = 1.0")).starts_with("tile-set file: "));
        assert!(error_of("[layers.urban_grade_zones\n").starts_with("tile-set file: "));
        assert!(error_of("[layers.urban_grade_zones]\nmaxzoom = 3\n").contains("minzoom"));
    }

    fn user_layer(name: &str, public: bool, tiles: Option<(u8, u8)>) -> LayerKind {
        use landtrace_domain::{FieldType, UserField, UserLayerDef, ZoomRange};
        let field = |name: &str, personal| UserField {
            name: name.into(),
            title: None,
            ty: FieldType::Text,
            required: false,
            personal,
        };
        landtrace_domain::schema::user_layers::register(&UserLayerDef {
            name: name.into(),
            title_zh: "宗地".into(),
            title_en: "Parcels".into(),
            geometry: GeometryKind::MultiPolygon,
            fields: vec![field("zddm", false), field("qlr", true), field("yt", false)],
            owner: "land".into(),
            public,
            tiles: tiles.map(|(min, max)| ZoomRange { min, max }),
            locate: true,
        })
        .unwrap()
    }

    #[test]
    fn a_public_user_layer_with_a_zoom_range_is_a_set_of_its_own_without_personal_fields() {
        let zongdi = user_layer("zongdi_tiles_a", true, Some((12, 16)));
        let private = user_layer("zongdi_tiles_private", false, Some((12, 16)));
        let untiled = user_layer("zongdi_tiles_untiled", true, None);
        let base = TileSets::from_toml(EXAMPLE).unwrap();
        let (sets, skipped) = base.with_user_layers(&[LayerKind::UrbanGradeZones, zongdi, private, untiled]);
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(
            sets.set_names(),
            ["all", "county_boundaries", "origin_points", "urban_grade_zones", "zongdi_tiles_a"]
        );
        let set = sets.set("zongdi_tiles_a").unwrap();
        assert_eq!((set.minzoom(), set.maxzoom(), set.title()), (12, 16, Some("宗地")));
        let config = sets.layer(zongdi).unwrap();
        assert_eq!(config.property_names().collect::<Vec<_>>(), ["zddm", "yt"], "never the personal qlr");
        assert_eq!(sets.layers_of_kind(zongdi), ["zongdi_tiles_a"]);
        assert!(sets.layer(private).is_none() && sets.layer(untiled).is_none());
        // The base sets are unchanged.
        assert!(base.set("zongdi_tiles_a").is_none());
    }

    #[test]
    fn a_user_layer_named_like_a_set_is_not_tiled_and_a_private_one_is_refused_in_the_file() {
        let all = user_layer("all", true, Some((10, 12)));
        let (sets, skipped) = TileSets::from_toml(EXAMPLE).unwrap().with_user_layers(&[all]);
        assert_eq!(skipped, ["user-defined layer all is not tiled: a tile set of that name exists"]);
        assert_eq!(sets.set("all").unwrap().layers().count(), 2);
        user_layer("zongdi_tiles_hidden", false, Some((12, 16)));
        assert_eq!(
            error_of(&layer("zongdi_tiles_hidden", "")),
            "layer zongdi_tiles_hidden is not public and cannot be in tiles (tiles are served to anyone)"
        );
    }

    #[test]
    fn empty_file_has_no_sets() {
        let sets = TileSets::from_toml("").unwrap();
        assert!(sets.set_names().is_empty());
        assert!(sets.set("all").is_none());
    }
}
