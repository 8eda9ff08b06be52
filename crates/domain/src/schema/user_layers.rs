//! Layers the users define (宗地, 永久基本农田, 国土空间规划分区, …): their
//! definitions and the process-wide registry that turns one into a
//! [`LayerKind::User`].
//!
//! A definition lives in the store (table `landtrace_layers`, both backends), not in
//! code. The store reads its definitions when it opens and [`register`]s each one
//! here; from then on the layer is a [`LayerKind`] like the built-in ones: its table
//! name, titles, geometry and fields answer through the same methods, so validation,
//! privacy, export, locate and tiles need no second path.
//!
//! The registry is process-wide because [`LayerKind`] is `Copy` and hands out
//! `&'static` names and fields. A registered definition is therefore kept for the
//! life of the process (it is leaked once, when first registered); definitions are
//! few (one per layer the bureaus create) and registering the same definition again
//! returns the same handle, so this is bounded.
//!
//! A definition cannot change the rules of a built-in layer: its name may not be a
//! built-in table, and its fields carry only types, `required` and `personal`
//! (numbers get the sanity bound [`USER_NUMBER`]).

use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::input_limits::{MAX_ECHOED_CHARS, NumberRange};
use crate::schema::layers::{FieldDef, FieldType, GeometryKind, LayerKind};

/// The values a number of a user-defined field may take: any finite number a
/// survey or register writes (areas in m², codes, counts, prices), refusing only
/// the absurd ones that come from broken files.
pub const USER_NUMBER: NumberRange =
    NumberRange::limit(-1.0e15, 1.0e15, "", "no quantity a county register records is beyond ±10¹⁵");
/// [`USER_NUMBER`] for integer fields.
pub const USER_INTEGER: NumberRange = USER_NUMBER.whole();

/// Most fields a user-defined layer may have.
pub const MAX_USER_FIELDS: usize = 200;
/// Longest layer or field name, in bytes (PostgreSQL's identifier limit is 63).
pub const MAX_NAME_BYTES: usize = 63;
/// Longest title of a layer or a field, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most user-defined layers one process lists (a guard against a runaway script,
/// far beyond what a county defines).
pub const MAX_USER_LAYERS: usize = 4_096;
/// Most bytes of definitions one process keeps, listed or not. A definition
/// [`prepare`]d for a preview (a dry run of an import into a new layer) is kept
/// too: [`LayerKind`] hands out `&'static` names, so nothing registered is freed.
/// Registering the same definition again costs nothing; distinct previews add up
/// to this bound, then are refused until the process restarts.
pub const MAX_REGISTRY_BYTES: usize = 64 * 1024 * 1024;

/// One field of a user-defined layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserField {
    /// Column name: ASCII lower-case letters, digits and `_`, starting with a letter.
    pub name: String,
    /// The field's name as the bureau wrote it (宗地代码, 权利人), when the column
    /// name had to differ; shown beside the column name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Value type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// A feature without a value for it is refused.
    #[serde(default)]
    pub required: bool,
    /// Personal data (names, phones, ID numbers): shown only to the owning role and
    /// admins, never in tiles or logs.
    #[serde(default)]
    pub personal: bool,
}

/// The zoom range a user-defined layer is drawn at in its tile set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomRange {
    /// Lowest zoom drawn.
    pub min: u8,
    /// Highest zoom drawn (tiles over-zoom beyond it).
    pub max: u8,
}

/// The definition of a user-defined layer, as kept in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLayerDef {
    /// Table name in the store, also the layer's public id.
    pub name: String,
    /// Title in Simplified Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// Geometry of the features: `Point`, `MultiPolygon`, `Any` or `None`.
    pub geometry: GeometryKind,
    /// Attribute fields, in column order.
    pub fields: Vec<UserField>,
    /// The role that writes the layer and sees its personal fields (admins always
    /// do): `admin`, `agriculture`, `housing`, `land` or `traffic`.
    pub owner: String,
    /// Whether anyone may read it (tiles, locate, export of its non-personal
    /// fields). A layer that is not public is read by its owner and admins only.
    pub public: bool,
    /// The zoom range of its own tile set, if it is drawn in tiles.
    #[serde(default)]
    pub tiles: Option<ZoomRange>,
    /// Whether `/api/locate` answers which of its polygons contain a point.
    #[serde(default)]
    pub locate: bool,
}

