//! Parcel appraisal by the benchmark-price coefficient method (基准地价系数修正法,
//! GB/T 18508-2014《城镇土地估价规程》): the benchmark price of a part's grade and use
//! ([`crate::land::prices`], 临政发〔2023〕8号) corrected for
//!
//! - term (年期修正): K = [1 − 1/(1+r)^m] / [1 − 1/(1+r)^n], m the parcel's remaining
//!   (or granted) term, n the benchmark's term, r the land restoration rate (土地还原率);
//! - date (期日修正): K = I(valuation date) / I(benchmark date) from a land price index;
//! - plot ratio (容积率修正): K from a plot-ratio table, interpolated linearly;
//! - individual factors (个别因素修正): Σ of the coefficients of the factor grades;
//!
//! P = P_基准 × K_年期 × K_期日 × K_容积率 × (1 + ΣK_个别因素).
//!
//! **What the gazette gives and what it does not.** 临政发〔2023〕8号 (gazette lines
//! 1291-1328) publishes the two price tables, the approval (晋自然资技审〔2023〕6号) and
//! the date the prices apply from (自 2023 年 5 月 1 日起执行). It gives no benchmark
//! date (估价期日), no benchmark term (年期), no restoration rate and no correction
//! tables (the tests check the excerpt for them). All of these are data the land bureau
//! supplies ([`CorrectionTables`], a JSON file); every factor applied names the table
//! it comes from. Without tables the answer is the benchmark price alone and says so;
//! a factor whose table or input is missing is shown as not applied (coefficient 1, or
//! 0 in the sum), with the reason.
//!
//! `data/land/appraisal-corrections.illustrative.json` is an illustrative set of tables
//! (`accuracy: illustrative`): invented numbers, for demonstration only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::land::valuation::Valuation;
use crate::units::date::Date;
use crate::units::money::{Money, MoneyError};

/// The standard of the method.
pub const STANDARD: &str = "GB/T 18508-2014《城镇土地估价规程》基准地价系数修正法";
/// The formula, as answers show it.
pub const FORMULA: &str = "P = P_基准 × K_年期 × K_期日 × K_容积率 × (1 + ΣK_个别因素)";
/// What 临政发〔2023〕8号 gives for the method (checked against the excerpt by the tests).
pub const GAZETTE_GIVES: &str = "临政发〔2023〕8号（公报第1291—1328行）仅公布基准地价表、批准文号与执行日期（自 2023 年 5 月 1 日起执行）；\
     未载明基准地价的估价期日、土地使用年期、土地还原率及各项修正系数表，这些须由县自然资源局提供 / the gazette publishes the \
     price tables and the in-force date only: no benchmark date, term, restoration rate or correction tables; the land \
     bureau supplies them";
/// The answer without tables.
pub const BENCHMARK_ONLY: &str = "未提供修正系数表：结果为基准地价本身，未作年期、期日、容积率及个别因素修正 / without the \
     correction tables the answer is the benchmark price alone: no term, date, plot-ratio or individual-factor correction \
     applied";
/// The bundled illustrative tables.
pub const ILLUSTRATIVE_TABLES_JSON: &str =
    include_str!("../../../../data/land/appraisal-corrections.illustrative.json");

/// A value with the source it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it comes from (document, table).
    pub source: String,
}

/// One row of the land price index.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IndexRow {
    /// From this date (until the next row's).
    pub date: Date,
    /// Index value (any base).
    pub index: f64,
}

/// One row of a plot-ratio table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlotRatioRow {
    /// 容积率.
    pub ratio: f64,
    /// Its coefficient.
    pub coefficient: f64,
}

/// A table by land use (`住宅`, …; `urban:商服` / `collective:商服` for one system only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ByUse<T> {
    /// Where the table comes from.
    pub source: String,
    /// Per use.
    pub uses: BTreeMap<String, T>,
}

impl<T> ByUse<T> {
    fn get(&self, system: &str, land_use: &str) -> Option<&T> {
        self.uses.get(&format!("{system}:{land_use}")).or_else(|| self.uses.get(land_use))
    }
}

/// The correction tables the land bureau supplies (JSON; every section optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionTables {
    /// Who issued the tables, and their reference.
    pub source: String,
    /// `official`, or `illustrative` for demonstration data.
    pub accuracy: String,
    /// The benchmark prices' valuation date (基准地价估价期日).
    pub benchmark_date: Option<Sourced<Date>>,
    /// The benchmark's land-use term per use, years.
    pub benchmark_terms: Option<ByUse<f64>>,
    /// Land restoration rate (土地还原率) per use, a fraction (0.06 = 6 %).
    pub restoration_rates: Option<ByUse<f64>>,
    /// Land price index (地价指数), by date.
    pub price_index: Option<Sourced<Vec<IndexRow>>>,
    /// Plot-ratio correction per use (rows by increasing ratio).
    pub plot_ratio: Option<ByUse<Vec<PlotRatioRow>>>,
    /// Individual factors per use: factor → grade → coefficient.
    pub individual_factors: Option<ByUse<BTreeMap<String, BTreeMap<String, f64>>>>,
}

