//! Importing a file's features into a layer (`landtrace import`): what happens
//! between the reader (GeoJSON, or GDAL's formats in `landtrace-gis`) and the one
//! write path, whatever the format:
//!
//! - attributes renamed by a field mapping ([`FieldMapping`], a TOML table
//!   `target_field = "source field"`);
//! - invalid polygons made valid on request ([`repair_polygons`], geo's `MakeValid`),
//!   each change listed; without it they are refused by the store's validity check;
//! - every problem of every feature reported at once ([`ImportRefused`]): those
//!   found while reading (a geometry that cannot be read or converted, a missing
//!   source field) together with those of the layer's rules and schema;
//! - all or nothing, or nothing at all in a dry run ([`import`]); or the checks
//!   alone, returning the features as they would be stored ([`check_with`]), for a
//!   door that writes them itself (the server, which refreshes its catalogue).
//!
//! The file itself is read by [`read_file()`] (GeoJSON always, GDAL's formats with
//! the `gdal` feature): one reading path for the command line and HTTP.

use std::collections::BTreeMap;
use std::fmt;

use geo::{Area, Geometry, MakeValid, MultiPolygon};
use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::Door;
use landtrace_store::{Actor, Checked, NewFeature, Store, StoreError};
use serde_json::{Map, Value};

use crate::write_path::{Rulebooks, WriteError};

mod field_match;
pub mod new_layer;
mod read_file;

pub use read_file::{ReadFile, ReadFileError, ReadOptions, is_geojson, read_file};

/// A feature on its way into a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFeature {
    /// Its position in the file, from 1.
    pub number: usize,
    /// Its geometry in EPSG:4326.
    pub geometry: Option<Geometry<f64>>,
    /// Its attributes.
    pub properties: Map<String, Value>,
    /// What was wrong while reading or converting it (the feature is refused).
    pub problems: Vec<String>,
}

/// Which target field takes which source field: a TOML table of
/// `target_field = "source field"`, or `target_field = { value = … }` for a value
/// every feature gets (files without attributes: DXF, GPX). With a mapping, a
/// feature's attributes are exactly the mapped ones (source fields not named are
/// left behind).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldMapping {
    targets: BTreeMap<String, MappedFrom>,
}

/// Where a mapped field's value comes from.
#[derive(Debug, Clone, PartialEq)]
enum MappedFrom {
    Field(String),
    Value(Value),
}

impl FieldMapping {
    /// Reads the mapping file's text; the targets must be fields of `kind`.
    pub fn parse(text: &str, kind: LayerKind) -> Result<FieldMapping, String> {
        let table: toml::Table = text.parse().map_err(|e| format!("not a TOML table: {e}"))?;
        let mut targets = BTreeMap::new();
        let mut problems = Vec::new();
        for (target, source) in table {
            if kind.field(&target).is_none() {
                problems.push(format!(
                    "`{target}` is not a field of layer {}; its fields: {}",
                    kind.table_name(),
                    kind.field_names().join(", ")
                ));
                continue;
            }
            let constant = match &source {
                toml::Value::Table(t) if t.len() == 1 => t.get("value").and_then(constant_of),
                _ => None,
            };
            match (source, constant) {
                (toml::Value::String(source), _) => {
                    targets.insert(target, MappedFrom::Field(source));
                }
                (_, Some(value)) => {
                    targets.insert(target, MappedFrom::Value(value));
                }
                (other, None) => problems.push(format!(
                    "`{target}` must name a source field in quotes or be {{ value = … }} (text or number), not a {}",
                    other.type_str()
                )),
            }
        }
        if problems.is_empty() { Ok(FieldMapping { targets }) } else { Err(problems.join("; ")) }
    }