/// Why a definition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// A name that cannot be a table or column name.
    #[error(
        "{what} name {name:?} is not allowed: use 1-{MAX_NAME_BYTES} ASCII lower-case letters, digits and _, starting with a letter"
    )]
    BadName {
        /// `layer` or `field`.
        what: &'static str,
        /// The name (shortened).
        name: String,
    },
    /// A name the platform keeps for itself.
    #[error("layer name {0:?} is taken by a built-in layer or kept for the platform's own tables")]
    Reserved(String),
    /// The same field twice.
    #[error("field {0:?} is defined twice")]
    DuplicateField(String),
    /// A field name the store uses for its own columns.
    #[error("field name {0:?} is kept for the store's own columns (fid, geom)")]
    ReservedField(String),
    /// Too many fields.
    #[error("{0} fields; a layer has at most {MAX_USER_FIELDS}")]
    TooManyFields(usize),
    /// An empty title.
    #[error("the layer needs a Chinese title (title_zh)")]
    NoTitle,
    /// A title longer than [`MAX_TITLE_CHARS`].
    #[error("title {0:?} is longer than {MAX_TITLE_CHARS} characters")]
    TitleTooLong(String),
    /// A zoom range that is not one.
    #[error("tile zoom range {min}-{max} is not within 0-22 with min ≤ max")]
    BadZoom {
        /// Lowest zoom.
        min: u8,
        /// Highest zoom.
        max: u8,
    },
    /// Locate asked of a layer without polygons.
    #[error("only a polygon layer (MultiPolygon) can be answered by /api/locate")]
    LocateNeedsPolygons,
    /// Tiles asked of a layer without geometry.
    #[error("a layer without geometry cannot be drawn in tiles")]
    TilesNeedGeometry,
    /// An unknown owner role.
    #[error("owner {0:?} is not a role; roles: admin, agriculture, housing, land, traffic")]
    UnknownOwner(String),
    /// The registry is full.
    #[error(
        "this process keeps at most {MAX_USER_LAYERS} user-defined layers and {MAX_REGISTRY_BYTES} bytes of layer \
         definitions, previews included, and is full: restart it to let go of the previews"
    )]
    RegistryFull,
}

/// The roles that may own a layer (the names of `app::users::Role`).
pub const OWNER_ROLES: &[&str] = &["admin", "agriculture", "housing", "land", "traffic"];

fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn shortened(name: &str) -> String {
    name.chars().take(MAX_ECHOED_CHARS).collect()
}

/// Whether `name` is kept from user-defined layers: a built-in layer's table, or a
/// prefix of the platform's, GeoPackage's, PostGIS's or SQLite's own tables.
pub fn is_reserved_layer_name(name: &str) -> bool {
    LayerKind::ALL.iter().any(|k| k.table_name() == name)
        || ["landtrace", "gpkg", "rtree", "sqlite", "spatial_ref_sys", "pg_", "geometry_columns", "geography_columns"]
            .iter()
            .any(|p| name.starts_with(p))
}

impl UserLayerDef {
    /// Checks the definition: names, titles, the owner, the zoom range and that
    /// locate and tiles fit the geometry.
    pub fn check(&self) -> Result<(), DefinitionError> {
        if !is_identifier(&self.name) {
            return Err(DefinitionError::BadName { what: "layer", name: shortened(&self.name) });
        }
        if is_reserved_layer_name(&self.name) {
            return Err(DefinitionError::Reserved(self.name.clone()));
        }
        if self.title_zh.trim().is_empty() {
            return Err(DefinitionError::NoTitle);
        }
        let titles = [Some(&self.title_zh), Some(&self.title_en)]
            .into_iter()
            .chain(self.fields.iter().map(|f| f.title.as_ref()));
        if let Some(long) = titles.flatten().find(|t| t.chars().count() > MAX_TITLE_CHARS) {
            return Err(DefinitionError::TitleTooLong(shortened(long)));
        }
        if self.fields.len() > MAX_USER_FIELDS {
            return Err(DefinitionError::TooManyFields(self.fields.len()));
        }
        for (i, f) in self.fields.iter().enumerate() {
            if !is_identifier(&f.name) {
                return Err(DefinitionError::BadName { what: "field", name: shortened(&f.name) });
            }
            if matches!(f.name.as_str(), "fid" | "geom") {
                return Err(DefinitionError::ReservedField(f.name.clone()));
            }
            if self.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(DefinitionError::DuplicateField(f.name.clone()));
            }
        }
        if !OWNER_ROLES.contains(&self.owner.as_str()) {
            return Err(DefinitionError::UnknownOwner(shortened(&self.owner)));
        }
        if let Some(z) = self.tiles {
            if z.min > z.max || z.max > 22 {
                return Err(DefinitionError::BadZoom { min: z.min, max: z.max });
            }
            if self.geometry == GeometryKind::None {
                return Err(DefinitionError::TilesNeedGeometry);
            }
        }
        if self.locate && self.geometry != GeometryKind::MultiPolygon {
            return Err(DefinitionError::LocateNeedsPolygons);
        }
        Ok(())
    }
}