impl CorrectionTables {
    /// Parses and checks the tables: terms in (0, 70], rates in (0, 0.5), index > 0 with
    /// increasing dates, plot-ratio rows increasing with positive coefficients,
    /// individual coefficients in (−1, 1).
    pub fn parse(json: &str) -> Result<CorrectionTables, String> {
        let t: CorrectionTables =
            serde_json::from_str(json).map_err(|e| format!("修正系数表格式错误（correction tables: {e}）"))?;
        let mut problems = Vec::new();
        if let Some(terms) = &t.benchmark_terms {
            for (u, n) in &terms.uses {
                if !(n.is_finite() && *n > 0.0 && *n <= 70.0) {
                    problems.push(format!("benchmark_terms[{u}] = {n}: 须在 0 与 70 年之间"));
                }
            }
        }
        if let Some(rates) = &t.restoration_rates {
            for (u, r) in &rates.uses {
                if !(r.is_finite() && *r > 0.0 && *r < 0.5) {
                    problems.push(format!("restoration_rates[{u}] = {r}: 须为 0 与 0.5 之间的小数（如 0.06）"));
                }
            }
        }
        if let Some(index) = &t.price_index {
            if index.value.is_empty() {
                problems.push("price_index: 无数据行".into());
            }
            for (i, row) in index.value.iter().enumerate() {
                if !(row.index.is_finite() && row.index > 0.0) {
                    problems.push(format!("price_index[{i}].index = {}: 须大于 0", row.index));
                }
                if i > 0 && row.date <= index.value[i - 1].date {
                    problems.push(format!("price_index[{i}].date {}: 日期须递增", row.date));
                }
            }
        }
        if let Some(plot) = &t.plot_ratio {
            for (u, rows) in &plot.uses {
                if rows.len() < 2 {
                    problems.push(format!("plot_ratio[{u}]: 至少两行"));
                }
                for (i, row) in rows.iter().enumerate() {
                    if !(row.ratio.is_finite()
                        && row.ratio >= 0.0
                        && row.coefficient.is_finite()
                        && row.coefficient > 0.0)
                    {
                        problems.push(format!("plot_ratio[{u}][{i}]: 容积率须 ≥ 0，系数须大于 0"));
                    }
                    if i > 0 && row.ratio <= rows[i - 1].ratio {
                        problems.push(format!("plot_ratio[{u}][{i}]: 容积率须递增"));
                    }
                }
            }
        }
        if let Some(factors) = &t.individual_factors {
            for (u, table) in &factors.uses {
                for (factor, grades) in table {
                    for (grade, k) in grades {
                        if !(k.is_finite() && *k > -1.0 && *k < 1.0) {
                            problems
                                .push(format!("individual_factors[{u}][{factor}][{grade}] = {k}: 须在 −1 与 1 之间"));
                        }
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(t)
        } else {
            Err(format!("修正系数表有误（correction tables）：{}", problems.join("；")))
        }
    }

    /// The bundled illustrative tables ([`ILLUSTRATIVE_TABLES_JSON`]).
    pub fn illustrative() -> CorrectionTables {
        // Checked by the tests: the bundled file parses.
        CorrectionTables::parse(ILLUSTRATIVE_TABLES_JSON).unwrap_or_else(|e| panic!("bundled tables: {e}"))
    }

    /// Checks factor grades against the tables before any parcel: each factor must be
    /// in the table of some use, with that grade (the use of each part is checked when
    /// it is appraised).
    pub fn check_factors(&self, factors: &BTreeMap<String, String>) -> Result<(), String> {
        if factors.is_empty() {
            return Ok(());
        }
        let Some(tables) = &self.individual_factors else {
            return Err("修正表无个别因素表，不能给出个别因素等级（the tables have no individual factors）".into());
        };
        for (factor, grade) in factors {
            let grades: Vec<&BTreeMap<String, f64>> = tables.uses.values().filter_map(|t| t.get(factor)).collect();
            if grades.is_empty() {
                let mut known: Vec<&str> = tables.uses.values().flat_map(|t| t.keys().map(String::as_str)).collect();
                known.sort_unstable();
                known.dedup();
                return Err(format!("个别因素「{factor}」不在修正表中；可用：{}（unknown factor）", known.join("、")));
            }
            if !grades.iter().any(|g| g.contains_key(grade)) {
                return Err(format!("个别因素「{factor}」无等级「{grade}」（unknown grade）"));
            }
        }
        Ok(())
    }

    /// Whether the tables are illustrative.
    pub fn is_illustrative(&self) -> bool {
        self.accuracy == "illustrative"
    }
}

/// What is known of the parcel beyond its grades and use.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AppraisalInput {
    /// Remaining (or granted) land-use term m, years.
    pub remaining_term_years: Option<f64>,
    /// 容积率.
    pub plot_ratio: Option<f64>,
    /// Individual factor → its grade (as in the table), e.g. `交通条件` → `较优`.
    #[serde(default)]
    pub factors: BTreeMap<String, String>,
}

impl AppraisalInput {
    /// Checks the numbers: term in (0, 70] years, plot ratio in (0, 30].
    pub fn check(&self) -> Result<(), String> {
        if let Some(m) = self.remaining_term_years
            && !(m.is_finite() && m > 0.0 && m <= 70.0)
        {
            return Err(format!("剩余年期 {m} 年须在 0 与 70 年之间（remaining_term_years must be in (0, 70]）"));
        }
        if let Some(p) = self.plot_ratio
            && !(p.is_finite() && p > 0.0 && p <= 30.0)
        {
            return Err(format!("容积率 {p} 须在 0 与 30 之间（plot_ratio must be in (0, 30]）"));
        }
        Ok(())
    }
}

/// Parses factor grades written as text, `交通条件=优;宗地形状=一般` (separators `;`,
/// `；`, `,`, `，`; `=`, `＝`, `:` or `：`), for query parameters and the command line.
pub fn parse_factor_grades(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for item in text.split([';', '；', ',', '，']).map(str::trim).filter(|i| !i.is_empty()) {
        let (factor, grade) = item
            .split_once(['=', '＝', ':', '：'])
            .map(|(f, g)| (f.trim(), g.trim()))
            .filter(|(f, g)| !f.is_empty() && !g.is_empty())
            .ok_or_else(|| format!("「{item}」应写作 因素=等级（expected factor=grade, e.g. 交通条件=优）"))?;
        if out.insert(factor.to_owned(), grade.to_owned()).is_some() {
            return Err(format!("个别因素「{factor}」重复（factor given twice）"));
        }
    }
    Ok(out)
}

/// One correction factor of a part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorLine {
    /// `term`, `date`, `plot_ratio` or `individual`.
    pub key: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Whether it was applied.
    pub applied: bool,
    /// The coefficient used (1 for a product factor not applied; the sum for individual
    /// factors, 0 when none is applied).
    pub coefficient: f64,
    /// The working, or why it was not applied.
    pub working: String,
    /// The table(s) it comes from; `None` when not applied for want of a table.
    pub source: Option<String>,
}

/// One individual factor of a part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndividualLine {
    /// The factor.
    pub factor: String,
    /// Its grade as given.
    pub grade: String,
    /// The coefficient.
    pub coefficient: f64,
}

