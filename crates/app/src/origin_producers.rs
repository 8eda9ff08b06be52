//! Producers (种养殖主体, 临政办发〔2023〕19号) as a use case: the register's checks with what
//! they need from the stored data (the identifiers already given, the division names),
//! a producer with its bases and their collection thresholds as clients see it, and the
//! duplicate check of a new origin-point record.
//!
//! The rules live in `landtrace_domain::traceability::producer` and `::record`; every door
//! (`/api/trace/producers`, `landtrace trace producers`, the generic layer writes) comes
//! through [`prepare_producer`], and the one write path stores it.

use std::collections::HashMap;

use geo::Geometry;
use landtrace_domain::traceability::{
    DUPLICATE_ASSUMPTION, DUPLICATE_DISTANCE_M, Divisions, DuplicateKey, FieldProblem, ThresholdCheck, check_producer,
    is_duplicate, next_platform_id,
};
use landtrace_domain::{LayerKind, public_properties};
use landtrace_store::{Actor, Feature, NewFeature};
use serde_json::{Map, Value, json};

use crate::clock::now_rfc3339;
use crate::origin_records::SYSTEM_FIELDS;
use crate::origin_views::{View, record_json};

const KIND: LayerKind = LayerKind::Producers;

fn text<'a>(props: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    props.get(name).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Why a producer was not prepared.
#[derive(Debug, Clone, PartialEq)]
pub enum ProducerRefused {
    /// Field problems (HTTP 400).
    Problems(Vec<FieldProblem>),
    /// Another producer already has the identifier (HTTP 409): its feature id.
    Exists {
        /// The stored producer's feature id.
        id: i64,
        /// The identifier.
        producer_id: String,
    },
}

/// Checks a producer (the body of a POST/PUT, a CLI call) against the register
/// `existing` and builds the feature to store, stamped with who and when. Without a
/// `producer_id` (credit code or platform identifier) the platform assigns the next
/// one of the register ([`next_platform_id`]: `ZT140821-` + one more than the highest
/// sequence number given so far), or keeps `previous`'s. An identifier another producer
/// has is refused ([`ProducerRefused::Exists`]).
pub fn prepare_producer(
    body: &Map<String, Value>,
    divisions: &Divisions,
    actor: &Actor,
    existing: &[&Feature],
    previous: Option<&Feature>,
) -> Result<NewFeature, ProducerRefused> {
    let mut props = body.clone();
    for system in SYSTEM_FIELDS {
        props.remove(system);
    }
    let checked = check_producer(&props, divisions).map_err(ProducerRefused::Problems)?;
    let mut out = checked.properties;
    if checked.needs_platform_id {
        let id = match previous.and_then(|p| text(&p.properties, "producer_id")) {
            Some(kept) => kept.to_owned(),
            None => next_platform_id(existing.iter().filter_map(|f| text(&f.properties, "producer_id"))),
        };
        let kind = if previous.is_some_and(|p| text(&p.properties, "id_kind") == Some("统一社会信用代码")) {
            "统一社会信用代码"
        } else {
            "平台编号"
        };
        out.insert("producer_id".into(), id.into());
        out.insert("id_kind".into(), kind.into());
    }
    let id = text(&out, "producer_id").unwrap_or_default().to_owned();
    if let Some(other) = existing
        .iter()
        .find(|f| Some(f.id) != previous.map(|p| p.id) && text(&f.properties, "producer_id") == Some(id.as_str()))
    {
        return Err(ProducerRefused::Exists { id: other.id, producer_id: id });
    }
    let now = now_rfc3339();
    let keep = |name: &str, fallback: Value| {
        previous.and_then(|f| f.properties.get(name)).filter(|v| !v.is_null()).cloned().unwrap_or(fallback)
    };
    out.insert("created_at".into(), keep("created_at", now.clone().into()));
    out.insert("created_by".into(), keep("created_by", actor.0.clone().into()));
    if previous.is_some() {
        out.insert("updated_at".into(), now.into());
        out.insert("updated_by".into(), actor.0.clone().into());
    }
    Ok(NewFeature { geometry: None, properties: out })
}