    /// Reads a mapping given as a JSON object (the HTTP door): `{"target": "source
    /// field"}` or `{"target": {"value": …}}`, with the same rules as [`FieldMapping::parse`].
    pub fn from_json(object: &Map<String, Value>, kind: LayerKind) -> Result<FieldMapping, String> {
        let mut targets = BTreeMap::new();
        let mut problems = Vec::new();
        for (target, source) in object {
            if kind.field(target).is_none() {
                problems.push(format!(
                    "`{target}` is not a field of layer {}; its fields: {}",
                    kind.table_name(),
                    kind.field_names().join(", ")
                ));
                continue;
            }
            let constant = match source {
                Value::Object(o) if o.len() == 1 => o.get("value").filter(|v| v.is_string() || v.is_number()).cloned(),
                _ => None,
            };
            match (source, constant) {
                (Value::String(source), _) => {
                    targets.insert(target.clone(), MappedFrom::Field(source.clone()));
                }
                (_, Some(value)) => {
                    targets.insert(target.clone(), MappedFrom::Value(value));
                }
                (_, None) => problems.push(format!(
                    "`{target}` must name a source field (a string) or be {{\"value\": …}} (text or number)"
                )),
            }
        }
        if problems.is_empty() { Ok(FieldMapping { targets }) } else { Err(problems.join("; ")) }
    }

    /// The mapped attributes of `properties`; a named source field the feature lacks
    /// is left out (the schema says whether the target is required). A source field
    /// named in another ASCII case than the file's is found when no field of the
    /// file has the exact name (the reader may have renamed `Name` to the layer's
    /// `name`: see `field_match`).
    pub fn apply(&self, properties: &Map<String, Value>) -> Map<String, Value> {
        let find = |source: &str| {
            properties.get(source).or_else(|| {
                let mut same_but_case = properties.iter().filter(|(k, _)| k.eq_ignore_ascii_case(source));
                match (same_but_case.next(), same_but_case.next()) {
                    (Some((_, v)), None) => Some(v),
                    _ => None,
                }
            })
        };
        self.targets
            .iter()
            .filter_map(|(target, from)| match from {
                MappedFrom::Field(source) => find(source).map(|v| (target.clone(), v.clone())),
                MappedFrom::Value(v) => Some((target.clone(), v.clone())),
            })
            .collect()
    }
}

/// A TOML constant as a JSON value (text, whole or decimal number).
fn constant_of(value: &toml::Value) -> Option<Value> {
    match value {
        toml::Value::String(s) => Some(Value::String(s.clone())),
        toml::Value::Integer(i) => Some(Value::from(*i)),
        toml::Value::Float(x) => serde_json::Number::from_f64(*x).map(Value::Number),
        _ => None,
    }
}

/// Makes an invalid polygon or multipolygon valid (geo's `MakeValid`, the
/// triangulation-based repair of Ledoux et al.); returns what changed, None when the
/// geometry was valid (or is not a polygon).
pub fn repair_polygons(geometry: &mut Geometry<f64>) -> Option<String> {
    let multi = match geometry {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(mp) => mp.clone(),
        _ => return None,
    };
    let problem = landtrace_spatial::validate_multipolygon(&multi).err()?;
    match multi.make_valid() {
        Ok(valid) if !valid.0.is_empty() => {
            let change = format!(
                "was invalid ({problem}); made valid: {} part(s) became {}, area {:.3e} → {:.3e} square degrees",
                multi.0.len(),
                valid.0.len(),
                multi.unsigned_area(),
                valid.unsigned_area()
            );
            *geometry = Geometry::MultiPolygon(valid);
            Some(change)
        }
        Ok(_) => Some(format!("was invalid ({problem}) and has no area left to keep; refused")),
        Err(e) => Some(format!("was invalid ({problem}) and could not be repaired: {e}")),
    }
}

/// Applies `mapping` to every feature's attributes and, when `repair` is set, makes
/// invalid polygons valid ([`repair_polygons`]). Returns what was repaired, one note
/// per feature, for the user.
pub fn map_and_repair(features: &mut [ImportedFeature], mapping: Option<&FieldMapping>, repair: bool) -> Vec<String> {
    let mut notes = Vec::new();
    for f in features {
        if let Some(m) = mapping {
            f.properties = m.apply(&f.properties);
        }
        if repair
            && let Some(g) = f.geometry.as_mut()
            && let Some(change) = repair_polygons(g)
        {
            notes.push(format!("feature #{}: polygon {change}", f.number));
        }
    }
    notes
}

