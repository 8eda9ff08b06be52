//! Validation of features before they are written: geometry type and validity
//! (`landtrace_spatial::validate_multipolygon`), coordinate ranges, and
//! attribute values against the layer schema.
//!
//! Every write path (bundled data, `landtrace import`, the HTTP API) goes through
//! [`validate_features`], so the stored data always satisfies the schema. Inserts and
//! updates first pass the input policy's volume limits (`check_request`: features and
//! vertices, before any costly geometry check) and an insert must hold a feature.

use std::fmt;

use geo::{Coord, CoordsIter, Geometry, MultiPolygon};
use landtrace_domain::input_limits::{Door, Limit};
use landtrace_domain::{GeometryKind, LayerKind};
use landtrace_spatial::LonLat;

use crate::StoreError;
use crate::feature::NewFeature;

/// How many problems are listed before the rest are summarised.
const MAX_LISTED: usize = 50;

/// One problem with one input feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureError {
    /// 1-based position of the feature in the input; None for whole-file problems.
    pub feature: Option<usize>,
    /// What is wrong, naming the field or the coordinate.
    pub message: String,
}

/// An input was rejected; lists every problem found (up to a limit). With no
/// problems listed, the input had no features ([`FeatureErrors::empty`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureErrors {
    /// Layer the input was meant for.
    pub layer: &'static str,
    /// Number of features in the input.
    pub total: usize,
    /// The problems, in input order.
    pub errors: Vec<FeatureError>,
}

impl std::error::Error for FeatureErrors {}

impl fmt::Display for FeatureErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors.is_empty() {
            return write!(f, "input for layer {} has no features; nothing was stored", self.layer);
        }
        let bad = self.errors.iter().filter_map(|e| e.feature).collect::<std::collections::BTreeSet<_>>();
        if bad.is_empty() {
            write!(f, "input for layer {} rejected; nothing was stored", self.layer)?;
        } else {
            write!(
                f,
                "{} of {} features for layer {} rejected; nothing was stored",
                bad.len(),
                self.total,
                self.layer
            )?;
        }
        for e in self.errors.iter().take(MAX_LISTED) {
            match e.feature {
                Some(n) => write!(f, "\n  feature #{n}: {}", e.message)?,
                None => write!(f, "\n  {}", e.message)?,
            }
        }
        if self.errors.len() > MAX_LISTED {
            write!(f, "\n  … and {} more problems", self.errors.len() - MAX_LISTED)?;
        }
        Ok(())
    }
}

impl FeatureErrors {
    /// A whole-input problem (unreadable file, wrong top-level type).
    pub fn whole(layer: LayerKind, message: impl Into<String>) -> FeatureErrors {
        FeatureErrors {
            layer: layer.table_name(),
            total: 0,
            errors: vec![FeatureError { feature: None, message: message.into() }],
        }
    }

    /// An input without a single feature (nothing to store).
    pub fn empty(layer: &'static str) -> FeatureErrors {
        FeatureErrors { layer, total: 0, errors: Vec::new() }
    }