/// The appraisal of one valued part of a parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartAppraisal {
    /// 城区 / 集体建设用地.
    pub system_name: &'static str,
    /// 一级 …
    pub grade_name: &'static str,
    /// The use (Chinese).
    pub land_use: &'static str,
    /// Area, m².
    pub area_m2: f64,
    /// The benchmark price, 元/m² (临政发〔2023〕8号).
    pub benchmark_yuan_per_m2: u32,
    /// The four factors, in the formula's order.
    pub factors: Vec<FactorLine>,
    /// The individual factors applied.
    pub individual: Vec<IndividualLine>,
    /// The corrected price, 元/m² (rounded to 0.01 for display; the value uses the unrounded one).
    pub unit_price_yuan_per_m2: f64,
    /// area × corrected price, whole yuan (half away from zero).
    pub value: Money,
    /// The computation in one line.
    pub working: String,
}

/// The appraisal of a parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appraisal {
    /// `coefficient_correction` (tables given) or `benchmark_only`.
    pub method: &'static str,
    /// The method's standard.
    pub standard: &'static str,
    /// [`FORMULA`].
    pub formula: &'static str,
    /// What the gazette gives for the method ([`GAZETTE_GIVES`]).
    pub gazette: &'static str,
    /// The tables' source, if any.
    pub tables_source: Option<String>,
    /// The tables' accuracy (`illustrative` …), if any.
    pub tables_accuracy: Option<String>,
    /// The valuation date (期日) used: the valuation's `as_of`.
    pub valuation_date: Option<Date>,
    /// The valued parts.
    pub parts: Vec<PartAppraisal>,
    /// Sum of the part values.
    pub total_value: Money,
    /// The same in 万元.
    pub total_wan_yuan: String,
    /// Notes: benchmark only, illustrative tables, factors not applied.
    pub notes: Vec<String>,
}

/// Term correction K = [1 − 1/(1+r)^m] / [1 − 1/(1+r)^n].
pub fn term_coefficient(r: f64, m: f64, n: f64) -> f64 {
    (1.0 - (1.0 + r).powf(-m)) / (1.0 - (1.0 + r).powf(-n))
}

/// The index in force on `date` (the last row on or before it).
fn index_on(rows: &[IndexRow], date: Date) -> Option<IndexRow> {
    rows.iter().rev().find(|r| r.date <= date).copied()
}

