//! One origin-point record of 临政办发〔2023〕19号: its fields (四、采集内容), the collection
//! thresholds (三、采集范围) and the checks run before a record is stored.
//!
//! [`check_origin_record`] returns every problem at once, each with the field it concerns,
//! so that a form or a spreadsheet row can be corrected in one pass. Records below the
//! thresholds are accepted and flagged "not mandatory" ([`ThresholdCheck::mandatory`] false),
//! never dropped: the document says a subject whose several bases together reach the
//! threshold is recorded once per base.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Number, Value};

use super::divisions::Divisions;
use crate::input_limits::{self, NumberRange};
use crate::schema::layers::{ACCURACY_VALUES, PRODUCT_VALUES, PRODUCTION_MODES, SCALE_UNITS, SUBJECT_TYPES};
use crate::units::area::M2_PER_MU;
use crate::units::date::Date;

/// The six traceability means of 四、采集内容 (追溯方式, several may be chosen).
pub const TRACE_MEANS: [&str; 6] = ["承诺达标合格证", "追溯码", "耳标", "动物检疫合格证", "包装标识", "其他"];

/// Other spellings of traceability means: `(as written, means)`.
const TRACE_MEANS_ALIASES: [(&str, &str); 4] = [
    ("动物检疫合格证明", "动物检疫合格证"),
    ("合格证", "承诺达标合格证"),
    ("达标合格证", "承诺达标合格证"),
    ("溯源码", "追溯码"),
];

/// The wording of 四、采集内容 for subject types, and common short forms: `(as written, type)`.
const SUBJECT_TYPE_ALIASES: [(&str, &str); 9] = [
    ("农产品生产企业", "企业"),
    ("生产企业", "企业"),
    ("农民专业合作社", "农民合作社"),
    ("专业合作社", "农民合作社"),
    ("合作社", "农民合作社"),
    ("农户", "种养殖户"),
    ("种植户", "种养殖户"),
    ("养殖户", "种养殖户"),
    ("农场经纪人", "农村经纪人"),
];

/// Common names of key products: `(as written, product)`. The gazette's threshold
/// speaks of 蛋鸡 (laying hens) for the product 鸡蛋.
const PRODUCT_ALIASES: [(&str, &str); 6] = [
    ("蛋鸡", "鸡蛋"),
    ("加州鲈", "大口黑鲈"),
    ("加州鲈鱼", "大口黑鲈"),
    ("黑鱼", "乌鳢"),
    ("武昌鱼", "鳊鱼"),
    ("猪", "生猪"),
];

/// A subject type as written (the five of 四、采集内容 or the document's wording of one)
/// → the stored value.
pub(crate) fn subject_type(text: &str) -> Option<&'static str> {
    let t = text.trim();
    SUBJECT_TYPES
        .iter()
        .copied()
        .find(|s| *s == t)
        .or_else(|| SUBJECT_TYPE_ALIASES.iter().find(|(a, _)| *a == t).map(|(_, s)| *s))
}

/// `for_market` (以商品生产为目的, 三、采集范围, gazette line 2838): 1 yes, 0 no.
pub const FOR_MARKET: NumberRange =
    NumberRange::rule(0.0, 1.0, "", "a yes/no flag: 1 when produced for sale (以商品生产为目的)").whole();

/// Longest free-text value accepted, in characters.
const MAX_TEXT_CHARS: usize = 200;

/// `industrialised` (工厂化/工程化养殖, meaningful for 渔业): 1 yes, 0 no.
pub const INDUSTRIALISED: NumberRange =
    NumberRange::rule(0.0, 1.0, "", "a yes/no flag: 1 for 工厂化（工程化）养殖, 0 otherwise").whole();

/// The `scale` field whatever its unit (the per-unit ranges of [`scale_range`] are
/// narrower): more than 0 and at most the largest of them.
pub const SCALE_FIELD: NumberRange =
    NumberRange::limit(0.0, input_limits::ANIMAL_COUNT.max, "", "at most 3 000 000 亩 of land or ten million animals")
        .above_min();

/// An aquaculture area in m² (industrialised tanks, 工厂化养殖): at most 10 000 000 m²
/// (15 000 亩), within [`SCALE_FIELD`].
const TANK_AREA_M2: NumberRange =
    NumberRange::limit(0.0, 1.0e7, "平方米", "at most 10 000 000 m² (15 000 亩) of aquaculture").above_min();

/// Other spellings of the scale units: `(as written, unit)`.
const SCALE_UNIT_ALIASES: [(&str, &str); 6] =
    [("平米", "平方米"), ("m²", "平方米"), ("㎡", "平方米"), ("m2", "平方米"), ("M2", "平方米"), ("平方", "平方米")];

/// The scale of a record in `unit` (三、采集范围 counts heads and birds, measures land in
/// 亩): an area in 亩 no larger than the county, or a whole number of animals (头, 只);
/// `None` for a unit that is not one of [`SCALE_UNITS`].
pub fn scale_range(unit: &str) -> Option<NumberRange> {
    let animals = input_limits::ANIMAL_COUNT.above_min();
    match unit {
        "亩" => Some(input_limits::GROUND_AREA_MU.above_min()),
        "头" => Some(NumberRange { unit: "头", ..animals }),
        "只" => Some(NumberRange { unit: "只", ..animals }),
        "平方米" => Some(TANK_AREA_M2),
        _ => None,
    }
}

/// The industry (所属行业) of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Industry {
    /// 种植业: the three vegetables 豇豆, 韭菜, 芹菜.
    #[serde(rename = "种植业")]
    Planting,
    /// 畜牧业: 鸡蛋 (laying hens), 乌鸡, 肉牛, 肉羊, 生猪.
    #[serde(rename = "畜牧业")]
    Livestock,
    /// 渔业: the four fish 大口黑鲈, 乌鳢, 鳊鱼, 大黄鱼.
    #[serde(rename = "渔业")]
    Aquatic,
}

impl Industry {
    /// All industries, in form order.
    pub const ALL: [Industry; 3] = [Industry::Planting, Industry::Livestock, Industry::Aquatic];

    /// The stored value: 种植业, 畜牧业 or 渔业.
    pub fn name_zh(self) -> &'static str {
        match self {
            Industry::Planting => "种植业",
            Industry::Livestock => "畜牧业",
            Industry::Aquatic => "渔业",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Industry::Planting => "planting",
            Industry::Livestock => "livestock",
            Industry::Aquatic => "aquaculture",
        }
    }

    /// Parses 种植业/畜牧业/渔业 (also 种植, 畜牧, 养殖业, 水产, 水产业, 水产养殖).
    pub fn parse(text: &str) -> Option<Industry> {
        match text.trim() {
            "种植业" | "种植" => Some(Industry::Planting),
            "畜牧业" | "畜牧" | "养殖业" | "畜禽养殖" => Some(Industry::Livestock),
            "渔业" | "水产" | "水产业" | "水产养殖" => Some(Industry::Aquatic),
            _ => None,
        }
    }

    /// The scale units records of this industry may use.
    pub fn units(self) -> &'static [&'static str] {
        match self {
            Industry::Planting => &["亩"],
            Industry::Aquatic => &["亩", "平方米"],
            Industry::Livestock => &["头", "只"],
        }
    }
}

/// The industry of a key product; `None` for 其他 and anything else.
pub fn product_industry(product: &str) -> Option<Industry> {
    match product {
        "豇豆" | "韭菜" | "芹菜" => Some(Industry::Planting),
        "鸡蛋" | "乌鸡" | "肉牛" | "肉羊" | "生猪" => Some(Industry::Livestock),
        "大口黑鲈" | "乌鳢" | "鳊鱼" | "大黄鱼" => Some(Industry::Aquatic),
        _ => None,
    }
}

/// The scale unit of a key product: 亩 for the vegetables and fish, 头 for 生猪/肉牛/肉羊,
/// 只 for 乌鸡 and 鸡蛋 (laying hens); `None` for 其他.
pub fn product_unit(product: &str) -> Option<&'static str> {
    match product {
        "豇豆" | "韭菜" | "芹菜" | "大口黑鲈" | "乌鳢" | "鳊鱼" | "大黄鱼" => Some("亩"),
        "生猪" | "肉牛" | "肉羊" => Some("头"),
        "乌鸡" | "鸡蛋" => Some("只"),
        _ => None,
    }
}

/// The scale units a key product may be recorded in: [`product_unit`], and for the four
/// fish 平方米 as well (工厂化养殖 tanks are measured in m², gazette line 2842); empty for 其他.
pub fn product_units(product: &str) -> &'static [&'static str] {
    match (product_unit(product), product_industry(product)) {
        (Some(_), Some(Industry::Aquatic)) => Industry::Aquatic.units(),
        (Some("亩"), _) => &["亩"],
        (Some("头"), _) => &["头"],
        (Some("只"), _) => &["只"],
        _ => &[],
    }
}

/// Full-width digits and punctuation (common in spreadsheets) as ASCII.
fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' | '＋' | '－' | '．' | '／' | '（' | '）' | '：' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Separators written before a landline extension (分机号).
const EXTENSION_MARKS: [&str; 8] = ["分机", "转", "ext.", "ext", "EXT", "x", "X", "#"];

/// The length of a landline's area code: 010 and 020-029 have three digits, every
/// other mainland code (0[3-9]xx) four.
fn landline_code_len(digits: &str) -> usize {
    if digits.starts_with("010") || digits.starts_with("02") { 3 } else { 4 }
}

/// The lengths a local number may have after the area code: 8 after a three-digit
/// code, 7 or 8 after a four-digit one.
fn landline_local_lengths(digits: &str) -> &'static [usize] {
    if landline_code_len(digits) == 3 { &[8] } else { &[7, 8] }
}

