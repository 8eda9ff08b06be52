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
//! - all or nothing, or nothing at all in a dry run ([`import`]).

use std::collections::BTreeMap;
use std::fmt;

use geo::{Area, Geometry, MakeValid, MultiPolygon};
use landtrace_domain::LayerKind;
use landtrace_store::{Actor, NewFeature, Store, StoreError};
use serde_json::{Map, Value};

use crate::write_path::{self, WriteError};

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

    /// The mapped attributes of `properties`; a named source field the feature lacks
    /// is left out (the schema says whether the target is required).
    pub fn apply(&self, properties: &Map<String, Value>) -> Map<String, Value> {
        self.targets
            .iter()
            .filter_map(|(target, from)| match from {
                MappedFrom::Field(source) => properties.get(source).map(|v| (target.clone(), v.clone())),
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

/// One problem of one feature (None: of the whole file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportProblem {
    /// The feature's number in the file, from 1.
    pub feature: Option<usize>,
    /// What is wrong, naming the field.
    pub message: String,
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
/// them all in one transaction. Returns the new ids (none in a dry run).
pub async fn import(
    store: &dyn Store,
    kind: LayerKind,
    features: Vec<ImportedFeature>,
    actor: &Actor,
    dry_run: bool,
) -> Result<Vec<i64>, ImportError> {
    let total = features.len();
    let mut problems: Vec<ImportProblem> = Vec::new();
    let mut unreadable = std::collections::BTreeSet::new();
    let mut new = Vec::with_capacity(total);
    for f in features {
        if !f.problems.is_empty() && f.geometry.is_none() {
            unreadable.insert(f.number);
        }
        problems.extend(f.problems.into_iter().map(|message| ImportProblem { feature: Some(f.number), message }));
        new.push(NewFeature { geometry: f.geometry, properties: f.properties });
    }
    // The write path numbers features by position; the file's numbers are the same
    // (1..=total, in order).
    match write_path::check_only(store, kind, new.clone(), actor).await {
        Ok(_) => {}
        Err(WriteError::Refused(refused)) => {
            for f in refused.features {
                for p in f.problems {
                    problems.push(ImportProblem {
                        feature: Some(f.feature),
                        message: format!("{}: {}", p.field, p.message),
                    });
                }
            }
        }
        Err(WriteError::Store(StoreError::Invalid(errors))) if !errors.is_empty_input() => {
            for e in errors.errors {
                // A geometry that could not be read is reported once, as read.
                if e.feature.is_some_and(|n| unreadable.contains(&n)) && e.message.starts_with("geometry is missing") {
                    continue;
                }
                problems.push(ImportProblem { feature: e.feature, message: e.message });
            }
        }
        Err(other) => return Err(other.into()),
    }
    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(ImportRefused { layer: kind, total, problems }.into());
    }
    if dry_run {
        return Ok(Vec::new());
    }
    Ok(write_path::insert_checked(store, kind, new, actor).await?)
}

#[cfg(test)]
mod tests {
    use geo::polygon;
    use serde_json::json;

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
