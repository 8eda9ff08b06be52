//! Origin-point records as clients see them: the record as JSON (public fields
//! only unless the viewer may see personal ones, division names, the threshold
//! flag and the due status), the list filters and the overdue report by township.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use geo::Geometry;
use landtrace_domain::traceability::{
    BaseScale, Divisions, ThresholdCheck, UPDATE_RULES, UPDATE_RULES_SOURCE, UpdateCycles, apply_commodity_scope,
    completeness, due, phase, producer::yes_no, producer_thresholds, product_industry,
};
use landtrace_domain::{Date, LayerKind, public_properties};
use landtrace_store::Feature;
use serde::Serialize;
use serde_json::{Map, Value, json};

const KIND: LayerKind = LayerKind::OriginPoints;

/// Who may see what: the record as JSON for one client.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// Whether contact names and phones may be shown.
    pub personal: bool,
    /// Division names.
    pub divisions: &'a Divisions,
    /// Update cycles.
    pub cycles: &'a UpdateCycles,
    /// The day the due status is computed for.
    pub as_of: Date,
    /// The thresholds of every record with the producer's other bases weighed
    /// ([`thresholds_by_id`]); `None`: each record judged alone.
    pub thresholds: Option<&'a HashMap<i64, ThresholdCheck>>,
}

fn text<'a>(props: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    props.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The last field update of a record: `updated_on`, else `collected_on`.
pub fn last_update(props: &Map<String, Value>) -> Option<Date> {
    text(props, "updated_on").or_else(|| text(props, "collected_on")).and_then(|s| Date::parse(s).ok())
}

fn industrialised(props: &Map<String, Value>) -> bool {
    match props.get("industrialised") {
        Some(Value::Number(n)) => n.as_f64().is_some_and(|v| v != 0.0),
        Some(Value::Bool(b)) => *b,
        _ => false,
    }
}

/// The due status of a stored record on `as_of` (None without any date).
pub fn due_of(
    props: &Map<String, Value>,
    cycles: &UpdateCycles,
    as_of: Date,
) -> Option<landtrace_domain::traceability::Due> {
    let product = text(props, "product")?;
    Some(due(product, product_industry(product).or_else(|| industry_of(props)), last_update(props)?, as_of, cycles))
}

fn industry_of(props: &Map<String, Value>) -> Option<landtrace_domain::traceability::Industry> {
    use landtrace_domain::traceability::Industry;
    match text(props, "industry")? {
        "种植业" => Some(Industry::Planting),
        "畜牧业" => Some(Industry::Livestock),
        "渔业" => Some(Industry::Aquatic),
        _ => None,
    }
}

/// `for_market` of a stored record (以商品生产为目的, gazette line 2838).
fn for_market(props: &Map<String, Value>) -> Option<bool> {
    props.get("for_market").and_then(yes_no)
}

/// The threshold flag of a stored record, judged alone (with 以商品生产为目的).
pub fn threshold_of(props: &Map<String, Value>) -> Option<ThresholdCheck> {
    let product = text(props, "product")?;
    let scale = props.get("scale").and_then(Value::as_f64)?;
    let unit = text(props, "scale_unit").unwrap_or("");
    let alone = landtrace_domain::traceability::threshold(
        product,
        product_industry(product).or_else(|| industry_of(props)),
        scale,
        unit,
        industrialised(props),
    );
    Some(apply_commodity_scope(alone, for_market(props)))
}

/// The producer a record is a base/plot of: its `producer_id`, else its subject name.
pub fn producer_key(props: &Map<String, Value>) -> Option<&str> {
    text(props, "producer_id").or_else(|| text(props, "subject_name"))
}

/// The thresholds of `records` with each producer's bases weighed together
/// (临政办发〔2023〕19号 五、(二), gazette line 2852: `producer_thresholds`), by id.
/// Records without a product or scale have none.
pub fn thresholds_by_id<'a>(records: impl IntoIterator<Item = &'a Feature>) -> HashMap<i64, ThresholdCheck> {
    let mut bases = Vec::new();
    for f in records {
        let p = &f.properties;
        let (Some(product), Some(scale)) = (text(p, "product"), p.get("scale").and_then(Value::as_f64)) else {
            continue;
        };
        bases.push(BaseScale {
            id: f.id,
            producer: producer_key(p),
            product,
            industry: product_industry(product).or_else(|| industry_of(p)),
            scale,
            unit: text(p, "scale_unit").unwrap_or(""),
            industrialised: industrialised(p),
            for_market: for_market(p),
        });
    }
    let checks = producer_thresholds(&bases);
    bases.iter().map(|b| b.id).zip(checks).collect()
}

/// One record as a GeoJSON Feature for a client: public fields only unless
/// `view.personal`, plus division names, the threshold flag and the due status.
pub fn record_json(f: &Feature, view: View<'_>) -> Value {
    let mut props = if view.personal { f.properties.clone() } else { public_properties(KIND, &f.properties) };
    props.retain(|_, v| !v.is_null());
    if let Some(code) = text(&f.properties, "township_code") {
        props.insert("township_name".into(), json!(view.divisions.township_name(code)));
    }
    if let Some(code) = text(&f.properties, "village_code") {
        props.insert("village_name".into(), json!(view.divisions.village_name(code)));
    }
    let threshold = match view.thresholds.and_then(|t| t.get(&f.id)) {
        Some(t) => Some(t.clone()),
        None => threshold_of(&f.properties),
    };
    props.insert("threshold".into(), json!(threshold));
    props.insert("completeness".into(), json!(completeness(&f.properties, f.geometry.is_some())));
    props.insert("due".into(), json!(due_of(&f.properties, view.cycles, view.as_of)));
    let geometry = match &f.geometry {
        Some(Geometry::Point(p)) => json!({ "type": "Point", "coordinates": [p.x(), p.y()] }),
        _ => Value::Null,
    };
    json!({ "type": "Feature", "id": f.id, "geometry": geometry, "properties": props })
}

