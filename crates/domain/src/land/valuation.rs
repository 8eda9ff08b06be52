//! Benchmark value of a parcel (宗地基准地价估算) under 临政发〔2023〕8号.
//!
//! A land officer asks: "this parcel: which grade(s), how much of its area in each,
//! and what benchmark price and value for this use?" The spatial side measures the
//! parcel and its intersections with the grade zones; [`benchmark_valuation`] turns
//! those areas into prices and values from [`crate::land::prices`]:
//!
//! - parts in the same system and grade are summed (a parcel may cross one zone
//!   several times);
//! - each part gets the published price of the requested use in its own table, or
//!   `price: null` and a note if that table has no such use (never a guess);
//! - the area in no grade zone is reported and not valued;
//! - value = area (m²) × price (元/m²), **rounded half away from zero to the whole
//!   yuan per part**; the total is the exact sum of the rounded part values.
//!
//! Land use: one `use` applies to every part whose table has it: 商服 and 工业 exist
//! in both tables; 住宅 and 公共管理与公共服务 only in the urban one, 宅基地 only in the
//! collective one. An optional `collective_use` overrides the use for collective
//! parts (e.g. `use = 住宅`, `collective_use = 宅基地`).
//!
//! Parts are assumed disjoint (a point of the parcel lies in at most one grade
//! zone of either system); parts adding up to more than the parcel are rejected.

use serde::Serialize;

use crate::land::prices::{self, CollectiveLandUse, Grade, GradeSystem, LandUse, UrbanLandUse};
use crate::units::area::{AreaFigures, SquareMetres};
use crate::units::date::Date;
use crate::units::money::{Money, MoneyError};

/// Area of the central urban area (中心城区) re-graded by 临政发〔2023〕8号, km².
pub const CENTRAL_URBAN_AREA_KM2: f64 = 30.42;

/// What the two tables cover, as the notice says.
pub const SCOPE_ZH: &str = "城区基准地价表：中心城区 30.42 平方公里（级别和基准地价调整更新）；集体建设用地基准地价表：全县集体建设用地（首次划定和评估）";

/// How values are rounded (part of every result).
pub const ROUNDING: &str = "value = area_m2 × yuan_per_m2, rounded half away from zero to the whole yuan per part; \
     total = exact sum of the part values; 亩 = m² × 15 / 10000 (not rounded); share_percent rounded to 0.01";

/// [`ROUNDING`] in Chinese.
pub const ROUNDING_ZH: &str = "估价 = 面积（m²）× 单价（元/m²），每部分四舍五入到元；合计为各部分估价的精确之和；\
     亩 = m² × 15 / 10000（不取整）；占比四舍五入到 0.01";

/// Why a valuation request was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValuationError {
    /// `use` is in neither table.
    #[error(
        "{0:?} is not a benchmark land use; expected one of 商服, 住宅, 公共管理与公共服务, 工业 (urban) or 商服, 宅基地, 工业 (collective)"
    )]
    UnknownUse(String),
    /// `collective_use` is not in the collective table.
    #[error("collective_use {0:?} is not a collective land use; expected one of 商服, 宅基地, 工业")]
    UnknownCollectiveUse(String),
    /// The parcel has no area.
    #[error("the parcel's area is zero")]
    EmptyParcel,
    /// A part's grade does not exist in its system (e.g. urban grade 4).
    #[error("grade {grade} does not exist in the {system} table (1-{max})", max = .system.max_grade())]
    GradeOutOfRange {
        /// The part's system.
        system: GradeSystem,
        /// The grade given.
        grade: u8,
    },
    /// The parts add up to more than the parcel (overlapping or wrong areas).
    #[error("the grade parts add up to {parts_m2} m², more than the parcel's {parcel_m2} m²")]
    PartsExceedParcel {
        /// Sum of the parts, m².
        parts_m2: f64,
        /// The parcel's area, m².
        parcel_m2: f64,
    },
    /// A value is too large to be an amount of money.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The part of a parcel inside one grade zone (or several zones of the same grade).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradePart {
    /// Which table.
    pub system: GradeSystem,
    /// The zone's grade.
    pub grade: Grade,
    /// Area of the parcel inside the zone.
    pub area: SquareMetres,
}

