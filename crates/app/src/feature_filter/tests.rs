use geo::{Geometry, MultiPolygon, Point, polygon};
use landtrace_domain::schema::user_layers;
use landtrace_domain::{FieldType, GeometryKind, LayerKind, UserField, UserLayerDef};
use landtrace_spatial::Crs;
use landtrace_store::Feature;
use serde_json::{Value, json};

use super::{FeatureFilter, FilterError, MAX_FILTER_BYTES, queryables};

fn feature(id: i64, geometry: Option<Geometry<f64>>, properties: Value) -> Feature {
    let Value::Object(properties) = properties else { panic!("properties must be an object") };
    Feature { id, geometry, properties }
}

/// A square zone with its lower-left corner at (`x`, `y`), 0.01° a side (the
/// sums rounded, so that neighbours share their edge exactly).
fn square(x: f64, y: f64) -> Geometry<f64> {
    let (x1, y1) = (((x + 0.01) * 1e6).round() / 1e6, ((y + 0.01) * 1e6).round() / 1e6);
    let p = polygon![(x: x, y: y), (x: x1, y: y), (x: x1, y: y1), (x: x, y: y1), (x: x, y: y)];
    Geometry::MultiPolygon(MultiPolygon(vec![p]))
}

/// Three urban grade zones side by side along longitude 110.70-110.73.
fn grade_zones() -> Vec<Feature> {
    vec![
        feature(1, Some(square(110.70, 35.10)), json!({"grade": 1, "name": "城区一级", "accuracy": "official"})),
        feature(2, Some(square(110.71, 35.10)), json!({"grade": 2, "name": "城区二级", "accuracy": "official"})),
        feature(3, Some(square(110.72, 35.10)), json!({"grade": 3, "accuracy": "illustrative"})),
    ]
}

fn benchmark_prices() -> Vec<Feature> {
    vec![
        feature(
            1,
            None,
            json!({"system": "urban", "grade": 1, "land_use": "商业", "yuan_per_m2": 1500,
                   "wan_yuan_per_mu": 100.0, "in_force": "2023-05-01"}),
        ),
        feature(
            2,
            None,
            json!({"system": "collective", "grade": 2, "land_use": "住宅", "yuan_per_m2": 600,
                   "wan_yuan_per_mu": 40.0, "in_force": "2021-01-01"}),
        ),
    ]
}

/// The ids of `features` that `filter` (cql2-text) matches on `kind`.
fn text_ids(kind: LayerKind, filter: &str, features: &[Feature]) -> Vec<i64> {
    let f = FeatureFilter::cql2_text(kind, filter, false, None).unwrap_or_else(|e| panic!("{filter}: {e}"));
    features.iter().filter(|x| f.matches(x)).map(|x| x.id).collect()
}

fn json_ids(kind: LayerKind, filter: Value, features: &[Feature]) -> Vec<i64> {
    let f =
        FeatureFilter::cql2_json(kind, &filter.to_string(), false, None).unwrap_or_else(|e| panic!("{filter}: {e}"));
    features.iter().filter(|x| f.matches(x)).map(|x| x.id).collect()
}

fn text_error(kind: LayerKind, filter: &str) -> FilterError {
    match FeatureFilter::cql2_text(kind, filter, false, None) {
        Ok(f) => panic!("{filter:?} compiled to {f:?}"),
        Err(e) => e,
    }
}

