//! A new user-defined layer from a file (`landtrace layer create`, `landtrace
//! import --new-layer`): its schema inferred from the features read, the
//! features conformed to it, then the layer created and filled through the one
//! write path.
//!
//! What is inferred, and said in the notes:
//! - the geometry: points, polygons (stored as MultiPolygon), both (`Any`), or
//!   none; lines are refused (layers hold points and polygons);
//! - one column per source field, in the order of the source names (a feature's
//!   attributes are kept by name, not by the file's column order). A column name is the
//!   source name in ASCII lower case (`ZDDM` → `zddm`); a name that is not plain
//!   ASCII (宗地代码) becomes `field_N` with the source name kept as its title;
//! - the type: integer, real, date (`YYYY-MM-DD` throughout) or text; a field with
//!   values of several types is text, its numbers written as text;
//! - personal fields: those named like names, phones or ID numbers (权利人, 姓名,
//!   电话, 身份证, `phone`, …) and those the user names, so the bureaus' files never
//!   show an owner's name to anonymous users by default.

use landtrace_domain::input_limits::Door;
use landtrace_domain::schema::user_layers::{self, UserField, UserLayerDef, ZoomRange};
use landtrace_domain::{Date, FieldType, GeometryKind, LayerKind};
use landtrace_store::{Actor, Store};
use serde_json::{Map, Value};

use super::{ImportError, ImportedFeature, check_for_store};
use crate::write_path::WriteError;

/// Source-field names (or parts of them) that mark personal data.
const PERSONAL_HINTS: &[&str] = &[
    "权利人",
    "姓名",
    "户主",
    "联系人",
    "法人",
    "电话",
    "手机",
    "身份证",
    "证件号",
    "住址",
    "承包方",
    "name_of_owner",
    "owner",
    "phone",
    "mobile",
    "tel",
    "idcard",
    "id_card",
    "contact",
];

/// What the user says about the new layer; the rest is inferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLayerOptions {
    /// Table name, also the layer's id.
    pub name: String,
    /// Chinese title; the name when not given.
    pub title_zh: Option<String>,
    /// English title; the name when not given.
    pub title_en: Option<String>,
    /// The owning role.
    pub owner: String,
    /// Whether anyone may read it.
    pub public: bool,
    /// The zoom range of its tile set; `None`: not tiled.
    pub tiles: Option<ZoomRange>,
    /// Whether `/api/locate` answers it; `None`: yes for a polygon layer.
    pub locate: Option<bool>,
    /// Source fields to mark personal besides the ones recognised by name.
    pub personal: Vec<String>,
}

/// The zoom range a new layer is tiled at unless told otherwise: parcels and
/// plots are readable from a township's view (z12) down to a building (z18).
pub const DEFAULT_TILES: ZoomRange = ZoomRange { min: 12, max: 18 };

/// The inferred definition and what was decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    /// The definition to create.
    pub def: UserLayerDef,
    /// What was inferred, for the user.
    pub notes: Vec<String>,
}

