//! Validation of a feature's properties against its layer's schema.
//!
//! Importers and the editing API call [`validate_properties`] before anything is
//! stored. It checks, in this order:
//!
//! 1. every property is a field of the layer;
//! 2. per field, in column order: required fields are present and not null; the value
//!    has the field's type; text values are among the field's allowed values; numbers
//!    are in the field's range ([`crate::input_limits::NumberRange`]);
//! 3. the layer's domain rules: land grades exist in their system (1-3 urban, 1-4
//!    collective), benchmark price rows agree with 临政发〔2023〕8号, an origin point's
//!    scale fits its unit (whole heads and birds, at most the county's area in 亩), and a
//!    sponge project's surfaces read as surfaces with areas in range.
//!
//! The first problem found is returned; its message names the field and says what
//! would have been accepted.

use serde_json::{Map, Value};

use crate::input_limits::RangeError;
use crate::land::prices::{self, Grade, GradeSystem, LandUse, PriceError};
use crate::schema::layers::{FieldDef, FieldType, LayerKind};
use crate::units::date::Date;

/// Why a feature's properties were rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldError {
    /// A property that is not a field of the layer.
    #[error(
        "field {field:?} is not a field of layer {layer}; its fields are: {}",
        .expected.join(", ")
    )]
    Unknown {
        /// Table name of the layer.
        layer: &'static str,
        /// The property name as given.
        field: String,
        /// The layer's field names, in column order.
        expected: Vec<&'static str>,
    },
    /// A required field is absent or null.
    #[error("field {field:?} is required in layer {layer}")]
    Missing {
        /// Table name of the layer.
        layer: &'static str,
        /// The field.
        field: &'static str,
    },
    /// A value of the wrong JSON type, or a number that is not an integer.
    #[error("field {field:?}: expected {expected}, got {value}")]
    Type {
        /// The field.
        field: &'static str,
        /// What the field takes, in words.
        expected: &'static str,
        /// The value as given (JSON, shortened).
        value: String,
    },
    /// A date field that is not a real `YYYY-MM-DD` date.
    #[error("field {field:?}: {reason}")]
    Date {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: crate::units::date::DateError,
    },
    /// A text value longer than [`crate::input_limits::MAX_TEXT_BYTES`].
    #[error("field {field:?}: the text is {bytes} bytes long; a field holds at most {limit} bytes")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its length in bytes (UTF-8).
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A text value outside the field's allowed values.
    #[error("field {field:?}: {value} is not allowed; allowed values: {}", .allowed.join(", "))]
    NotAllowed {
        /// The field.
        field: &'static str,
        /// The value as given (JSON, shortened).
        value: String,
        /// The values the field accepts.
        allowed: Vec<&'static str>,
    },
    /// A land grade that the grading system does not have, or a land use that its
    /// benchmark table does not list.
    #[error("field {field:?}: {source}")]
    Price {
        /// The field.
        field: &'static str,
        /// The grade or land-use problem.
        source: PriceError,
    },
    /// A number outside the field's range (or, for an origin point's `scale`, outside
    /// the range of its unit).
    #[error(transparent)]
    Range(RangeError),
    /// A `benchmark_prices` row whose numbers disagree with each other or with the
    /// published table.
    #[error("field {field:?}: {message}")]
    Inconsistent {
        /// The field holding the disagreeing value.
        field: &'static str,
        /// What disagrees, with the expected value.
        message: String,
    },
}

/// JSON text of a value, shortened for messages.
fn shown(value: &Value) -> String {
    crate::input_limits::echo(&value.to_string())
}

/// The integer in `value`: an integral JSON number (`2` or `2.0`) within `i64`.
pub fn integer_value(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            // `i64::MAX as f64` rounds up to 2^63, so the upper bound is exclusive.
            let in_range = f >= i64::MIN as f64 && f < i64::MAX as f64;
            (f.fract() == 0.0 && in_range).then_some(f as i64)
        }),
        _ => None,
    }
}