    /// Whether the input was refused for having no features.
    pub fn is_empty_input(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The input policy's limits on one write: at most [`Limit::FeaturesPerRequest`]
/// features, [`Limit::VerticesPerGeometry`] vertices in each geometry and
/// [`Limit::VerticesPerRequest`] in all. Counting is linear, so this runs before the
/// costly checks.
fn check_request(batches: &[(LayerKind, Vec<NewFeature>)], door: Door) -> Result<(), StoreError> {
    let subject = match batches {
        [(kind, _)] => format!("the input for layer {}", kind.table_name()),
        _ => "the input".to_owned(),
    };
    let features: usize = batches.iter().map(|(_, f)| f.len()).sum();
    door.features().check(features as u64, &subject)?;
    let mut vertices = 0;
    for (kind, features) in batches {
        for (i, f) in features.iter().enumerate() {
            let n = f.geometry.as_ref().map_or(0, |g| g.coords_count()) as u64;
            Limit::VerticesPerGeometry.check(n, format_args!("feature #{} for layer {}", i + 1, kind.table_name()))?;
            vertices += n;
        }
    }
    door.vertices().check(vertices, &subject)?;
    Ok(())
}

/// Validates and normalises features for `kind` (a Polygon becomes a one-part
/// MultiPolygon; a layer of [`GeometryKind::Any`] takes Points and polygons). Either every feature is valid and all are returned, or the
/// problems of all invalid features are returned.
pub fn validate_features(kind: LayerKind, features: Vec<NewFeature>) -> Result<Vec<NewFeature>, FeatureErrors> {
    let total = features.len();
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(total);
    for (i, mut f) in features.into_iter().enumerate() {
        let n = i + 1;
        match normalise_geometry(kind, f.geometry.take()) {
            Ok(g) => f.geometry = g,
            Err(message) => errors.push(FeatureError { feature: Some(n), message }),
        }
        if let Err(e) = landtrace_domain::validate_properties(kind, &f.properties) {
            errors.push(FeatureError { feature: Some(n), message: e.to_string() });
        }
        // Neither SQLite TEXT nor PostgreSQL text can hold NUL reliably.
        if let Some((name, _)) = f.properties.iter().find(|(_, v)| v.as_str().is_some_and(|s| s.contains('\0'))) {
            errors
                .push(FeatureError { feature: Some(n), message: format!("field \"{name}\" contains a NUL character") });
        }
        out.push(f);
    }
    if errors.is_empty() { Ok(out) } else { Err(FeatureErrors { layer: kind.table_name(), total, errors }) }
}

/// Validates one feature for `kind` (an update): the input limits, then as
/// [`validate_features`] does.
pub(crate) fn validate_one(kind: LayerKind, feature: NewFeature) -> Result<NewFeature, StoreError> {
    let batch = [(kind, vec![feature])];
    check_request(&batch, Door::Request)?;
    let [(_, features)] = batch;
    let mut valid = validate_features(kind, features)?;
    Ok(valid.pop().expect("one feature in, one feature out"))
}

/// Features of one layer that passed every check of an insert into it
/// ([`check_insert`]), normalised as they will be stored. Only [`check_insert`]
/// makes one and nothing can change its features afterwards, so
/// [`Store::insert_valid`](crate::Store::insert_valid) may write them without
/// checking them a second time.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    kind: LayerKind,
    features: Vec<NewFeature>,
}

impl Checked {
    /// The layer the features were checked for.
    pub fn kind(&self) -> LayerKind {
        self.kind
    }

    /// The features, as they will be stored.
    pub fn features(&self) -> &[NewFeature] {
        &self.features
    }

