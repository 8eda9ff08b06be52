//! Sponge-city runoff control (临政办发〔2023〕11号: 年径流总量控制率 ≥ 80% for new projects),
//! by the volume-capture method of 《海绵城市建设技术指南——低影响开发雨水系统构建（试行）》
//! (住房城乡建设部 2014):
//!
//! V = 10 · H · φ · F (m³), H the design rainfall depth (mm) of the target capture ratio,
//! φ the area-weighted rainfall runoff coefficient, F the catchment area (ha).
//!
//! A project meets its target when its facilities' effective storage is at least V. The
//! depth its storage can hold, provided / (10 · φ · F), read on the capture-ratio curve,
//! gives the capture ratio it achieves.
//!
//! Both tables are data, not code: `data/sponge/runoff-coefficients.csv` (表4-3; φ = upper
//! end of each range) and `data/sponge/design-rainfall.csv`. **The bundled design-rainfall
//! curve is an illustrative assumption**: no official 运城/临猗 curve is bundled, and every
//! estimate made with it says so ([`RunoffEstimate::design_rainfall_source`]).

use serde::{Deserialize, Serialize};

use crate::input_limits::{self, NumberRange};
use crate::traceability::{csv_column, csv_records};
use crate::units::citation::Citation;

/// `data/sponge/runoff-coefficients.csv`: `surface,name,phi,min,max,source`.
pub const RUNOFF_COEFFICIENTS_CSV: &str = include_str!("../../../../data/sponge/runoff-coefficients.csv");
/// `data/sponge/design-rainfall.csv`: `percent,depth_mm,label` (illustrative, labelled `assumption`).
pub const DESIGN_RAINFALL_CSV: &str = include_str!("../../../../data/sponge/design-rainfall.csv");

/// Facility kinds that convey water and store none (排水管网, 泄洪通道).
const CONVEYANCE_KINDS: [&str; 2] = ["排水管网", "泄洪通道"];

/// The rainfall runoff coefficient (雨量径流系数) of one kind of surface.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficient {
    /// Short key to type, e.g. `屋面`, `绿地`, `透水铺装`.
    pub surface: String,
    /// The table's wording, e.g. `硬屋面、未铺石子的平屋面、沥青屋面`.
    pub name: String,
    /// The value used (the upper end of the table's range: conservative for sizing).
    pub phi: f64,
    /// Lower end of the table's range.
    pub min: f64,
    /// Upper end of the table's range.
    pub max: f64,
    /// Where the value comes from.
    pub source: String,
}

/// The runoff coefficient table.
#[derive(Debug, Clone, PartialEq)]
pub struct RunoffCoefficients {
    rows: Vec<Coefficient>,
}

/// A number in a data file.
fn number(text: &str, what: &str, line: usize) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("line {line}: {what} {text:?} is not a number"))
}

impl RunoffCoefficients {
    /// Parses `surface,phi,min,max,source` (and optionally `name`; `#` comments allowed).
    /// Requires 0 ≤ min ≤ phi ≤ max ≤ 1 and distinct surfaces.
    pub fn parse(csv: &str) -> Result<RunoffCoefficients, String> {
        let (header, records) = csv_records(csv).map_err(|e| format!("runoff coefficients: {e}"))?;
        let column = |name: &str| csv_column(&header, name).map_err(|e| format!("runoff coefficients: {e}"));
        let (surface, phi, min, max, source) =
            (column("surface")?, column("phi")?, column("min")?, column("max")?, column("source")?);
        let name = column("name").ok();
        let mut rows: Vec<Coefficient> = Vec::new();
        for (line, f) in records {
            let err = |e: String| format!("runoff coefficients {e}");
            let c = Coefficient {
                surface: f[surface].trim().to_owned(),
                name: name.map_or_else(|| f[surface].trim().to_owned(), |i| f[i].trim().to_owned()),
                phi: number(&f[phi], "phi", line).map_err(err)?,
                min: number(&f[min], "min", line).map_err(err)?,
                max: number(&f[max], "max", line).map_err(err)?,
                source: f[source].trim().to_owned(),
            };
            if c.surface.is_empty() {
                return Err(format!("runoff coefficients line {line}: empty surface"));
            }
            if !(0.0 <= c.min && c.min <= c.phi && c.phi <= c.max && c.max <= 1.0) {
                return Err(format!("runoff coefficients line {line}: need 0 ≤ min ≤ phi ≤ max ≤ 1"));
            }
            if rows.iter().any(|r| r.surface == c.surface) {
                return Err(format!("runoff coefficients line {line}: duplicate surface {}", c.surface));
            }
            rows.push(c);
        }
        if rows.is_empty() {
            return Err("runoff coefficients: no rows".into());
        }
        Ok(RunoffCoefficients { rows })
    }

    /// The bundled table ([`RUNOFF_COEFFICIENTS_CSV`]).
    pub fn bundled() -> RunoffCoefficients {
        // Checked by the tests: the bundled file parses.
        RunoffCoefficients::parse(RUNOFF_COEFFICIENTS_CSV).unwrap_or_else(|e| panic!("bundled table: {e}"))
    }

    /// The coefficient of `surface`, by key (`屋面`) or by the table's wording.
    pub fn get(&self, surface: &str) -> Option<&Coefficient> {
        let s = surface.trim();
        self.rows.iter().find(|c| c.surface == s).or_else(|| self.rows.iter().find(|c| c.name == s))
    }

    /// Every row, in file order.
    pub fn all(&self) -> &[Coefficient] {
        &self.rows
    }
}

/// One point of the capture-ratio curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// 年径流总量控制率, percent.
    pub percent: f64,
    /// 设计降雨量 H, mm.
    pub depth_mm: f64,
    /// Where the point comes from; starts with `assumption` for assumed values.
    pub label: String,
}

/// Where a depth falls on the curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CurvePosition {
    /// Below the first point: the ratio is less than the first point's.
    Below,
    /// Between the first and last points (interpolated).
    Within,
    /// At or beyond the last point: capped at the last point's ratio.
    Above,
}

/// A capture ratio read off the curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveReading {
    /// The ratio, percent: interpolated linearly; below the first point between (0 mm, 0 %)
    /// and the first point (a lower estimate, the curve being concave); capped at the last.
    pub percent: f64,
    /// Where the depth falls.
    pub position: CurvePosition,
    /// The ratio as text: `78.0%`, `< 60%`, `≥ 90%（已达曲线末点）`.
    pub text: String,
}

/// The capture-ratio curve (年径流总量控制率 → 设计降雨量).
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureCurve {
    points: Vec<CurvePoint>,
}

/// `12.5`, `6000`: the shortest decimal text of a number.
fn num(x: f64) -> String {
    format!("{x}")
}

