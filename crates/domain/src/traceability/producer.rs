//! Producers (种养殖主体) of 临政办发〔2023〕19号 as records of their own, and the rules that
//! look at a record together with others: the producer's identifier, the completeness of a
//! record (全项采集, 五、(二), gazette line 2852) and duplicate submissions.
//!
//! A producer is identified by its unified social credit code (统一社会信用代码, GB
//! 32100-2015) where it has one, else by an identifier the platform assigns
//! ([`platform_id`]). Its bases and plots are the origin-point records that carry its
//! identifier in `producer_id`; their thresholds taken together are
//! [`super::record::producer_thresholds`].

use serde::Serialize;
use serde_json::{Map, Value};

use super::divisions::Divisions;
use super::record::{FieldProblem, check_phone};
use crate::schema::layers::{ACCURACY_VALUES, SUBJECT_TYPES};

/// The characters of a unified social credit code (GB 32100-2015 表1): digits and the
/// capital letters without I, O, S, V, Z; a character's value is its position.
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weights of the first 17 characters (GB 32100-2015 4.2: 3^(i-1) mod 31).
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Checks a unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters
/// from [`USCC_CHARS`] (the 3rd to 8th, the registering authority's division code,
/// digits), the 18th the check character `31 − (Σ value × weight mod 31)` (31 → 0).
/// Spaces are dropped and letters upper-cased; returns the code as stored.
///
/// Hand-written: no maintained Rust crate for this standard was found (checked crates.io
/// search via the docs index: only JavaScript, Go and Ruby validators exist), and the rule is
/// a dozen lines. Tested against codes published on business licences.
pub fn check_uscc(text: &str) -> Result<String, String> {
    let code: String = text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
    let given = text.trim();
    if code.chars().count() != 18 {
        return Err(format!(
            "统一社会信用代码「{given}」应为 18 位，实为 {} 位（a unified social credit code has 18 characters）",
            code.chars().count()
        ));
    }
    let values: Vec<Option<u32>> =
        code.chars().map(|c| USCC_CHARS.find(c).and_then(|i| u32::try_from(i).ok())).collect();
    if let Some(pos) = values.iter().position(Option::is_none) {
        let c = code.chars().nth(pos).unwrap_or('?');
        return Err(format!(
            "统一社会信用代码「{given}」第 {} 位「{c}」不是允许的字符（不用 I、O、S、V、Z）（character {} is not allowed）",
            pos + 1,
            pos + 1
        ));
    }
    if !code[2..8].bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "统一社会信用代码「{given}」第 3-8 位应为行政区划代码（characters 3-8 are a division code）"
        ));
    }
    let values: Vec<u32> = values.into_iter().flatten().collect();
    let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    let expected = USCC_CHARS.chars().nth(check as usize).unwrap_or('?');
    if values[17] != check {
        return Err(format!(
            "统一社会信用代码「{given}」校验位不符：应为「{expected}」（check character should be {expected}）"
        ));
    }
    Ok(code)
}

/// The prefix of identifiers the platform assigns: 主体 (ZT) and the county's division code.
pub const PLATFORM_ID_PREFIX: &str = "ZT140821-";

/// The identifier the platform assigns to the producer numbered `sequence`:
/// `ZT140821-000001`. The `-` (never in a credit code) keeps the two kinds apart; the
/// sequence comes from the store ([`next_platform_id`]), so the same register always
/// gives the same next number and no two producers share one.
pub fn platform_id(sequence: u32) -> String {
    format!("{PLATFORM_ID_PREFIX}{sequence:06}")
}

/// The sequence number of a platform identifier; `None` for anything else.
pub fn platform_sequence(id: &str) -> Option<u32> {
    let digits = id.strip_prefix(PLATFORM_ID_PREFIX)?;
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

/// The next platform identifier after the ones in `existing`: one more than the highest.
pub fn next_platform_id<'a>(existing: impl IntoIterator<Item = &'a str>) -> String {
    platform_id(existing.into_iter().filter_map(platform_sequence).max().unwrap_or(0) + 1)
}