/// Checks and normalises a phone number (四、采集内容, gazette line 2848: 联系方式 of the
/// subject, the grid officer and the collector). Accepted, with spaces, hyphens, dots and
/// brackets tolerated and full-width digits read:
/// - a mainland mobile number `1[3-9]` + 9 digits, with or without `+86`/`0086`/`86` → 11
///   digits;
/// - a mainland landline with its area code: `010` or `02x` followed by 8 local digits, or a
///   four-digit code `0[3-9]xx` followed by 7 or 8 local digits (the local number never
///   starts with 0 or 1) → `0351-7654321`; an extension (`转801`, `ext 801`, `-801` after the
///   full number, 1-6 digits) is kept → `0351-7654321-801`.
///
/// A number without its area code is refused: the platform is used county-wide but a
/// record may name anyone, so the code cannot be guessed. Errors say which part is wrong.
pub fn check_phone(text: &str) -> Result<String, String> {
    let given = text.trim();
    let bad = || {
        format!(
            "\"{given}\" 不是有效的手机号或带区号的固定电话（not a mainland mobile number or a landline with its area code）"
        )
    };
    let half = half_width(given);
    // An extension after an explicit mark.
    let (main, mut extension) = match EXTENSION_MARKS.iter().find_map(|m| half.split_once(m)) {
        Some((main, ext)) => (main.to_owned(), Some(ext.trim().trim_start_matches(['.', ':', ' ']).to_owned())),
        None => (half.clone(), None),
    };
    // Digit groups as written ("0351-7654321-801" has three).
    let groups: Vec<String> =
        main.split([' ', '-', '—', '(', ')', '.']).filter(|g| !g.is_empty()).map(str::to_owned).collect();
    let mut cleaned: String = groups.concat();
    // "0351-7654321-801": the last group is an extension when the number is too long with
    // it and a whole landline without it.
    if extension.is_none()
        && groups.len() >= 3
        && cleaned.starts_with('0')
        && !cleaned.starts_with("00")
        && let Some(last) = groups.last().filter(|g| (1..=6).contains(&g.len())).cloned()
    {
        let lens = landline_local_lengths(&cleaned);
        let local = cleaned.len().saturating_sub(landline_code_len(&cleaned));
        if !lens.contains(&local) && lens.contains(&(local.saturating_sub(last.len()))) {
            cleaned.truncate(cleaned.len() - last.len());
            extension = Some(last);
        }
    }
    if let Some(ext) = &extension
        && (ext.is_empty() || ext.len() > 6 || !ext.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("\"{given}\": 分机号应为 1-6 位数字（an extension has 1 to 6 digits）"));
    }
    let digits = if let Some(rest) = cleaned.strip_prefix("+86").or_else(|| cleaned.strip_prefix("0086")) {
        rest.to_owned()
    } else if cleaned.len() == 13 && cleaned.starts_with("861") {
        cleaned[2..].to_owned()
    } else {
        cleaned
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let b = digits.as_bytes();
    if b[0] == b'1' {
        if extension.is_some() {
            return Err(format!("\"{given}\": 手机号不能带分机号（a mobile number has no extension）"));
        }
        if b.len() != 11 {
            return Err(format!("\"{given}\": 手机号应为 11 位（a mobile number has 11 digits）"));
        }
        return if (b'3'..=b'9').contains(&b[1]) {
            Ok(digits)
        } else {
            Err(format!("\"{given}\": 手机号第二位应为 3-9（a mobile number starts 13-19）"))
        };
    }
    if b[0] == b'0' {
        let code_len = landline_code_len(&digits);
        if code_len == 4 && !(b.len() >= 2 && (b'3'..=b'9').contains(&b[1])) {
            return Err(format!("\"{given}\": 区号「{}」无效（not a mainland area code）", &digits[..b.len().min(4)]));
        }
        if b.len() <= code_len {
            return Err(format!("\"{given}\": 区号后缺少本地号码（the local number is missing）"));
        }
        let (code, local) = digits.split_at(code_len);
        let lens = landline_local_lengths(&digits);
        if !lens.contains(&local.len()) {
            let want = if code_len == 3 { "8" } else { "7 或 8" };
            let want_en = if code_len == 3 { "8" } else { "7 or 8" };
            return Err(format!(
                "\"{given}\": 区号 {code} 后应为 {want} 位本地号码，实为 {} 位（a {code} landline has {want_en} local digits）",
                local.len()
            ));
        }
        if local.starts_with(['0', '1']) {
            return Err(format!("\"{given}\": 本地号码不能以 0 或 1 开头（a local number never starts with 0 or 1）"));
        }
        return Ok(match extension {
            Some(ext) => format!("{code}-{local}-{ext}"),
            None => format!("{code}-{local}"),
        });
    }
    if (7..=8).contains(&b.len()) {
        return Err(format!(
            "\"{given}\": 固定电话须带区号，如 0359-4028132（a landline needs its area code, e.g. 0359-4028132）"
        ));
    }
    Err(bad())
}

/// Parses a date written `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` or `YYYY年M月D日`
/// (months and days may have one digit, digits may be full-width), as spreadsheets
/// write them.
pub fn parse_date_lenient(text: &str) -> Result<Date, String> {
    let given = text.trim();
    let t = half_width(given);
    let bad = || format!("\"{given}\" 不是日期，应为 YYYY-MM-DD（not a date of the form YYYY-MM-DD）");
    let t = t.strip_suffix('日').unwrap_or(&t);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let digits = |s: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4..=4) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return Err(bad());
    }
    let separators: Vec<char> = t.chars().filter(|c| !c.is_ascii_digit()).collect();
    if !matches!(separators.as_slice(), ['-', '-'] | ['/', '/'] | ['.', '.'] | ['年', '月']) {
        return Err(bad());
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) else { return Err(bad()) };
    Date::new(y, m, d).map_err(|_| format!("\"{given}\" 不是有效的日历日期（not a calendar date）"))
}

/// Whether a record falls under mandatory collection (三、采集范围), and by which rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdCheck {
    /// Whether the record reaches the threshold of its product (mandatory collection).
    /// False below the threshold, for a unit that does not fit the product, and for 其他.
    pub mandatory: bool,
    /// The rule applied, in Chinese, e.g. `生猪存栏/暂养 ≥ 30 头`.
    pub rule: String,
    /// The rule applied, in English.
    pub rule_en: String,
    /// Why the record is not mandatory, or what else to consider (Chinese and English).
    pub note: Option<String>,
    /// Where the rules applied are written: document, clause and gazette line.
    pub basis: Vec<&'static str>,
    /// Set when the record reaches the threshold only together with the producer's other
    /// bases or plots of the same product (五、(二), gazette line 2852).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<AggregateScale>,
}

/// The producer's bases and plots of one product taken together (五、(二), gazette line
/// 2852: 种养殖主体有多个基地或在同一个基地有多个地块，总计达到规模标准的，要分别进行采集).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregateScale {
    /// The producer: its identifier, or (without one) its subject name.
    pub producer: String,
    /// How many bases/plots of the product the producer has.
    pub bases: usize,
    /// Their ids.
    pub ids: Vec<i64>,
    /// Their scale together, in the rule's unit.
    pub total: f64,
    /// The rule's unit.
    pub unit: &'static str,
}

/// 三、采集范围 (gazette lines 2838-2842): who and what scale must be collected.
pub const SCOPE_BASIS: &str = "临政办发〔2023〕19号 三、采集范围（公报第2838-2842行）";
/// 五、(二) (gazette line 2852): several bases or plots that together reach the threshold
/// are each collected.
pub const SEPARATE_BASES_BASIS: &str = "临政办发〔2023〕19号 五、(二)：种养殖主体有多个基地或在同一个基地有多个地块，\
     总计达到规模标准的，要分别进行采集（公报第2852行）";
/// 三、采集范围 (gazette line 2838): 且以商品生产为目的.
pub const COMMODITY_BASIS: &str = "临政办发〔2023〕19号 三、采集范围：……且以商品生产为目的（公报第2838行）";

/// A threshold of 三、采集范围.
struct Rule {
    min: f64,
    unit: &'static str,
    /// The threshold in m² where the gazette states it (工程化养殖: 折200平米, line 2842).
    min_m2: Option<f64>,
    zh: &'static str,
    en: &'static str,
}

const PLANTING_RULE: Rule =
    Rule { min: 0.5, unit: "亩", min_m2: None, zh: "种植面积 ≥ 0.5 亩", en: "planted area ≥ 0.5 mu" };
const POND_RULE: Rule =
    Rule {
        min: 10.0, unit: "亩", min_m2: None, zh: "水产养殖面积 ≥ 10 亩", en: "aquaculture area ≥ 10 mu"
    };
const INDUSTRIAL_RULE: Rule = Rule {
    min: 0.3,
    unit: "亩",
    min_m2: Some(200.0),
    zh: "工程化（工厂化）养殖 ≥ 0.3 亩（折200平方米）",
    en: "industrialised (tank) aquaculture ≥ 0.3 mu (200 m²)",
};

/// The rule of a key product; `None` for 其他.
fn rule_for(product: &str, industrialised: bool) -> Option<Rule> {
    let livestock = |min, unit, zh, en| Some(Rule { min, unit, min_m2: None, zh, en });
    match product_industry(product)? {
        Industry::Planting => Some(PLANTING_RULE),
        Industry::Aquatic if industrialised => Some(INDUSTRIAL_RULE),
        Industry::Aquatic => Some(POND_RULE),
        Industry::Livestock => match product {
            "生猪" => livestock(30.0, "头", "生猪存栏/暂养 ≥ 30 头", "pigs on hand ≥ 30 head"),
            "肉牛" => livestock(5.0, "头", "肉牛存栏/暂养 ≥ 5 头", "beef cattle on hand ≥ 5 head"),
            "肉羊" => livestock(50.0, "头", "肉羊存栏/暂养 ≥ 50 头", "mutton sheep on hand ≥ 50 head"),
            "乌鸡" => livestock(1000.0, "只", "乌鸡养殖 ≥ 1000 只", "black-bone chickens ≥ 1000 birds"),
            "鸡蛋" => livestock(500.0, "只", "蛋鸡养殖 ≥ 500 只", "laying hens ≥ 500 birds"),
            _ => None,
        },
    }
}

/// `scale unit` as a share of `rule`'s threshold (1.0 = exactly at it). An area in 平方米
/// is compared with the rule's own m² figure where the gazette gives one (工程化养殖
/// 200 m², line 2842), else converted at 1 亩 = 10 000/15 m² (the statutory 市亩).
fn share_of(rule: &Rule, scale: f64, unit: &str) -> Result<f64, String> {
    let converted = if unit == "平方米" && rule.unit == "亩" {
        Some(match rule.min_m2 {
            Some(m2) => scale / m2,
            None => scale / M2_PER_MU / rule.min,
        })
    } else {
        None
    };
    if converted.is_none() && unit != rule.unit {
        return Err(format!(
            "规模单位应为「{}」，记录为「{unit}」，无法判断是否达到采集标准（scale unit should be {}, got {unit:?}）",
            rule.unit, rule.unit
        ));
    }
    if !scale.is_finite() || scale <= 0.0 {
        return Err(format!("规模 {scale} 不是正数，无法判断是否达到采集标准（scale is not a positive number）"));
    }
    Ok(converted.unwrap_or(scale / rule.min))
}