impl CaptureCurve {
    /// Parses `percent,depth_mm,label` (`#` comments allowed): at least two points, percent
    /// in (0, 100) and depth > 0, both strictly increasing.
    pub fn parse(csv: &str) -> Result<CaptureCurve, String> {
        let (header, records) = csv_records(csv).map_err(|e| format!("design rainfall: {e}"))?;
        let column = |name: &str| csv_column(&header, name).map_err(|e| format!("design rainfall: {e}"));
        let (percent, depth, label) = (column("percent")?, column("depth_mm")?, column("label")?);
        let mut points: Vec<CurvePoint> = Vec::new();
        for (line, f) in records {
            let err = |e: String| format!("design rainfall {e}");
            let p = CurvePoint {
                percent: number(&f[percent], "percent", line).map_err(err)?,
                depth_mm: number(&f[depth], "depth_mm", line).map_err(err)?,
                label: f[label].trim().to_owned(),
            };
            if !(p.percent > 0.0 && p.percent < 100.0 && p.depth_mm > 0.0) {
                return Err(format!("design rainfall line {line}: need 0 < percent < 100 and depth_mm > 0"));
            }
            if let Some(prev) = points.last()
                && !(p.percent > prev.percent && p.depth_mm > prev.depth_mm)
            {
                return Err(format!("design rainfall line {line}: percent and depth_mm must increase"));
            }
            points.push(p);
        }
        if points.len() < 2 {
            return Err("design rainfall: at least two points are needed".into());
        }
        Ok(CaptureCurve { points })
    }

    /// The bundled curve ([`DESIGN_RAINFALL_CSV`], an illustrative assumption).
    pub fn bundled() -> CaptureCurve {
        // Checked by the tests: the bundled file parses.
        CaptureCurve::parse(DESIGN_RAINFALL_CSV).unwrap_or_else(|e| panic!("bundled curve: {e}"))
    }

    /// The points, in increasing order.
    pub fn points(&self) -> &[CurvePoint] {
        &self.points
    }

    /// The design rainfall depth (mm) of a capture ratio, interpolated linearly; `None`
    /// outside the curve's range.
    pub fn depth_for(&self, percent: f64) -> Option<f64> {
        let pairs = self.points.windows(2);
        for w in pairs {
            let (a, b) = (&w[0], &w[1]);
            if a.percent <= percent && percent <= b.percent {
                return Some(a.depth_mm + (percent - a.percent) / (b.percent - a.percent) * (b.depth_mm - a.depth_mm));
            }
        }
        None
    }

    /// The capture ratio (percent) a depth achieves; see [`CaptureCurve::reading`].
    pub fn percent_for(&self, depth_mm: f64) -> f64 {
        self.reading(depth_mm).percent
    }

    /// The capture ratio a depth achieves, with where it falls on the curve.
    pub fn reading(&self, depth_mm: f64) -> CurveReading {
        let (first, last) = (&self.points[0], &self.points[self.points.len() - 1]);
        if depth_mm.is_nan() || depth_mm < first.depth_mm {
            let percent = if depth_mm > 0.0 { first.percent * depth_mm / first.depth_mm } else { 0.0 };
            return CurveReading {
                percent,
                position: CurvePosition::Below,
                text: format!("< {}%", num(first.percent)),
            };
        }
        if depth_mm >= last.depth_mm {
            return CurveReading {
                percent: last.percent,
                position: CurvePosition::Above,
                text: format!("≥ {}%（已达曲线末点 {} mm，按末点封顶）", num(last.percent), num(last.depth_mm)),
            };
        }
        let mut percent = last.percent;
        for w in self.points.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if a.depth_mm <= depth_mm && depth_mm < b.depth_mm {
                percent = a.percent + (depth_mm - a.depth_mm) / (b.depth_mm - a.depth_mm) * (b.percent - a.percent);
                break;
            }
        }
        CurveReading { percent, position: CurvePosition::Within, text: format!("{percent:.1}%") }
    }

    /// Whether any point is an assumption (label starting with `assumption`).
    pub fn is_assumption(&self) -> bool {
        self.points.iter().any(|p| p.label.to_lowercase().starts_with("assumption"))
    }

    /// The curve's label: the first point's (see [`CaptureCurve::labels`] for all).
    pub fn label(&self) -> &str {
        &self.points[0].label
    }

    /// The distinct labels of the points.
    pub fn labels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.points {
            if !out.contains(&p.label.as_str()) {
                out.push(&p.label);
            }
        }
        out
    }
}

/// The target of 临政办发〔2023〕11号 for new projects: 年径流总量控制率 ≥ 80%
/// (三、工作目标, gazette line 2274: "其中新建项目年径流总量控制率不得低于 80%").
pub const NEW_PROJECT_TARGET_PERCENT: f64 = 80.0;

/// 临政办发〔2023〕11号 (临猗县系统化全域推进海绵城市建设实施方案).
pub const DOCUMENT: &str = "临政办发〔2023〕11号";
/// The gazette line of the target clause (临猗县人民政府公报 2023年第2期).
pub const TARGET_LINE: u32 = 2274;
/// The clause of the target, with its gazette line.
pub const TARGET_CLAUSE: &str = "三、工作目标（公报 2023年第2期 第2274行）";
/// The target clause (line 2274, excerpt): a number for new projects only; rebuilt and
/// extended projects adopt the sponge approach fully, with no number.
pub const TARGET_TEXT: &str = "其中新建项目年径流总量控制率不得低于 80%，改建、扩建项目充分融入海绵理念";

/// The project types of the `sponge_projects` layer (`project_type`), as the target
/// clause (line 2274) distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpongeProjectType {
    /// 新建: held to 年径流总量控制率 ≥ 80 %.
    New,
    /// 改建: sponge approach, no number.
    Rebuilt,
    /// 扩建: sponge approach, no number.
    Extended,
}

impl SpongeProjectType {
    /// Parses `新建` / `改建` / `扩建` (also `new` / `rebuilt` / `extended`).
    pub fn parse(text: &str) -> Result<SpongeProjectType, String> {
        match text.trim() {
            "新建" | "new" => Ok(SpongeProjectType::New),
            "改建" | "rebuilt" => Ok(SpongeProjectType::Rebuilt),
            "扩建" | "extended" => Ok(SpongeProjectType::Extended),
            other => {
                Err(format!("项目类型「{other}」不是 新建、改建 或 扩建（project_type must be 新建, 改建 or 扩建）"))
            }
        }
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            SpongeProjectType::New => "新建",
            SpongeProjectType::Rebuilt => "改建",
            SpongeProjectType::Extended => "扩建",
        }
    }
}