/// What kind of identifier a producer has.
pub const ID_KINDS: &[&str] = &["统一社会信用代码", "平台编号"];

/// Checks a producer identifier: a unified social credit code ([`check_uscc`]) or a
/// platform identifier ([`platform_id`]). Returns it as stored.
pub fn check_producer_id(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.to_ascii_uppercase().starts_with("ZT") {
        let upper = t.to_ascii_uppercase();
        return platform_sequence(&upper).filter(|n| *n > 0).map(|_| upper).ok_or_else(|| {
            format!(
                "平台编号「{t}」应为 {PLATFORM_ID_PREFIX}nnnnnn（a platform identifier is {PLATFORM_ID_PREFIX}nnnnnn）"
            )
        });
    }
    check_uscc(t)
}

/// A producer that passed [`check_producer`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedProducer {
    /// The properties to store (fields of the `producers` layer).
    pub properties: Map<String, Value>,
    /// Whether the platform must assign the identifier (none was given).
    pub needs_platform_id: bool,
}

/// The fields of the `producers` layer the check keeps.
const PRODUCER_FIELDS: [&str; 10] = [
    "producer_id",
    "id_kind",
    "name",
    "subject_type",
    "township_code",
    "contact_name",
    "contact_phone",
    "for_market",
    "accuracy",
    "source",
];

/// Checks a producer record: `name` and `subject_type` (the five types of 四、采集内容,
/// gazette line 2848) required; `producer_id` a credit code or platform identifier, or
/// absent (the platform assigns one: [`CheckedProducer::needs_platform_id`]; a `uscc` key
/// is read as the credit code); `township` or `township_code` resolved with `divisions`;
/// `contact_phone` by [`check_phone`]; `for_market` (以商品生产为目的, line 2838) 0/1.
/// Every problem is returned at once, each on its field.
pub fn check_producer(props: &Map<String, Value>, divisions: &Divisions) -> Result<CheckedProducer, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut out = Map::new();
    let mut problem = |field: &str, message: String| problems.push(FieldProblem { field: field.into(), message });
    let text = |key: &str| -> Option<String> {
        match props.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    };
    let id_text = text("producer_id").or_else(|| text("uscc"));
    let mut needs_platform_id = false;
    match id_text {
        Some(t) => match check_producer_id(&t) {
            Ok(id) => {
                let kind = if platform_sequence(&id).is_some() { ID_KINDS[1] } else { ID_KINDS[0] };
                out.insert("producer_id".into(), id.into());
                out.insert("id_kind".into(), kind.into());
            }
            Err(e) => problem("producer_id", e),
        },
        None => needs_platform_id = true,
    }
    match text("name") {
        Some(n) if n.chars().count() <= 200 => {
            out.insert("name".into(), n.into());
        }
        Some(_) => problem("name", "种养殖主体名称超过 200 个字符（longer than 200 characters）".into()),
        None => problem("name", "种养殖主体名称为必填项（required）".into()),
    }
    match text("subject_type") {
        Some(t) => match super::record::subject_type(&t) {
            Some(t) => {
                out.insert("subject_type".into(), t.into());
            }
            None => problem(
                "subject_type",
                format!("主体类型「{t}」不是可选值：{}（not an allowed value）", SUBJECT_TYPES.join("、")),
            ),
        },
        None => problem("subject_type", "主体类型为必填项（required）".into()),
    }
    if let Some(t) = text("township_code").or_else(|| text("township")) {
        match divisions.resolve_township(&t) {
            Ok(r) => {
                out.insert("township_code".into(), r.code.into());
            }
            Err(e) => problem("township_code", e.message),
        }
    }
    if let Some(n) = text("contact_name") {
        out.insert("contact_name".into(), n.into());
    }
    if let Some(p) = text("contact_phone") {
        match check_phone(&p) {
            Ok(p) => {
                out.insert("contact_phone".into(), p.into());
            }
            Err(e) => problem("contact_phone", format!("联系方式：{e}")),
        }
    }
    match props.get("for_market") {
        None | Some(Value::Null) => {}
        Some(v) => match yes_no(v) {
            Some(b) => {
                out.insert("for_market".into(), i64::from(b).into());
            }
            None => problem(
                "for_market",
                "是否以商品生产为目的应为 0/1、true/false 或 是/否（expected 0/1, true/false or 是/否）".into(),
            ),
        },
    }
    let accuracy = text("accuracy").unwrap_or_else(|| "approximate".into());
    if ACCURACY_VALUES.contains(&accuracy.as_str()) {
        out.insert("accuracy".into(), accuracy.into());
    } else {
        problem("accuracy", format!("精度「{accuracy}」不是可选值：{}", ACCURACY_VALUES.join("、")));
    }
    if let Some(s) = text("source") {
        out.insert("source".into(), s.into());
    }
    debug_assert!(out.keys().all(|k| PRODUCER_FIELDS.contains(&k.as_str())));
    if problems.is_empty() { Ok(CheckedProducer { properties: out, needs_platform_id }) } else { Err(problems) }
}