/// Checks one present, non-null value against its field definition.
fn check_field(def: &FieldDef, value: &Value) -> Result<(), FieldError> {
    let type_error = |expected: &'static str| FieldError::Type { field: def.name, expected, value: shown(value) };
    match def.ty {
        FieldType::Text => {
            let text = value.as_str().ok_or_else(|| type_error("text"))?;
            let limit = crate::input_limits::MAX_TEXT_BYTES;
            if text.len() > limit {
                return Err(FieldError::TooLong { field: def.name, bytes: text.len(), limit });
            }
            if !def.allowed.is_empty() && !def.allowed.contains(&text) {
                return Err(FieldError::NotAllowed {
                    field: def.name,
                    value: shown(value),
                    allowed: def.allowed.to_vec(),
                });
            }
        }
        FieldType::Integer => {
            let n = integer_value(value).ok_or_else(|| type_error("an integer"))?;
            check_range(def, n as f64)?;
        }
        FieldType::Real => {
            let x = value.as_f64().ok_or_else(|| type_error("a number"))?;
            check_range(def, x)?;
        }
        FieldType::Date => {
            let text = value.as_str().ok_or_else(|| type_error("a date as text YYYY-MM-DD"))?;
            Date::parse(text).map_err(|reason| FieldError::Date { field: def.name, reason })?;
        }
    }
    Ok(())
}

/// Checks a number against the field's range.
fn check_range(def: &FieldDef, x: f64) -> Result<(), FieldError> {
    match def.range {
        Some(range) => range.check(def.name, x).map(|_| ()).map_err(FieldError::Range),
        None => Ok(()),
    }
}

/// Checks `props` against the fields of `kind` and the layer's domain rules.
pub fn validate_properties(kind: LayerKind, props: &Map<String, Value>) -> Result<(), FieldError> {
    if let Some(name) = props.keys().find(|k| kind.field(k).is_none()) {
        return Err(FieldError::Unknown {
            layer: kind.table_name(),
            field: name.clone(),
            expected: kind.fields().iter().map(|f| f.name).collect(),
        });
    }
    for def in kind.fields() {
        match props.get(def.name) {
            None | Some(Value::Null) if def.required => {
                return Err(FieldError::Missing { layer: kind.table_name(), field: def.name });
            }
            None | Some(Value::Null) => {}
            Some(value) => check_field(def, value)?,
        }
    }
    match kind {
        LayerKind::UrbanGradeZones => check_grade(GradeSystem::Urban, props).map(|_| ()),
        LayerKind::CollectiveGradeZones => check_grade(GradeSystem::Collective, props).map(|_| ()),
        LayerKind::BenchmarkPrices => check_benchmark_row(props),
        LayerKind::OriginPoints => check_origin_scale(props),
        LayerKind::SpongeProjects => check_sponge_surfaces(props),
        LayerKind::TruckPasses => crate::truck_ban::pass_record::pass_from_record(props)
            .map(|_| ())
            .map_err(|message| FieldError::Inconsistent { field: "truck_passes", message }),
        LayerKind::ExpropriationHouseholds => crate::expropriation::households::Household::from_properties(props)
            .map(|_| ())
            .map_err(|message| FieldError::Inconsistent { field: "expropriation_households", message }),
        LayerKind::TruckBanRoads => crate::truck_ban::roads::road_from_record(props)
            .map(|_| ())
            .map_err(|message| FieldError::Inconsistent { field: "truck_ban_roads", message }),
        _ => Ok(()),
    }
}

/// An origin point's `scale` in the range of its `scale_unit` (the schema pass has checked
/// both fields' types, the unit's allowed values and the field's own range).
fn check_origin_scale(props: &Map<String, Value>) -> Result<(), FieldError> {
    let scale = props.get("scale").and_then(Value::as_f64);
    let range = props.get("scale_unit").and_then(Value::as_str).and_then(crate::traceability::record::scale_range);
    match (scale, range) {
        (Some(x), Some(range)) => range.check("scale", x).map(|_| ()).map_err(FieldError::Range),
        _ => Ok(()),
    }
}