/// The plot-ratio coefficient of `ratio`, interpolated linearly; `None` outside the table.
pub fn plot_ratio_coefficient(rows: &[PlotRatioRow], ratio: f64) -> Option<f64> {
    rows.windows(2).find(|w| w[0].ratio <= ratio && ratio <= w[1].ratio).map(|w| {
        let (a, b) = (w[0], w[1]);
        a.coefficient + (ratio - a.ratio) / (b.ratio - a.ratio) * (b.coefficient - a.coefficient)
    })
}

fn not_applied(key: &'static str, name: &'static str, name_en: &'static str, why: String) -> FactorLine {
    let coefficient = if key == "individual" { 0.0 } else { 1.0 };
    FactorLine { key, name, name_en, applied: false, coefficient, working: why, source: None }
}

/// Appraises the valued parts of `valuation` with `input` and `tables` (`None`: the
/// benchmark price alone). Errors: an input out of range, an individual factor or grade
/// not in the table of the part's use.
pub fn appraise(
    valuation: &Valuation,
    input: &AppraisalInput,
    tables: Option<&CorrectionTables>,
) -> Result<Appraisal, String> {
    input.check()?;
    let date = valuation.as_of;
    let mut notes = Vec::new();
    let mut parts = Vec::new();
    for part in &valuation.parts {
        let Some(price) = part.price else { continue };
        let system = part.system.key();
        let use_zh = price.land_use;
        let p0 = f64::from(price.yuan_per_m2);
        let mut factors = Vec::new();
        let mut individual = Vec::new();
        match tables {
            None => {
                for (key, name, name_en) in FACTORS {
                    factors.push(not_applied(key, name, name_en, "未提供修正系数表 / no correction tables".into()));
                }
            }
            Some(t) => {
                factors.push(term_factor(t, system, use_zh, input.remaining_term_years));
                factors.push(date_factor(t, date));
                factors.push(plot_factor(t, system, use_zh, input.plot_ratio));
                factors.push(individual_factor(t, system, use_zh, &input.factors, &mut individual)?);
            }
        }
        let product: f64 = factors.iter().filter(|f| f.key != "individual").map(|f| f.coefficient).product();
        let sum = factors.iter().find(|f| f.key == "individual").map_or(0.0, |f| f.coefficient);
        let unit = p0 * product * (1.0 + sum);
        let yuan = (part.area.m2 * unit).round();
        let value = Money::from_yuan(yuan.max(0.0) as u64).map_err(|e: MoneyError| e.to_string())?;
        let k = |key: &str| factors.iter().find(|f| f.key == key).map_or(1.0, |f| f.coefficient);
        let working = format!(
            "{p0} × {:.4} × {:.4} × {:.4} × (1 + {:.4}) = {unit:.2} 元/m²；{:.2} m² × {unit:.2} = {} 元",
            k("term"),
            k("date"),
            k("plot_ratio"),
            sum,
            part.area.m2,
            value.yuan_text()
        );
        parts.push(PartAppraisal {
            system_name: part.system_name,
            grade_name: part.grade_name,
            land_use: use_zh,
            area_m2: part.area.m2,
            benchmark_yuan_per_m2: price.yuan_per_m2,
            factors,
            individual,
            unit_price_yuan_per_m2: (unit * 100.0).round() / 100.0,
            value,
            working,
        });
    }
    let total_value: Money = parts.iter().map(|p| p.value).sum();
    match tables {
        None => notes.push(BENCHMARK_ONLY.to_owned()),
        Some(t) if t.is_illustrative() => notes.push(format!(
            "修正系数表为示例数据（illustrative），数值系虚构，仅供演示 / the correction tables are illustrative: invented \
             numbers, for demonstration only（{}）",
            t.source
        )),
        Some(_) => {}
    }
    if parts.iter().any(|p| p.factors.iter().any(|f| !f.applied)) && tables.is_some() {
        notes.push(
            "部分修正未作（见各因素说明），按系数 1（个别因素按 0）计 / some corrections were not applied (see each \
             factor): coefficient 1 (individual factors 0)"
                .to_owned(),
        );
    }
    Ok(Appraisal {
        method: if tables.is_some() { "coefficient_correction" } else { "benchmark_only" },
        standard: STANDARD,
        formula: FORMULA,
        gazette: GAZETTE_GIVES,
        tables_source: tables.map(|t| t.source.clone()),
        tables_accuracy: tables.map(|t| t.accuracy.clone()),
        valuation_date: date,
        parts,
        total_wan_yuan: total_value.wan_yuan_text(),
        total_value,
        notes,
    })
}

const FACTORS: [(&str, &str, &str); 4] = [
    ("term", "年期修正", "term correction"),
    ("date", "期日修正", "date correction"),
    ("plot_ratio", "容积率修正", "plot-ratio correction"),
    ("individual", "个别因素修正", "individual-factor correction"),
];