/// How `scale unit` compares with `rule`: `Ok(true)` at or above it.
fn reaches(rule: &Rule, scale: f64, unit: &str) -> Result<bool, String> {
    if unit == "平方米" && rule.unit == "亩" {
        if let Some(m2) = rule.min_m2 {
            return share_of(rule, scale, unit).map(|_| scale >= m2);
        }
        return share_of(rule, scale, unit).map(|_| scale / M2_PER_MU >= rule.min);
    }
    if unit != rule.unit {
        return Err(format!(
            "规模单位应为「{}」，记录为「{unit}」，无法判断是否达到采集标准（scale unit should be {}, got {unit:?}）",
            rule.unit, rule.unit
        ));
    }
    if !scale.is_finite() || scale <= 0.0 {
        return Err(format!("规模 {scale} 不是正数，无法判断是否达到采集标准（scale is not a positive number）"));
    }
    // The gazette's "0.5亩以上" includes 0.5; the literals compare exactly as f64.
    Ok(scale >= rule.min)
}

/// The collection threshold (三、采集范围) for a record of `product` with `scale` in `unit`:
/// planting ≥ 0.5 亩; 生猪 ≥ 30 头; 肉牛 ≥ 5 头; 肉羊 ≥ 50 头; 乌鸡 ≥ 1000 只; 鸡蛋 (laying
/// hens) ≥ 500 只; the four fish ≥ 10 亩, or ≥ 0.3 亩 when `industrialised` (工程化养殖).
/// `industry` is used only for products that are not key products (其他).
pub fn threshold(
    product: &str,
    industry: Option<Industry>,
    scale: f64,
    unit: &str,
    industrialised: bool,
) -> ThresholdCheck {
    let Some(rule) = rule_for(product, industrialised) else {
        let mut note =
            "非12个重点品种，不属产地溯源强制采集范围（not one of the 12 key products: collection is not mandatory）"
                .to_owned();
        if industry == Some(Industry::Planting) {
            let reading = match reaches(&PLANTING_RULE, scale, unit) {
                Ok(true) => format!("本记录 {scale} 亩，达到"),
                Ok(false) => format!("本记录 {scale} 亩，未达到"),
                Err(e) => e,
            };
            note.push_str(&format!(
                "；参照种植业标准（种植面积 ≥ 0.5 亩）：{reading}（planting rule for reference: ≥ 0.5 mu）"
            ));
        }
        return ThresholdCheck {
            mandatory: false,
            rule: "仅12个重点品种须采集".into(),
            rule_en: "only the 12 key products must be collected".into(),
            note: Some(note),
            basis: vec![SCOPE_BASIS],
            aggregate: None,
        };
    };
    let (mandatory, mut note) = match reaches(&rule, scale, unit) {
        Ok(true) => (true, None),
        Ok(false) => (
            false,
            Some(format!(
                "规模 {scale} {unit} 低于采集标准（{}），不属强制采集，记录照常保存；同一主体多个基地或地块合计达到标准的，\
                 仍须逐个基地采集（below the threshold: not mandatory, kept; a subject whose bases together reach it is \
                 recorded once per base）",
                rule.zh
            )),
        ),
        Err(e) => (false, Some(e)),
    };
    let pond_below = !industrialised && product_industry(product) == Some(Industry::Aquatic) && !mandatory;
    if pond_below && unit == "亩" && scale >= INDUSTRIAL_RULE.min {
        let extra = "；若为工程化（工厂化）养殖，标准为 0.3 亩（折200平方米）（industrialised tanks: 0.3 mu）";
        note = note.map(|n| n + extra);
    }
    if unit == "平方米" && rule.min_m2.is_none() && product_industry(product) == Some(Industry::Aquatic) {
        let extra = "按 1 亩 = 666.67 平方米折算（converted at 1 mu = 666.67 m²）";
        note = Some(note.map_or_else(|| extra.to_owned(), |n| format!("{n}；{extra}")));
    }
    ThresholdCheck {
        mandatory,
        rule: rule.zh.into(),
        rule_en: rule.en.into(),
        note,
        basis: vec![SCOPE_BASIS],
        aggregate: None,
    }
}

/// What an answer says of a record that does not state 以商品生产为目的 (an assumption).
const FOR_MARKET_ASSUMED: &str =
    "未填是否以商品生产为目的，假定为是（assumption: produced for sale, since the record does not say）";

/// The collection scope's 以商品生产为目的 (三、采集范围, gazette line 2838) applied to a
/// threshold answer: a record not produced for sale (`Some(false)`) is outside the scope
/// whatever its scale; a record that does not say is taken as produced for sale, and the
/// answer says this is an assumption (假定).
pub fn apply_commodity_scope(mut check: ThresholdCheck, for_market: Option<bool>) -> ThresholdCheck {
    match for_market {
        Some(true) => {}
        Some(false) => {
            check.mandatory = false;
            check.aggregate = None;
            let text = "非以商品生产为目的（自产自用），不属产地溯源采集范围，记录照常保存（not produced for sale: \
                        outside the collection scope, kept）";
            check.note = Some(text.to_owned());
            check.basis.push(COMMODITY_BASIS);
        }
        None if check.mandatory => {
            let text = FOR_MARKET_ASSUMED;
            check.note = Some(check.note.map_or_else(|| text.to_owned(), |n| format!("{n}；{text}")));
            check.basis.push(COMMODITY_BASIS);
        }
        None => {}
    }
    check
}

/// One base or plot of a producer, as [`producer_thresholds`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct BaseScale<'a> {
    /// The record's id.
    pub id: i64,
    /// The producer: its identifier (`producer_id`), else its subject name; `None` when
    /// the record names neither (it is then judged alone).
    pub producer: Option<&'a str>,
    /// The product.
    pub product: &'a str,
    /// The industry (for 其他).
    pub industry: Option<Industry>,
    /// Scale and unit.
    pub scale: f64,
    /// Scale unit.
    pub unit: &'a str,
    /// 工程化养殖.
    pub industrialised: bool,
    /// 以商品生产为目的 (gazette line 2838).
    pub for_market: Option<bool>,
}

/// The collection threshold of every base or plot of `bases` (三、采集范围, gazette lines
/// 2838-2842), with 五、(二) applied (gazette line 2852): a producer's bases or plots of
/// one key product that are each below the threshold but together reach it must each be
/// collected; their answer is mandatory and says why ([`ThresholdCheck::aggregate`]).
/// Bases are grouped by producer, product and rule (ponds and industrialised tanks
/// apart); a base not produced for sale (line 2838) neither counts nor is counted.
/// The answers come in the order of `bases`.
pub fn producer_thresholds(bases: &[BaseScale<'_>]) -> Vec<ThresholdCheck> {
    let mut out: Vec<ThresholdCheck> = bases
        .iter()
        .map(|b| {
            apply_commodity_scope(threshold(b.product, b.industry, b.scale, b.unit, b.industrialised), b.for_market)
        })
        .collect();
    let mut groups: std::collections::BTreeMap<(&str, &str, bool), Vec<usize>> = std::collections::BTreeMap::new();
    for (i, b) in bases.iter().enumerate() {
        let Some(producer) = b.producer.map(str::trim).filter(|p| !p.is_empty()) else { continue };
        let tanks = b.industrialised && product_industry(b.product) == Some(Industry::Aquatic);
        if rule_for(b.product, tanks).is_some() && b.for_market != Some(false) {
            groups.entry((producer, b.product, tanks)).or_default().push(i);
        }
    }
    for ((producer, product, tanks), members) in groups {
        let Some(rule) = rule_for(product, tanks) else { continue };
        let shares: Vec<Option<f64>> =
            members.iter().map(|&i| share_of(&rule, bases[i].scale, bases[i].unit).ok()).collect();
        let total_share: f64 = shares.iter().flatten().sum();
        let counted = shares.iter().flatten().count();
        // The sum of several shares may fall a rounding error short of 1.
        if counted < 2 || total_share < 1.0 - 1e-9 {
            continue;
        }
        let ids: Vec<i64> = members.iter().map(|&i| bases[i].id).collect();
        let total = (total_share * rule.min * 1e6).round() / 1e6;
        for (&i, share) in members.iter().zip(&shares) {
            if share.is_none() || out[i].mandatory {
                continue;
            }
            let check = &mut out[i];
            check.mandatory = true;
            check.note = Some(format!(
                "本基地/地块单独未达到采集标准（{}），但同一主体「{producer}」该品种共 {} 个基地/地块，合计 {total} {} \
                 达到标准，须分别采集（below the threshold alone, but the producer's {} bases/plots of this \
                 product together reach it: each must be collected）",
                rule.zh,
                ids.len(),
                rule.unit,
                ids.len()
            ));
            check.basis.push(SEPARATE_BASES_BASIS);
            if bases[i].for_market.is_none() {
                // As apply_commodity_scope says of a record mandatory alone.
                check.note = check.note.take().map(|n| format!("{n}；{FOR_MARKET_ASSUMED}"));
                check.basis.push(COMMODITY_BASIS);
            }
            check.aggregate = Some(AggregateScale {
                producer: producer.to_owned(),
                bases: ids.len(),
                ids: ids.clone(),
                total,
                unit: rule.unit,
            });
        }
    }
    out
}

/// A problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field (property name as given, e.g. `contact_phone`, `township`, `position`).
    pub field: String,
    /// What is wrong, in Chinese with English in brackets.
    pub message: String,
}

/// What [`check_origin_record`] needs besides the record.
#[derive(Debug, Clone, Copy)]
pub struct RecordContext<'a> {
    /// The county's townships and villages.
    pub divisions: &'a Divisions,
    /// Whether the record's point is inside the 临猗县 boundary (checked by the caller).
    pub inside_county: bool,
    /// Today's date: default `collected_on`, and the latest date a record may carry.
    pub today: Date,
}

/// A record that passed the checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedRecord {
    /// The properties to store: fields of the `origin_points` layer only, normalised.
    pub properties: Map<String, Value>,
    /// The collection threshold and whether the record reaches it (the record alone:
    /// the producer's other bases are weighed by [`producer_thresholds`]).
    pub threshold: ThresholdCheck,
    /// How many items of the collection form are filled (全项采集, gazette line 2852).
    pub completeness: super::producer::Completeness,
    /// What was filled in, mapped or ignored (Chinese and English).
    pub notes: Vec<String>,
}