#[test]
fn comparisons_on_a_grade_layer() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    for (filter, expected) in [
        ("grade = 2", vec![2]),
        ("grade <> 2", vec![1, 3]),
        ("grade >= 2", vec![2, 3]),
        ("2 > grade", vec![1]),
        ("grade < 3 AND name = '城区一级'", vec![1]),
        ("grade = 1 OR grade = 3", vec![1, 3]),
        ("NOT grade = 1", vec![2, 3]),
        ("id = 3", vec![3]),
        ("id IN (1, 3)", vec![1, 3]),
        ("grade BETWEEN 2 AND 3", vec![2, 3]),
        ("grade NOT BETWEEN 2 AND 3", vec![1]),
        ("name LIKE '城区%'", vec![1, 2]),
        ("name LIKE '%二_'", vec![2]),
        ("name NOT LIKE '%一级'", vec![2]),
        ("name IN ('城区一级', '城区三级')", vec![1]),
        ("accuracy NOT IN ('official')", vec![3]),
        ("name IS NULL", vec![3]),
        ("name IS NOT NULL", vec![1, 2]),
        ("true", vec![1, 2, 3]),
    ] {
        assert_eq!(text_ids(k, filter, &zones), expected, "{filter}");
    }
}

#[test]
fn a_null_property_is_unknown_not_a_match() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    // Zone 3 has no name: neither the comparison nor its negation holds.
    assert_eq!(text_ids(k, "name = '城区一级'", &zones), [1]);
    assert_eq!(text_ids(k, "NOT name = '城区一级'", &zones), [2]);
    assert_eq!(text_ids(k, "name <> '城区一级'", &zones), [2]);
    // Unknown OR true is true; unknown AND false is false.
    assert_eq!(text_ids(k, "name = 'x' OR grade = 3", &zones), [3]);
    assert_eq!(text_ids(k, "NOT (name = 'x' AND grade = 1)", &zones), [1, 2, 3]);
    assert_eq!(text_ids(k, "NOT (name = 'x' OR grade = 1)", &zones), [2]);
}

#[test]
fn the_same_filters_in_json() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    let grade_2 = json!({"op": "=", "args": [{"property": "grade"}, 2]});
    assert_eq!(json_ids(k, grade_2, &zones), [2]);
    let like = json!({"op": "and", "args": [
        {"op": "like", "args": [{"property": "name"}, "城区%"]},
        {"op": "in", "args": [{"property": "grade"}, [1, 3]]}
    ]});
    assert_eq!(json_ids(k, like, &zones), [1]);
    let is_null = json!({"op": "isNull", "args": [{"property": "name"}]});
    assert_eq!(json_ids(k, is_null, &zones), [3]);
    let polygon = json!({"op": "s_intersects", "args": [{"property": "geometry"},
        {"type": "Polygon", "coordinates": [[[110.705, 35.105], [110.715, 35.105], [110.715, 35.106],
                                             [110.705, 35.106], [110.705, 35.105]]]}]});
    assert_eq!(json_ids(k, polygon, &zones), [1, 2]);
    let bbox =
        json!({"op": "s_intersects", "args": [{"property": "geometry"}, {"bbox": [110.725, 35.0, 111.0, 36.0]}]});
    assert_eq!(json_ids(k, bbox, &zones), [3]);
}

#[test]
fn spatial_predicates_with_polygons_boxes_and_points() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    for (filter, expected) in [
        ("S_INTERSECTS(geometry, BBOX(110.705, 35.105, 110.715, 35.106))", vec![1, 2]),
        ("s_intersects(geometry, POINT(110.725 35.105))", vec![3]),
        ("s_contains(geometry, POINT(110.725 35.105))", vec![3]),
        ("s_within(POINT(110.725 35.105), geometry)", vec![3]),
        ("s_disjoint(geometry, POINT(110.725 35.105))", vec![1, 2]),
        (
            "s_within(geometry, POLYGON((110.69 35.09, 110.715 35.09, 110.715 35.2, 110.69 35.2, 110.69 35.09)))",
            vec![1],
        ),
        (
            "s_overlaps(geometry, POLYGON((110.69 35.09, 110.715 35.09, 110.715 35.2, 110.69 35.2, 110.69 35.09)))",
            vec![2],
        ),
        // The shared edge of zones 1 and 2 touches both, enters neither.
        ("s_touches(geometry, LINESTRING(110.71 35.10, 110.71 35.11))", vec![1, 2]),
        ("s_crosses(geometry, LINESTRING(110.705 35.105, 110.725 35.105))", vec![1, 2, 3]),
        (
            "s_equals(geometry, POLYGON((110.72 35.10, 110.73 35.10, 110.73 35.11, 110.72 35.11, 110.72 35.10)))",
            vec![3],
        ),
        ("s_intersects(geometry, BBOX(0, 0, 1, 1))", vec![]),
        ("ST_Intersects(geometry, POINT(110.705 35.105)) AND grade = 1", vec![1]),
    ] {
        assert_eq!(text_ids(k, filter, &zones), expected, "{filter}");
    }
}