/// The target a project is held to, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectTarget {
    /// The project type the target follows (`None`: not given).
    pub project_type: Option<SpongeProjectType>,
    /// The 年径流总量控制率 the estimate is compared with; `None`: no number applies
    /// (a rebuilt or extended project without a target of its own).
    pub target_percent: Option<f64>,
    /// Where the target comes from: `gazette`, `project` (the record's or the
    /// request's own target) or `none`.
    pub basis: &'static str,
    /// Why, in Chinese and English.
    pub explanation: String,
    /// Assumptions made (the answer says them), e.g. an unknown type read as 新建.
    pub assumptions: Vec<String>,
    /// The clause (line 2274).
    pub citation: Citation,
}

/// The target of a project of `project_type` (`None`: not given) with its own target
/// `given` (a record's `target_percent` or a request's), by 临政办发〔2023〕11号 三、工作目标
/// (gazette line 2274):
///
/// - 新建: ≥ 80 % (the gazette); a higher own target is used, a lower one is not
///   (the gazette's "不得低于 80%" prevails, said in the explanation);
/// - 改建 / 扩建: no number in the gazette ("充分融入海绵理念"): the own target if
///   given (labelled as the project's, not the gazette's), else none: the estimate
///   then reports the control rate achieved without a pass/fail verdict;
/// - type not given: **assumption**, held to the new-project target (said in the answer).
pub fn project_target(project_type: Option<SpongeProjectType>, given: Option<f64>) -> ProjectTarget {
    let citation = Citation::new(DOCUMENT, TARGET_CLAUSE, TARGET_TEXT);
    let mut assumptions = Vec::new();
    let kind = project_type.unwrap_or_else(|| {
        assumptions.push(
            "未给出项目类型，假定按新建项目核算（assumption: no project type given, held to the new-project target）"
                .to_owned(),
        );
        SpongeProjectType::New
    });
    let new = NEW_PROJECT_TARGET_PERCENT;
    let (target_percent, basis, explanation) = match (kind, given) {
        (SpongeProjectType::New, Some(t)) if t >= new => (
            Some(t),
            "project",
            format!(
                "新建项目：项目目标 {}%（不低于公报 {}%，第{TARGET_LINE}行） / new project: its own target {}% (at least the gazette's {}%)",
                num(t),
                num(new),
                num(t),
                num(new)
            ),
        ),
        (SpongeProjectType::New, Some(t)) => (
            Some(new),
            "gazette",
            format!(
                "新建项目：记录目标 {}% 低于公报要求，按不低于 {}% 核算（第{TARGET_LINE}行） / new project: its target {}% is below the gazette's {}%, which is used",
                num(t),
                num(new),
                num(t),
                num(new)
            ),
        ),
        (SpongeProjectType::New, None) => (
            Some(new),
            "gazette",
            format!(
                "新建项目年径流总量控制率不得低于 {}%（第{TARGET_LINE}行） / new projects: annual runoff volume control rate at least {}%",
                num(new),
                num(new)
            ),
        ),
        (k, Some(t)) => (
            Some(t),
            "project",
            format!(
                "{}项目：公报无控制率数值要求（充分融入海绵理念，第{TARGET_LINE}行），按项目自定目标 {}% 核算 / {} project: the gazette sets no number; the project's own target {}% is used",
                k.name_zh(),
                num(t),
                if k == SpongeProjectType::Rebuilt { "rebuilt" } else { "extended" },
                num(t)
            ),
        ),
        (k, None) => (
            None,
            "none",
            format!(
                "{}项目：公报要求充分融入海绵理念，未规定年径流总量控制率数值（第{TARGET_LINE}行），仅给出可达控制率，不作达标判定 / {} project: the gazette asks for the sponge approach without a number; the achieved rate is reported, no pass/fail",
                k.name_zh(),
                if k == SpongeProjectType::Rebuilt { "rebuilt" } else { "extended" }
            ),
        ),
    };
    ProjectTarget { project_type, target_percent, basis, explanation, assumptions, citation }
}

/// How far the surfaces' total area may differ from the project polygon's area
/// (a fraction of the polygon's) before an estimate says so: 5 %. Not a rule of
/// the gazette: a plausibility check of the input, labelled as such in answers.
pub const SURFACES_AREA_TOLERANCE: f64 = 0.05;

/// Where [`NEW_PROJECT_TARGET_PERCENT`] comes from, as answers cite it.
pub const NEW_PROJECT_TARGET_SOURCE: &str = "临政办发〔2023〕11号 三、工作目标（公报第2274行）：新建项目年径流总量控制率不低于80%，改建、扩建项目充分融入海绵理念（无数值要求）";

/// A target 年径流总量控制率 (the `target_percent` of a sponge project or a runoff request).
pub const TARGET_PERCENT: NumberRange = NumberRange::rule(
    0.0,
    100.0,
    "%",
    "年径流总量控制率 is a share of the annual rainfall volume; 100 % cannot be designed for",
)
.above_min()
.below_max();

/// An area of one kind of surface in a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// Surface key of the coefficient table (or the table's wording).
    pub surface: String,
    /// Area, m².
    pub area_m2: f64,
}

/// What a facility stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilityStorage {
    /// Facility name.
    pub name: String,
    /// Kind (one of `SPONGE_KINDS`).
    pub kind: String,
    /// 规划 / 在建 / 建成.
    pub status: Option<String>,
    /// Storage volume, m³ (used when given).
    pub volume_m3: Option<f64>,
    /// Area, m².
    pub area_m2: Option<f64>,
    /// Storage depth, m (with the area, when no volume is given).
    pub storage_depth_m: Option<f64>,
}

/// A runoff-control question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunoffInput {
    /// The project's surfaces.
    pub surfaces: Vec<Surface>,
    /// Its facilities.
    pub facilities: Vec<FacilityStorage>,
    /// Target capture ratio, percent (see [`project_target`]); `None`: no number applies
    /// (a rebuilt or extended project): the achieved ratio is reported without a verdict.
    pub target_percent: Option<f64>,
    /// A configured design rainfall depth (mm) for the target; overrides the curve.
    pub design_rainfall_mm: Option<f64>,
}

/// One surface of the computation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurfaceLine {
    /// Surface key.
    pub surface: String,
    /// The table's wording.
    pub name: String,
    /// Area, m².
    pub area_m2: f64,
    /// Coefficient used.
    pub phi: f64,
    /// `phi × area_m2`.
    pub weighted: f64,
}

/// One facility of the computation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacilityLine {
    /// Facility name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Status.
    pub status: Option<String>,
    /// The storage counted, m³.
    pub effective_volume_m3: f64,
    /// How it was counted (Chinese).
    pub basis: String,
}