/// The land use(s) asked for, checked against the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseRequest {
    requested: LandUse,
    urban: Option<UrbanLandUse>,
    collective: Option<CollectiveLandUse>,
}

impl UseRequest {
    /// Parses `land_use` (Chinese, with or without 用地, or English) and the optional
    /// `collective_use`; `land_use` must be a use of at least one table,
    /// `collective_use` one of 商服/宅基地/工业.
    pub fn parse(land_use: &str, collective_use: Option<&str>) -> Result<UseRequest, ValuationError> {
        let urban = UrbanLandUse::parse(land_use);
        let collective_from_use = CollectiveLandUse::parse(land_use);
        let requested = match (urban, collective_from_use) {
            (Some(u), _) => LandUse::Urban(u),
            (None, Some(c)) => LandUse::Collective(c),
            (None, None) => return Err(ValuationError::UnknownUse(land_use.to_owned())),
        };
        let collective = match collective_use {
            Some(text) => Some(
                CollectiveLandUse::parse(text).ok_or_else(|| ValuationError::UnknownCollectiveUse(text.to_owned()))?,
            ),
            None => collective_from_use,
        };
        Ok(UseRequest { requested, urban, collective })
    }

    /// The use applied to urban parts, if the urban table has it.
    pub fn urban(&self) -> Option<UrbanLandUse> {
        self.urban
    }

    /// The use applied to collective parts, if any.
    pub fn collective(&self) -> Option<CollectiveLandUse> {
        self.collective
    }

    fn for_system(&self, system: GradeSystem) -> Option<LandUse> {
        match system {
            GradeSystem::Urban => self.urban.map(LandUse::Urban),
            GradeSystem::Collective => self.collective.map(LandUse::Collective),
        }
    }

    /// Why `system` has no price, in Chinese and English.
    fn missing_note(&self, system: GradeSystem) -> (String, String) {
        let (zh, en) = (self.requested.name_zh(), self.requested.name_en());
        match system {
            GradeSystem::Collective => (
                format!("集体建设用地基准地价表无'{zh}'用途；请指定 collective_use（商服/宅基地/工业）"),
                format!(
                    "The collective construction land table has no '{zh}' ({en}) use; \
                     give collective_use (商服 commercial / 宅基地 homestead / 工业 industrial)"
                ),
            ),
            GradeSystem::Urban => (
                format!(
                    "城区基准地价表无'{zh}'用途；请将 use 设为城区用途（商服/住宅/公共管理与公共服务/工业），集体部分另用 collective_use 指定"
                ),
                format!(
                    "The urban table has no '{zh}' ({en}) use; set use to an urban use (商服 commercial / 住宅 residential / \
                     公共管理与公共服务 public service / 工业 industrial) and give the collective use as collective_use"
                ),
            ),
        }
    }
}

/// The published price applied to a part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PartPrice {
    /// Land use (Chinese, as in the table heading without 用地).
    pub land_use: &'static str,
    /// Land use in English.
    pub land_use_en: &'static str,
    /// 元/平方米, as published.
    pub yuan_per_m2: u32,
    /// 万元/亩, as published (one decimal).
    pub wan_yuan_per_mu: f64,
}

/// One grade of the parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartValuation {
    /// Which table.
    pub system: GradeSystem,
    /// The table's name (城区 / 集体建设用地).
    pub system_name: &'static str,
    /// Grade number.
    pub grade: Grade,
    /// Grade as in the gazette (一级 ...).
    pub grade_name: &'static str,
    /// Area of the parcel in this grade.
    pub area: AreaFigures,
    /// Share of the parcel's area, %.
    pub share_percent: f64,
    /// The price applied; `null` if the table has no price for the use.
    pub price: Option<PartPrice>,
    /// area × 元/m², whole yuan; `null` without a price.
    pub value: Option<Money>,
    /// Why there is no price (Chinese), if there is none.
    pub note: Option<String>,
    /// The same in English.
    pub note_en: Option<String>,
}