/// A yes/no value: 0/1, true/false, 是/否, yes/no.
pub fn yes_no(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_f64() {
            Some(0.0) => Some(false),
            Some(1.0) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "0" | "false" | "否" | "no" => Some(false),
            "1" | "true" | "是" | "yes" => Some(true),
            _ => None,
        },
        _ => None,
    }
}

/// The items of the collection form (四、采集内容, gazette line 2848) and the fields
/// that hold them: `(label, fields)`; an item is filled when every one of its fields is.
/// 点位经纬度 is the record's position.
pub const FORM_ITEMS: [(&str, &[&str]); 19] = [
    ("种养殖主体名称", &["subject_name"]),
    ("主体类型", &["subject_type"]),
    ("所属行业", &["industry"]),
    ("产品名称", &["product"]),
    ("别名", &["alias"]),
    ("产品认证类型", &["certification"]),
    ("基地地址", &["base_address"]),
    ("点位经纬度", &[]),
    ("种养殖主体联系人", &["contact_name"]),
    ("种养殖主体联系方式", &["contact_phone"]),
    ("种养规模", &["scale", "scale_unit"]),
    ("上市时间", &["market_date"]),
    ("生产方式", &["production_mode"]),
    ("追溯方式", &["trace_means"]),
    ("信用等级", &["credit_rating"]),
    ("网格员姓名", &["grid_officer_name"]),
    ("网格员联系方式", &["grid_officer_phone"]),
    ("信息采集员姓名", &["collector_name"]),
    ("信息采集员联系方式", &["collector_phone"]),
];

/// 五、(二) 全项采集 (gazette line 2852).
pub const FULL_COLLECTION_BASIS: &str = "临政办发〔2023〕19号 五、(二)：乡镇信息采集员要全项采集信息，不得……漏采溯源信息（公报第2852行）；采集项见 四、采集内容（公报第2848行）";

/// How much of the collection form a record fills (全项采集, gazette line 2852).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    /// Items filled.
    pub filled: usize,
    /// Items on the form ([`FORM_ITEMS`]).
    pub total: usize,
    /// `filled / total` in percent, one decimal.
    pub percent: f64,
    /// The labels of the items not filled, in form order.
    pub missing: Vec<&'static str>,
    /// Where the rule is written.
    pub basis: &'static str,
}