/// Checks a producer to be stored as it is (bundled data, a copy): the same field
/// rules, an identifier required.
pub fn check_stored_producer(feature: &NewFeature, divisions: &Divisions) -> Result<(), Vec<FieldProblem>> {
    let mut props = feature.properties.clone();
    for system in SYSTEM_FIELDS {
        props.remove(system);
    }
    let checked = check_producer(&props, divisions)?;
    if checked.needs_platform_id {
        return Err(vec![FieldProblem {
            field: "producer_id".into(),
            message:
                "种养殖主体编号为必填项（统一社会信用代码或平台编号）（required here: a credit code or platform id）"
                    .into(),
        }]);
    }
    Ok(())
}

/// The bases/plots of the producer `producer_id`: the origin-point records that carry it.
pub fn bases_of<'a>(producer_id: &str, records: &'a [&'a Feature]) -> Vec<&'a Feature> {
    records.iter().copied().filter(|f| text(&f.properties, "producer_id") == Some(producer_id)).collect()
}

/// One producer as a client sees it: its fields (the personal ones only when
/// `view.personal`), the division name, and its bases with their collection thresholds
/// weighed together (五、(二), gazette line 2852) and completeness.
pub fn producer_json(producer: &Feature, records: &[&Feature], view: View<'_>) -> Value {
    let mut props =
        if view.personal { producer.properties.clone() } else { public_properties(KIND, &producer.properties) };
    props.retain(|_, v| !v.is_null());
    if let Some(code) = text(&producer.properties, "township_code") {
        props.insert("township_name".into(), json!(view.divisions.township_name(code)));
    }
    let id = text(&producer.properties, "producer_id").unwrap_or_default();
    let bases = bases_of(id, records);
    let thresholds: HashMap<i64, ThresholdCheck> = crate::origin_views::thresholds_by_id(bases.iter().copied());
    let base_view = View { thresholds: Some(&thresholds), ..view };
    let bases: Vec<Value> = bases.iter().map(|f| record_json(f, base_view)).collect();
    let mandatory = bases.iter().filter(|b| b["properties"]["threshold"]["mandatory"] == true).count();
    let aggregate = bases.iter().filter(|b| b["properties"]["threshold"]["aggregate"].is_object()).count();
    json!({
        "id": producer.id,
        "properties": props,
        "bases": bases,
        "summary": {
            "bases": bases.len(),
            "mandatory": mandatory,
            "mandatory_only_together": aggregate,
        },
    })
}

/// A stored record that `candidate` (new, or `candidate_id` being replaced) repeats:
/// the same producer (identifier, else subject name), product and position within 10 m
/// (an assumption: [`DUPLICATE_ASSUMPTION`]).
pub fn find_duplicate<'a>(
    candidate: &NewFeature,
    candidate_id: Option<i64>,
    records: impl IntoIterator<Item = &'a Feature>,
) -> Option<&'a Feature> {
    let key = |id: Option<i64>, props: &'a Map<String, Value>, geometry: Option<&Geometry>| {
        let Some(Geometry::Point(p)) = geometry else { return None };
        Some(DuplicateKey {
            id,
            producer_id: text(props, "producer_id"),
            subject_name: text(props, "subject_name").unwrap_or_default(),
            product: text(props, "product").unwrap_or_default(),
            lon: p.x(),
            lat: p.y(),
        })
    };
    let props = &candidate.properties;
    let Geometry::Point(p) = candidate.geometry.as_ref()? else { return None };
    let new = DuplicateKey {
        id: candidate_id,
        producer_id: text(props, "producer_id"),
        subject_name: text(props, "subject_name").unwrap_or_default(),
        product: text(props, "product").unwrap_or_default(),
        lon: p.x(),
        lat: p.y(),
    };
    records
        .into_iter()
        .find(|f| key(Some(f.id), &f.properties, f.geometry.as_ref()).is_some_and(|old| is_duplicate(&new, &old)))
}

/// The problem of a new record repeating stored record `existing` (field `position`),
/// as every door that checks new records reports it.
pub fn duplicate_problem(existing: &Feature) -> FieldProblem {
    FieldProblem {
        field: "position".into(),
        message: format!(
            "重复提交：与已有记录 {} 为同一主体、同一产品、同一点位（duplicate of stored record {}）；{}",
            existing.id, existing.id, DUPLICATE_ASSUMPTION
        ),
    }
}

/// Side of a cell of [`DuplicateIndex`], degrees: ≥ 90 m east-west at the county's
/// latitude (35.1°N), so a record within [`DUPLICATE_DISTANCE_M`] lies in its cell or
/// one of the eight around it.
const CELL_DEG: f64 = 0.001;
const _: () = assert!(DUPLICATE_DISTANCE_M < 80.0, "a duplicate must lie within the neighbouring cells");