/// One problem of one feature (None: of the whole file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportProblem {
    /// The feature's number in the file, from 1.
    pub feature: Option<usize>,
    /// What is wrong, naming the field.
    pub message: String,
    /// The field the problem is about, when one is (`geometry` for the geometry).
    pub field: Option<String>,
}

impl ImportProblem {
    fn new(feature: Option<usize>, message: String, field: Option<String>) -> ImportProblem {
        ImportProblem { feature, message, field }
    }
}

/// The field a store's validation message is about: `field "name": …` names it,
/// a geometry's problems are the geometry's.
fn field_of_message(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("field \"") {
        return rest.split('"').next().map(str::to_owned);
    }
    let geometry = ["geometry", "coordinate", "polygon", "invalid polygon", "layer "];
    geometry.iter().any(|p| message.starts_with(p)).then(|| "geometry".to_owned())
}

/// An import refused: every problem found, nothing stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRefused {
    /// The layer.
    pub layer: LayerKind,
    /// How many features the file held.
    pub total: usize,
    /// Every problem, by feature.
    pub problems: Vec<ImportProblem>,
}

impl fmt::Display for ImportRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bad: std::collections::BTreeSet<_> = self.problems.iter().filter_map(|p| p.feature).collect();
        write!(
            f,
            "{} of {} features for layer {} have problems; nothing was stored",
            bad.len(),
            self.total,
            self.layer.table_name()
        )?;
        for p in &self.problems {
            match p.feature {
                Some(n) => write!(f, "\n  feature #{n}: {}", p.message)?,
                None => write!(f, "\n  {}", p.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ImportRefused {}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Problems of the features (every one listed).
    #[error(transparent)]
    Refused(#[from] ImportRefused),
    /// The write failed for another reason (the store, the rules' data, a limit).
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Checks every feature through the one write path and, unless `dry_run`, stores
/// them all in one transaction. Returns the new ids (none in a dry run). `door`
/// sets the limits (a file imported on the machine takes more features than a
/// request).
///
/// The features stored are the ones the checks returned (the layer's rules ran
/// once, and the store's schema checks are not run a second time: see
/// [`Store::insert_valid`]), as the server's import stores them.
pub async fn import(
    store: &dyn Store,
    kind: LayerKind,
    features: Vec<ImportedFeature>,
    actor: &Actor,
    door: Door,
    dry_run: bool,
) -> Result<Vec<i64>, ImportError> {
    let rules =
        if Rulebooks::has_rules(kind) { Some(Rulebooks::load(store).await.map_err(WriteError::from)?) } else { None };
    let checked = check_for_store(rules.as_ref(), kind, features, actor, door)?;
    if dry_run {
        return Ok(Vec::new());
    }
    Ok(store.insert_valid(checked, actor).await.map_err(WriteError::from)?)
}

/// Everything an import checks, writing nothing: the problems found while reading,
/// the layer's rules (`rules`: the loaded rulebooks, needed when
/// [`Rulebooks::has_rules`] says so), then the store's limits and schema checks.
/// Returns the features as they would be stored (normalised and stamped), or every
/// problem. Pure CPU work: the server runs it in its CPU pool.
pub fn check_with(
    rules: Option<&Rulebooks>,
    kind: LayerKind,
    features: Vec<ImportedFeature>,
    actor: &Actor,
) -> Result<Vec<NewFeature>, ImportError> {
    check_for_store(rules, kind, features, actor, Door::Request).map(Checked::into_features)
}

/// [`check_with`], the features returned marked as checked by the store, for
/// [`Store::insert_valid`].
fn check_for_store(
    rules: Option<&Rulebooks>,
    kind: LayerKind,
    features: Vec<ImportedFeature>,
    actor: &Actor,
    door: Door,
) -> Result<Checked, ImportError> {
    let total = features.len();
    let mut problems: Vec<ImportProblem> = Vec::new();
    let mut unreadable = std::collections::BTreeSet::new();
    let mut new = Vec::with_capacity(total);
    for f in features {
        if !f.problems.is_empty() && f.geometry.is_none() {
            unreadable.insert(f.number);
        }
        problems.extend(
            f.problems.into_iter().map(|message| ImportProblem::new(Some(f.number), message, Some("geometry".into()))),
        );
        new.push(NewFeature { geometry: f.geometry, properties: f.properties });
    }
    // The write path numbers features by position; the file's numbers are the same
    // (1..=total, in order).
    let ruled = match (Rulebooks::has_rules(kind), rules) {
        (false, _) => Ok(new),
        (true, Some(rules)) => rules.check_new(kind, new, actor),
        (true, None) => {
            return Err(WriteError::Store(StoreError::Refused(format!(
                "the rules of layer {} were not loaded",
                kind.table_name()
            )))
            .into());
        }
    };
    let checked = match ruled {
        Ok(features) => match landtrace_store::check_insert_through(kind, features, door) {
            Ok(checked) => Some(checked),
            Err(StoreError::Invalid(errors)) if !errors.is_empty_input() => {
                for e in errors.errors {
                    // A geometry that could not be read is reported once, as read.
                    if e.feature.is_some_and(|n| unreadable.contains(&n))
                        && e.message.starts_with("geometry is missing")
                    {
                        continue;
                    }
                    let field = field_of_message(&e.message);
                    problems.push(ImportProblem::new(e.feature, e.message, field));
                }
                None
            }
            Err(other) => return Err(WriteError::Store(other).into()),
        },
        Err(refused) => {
            for f in refused.features {
                for p in f.problems {
                    problems.push(ImportProblem::new(
                        Some(f.feature),
                        format!("{}: {}", p.field, p.message),
                        Some(p.field.to_string()),
                    ));
                }
            }
            None
        }
    };
    match checked {
        Some(checked) if problems.is_empty() => Ok(checked),
        _ => {
            problems.sort();
            problems.dedup();
            Err(ImportRefused { layer: kind, total, problems }.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use geo::polygon;
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn a_mapping_renames_and_keeps_only_mapped_fields() {
        let text = "name = \"企业名称\"\ncategory = \"类别\"\naccuracy = { value = \"surveyed\" }";
        let m = FieldMapping::parse(text, LayerKind::FreightSources).unwrap();
        let props = json!({"企业名称": "临猗果业", "类别": "果品", "备注": "x"});
        assert_eq!(
            m.apply(props.as_object().unwrap()),
            *json!({"name": "临猗果业", "category": "果品", "accuracy": "surveyed"}).as_object().unwrap()
        );
        let e = FieldMapping::parse("colour = \"颜色\"", LayerKind::FreightSources).unwrap_err();
        assert!(e.starts_with("`colour` is not a field of layer freight_sources; its fields: name, category"), "{e}");
        assert!(FieldMapping::parse("name = 3", LayerKind::FreightSources).unwrap_err().contains("in quotes"));
        assert!(FieldMapping::parse("name = ", LayerKind::FreightSources).unwrap_err().starts_with("not a TOML table"));
    }

    #[test]
    fn a_json_mapping_takes_the_same_rules_and_problems_name_their_field() {
        let object = json!({"name": "企业名称", "accuracy": {"value": "surveyed"}});
        let m = FieldMapping::from_json(object.as_object().unwrap(), LayerKind::FreightSources).unwrap();
        let props = json!({"企业名称": "临猗果业", "类别": "果品"});
        assert_eq!(
            m.apply(props.as_object().unwrap()),
            *json!({"name": "临猗果业", "accuracy": "surveyed"}).as_object().unwrap()
        );
        let bad = json!({"colour": "颜色", "name": 3});
        let e = FieldMapping::from_json(bad.as_object().unwrap(), LayerKind::FreightSources).unwrap_err();
        assert!(e.contains("`colour` is not a field") && e.contains("`name` must name a source field"), "{e}");
        assert_eq!(field_of_message("field \"name\" is required in layer x").as_deref(), Some("name"));
        assert_eq!(field_of_message("geometry is missing (expected a Point)").as_deref(), Some("geometry"));
        assert_eq!(field_of_message("something else"), None);
    }

    #[test]
    fn a_geojson_file_is_read_with_its_fields_and_a_given_crs() {
        let dir = std::env::temp_dir().join(format!("landtrace-read-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.geojson");
        let doc = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "Point", "coordinates": [110.77, 35.14]}},
            {"type": "Feature", "properties": {"name": "b", "category": "c"}, "geometry": null}]});
        std::fs::write(&path, doc.to_string()).unwrap();
        let read = read_file(LayerKind::FreightSources, &path, &ReadOptions::default(), &mut |_, _| {}).unwrap();
        assert_eq!(read.features.len(), 2);
        assert_eq!(read.source_fields(), ["name", "category"]);
        assert_eq!(read.crs.as_deref(), Some("EPSG:4326"));
        let options = ReadOptions { crs: Some("gcj02".into()), ..ReadOptions::default() };
        let read = read_file(LayerKind::FreightSources, &path, &options, &mut |_, _| {}).unwrap();
        assert!(read.notes.iter().any(|n| n.contains("(given)")), "{:?}", read.notes);
        let Some(Geometry::Point(p)) = &read.features[0].geometry else { panic!() };
        assert!((p.x() - 110.77).abs() > 1e-4, "converted from GCJ-02: {p:?}");
        std::fs::write(&path, "{\"type\":").unwrap();
        let e = read_file(LayerKind::FreightSources, &path, &ReadOptions::default(), &mut |_, _| {}).unwrap_err();
        assert!(e.to_string().contains("not valid GeoJSON"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_mapping_finds_a_source_field_in_another_case() {
        let m = FieldMapping::parse("name = \"Name\"\ncategory = \"类别\"", LayerKind::FreightSources).unwrap();
        // The reader renamed `Name` to the layer's `name` (field_match).
        let props = json!({"name": "临猗果业", "类别": "果品"});
        assert_eq!(
            m.apply(props.as_object().unwrap()),
            *json!({"name": "临猗果业", "category": "果品"}).as_object().unwrap()
        );
        // Two fields in other cases: neither is guessed.
        let props = json!({"NAME": "a", "name ": "b", "nAme": "c"});
        assert_eq!(m.apply(props.as_object().unwrap()), Map::new());
    }

    /// Reads `doc` written to a `.geojson` file for freight sources, with `crs` given.
    fn read_geojson_doc(doc: &Value, crs: Option<&str>) -> Result<ReadFile, ReadFileError> {
        let dir = tempfile_dir("crs-member");
        let path = dir.join("p.geojson");
        std::fs::write(&path, doc.to_string()).unwrap();
        let options = ReadOptions { crs: crs.map(str::to_owned), ..ReadOptions::default() };
        let read = read_file(LayerKind::FreightSources, &path, &options, &mut |_, _| {});
        std::fs::remove_dir_all(&dir).unwrap();
        read
    }

    fn tempfile_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("landtrace-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn point(read: &ReadFile) -> (f64, f64) {
        let Some(Geometry::Point(p)) = &read.features[0].geometry else { panic!("{read:?}") };
        (p.x(), p.y())
    }

    #[test]
    fn a_geojson_crs_member_is_honoured_and_a_crs_given_overrides_it_with_a_note() {
        // 110.77°E 35.14°N in CGCS2000 / 3-degree Gauss-Kruger CM 111E (PROJ's cs2cs).
        let with_member = |crs: Value| {
            json!({"type": "FeatureCollection", "crs": crs, "features": [{"type": "Feature",
                "properties": {"name": "a"}, "geometry": {"type": "Point", "coordinates": [479039.526, 3890148.976]}}]})
        };
        let urn = json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4546"}});
        let old_style = json!({"type": "EPSG", "properties": {"code": 4546}});
        for member in [urn.clone(), old_style] {
            let read = read_geojson_doc(&with_member(member), None).unwrap();
            assert_eq!(read.crs.as_deref(), Some("EPSG:4546"), "{:?}", read.notes);
            let (lon, lat) = point(&read);
            assert!((lon - 110.77).abs() < 1e-6 && (lat - 35.14).abs() < 1e-6, "{lon} {lat}");
            assert!(read.notes.contains(&"coordinates read as EPSG:4546 (declared by the file)".to_owned()));
        }
        // A CRS given wins; the answer names the one declared.
        let read = read_geojson_doc(&with_member(urn.clone()), Some("EPSG:4547")).unwrap();
        assert_eq!(read.crs.as_deref(), Some("EPSG:4547"));
        assert!(
            read.notes.contains(
                &"the file declares its coordinates to be in EPSG:4546; the CRS given, EPSG:4547, was used instead"
                    .to_owned()
            ),
            "{:?}",
            read.notes
        );
        // The same CRS given: nothing to say about the declaration.
        let read = read_geojson_doc(&with_member(urn), Some("4546")).unwrap();
        assert!(!read.notes.iter().any(|n| n.contains("declares")), "{:?}", read.notes);
        // CRS84 is longitude/latitude.
        let crs84 = json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}});
        let mut doc = with_member(crs84);
        doc["features"][0]["geometry"]["coordinates"] = json!([110.77, 35.14]);
        let read = read_geojson_doc(&doc, None).unwrap();
        assert_eq!((read.crs.as_deref(), point(&read)), (Some("EPSG:4326"), (110.77, 35.14)));
        // A declaration that cannot be used is refused unless a CRS is given.
        let link = json!({"type": "link", "properties": {"href": "http://example.com/crs/42", "type": "proj4"}});
        let e = read_geojson_doc(&with_member(link.clone()), None).unwrap_err().to_string();
        assert!(e.contains("names no CRS by name or EPSG code: give the CRS (--crs"), "{e}");
        let unknown = json!({"type": "name", "properties": {"name": "EPSG:KLINGON"}});
        let e = read_geojson_doc(&with_member(unknown), None).unwrap_err().to_string();
        assert!(e.starts_with("the file declares its coordinate system, but \"EPSG:KLINGON\" is not usable"), "{e}");
        let read = read_geojson_doc(&with_member(link), Some("EPSG:4546")).unwrap();
        assert_eq!(read.crs.as_deref(), Some("EPSG:4546"));
    }

    /// A placemark as GDAL's LIBKML driver reads it: `Name` capitalised, and KML's
    /// own fields (tessellate, visibility …) beside the `ExtendedData`.
    #[cfg(feature = "gdal")]
    #[test]
    fn a_libkml_placemark_matches_the_layer_fields() {
        let dir = tempfile_dir("kml");
        let doc = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name": "临猗果业", "category": "果品"},
            "geometry": {"type": "Point", "coordinates": [110.77, 35.14]}}]});
        std::fs::write(dir.join("p.geojson"), doc.to_string()).unwrap();
        let out = std::process::Command::new("ogr2ogr")
            .args(["-f", "LIBKML", "p.kml", "p.geojson"])
            .current_dir(&dir)
            .output()
            .expect("running ogr2ogr");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let read =
            read_file(LayerKind::FreightSources, &dir.join("p.kml"), &ReadOptions::default(), &mut |_, _| {}).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(read.notes.iter().any(|n| n.contains("GDAL's LIBKML driver")), "{:?}", read.notes);
        assert_eq!(
            Value::Object(read.features[0].properties.clone()),
            json!({"name": "临猗果业", "category": "果品"}),
            "{:?}",
            read.notes
        );
        assert!(read.notes.iter().any(|n| n.starts_with("KML styling fields left out: ")), "{:?}", read.notes);
    }

    #[test]
    fn a_bow_tie_is_made_valid_and_the_change_named() {
        let mut bow_tie = Geometry::Polygon(
            polygon![(x: 110.0, y: 35.0), (x: 110.1, y: 35.1), (x: 110.1, y: 35.0), (x: 110.0, y: 35.1)],
        );
        let change = repair_polygons(&mut bow_tie).unwrap();
        assert!(change.contains("1 part(s) became 2"), "{change}");
        let Geometry::MultiPolygon(mp) = &bow_tie else { panic!("{bow_tie:?}") };
        assert!(landtrace_spatial::validate_multipolygon(mp).is_ok());
        let mut square =
            Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)]);
        assert_eq!(repair_polygons(&mut square), None);
    }
}