/// The completeness of a record's `props` (stored or checked fields); `has_position`:
/// whether it has its point.
pub fn completeness(props: &Map<String, Value>, has_position: bool) -> Completeness {
    let filled_field = |f: &str| match props.get(f) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    };
    let mut missing = Vec::new();
    for (label, fields) in FORM_ITEMS {
        let filled = if fields.is_empty() { has_position } else { fields.iter().all(|f| filled_field(f)) };
        if !filled {
            missing.push(label);
        }
    }
    let total = FORM_ITEMS.len();
    let filled = total - missing.len();
    #[allow(clippy::cast_precision_loss)]
    let percent = (filled as f64 * 1000.0 / total as f64).round() / 10.0;
    Completeness { filled, total, percent, missing, basis: FULL_COLLECTION_BASIS }
}

/// Two submissions closer than this are at the same position (假定: the gazette sets no
/// distance; 10 m is within the accuracy of a phone's GPS fix at a base).
pub const DUPLICATE_DISTANCE_M: f64 = 10.0;

/// The assumption behind [`DUPLICATE_DISTANCE_M`], as answers state it.
pub const DUPLICATE_ASSUMPTION: &str = "假定：同一主体（有编号按编号，无编号按主体名称）、同一产品、点位相距不超过 10 米\
     即为重复提交（assumption: same producer, same product and positions within 10 m are one record）";