/// Filters of `GET /api/trace/records`.
#[derive(Debug, Default, Clone)]
pub struct RecordFilter {
    /// Product name.
    pub product: Option<String>,
    /// Township code.
    pub township_code: Option<String>,
    /// Subject type.
    pub subject_type: Option<String>,
    /// `Some(true)`: overdue only; `Some(false)`: current only.
    pub overdue: Option<bool>,
}

impl RecordFilter {
    /// Whether a stored record passes the filter on `as_of`.
    pub fn matches(&self, f: &Feature, cycles: &UpdateCycles, as_of: Date) -> bool {
        let p = &f.properties;
        let eq = |want: &Option<String>, field: &str| want.as_deref().is_none_or(|w| text(p, field) == Some(w));
        eq(&self.product, "product")
            && eq(&self.township_code, "township_code")
            && eq(&self.subject_type, "subject_type")
            && self.overdue.is_none_or(|want| {
                let overdue = due_of(p, cycles, as_of)
                    .is_some_and(|d| matches!(d.status, landtrace_domain::traceability::DueStatus::Overdue));
                overdue == want
            })
    }
}

/// One overdue record in the due report.
#[derive(Debug, Serialize)]
pub struct OverdueRecord {
    /// Feature id.
    pub id: i64,
    /// Subject name.
    pub subject_name: String,
    /// Product.
    pub product: String,
    /// Last field update.
    pub last_update: Date,
    /// When the next update was due.
    pub due_on: Date,
    /// Days since `due_on`.
    pub days_overdue: i64,
    /// The cadence rule applied.
    pub rule: String,
}

/// The due report as a table for a spreadsheet: one row per overdue record, by
/// township in the divisions' order, the most overdue first (the rows of
/// [`due_report`]'s `townships[].overdue`).
pub fn due_table(report: &Value) -> landtrace_formats::CsvTable {
    let header =
        ["乡（镇）", "乡镇代码", "记录编号", "主体名称", "产品", "最近更新", "应更新日期", "逾期天数", "更新规则"];
    let cell = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut rows = Vec::new();
    for town in report["townships"].as_array().into_iter().flatten() {
        for r in town["overdue"].as_array().into_iter().flatten() {
            rows.push(vec![
                cell(&town["name"]),
                cell(&town["code"]),
                cell(&r["id"]),
                cell(&r["subject_name"]),
                cell(&r["product"]),
                cell(&r["last_update"]),
                cell(&r["due_on"]),
                cell(&r["days_overdue"]),
                cell(&r["rule"]),
            ]);
        }
    }
    landtrace_formats::CsvTable { header: header.map(str::to_owned).to_vec(), rows }
}

/// Columns of [`due_table`] that stay text in a workbook.
pub const DUE_TEXT_COLUMNS: &[&str] = &["乡镇代码", "记录编号", "联系人", "联系电话"];

/// Adds the columns 联系人 and 联系电话 (personal: only for a viewer who may see them,
/// `users::may_see_personal`) to a [`due_table`], each row's from its record.
pub fn with_contacts(table: &mut landtrace_formats::CsvTable, records: &[Arc<Feature>]) {
    let by_id: HashMap<String, &Feature> = records.iter().map(|f| (f.id.to_string(), &**f)).collect();
    table.header.extend(["联系人".to_owned(), "联系电话".to_owned()]);
    for row in &mut table.rows {
        let f = by_id.get(&row[2]);
        let get = |k: &str| f.and_then(|f| text(&f.properties, k)).unwrap_or("").to_owned();
        row.extend([get("contact_name"), get("contact_phone")]);
    }
}

/// `GET /api/trace/due`: overdue records by township on `as_of`.
pub fn due_report(records: &[Arc<Feature>], divisions: &Divisions, cycles: &UpdateCycles, as_of: Date) -> Value {
    let mut by_town: BTreeMap<String, Vec<OverdueRecord>> = BTreeMap::new();
    let mut undated = 0usize;
    for f in records {
        let p = &f.properties;
        let Some(d) = due_of(p, cycles, as_of) else {
            undated += 1;
            continue;
        };
        if matches!(d.status, landtrace_domain::traceability::DueStatus::Overdue) {
            by_town.entry(text(p, "township_code").unwrap_or("").to_owned()).or_default().push(OverdueRecord {
                id: f.id,
                subject_name: text(p, "subject_name").unwrap_or("").to_owned(),
                product: text(p, "product").unwrap_or("").to_owned(),
                last_update: d.last_update,
                due_on: d.due_on,
                days_overdue: d.days_overdue,
                rule: d.rule.clone(),
            });
        }
    }
    let total: usize = by_town.values().map(Vec::len).sum();
    let townships: Vec<Value> = divisions
        .townships()
        .map(|(code, name)| {
            let mut overdue = by_town.remove(code).unwrap_or_default();
            overdue.sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then(a.id.cmp(&b.id)));
            json!({ "code": code, "name": name, "count": overdue.len(), "overdue": overdue })
        })
        .collect();
    let mut update_rules: Map<String, Value> =
        UPDATE_RULES.iter().map(|(k, text)| ((*k).to_owned(), Value::from(*text))).collect();
    update_rules.insert("source".into(), Value::from(UPDATE_RULES_SOURCE));
    json!({
        "as_of": as_of,
        // 二、(二) 分步推进实施 (gazette line 2834): collection from June 2023, maintenance from 2024.
        "phase": phase(as_of),
        "total_overdue": total,
        "records": records.len(),
        "undated": undated,
        "rules": update_rules,
        "townships": townships,
    })
}