/// The area of the parcel in no grade zone: reported, not valued.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutsideArea {
    /// Area outside every grade zone.
    pub area: AreaFigures,
    /// Share of the parcel's area, %.
    pub share_percent: f64,
    /// Always `false`: no benchmark price applies outside the grade zones.
    pub valued: bool,
    /// Chinese note.
    pub note: &'static str,
    /// English note.
    pub note_en: &'static str,
}

/// The benchmark valuation of a parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Valuation {
    /// 临政发〔2023〕8号.
    pub document: &'static str,
    /// 晋自然资技审〔2023〕6号.
    pub approval: &'static str,
    /// Date of issue, 2023-05-18.
    pub issued: Date,
    /// In force from 2023-05-01 (inclusive).
    pub in_force_from: Date,
    /// What the tables cover.
    pub scope: &'static str,
    /// The date asked about, if any.
    pub as_of: Option<Date>,
    /// Whether the 2023 prices applied on `as_of`; `null` without `as_of`.
    pub in_force: Option<bool>,
    /// About `as_of` and the in-force date (Chinese).
    pub note: String,
    /// The same in English.
    pub note_en: String,
    /// What the numbers are.
    pub price_basis: &'static str,
    /// The use requested (canonical Chinese name).
    pub requested_use: &'static str,
    /// Use applied to urban parts, if the urban table has one.
    pub urban_use: Option<&'static str>,
    /// Use applied to collective parts, if any.
    pub collective_use: Option<&'static str>,
    /// The parcel's area.
    pub parcel_area: AreaFigures,
    /// One entry per (system, grade), urban first, grade 1 first.
    pub parts: Vec<PartValuation>,
    /// The area in no grade zone.
    pub outside: OutsideArea,
    /// Sum of the valued parts (whole yuan).
    pub total_value: Money,
    /// The same in 万元, exact decimal text.
    pub total_wan_yuan: String,
    /// Whether every graded part got a price (false if some `price` is null).
    pub all_parts_valued: bool,
    /// The rounding rule.
    pub rounding: &'static str,
    /// The same in Chinese.
    pub rounding_zh: &'static str,
}

const OUTSIDE_NOTE: &str = "该部分不在任何土地级别范围内，无基准地价，未估值";
const OUTSIDE_NOTE_EN: &str = "This area lies in no grade zone: no benchmark price applies and it is not valued";
const PRICE_BASIS: &str = "2023 年基准地价（临政发〔2023〕8号，自 2023-05-01 起执行）";

/// Share `part / whole` in %, rounded to 0.01.
fn share_percent(part: SquareMetres, whole: SquareMetres) -> f64 {
    (part.get() / whole.get() * 10_000.0).round() / 100.0
}

fn in_force_notes(as_of: Option<Date>) -> (Option<bool>, String, String) {
    let from = prices::IN_FORCE;
    match as_of {
        None => (
            None,
            format!("未指定日期，未核对执行日期；临政发〔2023〕8号 基准地价自 {from} 起执行"),
            format!(
                "No date given, so the in-force date was not checked; the 临政发〔2023〕8号 prices apply from {from}"
            ),
        ),
        Some(d) if d >= from => (
            Some(true),
            format!("{d} 适用临政发〔2023〕8号 基准地价（自 {from} 起执行）"),
            format!("The 临政发〔2023〕8号 benchmark prices apply on {d} (in force from {from})"),
        ),
        Some(d) => (
            Some(false),
            format!(
                "{d} 早于临政发〔2023〕8号 的执行日期 {from}：当日 2023 年基准地价尚未执行；以下数值按 2023 年基准地价计算，仅供参考"
            ),
            format!(
                "{d} is before {from}, when the 临政发〔2023〕8号 prices came into force: the 2023 benchmark prices did \
                 not yet apply on that date; the figures below use the 2023 prices for reference only"
            ),
        ),
    }
}