fn term_factor(t: &CorrectionTables, system: &str, land_use: &str, m: Option<f64>) -> FactorLine {
    let (key, name, name_en) = FACTORS[0];
    let n = t.benchmark_terms.as_ref().and_then(|b| b.get(system, land_use).map(|n| (*n, &b.source)));
    let r = t.restoration_rates.as_ref().and_then(|b| b.get(system, land_use).map(|r| (*r, &b.source)));
    match (m, n, r) {
        (None, _, _) => not_applied(key, name, name_en, "未给出剩余年期 m / no remaining term given".into()),
        (_, None, _) => {
            not_applied(key, name, name_en, format!("修正表无「{land_use}」基准地价年期 n / no benchmark term"))
        }
        (_, _, None) => {
            not_applied(key, name, name_en, format!("修正表无「{land_use}」土地还原率 r / no restoration rate"))
        }
        (Some(m), Some((n, n_source)), Some((_, r_source))) if m > n => FactorLine {
            applied: false,
            coefficient: 1.0,
            working: format!("剩余年期 {m} 年超过基准地价年期 {n} 年，不作修正 / the term exceeds the benchmark's"),
            source: Some(format!("{n_source}；{r_source}")),
            ..not_applied(key, name, name_en, String::new())
        },
        (Some(m), Some((n, n_source)), Some((r, r_source))) => {
            let k = term_coefficient(r, m, n);
            FactorLine {
                key,
                name,
                name_en,
                applied: true,
                coefficient: k,
                working: format!(
                    "K = [1 − 1/(1+{r})^{m}] / [1 − 1/(1+{r})^{n}] = {k:.4}（m = {m} 年，n = {n} 年，r = {r}）"
                ),
                source: Some(format!("n：{n_source}；r：{r_source}")),
            }
        }
    }
}

fn date_factor(t: &CorrectionTables, date: Option<Date>) -> FactorLine {
    let (key, name, name_en) = FACTORS[1];
    let (Some(base), Some(index)) = (&t.benchmark_date, &t.price_index) else {
        return not_applied(key, name, name_en, "修正表无基准日或地价指数 / no benchmark date or price index".into());
    };
    let Some(date) = date else {
        return not_applied(key, name, name_en, "未给出估价期日（as_of） / no valuation date (as_of)".into());
    };
    match (index_on(&index.value, base.value), index_on(&index.value, date)) {
        (Some(i0), Some(i1)) => {
            let k = i1.index / i0.index;
            FactorLine {
                key,
                name,
                name_en,
                applied: true,
                coefficient: k,
                working: format!(
                    "K = I({date}) / I({}) = {} / {} = {k:.4}（指数行 {} 与 {}；取不晚于该日的最近一期指数，假定 / \
                     assumption: the latest index row on or before each date）",
                    base.value, i1.index, i0.index, i1.date, i0.date
                ),
                source: Some(format!("基准日：{}；地价指数：{}", base.source, index.source)),
            }
        }
        _ => not_applied(
            key,
            name,
            name_en,
            format!("地价指数表不含 {date} 或基准日 {} / the index does not cover the dates", base.value),
        ),
    }
}

fn plot_factor(t: &CorrectionTables, system: &str, land_use: &str, ratio: Option<f64>) -> FactorLine {
    let (key, name, name_en) = FACTORS[2];
    let Some((rows, source)) = t.plot_ratio.as_ref().and_then(|p| p.get(system, land_use).map(|r| (r, &p.source)))
    else {
        return not_applied(
            key,
            name,
            name_en,
            format!("修正表无「{land_use}」容积率修正表 / no plot-ratio table for the use"),
        );
    };
    let Some(ratio) = ratio else {
        return not_applied(key, name, name_en, "未给出容积率 / no plot ratio given".into());
    };
    match plot_ratio_coefficient(rows, ratio) {
        Some(k) => FactorLine {
            key,
            name,
            name_en,
            applied: true,
            coefficient: k,
            working: format!("容积率 {ratio} 在修正表中线性插值：K = {k:.4}"),
            source: Some(source.clone()),
        },
        None => FactorLine {
            source: Some(source.clone()),
            ..not_applied(
                key,
                name,
                name_en,
                format!(
                    "容积率 {ratio} 超出修正表范围 {}—{}，不作修正 / outside the table",
                    rows[0].ratio,
                    rows[rows.len() - 1].ratio
                ),
            )
        },
    }
}