#[test]
fn a_filter_crs_converts_the_literal() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    // The centre of zone 3 in Web Mercator metres.
    let c = Crs::WebMercator.from_wgs84(landtrace_spatial::LonLat::new(110.725, 35.105).unwrap()).unwrap();
    let filter = format!("s_intersects(geometry, POINT({} {}))", c.x, c.y);
    let f = FeatureFilter::cql2_text(k, &filter, false, Some(Crs::WebMercator)).unwrap();
    assert_eq!(zones.iter().filter(|z| f.matches(z)).map(|z| z.id).collect::<Vec<_>>(), [3]);
    // Read as lon/lat, metres are out of range.
    assert!(matches!(FeatureFilter::cql2_text(k, &filter, false, None), Err(FilterError::BadLiteral(_))));
}

#[test]
fn dates_and_temporal_operators() {
    let prices = benchmark_prices();
    let k = LayerKind::BenchmarkPrices;
    for (filter, expected) in [
        ("in_force = DATE('2023-05-01')", vec![1]),
        ("in_force > DATE('2022-01-01')", vec![1]),
        ("in_force BETWEEN DATE('2020-01-01') AND DATE('2021-12-31')", vec![2]),
        ("t_after(in_force, DATE('2022-01-01'))", vec![1]),
        ("t_before(in_force, DATE('2022-01-01'))", vec![2]),
        ("t_after(in_force, DATE('2023-05-01'))", vec![]),
        ("t_equals(in_force, DATE('2023-05-01'))", vec![1]),
        ("t_during(in_force, INTERVAL('2023-01-01', '2023-12-31'))", vec![1]),
        ("t_intersects(in_force, INTERVAL('2023-05-01', '..'))", vec![1]),
        ("t_disjoint(in_force, INTERVAL('..', '2022-12-31'))", vec![1]),
        // 2023-05-01 in the county (UTC+8) begins at 2023-04-30T16:00:00Z.
        ("t_intersects(in_force, TIMESTAMP('2023-04-30T16:00:00Z'))", vec![1]),
        ("t_intersects(in_force, TIMESTAMP('2023-04-30T15:59:59Z'))", vec![]),
        ("t_after(DATE('2022-01-01'), in_force)", vec![2]),
        ("wan_yuan_per_mu >= 50.5 AND yuan_per_m2 > 1000", vec![1]),
        ("system = 'urban' AND land_use LIKE '商%'", vec![1]),
    ] {
        assert_eq!(text_ids(k, filter, &prices), expected, "{filter}");
    }
    let during =
        json!({"op": "t_during", "args": [{"property": "in_force"}, {"interval": ["2023-01-01", "2023-12-31"]}]});
    assert_eq!(json_ids(k, during, &prices), [1]);
    let after = json!({"op": "t_after", "args": [{"property": "in_force"}, {"date": "2022-01-01"}]});
    assert_eq!(json_ids(k, after, &prices), [1]);
}