/// Infers the definition of a new layer from `features` (as read by
/// [`super::read_file`]). Refuses lines, an empty file and names that cannot be.
pub fn infer(features: &[ImportedFeature], options: &NewLayerOptions) -> Result<Inferred, String> {
    if features.is_empty() {
        return Err("the file holds no features: there is nothing to infer a layer from".into());
    }
    let mut notes = Vec::new();
    let geometry = infer_geometry(features)?;
    let mut fields: Vec<UserField> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    for f in features {
        for key in f.properties.keys() {
            if !sources.contains(key) {
                sources.push(key.clone());
            }
        }
    }
    // In the order of the names, as documented: a property map keeps its file's
    // order since serde_json's `preserve_order` is on (the `cql2` crate turns it on).
    sources.sort_unstable();
    for source in &sources {
        let name = column_name(source, fields.len() + 1, &fields);
        let ty = infer_type(features.iter().filter_map(|f| f.properties.get(source)));
        let personal = options.personal.iter().any(|p| p == source || *p == name)
            || PERSONAL_HINTS.iter().any(|hint| source.to_lowercase().contains(hint));
        let title = (name != *source).then(|| source.clone());
        fields.push(UserField { name, title, ty, required: false, personal });
    }
    for p in &options.personal {
        if !sources.contains(p) && !fields.iter().any(|f| f.name == *p) {
            return Err(format!(
                "--personal names {p:?}, which is not a field of the file; its fields: {}",
                sources.join(", ")
            ));
        }
    }
    let locate = options.locate.unwrap_or(geometry == GeometryKind::MultiPolygon);
    let def = UserLayerDef {
        name: options.name.clone(),
        title_zh: options.title_zh.clone().unwrap_or_else(|| options.name.clone()),
        title_en: options.title_en.clone().unwrap_or_else(|| options.name.clone()),
        geometry,
        fields,
        owner: options.owner.clone(),
        public: options.public,
        tiles: options.tiles.filter(|_| geometry != GeometryKind::None),
        locate,
    };
    def.check().map_err(|e| e.to_string())?;
    notes.push(format!(
        "new layer {}: {} geometry, {} fields; owned by {}, {}, {}, {}",
        def.name,
        geometry.ogc_name().unwrap_or("no"),
        def.fields.len(),
        def.owner,
        if def.public { "public" } else { "not public (its owner and admins only)" },
        match def.tiles {
            Some(z) => format!("tiled at z{}–z{}", z.min, z.max),
            None => "not tiled".to_owned(),
        },
        if def.locate { "answered by /api/locate" } else { "not answered by /api/locate" },
    ));
    for f in &def.fields {
        let ty = match f.ty {
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Real => "real",
            FieldType::Date => "date",
        };
        let from = f.title.as_deref().map(|t| format!(" (from {t})")).unwrap_or_default();
        let personal = if f.personal { ", personal: shown to its owner and admins only" } else { "" };
        notes.push(format!("field {}{from}: {ty}{personal}", f.name));
    }
    Ok(Inferred { def, notes })
}

/// Renames each feature's properties from the source names to the columns of
/// `def` and writes each value as its column's type takes it (a number in a
/// text column as text); nulls are dropped.
pub fn conform(features: &mut [ImportedFeature], def: &UserLayerDef) {
    for f in features {
        let mut out = Map::new();
        for field in &def.fields {
            let source = field.title.as_deref().unwrap_or(&field.name);
            let Some(value) = f.properties.remove(source) else { continue };
            let value = match (field.ty, value) {
                (_, Value::Null) => continue,
                (FieldType::Text, Value::String(s)) => Value::String(s),
                (FieldType::Text, other) => Value::String(other.to_string()),
                (_, other) => other,
            };
            out.insert(field.name.clone(), value);
        }
        f.properties = out;
    }
}

/// Checks every feature against the new layer `def` and, unless `dry_run`,
/// creates the layer and stores them all. Nothing is created when a feature is
/// refused; the features are checked before the layer is created, so what can
/// still fail after is the store itself. Returns the layer and the new ids.
pub async fn create_and_import(
    store: &dyn Store,
    def: &UserLayerDef,
    features: Vec<ImportedFeature>,
    actor: &Actor,
    door: Door,
    dry_run: bool,
) -> Result<(LayerKind, Vec<i64>), ImportError> {
    if let Some(existing) = LayerKind::from_table_name(&def.name) {
        return Err(WriteError::from(landtrace_store::StoreError::Refused(format!(
            "a layer called {} exists already ({}); import into it without --new-layer, or choose another name",
            def.name,
            existing.title_zh()
        )))
        .into());
    }
    // Not listed until the store has created it.
    let provisional =
        user_layers::prepare(def).map_err(|e| WriteError::from(landtrace_store::StoreError::Refused(e.to_string())))?;
    let checked = check_for_store(None, provisional, features, actor, door)?;
    if dry_run {
        return Ok((provisional, Vec::new()));
    }
    let kind = store.create_layer(def, actor).await.map_err(WriteError::from)?;
    let ids = store.insert_valid(checked, actor).await.map_err(WriteError::from)?;
    Ok((kind, ids))
}