/// A sponge project's `surfaces` text reads as surfaces with their areas in range
/// ([`crate::sponge::parse_surfaces`]), so its runoff estimate can be made.
fn check_sponge_surfaces(props: &Map<String, Value>) -> Result<(), FieldError> {
    match props.get("surfaces").and_then(Value::as_str) {
        Some(text) => crate::sponge::parse_surfaces(text)
            .map(|_| ())
            .map_err(|message| FieldError::Inconsistent { field: "surfaces", message }),
        None => Ok(()),
    }
}

/// The `grade` property as a grade of `system` (the schema pass has checked that it
/// is a present integer).
fn check_grade(system: GradeSystem, props: &Map<String, Value>) -> Result<Grade, FieldError> {
    let value = props.get("grade").and_then(integer_value).unwrap_or(0);
    Grade::new(system, value).map_err(|source| FieldError::Price { field: "grade", source })
}

/// A `benchmark_prices` row: grade and use exist in the row's system; the 万元/亩 value
/// is the 元/m² value converted; and a row citing 临政发〔2023〕8号 carries that
/// document's approval, date and published prices.
fn check_benchmark_row(props: &Map<String, Value>) -> Result<(), FieldError> {
    let text = |name: &str| props.get(name).and_then(Value::as_str).unwrap_or_default();
    // The schema pass has checked `system` against its allowed values.
    let system =
        GradeSystem::from_key(text("system")).map_err(|source| FieldError::Price { field: "system", source })?;
    let grade = check_grade(system, props)?;
    let land_use =
        LandUse::parse(system, text("land_use")).map_err(|source| FieldError::Price { field: "land_use", source })?;

    let yuan = props.get("yuan_per_m2").and_then(integer_value).unwrap_or(0);
    let yuan = u32::try_from(yuan).ok().filter(|&y| y > 0).ok_or_else(|| FieldError::Inconsistent {
        field: "yuan_per_m2",
        message: format!("{yuan} is not a positive price in yuan/m²"),
    })?;
    let wan = props.get("wan_yuan_per_mu").and_then(Value::as_f64).unwrap_or(f64::NAN);
    let expected_tenths = prices::wan_yuan_per_mu_tenths(yuan);
    // Written so that NaN (no number) fails too.
    let matches = (wan * 10.0 - f64::from(expected_tenths)).abs() <= 1e-6;
    if !matches {
        return Err(FieldError::Inconsistent {
            field: "wan_yuan_per_mu",
            message: format!(
                "{wan} does not match yuan_per_m2 {yuan} (× 666.67 / 10000 = {})",
                prices::tenths_text(expected_tenths)
            ),
        });
    }

    if text("document") != prices::DOCUMENT {
        return Ok(());
    }
    if text("approval") != prices::APPROVAL {
        return Err(FieldError::Inconsistent {
            field: "approval",
            message: format!(
                "{:?} is not the approval of {} ({})",
                text("approval"),
                prices::DOCUMENT,
                prices::APPROVAL
            ),
        });
    }
    if text("in_force") != prices::IN_FORCE.to_string() {
        return Err(FieldError::Inconsistent {
            field: "in_force",
            message: format!(
                "{:?} is not the date {} took effect ({})",
                text("in_force"),
                prices::DOCUMENT,
                prices::IN_FORCE
            ),
        });
    }
    let published = prices::benchmark_price(system, grade, land_use).map(|p| p.yuan_per_m2);
    if published != Some(yuan) {
        return Err(FieldError::Inconsistent {
            field: "yuan_per_m2",
            message: format!(
                "{yuan} differs from {} for {} {} {} ({} yuan/m²)",
                prices::DOCUMENT,
                system.name_zh(),
                grade.name_zh(),
                land_use.name_zh(),
                published.map_or_else(|| "none".to_owned(), |p| p.to_string())
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// The object `value` as a property map.
    pub(crate) fn props(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    /// Validates `value` as properties of `kind`; `expected` is `None` for success or
    /// the error message.
    fn check(kind: LayerKind, value: Value, expected: Option<&str>) {
        let got = validate_properties(kind, &props(value.clone())).map_err(|e| e.to_string());
        match expected {
            None => assert_eq!(got, Ok(()), "{value}"),
            Some(msg) => assert_eq!(got, Err(msg.to_owned()), "{value}"),
        }
    }

    fn urban(grade: Value) -> Value {
        json!({"grade": grade, "name": "一级地", "accuracy": "illustrative"})
    }

    fn price_row() -> Value {
        json!({
            "system": "collective", "grade": 4, "land_use": "宅基地",
            "yuan_per_m2": 198, "wan_yuan_per_mu": 13.2,
            "document": "临政发〔2023〕8号", "approval": "晋自然资技审〔2023〕6号",
            "in_force": "2023-05-01",
        })
    }

    fn with(mut base: Value, key: &str, value: Value) -> Value {
        base[key] = value;
        base
    }

    #[test]
    fn accepts_valid_records() {
        check(LayerKind::UrbanGradeZones, urban(json!(1)), None);
        check(LayerKind::UrbanGradeZones, urban(json!(3.0)), None);
        check(
            LayerKind::CollectiveGradeZones,
            json!({"grade": 4, "township_code": "140821100", "accuracy": "surveyed", "source": null}),
            None,
        );
        check(LayerKind::BenchmarkPrices, price_row(), None);
        check(
            LayerKind::ExpropriationAreas,
            json!({"project": "壕村小区及油厂家属院", "decision_no": "临政发〔2023〕10号",
                   "decision_date": "2023-06-29", "east": "东城路", "accuracy": "approximate"}),
            None,
        );
        check(
            LayerKind::SpongeFacilities,
            json!({"name": "雨水花园1", "kind": "植草沟", "area_m2": 120, "volume_m3": 35.5,
                   "accepted_on": "2024-02-29", "accuracy": "illustrative"}),
            None,
        );
        check(
            LayerKind::SpongeFacilities,
            json!({"name": "下沉式绿地1", "kind": "下沉式绿地", "area_m2": 800, "storage_depth_m": 0.15,
                   "accuracy": "illustrative"}),
            None,
        );
        check(
            LayerKind::SpongeProjects,
            json!({"name": "示例项目", "project_type": "改建", "status": "在建", "target_percent": 80,
                   "surfaces": "屋面=6000;绿地=7000", "accuracy": "illustrative"}),
            None,
        );
        check(
            LayerKind::WaterloggingPoints,
            json!({"name": "低洼处", "status": "已消除", "eliminated_on": "2023-08-15", "accuracy": "illustrative"}),
            None,
        );
        check(
            LayerKind::OriginPoints,
            json!({"subject_name": "某合作社", "subject_type": "农民合作社", "product": "大口黑鲈",
                   "township_code": "140821100", "industrialised": 1, "collected_on": "2023-06-05",
                   "updated_on": "2023-07-05", "created_at": "2023-06-05T08:00:00Z", "created_by": "demo",
                   "accuracy": "illustrative"}),
            None,
        );
    }

    #[test]
    fn sponge_projects_take_known_types_and_status() {
        let project = json!({"name": "示例项目", "accuracy": "illustrative"});
        check(
            LayerKind::SpongeProjects,
            with(project.clone(), "project_type", json!("翻建")),
            Some("field \"project_type\": \"翻建\" is not allowed; allowed values: 新建, 改建, 扩建"),
        );
        check(
            LayerKind::SpongeProjects,
            with(project, "status", json!("完成")),
            Some("field \"status\": \"完成\" is not allowed; allowed values: 规划, 在建, 建成"),
        );
    }

    #[test]
    fn rejects_unknown_fields_listing_the_layers_fields() {
        check(
            LayerKind::UrbanGradeZones,
            with(urban(json!(1)), "price", json!(686)),
            Some(
                "field \"price\" is not a field of layer urban_grade_zones; \
                 its fields are: grade, name, accuracy, source",
            ),
        );
    }

    #[test]
    fn rejects_missing_and_null_required_fields() {
        check(
            LayerKind::UrbanGradeZones,
            json!({"accuracy": "surveyed"}),
            Some("field \"grade\" is required in layer urban_grade_zones"),
        );
        check(
            LayerKind::UrbanGradeZones,
            urban(Value::Null),
            Some("field \"grade\" is required in layer urban_grade_zones"),
        );
        check(
            LayerKind::UrbanGradeZones,
            json!({"grade": 1}),
            Some("field \"accuracy\" is required in layer urban_grade_zones"),
        );
    }

    #[test]
    fn checks_types() {
        let type_cases = [
            (json!("1"), "field \"grade\": expected an integer, got \"1\""),
            (json!(1.5), "field \"grade\": expected an integer, got 1.5"),
            (json!(true), "field \"grade\": expected an integer, got true"),
            (json!([1]), "field \"grade\": expected an integer, got [1]"),
            (json!(1e300), "field \"grade\": expected an integer, got 1e+300"),
        ];
        for (grade, msg) in type_cases {
            check(LayerKind::UrbanGradeZones, urban(grade), Some(msg));
        }
        check(
            LayerKind::UrbanGradeZones,
            with(urban(json!(1)), "name", json!(1)),
            Some("field \"name\": expected text, got 1"),
        );
        let sponge = json!({"name": "池", "kind": "调蓄池", "accuracy": "illustrative"});
        check(
            LayerKind::SpongeFacilities,
            with(sponge.clone(), "area_m2", json!("120")),
            Some("field \"area_m2\": expected a number, got \"120\""),
        );
        check(
            LayerKind::SpongeFacilities,
            with(sponge.clone(), "accepted_on", json!("2023-02-29")),
            Some("field \"accepted_on\": 2023-02-29 is not a calendar date"),
        );
        check(
            LayerKind::SpongeFacilities,
            with(sponge.clone(), "accepted_on", json!("2023/05/01")),
            Some("field \"accepted_on\": \"2023/05/01\" is not a date of the form YYYY-MM-DD"),
        );
        check(
            LayerKind::SpongeFacilities,
            with(sponge, "accepted_on", json!(20230501)),
            Some("field \"accepted_on\": expected a date as text YYYY-MM-DD, got 20230501"),
        );
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(200);
        let err = validate_properties(LayerKind::UrbanGradeZones, &props(urban(json!(long)))).unwrap_err().to_string();
        assert!(err.ends_with("x…"), "{err}");
        assert!(err.chars().count() < 150, "{err}");
    }

    #[test]
    fn checks_allowed_values() {
        check(
            LayerKind::UrbanGradeZones,
            with(urban(json!(1)), "accuracy", json!("guessed")),
            Some(
                "field \"accuracy\": \"guessed\" is not allowed; \
                 allowed values: surveyed, official, approximate, illustrative",
            ),
        );
        check(
            LayerKind::Townships,
            json!({"code": "140821100000", "name": "猗氏镇", "kind": "街道", "parent_code": "140821"}),
            Some("field \"kind\": \"街道\" is not allowed; allowed values: 镇, 乡"),
        );
    }

    #[test]
    fn grades_exist_in_their_system() {
        let urban_range = "allowed: whole numbers from 1 to 3 (urban land grades of 临政发〔2023〕8号)";
        for grade in [5, 4, 0] {
            check(
                LayerKind::UrbanGradeZones,
                urban(json!(grade)),
                Some(&format!("field \"grade\": {grade} is out of range; {urban_range}")),
            );
        }
        let collective_range =
            "allowed: whole numbers from 1 to 4 (collective construction-land grades of 临政发〔2023〕8号)";
        for grade in [5, -1] {
            check(
                LayerKind::CollectiveGradeZones,
                json!({"grade": grade, "accuracy": "surveyed"}),
                Some(&format!("field \"grade\": {grade} is out of range; {collective_range}")),
            );
        }
    }

    #[test]
    fn benchmark_rows_are_consistent() {
        let cases = [
            (
                with(price_row(), "grade", json!(5)),
                "field \"grade\": 5 is out of range; allowed: whole numbers from 1 to 4 \
                 (land grades of 临政发〔2023〕8号 (1-3 urban, 1-4 collective))",
            ),
            (
                with(with(price_row(), "system", json!("urban")), "land_use", json!("住宅")),
                "field \"grade\": 4 is not a valid urban grade (1-3)",
            ),
            (
                with(price_row(), "land_use", json!("住宅")),
                "field \"land_use\": \"住宅\" is not a collective land use; \
                 expected one of: 商服, 宅基地, 工业",
            ),
            (
                with(price_row(), "wan_yuan_per_mu", json!(13.3)),
                "field \"wan_yuan_per_mu\": 13.3 does not match yuan_per_m2 198 \
                 (× 666.67 / 10000 = 13.2)",
            ),
            (
                with(price_row(), "yuan_per_m2", json!(0)),
                "field \"yuan_per_m2\": 0 is out of range; allowed: whole numbers more than 0 and at most 1000000 元/m² \
                 (input limit: no land price in China approaches 1 000 000 元/m²)",
            ),
            (
                with(with(price_row(), "yuan_per_m2", json!(199)), "wan_yuan_per_mu", json!(13.3)),
                "field \"yuan_per_m2\": 199 differs from 临政发〔2023〕8号 for 集体建设用地 四级 宅基地 \
                 (198 yuan/m²)",
            ),
            (
                with(price_row(), "approval", json!("晋自然资技审〔2023〕7号")),
                "field \"approval\": \"晋自然资技审〔2023〕7号\" is not the approval of \
                 临政发〔2023〕8号 (晋自然资技审〔2023〕6号)",
            ),
            (
                with(price_row(), "in_force", json!("2023-05-18")),
                "field \"in_force\": \"2023-05-18\" is not the date 临政发〔2023〕8号 took effect \
                 (2023-05-01)",
            ),
            (
                with(price_row(), "system", json!("rural")),
                "field \"system\": \"rural\" is not allowed; allowed values: urban, collective",
            ),
        ];
        for (row, msg) in cases {
            check(LayerKind::BenchmarkPrices, row, Some(msg));
        }
        // A row of another document need only be self-consistent.
        let other = with(
            with(with(price_row(), "document", json!("临政发〔2026〕1号")), "yuan_per_m2", json!(300)),
            "wan_yuan_per_mu",
            json!(20.0),
        );
        check(LayerKind::BenchmarkPrices, other, None);
        // English land-use names are accepted too.
        check(LayerKind::BenchmarkPrices, with(price_row(), "land_use", json!("homestead")), None);
    }

    #[test]
    fn numbers_are_checked_against_their_fields_ranges() {
        let facility = json!({"name": "池", "kind": "调蓄池", "accuracy": "illustrative"});
        check(
            LayerKind::SpongeFacilities,
            with(facility.clone(), "volume_m3", json!(1e308)),
            Some(
                "field \"volume_m3\": 1e308 is out of range; allowed: from 0 to 1000000000 m³ \
                 (input limit: a billion m³ is the size of a large reservoir)",
            ),
        );
        check(
            LayerKind::SpongeFacilities,
            with(facility.clone(), "area_m2", json!(-1)),
            Some(
                "field \"area_m2\": -1 is out of range; allowed: from 0 to 2000000000 m² \
             (input limit: nothing described is larger than the county (about 1 340 km²))",
            ),
        );
        check(LayerKind::SpongeFacilities, with(facility.clone(), "storage_depth_m", json!(100)), None);
        check(
            LayerKind::SpongeFacilities,
            with(facility, "storage_depth_m", json!(100.5)),
            Some(
                "field \"storage_depth_m\": 100.5 is out of range; allowed: from 0 to 100 m \
             (input limit: deep storage tunnels reach about 60 m)",
            ),
        );
        let project = json!({"name": "示例项目", "accuracy": "illustrative"});
        let err =
            validate_properties(LayerKind::SpongeProjects, &props(with(project.clone(), "target_percent", json!(100))))
                .unwrap_err()
                .to_string();
        assert!(
            err.starts_with("field \"target_percent\": 100 is out of range; allowed: more than 0 and less than 100 %"),
            "{err}"
        );
        check(LayerKind::SpongeProjects, with(project.clone(), "target_percent", json!(99.9)), None);
        let err =
            validate_properties(LayerKind::SpongeProjects, &props(with(project, "surfaces", json!("屋面=1e308"))))
                .unwrap_err()
                .to_string();
        assert!(
            err.starts_with("field \"surfaces\": 下垫面「屋面」的面积 1e308 m² 须大于 0 且不超过县域面积"),
            "{err}"
        );
        check(
            LayerKind::BenchmarkPrices,
            with(price_row(), "wan_yuan_per_mu", json!(-13.2)),
            Some(
                "field \"wan_yuan_per_mu\": -13.2 is out of range; allowed: more than 0 and at most 66700 万元/亩 \
                 (input limit: no land price in China approaches 1 000 000 元/m² (66 667 万元/亩))",
            ),
        );
    }

    #[test]
    fn origin_point_scales_fit_their_unit() {
        let point = |scale: Value, unit: &str| {
            json!({"subject_name": "某合作社", "subject_type": "农民合作社", "product": "生猪",
                   "township_code": "140821100", "scale": scale, "scale_unit": unit, "accuracy": "illustrative"})
        };
        check(LayerKind::OriginPoints, point(json!(300), "头"), None);
        check(LayerKind::OriginPoints, point(json!(12.5), "亩"), None);
        let err = |v: Value| validate_properties(LayerKind::OriginPoints, &props(v)).unwrap_err().to_string();
        let e = err(point(json!(1e308), "头"));
        assert!(
            e.starts_with("field \"scale\": 1e308 is out of range; allowed: more than 0 and at most 10000000"),
            "{e}"
        );
        let e = err(point(json!(30.5), "头"));
        assert!(e.starts_with("field \"scale\": 30.5 is not a whole number; allowed: whole numbers more than 0 and at most 10000000 头"), "{e}");
        let e = err(point(json!(5e6), "亩"));
        assert!(
            e.starts_with("field \"scale\": 5000000 is out of range; allowed: more than 0 and at most 3000000 亩"),
            "{e}"
        );
        let e = err(with(point(json!(300), "头"), "industrialised", json!(2)));
        assert!(
            e.starts_with("field \"industrialised\": 2 is out of range; allowed: whole numbers from 0 to 1"),
            "{e}"
        );
    }

    #[test]
    fn integer_values() {
        assert_eq!(integer_value(&json!(2)), Some(2));
        assert_eq!(integer_value(&json!(2.0)), Some(2));
        assert_eq!(integer_value(&json!(-3.0)), Some(-3));
        assert_eq!(integer_value(&json!(2.5)), None);
        assert_eq!(integer_value(&json!(u64::MAX)), None);
        assert_eq!(integer_value(&json!(9.3e18)), None);
        assert_eq!(integer_value(&json!("2")), None);
    }

    #[test]
    fn text_longer_than_the_limit_is_refused_naming_the_field() {
        let limit = crate::input_limits::MAX_TEXT_BYTES;
        let props = |name: String| json!({"name": name, "project_type": "土地整治", "accuracy": "illustrative"});
        let at_limit = "a".repeat(limit);
        let ok = validate_properties(LayerKind::ConsolidationProjects, props(at_limit).as_object().unwrap());
        assert!(ok.is_ok(), "{ok:?}");
        let long = "名".repeat(limit / 3 + 1);
        let e = validate_properties(LayerKind::ConsolidationProjects, props(long).as_object().unwrap()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "field \"name\": the text is {} bytes long; a field holds at most {limit} bytes",
                3 * (limit / 3 + 1)
            )
        );
    }
}