    /// How many features there are (at least one).
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Never true: an insert without features is refused by [`check_insert`].
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The features, no longer marked as checked.
    pub fn into_features(self) -> Vec<NewFeature> {
        self.features
    }
}

/// The checks an insert of `features` into `kind` runs, without writing (a dry
/// run of an import, or the first half of a write): the input limits, then the
/// schema and geometry of every feature. Returns the features as they will be
/// stored.
pub fn check_insert(kind: LayerKind, features: Vec<NewFeature>) -> Result<Checked, StoreError> {
    check_insert_through(kind, features, Door::Request)
}

/// [`check_insert`] with the limits of `door` (a file import on the machine takes
/// more features than a request).
pub fn check_insert_through(kind: LayerKind, features: Vec<NewFeature>, door: Door) -> Result<Checked, StoreError> {
    let mut batches = validate_batches_through(vec![(kind, features)], door)?;
    let features = batches.pop().map(|(_, f)| f).unwrap_or_default();
    Ok(Checked { kind, features })
}

/// Validates the batches of an insert before anything is written: refuses an input
/// without features and one over the input limits, then validates every batch (the
/// first layer with problems is reported).
pub(crate) fn validate_batches(
    batches: Vec<(LayerKind, Vec<NewFeature>)>,
) -> Result<Vec<(LayerKind, Vec<NewFeature>)>, StoreError> {
    validate_batches_through(batches, Door::Request)
}

fn validate_batches_through(
    batches: Vec<(LayerKind, Vec<NewFeature>)>,
    door: Door,
) -> Result<Vec<(LayerKind, Vec<NewFeature>)>, StoreError> {
    if batches.iter().all(|(_, f)| f.is_empty()) {
        let layer = batches.first().map_or("(none)", |(kind, _)| kind.table_name());
        return Err(FeatureErrors::empty(layer).into());
    }
    check_request(&batches, door)?;
    Ok(validate_stored(batches)?)
}

/// Validates batches that were stored before (a copy of a store): the schema and
/// geometry checks of [`validate_features`], without the limits of a request.
pub(crate) fn validate_stored(
    batches: Vec<(LayerKind, Vec<NewFeature>)>,
) -> Result<Vec<(LayerKind, Vec<NewFeature>)>, FeatureErrors> {
    let mut valid = Vec::with_capacity(batches.len());
    for (kind, features) in batches {
        valid.push((kind, validate_features(kind, features)?));
    }
    Ok(valid)
}

fn normalise_geometry(kind: LayerKind, geometry: Option<Geometry<f64>>) -> Result<Option<Geometry<f64>>, String> {
    let expected = kind.geometry();
    let Some(g) = geometry else {
        return match expected {
            GeometryKind::None => Ok(None),
            GeometryKind::Point => Err("geometry is missing (expected a Point)".into()),
            GeometryKind::MultiPolygon => Err("geometry is missing (expected a Polygon or MultiPolygon)".into()),
            GeometryKind::Any => Err("geometry is missing (expected a Point, Polygon or MultiPolygon)".into()),
        };
    };
    check_coordinates(&g)?;
    match (expected, g) {
        (GeometryKind::None, g) => Err(format!(
            "layer {} has no geometry, but the feature has a {}",
            kind.table_name(),
            landtrace_spatial::geometry_type_name(&g)
        )),
        (GeometryKind::Point, Geometry::Point(p)) => Ok(Some(Geometry::Point(p))),
        (GeometryKind::Point, g) => {
            Err(format!("geometry is a {}, expected a Point", landtrace_spatial::geometry_type_name(&g)))
        }
        (GeometryKind::MultiPolygon, Geometry::Polygon(p)) => check_polygons(MultiPolygon(vec![p])),
        (GeometryKind::MultiPolygon, Geometry::MultiPolygon(mp)) => check_polygons(mp),
        (GeometryKind::MultiPolygon, g) => Err(format!(
            "geometry is a {}, expected a Polygon or MultiPolygon",
            landtrace_spatial::geometry_type_name(&g)
        )),
        (GeometryKind::Any, Geometry::Point(p)) => Ok(Some(Geometry::Point(p))),
        (GeometryKind::Any, Geometry::Polygon(p)) => check_polygons(MultiPolygon(vec![p])),
        (GeometryKind::Any, Geometry::MultiPolygon(mp)) => check_polygons(mp),
        (GeometryKind::Any, g) => Err(format!(
            "geometry is a {}, expected a Point, Polygon or MultiPolygon",
            landtrace_spatial::geometry_type_name(&g)
        )),
    }
}

fn check_coordinates(g: &Geometry<f64>) -> Result<(), String> {
    for (i, Coord { x, y }) in g.coords_iter().enumerate() {
        if let Err(e) = LonLat::new(x, y) {
            return Err(format!("coordinate #{} ({x}, {y}): {e}", i + 1));
        }
    }
    Ok(())
}

fn check_polygons(mp: MultiPolygon<f64>) -> Result<Option<Geometry<f64>>, String> {
    if mp.0.is_empty() || mp.0.iter().any(|p| p.exterior().0.is_empty()) {
        return Err("polygon is empty".into());
    }
    for (i, p) in mp.0.iter().enumerate() {
        for (r, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            // geo closes rings itself; a closed ring needs 4 positions.
            if ring.0.len() < 4 {
                let what = if r == 0 { "exterior ring".to_owned() } else { format!("hole #{r}") };
                return Err(format!(
                    "polygon #{} {what} has {} distinct positions; at least 3 are needed",
                    i + 1,
                    ring.0.len().saturating_sub(1)
                ));
            }
        }
    }
    // The platform's one polygon rule, O(n log n) for any input (geo's
    // `Validation` compares every pair of edges).
    if let Err(problem) = landtrace_spatial::validate_multipolygon(&mp) {
        return Err(format!("invalid polygon geometry: {problem}"));
    }
    Ok(Some(Geometry::MultiPolygon(mp)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};
    use serde_json::json;

    fn grade_zone(geometry: Geometry<f64>, grade: i64) -> NewFeature {
        let props = json!({"grade": grade, "accuracy": "illustrative"});
        NewFeature { geometry: Some(geometry), properties: props.as_object().unwrap().clone() }
    }

    fn square() -> Geometry<f64> {
        polygon![(x: 110.0, y: 35.0), (x: 110.1, y: 35.0), (x: 110.1, y: 35.1), (x: 110.0, y: 35.1)].into()
    }

    #[test]
    fn polygon_is_promoted_to_multipolygon() {
        let out = validate_features(LayerKind::UrbanGradeZones, vec![grade_zone(square(), 1)]).unwrap();
        assert!(matches!(out[0].geometry, Some(Geometry::MultiPolygon(_))));
    }

    #[test]
    fn errors_name_the_feature_and_the_problem() {
        let bowtie: Geometry<f64> =
            polygon![(x: 110.0, y: 35.0), (x: 110.1, y: 35.1), (x: 110.1, y: 35.0), (x: 110.0, y: 35.1)].into();
        let err = validate_features(
            LayerKind::UrbanGradeZones,
            vec![
                grade_zone(square(), 1),
                grade_zone(point!(x: 110.0, y: 35.0).into(), 1),
                grade_zone(bowtie, 2),
                grade_zone(square(), 7),
                grade_zone(polygon![(x: 110.0, y: 35.0), (x: 210.0, y: 35.0), (x: 110.0, y: 36.0)].into(), 1),
            ],
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("4 of 5 features for layer urban_grade_zones rejected"), "{text}");
        assert!(text.contains("feature #2: geometry is a Point, expected a Polygon or MultiPolygon"), "{text}");
        assert!(
            text.contains(
                "feature #3: invalid polygon geometry: ring 1 of polygon 1 self-intersects at (110.050000, 35.050000)"
            ),
            "{text}"
        );
        assert!(text.contains("feature #4:") && text.contains("grade"), "{text}");
        assert!(text.contains("feature #5: coordinate #2 (210, 35)"), "{text}");
        assert!(!text.contains("feature #1:"), "{text}");
    }

    #[test]
    fn limits_are_checked_before_validation_and_empty_inputs_refused() {
        let err = validate_batches(vec![(LayerKind::UrbanGradeZones, vec![])]).unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(e) if e.is_empty_input() && e.layer == "urban_grade_zones"));
        assert_eq!(err.to_string(), "input for layer urban_grade_zones has no features; nothing was stored");
        assert!(validate_batches(vec![]).is_err());
        // One empty batch beside a full one is fine.
        let ok = validate_batches(vec![
            (LayerKind::UrbanGradeZones, vec![]),
            (LayerKind::UrbanGradeZones, vec![grade_zone(square(), 1)]),
        ]);
        assert_eq!(ok.map(|b| b.len()).ok(), Some(2));
        // A bow-tie of too many vertices is refused for its size, not validated.
        let n = Limit::VerticesPerGeometry.max() as usize + 1;
        let zigzag: Vec<(f64, f64)> =
            (0..n - 1).map(|i| (110.0 + (i % 2) as f64 * 0.1, 35.0 + i as f64 * 1e-6)).collect();
        let big = grade_zone(geo::Polygon::new(zigzag.into(), vec![]).into(), 1);
        let err = validate_one(LayerKind::UrbanGradeZones, big).unwrap_err();
        assert!(matches!(&err, StoreError::LimitExceeded(e) if !e.whole_request()), "{err}");
        assert!(err.to_string().starts_with("feature #1 for layer urban_grade_zones has 200,001 vertices"), "{err}");
        assert!(std::error::Error::source(&err).is_none(), "the message is said once in error chains");
        // Copies of stored data are not held to the limits of a request.
        assert!(validate_stored(vec![(LayerKind::UrbanGradeZones, vec![])]).is_ok());
    }