/// A layer to read a new layer's file with, before its schema is known (both
/// doors read through [`super::read_file`], which names a layer in its
/// messages): the new name, no fields, any geometry; never listed.
pub fn reading_layer(name: &str) -> Result<LayerKind, String> {
    let def = UserLayerDef {
        name: name.to_owned(),
        title_zh: name.to_owned(),
        title_en: name.to_owned(),
        geometry: GeometryKind::Any,
        fields: Vec::new(),
        owner: "admin".to_owned(),
        public: false,
        tiles: None,
        locate: false,
    };
    user_layers::prepare(&def).map_err(|e| e.to_string())
}

fn infer_geometry(features: &[ImportedFeature]) -> Result<GeometryKind, String> {
    use geo::Geometry as G;
    let (mut points, mut polygons) = (0usize, 0usize);
    let mut lines = Vec::new();
    for f in features {
        match &f.geometry {
            None => {}
            Some(G::Point(_)) => points += 1,
            Some(G::Polygon(_) | G::MultiPolygon(_) | G::Rect(_) | G::Triangle(_)) => polygons += 1,
            Some(_) => lines.push(f.number),
        }
    }
    if !lines.is_empty() {
        let shown: Vec<String> = lines.iter().take(10).map(usize::to_string).collect();
        return Err(format!(
            "{} features are lines or collections (features {}{}): a layer holds points or polygons; \
             convert them first (e.g. close the lines into polygons in a GIS)",
            lines.len(),
            shown.join(", "),
            if lines.len() > 10 { ", …" } else { "" }
        ));
    }
    // Features without a geometry in a layer with one are refused by the checks
    // later, each named; a file with none at all is an attribute table.
    Ok(match (points > 0, polygons > 0) {
        (false, false) => GeometryKind::None,
        (true, false) => GeometryKind::Point,
        (false, true) => GeometryKind::MultiPolygon,
        (true, true) => GeometryKind::Any,
    })
}