#[test]
fn part_1_equality_parameters() {
    let prices = benchmark_prices();
    let k = LayerKind::BenchmarkPrices;
    let ids = |pairs: &[(&str, &str)]| {
        let f = FeatureFilter::equals(k, pairs, false).unwrap();
        prices.iter().filter(|x| f.matches(x)).map(|x| x.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(&[("grade", "2")]), [2]);
    assert_eq!(ids(&[("system", "urban"), ("in_force", "2023-05-01")]), [1]);
    assert_eq!(ids(&[("wan_yuan_per_mu", "40")]), [2]);
    assert_eq!(ids(&[("id", "1")]), [1]);
    assert_eq!(ids(&[]), [1, 2]);
    assert_eq!(ids(&[("system", "urban' OR '1'='1")]), Vec::<i64>::new());
    let err = FeatureFilter::equals(k, &[("grade", "two")], false).unwrap_err();
    assert_eq!(err.to_string(), "grade: \"two\" is not a number");
    let err = FeatureFilter::equals(k, &[("in_force", "2023-02-30")], false).unwrap_err();
    assert!(err.to_string().contains("not a calendar date"), "{err}");
    assert!(matches!(FeatureFilter::equals(k, &[("nope", "1")], false), Err(FilterError::UnknownProperty { .. })));
}

#[test]
fn personal_fields_are_unknown_unless_allowed() {
    let k = LayerKind::OriginPoints;
    let hidden = text_error(k, "contact_phone = '13800000000'");
    let unknown = text_error(k, "no_such_field = '13800000000'");
    let FilterError::UnknownProperty { queryables: listed, .. } = &hidden else { panic!("{hidden}") };
    assert!(!listed.contains("contact_phone") && listed.contains("subject_name"), "{listed}");
    assert_eq!(hidden.to_string().replace("contact_phone", "no_such_field"), unknown.to_string());
    assert!(FeatureFilter::cql2_text(k, "contact_phone = '13800000000'", true, None).is_ok());
    assert!(FeatureFilter::equals(k, &[("contact_phone", "1")], false).is_err());
    let point = feature(
        7,
        Some(Geometry::Point(Point::new(110.7, 35.1))),
        json!({"subject_name": "某合作社", "contact_phone": "13800000000"}),
    );
    let f = FeatureFilter::cql2_text(k, "contact_phone LIKE '138%'", true, None).unwrap();
    assert!(f.matches(&point));
}

#[test]
fn queryables_follow_the_schema() {
    let q = queryables(LayerKind::OriginPoints, "https://x/collections/origin_points/queryables", false);
    assert_eq!(q["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(q["$id"], "https://x/collections/origin_points/queryables");
    assert_eq!(q["type"], "object");
    assert_eq!(q["additionalProperties"], false);
    let props = q["properties"].as_object().unwrap();
    assert_eq!(props["geometry"]["format"], "geometry-point");
    assert_eq!(props["id"]["type"], "integer");
    assert_eq!(props["market_date"], json!({"type": "string", "format": "date", "title": "market_date"}));
    assert_eq!(props["scale"]["type"], "number");
    assert!(props["product"]["enum"].as_array().is_some_and(|v| v.contains(&json!("韭菜"))));
    assert!(!props.contains_key("contact_phone"));
    let with_personal = queryables(LayerKind::OriginPoints, "", true);
    assert!(with_personal["properties"].as_object().unwrap().contains_key("contact_phone"));
    let zones = queryables(LayerKind::UrbanGradeZones, "", false);
    assert_eq!(zones["properties"]["geometry"]["format"], "geometry-multipolygon");
    assert_eq!(zones["properties"]["grade"]["minimum"], 1.0);
    assert_eq!(queryables(LayerKind::SpongeFacilities, "", false)["properties"]["geometry"]["format"], "geometry-any");
    let prices = queryables(LayerKind::BenchmarkPrices, "", false);
    assert!(prices["properties"].get("geometry").is_none());
    for kind in LayerKind::ALL {
        let q = queryables(kind, "", true);
        let n = q["properties"].as_object().unwrap().len();
        let geometry = usize::from(kind.geometry() != GeometryKind::None);
        assert_eq!(n, kind.fields().len() + 1 + geometry, "{}", kind.table_name());
    }
}

fn parcel_layer() -> LayerKind {
    user_layers::register(&UserLayerDef {
        name: "zongdi_filter_test".into(),
        title_zh: "宗地".into(),
        title_en: "Cadastral parcels".into(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![
            UserField {
                name: "zddm".into(),
                title: Some("宗地代码".into()),
                ty: FieldType::Text,
                required: true,
                personal: false,
            },
            UserField {
                name: "qlr".into(),
                title: Some("权利人".into()),
                ty: FieldType::Text,
                required: false,
                personal: true,
            },
            UserField { name: "area_m2".into(), title: None, ty: FieldType::Real, required: false, personal: false },
            UserField {
                name: "djrq".into(),
                title: Some("登记日期".into()),
                ty: FieldType::Date,
                required: false,
                personal: false,
            },
        ],
        owner: "land".into(),
        public: true,
        tiles: None,
        locate: false,
    })
    .unwrap()
}

#[test]
fn a_user_defined_layer() {
    let k = parcel_layer();
    let parcels = [
        feature(
            1,
            Some(square(110.70, 35.10)),
            json!({"zddm": "140821001001JC00001", "qlr": "张三", "area_m2": 1200.5, "djrq": "2022-03-01"}),
        ),
        feature(2, Some(square(110.80, 35.20)), json!({"zddm": "140821001001JC00002", "area_m2": 800.0})),
    ];
    assert_eq!(text_ids(k, "area_m2 > 1000", &parcels), [1]);
    assert_eq!(text_ids(k, "zddm LIKE '%00002'", &parcels), [2]);
    assert_eq!(text_ids(k, "t_after(djrq, DATE('2022-01-01'))", &parcels), [1]);
    assert_eq!(text_ids(k, "djrq IS NULL AND s_intersects(geometry, BBOX(110.8, 35.2, 110.9, 35.3))", &parcels), [2]);
    assert!(matches!(text_error(k, "qlr = '张三'"), FilterError::UnknownProperty { .. }));
    let q = queryables(k, "", false);
    assert_eq!(q["title"], "Cadastral parcels");
    assert_eq!(q["properties"]["zddm"]["title"], "宗地代码");
    assert_eq!(q["properties"]["djrq"]["format"], "date");
    assert!(q["properties"].get("qlr").is_none());
}

#[test]
fn type_mismatches_are_named() {
    let k = LayerKind::BenchmarkPrices;
    for (filter, needle) in [
        ("wan_yuan_per_mu = '100'", "a number for the numeric field wan_yuan_per_mu"),
        ("system = 1", "a quoted string for the text field system"),
        ("in_force = '2023-05-01'", "write DATE('2023-05-01')"),
        ("in_force > 20230501", "date field in_force"),
        ("t_after(grade, DATE('2022-01-01'))", "grade is not a date"),
        ("grade LIKE '1%'", "LIKE takes a text field"),
        ("grade = land_use", "not two properties"),
        ("1 = 1", "needs a property on one side"),
        ("grade = NULL", "IS NULL"),
        ("system", "is not a condition"),
        ("s_intersects(geometry, POINT(1 2))", "not queryable"),
        ("in_force = DATE('2023-13-01')", "not a calendar date"),
    ] {
        let e = text_error(k, filter).to_string();
        assert!(e.contains(needle), "{filter}: {e}");
    }
    let e = text_error(LayerKind::UrbanGradeZones, "s_intersects(name, POINT(110.7 35.1))").to_string();
    assert!(e.contains("name is not a geometry"), "{e}");
    let e = text_error(LayerKind::UrbanGradeZones, "geometry = 'x'").to_string();
    assert!(e.contains("spatial operators"), "{e}");
}

#[test]
fn unsupported_operators_and_functions_are_refused() {
    let k = LayerKind::UrbanGradeZones;
    for (filter, expected) in [
        ("pg_sleep(10)", "functions are not supported: pg_sleep"),
        ("grade = pg_sleep(10)", "functions are not supported: pg_sleep"),
        ("upper(name) = 'X'", "functions are not supported: upper"),
        ("name = 'x' OR sleep(1)", "functions are not supported: sleep"),
        ("grade + 1 = 2", "operator + is not supported"),
        ("casei(name) = casei('x')", "operator casei is not supported"),
        ("a_contains(name, ('x'))", "operator a_contains is not supported"),
        ("s_intersects(geometry, version())", "functions are not supported: version"),
    ] {
        let e = text_error(k, filter).to_string();
        assert!(e.starts_with(expected), "{filter}: {e}");
    }
}

#[test]
fn hostile_text_is_an_error_or_a_plain_literal() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    // Quotes doubled inside a string are part of the string: it matches no name.
    assert_eq!(text_ids(k, "name = 'x'' OR 1=1 --'", &zones), Vec::<i64>::new());
    assert_eq!(text_ids(k, "name = 'x'' OR ''1''=''1'", &zones), Vec::<i64>::new());
    assert_eq!(text_ids(k, "name = 'a; DROP TABLE x; --'", &zones), Vec::<i64>::new());
    assert_eq!(text_ids(k, "name LIKE '%'' OR name LIKE ''%'", &zones), Vec::<i64>::new());
    for filter in [
        "name = 'a'; DROP TABLE x; --'",
        "name = 'a' /* */",
        "/* */",
        "name = 'a' -- comment",
        "grade = 1 UNION SELECT * FROM users",
        "",
        "name = 'unterminated",
        "\"name\" = 'x') OR (1=1",
        "name = 'x' OR ST_Intersects(geometry, 'POINT(0 0)')",
        "grade = 1e400",
        "s_intersects(geometry, GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 1))))",
        "s_intersects(geometry, POLYGON((1 2, 3)))",
        "s_intersects(geometry, BBOX(1, 2, 3))",
        "s_intersects(geometry, BBOX(3, 2, 1, 4))",
        "name = 'x\u{0}'; --",
    ] {
        assert!(FeatureFilter::cql2_text(k, filter, false, None).is_err(), "{filter:?} was accepted");
    }
    // Odd characters in quoted identifiers and strings are names and text, nothing more.
    assert!(matches!(text_error(k, "\"name; DROP TABLE x\" = 'a'"), FilterError::UnknownProperty { .. }));
    assert_eq!(text_ids(k, "name = '\u{0}\\'", &zones), Vec::<i64>::new());
}

#[test]
fn hostile_json_is_an_error_or_a_plain_literal() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    let injection = json!({"op": "=", "args": [{"property": "name"}, "x' OR '1'='1"]});
    assert_eq!(json_ids(k, injection, &zones), Vec::<i64>::new());
    for filter in [
        json!({"op": "pg_sleep", "args": [10]}),
        json!({"op": "=", "args": [{"property": "name; DROP TABLE x"}, "a"]}),
        json!({"op": "=", "args": [{"property": "grade"}, {"op": "pg_sleep", "args": [10]}]}),
        json!({"function": {"name": "pg_sleep", "args": [10]}}),
        json!({"op": "s_intersects", "args": [{"property": "geometry"}, {"type": "Polygon", "coordinates": [[[110.7]]]}]}),
        json!({"op": "s_intersects", "args": [{"property": "geometry"},
            {"type": "Polygon", "coordinates": [[[110.7, 35.1], [110.8, 35.1], [110.8, 35.2]]]}]}),
        json!("name = 'x'"),
        json!([1, 2, 3]),
    ] {
        assert!(FeatureFilter::cql2_json(k, &filter.to_string(), false, None).is_err(), "{filter} was accepted");
    }
    for text in ["{", "{\"op\": \"=\", \"args\": [}", "null", ""] {
        assert!(FeatureFilter::cql2_json(k, text, false, None).is_err(), "{text:?} was accepted");
    }
}

#[test]
fn deep_and_large_filters_are_refused_quickly() {
    let k = LayerKind::UrbanGradeZones;
    let deep = format!("{}grade = 1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(text_error(k, &deep), FilterError::TooDeep);
    let nots = format!("{}grade = 1", "NOT ".repeat(1_000));
    assert_eq!(text_error(k, &nots), FilterError::TooDeep);
    let shallow = format!("{}grade = 1{}", "(".repeat(20), ")".repeat(20));
    assert!(FeatureFilter::cql2_text(k, &shallow, false, None).is_ok());
    let deep_json = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    assert_eq!(FeatureFilter::cql2_json(k, &deep_json, false, None).unwrap_err(), FilterError::TooDeep);
    let mut nested = json!({"op": "=", "args": [{"property": "grade"}, 1]});
    for _ in 0..100 {
        nested = json!({"op": "not", "args": [nested]});
    }
    assert_eq!(FeatureFilter::cql2_json(k, &nested.to_string(), false, None).unwrap_err(), FilterError::TooDeep);
    let most_nots = format!("{}grade = 1", "NOT ".repeat((MAX_FILTER_BYTES - 9) / 4));
    assert_eq!(text_error(k, &most_nots), FilterError::TooDeep);
    let longest_chain = vec!["id=1"; (MAX_FILTER_BYTES + 4) / 8].join(" OR ");
    assert!(longest_chain.len() <= MAX_FILTER_BYTES);
    assert_eq!(text_error(k, &longest_chain), FilterError::TooLarge);
    let huge = format!("name = '{}'", "x".repeat(MAX_FILTER_BYTES));
    assert!(matches!(text_error(k, &huge), FilterError::TooLong(_)));
    let many = vec!["id=1"; 4_000].join(" OR ");
    assert!(many.len() < MAX_FILTER_BYTES);
    assert_eq!(text_error(k, &many), FilterError::TooLarge);
    let list = format!("grade IN ({})", (0..12_000).map(|i| (i % 10).to_string()).collect::<Vec<_>>().join(","));
    assert_eq!(text_error(k, &list), FilterError::TooLarge);
}

#[test]
fn backtracking_inputs_end_within_the_parser_budget() {
    let k = LayerKind::UrbanGradeZones;
    // Each `(` may be a group or a list: a parser that tried both at every level
    // would take 2^60 steps.
    let start = std::time::Instant::now();
    let lists = format!("grade IN {}1{}", "(".repeat(60), ",1)".repeat(60));
    let _ = FeatureFilter::cql2_text(k, &lists, false, None);
    let calls = format!("{}1{}", "f(".repeat(60), ", 2)".repeat(60));
    let _ = FeatureFilter::cql2_text(k, &calls, false, None);
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
}

#[test]
fn a_large_literal_within_the_limits_is_read() {
    let zones = grade_zones();
    let k = LayerKind::UrbanGradeZones;
    let long_name = "城".repeat(10_000);
    assert_eq!(text_ids(k, &format!("name = '{long_name}'"), &zones), Vec::<i64>::new());
    // A 1,500-vertex ring around the corner of zones 1 and 2.
    let ring: Vec<String> = (0..1_500)
        .map(|i| {
            let a = f64::from(i) / 1_500.0 * std::f64::consts::TAU;
            format!("{} {}", 110.71 + 0.002 * a.cos(), 35.105 + 0.002 * a.sin())
        })
        .collect();
    let filter = format!("s_intersects(geometry, POLYGON(({}, {})))", ring.join(", "), ring[0]);
    assert!(filter.len() < MAX_FILTER_BYTES);
    assert_eq!(text_ids(k, &filter, &zones), [1, 2]);
}