fn individual_factor(
    t: &CorrectionTables,
    system: &str,
    land_use: &str,
    given: &BTreeMap<String, String>,
    out: &mut Vec<IndividualLine>,
) -> Result<FactorLine, String> {
    let (key, name, name_en) = FACTORS[3];
    let Some((table, source)) =
        t.individual_factors.as_ref().and_then(|f| f.get(system, land_use).map(|r| (r, &f.source)))
    else {
        return Ok(not_applied(
            key,
            name,
            name_en,
            format!("修正表无「{land_use}」个别因素表 / no individual-factor table"),
        ));
    };
    for (factor, grade) in given {
        let grades = table.get(factor).ok_or_else(|| {
            let known: Vec<&str> = table.keys().map(String::as_str).collect();
            format!("个别因素「{factor}」不在「{land_use}」修正表中；可用：{}（unknown factor）", known.join("、"))
        })?;
        let k = grades.get(grade).ok_or_else(|| {
            let known: Vec<&str> = grades.keys().map(String::as_str).collect();
            format!("个别因素「{factor}」无等级「{grade}」；可用：{}（unknown grade）", known.join("、"))
        })?;
        out.push(IndividualLine { factor: factor.clone(), grade: grade.clone(), coefficient: *k });
    }
    if out.is_empty() {
        return Ok(FactorLine {
            source: Some(source.clone()),
            ..not_applied(key, name, name_en, "未给出个别因素等级 / no factor grades given".into())
        });
    }
    let sum: f64 = out.iter().map(|l| l.coefficient).sum();
    let terms: Vec<String> = out.iter().map(|l| format!("{}（{}）{:+}", l.factor, l.grade, l.coefficient)).collect();
    let missing: Vec<&str> = table.keys().filter(|f| !given.contains_key(*f)).map(String::as_str).collect();
    let mut working = format!("ΣK = {} = {sum:+.4}", terms.join(" "));
    if !missing.is_empty() {
        working.push_str(&format!("；未评定（按 0 计）：{}", missing.join("、")));
    }
    Ok(FactorLine { key, name, name_en, applied: true, coefficient: sum, working, source: Some(source.clone()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::land::prices::{Grade, GradeSystem};
    use crate::land::valuation::{GradePart, UseRequest, benchmark_valuation};
    use crate::units::area::SquareMetres;
    use crate::units::citation::without_whitespace;

    const GAZETTE: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1291-1328.txt");

    fn valuation(land_use: &str, grade: i64, m2: f64, as_of: Option<Date>) -> Valuation {
        let parts = [GradePart {
            system: GradeSystem::Urban,
            grade: Grade::new(GradeSystem::Urban, grade).unwrap(),
            area: SquareMetres::new(m2).unwrap(),
        }];
        benchmark_valuation(SquareMetres::new(m2).unwrap(), &parts, &UseRequest::parse(land_use, None).unwrap(), as_of)
            .unwrap()
    }

    fn tables() -> CorrectionTables {
        CorrectionTables::parse(
            r#"{
              "source": "测试表", "accuracy": "illustrative",
              "benchmark_date": {"value": "2022-01-01", "source": "测试：基准日"},
              "benchmark_terms": {"source": "测试：年期", "uses": {"住宅": 70, "商服": 40}},
              "restoration_rates": {"source": "测试：还原率", "uses": {"住宅": 0.06, "商服": 0.07}},
              "price_index": {"source": "测试：指数", "value": [{"date": "2022-01-01", "index": 100}, {"date": "2023-01-01", "index": 104}]},
              "plot_ratio": {"source": "测试：容积率", "uses": {"住宅": [{"ratio": 1.0, "coefficient": 1.1}, {"ratio": 2.0, "coefficient": 1.0}, {"ratio": 3.0, "coefficient": 0.9}]}},
              "individual_factors": {"source": "测试：个别因素", "uses": {"住宅": {"交通条件": {"优": 0.03, "一般": 0.0, "劣": -0.03}, "宗地形状": {"规则": 0.01, "不规则": -0.02}}}}
            }"#,
        )
        .unwrap()
    }

    /// 临政发〔2023〕8号 (lines 1291-1328) gives the prices and the in-force date only:
    /// no benchmark date, term, restoration rate or correction table. If a later excerpt
    /// gave one, this test fails and the value must come from the gazette instead.
    #[test]
    fn the_gazette_gives_no_term_rate_date_or_tables_lines_1291_1328() {
        let text = without_whitespace(GAZETTE);
        for absent in ["年期", "还原率", "估价期日", "基准日", "容积率", "修正", "地价指数", "个别因素"]
        {
            assert!(!text.contains(absent), "the gazette excerpt mentions {absent}: take it from there");
        }
        assert!(text.contains("自2023年5月1日起执行"));
        assert!(GAZETTE_GIVES.contains("第1291—1328行") && GAZETTE_GIVES.contains("未载明"));
    }

    /// Without tables: the benchmark price alone, said so (lines 1291-1328: 住宅 一级 657 元/m²).
    #[test]
    fn without_tables_the_benchmark_price_alone() {
        let v = valuation("住宅", 1, 1000.0, Some(Date::ymd(2023, 6, 1)));
        let a = appraise(&v, &AppraisalInput { remaining_term_years: Some(50.0), ..Default::default() }, None).unwrap();
        assert_eq!(a.method, "benchmark_only");
        assert_eq!(a.parts[0].unit_price_yuan_per_m2, 657.0);
        assert_eq!(a.total_value, v.total_value);
        assert!(a.parts[0].factors.iter().all(|f| !f.applied && f.source.is_none()));
        assert_eq!(a.notes, [BENCHMARK_ONLY]);
        assert!(a.notes[0].contains("基准地价本身") && a.notes[0].contains("benchmark price alone"));
    }

    /// Hand-worked: 住宅 一级 657 元/m², 1 000 m², as of 2023-06-01, m = 50, n = 70, r = 0.06:
    /// K_年期 = (1 − 1.06^−50) / (1 − 1.06^−70) = 0.945711 / 0.983072 = 0.961996;
    /// K_期日 = 104 / 100 = 1.04; 容积率 1.5 → 1.05; 交通条件 优 +0.03, 宗地形状 不规则 −0.02 → +0.01.
    /// P = 657 × 0.961996 × 1.04 × 1.05 × 1.01 = 697.08 元/m²; value 697 080 元 (rounded).
    #[test]
    fn every_factor_with_its_source() {
        let v = valuation("住宅", 1, 1000.0, Some(Date::ymd(2023, 6, 1)));
        let input = AppraisalInput {
            remaining_term_years: Some(50.0),
            plot_ratio: Some(1.5),
            factors: [("交通条件", "优"), ("宗地形状", "不规则")].map(|(a, b)| (a.to_owned(), b.to_owned())).into(),
        };
        let t = tables();
        let a = appraise(&v, &input, Some(&t)).unwrap();
        assert_eq!(a.method, "coefficient_correction");
        let p = &a.parts[0];
        let k: Vec<(&str, bool)> = p.factors.iter().map(|f| (f.key, f.applied)).collect();
        assert_eq!(k, [("term", true), ("date", true), ("plot_ratio", true), ("individual", true)]);
        let term = (1.0 - 1.06f64.powf(-50.0)) / (1.0 - 1.06f64.powf(-70.0));
        assert!((p.factors[0].coefficient - term).abs() < 1e-12);
        assert!((term - 0.961996).abs() < 1e-6, "{term}");
        assert_eq!(p.unit_price_yuan_per_m2, 697.08);
        assert_eq!(p.value, Money::from_yuan(697_080).unwrap());
        assert!((p.factors[1].coefficient - 1.04).abs() < 1e-12);
        assert!((p.factors[2].coefficient - 1.05).abs() < 1e-12);
        assert!((p.factors[3].coefficient - 0.01).abs() < 1e-12);
        let unit = 657.0 * term * 1.04 * 1.05 * 1.01;
        assert!((p.unit_price_yuan_per_m2 - (unit * 100.0).round() / 100.0).abs() < 1e-9);
        assert_eq!(p.value, Money::from_yuan((unit * 1000.0).round() as u64).unwrap());
        for (f, source) in p.factors.iter().zip([
            "n：测试：年期；r：测试：还原率",
            "基准日：测试：基准日；地价指数：测试：指数",
            "测试：容积率",
            "测试：个别因素",
        ]) {
            assert_eq!(f.source.as_deref(), Some(source), "{}", f.key);
        }
        assert!(p.factors[0].working.contains("m = 50 年，n = 70 年，r = 0.06"), "{}", p.factors[0].working);
        assert!(p.factors[1].working.contains("I(2023-06-01) / I(2022-01-01) = 104 / 100"), "{}", p.factors[1].working);
        assert!(a.notes.iter().any(|n| n.contains("illustrative")));
    }

    #[test]
    fn missing_inputs_and_tables_are_said_per_factor() {
        let t = tables();
        // 商服: no plot-ratio or individual table; no as_of: no date correction.
        let v = valuation("商服", 2, 100.0, None);
        let a =
            appraise(&v, &AppraisalInput { remaining_term_years: Some(40.0), ..Default::default() }, Some(&t)).unwrap();
        let p = &a.parts[0];
        assert!(p.factors[0].applied && (p.factors[0].coefficient - 1.0).abs() < 1e-12, "m = n: K = 1");
        assert!(!p.factors[1].applied && p.factors[1].working.contains("as_of"));
        assert!(!p.factors[2].applied && p.factors[2].working.contains("无「商服」容积率修正表"));
        assert!(!p.factors[3].applied && p.factors[3].coefficient == 0.0);
        assert_eq!(p.unit_price_yuan_per_m2, 581.0);
        assert!(a.notes.iter().any(|n| n.contains("部分修正未作")));
        // A term beyond the benchmark's, a plot ratio outside the table.
        let v = valuation("住宅", 1, 100.0, Some(Date::ymd(2021, 6, 1)));
        let input = AppraisalInput { remaining_term_years: Some(70.0), plot_ratio: Some(4.0), ..Default::default() };
        let a = appraise(&v, &input, Some(&t)).unwrap();
        assert!(a.parts[0].factors[0].applied, "m = n = 70");
        assert!(!a.parts[0].factors[1].applied, "2021 is before the index");
        assert!(a.parts[0].factors[2].working.contains("超出修正表范围"));
        // 商服: n = 40; a remaining term of 50 years is not corrected, said so.
        let v = valuation("商服", 1, 100.0, None);
        let input = AppraisalInput { remaining_term_years: Some(50.0), ..Default::default() };
        let a = appraise(&v, &input, Some(&t)).unwrap();
        assert!(!a.parts[0].factors[0].applied && a.parts[0].factors[0].working.contains("超过基准地价年期 40 年"));
    }

    #[test]
    fn bad_inputs_and_tables_are_refused() {
        let t = tables();
        let v = valuation("住宅", 1, 100.0, None);
        let bad = |input: AppraisalInput| appraise(&v, &input, Some(&t)).unwrap_err();
        assert!(
            bad(AppraisalInput { remaining_term_years: Some(80.0), ..Default::default() })
                .contains("remaining_term_years")
        );
        assert!(bad(AppraisalInput { plot_ratio: Some(-1.0), ..Default::default() }).contains("plot_ratio"));
        let f =
            |a: &str, b: &str| AppraisalInput { factors: [(a.to_owned(), b.to_owned())].into(), ..Default::default() };
        assert!(bad(f("景观", "优")).contains("可用：交通条件、宗地形状"));
        assert!(bad(f("交通条件", "较优")).contains("可用：一般、优、劣"));
        for json in [
            "{}",
            r#"{"source": "x", "accuracy": "official", "benchmark_terms": {"source": "y", "uses": {"住宅": 90}}}"#,
            r#"{"source": "x", "accuracy": "official", "restoration_rates": {"source": "y", "uses": {"住宅": 6}}}"#,
            r#"{"source": "x", "accuracy": "official", "plot_ratio": {"source": "y", "uses": {"住宅": [{"ratio": 2, "coefficient": 1}, {"ratio": 1, "coefficient": 1}]}}}"#,
            r#"{"source": "x", "accuracy": "official", "price_index": {"source": "y", "value": [{"date": "2023-01-01", "index": 0}]}}"#,
            r#"{"source": "x", "accuracy": "official", "surprise": 1}"#,
        ] {
            assert!(CorrectionTables::parse(json).is_err(), "{json}");
        }
    }

    #[test]
    fn the_bundled_tables_are_illustrative_and_complete() {
        let t = CorrectionTables::illustrative();
        assert!(t.is_illustrative());
        assert!(t.source.contains("illustrative") || t.source.contains("示例"));
        let v = valuation("住宅", 2, 500.0, Some(Date::ymd(2024, 3, 1)));
        let factors: BTreeMap<String, String> = t.individual_factors.as_ref().unwrap().uses["住宅"]
            .iter()
            .map(|(f, grades)| (f.clone(), grades.keys().next().unwrap().clone()))
            .collect();
        let input = AppraisalInput { remaining_term_years: Some(60.0), plot_ratio: Some(2.0), factors };
        let a = appraise(&v, &input, Some(&t)).unwrap();
        assert!(a.parts[0].factors.iter().all(|f| f.applied), "{:?}", a.parts[0].factors);
        assert!(a.parts[0].factors.iter().all(|f| f.source.as_deref().is_some_and(|s| s.contains("illustrative"))));
    }

    #[test]
    fn factors_checked_before_any_parcel() {
        let t = tables();
        let f = |a: &str, b: &str| -> BTreeMap<String, String> { [(a.to_owned(), b.to_owned())].into() };
        assert!(t.check_factors(&f("交通条件", "优")).is_ok());
        assert!(t.check_factors(&f("景观", "优")).unwrap_err().contains("可用：交通条件、宗地形状"));
        assert!(t.check_factors(&f("交通条件", "较优")).unwrap_err().contains("无等级"));
        let bare = CorrectionTables::parse(r#"{"source": "x", "accuracy": "official"}"#).unwrap();
        assert!(bare.check_factors(&f("交通条件", "优")).is_err());
        assert!(bare.check_factors(&BTreeMap::new()).is_ok());
    }

    #[test]
    fn factor_grades_as_text() {
        let g = parse_factor_grades("交通条件=优；宗地形状：一般, ").unwrap();
        assert_eq!(g.get("交通条件").map(String::as_str), Some("优"));
        assert_eq!(g.get("宗地形状").map(String::as_str), Some("一般"));
        assert!(parse_factor_grades("交通条件").unwrap_err().contains("factor=grade"));
        assert!(parse_factor_grades("交通条件=").is_err());
        assert!(parse_factor_grades("a=优;a=劣").unwrap_err().contains("重复"));
        assert!(parse_factor_grades("").unwrap().is_empty());
    }

    #[test]
    fn term_coefficient_edges() {
        assert!((term_coefficient(0.06, 70.0, 70.0) - 1.0).abs() < 1e-12);
        assert!(term_coefficient(0.06, 10.0, 70.0) < term_coefficient(0.06, 40.0, 70.0));
        assert_eq!(
            plot_ratio_coefficient(
                &[PlotRatioRow { ratio: 1.0, coefficient: 1.0 }, PlotRatioRow { ratio: 2.0, coefficient: 0.8 }],
                1.5
            ),
            Some(0.9)
        );
        assert_eq!(
            plot_ratio_coefficient(
                &[PlotRatioRow { ratio: 1.0, coefficient: 1.0 }, PlotRatioRow { ratio: 2.0, coefficient: 0.8 }],
                2.5
            ),
            None
        );
    }
}
