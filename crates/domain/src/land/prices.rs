//! Benchmark land prices (基准地价) of 临政发〔2023〕8号.
//!
//! Two tables, copied cell by cell from the gazette (临猗县人民政府公报 2023年第2期,
//! lines 1291-1328; a verbatim copy is `data/gazette/linyi-gazette-2023-02-L1291-1328.txt`):
//!
//! - 附件1 临猗县城区基准地价表: urban land of the central urban area, grades 1-3,
//!   four uses;
//! - 附件2 临猗县集体建设用地基准地价表: collective construction land of the whole
//!   county, grades 1-4, three uses.
//!
//! Each cell gives a price in 元/平方米 and in 万元/亩. Both are kept as published
//! (the 万元/亩 values in tenths, as integers); [`wan_yuan_per_mu_tenths`] recomputes
//! the second from the first and the tests check that the gazette agrees with it.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::input_limits::NumberRange;
use crate::units::date::Date;

/// The approving document: 临猗县人民政府 临政发〔2023〕8号.
pub const DOCUMENT: &str = "临政发〔2023〕8号";
/// The technical approval by the provincial department of natural resources.
pub const APPROVAL: &str = "晋自然资技审〔2023〕6号";
/// In force from (自 2023 年 5 月 1 日起执行).
pub const IN_FORCE: Date = Date::ymd(2023, 5, 1);
/// Date of issue (signature date of the notice).
pub const ISSUED: Date = Date::ymd(2023, 5, 18);
/// Square metres in one 亩 (exactly 10000/15).
pub const MU_IN_M2: f64 = 10000.0 / 15.0;

/// 城区基准地价, 元/平方米: rows grade 1-3, columns in [`UrbanLandUse::ALL`] order
/// (商服, 住宅, 公共管理与公共服务, 工业).
pub const URBAN_YUAN_PER_M2: [[u32; 4]; 3] = [[686, 657, 430, 401], [581, 552, 314, 286], [402, 387, 243, 227]];

/// 城区基准地价 as published in 万元/亩, in tenths (457 = 45.7 万元/亩); same layout
/// as [`URBAN_YUAN_PER_M2`].
pub const URBAN_WAN_YUAN_PER_MU_TENTHS: [[u32; 4]; 3] =
    [[457, 438, 287, 267], [387, 368, 209, 191], [268, 258, 162, 151]];

/// 集体建设用地基准地价, 元/平方米: rows grade 1-4, columns in
/// [`CollectiveLandUse::ALL`] order (商服, 宅基地, 工业).
pub const COLLECTIVE_YUAN_PER_M2: [[u32; 3]; 4] = [[261, 247, 192], [243, 230, 179], [224, 213, 171], [206, 198, 163]];

/// 集体建设用地基准地价 as published in 万元/亩, in tenths; same layout as
/// [`COLLECTIVE_YUAN_PER_M2`].
pub const COLLECTIVE_WAN_YUAN_PER_MU_TENTHS: [[u32; 3]; 4] =
    [[174, 165, 128], [162, 153, 119], [149, 142, 114], [137, 132, 109]];

/// Why a grade, land use or price look-up was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PriceError {
    /// The grade is outside the system's range.
    #[error("{grade} is not a valid {system} grade (1-{max})", max = .system.max_grade())]
    Grade {
        /// The grading system.
        system: GradeSystem,
        /// The grade as given.
        grade: i64,
    },
    /// The land use is not one of the system's uses.
    #[error(
        "{text:?} is not a {system} land use; expected one of: {}",
        .system.land_use_names_zh().join(", ")
    )]
    LandUse {
        /// The grading system.
        system: GradeSystem,
        /// The land use as given.
        text: String,
    },
    /// The grading system name is neither `urban` nor `collective`.
    #[error("{0:?} is not a grading system; expected urban or collective")]
    System(String),
}

/// The two grading systems of 临政发〔2023〕8号.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GradeSystem {
    /// 城区土地级别: the central urban area, grades 1-3.
    Urban,
    /// 集体建设用地土地级别: collective construction land of the county, grades 1-4.
    Collective,
}