/// The result of [`runoff_control`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunoffEstimate {
    /// Sum of the surface areas, m².
    pub total_area_m2: f64,
    /// The same in hectares (F).
    pub area_ha: f64,
    /// The surfaces with their coefficients.
    pub surfaces: Vec<SurfaceLine>,
    /// Area-weighted φ.
    pub composite_phi: f64,
    /// H, mm, of the target (`None` without a target).
    pub design_rainfall_mm: Option<f64>,
    /// `configured` (given in the request), `assumption: …` (the bundled illustrative
    /// curve) or `curve: …` (a curve without assumption labels).
    pub design_rainfall_source: String,
    /// V = 10 · H · φ · F, m³ (`None` without a target).
    pub required_volume_m3: Option<f64>,
    /// The facilities with their effective storage.
    pub facilities: Vec<FacilityLine>,
    /// Sum of the effective storage, m³.
    pub provided_volume_m3: f64,
    /// The rainfall depth the storage holds: provided / (10 · φ · F), mm.
    pub achieved_depth_mm: f64,
    /// The capture ratio of that depth on the curve, percent (see [`CurveReading`]).
    pub achieved_percent: f64,
    /// The same as text (`78.0%`, `< 60%`, `≥ 90%（…封顶）`).
    pub achieved_percent_text: String,
    /// Where the achieved depth falls on the curve.
    pub achieved_position: CurvePosition,
    /// The target, percent (`None`: no number applies).
    pub target_percent: Option<f64>,
    /// Whether provided ≥ required (compared to 10⁻⁶ m³); `None` without a target.
    pub meets_target: Option<bool>,
    /// The computation step by step, in Chinese with the numbers.
    pub working: Vec<String>,
}

/// Parses `屋面=6000;混凝土或沥青路面=5000;绿地=7000` (separators `;`, `；`, `,`, `，` or new
/// lines; `=`, `＝`, `:` or `：`; areas in m², an `m²`/`㎡`/`平方米` suffix allowed).
pub fn parse_surfaces(text: &str) -> Result<Vec<Surface>, String> {
    let mut out = Vec::new();
    for item in text.split([';', '；', ',', '，', '\n']).map(str::trim).filter(|i| !i.is_empty()) {
        let (name, area) = item
            .split_once(['=', '＝', ':', '：'])
            .ok_or_else(|| format!("「{item}」应写作 下垫面=面积（expected surface=area in m²）"))?;
        let area = area.trim();
        let digits = ["平方米", "m²", "㎡", "m2"].iter().find_map(|s| area.strip_suffix(s)).unwrap_or(area).trim();
        let area_m2: f64 = digits.parse().map_err(|_| format!("「{item}」的面积不是数字（area is not a number）"))?;
        let area_m2 = check_surface_area(name.trim(), area_m2)?;
        out.push(Surface { surface: name.trim().to_owned(), area_m2 });
    }
    if out.is_empty() {
        return Err("没有下垫面（no surfaces given）".into());
    }
    Ok(out)
}

/// The area of one surface of a project, m².
const SURFACE_AREA_M2: NumberRange = input_limits::GROUND_AREA_M2.above_min();

/// `area` of the surface `surface` when it is in [`SURFACE_AREA_M2`].
fn check_surface_area(surface: &str, area: f64) -> Result<f64, String> {
    SURFACE_AREA_M2.check(&format!("surfaces[{surface}].area_m2"), area).map_err(|e| {
        format!("下垫面「{surface}」的面积 {} m² 须大于 0 且不超过县域面积（{e}）", input_limits::number_text(area))
    })
}

/// The storage a facility provides, and how it was counted.
fn effective_storage(f: &FacilityStorage) -> Result<(f64, String), String> {
    let ranges = [
        ("volume_m3", f.volume_m3, input_limits::STORAGE_VOLUME_M3),
        ("area_m2", f.area_m2, input_limits::GROUND_AREA_M2),
        ("storage_depth_m", f.storage_depth_m, input_limits::STORAGE_DEPTH_M),
    ];
    for (what, value, range) in ranges {
        if let Some(v) = value
            && let Err(e) = range.check(what, v)
        {
            return Err(format!("设施「{}」的 {what} 不在允许范围内（{e}）", f.name));
        }
    }
    let (volume, mut basis) = if CONVEYANCE_KINDS.contains(&f.kind.as_str()) {
        (0.0, format!("{}为转输设施，不计调蓄容积", f.kind))
    } else if let Some(v) = f.volume_m3 {
        (v, format!("记录容积 {v:.2} m³"))
    } else if let (Some(a), Some(d)) = (f.area_m2, f.storage_depth_m) {
        (a * d, format!("{} m² × {} m = {:.2} m³", num(a), num(d), a * d))
    } else if let Some(a) = f.area_m2 {
        (0.0, format!("仅有面积 {} m²，无调蓄深度：无调蓄容积记录", num(a)))
    } else {
        (0.0, "无调蓄容积记录".to_owned())
    };
    if let Some(status) = f.status.as_deref().filter(|s| *s != "建成") {
        basis.push_str(&format!("（{status}，按设计值计）"));
    }
    Ok((volume, basis))
}