/// A registered definition with the `&'static` views [`LayerKind`] hands out.
#[derive(Debug)]
pub struct Registered {
    /// The definition as stored.
    pub def: UserLayerDef,
    /// The fields as the schema checks see them.
    pub fields: &'static [FieldDef],
    /// Whether [`lookup`] and [`registered_layers`] find it: set by [`publish`]
    /// once the store has committed the layer.
    listed: AtomicBool,
}

/// A user-defined layer: a `Copy` handle on a registered definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserLayer(u32);

static REGISTRY: RwLock<Vec<&'static Registered>> = RwLock::new(Vec::new());
/// Bytes of the definitions in [`REGISTRY`], as [`footprint`] counts them.
static REGISTRY_BYTES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The memory a registered definition keeps, roughly: its strings and its fields.
fn footprint(def: &UserLayerDef) -> usize {
    let strings = def.name.len() + def.title_zh.len() + def.title_en.len() + def.owner.len();
    let fields: usize = def.fields.iter().map(|f| 2 * f.name.len() + f.title.as_ref().map_or(0, String::len)).sum();
    std::mem::size_of::<Registered>()
        + strings
        + fields
        + def.fields.len() * (std::mem::size_of::<UserField>() + std::mem::size_of::<FieldDef>())
}

fn registry() -> std::sync::RwLockReadGuard<'static, Vec<&'static Registered>> {
    REGISTRY.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl UserLayer {
    /// The registered definition.
    pub fn registered(self) -> &'static Registered {
        registry()[self.0 as usize]
    }

    /// The definition as stored.
    pub fn def(self) -> &'static UserLayerDef {
        &self.registered().def
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// Registers a checked definition and returns its layer, listed (found by
/// [`lookup`] and [`LayerKind::all`]): for definitions read from the store.
pub fn register(def: &UserLayerDef) -> Result<LayerKind, DefinitionError> {
    let kind = prepare(def)?;
    publish(kind);
    Ok(kind)
}

/// Registers a checked definition without listing it: the store creates the
/// layer's table with the returned layer and [`publish`]es it after committing,
/// so a failed creation leaves nothing listed. The same definition registered
/// again returns the same layer.
pub fn prepare(def: &UserLayerDef) -> Result<LayerKind, DefinitionError> {
    def.check()?;
    let mut all = REGISTRY.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(i) = all.iter().position(|r| r.def == *def) {
        return Ok(LayerKind::User(UserLayer(i as u32)));
    }
    let listed = all.iter().filter(|r| r.listed.load(Ordering::Acquire)).count();
    let bytes = footprint(def);
    if listed >= MAX_USER_LAYERS || REGISTRY_BYTES.load(Ordering::Acquire) + bytes > MAX_REGISTRY_BYTES {
        return Err(DefinitionError::RegistryFull);
    }
    REGISTRY_BYTES.fetch_add(bytes, Ordering::AcqRel);
    let fields: Vec<FieldDef> = def
        .fields
        .iter()
        .map(|f| FieldDef {
            name: leak(&f.name),
            ty: f.ty,
            required: f.required,
            personal: f.personal,
            allowed: &[],
            range: match f.ty {
                FieldType::Integer => Some(USER_INTEGER),
                FieldType::Real => Some(USER_NUMBER),
                FieldType::Text | FieldType::Date => None,
            },
        })
        .collect();
    let registered: &'static Registered = Box::leak(Box::new(Registered {
        def: def.clone(),
        fields: Box::leak(fields.into_boxed_slice()),
        listed: AtomicBool::new(false),
    }));
    all.push(registered);
    Ok(LayerKind::User(UserLayer((all.len() - 1) as u32)))
}

/// Lists a layer [`prepare`]d before; the latest listed definition of a name is
/// the one [`lookup`] finds. A built-in layer is always listed.
pub fn publish(kind: LayerKind) {
    if let LayerKind::User(u) = kind {
        u.registered().listed.store(true, Ordering::Release);
    }
}

/// The registered layer called `name` (the latest definition under that name).
pub fn lookup(name: &str) -> Option<LayerKind> {
    registry()
        .iter()
        .rposition(|r| r.def.name == name && r.listed.load(Ordering::Acquire))
        .map(|i| LayerKind::User(UserLayer(i as u32)))
}