/// The properties [`check_origin_record`] keeps (fields of `origin_points`).
const STORED_FIELDS: [&str; 28] = [
    "subject_name",
    "subject_type",
    "industry",
    "product",
    "alias",
    "certification",
    "base_address",
    "township_code",
    "village_code",
    "contact_name",
    "contact_phone",
    "scale",
    "scale_unit",
    "market_date",
    "production_mode",
    "trace_means",
    "credit_rating",
    "grid_officer_name",
    "grid_officer_phone",
    "collector_name",
    "collector_phone",
    "industrialised",
    "collected_on",
    "updated_on",
    "accuracy",
    "source",
    "producer_id",
    "for_market",
];

/// Keys dropped without a note: names resolved into codes, values the server derives or
/// sets itself (audit fields are never taken from the client), and request keys.
const SILENTLY_DROPPED: [&str; 15] = [
    "township",
    "village",
    "township_name",
    "village_name",
    "threshold",
    "due",
    "notes",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "id",
    "lon",
    "lat",
    "crs",
];

/// Collects the normalised properties and the problems of one record.
struct Checker<'a> {
    props: &'a Map<String, Value>,
    out: Map<String, Value>,
    problems: Vec<FieldProblem>,
    notes: Vec<String>,
}

impl Checker<'_> {
    fn problem(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(FieldProblem { field: field.to_owned(), message: message.into() });
    }

    /// The trimmed text of `key`; `None` when absent, null or blank. Numbers are taken as
    /// their decimal text; other JSON types are a problem.
    fn text(&mut self, key: &str) -> Option<String> {
        let text = match self.props.get(key)? {
            Value::Null => return None,
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            other => {
                let kind = if other.is_boolean() { "true/false" } else { "a list or object" };
                self.problem(key, format!("应为文本，不能是 {kind}（expected text）"));
                return None;
            }
        };
        if text.is_empty() {
            return None;
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            self.problem(key, format!("超过 {MAX_TEXT_CHARS} 个字符（longer than {MAX_TEXT_CHARS} characters）"));
            return None;
        }
        Some(text)
    }

    fn required(&mut self, key: &str, label: &str) -> Option<String> {
        let text = self.text(key);
        if text.is_none() && !self.problems.iter().any(|p| p.field == key) {
            self.problem(key, format!("{label}为必填项（required）"));
        }
        text
    }

    fn keep(&mut self, key: &str, value: impl Into<Value>) {
        self.out.insert(key.to_owned(), value.into());
    }

    /// Free text kept as is.
    fn free_text(&mut self, key: &str, label: &str, required: bool) {
        let text = if required { self.required(key, label) } else { self.text(key) };
        if let Some(text) = text {
            self.keep(key, text);
        }
    }

    /// A value from `allowed` (or an alias of one).
    fn choice(
        &mut self,
        key: &str,
        label: &str,
        required: bool,
        allowed: &[&str],
        aliases: &[(&str, &str)],
    ) -> Option<String> {
        let text = if required { self.required(key, label) } else { self.text(key) }?;
        if allowed.contains(&text.as_str()) {
            return Some(text);
        }
        if let Some((_, value)) = aliases.iter().find(|(alias, _)| *alias == text) {
            return Some((*value).to_owned());
        }
        self.problem(key, format!("{label}「{text}」不是可选值：{}（not an allowed value）", allowed.join("、")));
        None
    }

    fn phone(&mut self, key: &str, label: &str, required: bool) {
        let text = if required { self.required(key, label) } else { self.text(key) };
        if let Some(text) = text {
            match check_phone(&text) {
                Ok(phone) => self.keep(key, phone),
                Err(message) => self.problem(key, format!("{label}：{message}")),
            }
        }
    }

    fn date(&mut self, key: &str, label: &str) -> Option<Date> {
        let text = self.text(key)?;
        match parse_date_lenient(&text) {
            Ok(date) => {
                self.keep(key, date.to_string());
                Some(date)
            }
            Err(message) => {
                self.problem(key, format!("{label}：{message}"));
                None
            }
        }
    }

    /// `(scale, unit written after the number)`.
    fn scale(&mut self) -> Option<(f64, Option<&'static str>)> {
        let not_a_number = |v: &str| format!("规模「{v}」不是数字（scale is not a number）");
        let (number, unit) = match self.props.get("scale") {
            None | Some(Value::Null) => (None, None),
            Some(Value::Number(n)) => (n.as_f64(), None),
            Some(Value::String(s)) if s.trim().is_empty() => (None, None),
            Some(Value::String(s)) => {
                let t = half_width(s.trim()).replace(',', "");
                let written =
                    SCALE_UNITS.iter().map(|u| (*u, *u)).chain(SCALE_UNIT_ALIASES).find(|(w, _)| t.ends_with(w));
                let unit = written.map(|(_, u)| u);
                let number = written.map_or(t.as_str(), |(w, _)| t[..t.len() - w.len()].trim());
                match number.parse::<f64>() {
                    Ok(x) if x.is_finite() => (Some(x), unit),
                    _ => {
                        self.problem("scale", not_a_number(s.trim()));
                        return None;
                    }
                }
            }
            Some(other) => {
                self.problem("scale", not_a_number(&other.to_string()));
                return None;
            }
        };
        let Some(number) = number else {
            self.problem("scale", "种养规模为必填项（required）");
            return None;
        };
        if number <= 0.0 {
            self.problem("scale", format!("种养规模须大于 0，记录为 {number}（scale must be positive）"));
            return None;
        }
        Some((number, unit))
    }

    /// `industrialised` as 0/1.
    fn industrialised(&mut self) -> Option<bool> {
        self.flag("industrialised", "是否工程化养殖")
    }

    /// A yes/no field as 0/1: 0/1, true/false, 是/否, yes/no.
    fn flag(&mut self, key: &str, label: &str) -> Option<bool> {
        let value = match self.props.get(key)? {
            Value::Null => return None,
            Value::Bool(b) => Some(*b),
            Value::Number(n) => n.as_f64().filter(|x| INDUSTRIALISED.contains(*x)).map(|x| x == 1.0),
            Value::String(s) => match s.trim().to_lowercase().as_str() {
                "" => return None,
                "0" | "false" | "否" | "no" => Some(false),
                "1" | "true" | "是" | "yes" => Some(true),
                _ => None,
            },
            _ => None,
        };
        if value.is_none() {
            self.problem(key, format!("{label}应为 0/1、true/false 或 是/否（expected 0/1, true/false or 是/否）"));
        }
        value
    }

    /// `trace_means` from a separated string or a JSON list, as a "、"-joined list in
    /// [`TRACE_MEANS`] order.
    fn trace_means(&mut self) {
        let items: Vec<String> = match self.props.get("trace_means") {
            None | Some(Value::Null) => return,
            Some(Value::String(s)) => s
                .split(['、', ',', '，', ';', '；', '/', '|'])
                .flat_map(str::split_whitespace)
                .map(str::to_owned)
                .collect(),
            Some(Value::Array(list)) if list.iter().all(Value::is_string) => {
                list.iter().filter_map(Value::as_str).map(|s| s.trim().to_owned()).collect()
            }
            Some(_) => {
                self.problem("trace_means", "追溯方式应为文本或文本列表（expected text or a list of texts）");
                return;
            }
        };
        let mut chosen = BTreeSet::new();
        let mut unknown = Vec::new();
        for item in items.iter().filter(|i| !i.is_empty()) {
            let canonical = TRACE_MEANS_ALIASES.iter().find(|(a, _)| a == item).map_or(item.as_str(), |(_, m)| m);
            match TRACE_MEANS.iter().position(|m| *m == canonical) {
                Some(index) => {
                    chosen.insert(index);
                }
                None => unknown.push(item.clone()),
            }
        }
        if !unknown.is_empty() {
            self.problem(
                "trace_means",
                format!(
                    "追溯方式「{}」不是可选值：{}（not an allowed traceability means）",
                    unknown.join("、"),
                    TRACE_MEANS.join("、")
                ),
            );
        } else if !chosen.is_empty() {
            let joined: Vec<&str> = chosen.into_iter().map(|i| TRACE_MEANS[i]).collect();
            self.keep("trace_means", joined.join("、"));
        }
    }

    /// The key given for a division (`township_code`, else `township`), its text, and the
    /// text of `township` when both are given.
    fn division_text(&mut self, code_key: &str, name_key: &str) -> Option<(String, String, Option<String>)> {
        let by_code = self.text(code_key);
        let by_name = self.text(name_key);
        match (by_code, by_name) {
            (Some(code), name) => Some((code_key.to_owned(), code, name)),
            (None, Some(name)) => Some((name_key.to_owned(), name, None)),
            (None, None) => None,
        }
    }
}

/// Checks one origin-point record and returns the properties to store.
///
/// `props`: field names of the `origin_points` layer; `township`/`village` (name, variant
/// or code) are accepted in place of `township_code`/`village_code` and resolved with
/// `ctx.divisions` (if both are given they must agree). Checks: required fields
/// (subject_name, subject_type, product, township, position inside the county via
/// `ctx.inside_county`, contact_name, contact_phone, scale, scale_unit); allowed values
/// (subject type, product, industry, unit, production mode, traceability means, accuracy)
/// with the document's wordings accepted as aliases (农民专业合作社 → 农民合作社, 蛋鸡 → 鸡蛋,
/// 动物检疫合格证明 → 动物检疫合格证); phones ([`check_phone`]); product ↔ industry ↔ unit
/// consistency; dates ([`parse_date_lenient`], not after `ctx.today`, `updated_on` not
/// before `collected_on`); scale a positive number (numeric text accepted, a unit written
/// after it fills `scale_unit`); `industrialised` 0/1/true/false/是/否 → 0/1.
///
/// Normalised output: `industry` filled from the product; `trace_means` joined with "、"
/// in the order of [`TRACE_MEANS`]; phones normalised; dates `YYYY-MM-DD`; `collected_on`
/// defaults to `ctx.today`; `accuracy` defaults to `approximate`. Keys that are not
/// fields are dropped: resolved names, derived values (`township_name`, `threshold`,
/// `due`), request keys (`lon`, `lat`, `crs`, `id`) and the audit fields
/// (`created_*`/`updated_*`, set by the server) silently, anything else with a note.
/// A problem with the point's position is reported on field `position`.
///
/// Every problem is returned at once.
pub fn check_origin_record(
    props: &Map<String, Value>,
    ctx: &RecordContext,
) -> Result<CheckedRecord, Vec<FieldProblem>> {
    let mut c = Checker { props, out: Map::new(), problems: Vec::new(), notes: Vec::new() };
    let (product, industry) = c.subject_and_product();
    c.divisions(ctx);
    c.contacts();
    let (scale, unit) = c.scale_and_unit(product.as_deref(), industry);
    let industrialised = c.production(industry);
    let for_market = c.flag("for_market", "是否以商品生产为目的");
    if let Some(b) = for_market {
        c.keep("for_market", i64::from(b));
    }
    c.producer_id();
    c.dates(ctx);
    c.provenance();
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let threshold = threshold(
        product.as_deref().unwrap_or_default(),
        industry,
        scale.map_or(f64::NAN, |(x, _)| x),
        unit.as_deref().unwrap_or_default(),
        industrialised == Some(true) && industry == Some(Industry::Aquatic),
    );
    let threshold = apply_commodity_scope(threshold, for_market);
    let completeness = super::producer::completeness(&c.out, true);
    Ok(CheckedRecord { properties: c.out, threshold, completeness, notes: c.notes })
}