impl GradeSystem {
    /// Both systems, in the gazette's order.
    pub const ALL: [GradeSystem; 2] = [GradeSystem::Urban, GradeSystem::Collective];

    /// Stable key: `urban` or `collective` (the `system` field of `benchmark_prices`).
    pub fn key(self) -> &'static str {
        match self {
            GradeSystem::Urban => "urban",
            GradeSystem::Collective => "collective",
        }
    }

    /// Looks a system up by its key.
    pub fn from_key(key: &str) -> Result<GradeSystem, PriceError> {
        GradeSystem::ALL.into_iter().find(|s| s.key() == key).ok_or_else(|| PriceError::System(key.to_owned()))
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            GradeSystem::Urban => "城区",
            GradeSystem::Collective => "集体建设用地",
        }
    }

    /// Title of the gazette's price table for this system.
    pub fn table_title_zh(self) -> &'static str {
        match self {
            GradeSystem::Urban => "临猗县城区基准地价表",
            GradeSystem::Collective => "临猗县集体建设用地基准地价表",
        }
    }

    /// Highest grade (the lowest grade is 1).
    pub const fn max_grade(self) -> u8 {
        match self {
            GradeSystem::Urban => 3,
            GradeSystem::Collective => 4,
        }
    }

    /// The grades of the system as a field range: whole numbers from 1 to
    /// [`GradeSystem::max_grade`].
    pub const fn grade_range(self) -> NumberRange {
        let basis = match self {
            GradeSystem::Urban => "urban land grades of 临政发〔2023〕8号",
            GradeSystem::Collective => "collective construction-land grades of 临政发〔2023〕8号",
        };
        NumberRange::rule(1.0, self.max_grade() as f64, "", basis).whole()
    }

    /// The system's land uses, in the gazette's column order.
    pub fn land_uses(self) -> &'static [LandUse] {
        const URBAN: [LandUse; 4] = [
            LandUse::Urban(UrbanLandUse::Commercial),
            LandUse::Urban(UrbanLandUse::Residential),
            LandUse::Urban(UrbanLandUse::PublicService),
            LandUse::Urban(UrbanLandUse::Industrial),
        ];
        const COLLECTIVE: [LandUse; 3] = [
            LandUse::Collective(CollectiveLandUse::Commercial),
            LandUse::Collective(CollectiveLandUse::Homestead),
            LandUse::Collective(CollectiveLandUse::Industrial),
        ];
        match self {
            GradeSystem::Urban => &URBAN,
            GradeSystem::Collective => &COLLECTIVE,
        }
    }

    /// Chinese names of the system's land uses, in column order.
    pub fn land_use_names_zh(self) -> Vec<&'static str> {
        self.land_uses().iter().map(|u| u.name_zh()).collect()
    }

    /// The system's grades, 1 first.
    pub fn grades(self) -> impl Iterator<Item = Grade> {
        (1..=self.max_grade()).map(Grade)
    }
}

impl fmt::Display for GradeSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for GradeSystem {
    type Err = PriceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GradeSystem::from_key(s)
    }
}

/// A grade of either system (1 to the highest of [`GradeSystem::max_grade`]), for rows that
/// name their system in another field.
pub const ANY_GRADE: NumberRange = NumberRange::rule(
    1.0,
    GradeSystem::Collective.max_grade() as f64,
    "",
    "land grades of 临政发〔2023〕8号 (1-3 urban, 1-4 collective)",
)
.whole();

/// A land grade (土地级别): 1 is the most valuable. Valid grades are 1-3 (urban)
/// and 1-4 (collective); [`Grade::new`] checks against the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Grade(u8);

impl Grade {
    /// Grade `n` of `system`, if the system has it.
    pub fn new(system: GradeSystem, n: i64) -> Result<Grade, PriceError> {
        match u8::try_from(n) {
            Ok(g) if (1..=system.max_grade()).contains(&g) => Ok(Grade(g)),
            _ => Err(PriceError::Grade { system, grade: n }),
        }
    }