/// What identifies a record for duplicate detection.
#[derive(Debug, Clone, Copy)]
pub struct DuplicateKey<'a> {
    /// The record id (`None` for a new submission).
    pub id: Option<i64>,
    /// `producer_id`, if any.
    pub producer_id: Option<&'a str>,
    /// `subject_name`.
    pub subject_name: &'a str,
    /// `product`.
    pub product: &'a str,
    /// Longitude, latitude (WGS84 degrees).
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// Great-circle distance in metres between two WGS84 positions (spherical Earth, R =
/// 6 371 008.8 m; ample for telling 10 m apart).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1, lon2, lat2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().min(1.0).asin()
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Whether `new` repeats `old`: the same producer (both identifiers when both have one,
/// else the subject names), the same product and positions within
/// [`DUPLICATE_DISTANCE_M`]. A record never repeats itself (same id).
pub fn is_duplicate(new: &DuplicateKey<'_>, old: &DuplicateKey<'_>) -> bool {
    if new.id.is_some() && new.id == old.id {
        return false;
    }
    let same_producer = match (nonempty(new.producer_id), nonempty(old.producer_id)) {
        (Some(a), Some(b)) => a == b,
        _ => new.subject_name.trim() == old.subject_name.trim() && !new.subject_name.trim().is_empty(),
    };
    same_producer
        && new.product == old.product
        && distance_m((new.lon, new.lat), (old.lon, old.lat)) <= DUPLICATE_DISTANCE_M
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traceability::divisions::tests::county;
    use serde_json::json;

    #[test]
    fn published_credit_codes_pass_their_check() {
        // Codes as printed on business licences: 华为技术有限公司, 深圳市腾讯计算机系统有限公司,
        // 北京百度网讯科技有限公司, and the example of GB 32100-2015 itself.
        for code in ["914403001922038216", "91440300708461136T", "91110000802100433B", "91350100M000100Y43"] {
            assert_eq!(check_uscc(code).as_deref(), Ok(code), "{code}");
        }
        assert_eq!(check_uscc(" 91440300708461136t ").as_deref(), Ok("91440300708461136T"));
    }

    #[test]
    fn broken_credit_codes_are_refused_with_the_reason() {
        assert!(check_uscc("914403001922038217").unwrap_err().contains("校验位不符：应为「6」"));
        assert!(check_uscc("91350100M000100Y4").unwrap_err().contains("18 位"));
        assert!(check_uscc("91350100M000100YI3").unwrap_err().contains("第 17 位「I」"));
        assert!(check_uscc("9135A100M000100Y43").unwrap_err().contains("行政区划代码"));
    }

    #[test]
    fn platform_ids_are_sequential_and_never_credit_codes() {
        assert_eq!(platform_id(7), "ZT140821-000007");
        assert_eq!(next_platform_id([]), "ZT140821-000001");
        assert_eq!(next_platform_id(["ZT140821-000002", "914403001922038216", "ZT140821-000011"]), "ZT140821-000012");
        assert_eq!(check_producer_id("zt140821-000003").as_deref(), Ok("ZT140821-000003"));
        assert!(check_producer_id("ZT140821-3").is_err());
        assert!(check_producer_id("ZT140821-000000").is_err());
        assert!(check_uscc(&platform_id(1)).is_err());
    }

    #[test]
    fn producer_checks_every_field() {
        let d = county();
        let ok = |v: Value| check_producer(v.as_object().unwrap(), &d);
        let p = ok(json!({"name": "示例家庭农场", "subject_type": "家庭农场", "township": "猗氏镇",
                          "contact_phone": "0351-7654321", "for_market": "是"}))
        .unwrap();
        assert!(p.needs_platform_id);
        assert_eq!(p.properties["township_code"], "140821100");
        assert_eq!(p.properties["contact_phone"], "0351-7654321");
        assert_eq!(p.properties["for_market"], 1);
        let p = ok(json!({"uscc": "91440300708461136T", "name": "x", "subject_type": "企业"})).unwrap();
        assert!(!p.needs_platform_id);
        assert_eq!(p.properties["id_kind"], "统一社会信用代码");
        let problems = ok(json!({"producer_id": "914403001922038217", "subject_type": "个体户",
                                  "contact_phone": "12345", "for_market": "maybe"}))
        .unwrap_err();
        let mut fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["contact_phone", "for_market", "name", "producer_id", "subject_type"]);
    }

    /// 全项采集 (gazette line 2852) of every item of 四、采集内容 (line 2848).
    #[test]
    fn completeness_counts_every_form_item() {
        let mut props = Map::new();
        let c = completeness(&props, false);
        assert_eq!((c.filled, c.total, c.percent), (0, 19, 0.0));
        assert_eq!(c.missing.len(), 19);
        for (_, fields) in FORM_ITEMS {
            for f in fields {
                props.insert((*f).into(), json!("x"));
            }
        }
        let c = completeness(&props, true);
        assert_eq!((c.filled, c.percent), (19, 100.0));
        assert!(c.missing.is_empty());
        props.remove("alias");
        props.insert("scale_unit".into(), json!(" "));
        let c = completeness(&props, true);
        assert_eq!(c.missing, ["别名", "种养规模"]);
        assert_eq!(c.percent, 89.5);
        assert!(c.basis.contains("第2852行"));
    }

    #[test]
    fn duplicates_same_producer_product_and_position() {
        let old = DuplicateKey {
            id: Some(1),
            producer_id: Some("ZT140821-000001"),
            subject_name: "甲",
            product: "豇豆",
            lon: 110.77,
            lat: 35.14,
        };
        // About 5.5 m north: the same position.
        let near = DuplicateKey { id: None, lat: 35.14005, ..old };
        assert!(is_duplicate(&near, &old));
        // About 22 m: another plot.
        assert!(!is_duplicate(&DuplicateKey { lat: 35.1402, ..near }, &old));
        assert!(!is_duplicate(&DuplicateKey { product: "韭菜", ..near }, &old));
        assert!(!is_duplicate(&DuplicateKey { producer_id: Some("ZT140821-000002"), ..near }, &old));
        // Without an identifier the subject names decide.
        let unnamed = DuplicateKey { producer_id: None, ..near };
        assert!(is_duplicate(&unnamed, &old));
        assert!(!is_duplicate(&DuplicateKey { subject_name: "乙", ..unnamed }, &old));
        // A record is not its own duplicate (an update in place).
        assert!(!is_duplicate(&DuplicateKey { id: Some(1), ..near }, &old));
        assert!((distance_m((110.77, 35.14), (110.77, 35.14009)) - 10.0).abs() < 0.1);
        assert!(DUPLICATE_ASSUMPTION.contains("假定"));
    }
}