/// Stored origin-point records by product and position cell, so that a write of many
/// records (an import, a bulk POST) finds each one's duplicate ([`find_duplicate`]'s
/// rule) among the cells around it instead of scanning every record.
#[derive(Debug, Default)]
pub struct DuplicateIndex {
    cells: HashMap<(String, i64, i64), Vec<std::sync::Arc<Feature>>>,
}

fn cell_of(lon: f64, lat: f64) -> (i64, i64) {
    // Positions are checked inside the county before this is used; the casts saturate.
    ((lon / CELL_DEG).floor() as i64, (lat / CELL_DEG).floor() as i64)
}

impl DuplicateIndex {
    /// Indexes the records with a point and a product.
    pub fn new(records: impl IntoIterator<Item = std::sync::Arc<Feature>>) -> DuplicateIndex {
        let mut cells: HashMap<(String, i64, i64), Vec<std::sync::Arc<Feature>>> = HashMap::new();
        for f in records {
            let (Some(Geometry::Point(p)), Some(product)) = (&f.geometry, text(&f.properties, "product")) else {
                continue;
            };
            let (x, y) = cell_of(p.x(), p.y());
            cells.entry((product.to_owned(), x, y)).or_default().push(f);
        }
        DuplicateIndex { cells }
    }

    /// The stored record `candidate` repeats, if any.
    pub fn find(&self, candidate: &NewFeature) -> Option<&Feature> {
        let Some(Geometry::Point(p)) = &candidate.geometry else { return None };
        let product = text(&candidate.properties, "product")?;
        let (x, y) = cell_of(p.x(), p.y());
        (-1..=1)
            .flat_map(|dx| (-1..=1).map(move |dy| (x + dx, y + dy)))
            .filter_map(|(cx, cy)| self.cells.get(&(product.to_owned(), cx, cy)))
            .find_map(|bucket| find_duplicate(candidate, None, bucket.iter().map(AsRef::as_ref)))
    }
}

/// The refusal of a duplicate, as answers give it (409): the existing record and how
/// to merge.
pub fn duplicate_answer(existing: &Feature) -> Value {
    json!({
        "error": format!(
            "重复提交：与已有记录 {} 为同一主体、同一产品、同一点位；如需合并更新该记录，请加 ?merge={}（duplicate of record {}: \
             same producer, product and position; resend with ?merge={} to update it）",
            existing.id, existing.id, existing.id, existing.id
        ),
        "status": 409,
        "existing_id": existing.id,
        "merge_with": format!("?merge={}", existing.id),
        "assumption": DUPLICATE_ASSUMPTION,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    fn feature(id: i64, props: Value, lon: f64, lat: f64) -> Feature {
        Feature {
            id,
            geometry: Some(Geometry::Point(Point::new(lon, lat))),
            properties: props.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn duplicates_are_found_by_producer_product_and_position() {
        let stored = [
            feature(
                1,
                json!({"subject_name": "甲", "product": "豇豆", "producer_id": "ZT140821-000001"}),
                110.77,
                35.14,
            ),
            feature(2, json!({"subject_name": "乙", "product": "豇豆"}), 110.77, 35.14),
        ];
        let new = |props: Value, lat: f64| NewFeature {
            geometry: Some(Geometry::Point(Point::new(110.77, lat))),
            properties: props.as_object().cloned().unwrap_or_default(),
        };
        let same = new(json!({"subject_name": "甲2", "product": "豇豆", "producer_id": "ZT140821-000001"}), 35.14003);
        assert_eq!(find_duplicate(&same, None, &stored).map(|f| f.id), Some(1));
        // Replacing record 1 itself is no duplicate.
        assert_eq!(find_duplicate(&same, Some(1), &stored[..1]).map(|f| f.id), None);
        let by_name = new(json!({"subject_name": "乙", "product": "豇豆"}), 35.14);
        assert_eq!(find_duplicate(&by_name, None, &stored).map(|f| f.id), Some(2));
        let far = new(json!({"subject_name": "乙", "product": "豇豆"}), 35.1402);
        assert_eq!(find_duplicate(&far, None, &stored).map(|f| f.id), None);
        let answer = duplicate_answer(&stored[0]);
        assert_eq!(answer["existing_id"], 1);
        assert!(answer["assumption"].as_str().unwrap().contains("假定"));
    }
}