/// The column name of source field `source`, the `position`-th field: ASCII lower
/// case, other characters as `_`; `field_N` when nothing readable is left; a
/// suffix when the name is taken.
fn column_name(source: &str, position: usize, taken: &[UserField]) -> String {
    let mut name = String::new();
    let ascii = source.is_ascii();
    if ascii {
        for c in source.trim().chars() {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() {
                name.push(c);
            } else if !name.ends_with('_') {
                name.push('_');
            }
        }
        name = name.trim_matches('_').to_owned();
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert_str(0, "f_");
        }
        name.truncate(user_layers::MAX_NAME_BYTES - 4);
    }
    if name.is_empty() || matches!(name.as_str(), "fid" | "geom") {
        name = format!("field_{position}");
    }
    let base = name.clone();
    let mut n = 2;
    while taken.iter().any(|f| f.name == name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

fn infer_type<'a>(values: impl Iterator<Item = &'a Value>) -> FieldType {
    let (mut integers, mut reals, mut dates, mut texts, mut others) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for v in values {
        match v {
            Value::Null => {}
            Value::Number(n) if n.is_i64() || n.is_u64() && n.as_i64().is_some() => integers += 1,
            Value::Number(_) => reals += 1,
            Value::String(s) if s.len() == 10 && Date::parse(s).is_ok() => dates += 1,
            Value::String(_) => texts += 1,
            _ => others += 1,
        }
    }
    match (integers, reals, dates, texts, others) {
        (_, _, 0, 0, 0) if reals > 0 => FieldType::Real,
        (i, 0, 0, 0, 0) if i > 0 => FieldType::Integer,
        (0, 0, d, 0, 0) if d > 0 => FieldType::Date,
        _ => FieldType::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};
    use serde_json::json;

    fn feature(number: usize, geometry: Option<geo::Geometry<f64>>, props: Value) -> ImportedFeature {
        ImportedFeature { number, geometry, properties: props.as_object().unwrap().clone(), problems: Vec::new() }
    }

    fn square() -> geo::Geometry<f64> {
        polygon![(x: 110.7, y: 35.1), (x: 110.8, y: 35.1), (x: 110.8, y: 35.2), (x: 110.7, y: 35.2)].into()
    }

    fn options(name: &str) -> NewLayerOptions {
        NewLayerOptions {
            name: name.into(),
            title_zh: Some("宗地".into()),
            title_en: None,
            owner: "land".into(),
            public: true,
            tiles: Some(DEFAULT_TILES),
            locate: None,
            personal: Vec::new(),
        }
    }

    #[test]
    fn a_cadastral_file_gives_a_polygon_layer_with_typed_fields() {
        let features = vec![
            feature(
                1,
                Some(square()),
                json!({"ZDDM": "140821001001GB00001", "宗地面积": 1234.5, "权利人": "张三", "DJRQ": "2024-03-01", "ZDS": 3}),
            ),
            feature(
                2,
                Some(square()),
                json!({"ZDDM": "140821001001GB00002", "宗地面积": 88, "权利人": null, "DJRQ": "2024-03-02", "ZDS": 4}),
            ),
        ];
        let inferred = infer(&features, &options("zongdi_infer")).unwrap();
        let def = &inferred.def;
        assert_eq!(def.geometry, GeometryKind::MultiPolygon);
        assert!(def.locate, "a polygon layer is answered by locate unless told otherwise");
        let summary: Vec<(&str, Option<&str>, FieldType, bool)> =
            def.fields.iter().map(|f| (f.name.as_str(), f.title.as_deref(), f.ty, f.personal)).collect();
        assert_eq!(
            summary,
            [
                ("djrq", Some("DJRQ"), FieldType::Date, false),
                ("zddm", Some("ZDDM"), FieldType::Text, false),
                ("zds", Some("ZDS"), FieldType::Integer, false),
                ("field_4", Some("宗地面积"), FieldType::Real, false),
                ("field_5", Some("权利人"), FieldType::Text, true),
            ]
        );
        let mut conformed = features.clone();
        conform(&mut conformed, def);
        assert_eq!(
            Value::Object(conformed[1].properties.clone()),
            json!({"zddm": "140821001001GB00002", "field_4": 88, "djrq": "2024-03-02", "zds": 4})
        );
    }

    #[test]
    fn mixed_values_are_text_and_numbers_are_written_as_text() {
        let features = vec![
            feature(1, Some(point!(x: 110.7, y: 35.1).into()), json!({"code": 12})),
            feature(2, Some(point!(x: 110.7, y: 35.1).into()), json!({"code": "A-3"})),
        ];
        let inferred = infer(&features, &options("mixed_infer")).unwrap();
        assert_eq!(inferred.def.geometry, GeometryKind::Point);
        assert!(!inferred.def.locate);
        assert_eq!(inferred.def.fields[0].ty, FieldType::Text);
        let mut conformed = features;
        conform(&mut conformed, &inferred.def);
        assert_eq!(conformed[0].properties["code"], "12");
    }

    #[test]
    fn lines_an_empty_file_and_unknown_personal_fields_are_refused() {
        let line = geo::Geometry::LineString(line_string![(x: 110.7, y: 35.1), (x: 110.8, y: 35.2)]);
        let err = infer(&[feature(1, Some(line), json!({}))], &options("lines_infer")).unwrap_err();
        assert!(err.contains("lines") && err.contains("features 1"), "{err}");
        assert!(infer(&[], &options("empty_infer")).unwrap_err().contains("no features"));
        let mut o = options("personal_infer");
        o.personal = vec!["手机号".into()];
        let err = infer(&[feature(1, Some(square()), json!({"名称": "x"}))], &o).unwrap_err();
        assert!(err.contains("手机号"), "{err}");
        let mut o = options("origin_points");
        o.personal.clear();
        let err = infer(&[feature(1, Some(square()), json!({"名称": "x"}))], &o).unwrap_err();
        assert!(err.contains("built-in"), "{err}");
    }

    #[test]
    fn column_names_are_plain_and_unique() {
        let taken =
            vec![UserField { name: "name".into(), title: None, ty: FieldType::Text, required: false, personal: false }];
        assert_eq!(column_name("Shape_Area", 1, &[]), "shape_area");
        assert_eq!(column_name("2020 Area (m2)", 1, &[]), "f_2020_area_m2");
        assert_eq!(column_name("NAME", 2, &taken), "name_2");
        assert_eq!(column_name("名称", 7, &[]), "field_7");
        assert_eq!(column_name("FID", 3, &[]), "field_3");
    }
}