/// Values a parcel of `parcel_area` whose parts in grade zones are `parts`, for the
/// use(s) in `uses`, optionally as of a date (see the module documentation).
pub fn benchmark_valuation(
    parcel_area: SquareMetres,
    parts: &[GradePart],
    uses: &UseRequest,
    as_of: Option<Date>,
) -> Result<Valuation, ValuationError> {
    if parcel_area.get() <= 0.0 {
        return Err(ValuationError::EmptyParcel);
    }
    // Sum the parts per (system, grade), in table order.
    let mut summed: Vec<(GradeSystem, Grade, f64)> = Vec::new();
    for part in parts {
        if part.grade.get() > part.system.max_grade() {
            return Err(ValuationError::GradeOutOfRange { system: part.system, grade: part.grade.get() });
        }
        match summed.iter_mut().find(|(s, g, _)| (*s, *g) == (part.system, part.grade)) {
            Some(entry) => entry.2 += part.area.get(),
            None => summed.push((part.system, part.grade, part.area.get())),
        }
    }
    summed.sort_by_key(|&(s, g, _)| (s, g));

    let parts_m2: f64 = summed.iter().map(|e| e.2).sum();
    let tolerance = (parcel_area.get() * 1e-6).max(0.01);
    if parts_m2 > parcel_area.get() + tolerance {
        return Err(ValuationError::PartsExceedParcel { parts_m2, parcel_m2: parcel_area.get() });
    }

    let mut out_parts = Vec::with_capacity(summed.len());
    for (system, grade, m2) in summed {
        let area = SquareMetres::new(m2)
            .map_err(|_| ValuationError::PartsExceedParcel { parts_m2, parcel_m2: parcel_area.get() })?;
        let price = uses.for_system(system).and_then(|u| prices::benchmark_price(system, grade, u));
        let (price, value, note, note_en) = match price {
            Some(p) => {
                let yuan = (area.get() * f64::from(p.yuan_per_m2)).round();
                // area ≤ 10^11 m² and price < 1000 元/m²: far below u64::MAX.
                let value = Money::from_yuan(yuan as u64)?;
                let price = PartPrice {
                    land_use: p.land_use.name_zh(),
                    land_use_en: p.land_use.name_en(),
                    yuan_per_m2: p.yuan_per_m2,
                    wan_yuan_per_mu: p.wan_yuan_per_mu(),
                };
                (Some(price), Some(value), None, None)
            }
            None => {
                let (zh, en) = uses.missing_note(system);
                (None, None, Some(zh), Some(en))
            }
        };
        out_parts.push(PartValuation {
            system,
            system_name: system.name_zh(),
            grade,
            grade_name: grade.name_zh(),
            area: area.into(),
            share_percent: share_percent(area, parcel_area),
            price,
            value,
            note,
            note_en,
        });
    }

    let outside = SquareMetres::new((parcel_area.get() - parts_m2).max(0.0)).unwrap_or(SquareMetres::ZERO);
    let total_value: Money = out_parts.iter().filter_map(|p| p.value).sum();
    let (in_force, note, note_en) = in_force_notes(as_of);
    Ok(Valuation {
        document: prices::DOCUMENT,
        approval: prices::APPROVAL,
        issued: prices::ISSUED,
        in_force_from: prices::IN_FORCE,
        scope: SCOPE_ZH,
        as_of,
        in_force,
        note,
        note_en,
        price_basis: PRICE_BASIS,
        requested_use: uses.requested.name_zh(),
        urban_use: uses.urban.map(UrbanLandUse::name_zh),
        collective_use: uses.collective.map(CollectiveLandUse::name_zh),
        parcel_area: parcel_area.into(),
        all_parts_valued: out_parts.iter().all(|p| p.price.is_some()),
        parts: out_parts,
        outside: OutsideArea {
            area: outside.into(),
            share_percent: share_percent(outside, parcel_area),
            valued: false,
            note: OUTSIDE_NOTE,
            note_en: OUTSIDE_NOTE_EN,
        },
        total_wan_yuan: total_value.wan_yuan_text(),
        total_value,
        rounding: ROUNDING,
        rounding_zh: ROUNDING_ZH,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const GAZETTE: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1291-1328.txt");

    fn m2(x: f64) -> SquareMetres {
        SquareMetres::new(x).unwrap()
    }

    fn part(system: GradeSystem, grade: i64, area: f64) -> GradePart {
        GradePart { system, grade: Grade::new(system, grade).unwrap(), area: m2(area) }
    }

    fn urban(grade: i64, area: f64) -> GradePart {
        part(GradeSystem::Urban, grade, area)
    }

    fn collective(grade: i64, area: f64) -> GradePart {
        part(GradeSystem::Collective, grade, area)
    }

    fn value(
        parcel: f64,
        parts: &[GradePart],
        land_use: &str,
        collective_use: Option<&str>,
        as_of: Option<Date>,
    ) -> Valuation {
        benchmark_valuation(m2(parcel), parts, &UseRequest::parse(land_use, collective_use).unwrap(), as_of).unwrap()
    }

    fn yuan(y: u64) -> Money {
        Money::from_yuan(y).unwrap()
    }

    #[test]
    fn document_facts_match_the_gazette() {
        let text = crate::units::citation::without_whitespace(GAZETTE);
        assert!(
            text.contains(&format!("对中心城区{CENTRAL_URBAN_AREA_KM2}平方公里土地的级别和基准地价进行调整和更新"))
        );
        assert!(text.contains("对全县集体建设用地的土地级别和基准地价进行划定和评估"));
        assert!(text.contains("批准文号晋自然资技审〔2023〕6号"));
        assert!(text.contains("自2023年5月1日起执行"));
        assert!(text.contains("2023年5月18日"));
        let v = value(1000.0, &[urban(1, 1000.0)], "住宅", None, None);
        assert_eq!(
            (v.document, v.approval, v.in_force_from, v.issued),
            ("临政发〔2023〕8号", "晋自然资技审〔2023〕6号", Date::ymd(2023, 5, 1), Date::ymd(2023, 5, 18))
        );
        assert!(v.scope.contains("30.42 平方公里"));
    }

    #[test]
    fn wholly_urban_grade_1_residential() {
        let v = value(1000.0, &[urban(1, 1000.0)], "住宅", None, Some(Date::ymd(2023, 7, 1)));
        assert_eq!(v.parcel_area, AreaFigures { m2: 1000.0, mu: 1.5 });
        assert_eq!(v.parts.len(), 1);
        let p = &v.parts[0];
        assert_eq!((p.system, p.grade.get(), p.grade_name, p.share_percent), (GradeSystem::Urban, 1, "一级", 100.0));
        assert_eq!(
            p.price,
            Some(PartPrice { land_use: "住宅", land_use_en: "residential", yuan_per_m2: 657, wan_yuan_per_mu: 43.8 })
        );
        assert_eq!(p.value, Some(yuan(657_000)));
        assert_eq!(v.total_value, yuan(657_000));
        assert_eq!(v.total_wan_yuan, "65.7");
        assert_eq!(v.outside.area.m2, 0.0);
        assert_eq!(v.outside.share_percent, 0.0);
        assert!(v.all_parts_valued);
        assert_eq!(v.in_force, Some(true));
    }

    #[test]
    fn split_sixty_forty_across_grades_1_and_2() {
        // 600 × 686 + 400 × 581 = 411 600 + 232 400 = 644 000 元.
        let v = value(1000.0, &[urban(2, 400.0), urban(1, 600.0)], "商服", None, None);
        let rows: Vec<_> =
            v.parts.iter().map(|p| (p.grade.get(), p.area.m2, p.area.mu, p.share_percent, p.value)).collect();
        assert_eq!(rows, [(1, 600.0, 0.9, 60.0, Some(yuan(411_600))), (2, 400.0, 0.6, 40.0, Some(yuan(232_400)))]);
        assert_eq!(v.parts[0].price.unwrap().wan_yuan_per_mu, 45.7);
        assert_eq!(v.parts[1].price.unwrap().wan_yuan_per_mu, 38.7);
        assert_eq!(v.total_value, yuan(644_000));
        assert_eq!(v.total_wan_yuan, "64.4");
    }

    #[test]
    fn several_pieces_of_one_grade_are_summed() {
        let v = value(1000.0, &[urban(1, 250.0), urban(2, 400.0), urban(1, 350.0)], "商服", None, None);
        assert_eq!(v.parts.len(), 2);
        assert_eq!(v.parts[0].area.m2, 600.0);
        assert_eq!(v.total_value, yuan(644_000));
    }

    #[test]
    fn thirty_percent_outside_every_zone_is_reported_not_valued() {
        // 700 m² urban grade 3 industrial: 700 × 227 = 158 900 元; 300 m² = 0.45 亩 outside.
        let v = value(1000.0, &[urban(3, 700.0)], "工业", None, None);
        assert_eq!(v.parts[0].share_percent, 70.0);
        assert_eq!(v.parts[0].value, Some(yuan(158_900)));
        assert_eq!(v.outside.area, AreaFigures { m2: 300.0, mu: 0.45 });
        assert_eq!(v.outside.share_percent, 30.0);
        assert!(!v.outside.valued);
        assert_eq!(v.total_value, yuan(158_900));
        let j = serde_json::to_value(&v).unwrap();
        assert_eq!(j["outside"]["valued"], false);
        assert_eq!(j["outside"]["area"], json!({"m2": 300.0, "mu": 0.45}));
    }

    #[test]
    fn collective_homestead() {
        // 500 m² collective grade 2 宅基地: 500 × 230 = 115 000 元 (15.3 万元/亩).
        let v = value(500.0, &[collective(2, 500.0)], "宅基地", None, None);
        let p = &v.parts[0];
        assert_eq!((p.system_name, p.grade_name), ("集体建设用地", "二级"));
        assert_eq!(p.price.unwrap().yuan_per_m2, 230);
        assert_eq!(p.price.unwrap().wan_yuan_per_mu, 15.3);
        assert_eq!(p.value, Some(yuan(115_000)));
        assert_eq!((v.urban_use, v.collective_use), (None, Some("宅基地")));
        // Grade 4 exists only in the collective table: 300 m² × 198 = 59 400 元.
        let v = value(300.0, &[collective(4, 300.0)], "homestead", None, None);
        assert_eq!(v.total_value, yuan(59_400));
    }

    #[test]
    fn residential_on_collective_land_is_reported_not_guessed() {
        let v = value(1000.0, &[urban(1, 600.0), collective(1, 400.0)], "住宅", None, None);
        let (u, c) = (&v.parts[0], &v.parts[1]);
        assert_eq!(u.value, Some(yuan(394_200))); // 600 × 657
        assert_eq!(c.price, None);
        assert_eq!(c.value, None);
        assert_eq!(
            c.note.as_deref(),
            Some("集体建设用地基准地价表无'住宅'用途；请指定 collective_use（商服/宅基地/工业）")
        );
        assert!(c.note_en.as_deref().unwrap().contains("has no '住宅' (residential) use"));
        assert!(!v.all_parts_valued);
        assert_eq!(v.total_value, yuan(394_200));
        let j = serde_json::to_value(&v).unwrap();
        assert_eq!(j["parts"][1]["price"], serde_json::Value::Null);

        // With collective_use the collective part is valued: 400 × 247 = 98 800 元.
        let v = value(1000.0, &[urban(1, 600.0), collective(1, 400.0)], "住宅", Some("宅基地"), None);
        assert_eq!(v.parts[1].value, Some(yuan(98_800)));
        assert_eq!(v.total_value, yuan(493_000));
        assert!(v.all_parts_valued);

        // 宅基地 on urban land: the urban part is reported.
        let v = value(1000.0, &[urban(2, 1000.0)], "宅基地", None, None);
        assert_eq!(v.parts[0].value, None);
        assert!(v.parts[0].note.as_deref().unwrap().starts_with("城区基准地价表无'宅基地'用途"));
        assert_eq!(v.total_value, Money::ZERO);
    }

    #[test]
    fn uses_in_both_tables_apply_to_both() {
        // 工业: urban grade 2 286 × 500 = 143 000; collective grade 3 171 × 500 = 85 500.
        let v = value(1000.0, &[collective(3, 500.0), urban(2, 500.0)], "工业用地", None, None);
        assert_eq!(v.parts[0].system, GradeSystem::Urban);
        assert_eq!(v.parts.iter().map(|p| p.value.unwrap()).collect::<Vec<_>>(), [yuan(143_000), yuan(85_500)]);
        assert_eq!(v.total_value, yuan(228_500));
        // 公共管理与公共服务 grade 1: 430 元/m² (28.7 万元/亩).
        let v = value(100.0, &[urban(1, 100.0)], "公共管理与公共服务", None, None);
        assert_eq!(v.parts[0].price.unwrap().wan_yuan_per_mu, 28.7);
        assert_eq!(v.total_value, yuan(43_000));
    }

    #[test]
    fn values_round_to_the_whole_yuan_per_part() {
        // 0.7 × 657 = 459.9 → 460; 0.5 × 401 = 200.5 → 201 (half away from zero).
        let v = value(2.0, &[urban(1, 0.7)], "住宅", None, None);
        assert_eq!(v.total_value, yuan(460));
        let v = value(2.0, &[urban(1, 0.5)], "工业", None, None);
        assert_eq!(v.total_value, yuan(201));
        assert_eq!(v.parts[0].share_percent, 25.0);
        assert!(v.rounding.contains("whole yuan"));
    }

    #[test]
    fn in_force_from_2023_05_01_inclusive() {
        let before = value(1000.0, &[urban(1, 1000.0)], "住宅", None, Some(Date::ymd(2023, 4, 30)));
        assert_eq!(before.in_force, Some(false));
        assert!(before.note.contains("2023-04-30 早于临政发〔2023〕8号 的执行日期 2023-05-01"));
        assert!(before.note_en.contains("did not yet apply on that date"));
        // The numbers are still shown, labelled.
        assert_eq!(before.total_value, yuan(657_000));
        assert!(before.note.contains("仅供参考"));

        let on = value(1000.0, &[urban(1, 1000.0)], "住宅", None, Some(Date::ymd(2023, 5, 1)));
        assert_eq!(on.in_force, Some(true));
        assert_eq!(on.total_value, yuan(657_000));

        let unchecked = value(1000.0, &[urban(1, 1000.0)], "住宅", None, None);
        assert_eq!(unchecked.in_force, None);
        assert!(unchecked.note.contains("2023-05-01"));
        let j = serde_json::to_value(&unchecked).unwrap();
        assert_eq!(j["in_force"], serde_json::Value::Null);
        assert_eq!(j["in_force_from"], "2023-05-01");
        assert_eq!(j["total_value"], json!({"fen": 65_700_000, "yuan": "657000.00"}));
    }

    #[test]
    fn rejects_bad_requests() {
        assert_eq!(UseRequest::parse("农用地", None), Err(ValuationError::UnknownUse("农用地".into())));
        assert_eq!(UseRequest::parse("住宅", Some("住宅")), Err(ValuationError::UnknownCollectiveUse("住宅".into())));
        let uses = UseRequest::parse("商服", None).unwrap();
        assert_eq!(
            (uses.urban(), uses.collective()),
            (Some(UrbanLandUse::Commercial), Some(CollectiveLandUse::Commercial))
        );
        assert_eq!(benchmark_valuation(SquareMetres::ZERO, &[], &uses, None), Err(ValuationError::EmptyParcel));
        let err = benchmark_valuation(m2(1000.0), &[urban(1, 700.0), collective(1, 400.0)], &uses, None).unwrap_err();
        assert_eq!(err, ValuationError::PartsExceedParcel { parts_m2: 1100.0, parcel_m2: 1000.0 });
        // Within tolerance (0.01 m²), an overshoot is accepted and nothing is outside.
        let v = benchmark_valuation(m2(1000.0), &[urban(1, 1000.005)], &uses, None).unwrap();
        assert_eq!(v.outside.area.m2, 0.0);
        // A collective grade 4 part labelled urban.
        let bad = GradePart { system: GradeSystem::Urban, ..collective(4, 10.0) };
        assert_eq!(
            benchmark_valuation(m2(1000.0), &[bad], &uses, None),
            Err(ValuationError::GradeOutOfRange { system: GradeSystem::Urban, grade: 4 })
        );
    }

    #[test]
    fn a_parcel_in_no_zone_has_value_zero() {
        let v = value(1000.0, &[], "商服", None, None);
        assert!(v.parts.is_empty());
        assert_eq!(v.outside.share_percent, 100.0);
        assert_eq!(v.total_value, Money::ZERO);
        assert_eq!(v.total_wan_yuan, "0");
    }
}