/// The runoff-control estimate of a project: V = 10 · H · φ · F against its facilities'
/// storage, with the working. Errors: no surfaces, an unknown surface (the message lists
/// the known ones), a zero, negative or non-numeric area or volume, a target outside
/// (0, 100) or outside the curve without a configured depth.
pub fn runoff_control(
    input: &RunoffInput,
    coeffs: &RunoffCoefficients,
    curve: &CaptureCurve,
) -> Result<RunoffEstimate, String> {
    if input.surfaces.is_empty() {
        return Err("没有下垫面（no surfaces given）".into());
    }
    let mut errors = Vec::new();
    let mut surfaces = Vec::new();
    for s in &input.surfaces {
        if let Err(e) = check_surface_area(&s.surface, s.area_m2) {
            errors.push(e);
        }
        match coeffs.get(&s.surface) {
            Some(c) => surfaces.push(SurfaceLine {
                surface: c.surface.clone(),
                name: c.name.clone(),
                area_m2: s.area_m2,
                phi: c.phi,
                weighted: c.phi * s.area_m2,
            }),
            None => {
                let known: Vec<&str> = coeffs.all().iter().map(|c| c.surface.as_str()).collect();
                errors.push(format!("未知下垫面「{}」；可用：{}（unknown surface）", s.surface, known.join("、")));
            }
        }
    }
    let target = input.target_percent;
    if let Some(target) = target
        && let Err(e) = TARGET_PERCENT.check("target_percent", target)
    {
        errors.push(format!("目标控制率 {}% 须在 0 与 100 之间（{e}）", input_limits::number_text(target)));
    }
    let mut facilities = Vec::new();
    for f in &input.facilities {
        match effective_storage(f) {
            Ok((effective_volume_m3, basis)) => facilities.push(FacilityLine {
                name: f.name.clone(),
                kind: f.kind.clone(),
                status: f.status.clone(),
                effective_volume_m3,
                basis,
            }),
            Err(e) => errors.push(e),
        }
    }
    let (h, source) =
        match input.design_rainfall_mm.map(|h| input_limits::RAINFALL_DEPTH_MM.check("design_rainfall_mm", h)) {
            Some(Ok(h)) => (h, "configured".to_owned()),
            Some(Err(e)) => {
                errors.push(format!("设计降雨量 {} mm 不在允许范围内（{e}）", e.value));
                (f64::NAN, String::new())
            }
            // No target: no design rainfall is needed.
            None if target.is_none() => (f64::NAN, "none".to_owned()),
            None => match curve.depth_for(target.unwrap_or(f64::NAN)) {
                Some(h) => {
                    let kind = if curve.is_assumption() { "" } else { "curve: " };
                    (h, format!("{kind}{}", curve.labels().join("; ")))
                }
                None => {
                    let (a, b) = (&curve.points[0], &curve.points[curve.points.len() - 1]);
                    errors.push(format!(
                    "目标 {}% 超出设计降雨量曲线范围 {}%–{}%，请给出 design_rainfall_mm（target outside the curve）",
                    num(target.unwrap_or(f64::NAN)),
                    num(a.percent),
                    num(b.percent)
                ));
                    (f64::NAN, String::new())
                }
            },
        };
    if !errors.is_empty() {
        return Err(errors.join("；"));
    }

    let total_area_m2: f64 = surfaces.iter().map(|s| s.area_m2).sum();
    let area_ha = total_area_m2 / 10_000.0;
    let weighted: f64 = surfaces.iter().map(|s| s.weighted).sum();
    let phi = weighted / total_area_m2;
    if phi <= 0.0 {
        return Err("综合径流系数为 0，无法计算（composite runoff coefficient is 0）".into());
    }
    // With a target: V = 10·H·φ·F; without (a rebuilt or extended project, line 2274): none.
    let required = target.map(|_| 10.0 * h * phi * area_ha);
    let provided: f64 = facilities.iter().map(|f| f.effective_volume_m3).sum();
    let achieved_depth_mm = provided / (10.0 * phi * area_ha);
    let reading = curve.reading(achieved_depth_mm);
    let meets_target = required.map(|required| (provided * 1e6).round() >= (required * 1e6).round());

    let mut working = Vec::new();
    let areas: Vec<String> = surfaces.iter().map(|s| num(s.area_m2)).collect();
    working.push(format!("汇水面积 F = {} = {} m² = {area_ha:.4} ha", areas.join(" + "), num(total_area_m2)));
    for s in &surfaces {
        working.push(format!(
            "{}（{}）：{} m² × φ {:.2} = {:.1}",
            s.surface,
            s.name,
            num(s.area_m2),
            s.phi,
            s.weighted
        ));
    }
    working.push(format!("综合雨量径流系数 φ = Σ(φᵢ × Fᵢ) / F = {weighted:.1} / {} = {phi:.4}", num(total_area_m2)));
    match (target, required) {
        (Some(target), Some(required)) => {
            let h_basis = if source == "configured" {
                "配置值".to_owned()
            } else {
                let kind = if curve.is_assumption() {
                    "假设值，须以当地不少于30年日降雨资料统计的曲线替换"
                } else {
                    "设计降雨量曲线"
                };
                format!("由年径流总量控制率 {}% 在设计降雨量曲线上插值；{kind}；{source}", num(target))
            };
            working.push(format!("设计降雨量 H = {h:.1} mm（{h_basis}）"));
            working.push(format!("V = 10 × {h:.1} mm × {phi:.4} × {area_ha:.4} ha = {required:.2} m³（所需调蓄容积）"));
        }
        _ => working.push(format!(
            "无控制率数值目标（{DOCUMENT} 第{TARGET_LINE}行：改建、扩建项目充分融入海绵理念）：不计算所需调蓄容积"
        )),
    }
    for f in &facilities {
        working.push(format!("{}「{}」：{:.2} m³（{}）", f.kind, f.name, f.effective_volume_m3, f.basis));
    }
    let volumes: Vec<String> = facilities.iter().map(|f| format!("{:.2}", f.effective_volume_m3)).collect();
    working.push(if volumes.is_empty() {
        "提供调蓄容积 = 0.00 m³（无设施）".to_owned()
    } else {
        format!("提供调蓄容积 = {} = {provided:.2} m³", volumes.join(" + "))
    });
    working.push(format!(
        "可控制降雨量 = {provided:.2} m³ / (10 × {phi:.4} × {area_ha:.4} ha) = {achieved_depth_mm:.1} mm"
    ));
    let position = match reading.position {
        CurvePosition::Below => format!(
            "低于曲线首点（{}%，{} mm），控制率 < {}%",
            num(curve.points[0].percent),
            num(curve.points[0].depth_mm),
            num(curve.points[0].percent)
        ),
        CurvePosition::Above => "已达曲线末点，按末点封顶".to_owned(),
        CurvePosition::Within => "在曲线相邻两点间线性插值".to_owned(),
    };
    working.push(format!("对应年径流总量控制率 {}（{position}）", reading.text));
    working.push(match (target, required, meets_target) {
        (Some(target), Some(required), Some(true)) => {
            format!("{provided:.2} m³ ≥ {required:.2} m³：达到 {}% 目标", num(target))
        }
        (Some(target), Some(required), _) => format!(
            "{provided:.2} m³ < {required:.2} m³：未达到 {}% 目标，尚缺 {:.2} m³",
            num(target),
            required - provided
        ),
        _ => format!("可达年径流总量控制率 {}；无数值目标，不作达标判定", reading.text),
    });

    Ok(RunoffEstimate {
        total_area_m2,
        area_ha,
        surfaces,
        composite_phi: phi,
        design_rainfall_mm: target.map(|_| h),
        design_rainfall_source: source,
        required_volume_m3: required,
        facilities,
        provided_volume_m3: provided,
        achieved_depth_mm,
        achieved_percent: reading.percent,
        achieved_percent_text: reading.text,
        achieved_position: reading.position,
        target_percent: target,
        meets_target,
        working,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn facility(name: &str, kind: &str, volume: Option<f64>, area: Option<f64>, depth: Option<f64>) -> FacilityStorage {
        FacilityStorage {
            name: name.into(),
            kind: kind.into(),
            status: Some("建成".into()),
            volume_m3: volume,
            area_m2: area,
            storage_depth_m: depth,
        }
    }

    fn example() -> RunoffInput {
        RunoffInput {
            surfaces: parse_surfaces("屋面=6000;混凝土或沥青路面=5000;绿地=7000;透水铺装=2000").unwrap(),
            facilities: vec![
                facility("示例调蓄池", "调蓄池", Some(150.0), None, None),
                facility("示例下沉式绿地", "下沉式绿地", None, Some(400.0), Some(0.2)),
            ],
            target_percent: Some(80.0),
            design_rainfall_mm: None,
        }
    }

    #[test]
    fn bundled_tables() {
        let c = RunoffCoefficients::bundled();
        assert_eq!(c.all().len(), 15);
        for row in c.all() {
            assert_eq!(row.phi, row.max, "{}: phi is the upper end of the range", row.surface);
            assert!(row.source.contains("表4-3"), "{}", row.surface);
        }
        let roof = c.get("屋面").unwrap();
        assert_eq!((roof.phi, roof.min, roof.name.as_str()), (0.9, 0.8, "硬屋面、未铺石子的平屋面、沥青屋面"));
        assert_eq!(c.get("硬屋面、未铺石子的平屋面、沥青屋面"), Some(roof));
        assert_eq!(c.get("绿地").unwrap().phi, 0.15);
        assert_eq!(c.get("透水铺装").unwrap().min, 0.08);
        assert_eq!(c.get("水面").unwrap().phi, 1.0);
        assert!(c.get("草坪").is_none());

        let curve = CaptureCurve::bundled();
        assert!(curve.is_assumption());
        assert!(curve.label().starts_with("assumption"));
        assert_eq!(curve.labels().len(), 1);
        assert_eq!(curve.points().len(), 6);
        assert_eq!(curve.depth_for(80.0), Some(21.0));
    }

    #[test]
    fn curve_interpolation_and_ends() {
        let curve = CaptureCurve::bundled();
        assert!(close(curve.depth_for(77.5).unwrap(), 19.0));
        assert!(close(curve.depth_for(60.0).unwrap(), 10.0));
        assert!(close(curve.depth_for(90.0).unwrap(), 34.0));
        assert_eq!(curve.depth_for(59.9), None);
        assert_eq!(curve.depth_for(95.0), None);

        assert!(close(curve.percent_for(19.0), 77.5));
        assert!(close(curve.percent_for(21.0), 80.0));
        assert!(close(curve.percent_for(10.0), 60.0));
        let r = curve.reading(30.0);
        assert!(close(r.percent, 87.5));
        assert_eq!((r.position, r.text.as_str()), (CurvePosition::Within, "87.5%"));
        let r = curve.reading(5.0);
        assert_eq!((r.position, r.text.as_str()), (CurvePosition::Below, "< 60%"));
        assert!(close(r.percent, 30.0));
        assert_eq!(curve.reading(0.0).percent, 0.0);
        let r = curve.reading(34.0);
        assert_eq!((r.position, r.percent), (CurvePosition::Above, 90.0));
        assert!(r.text.starts_with("≥ 90%") && r.text.contains("封顶"));
        assert_eq!(curve.percent_for(100.0), 90.0);
    }

    #[test]
    fn table_parse_errors() {
        let head = "surface,phi,min,max,source\n";
        assert!(RunoffCoefficients::parse(head).unwrap_err().contains("no rows"));
        assert!(RunoffCoefficients::parse(&format!("{head}屋面,0.7,0.8,0.9,x\n")).unwrap_err().contains("min ≤ phi"));
        assert!(RunoffCoefficients::parse(&format!("{head}屋面,1.2,0.8,1.2,x\n")).is_err());
        assert!(RunoffCoefficients::parse(&format!("{head}屋面,a,0.8,0.9,x\n")).unwrap_err().contains("not a number"));
        assert!(RunoffCoefficients::parse(&format!("{head}屋面,0.9,0.8,0.9,x\n屋面,0.9,0.8,0.9,y\n")).is_err());
        let no_name = RunoffCoefficients::parse(&format!("{head}屋面,0.9,0.8,0.9,x\n")).unwrap();
        assert_eq!(no_name.get("屋面").unwrap().name, "屋面");

        let head = "percent,depth_mm,label\n";
        assert!(CaptureCurve::parse(&format!("{head}80,21,x\n")).unwrap_err().contains("two points"));
        assert!(CaptureCurve::parse(&format!("{head}80,21,x\n70,25,x\n")).unwrap_err().contains("increase"));
        assert!(CaptureCurve::parse(&format!("{head}80,21,x\n85,20,x\n")).is_err());
        assert!(CaptureCurve::parse(&format!("{head}0,21,x\n85,30,x\n")).is_err());
        let local = CaptureCurve::parse(&format!("{head}75,18,local\n85,28,local\n")).unwrap();
        assert!(!local.is_assumption());
    }

    #[test]
    fn surfaces_text() {
        let s = parse_surfaces("屋面=6000；绿地：7000㎡, 透水铺装 = 2000 m²\n水面=12.5平方米").unwrap();
        let pairs: Vec<(&str, f64)> = s.iter().map(|x| (x.surface.as_str(), x.area_m2)).collect();
        assert_eq!(pairs, [("屋面", 6000.0), ("绿地", 7000.0), ("透水铺装", 2000.0), ("水面", 12.5)]);
        assert!(parse_surfaces("").unwrap_err().contains("no surfaces"));
        assert!(parse_surfaces("屋面").unwrap_err().contains("surface=area"));
        assert!(parse_surfaces("屋面=abc").unwrap_err().contains("not a number"));
        assert!(parse_surfaces("屋面=0").unwrap_err().contains("须大于 0"));
        assert!(parse_surfaces("屋面=-5").unwrap_err().contains("须大于 0"));
        let e = parse_surfaces("屋面=1e308").unwrap_err();
        assert!(e.contains("1e308") && e.contains("at most 2000000000 m²") && e.len() < 400, "{e}");
    }

    /// Hand-worked example (φ from data/sponge/runoff-coefficients.csv, upper ends):
    ///
    /// | surface          | area m² | φ    | φ × area |
    /// |------------------|---------|------|----------|
    /// | 屋面             | 6000    | 0.90 | 5400     |
    /// | 混凝土或沥青路面 | 5000    | 0.90 | 4500     |
    /// | 绿地             | 7000    | 0.15 | 1050     |
    /// | 透水铺装         | 2000    | 0.45 |  900     |
    /// | total            | 20000   |      | 11850    |
    ///
    /// φ = 11850 / 20000 = 0.5925; F = 2.0000 ha; H(80%) = 21.0 mm (illustrative curve);
    /// V = 10 × 21.0 × 0.5925 × 2.0 = 248.85 m³.
    /// Provided = 150 (调蓄池) + 400 × 0.2 (下沉式绿地) = 150 + 80 = 230 m³ < 248.85: not met.
    /// Achieved depth = 230 / (10 × 0.5925 × 2.0) = 230 / 11.85 = 19.4093 mm, between
    /// 75% (17 mm) and 80% (21 mm): 75 + (19.4093 − 17) / 4 × 5 = 78.0116 %.
    #[test]
    fn hand_worked_example() {
        let e = runoff_control(&example(), &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert!(close(e.total_area_m2, 20_000.0));
        assert!(close(e.area_ha, 2.0));
        assert!(close(e.composite_phi, 0.5925));
        assert!(close(e.design_rainfall_mm.unwrap(), 21.0));
        assert!(e.design_rainfall_source.starts_with("assumption"), "{}", e.design_rainfall_source);
        assert!(close(e.required_volume_m3.unwrap(), 248.85), "{:?}", e.required_volume_m3);
        assert!(close(e.facilities[0].effective_volume_m3, 150.0));
        assert!(close(e.facilities[1].effective_volume_m3, 80.0));
        assert_eq!(e.facilities[1].basis, "400 m² × 0.2 m = 80.00 m³");
        assert!(close(e.provided_volume_m3, 230.0));
        assert!(close(e.achieved_depth_mm, 230.0 / 11.85));
        assert!((e.achieved_percent - 78.0116).abs() < 1e-4, "{}", e.achieved_percent);
        assert_eq!(e.achieved_percent_text, "78.0%");
        assert_eq!(e.achieved_position, CurvePosition::Within);
        assert_eq!(e.meets_target, Some(false));
        let working = e.working.join("\n");
        for line in [
            "汇水面积 F = 6000 + 5000 + 7000 + 2000 = 20000 m² = 2.0000 ha",
            "综合雨量径流系数 φ = Σ(φᵢ × Fᵢ) / F = 11850.0 / 20000 = 0.5925",
            "V = 10 × 21.0 mm × 0.5925 × 2.0000 ha = 248.85 m³",
            "提供调蓄容积 = 150.00 + 80.00 = 230.00 m³",
            "可控制降雨量 = 230.00 m³ / (10 × 0.5925 × 2.0000 ha) = 19.4 mm",
            "对应年径流总量控制率 78.0%",
            "230.00 m³ < 248.85 m³：未达到 80% 目标，尚缺 18.85 m³",
            "假设值",
        ] {
            assert!(working.contains(line), "{line}\n{working}");
        }

        // One more 18.85 m³ of storage meets the target exactly.
        let mut input = example();
        input.facilities.push(facility("补充调蓄池", "调蓄池", Some(18.85), None, None));
        let e = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert_eq!(e.meets_target, Some(true), "{} vs {:?}", e.provided_volume_m3, e.required_volume_m3);
        assert!((e.achieved_percent - 80.0).abs() < 1e-9);
        assert!(e.working.last().unwrap().contains("达到 80% 目标"));
    }

    #[test]
    fn configured_rainfall_and_curve_ends() {
        let mut input = example();
        input.design_rainfall_mm = Some(15.0);
        let e = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert_eq!(e.design_rainfall_source, "configured");
        assert!(close(e.required_volume_m3.unwrap(), 177.75));
        assert_eq!(e.meets_target, Some(true));
        assert!(e.working.iter().any(|l| l.contains("配置值")));

        // Tiny storage: below the curve.
        let mut input = example();
        input.facilities = vec![facility("小池", "调蓄池", Some(10.0), None, None)];
        let e = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert_eq!((e.achieved_position, e.achieved_percent_text.as_str()), (CurvePosition::Below, "< 60%"));
        assert!(e.working.iter().any(|l| l.contains("低于曲线首点")));
        // Huge storage: capped.
        input.facilities = vec![facility("大池", "调蓄池", Some(10_000.0), None, None)];
        let e = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert_eq!((e.achieved_position, e.achieved_percent), (CurvePosition::Above, 90.0));
        assert_eq!(e.meets_target, Some(true));
    }

    #[test]
    fn facility_storage_rules() {
        let f = |kind: &str, v, a, d| effective_storage(&facility("x", kind, v, a, d)).unwrap();
        assert_eq!(f("调蓄池", Some(150.0), Some(100.0), Some(3.0)).0, 150.0);
        assert_eq!(f("下沉式绿地", None, Some(400.0), Some(0.2)).0, 80.0);
        assert_eq!(f("透水铺装", None, None, None), (0.0, "无调蓄容积记录".to_owned()));
        assert!(f("透水铺装", None, Some(500.0), None).1.contains("无调蓄容积记录"));
        assert_eq!(f("排水管网", Some(500.0), None, None).0, 0.0);
        assert!(f("泄洪通道", Some(500.0), None, None).1.contains("转输设施"));
        let mut planned = facility("规划池", "调蓄池", Some(50.0), None, None);
        planned.status = Some("规划".into());
        assert!(effective_storage(&planned).unwrap().1.contains("（规划，按设计值计）"));
        assert!(
            effective_storage(&facility("负", "调蓄池", Some(-1.0), None, None)).unwrap_err().contains("volume_m3")
        );
        let mut input = example();
        input.facilities.clear();
        let e = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert_eq!(e.provided_volume_m3, 0.0);
        assert!(e.working.iter().any(|l| l.contains("无设施")));
    }

    #[test]
    fn input_errors() {
        let (c, k) = (RunoffCoefficients::bundled(), CaptureCurve::bundled());
        let mut input = example();
        input.surfaces.clear();
        assert!(runoff_control(&input, &c, &k).unwrap_err().contains("no surfaces"));

        let mut input = example();
        input.surfaces.push(Surface { surface: "草坪".into(), area_m2: 100.0 });
        input.surfaces.push(Surface { surface: "绿地".into(), area_m2: 0.0 });
        input.surfaces.push(Surface { surface: "水面".into(), area_m2: -3.0 });
        let e = runoff_control(&input, &c, &k).unwrap_err();
        assert!(e.contains("未知下垫面「草坪」；可用：绿化屋面、屋面、"), "{e}");
        assert!(e.contains("「绿地」的面积 0 m² 须大于 0"), "{e}");
        assert!(e.contains("「水面」的面积 -3 m² 须大于 0"), "{e}");

        let mut input = example();
        input.target_percent = Some(95.0);
        assert!(runoff_control(&input, &c, &k).unwrap_err().contains("design_rainfall_mm"));
        input.design_rainfall_mm = Some(40.0);
        assert!(runoff_control(&input, &c, &k).is_ok());
        input.design_rainfall_mm = Some(0.0);
        assert!(runoff_control(&input, &c, &k).is_err());
        input.target_percent = Some(100.0);
        input.design_rainfall_mm = Some(40.0);
        assert!(runoff_control(&input, &c, &k).unwrap_err().contains("0 与 100"));
    }

    /// Caught by the invariant of the `sponge_surfaces` fuzz target: two finite areas
    /// whose sum overflowed gave an estimate of NaN m³. Each area is now at most the
    /// input limit, so no sum of them overflows: such areas are refused one by one.
    #[test]
    fn areas_summing_past_f64_are_refused() {
        let e = parse_surfaces("屋面=1e308;屋面=1e308").unwrap_err();
        assert!(e.contains("1e308 is out of range"), "{e}");
    }

    #[test]
    fn absurd_magnitudes_are_refused_naming_the_field_and_the_range() {
        let (c, k) = (RunoffCoefficients::bundled(), CaptureCurve::bundled());
        let mut input = example();
        input.design_rainfall_mm = Some(1e308);
        let e = runoff_control(&input, &c, &k).unwrap_err();
        assert!(
            e.contains("\"design_rainfall_mm\": 1e308 is out of range; allowed: more than 0 and at most 2000 mm"),
            "{e}"
        );
        assert!(e.len() < 400, "no 300-digit number: {e}");
        input.design_rainfall_mm = Some(2000.0);
        assert!(runoff_control(&input, &c, &k).is_ok(), "the bound itself is accepted");

        let mut input = example();
        input.surfaces[0].area_m2 = 1e300;
        let e = runoff_control(&input, &c, &k).unwrap_err();
        assert!(e.contains("surfaces[屋面].area_m2") && e.contains("1e300 is out of range"), "{e}");

        let mut input = example();
        input.target_percent = Some(f64::NAN);
        assert!(runoff_control(&input, &c, &k).unwrap_err().contains("is not a finite number"));

        let mut input = example();
        input.facilities[0].volume_m3 = Some(1e20);
        let e = runoff_control(&input, &c, &k).unwrap_err();
        assert!(e.contains("\"volume_m3\": 1e20 is out of range"), "{e}");
        input.facilities[0].volume_m3 = Some(1e9);
        assert!(runoff_control(&input, &c, &k).is_ok());
    }

    #[test]
    fn estimate_serialises() {
        let e = runoff_control(&example(), &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        let v = serde_json::to_value(&e).unwrap();
        for key in [
            "total_area_m2",
            "area_ha",
            "surfaces",
            "composite_phi",
            "design_rainfall_mm",
            "design_rainfall_source",
            "required_volume_m3",
            "facilities",
            "provided_volume_m3",
            "achieved_depth_mm",
            "achieved_percent",
            "target_percent",
            "meets_target",
            "working",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["achieved_position"], "within");
        assert_eq!(v["surfaces"][0]["surface"], "屋面");
    }
    /// 临政办发〔2023〕11号 三、工作目标, gazette line 2274: "其中新建项目年径流总量控制率不得低于
    /// 80%，改建、扩建项目充分融入海绵理念". The excerpt in data/gazette is that line.
    const LINE_2274: &str = include_str!("../../../../data/gazette/linyi-gazette-2023-02-L2272-2274.txt");

    #[test]
    fn the_target_clause_is_line_2274() {
        let lines: Vec<&str> = LINE_2274.lines().collect();
        assert_eq!(lines[0], "三、工作目标");
        let line_2274 = crate::units::citation::without_whitespace(lines[2]);
        assert!(line_2274.contains(&crate::units::citation::without_whitespace(TARGET_TEXT)));
        assert!(line_2274.contains(&format!("新建项目年径流总量控制率不得低于{}%", num(NEW_PROJECT_TARGET_PERCENT))));
        assert!(TARGET_CLAUSE.contains(&TARGET_LINE.to_string()));
        assert!(NEW_PROJECT_TARGET_SOURCE.contains("第2274行"));
    }

    /// Line 2274: new projects ≥ 80 %; rebuilt and extended projects get no number.
    #[test]
    fn targets_follow_the_project_type_line_2274() {
        let new = project_target(Some(SpongeProjectType::New), None);
        assert_eq!((new.target_percent, new.basis), (Some(80.0), "gazette"));
        assert!(new.assumptions.is_empty());
        assert_eq!(new.citation.document, "临政办发〔2023〕11号");
        assert!(new.citation.clause.contains("第2274行"));
        for kind in [SpongeProjectType::Rebuilt, SpongeProjectType::Extended] {
            let t = project_target(Some(kind), None);
            assert_eq!((t.target_percent, t.basis), (None, "none"), "{kind:?}");
            assert!(t.explanation.contains("未规定年径流总量控制率数值") && t.explanation.contains("第2274行"));
            // Its own target is used, labelled as the project's.
            let own = project_target(Some(kind), Some(75.0));
            assert_eq!((own.target_percent, own.basis), (Some(75.0), "project"));
            assert!(own.explanation.contains("公报无控制率数值要求"));
        }
        // A new project's own target below 80 % does not lower the gazette's.
        let low = project_target(Some(SpongeProjectType::New), Some(70.0));
        assert_eq!((low.target_percent, low.basis), (Some(80.0), "gazette"));
        let high = project_target(Some(SpongeProjectType::New), Some(85.0));
        assert_eq!((high.target_percent, high.basis), (Some(85.0), "project"));
        // No type: held to 80 %, said to be an assumption.
        let unknown = project_target(None, None);
        assert_eq!(unknown.target_percent, Some(80.0));
        assert!(unknown.assumptions[0].contains("assumption") && unknown.assumptions[0].contains("假定"));
        assert_eq!(SpongeProjectType::parse(" 改建 "), Ok(SpongeProjectType::Rebuilt));
        assert_eq!(SpongeProjectType::parse("extended"), Ok(SpongeProjectType::Extended));
        assert!(SpongeProjectType::parse("翻建").unwrap_err().contains("新建、改建 或 扩建"));
        // The layer's allowed values are exactly the types the rule knows.
        for name in crate::schema::layers::SPONGE_PROJECT_TYPES {
            assert_eq!(SpongeProjectType::parse(name).map(SpongeProjectType::name_zh), Ok(*name));
        }
    }

    /// Line 2274: a rebuild with the example's storage (78.0 %) is not reported as failing 80 %.
    #[test]
    fn a_rebuild_is_not_held_to_80_percent_line_2274() {
        let mut input = example();
        input.target_percent = project_target(Some(SpongeProjectType::Rebuilt), None).target_percent;
        let e = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert_eq!((e.meets_target, e.required_volume_m3, e.design_rainfall_mm), (None, None, None));
        assert_eq!(e.achieved_percent_text, "78.0%");
        let working = e.working.join("\n");
        assert!(!working.contains("未达到"), "{working}");
        assert!(working.contains("无控制率数值目标") && working.contains("第2274行"), "{working}");
        assert!(e.working.last().unwrap().contains("不作达标判定"));
        // The same project as 新建 fails 80 %.
        input.target_percent = project_target(Some(SpongeProjectType::New), None).target_percent;
        let e = runoff_control(&input, &RunoffCoefficients::bundled(), &CaptureCurve::bundled()).unwrap();
        assert_eq!(e.meets_target, Some(false));
    }
}