/// The parts of [`check_origin_record`], one per group of the collection form.
impl Checker<'_> {
    /// Subject name and type; the product with its industry (a key product's own,
    /// checked against a given one) and alias.
    fn subject_and_product(&mut self) -> (Option<String>, Option<Industry>) {
        self.free_text("subject_name", "种养殖主体名称", true);
        if let Some(t) = self.choice("subject_type", "主体类型", true, SUBJECT_TYPES, &SUBJECT_TYPE_ALIASES) {
            self.keep("subject_type", t);
        }
        let product_given = self.text("product");
        let product = self.choice("product", "产品名称", true, PRODUCT_VALUES, &PRODUCT_ALIASES);
        if let (Some(p), Some(given)) = (&product, &product_given)
            && p != given
        {
            self.notes.push(format!("产品「{given}」按重点品种「{p}」记录（product {given:?} recorded as {p:?}）"));
            if self.props.get("alias").and_then(Value::as_str).is_none_or(|a| a.trim().is_empty()) {
                self.keep("alias", given.clone());
            }
        }
        let industry_text = self.text("industry");
        let industry_given = match &industry_text {
            None => None,
            Some(t) => match Industry::parse(t) {
                Some(i) => Some(i),
                None => {
                    self.problem(
                        "industry",
                        format!("所属行业「{t}」不是可选值：种植业、畜牧业、渔业（not an allowed industry）"),
                    );
                    None
                }
            },
        };
        let key_industry = product.as_deref().and_then(product_industry);
        let industry = match (key_industry, industry_given) {
            (Some(expected), Some(given)) if expected != given => {
                let p = product.as_deref().unwrap_or_default();
                self.problem(
                    "industry",
                    format!(
                        "产品「{p}」属于{}，记录为{}（product {p} belongs to {}, not {}）",
                        expected.name_zh(),
                        given.name_zh(),
                        expected.name_en(),
                        given.name_en()
                    ),
                );
                None
            }
            (Some(expected), _) => Some(expected),
            (None, given) => given,
        };
        if let Some(i) = industry {
            self.keep("industry", i.name_zh());
        } else if product.as_deref() == Some("其他") && industry_text.is_none() {
            self.notes.push("其他产品未填所属行业（industry not given for a product other than the 12）".into());
        }
        if let Some(p) = &product {
            self.keep("product", p.clone());
        }
        self.free_text("alias", "别名", false);
        self.free_text("certification", "产品认证类型", false);
        self.free_text("base_address", "基地地址", false);
        (product, industry)
    }

    /// Township and village, resolved to official codes (with the gazette's OCR
    /// variants), and the position's county.
    fn divisions(&mut self, ctx: &RecordContext) {
        let mut township_code = None;
        match self.division_text("township_code", "township") {
            None => self.problem("township_code", "所属乡镇为必填项（required）"),
            Some((key, text, other)) => match ctx.divisions.resolve_township(&text) {
                Ok(resolved) => {
                    if let Some(other) = other
                        && ctx.divisions.resolve_township(&other).map(|r| r.code) != Ok(resolved.code.clone())
                    {
                        self.problem(
                            "township",
                            format!("township 与 township_code 不一致：「{other}」与「{text}」（township and township_code disagree）"),
                        );
                    }
                    if let Some(variant) = &resolved.via_variant {
                        self.notes.push(format!(
                            "乡镇「{variant}」按异体/误写对照表识别为「{}」（{variant} read as {}）",
                            resolved.name, resolved.name
                        ));
                    }
                    self.keep("township_code", resolved.code.clone());
                    township_code = Some(resolved.code);
                }
                Err(e) => self.problem(&key, e.message),
            },
        }
        if let Some((key, text, other)) = self.division_text("village_code", "village")
            && let Some(township) = &township_code
        {
            if let Some(other) = other
                && ctx.divisions.resolve_village(township, &other).map(|r| r.code)
                    != ctx.divisions.resolve_village(township, &text).map(|r| r.code)
            {
                self.problem(
                    "village",
                    format!(
                        "village 与 village_code 不一致：「{other}」与「{text}」（village and village_code disagree）"
                    ),
                );
            }
            match ctx.divisions.resolve_village(township, &text) {
                Ok(resolved) => {
                    if let Some(variant) = &resolved.via_variant {
                        self.notes.push(format!(
                            "村「{variant}」按对照表识别为「{}」（{variant} read as {}）",
                            resolved.name, resolved.name
                        ));
                    }
                    self.keep("village_code", resolved.code);
                }
                Err(e) => self.problem(&key, e.message),
            }
        }
        if !ctx.inside_county {
            self.problem("position", "点位不在临猗县境内（the point is outside 临猗县）");
        }
    }

    /// The subject's, grid officer's and collector's names and phones.
    fn contacts(&mut self) {
        self.free_text("contact_name", "种养殖主体联系人", true);
        self.phone("contact_phone", "联系方式", true);
        self.free_text("grid_officer_name", "网格员姓名", false);
        self.phone("grid_officer_phone", "网格员联系方式", false);
        self.free_text("collector_name", "信息采集员姓名", false);
        self.phone("collector_phone", "信息采集员联系方式", false);
    }

    /// Scale and unit: the unit given or written with the scale, fitting the
    /// product or industry, and the scale within the unit's range.
    fn scale_and_unit(
        &mut self,
        product: Option<&str>,
        industry: Option<Industry>,
    ) -> (Option<(f64, Option<&'static str>)>, Option<String>) {
        let scale = self.scale();
        let unit_given = self.choice("scale_unit", "规模单位", false, SCALE_UNITS, &SCALE_UNIT_ALIASES);
        let unit = match (unit_given, scale.and_then(|(_, u)| u)) {
            (Some(u), Some(written)) if u != written => {
                self.problem("scale_unit", format!("规模单位「{u}」与规模中写的「{written}」不一致（units disagree）"));
                None
            }
            (Some(u), _) => Some(u),
            (None, Some(written)) => Some(written.to_owned()),
            (None, None) => {
                if !self.problems.iter().any(|p| p.field == "scale_unit") {
                    self.problem(
                        "scale_unit",
                        "规模单位为必填项：亩、头、只 或 平方米（required: 亩, 头, 只 or 平方米）",
                    );
                }
                None
            }
        };
        if let Some(u) = &unit {
            let expected: Option<Vec<&str>> = match product.map(product_units) {
                Some(units) if !units.is_empty() => Some(units.to_vec()),
                _ => industry.map(|i| i.units().to_vec()),
            };
            match expected {
                Some(units) if !units.contains(&u.as_str()) => {
                    let what = product.unwrap_or_default();
                    self.problem(
                        "scale_unit",
                        format!(
                            "{what}的规模单位应为「{}」，记录为「{u}」（unit should be {})",
                            units.join("」或「"),
                            units.join(" or ")
                        ),
                    );
                }
                _ => self.keep("scale_unit", u.clone()),
            }
        }
        // The range of the unit, once the unit is accepted (a wrong unit is reported alone).
        let kept_unit = self.out.get("scale_unit").and_then(Value::as_str);
        if let (Some((x, _)), Some(range)) = (scale, kept_unit.and_then(scale_range))
            && let Err(e) = range.check("scale", x)
        {
            self.problem("scale", format!("种养规模 {} {} 不在允许范围内（{e}）", e.value, range.unit));
        } else if let Some((x, _)) = scale
            && let Some(n) = Number::from_f64(x)
        {
            self.keep("scale", n);
        }
        (scale, unit)
    }

    /// Market date, production mode, trace means, credit rating, and whether a
    /// fish farm is industrialised (aquaculture only).
    fn production(&mut self, industry: Option<Industry>) -> Option<bool> {
        self.date("market_date", "上市时间");
        if let Some(mode) = self.choice("production_mode", "生产方式", false, PRODUCTION_MODES, &[]) {
            self.keep("production_mode", mode);
        }
        self.trace_means();
        self.free_text("credit_rating", "信用等级", false);

        let industrialised = self.industrialised();
        match industrialised {
            Some(true) if industry != Some(Industry::Aquatic) => {
                self.notes.push(
                    "工程化养殖只适用于渔业，已按 0 记录（industrialised applies to aquaculture only; set to 0）"
                        .into(),
                );
                self.keep("industrialised", 0);
            }
            Some(b) => self.keep("industrialised", i64::from(b)),
            None => {}
        }
        industrialised
    }

    /// Collection and update dates: collection defaults to today, neither in the
    /// future, the update not before the collection.
    fn dates(&mut self, ctx: &RecordContext) {
        let collected_on = match self.date("collected_on", "采集日期") {
            Some(d) => Some(d),
            None if !self.problems.iter().any(|p| p.field == "collected_on") => {
                self.keep("collected_on", ctx.today.to_string());
                self.notes.push(format!("采集日期未填，按今天 {} 记录（collected_on defaults to today）", ctx.today));
                Some(ctx.today)
            }
            None => None,
        };
        let updated_on = self.date("updated_on", "最近更新日期");
        for (key, date) in [("collected_on", collected_on), ("updated_on", updated_on)] {
            if let Some(d) = date
                && d > ctx.today
            {
                self.problem(key, format!("{d} 晚于今天 {}（date is in the future）", ctx.today));
            }
        }
        if let (Some(collected), Some(updated)) = (collected_on, updated_on)
            && updated < collected
        {
            self.problem(
                "updated_on",
                format!("最近更新日期 {updated} 早于采集日期 {collected}（updated_on before collected_on）"),
            );
        }
    }

    /// The producer the record is a base/plot of: a unified social credit code or a
    /// platform identifier ([`super::producer::check_producer_id`]).
    fn producer_id(&mut self) {
        if let Some(text) = self.text("producer_id") {
            match super::producer::check_producer_id(&text) {
                Ok(id) => self.keep("producer_id", id),
                Err(message) => self.problem("producer_id", format!("种养殖主体编号：{message}")),
            }
        }
    }

    /// Accuracy and source, and a note naming unknown fields.
    fn provenance(&mut self) {
        let accuracy = self.choice("accuracy", "精度", false, ACCURACY_VALUES, &[]);
        self.keep("accuracy", accuracy.unwrap_or_else(|| "approximate".into()));
        self.free_text("source", "来源", false);

        let ignored: Vec<&str> = self
            .props
            .keys()
            .map(String::as_str)
            .filter(|k| !STORED_FIELDS.contains(k) && !SILENTLY_DROPPED.contains(k))
            .collect();
        if !ignored.is_empty() {
            self.notes.push(format!("未知字段已忽略：{}（unknown fields ignored）", ignored.join("、")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::layers::KEY_PRODUCTS;
    use crate::traceability::divisions::tests::county;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    const TODAY: Date = Date::ymd(2023, 6, 20);

    fn check(v: Value) -> Result<CheckedRecord, Vec<FieldProblem>> {
        let d = county();
        check_origin_record(&obj(v), &RecordContext { divisions: &d, inside_county: true, today: TODAY })
    }

    fn fields(problems: &[FieldProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    fn valid() -> Value {
        json!({
            "subject_name": "临猗县示例蔬菜专业合作社",
            "subject_type": "农民合作社",
            "product": "豇豆",
            "township": "猗氏镇",
            "village": "王村",
            "contact_name": "示例联系人",
            "contact_phone": "138 0000 0001",
            "scale": 12.5,
            "scale_unit": "亩",
            "collected_on": "2023-06-12",
        })
    }

    #[test]
    fn thresholds_at_their_edges() {
        let cases: [(&str, f64, f64, &str, bool); 8] = [
            ("豇豆", 0.49, 0.5, "亩", false),
            ("生猪", 29.0, 30.0, "头", false),
            ("肉牛", 4.0, 5.0, "头", false),
            ("肉羊", 49.0, 50.0, "头", false),
            ("乌鸡", 999.0, 1000.0, "只", false),
            ("鸡蛋", 499.0, 500.0, "只", false),
            ("大口黑鲈", 9.99, 10.0, "亩", false),
            ("乌鳢", 0.29, 0.3, "亩", true),
        ];
        for (product, below, at, unit, industrialised) in cases {
            let b = threshold(product, None, below, unit, industrialised);
            assert!(!b.mandatory, "{product} {below}");
            assert!(b.note.as_deref().unwrap().contains("低于采集标准"), "{product}: {:?}", b.note);
            let a = threshold(product, None, at, unit, industrialised);
            assert!(a.mandatory, "{product} {at}");
            assert_eq!(a.note, None);
            assert_eq!(a.rule, b.rule);
            assert!(threshold(product, None, at * 100.0, unit, industrialised).mandatory);
        }
        for p in ["韭菜", "芹菜"] {
            assert!(!threshold(p, None, 0.49, "亩", false).mandatory);
            assert!(threshold(p, None, 0.5, "亩", false).mandatory);
        }
        for p in ["鳊鱼", "大黄鱼"] {
            assert!(!threshold(p, None, 9.99, "亩", false).mandatory);
            assert!(threshold(p, None, 0.3, "亩", true).mandatory);
        }
        assert_eq!(threshold("生猪", None, 30.0, "头", false).rule, "生猪存栏/暂养 ≥ 30 头");
        assert_eq!(threshold("鸡蛋", None, 500.0, "只", false).rule, "蛋鸡养殖 ≥ 500 只");
        assert_eq!(threshold("鸡蛋", None, 500.0, "只", false).rule_en, "laying hens ≥ 500 birds");
    }

    #[test]
    fn aquaculture_rules() {
        // A 5 亩 pond is below the pond rule; the note mentions the industrialised rule.
        let pond = threshold("乌鳢", None, 5.0, "亩", false);
        assert!(!pond.mandatory);
        assert_eq!(pond.rule, "水产养殖面积 ≥ 10 亩");
        assert!(pond.note.unwrap().contains("若为工程化"));
        let tank = threshold("乌鳢", None, 5.0, "亩", true);
        assert!(tank.mandatory);
        assert!(tank.rule.contains("0.3 亩（折200平方米）"));
        // Industrialised is ignored for other products.
        assert!(!threshold("豇豆", None, 0.3, "亩", true).mandatory);
    }

    /// 三、3 (gazette line 2842): 工程化养殖车在0.3亩(折200平米)以上 — tanks may be entered
    /// in m², compared with 200 m² as the gazette states it.
    #[test]
    fn industrialised_tanks_in_square_metres() {
        let tank = threshold("乌鳢", None, 200.0, "平方米", true);
        assert!(tank.mandatory, "{tank:?}");
        assert!(tank.basis[0].contains("2838-2842"));
        assert!(!threshold("乌鳢", None, 199.9, "平方米", true).mandatory);
        // 0.3 亩 and 200 m² are the same threshold.
        assert!(threshold("乌鳢", None, 0.3, "亩", true).mandatory);
        // A pond in m² is converted (10 亩 = 6 666.67 m²) and the answer says so.
        let pond = threshold("鳊鱼", None, 6_000.0, "平方米", false);
        assert!(!pond.mandatory);
        assert!(pond.note.unwrap().contains("666.67"));
        assert!(threshold("鳊鱼", None, 6_667.0, "平方米", false).mandatory);
        // Through the record check: "250平米" fills the unit; vegetables stay in 亩.
        let mut v = valid();
        v["product"] = json!("大口黑鲈");
        v["industrialised"] = json!("是");
        v["scale"] = json!("250平米");
        v.as_object_mut().unwrap().remove("scale_unit");
        let r = check(v).unwrap();
        assert_eq!(
            (r.properties["scale"].as_f64(), r.properties["scale_unit"].as_str()),
            (Some(250.0), Some("平方米"))
        );
        assert!(r.threshold.mandatory);
        let mut v = valid();
        v["scale_unit"] = json!("平方米");
        let problems = check(v).unwrap_err();
        assert_eq!(fields(&problems), ["scale_unit"]);
    }

    /// 三、采集范围 (gazette line 2838): 且以商品生产为目的 — a record not produced for sale
    /// is outside the scope; a record that does not say is assumed for sale (labelled).
    #[test]
    fn produced_for_sale_is_part_of_the_scope() {
        let mut v = valid();
        v["for_market"] = json!("否");
        let r = check(v).unwrap();
        assert_eq!(r.properties["for_market"], 0);
        assert!(!r.threshold.mandatory);
        assert!(r.threshold.note.as_deref().unwrap().contains("非以商品生产为目的"));
        assert!(r.threshold.basis.iter().any(|b| b.contains("第2838行")));
        let r = check(valid()).unwrap();
        assert!(r.threshold.mandatory);
        assert!(r.threshold.note.as_deref().unwrap().contains("假定"));
        let mut v = valid();
        v["for_market"] = json!(1);
        let r = check(v).unwrap();
        assert_eq!(r.threshold.note, None);
        let mut v = valid();
        v["for_market"] = json!("也许");
        assert_eq!(fields(&check(v).unwrap_err()), ["for_market"]);
    }

    /// 五、(二) (gazette line 2852): 种养殖主体有多个基地或在同一个基地有多个地块，总计达到规模标准的，
    /// 要分别进行采集 — each base below the threshold alone is mandatory when the producer's
    /// bases of the product together reach it, and the answer says why.
    #[test]
    fn bases_of_one_producer_are_judged_together() {
        let base = |id, producer, product, scale, unit| BaseScale {
            id,
            producer,
            product,
            industry: None,
            scale,
            unit,
            industrialised: false,
            for_market: Some(true),
        };
        let bases = [
            base(1, Some("ZT140821-000001"), "豇豆", 0.2, "亩"),
            base(2, Some("ZT140821-000001"), "豇豆", 0.3, "亩"),
            base(3, Some("ZT140821-000001"), "韭菜", 0.3, "亩"),
            base(4, Some("ZT140821-000002"), "豇豆", 0.2, "亩"),
            base(5, None, "豇豆", 0.4, "亩"),
            base(6, Some("ZT140821-000003"), "生猪", 20.0, "头"),
            base(7, Some("ZT140821-000003"), "生猪", 40.0, "头"),
        ];
        let t = producer_thresholds(&bases);
        let mandatory: Vec<bool> = t.iter().map(|c| c.mandatory).collect();
        assert_eq!(mandatory, [true, true, false, false, false, true, true]);
        let agg = t[0].aggregate.as_ref().unwrap();
        assert_eq!((agg.bases, agg.total, agg.unit, agg.ids.clone()), (2, 0.5, "亩", vec![1, 2]));
        assert!(t[0].note.as_deref().unwrap().contains("合计 0.5 亩"), "{:?}", t[0].note);
        assert!(t[0].basis.iter().any(|b| b.contains("第2852行")));
        // 20 头 alone is below 30; with the 40-head base the producer reaches it. The base
        // that reaches the threshold alone needs no aggregate reason.
        assert!(t[5].aggregate.is_some() && t[6].aggregate.is_none());
        // Without 以商品生产为目的 the answer says it assumed it (line 2838).
        let mut unstated = bases;
        unstated[0].for_market = None;
        let t = producer_thresholds(&unstated);
        assert!(t[0].mandatory && t[0].note.as_deref().unwrap().contains("假定"), "{:?}", t[0].note);
        // A base not produced for sale does not count.
        let mut not_for_sale = bases;
        not_for_sale[1].for_market = Some(false);
        let t = producer_thresholds(&not_for_sale);
        assert!(!t[0].mandatory && !t[1].mandatory);
        // Tanks in m² and in 亩 add up on their own rule: 100 m² + 0.15 亩 = 200 m².
        let mut tanks = [base(1, Some("甲"), "乌鳢", 100.0, "平方米"), base(2, Some("甲"), "乌鳢", 0.15, "亩")];
        for t in &mut tanks {
            t.industrialised = true;
        }
        assert!(producer_thresholds(&tanks).iter().all(|c| c.mandatory));
    }

    #[test]
    fn wrong_units_and_bad_scales_are_not_mandatory() {
        let t = threshold("生猪", None, 300.0, "只", false);
        assert!(!t.mandatory);
        assert!(t.note.unwrap().contains("规模单位应为「头」"));
        assert!(!threshold("豇豆", None, f64::NAN, "亩", false).mandatory);
        assert!(!threshold("豇豆", None, 0.0, "亩", false).mandatory);
        assert!(!threshold("豇豆", None, -1.0, "亩", false).mandatory);
    }

    #[test]
    fn other_products_are_never_mandatory() {
        let t = threshold("其他", None, 100.0, "亩", false);
        assert!(!t.mandatory);
        assert!(t.note.as_deref().unwrap().contains("非12个重点品种"));
        assert!(!t.note.unwrap().contains("参照种植业"));
        let t = threshold("其他", Some(Industry::Planting), 0.5, "亩", false);
        assert!(!t.mandatory);
        assert!(
            t.note.as_deref().unwrap().contains("参照种植业标准（种植面积 ≥ 0.5 亩）：本记录 0.5 亩，达到"),
            "{t:?}"
        );
        let t = threshold("其他", Some(Industry::Planting), 0.49, "亩", false);
        assert!(t.note.unwrap().contains("未达到"));
        assert_eq!(threshold("苹果", Some(Industry::Livestock), 1.0, "头", false).rule, "仅12个重点品种须采集");
    }

    #[test]
    fn products_industries_units() {
        for p in KEY_PRODUCTS {
            assert!(product_industry(p).is_some(), "{p}");
            let unit = product_unit(p).unwrap();
            assert!(product_industry(p).unwrap().units().contains(&unit), "{p}");
            assert!(rule_for(p, false).is_some_and(|r| r.unit == unit), "{p}");
        }
        assert_eq!(product_industry("其他"), None);
        assert_eq!(product_unit("其他"), None);
        assert_eq!(product_industry("鸡蛋"), Some(Industry::Livestock));
        assert_eq!(product_industry("大黄鱼"), Some(Industry::Aquatic));
        assert_eq!(product_unit("乌鸡"), Some("只"));
        assert_eq!(Industry::parse("渔业"), Some(Industry::Aquatic));
        assert_eq!(Industry::parse("林业"), None);
        assert_eq!(serde_json::to_value(Industry::Planting).unwrap(), json!("种植业"));
    }

    #[test]
    fn phones() {
        for (given, expected) in [
            ("13800000001", "13800000001"),
            ("138 0000 0001", "13800000001"),
            ("138-0000-0001", "13800000001"),
            ("+86 138 0000 0001", "13800000001"),
            ("008613800000001", "13800000001"),
            ("8613800000001", "13800000001"),
            ("１３８００００００01", "13800000001"),
            ("19912345678", "19912345678"),
            ("0359-4028132", "0359-4028132"),
            ("03594028132", "0359-4028132"),
            ("(0359) 402 8132", "0359-4028132"),
            ("（0359）4028132", "0359-4028132"),
        ] {
            assert_eq!(check_phone(given).as_deref(), Ok(expected), "{given}");
        }
        for bad in ["", "12800000001", "1380000000", "138000000011", "138abc00001", "0359-402813", "0359-0028132"] {
            assert!(check_phone(bad).is_err(), "{bad}");
        }
        assert!(check_phone("4028132").unwrap_err().contains("须带区号"));
        assert!(check_phone("0359-402813").unwrap_err().contains("7 或 8 位"));
        assert!(check_phone("hello").unwrap_err().contains("not a mainland mobile number"));
    }

    /// 四、采集内容 (gazette line 2848) asks for 联系方式 without limiting it to 临猗县: every
    /// mainland landline with its area code, with or without an extension, is accepted
    /// (issue 15: a 0351 太原 landline used to be refused).
    #[test]
    fn landlines_of_every_area_code_and_extensions() {
        for (given, expected) in [
            ("0351-7654321", "0351-7654321"),
            ("0351-87654321", "0351-87654321"),
            ("(0351)7654321", "0351-7654321"),
            ("010-62345678", "010-62345678"),
            ("021 5234 5678", "021-52345678"),
            ("0755-86543210", "0755-86543210"),
            ("0359-4028132 转 801", "0359-4028132-801"),
            ("0359-4028132转801", "0359-4028132-801"),
            ("0351-7654321 ext. 12", "0351-7654321-12"),
            ("0351-7654321-801", "0351-7654321-801"),
            ("(0359) 402 8132", "0359-4028132"),
        ] {
            assert_eq!(check_phone(given).as_deref(), Ok(expected), "{given}");
        }
        // Each refusal names what is wrong.
        let err = |t: &str| check_phone(t).unwrap_err();
        assert!(err("010-6234567").contains("8 位本地号码"), "{}", err("010-6234567"));
        assert!(err("0351-0654321").contains("不能以 0 或 1 开头"));
        assert!(err("0151-7654321").contains("区号"));
        assert!(err("0351-7654321 转 abc").contains("分机号"));
        assert!(err("13800000001 转 8").contains("手机号不能带分机号"));
        assert!(err("12800000001").contains("第二位"));
        assert!(err("1380000000").contains("11 位"));
        assert!(err("0351").contains("缺少本地号码"));
    }

    /// Phone problems are reported on the field that holds the number (issue 15: keep
    /// the check's reasons field-specific).
    #[test]
    fn phone_problems_name_their_field() {
        let mut v = valid();
        v["contact_phone"] = json!("0351-7654321");
        v["grid_officer_phone"] = json!("010-6234567");
        v["collector_phone"] = json!("0359-4028132 转 12");
        let problems = check(v).unwrap_err();
        assert_eq!(fields(&problems), ["grid_officer_phone"]);
        assert!(problems[0].message.starts_with("网格员联系方式："), "{}", problems[0].message);
    }

    #[test]
    fn lenient_dates() {
        for (given, expected) in [
            ("2023-06-12", Date::ymd(2023, 6, 12)),
            ("2023/06/12", Date::ymd(2023, 6, 12)),
            ("2023.06.12", Date::ymd(2023, 6, 12)),
            ("2023/6/5", Date::ymd(2023, 6, 5)),
            ("2023年6月5日", Date::ymd(2023, 6, 5)),
            (" ２０２３-06-12 ", Date::ymd(2023, 6, 12)),
        ] {
            assert_eq!(parse_date_lenient(given), Ok(expected), "{given}");
        }
        for bad in ["2023-06", "2023/06-12", "23-06-12", "2023-006-12", "June 5", "", "2023-6-5-1"] {
            assert!(parse_date_lenient(bad).unwrap_err().contains("不是日期"), "{bad}");
        }
        assert!(parse_date_lenient("2023-02-30").unwrap_err().contains("日历日期"));
    }

    #[test]
    fn a_valid_record_is_normalised() {
        let r = check(valid()).unwrap();
        let p = &r.properties;
        assert_eq!(p["township_code"], "140821100");
        assert_eq!(p["village_code"], "140821100200");
        assert_eq!(p["industry"], "种植业");
        assert_eq!(p["contact_phone"], "13800000001");
        assert_eq!(p["scale"], 12.5);
        assert_eq!(p["collected_on"], "2023-06-12");
        assert_eq!(p["accuracy"], "approximate");
        assert!(!p.contains_key("township") && !p.contains_key("village"));
        for key in p.keys() {
            assert!(STORED_FIELDS.contains(&key.as_str()), "{key}");
        }
        assert!(r.threshold.mandatory);
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn checked_records_pass_the_layer_schema() {
        use crate::schema::layers::LayerKind;
        for name in STORED_FIELDS.iter().chain(["created_at", "created_by", "updated_at", "updated_by"].iter()) {
            assert!(LayerKind::OriginPoints.field(name).is_some(), "{name}");
        }
        let mut v = valid();
        v["product"] = json!("大口黑鲈");
        v["industrialised"] = json!("是");
        v["scale"] = json!(0.3);
        v["updated_on"] = json!("2023-06-19");
        v["market_date"] = json!("2023/9/1");
        v["trace_means"] = json!("追溯码;包装标识");
        v["grid_officer_phone"] = json!("0359-4028132");
        let r = check(v).unwrap();
        crate::schema::validate::validate_properties(LayerKind::OriginPoints, &r.properties).unwrap();
        assert!(r.threshold.mandatory);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let d = county();
        let props = obj(json!({
            "subject_type": "个体户",
            "product": "苹果",
            "industry": "林业",
            "township": "嵋杨镇",
            "contact_phone": "12345",
            "grid_officer_phone": "4028132",
            "scale": "很多",
            "scale_unit": "斤",
            "market_date": "下个月",
            "production_mode": "大棚",
            "trace_means": "追溯码、二维码",
            "industrialised": "也许",
            "collected_on": "2023-13-01",
            "accuracy": "exact",
        }));
        let ctx = RecordContext { divisions: &d, inside_county: false, today: TODAY };
        let problems = check_origin_record(&props, &ctx).unwrap_err();
        let mut got = fields(&problems);
        got.sort_unstable();
        let mut expected = vec![
            "subject_name",
            "subject_type",
            "product",
            "industry",
            "township",
            "position",
            "contact_name",
            "contact_phone",
            "grid_officer_phone",
            "scale",
            "scale_unit",
            "market_date",
            "production_mode",
            "trace_means",
            "industrialised",
            "collected_on",
            "accuracy",
        ];
        expected.sort_unstable();
        assert_eq!(got, expected, "{problems:#?}");
        let message = |f: &str| problems.iter().find(|p| p.field == f).unwrap().message.clone();
        assert_eq!(message("township"), "未知乡镇 \"嵋杨镇\"（unknown township）；是否为：嵋阳镇？");
        assert!(message("subject_name").contains("必填"));
        assert!(message("trace_means").contains("二维码"));
        assert!(message("grid_officer_phone").contains("0359"));
        assert!(message("position").contains("临猗县"));
    }

    #[test]
    fn missing_required_fields() {
        let problems = check(json!({})).unwrap_err();
        let mut got = fields(&problems);
        got.sort_unstable();
        let mut expected = [
            "subject_name",
            "subject_type",
            "product",
            "township_code",
            "contact_name",
            "contact_phone",
            "scale",
            "scale_unit",
        ];
        expected.sort_unstable();
        assert_eq!(got, expected);
        // Blank strings count as missing.
        let mut v = valid();
        v["contact_name"] = json!("  ");
        assert_eq!(fields(&check(v).unwrap_err()), ["contact_name"]);
    }

    #[test]
    fn township_variants_codes_and_villages() {
        let mut v = valid();
        v["township"] = json!("崞阳镇");
        v["village"] = json!("曹家营村");
        let r = check(v).unwrap();
        assert_eq!(r.properties["township_code"], "140821101");
        assert_eq!(r.properties["village_code"], "140821101208");
        assert!(r.notes.iter().any(|n| n.contains("崞阳镇") && n.contains("嵋阳镇")), "{:?}", r.notes);

        let mut v = valid();
        v.as_object_mut().unwrap().remove("township");
        v["township_code"] = json!("140821100");
        v["village_code"] = json!("140821100200");
        let r = check(v).unwrap();
        assert_eq!(r.properties["village_code"], "140821100200");

        let mut v = valid();
        v["township_code"] = json!("140821101");
        assert_eq!(fields(&check(v).unwrap_err()), ["township", "village"]);

        let mut v = valid();
        v["village"] = json!("曹家营村");
        let problems = check(v).unwrap_err();
        assert_eq!(fields(&problems), ["village"]);
        assert!(problems[0].message.contains("不属于猗氏镇"));
    }

    #[test]
    fn product_industry_and_unit_consistency() {
        let mut v = valid();
        v["industry"] = json!("畜牧业");
        let problems = check(v).unwrap_err();
        assert_eq!(fields(&problems), ["industry"]);
        assert!(problems[0].message.contains("属于种植业"));

        let mut v = valid();
        v["product"] = json!("生猪");
        v["scale"] = json!(30);
        v["scale_unit"] = json!("只");
        let problems = check(v).unwrap_err();
        assert_eq!(fields(&problems), ["scale_unit"]);
        assert!(problems[0].message.contains("应为「头」"));

        let mut v = valid();
        v["product"] = json!("生猪");
        v["scale"] = json!("29头");
        v.as_object_mut().unwrap().remove("scale_unit");
        let r = check(v).unwrap();
        assert_eq!(
            (r.properties["scale_unit"].as_str(), r.properties["industry"].as_str()),
            (Some("头"), Some("畜牧业"))
        );
        assert!(!r.threshold.mandatory);

        let mut v = valid();
        v["scale"] = json!("12 头");
        assert_eq!(fields(&check(v).unwrap_err()), ["scale_unit"]);

        // 其他 with 畜牧业 may use 头 or 只, with 种植业 only 亩.
        let mut v = valid();
        v["product"] = json!("其他");
        v["industry"] = json!("畜牧业");
        v["scale"] = json!(600);
        v["scale_unit"] = json!("只");
        let r = check(v).unwrap();
        assert!(!r.threshold.mandatory);
        let mut v = valid();
        v["product"] = json!("其他");
        v["industry"] = json!("种植业");
        v["scale_unit"] = json!("头");
        assert_eq!(fields(&check(v).unwrap_err()), ["scale_unit"]);
        let mut v = valid();
        v["product"] = json!("其他");
        let r = check(v).unwrap();
        assert!(!r.properties.contains_key("industry"));
        assert!(r.notes.iter().any(|n| n.contains("未填所属行业")));
    }

    #[test]
    fn aliases_of_the_document() {
        let mut v = valid();
        v["subject_type"] = json!("农民专业合作社");
        v["product"] = json!("蛋鸡");
        v["scale"] = json!(500);
        v["scale_unit"] = json!("只");
        v["trace_means"] = json!("耳标;动物检疫合格证明， 承诺达标合格证 耳标");
        let r = check(v).unwrap();
        assert_eq!(r.properties["subject_type"], "农民合作社");
        assert_eq!(r.properties["product"], "鸡蛋");
        assert_eq!(r.properties["alias"], "蛋鸡");
        assert_eq!(r.properties["trace_means"], "承诺达标合格证、耳标、动物检疫合格证");
        assert!(r.threshold.mandatory);
        assert!(r.notes.iter().any(|n| n.contains("按重点品种「鸡蛋」")));

        let mut v = valid();
        v["trace_means"] = json!(["追溯码", "包装标识"]);
        assert_eq!(check(v).unwrap().properties["trace_means"], "追溯码、包装标识");
        let mut v = valid();
        v["trace_means"] = json!([1, 2]);
        assert_eq!(fields(&check(v).unwrap_err()), ["trace_means"]);
    }

    #[test]
    fn numbers_flags_and_dates() {
        let mut v = valid();
        v["scale"] = json!("0.49");
        v["market_date"] = json!("2023/7/1");
        v["collected_on"] = json!("2023.06.12");
        v["updated_on"] = json!("2023-06-19");
        v["production_mode"] = json!("设施");
        let r = check(v).unwrap();
        assert_eq!(r.properties["scale"], 0.49);
        assert_eq!(r.properties["market_date"], "2023-07-01");
        assert_eq!(r.properties["collected_on"], "2023-06-12");
        assert_eq!(r.properties["updated_on"], "2023-06-19");
        assert!(!r.threshold.mandatory);

        for (flag, expected) in [(json!(1), 1), (json!("是"), 1), (json!(true), 1), (json!("否"), 0), (json!("0"), 0)]
        {
            let mut v = valid();
            v["product"] = json!("乌鳢");
            v["scale"] = json!(0.3);
            v["industrialised"] = flag.clone();
            let r = check(v).unwrap();
            assert_eq!(r.properties["industrialised"], expected, "{flag}");
            assert_eq!(r.threshold.mandatory, expected == 1, "{flag}");
        }
        let mut v = valid();
        v["industrialised"] = json!(1);
        let r = check(v).unwrap();
        assert_eq!(r.properties["industrialised"], 0);
        assert!(r.notes.iter().any(|n| n.contains("只适用于渔业")));

        for bad in [json!(0), json!(-3), json!("abc"), json!(true)] {
            let mut v = valid();
            v["scale"] = bad.clone();
            assert_eq!(fields(&check(v).unwrap_err()), ["scale"], "{bad}");
        }
    }

    #[test]
    fn scales_have_ranges_per_unit_and_counts_are_whole() {
        let pigs = |scale: Value| {
            let mut v = valid();
            v["product"] = json!("生猪");
            v["scale"] = scale;
            v["scale_unit"] = json!("头");
            check(v)
        };
        let problems = pigs(json!(1e308)).unwrap_err();
        assert_eq!(fields(&problems), ["scale"]);
        assert!(
            problems[0]
                .message
                .contains("1e308 is out of range; allowed: whole numbers more than 0 and at most 10000000 头"),
            "{}",
            problems[0].message
        );
        let problems = pigs(json!(30.5)).unwrap_err();
        assert!(problems[0].message.contains("30.5 is not a whole number"), "{}", problems[0].message);
        assert!(pigs(json!(10_000_000)).is_ok());
        assert!(pigs(json!("1e308头")).is_err());

        let mut v = valid();
        v["scale"] = json!(3_000_001);
        let problems = check(v).unwrap_err();
        assert!(
            problems[0].message.contains("3000001 is out of range") && problems[0].message.contains("亩"),
            "{problems:?}"
        );
        let mut v = valid();
        v["scale"] = json!(2.5e6);
        assert!(check(v).is_ok(), "fractional 亩 up to the county's area");

        assert_eq!(scale_range("亩").map(|r| r.whole), Some(false));
        assert_eq!(scale_range("只").map(|r| (r.whole, r.unit)), Some((true, "只")));
        assert_eq!(scale_range("斤"), None);
        for unit in SCALE_UNITS {
            let r = scale_range(unit).unwrap();
            assert!(r.max <= SCALE_FIELD.max && !r.contains(0.0), "{unit}: the layer field admits every unit's range");
        }

        let mut v = valid();
        v["product"] = json!("乌鳢");
        v["industrialised"] = json!(2);
        assert_eq!(fields(&check(v).unwrap_err()), ["industrialised"]);
    }

    #[test]
    fn collection_dates() {
        let mut v = valid();
        v.as_object_mut().unwrap().remove("collected_on");
        let r = check(v).unwrap();
        assert_eq!(r.properties["collected_on"], "2023-06-20");
        assert!(r.notes.iter().any(|n| n.contains("按今天 2023-06-20")));

        let mut v = valid();
        v["collected_on"] = json!("2023-06-21");
        assert_eq!(fields(&check(v).unwrap_err()), ["collected_on"]);
        let mut v = valid();
        v["collected_on"] = json!("2023-06-20");
        v["updated_on"] = json!("2023-06-19");
        assert_eq!(fields(&check(v).unwrap_err()), ["updated_on"]);
        let mut v = valid();
        v["collected_on"] = json!("2023-06-31");
        let problems = check(v).unwrap_err();
        assert_eq!(fields(&problems), ["collected_on"]);
        assert!(problems[0].message.contains("日历日期"));
    }

    #[test]
    fn unknown_and_derived_keys_are_dropped() {
        let mut v = valid();
        v["联系电话"] = json!("13600000000");
        v["lon"] = json!(110.7);
        v["township_name"] = json!("猗氏镇");
        v["created_by"] = json!("someone");
        v["threshold"] = json!({"mandatory": true});
        let r = check(v).unwrap();
        for key in ["联系电话", "lon", "township_name", "created_by", "threshold"] {
            assert!(!r.properties.contains_key(key), "{key}");
        }
        assert_eq!(r.notes, ["未知字段已忽略：联系电话（unknown fields ignored）"]);
        assert!(!serde_json::to_string(&r.properties).unwrap().contains("136"));
    }

    #[test]
    fn text_fields_reject_other_types_and_long_text() {
        let mut v = valid();
        v["subject_name"] = json!(["a"]);
        v["alias"] = json!("长".repeat(201));
        let problems = check(v).unwrap_err();
        let mut got = fields(&problems);
        got.sort_unstable();
        assert_eq!(got, ["alias", "subject_name"]);
        let mut v = valid();
        v["contact_phone"] = json!(13800000001_u64);
        assert_eq!(check(v).unwrap().properties["contact_phone"], "13800000001");
    }
}