/// Every registered user-defined layer (the latest definition per name), in the
/// order they were first registered.
pub fn registered_layers() -> Vec<LayerKind> {
    let all = registry();
    let mut out: Vec<usize> = Vec::new();
    for (i, r) in all.iter().enumerate().filter(|(_, r)| r.listed.load(Ordering::Acquire)) {
        match out.iter().position(|&j| all[j].def.name == r.def.name) {
            // A later definition of the same name replaces the earlier in place.
            Some(p) => out[p] = i,
            None => out.push(i),
        }
    }
    out.into_iter().map(|i| LayerKind::User(UserLayer(i as u32))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parcels(name: &str) -> UserLayerDef {
        UserLayerDef {
            name: name.to_owned(),
            title_zh: "宗地".to_owned(),
            title_en: "Cadastral parcels".to_owned(),
            geometry: GeometryKind::MultiPolygon,
            fields: vec![
                UserField { name: "zddm".into(), title: None, ty: FieldType::Text, required: true, personal: false },
                UserField {
                    name: "qlr".into(),
                    title: Some("权利人".into()),
                    ty: FieldType::Text,
                    required: false,
                    personal: true,
                },
                UserField {
                    name: "area_m2".into(),
                    title: None,
                    ty: FieldType::Real,
                    required: false,
                    personal: false,
                },
            ],
            owner: "land".into(),
            public: true,
            tiles: Some(ZoomRange { min: 10, max: 16 }),
            locate: true,
        }
    }

    #[test]
    fn a_registered_layer_answers_like_a_built_in_one() {
        let kind = register(&parcels("zongdi_test_a")).unwrap();
        assert_eq!(kind.table_name(), "zongdi_test_a");
        assert_eq!(kind.title_zh(), "宗地");
        assert_eq!(kind.geometry(), GeometryKind::MultiPolygon);
        assert!(kind.is_zone());
        assert!(kind.has_personal_fields());
        assert_eq!(kind.field_names(), ["zddm", "qlr", "area_m2"]);
        assert_eq!(kind.field("area_m2").and_then(|f| f.range), Some(USER_NUMBER));
        assert_eq!(LayerKind::from_table_name("zongdi_test_a"), Some(kind));
        assert!(LayerKind::all().contains(&kind));
        // The same definition again is the same layer.
        assert_eq!(register(&parcels("zongdi_test_a")).unwrap(), kind);
    }

    #[test]
    fn a_prepared_layer_is_listed_only_once_published() {
        let kind = prepare(&parcels("zongdi_test_prepared")).unwrap();
        assert_eq!(kind.table_name(), "zongdi_test_prepared");
        assert_eq!(LayerKind::from_table_name("zongdi_test_prepared"), None);
        assert!(!LayerKind::all().contains(&kind));
        publish(kind);
        assert_eq!(LayerKind::from_table_name("zongdi_test_prepared"), Some(kind));
        assert!(LayerKind::all().contains(&kind));
    }

    #[test]
    fn previews_of_the_same_definition_cost_nothing_more() {
        let before = REGISTRY_BYTES.load(Ordering::Acquire);
        let first = prepare(&parcels("zongdi_preview")).unwrap();
        let after_one = REGISTRY_BYTES.load(Ordering::Acquire);
        assert!(after_one > before);
        for _ in 0..100 {
            assert_eq!(prepare(&parcels("zongdi_preview")).unwrap(), first);
        }
        assert_eq!(REGISTRY_BYTES.load(Ordering::Acquire), after_one);
        assert!(footprint(&parcels("x")) < 4_096, "a small definition keeps a small footprint");
    }

    #[test]
    fn bad_definitions_are_refused_with_the_reason() {
        let mut d = parcels("origin_points");
        assert_eq!(d.check(), Err(DefinitionError::Reserved("origin_points".into())));
        d.name = "Zongdi".into();
        assert!(matches!(d.check(), Err(DefinitionError::BadName { what: "layer", .. })));
        d.name = "landtrace_layers".into();
        assert!(matches!(d.check(), Err(DefinitionError::Reserved(_))));
        d.name = "ok_name".into();
        d.fields.push(d.fields[0].clone());
        assert_eq!(d.check(), Err(DefinitionError::DuplicateField("zddm".into())));
        d.fields.pop();
        d.fields[0].name = "geom".into();
        assert_eq!(d.check(), Err(DefinitionError::ReservedField("geom".into())));
        d.fields[0].name = "zddm".into();
        d.owner = "mayor".into();
        assert!(matches!(d.check(), Err(DefinitionError::UnknownOwner(_))));
        d.owner = "land".into();
        d.geometry = GeometryKind::Point;
        assert_eq!(d.check(), Err(DefinitionError::LocateNeedsPolygons));
        d.locate = false;
        d.tiles = Some(ZoomRange { min: 12, max: 8 });
        assert_eq!(d.check(), Err(DefinitionError::BadZoom { min: 12, max: 8 }));
        d.tiles = None;
        assert_eq!(d.check(), Ok(()));
    }

    #[test]
    fn a_definition_round_trips_through_json() {
        let d = parcels("zongdi_json");
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<UserLayerDef>(&text).unwrap(), d);
    }
}