    #[test]
    fn nul_characters_are_refused() {
        let mut f = grade_zone(square(), 1);
        f.properties.insert("name".into(), json!("a\u{0}b"));
        let err = validate_features(LayerKind::UrbanGradeZones, vec![f]).unwrap_err();
        assert!(err.to_string().contains("field \"name\" contains a NUL character"), "{err}");
    }

    #[test]
    fn mixed_layers_take_points_and_polygons() {
        let facility = |geometry: Geometry<f64>| NewFeature {
            geometry: Some(geometry),
            properties: json!({"name": "示例", "kind": "调蓄池", "accuracy": "illustrative"})
                .as_object()
                .unwrap()
                .clone(),
        };
        let line: Geometry<f64> = line_string![(x: 110.0, y: 35.0), (x: 110.1, y: 35.1)].into();
        let out = validate_features(
            LayerKind::SpongeFacilities,
            vec![facility(point!(x: 110.7, y: 35.1).into()), facility(square())],
        )
        .unwrap();
        assert!(matches!(out[0].geometry, Some(Geometry::Point(_))));
        assert!(matches!(out[1].geometry, Some(Geometry::MultiPolygon(_))));
        let err = validate_features(LayerKind::SpongeFacilities, vec![facility(line)]).unwrap_err();
        assert!(
            err.to_string().contains("feature #1: geometry is a LineString, expected a Point, Polygon or MultiPolygon"),
            "{err}"
        );
        let mut missing = facility(square());
        missing.geometry = None;
        let err = validate_features(LayerKind::SpongeFacilities, vec![missing]).unwrap_err();
        assert!(err.to_string().contains("geometry is missing (expected a Point, Polygon or MultiPolygon)"), "{err}");
    }

    #[test]
    fn attribute_layers_take_no_geometry() {
        let props = json!({"code": "140821100201", "name": "某村", "township_code": "140821100"});
        let f = NewFeature { geometry: Some(square()), properties: props.as_object().unwrap().clone() };
        let err = validate_features(LayerKind::Villages, vec![f]).unwrap_err();
        assert!(err.to_string().contains("layer villages has no geometry"), "{err}");
    }
}