    /// The grade number.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// Chinese name as in the gazette: 一级, 二级, 三级, 四级.
    pub fn name_zh(self) -> &'static str {
        match self.0 {
            1 => "一级",
            2 => "二级",
            3 => "三级",
            _ => "四级",
        }
    }

    /// Parses a Chinese grade name (一级 ... 四级) for `system`.
    pub fn from_name_zh(system: GradeSystem, name: &str) -> Option<Grade> {
        system.grades().find(|g| g.name_zh() == name)
    }

    fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Normalises a land-use name for matching: trims, drops a trailing 用地,
/// lower-cases ASCII and treats `_`/`-` as spaces.
fn normalise_use_name(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_suffix("用地").unwrap_or(t);
    t.chars()
        .map(|c| match c {
            '_' | '-' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Land uses of the urban table (城区基准地价表).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UrbanLandUse {
    /// 商服用地: commercial and services.
    Commercial,
    /// 住宅用地: residential.
    Residential,
    /// 公共管理与公共服务用地: public administration and public services.
    PublicService,
    /// 工业用地: industrial.
    Industrial,
}

impl UrbanLandUse {
    /// All uses, in the gazette's column order.
    pub const ALL: [UrbanLandUse; 4] =
        [UrbanLandUse::Commercial, UrbanLandUse::Residential, UrbanLandUse::PublicService, UrbanLandUse::Industrial];

    /// Chinese name as stored (the gazette's column heading without 用地).
    pub fn name_zh(self) -> &'static str {
        match self {
            UrbanLandUse::Commercial => "商服",
            UrbanLandUse::Residential => "住宅",
            UrbanLandUse::PublicService => "公共管理与公共服务",
            UrbanLandUse::Industrial => "工业",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            UrbanLandUse::Commercial => "commercial",
            UrbanLandUse::Residential => "residential",
            UrbanLandUse::PublicService => "public service",
            UrbanLandUse::Industrial => "industrial",
        }
    }

    /// Parses a Chinese name (with or without 用地) or an English name
    /// (`commercial`, `residential`, `public service`/`public_service`, `industrial`).
    pub fn parse(text: &str) -> Option<UrbanLandUse> {
        let n = normalise_use_name(text);
        UrbanLandUse::ALL.into_iter().find(|u| n == u.name_zh() || n == u.name_en())
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Land uses of the collective table (集体建设用地基准地价表).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectiveLandUse {
    /// 商服用地: commercial and services.
    Commercial,
    /// 宅基地: rural homestead.
    Homestead,
    /// 工业用地: industrial.
    Industrial,
}

impl CollectiveLandUse {
    /// All uses, in the gazette's column order.
    pub const ALL: [CollectiveLandUse; 3] =
        [CollectiveLandUse::Commercial, CollectiveLandUse::Homestead, CollectiveLandUse::Industrial];

    /// Chinese name as stored (the gazette's column heading without 用地).
    pub fn name_zh(self) -> &'static str {
        match self {
            CollectiveLandUse::Commercial => "商服",
            CollectiveLandUse::Homestead => "宅基地",
            CollectiveLandUse::Industrial => "工业",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            CollectiveLandUse::Commercial => "commercial",
            CollectiveLandUse::Homestead => "homestead",
            CollectiveLandUse::Industrial => "industrial",
        }
    }

    /// Parses a Chinese name (with or without 用地) or an English name.
    pub fn parse(text: &str) -> Option<CollectiveLandUse> {
        let n = normalise_use_name(text);
        CollectiveLandUse::ALL.into_iter().find(|u| n == u.name_zh() || n == u.name_en())
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl FromStr for UrbanLandUse {
    type Err = PriceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UrbanLandUse::parse(s).ok_or_else(|| PriceError::LandUse { system: GradeSystem::Urban, text: s.to_owned() })
    }
}

impl FromStr for CollectiveLandUse {
    type Err = PriceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CollectiveLandUse::parse(s)
            .ok_or_else(|| PriceError::LandUse { system: GradeSystem::Collective, text: s.to_owned() })
    }
}

/// A land use of either system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum LandUse {
    /// A use of the urban table.
    Urban(UrbanLandUse),
    /// A use of the collective table.
    Collective(CollectiveLandUse),
}

impl LandUse {
    /// Parses a use of `system` from its Chinese or English name.
    pub fn parse(system: GradeSystem, text: &str) -> Result<LandUse, PriceError> {
        let found = match system {
            GradeSystem::Urban => UrbanLandUse::parse(text).map(LandUse::Urban),
            GradeSystem::Collective => CollectiveLandUse::parse(text).map(LandUse::Collective),
        };
        found.ok_or_else(|| PriceError::LandUse { system, text: text.to_owned() })
    }

    /// The system whose table has this use.
    pub fn system(self) -> GradeSystem {
        match self {
            LandUse::Urban(_) => GradeSystem::Urban,
            LandUse::Collective(_) => GradeSystem::Collective,
        }
    }

    /// Chinese name as stored.
    pub fn name_zh(self) -> &'static str {
        match self {
            LandUse::Urban(u) => u.name_zh(),
            LandUse::Collective(u) => u.name_zh(),
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            LandUse::Urban(u) => u.name_en(),
            LandUse::Collective(u) => u.name_en(),
        }
    }
}

impl From<UrbanLandUse> for LandUse {
    fn from(u: UrbanLandUse) -> Self {
        LandUse::Urban(u)
    }
}

impl From<CollectiveLandUse> for LandUse {
    fn from(u: CollectiveLandUse) -> Self {
        LandUse::Collective(u)
    }
}

/// Converts 元/平方米 to 万元/亩 in tenths, the way the gazette does:
/// `price × 666.67 / 10000`, rounded half up to 0.1 (686 → 457, i.e. 45.7).
///
/// Exact integer arithmetic: `round(price × 66667 / 100000)`.
pub const fn wan_yuan_per_mu_tenths(yuan_per_m2: u32) -> u32 {
    // price × 666.67 / 10000 × 10 = price × 66667 / 100000; u64 cannot overflow.
    let scaled = yuan_per_m2 as u64 * 66_667;
    ((scaled + 50_000) / 100_000) as u32
}

/// Formats a tenths value as a decimal with one digit: 457 → `45.7`.
pub fn tenths_text(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// One cell of a benchmark price table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BenchmarkPrice {
    /// The grading system (which table).
    pub system: GradeSystem,
    /// The grade (table row).
    pub grade: Grade,
    /// The land use (table column).
    pub land_use: LandUse,
    /// Price in 元/平方米, as published.
    pub yuan_per_m2: u32,
    /// Price in 万元/亩 as published, in tenths (457 = 45.7 万元/亩).
    pub wan_yuan_per_mu_tenths: u32,
}

impl BenchmarkPrice {
    /// The published 万元/亩 value as a number (45.7).
    pub fn wan_yuan_per_mu(&self) -> f64 {
        f64::from(self.wan_yuan_per_mu_tenths) / 10.0
    }

    /// The record of the `benchmark_prices` layer for this cell (field names of
    /// [`crate::LayerKind::BenchmarkPrices`]).
    pub fn to_properties(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("system".into(), self.system.key().into());
        m.insert("grade".into(), self.grade.get().into());
        m.insert("land_use".into(), self.land_use.name_zh().into());
        m.insert("yuan_per_m2".into(), self.yuan_per_m2.into());
        m.insert("wan_yuan_per_mu".into(), self.wan_yuan_per_mu().into());
        m.insert("document".into(), DOCUMENT.into());
        m.insert("approval".into(), APPROVAL.into());
        m.insert("in_force".into(), IN_FORCE.to_string().into());
        m
    }
}

/// The published price of `land_use` at `grade` in `system`; `None` if the grade is
/// beyond the system's range or the use belongs to the other system.
pub fn benchmark_price(system: GradeSystem, grade: Grade, land_use: LandUse) -> Option<BenchmarkPrice> {
    if grade.get() > system.max_grade() {
        return None;
    }
    let g = grade.index();
    let (yuan_per_m2, wan_yuan_per_mu_tenths) = match (system, land_use) {
        (GradeSystem::Urban, LandUse::Urban(u)) => {
            (URBAN_YUAN_PER_M2[g][u.index()], URBAN_WAN_YUAN_PER_MU_TENTHS[g][u.index()])
        }
        (GradeSystem::Collective, LandUse::Collective(u)) => {
            (COLLECTIVE_YUAN_PER_M2[g][u.index()], COLLECTIVE_WAN_YUAN_PER_MU_TENTHS[g][u.index()])
        }
        _ => return None,
    };
    Some(BenchmarkPrice { system, grade, land_use, yuan_per_m2, wan_yuan_per_mu_tenths })
}

/// The prices of every use at `grade` in `system`, in the gazette's column order
/// (empty if the system has no such grade).
pub fn prices_for_grade(system: GradeSystem, grade: Grade) -> Vec<BenchmarkPrice> {
    system.land_uses().iter().filter_map(|&u| benchmark_price(system, grade, u)).collect()
}

/// Every cell of both tables: the urban table first, then the collective one; within
/// a table row by row (grade 1 first), each row in column order. 12 + 12 = 24 rows:
/// the content of the `benchmark_prices` layer.
pub fn price_rows() -> impl Iterator<Item = BenchmarkPrice> {
    GradeSystem::ALL.into_iter().flat_map(|s| s.grades().flat_map(move |g| prices_for_grade(s, g)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAZETTE: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L1291-1328.txt");
    const URBAN_CSV: &str = include_str!("../../../../data/prices/urban_benchmark_prices.csv");
    const COLLECTIVE_CSV: &str = include_str!("../../../../data/prices/collective_benchmark_prices.csv");

    /// The grade rows of the gazette excerpt, split into tables: a new table starts
    /// whenever a 一级 row appears.
    fn gazette_tables() -> Vec<Vec<Vec<&'static str>>> {
        let mut tables: Vec<Vec<Vec<&str>>> = Vec::new();
        for line in GAZETTE.lines() {
            let cells: Vec<&str> = line.split('\t').collect();
            match cells[0] {
                "一级" => tables.push(vec![cells]),
                "二级" | "三级" | "四级" => tables.last_mut().unwrap().push(cells),
                _ => {}
            }
        }
        tables
    }

    fn parse_tenths(text: &str) -> u32 {
        let (whole, frac) = text.split_once('.').unwrap();
        assert_eq!(frac.len(), 1, "{text}");
        whole.parse::<u32>().unwrap() * 10 + frac.parse::<u32>().unwrap()
    }

    #[test]
    fn every_cell_equals_the_gazette() {
        let tables = gazette_tables();
        assert_eq!(tables.len(), 2, "two tables in the excerpt");
        let mut checked = 0;
        for (system, table) in GradeSystem::ALL.into_iter().zip(&tables) {
            assert_eq!(table.len(), usize::from(system.max_grade()), "{system}");
            for (row, grade) in table.iter().zip(system.grades()) {
                assert_eq!(row[0], grade.name_zh());
                let uses = system.land_uses();
                assert_eq!(row.len(), 1 + 2 * uses.len(), "{row:?}");
                for (i, &u) in uses.iter().enumerate() {
                    let p = benchmark_price(system, grade, u).unwrap();
                    assert_eq!(row[1 + 2 * i].parse::<u32>().unwrap(), p.yuan_per_m2, "{p:?}");
                    assert_eq!(parse_tenths(row[2 + 2 * i]), p.wan_yuan_per_mu_tenths, "{p:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 24);
        assert_eq!(price_rows().count(), 24);
    }

    #[test]
    fn gazette_headings_name_the_uses_in_column_order() {
        let headings: Vec<Vec<String>> = GAZETTE
            .lines()
            .filter(|l| l.starts_with("土地 级别"))
            .map(|l| l.split('\t').skip(1).filter(|c| !c.is_empty()).map(|c| c.replace(' ', "")).collect())
            .collect();
        assert_eq!(headings.len(), 2);
        for (system, heading) in GradeSystem::ALL.into_iter().zip(&headings) {
            let parsed: Vec<LandUse> = heading.iter().map(|h| LandUse::parse(system, h).unwrap()).collect();
            assert_eq!(parsed, system.land_uses(), "{heading:?}");
            assert!(GAZETTE.contains(system.table_title_zh()));
        }
    }

    #[test]
    fn document_constants_appear_in_the_gazette() {
        assert_eq!(GAZETTE.lines().next(), Some(DOCUMENT));
        assert!(GAZETTE.contains(&format!("批准文号{APPROVAL}")));
        assert!(GAZETTE.contains("自 2023 年 5 月 1 日起执行"));
        assert_eq!(IN_FORCE.to_string(), "2023-05-01");
        assert!(GAZETTE.contains("2023 年 5 月 18 日"));
        assert_eq!(ISSUED.to_string(), "2023-05-18");
        assert!((MU_IN_M2 - 666.666_666_666_666_7).abs() < 1e-9);
    }

    #[test]
    fn every_mu_cell_equals_the_computed_value() {
        for p in price_rows() {
            assert_eq!(wan_yuan_per_mu_tenths(p.yuan_per_m2), p.wan_yuan_per_mu_tenths, "{p:?}");
            // The same by floating point, for a reader who distrusts the integer form.
            let float = (f64::from(p.yuan_per_m2) * 666.67 / 10000.0 * 10.0).round() as u32;
            assert_eq!(float, p.wan_yuan_per_mu_tenths, "{p:?}");
        }
    }

    #[test]
    fn conversion_rounds_half_up_to_a_tenth() {
        assert_eq!(wan_yuan_per_mu_tenths(686), 457); // 45.733...
        assert_eq!(wan_yuan_per_mu_tenths(0), 0);
        assert_eq!(wan_yuan_per_mu_tenths(15), 10); // 0.99999... → 1.0
        assert_eq!(wan_yuan_per_mu_tenths(u32::MAX), 2_863_325_847);
        assert_eq!(tenths_text(457), "45.7");
        assert_eq!(tenths_text(109), "10.9");
        assert_eq!(tenths_text(5), "0.5");
    }

    fn check_csv(csv: &str, system: GradeSystem) {
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("grade,land_use,yuan_per_m2,wan_yuan_per_mu,document,approval,in_force"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let expected: Vec<BenchmarkPrice> = price_rows().filter(|p| p.system == system).collect();
        assert_eq!(rows.len(), expected.len(), "{system}");
        for (row, p) in rows.iter().zip(&expected) {
            assert_eq!(
                row,
                &[
                    p.grade.to_string().as_str(),
                    p.land_use.name_zh(),
                    p.yuan_per_m2.to_string().as_str(),
                    tenths_text(p.wan_yuan_per_mu_tenths).as_str(),
                    DOCUMENT,
                    APPROVAL,
                    IN_FORCE.to_string().as_str(),
                ],
                "{system}"
            );
        }
    }

    #[test]
    fn csv_files_equal_the_constants() {
        check_csv(URBAN_CSV, GradeSystem::Urban);
        check_csv(COLLECTIVE_CSV, GradeSystem::Collective);
    }

    #[test]
    fn look_up_by_system_grade_and_use() {
        let g1 = Grade::new(GradeSystem::Urban, 1).unwrap();
        let p = benchmark_price(GradeSystem::Urban, g1, UrbanLandUse::Commercial.into()).unwrap();
        assert_eq!((p.yuan_per_m2, p.wan_yuan_per_mu_tenths), (686, 457));
        assert_eq!(p.wan_yuan_per_mu(), 45.7);

        let g4 = Grade::new(GradeSystem::Collective, 4).unwrap();
        let p = benchmark_price(GradeSystem::Collective, g4, CollectiveLandUse::Industrial.into()).unwrap();
        assert_eq!((p.yuan_per_m2, p.wan_yuan_per_mu_tenths), (163, 109));

        // Grade 4 does not exist in the urban table; uses do not cross tables.
        assert_eq!(benchmark_price(GradeSystem::Urban, g4, UrbanLandUse::Industrial.into()), None);
        assert_eq!(benchmark_price(GradeSystem::Urban, g1, CollectiveLandUse::Homestead.into()), None);
        assert_eq!(prices_for_grade(GradeSystem::Urban, g1).len(), 4);
        assert_eq!(prices_for_grade(GradeSystem::Collective, g1).len(), 3);
        assert!(prices_for_grade(GradeSystem::Urban, g4).is_empty());
    }

    #[test]
    fn grades_are_checked_against_the_system() {
        assert_eq!(Grade::new(GradeSystem::Urban, 3).unwrap().get(), 3);
        assert_eq!(Grade::new(GradeSystem::Collective, 4).unwrap().name_zh(), "四级");
        for (system, n) in [
            (GradeSystem::Urban, 0),
            (GradeSystem::Urban, 4),
            (GradeSystem::Collective, 5),
            (GradeSystem::Collective, -1),
            (GradeSystem::Collective, 260),
        ] {
            assert_eq!(Grade::new(system, n), Err(PriceError::Grade { system, grade: n }));
        }
        assert_eq!(Grade::new(GradeSystem::Urban, 5).unwrap_err().to_string(), "5 is not a valid urban grade (1-3)");
        assert_eq!(Grade::from_name_zh(GradeSystem::Collective, "四级"), Grade::new(GradeSystem::Collective, 4).ok());
        assert_eq!(Grade::from_name_zh(GradeSystem::Urban, "四级"), None);
    }

    #[test]
    fn land_uses_parse_from_chinese_and_english() {
        let cases: [(&str, Option<UrbanLandUse>); 10] = [
            ("商服", Some(UrbanLandUse::Commercial)),
            ("商服用地", Some(UrbanLandUse::Commercial)),
            ("Commercial", Some(UrbanLandUse::Commercial)),
            ("住宅", Some(UrbanLandUse::Residential)),
            ("公共管理与公共服务用地", Some(UrbanLandUse::PublicService)),
            ("public_service", Some(UrbanLandUse::PublicService)),
            ("public service", Some(UrbanLandUse::PublicService)),
            (" 工业 ", Some(UrbanLandUse::Industrial)),
            ("宅基地", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(UrbanLandUse::parse(text), expected, "{text:?}");
        }
        assert_eq!(CollectiveLandUse::parse("宅基地"), Some(CollectiveLandUse::Homestead));
        assert_eq!(CollectiveLandUse::parse("homestead"), Some(CollectiveLandUse::Homestead));
        assert_eq!(CollectiveLandUse::parse("住宅"), None);
        assert_eq!(
            "住宅".parse::<CollectiveLandUse>().unwrap_err().to_string(),
            "\"住宅\" is not a collective land use; expected one of: 商服, 宅基地, 工业"
        );
        assert_eq!(
            LandUse::parse(GradeSystem::Collective, "工业用地"),
            Ok(LandUse::Collective(CollectiveLandUse::Industrial))
        );
        assert_eq!("collective".parse(), Ok(GradeSystem::Collective));
        assert!(GradeSystem::from_key("rural").is_err());
    }

    #[test]
    fn rows_become_benchmark_price_records() {
        let first = price_rows().next().unwrap();
        let props = first.to_properties();
        assert_eq!(
            Value::Object(props),
            serde_json::json!({
                "system": "urban",
                "grade": 1,
                "land_use": "商服",
                "yuan_per_m2": 686,
                "wan_yuan_per_mu": 45.7,
                "document": "临政发〔2023〕8号",
                "approval": "晋自然资技审〔2023〕6号",
                "in_force": "2023-05-01",
            })
        );
        for p in price_rows() {
            crate::schema::validate::validate_properties(crate::LayerKind::BenchmarkPrices, &p.to_properties())
                .unwrap();
        }
    }
}
