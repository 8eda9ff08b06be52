//! Trucks as the truck ban sees them: class, body, energy, purpose, plate.
//!
//! # Classes (GA 802-2019 《道路交通管理 机动车类型》, 货车)
//!
//! The notice bans 重中型货车 without defining them; the classes are those of
//! GA 802-2019, from the vehicle's length (车长, mm) and total mass (总质量, kg):
//!
//! | class | rule |
//! |---|---|
//! | heavy 重型 | total mass ≥ 12 000 kg |
//! | medium 中型 | length ≥ 6 000 mm, or total mass ≥ 4 500 kg and < 12 000 kg |
//! | light 轻型 | length < 6 000 mm and total mass < 4 500 kg, and not mini |
//! | mini 微型 | length ≤ 3 500 mm and total mass ≤ 1 800 kg |
//!
//! The rules are applied in that order (heavy first), so a truck of 7 000 mm and
//! 13 000 kg is heavy. [`VehicleClass::from_dimensions`] implements the table.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::input_limits::{self, RangeError};
use crate::truck_ban::{Clause, EXEMPT};

/// GA 802-2019: a truck with at least this total mass is heavy (重型), kg.
pub const HEAVY_MIN_MASS_KG: u32 = 12_000;
/// GA 802-2019: a truck below heavy with at least this total mass is medium, kg.
pub const MEDIUM_MIN_MASS_KG: u32 = 4_500;
/// GA 802-2019: a truck below heavy with at least this length is medium, mm.
pub const MEDIUM_MIN_LENGTH_MM: u32 = 6_000;
/// GA 802-2019: a mini truck (微型) is at most this long, mm.
pub const MINI_MAX_LENGTH_MM: u32 = 3_500;
/// GA 802-2019: a mini truck has at most this total mass, kg.
pub const MINI_MAX_MASS_KG: u32 = 1_800;

/// Truck class of GA 802-2019.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleClass {
    /// 重型货车.
    Heavy,
    /// 中型货车.
    Medium,
    /// 轻型货车.
    Light,
    /// 微型货车.
    Mini,
}

impl VehicleClass {
    /// All classes, heaviest first.
    pub const ALL: [VehicleClass; 4] =
        [VehicleClass::Heavy, VehicleClass::Medium, VehicleClass::Light, VehicleClass::Mini];

    /// The class of a truck of `length_mm` and `total_mass_kg` (GA 802-2019, see the
    /// module documentation).
    pub const fn from_dimensions(length_mm: u32, total_mass_kg: u32) -> VehicleClass {
        if total_mass_kg >= HEAVY_MIN_MASS_KG {
            VehicleClass::Heavy
        } else if length_mm >= MEDIUM_MIN_LENGTH_MM || total_mass_kg >= MEDIUM_MIN_MASS_KG {
            VehicleClass::Medium
        } else if length_mm <= MINI_MAX_LENGTH_MM && total_mass_kg <= MINI_MAX_MASS_KG {
            VehicleClass::Mini
        } else {
            VehicleClass::Light
        }
    }

    /// Whether the class is 重型 or 中型 (the classes 一、(一) bans).
    pub const fn is_heavy_or_medium(self) -> bool {
        matches!(self, VehicleClass::Heavy | VehicleClass::Medium)
    }

    /// Chinese name (`重型货车` …).
    pub const fn name_zh(self) -> &'static str {
        match self {
            VehicleClass::Heavy => "重型货车",
            VehicleClass::Medium => "中型货车",
            VehicleClass::Light => "轻型货车",
            VehicleClass::Mini => "微型货车",
        }
    }

    /// English name (`heavy truck` …).
    pub const fn name_en(self) -> &'static str {
        match self {
            VehicleClass::Heavy => "heavy truck",
            VehicleClass::Medium => "medium truck",
            VehicleClass::Light => "light truck",
            VehicleClass::Mini => "mini truck",
        }
    }
}

impl fmt::Display for VehicleClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

/// Body type (车身结构).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// 厢式.
    Box,
    /// 封闭式.
    Enclosed,
    /// 栏板.
    Open,
    /// 罐式.
    Tanker,
    /// 其他.
    Other,
}

impl Body {
    /// Chinese name.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Body::Box => "厢式",
            Body::Enclosed => "封闭式",
            Body::Open => "栏板",
            Body::Tanker => "罐式",
            Body::Other => "其他",
        }
    }

    /// English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            Body::Box => "box",
            Body::Enclosed => "enclosed",
            Body::Open => "open (stake/side-board)",
            Body::Tanker => "tanker",
            Body::Other => "other",
        }
    }

    /// Whether the body is 厢式 or 封闭式 (the bodies of 一、(二)).
    pub const fn is_box_or_enclosed(self) -> bool {
        matches!(self, Body::Box | Body::Enclosed)
    }
}

/// Energy type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Energy {
    /// Conventional fuel (燃油).
    Fuel,
    /// New energy (新能源: battery-electric, plug-in hybrid, fuel cell).
    NewEnergy,
}

impl Energy {
    /// Chinese name.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Energy::Fuel => "燃油",
            Energy::NewEnergy => "新能源",
        }
    }
}

/// What the vehicle is used for; everything but [`Purpose::Ordinary`] is exempt
/// under 四、(一)-(三) or (五).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Ordinary freight (普通货运): no exemption.
    Ordinary,
    /// 警车 (四、(一)).
    Police,
    /// 消防车 (四、(一)).
    Fire,
    /// 工程抢险车 (四、(一)).
    EngineeringRescue,
    /// 执行公务的行政执法车辆 (四、(二)).
    LawEnforcementOnDuty,
    /// 清障专用作业车辆 (四、(二)).
    Wrecker,
    /// 环卫专项作业车辆 (四、(三)).
    Sanitation,
    /// 园林专项作业车辆 (四、(三)).
    Landscaping,
    /// 道路养护专项作业车辆 (四、(三)).
    RoadMaintenance,
    /// 市政工程车 (四、(三)).
    MunicipalEngineering,
    /// 医疗垃圾运输车辆 (四、(三)).
    MedicalWaste,
    /// 法律规定的其他不受限制的车辆 (四、(五)).
    OtherByLaw,
}

impl Purpose {
    /// All purposes.
    pub const ALL: [Purpose; 12] = [
        Purpose::Ordinary,
        Purpose::Police,
        Purpose::Fire,
        Purpose::EngineeringRescue,
        Purpose::LawEnforcementOnDuty,
        Purpose::Wrecker,
        Purpose::Sanitation,
        Purpose::Landscaping,
        Purpose::RoadMaintenance,
        Purpose::MunicipalEngineering,
        Purpose::MedicalWaste,
        Purpose::OtherByLaw,
    ];

    /// Chinese name, in the notice's words.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Purpose::Ordinary => "普通货运车辆",
            Purpose::Police => "警车",
            Purpose::Fire => "消防车",
            Purpose::EngineeringRescue => "工程抢险车",
            Purpose::LawEnforcementOnDuty => "执行公务的行政执法车辆",
            Purpose::Wrecker => "清障专用作业车辆",
            Purpose::Sanitation => "环卫专项作业车辆",
            Purpose::Landscaping => "园林专项作业车辆",
            Purpose::RoadMaintenance => "道路养护专项作业车辆",
            Purpose::MunicipalEngineering => "市政工程车",
            Purpose::MedicalWaste => "医疗垃圾运输车辆",
            Purpose::OtherByLaw => "法律规定的其他不受限制的车辆",
        }
    }

    /// English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            Purpose::Ordinary => "ordinary freight vehicle",
            Purpose::Police => "police vehicle",
            Purpose::Fire => "fire engine",
            Purpose::EngineeringRescue => "engineering rescue vehicle",
            Purpose::LawEnforcementOnDuty => "law-enforcement vehicle on duty",
            Purpose::Wrecker => "wrecker",
            Purpose::Sanitation => "sanitation vehicle",
            Purpose::Landscaping => "landscaping vehicle",
            Purpose::RoadMaintenance => "road-maintenance vehicle",
            Purpose::MunicipalEngineering => "municipal engineering vehicle",
            Purpose::MedicalWaste => "medical-waste vehicle",
            Purpose::OtherByLaw => "vehicle exempt by law",
        }
    }

    /// The clause of 四 that exempts this purpose, if any (四、(四), the pass, is not
    /// a purpose).
    pub const fn exempt_clause(self) -> Option<Clause> {
        match self {
            Purpose::Ordinary => None,
            Purpose::Police | Purpose::Fire | Purpose::EngineeringRescue => Some(EXEMPT[0]),
            Purpose::LawEnforcementOnDuty | Purpose::Wrecker => Some(EXEMPT[1]),
            Purpose::Sanitation
            | Purpose::Landscaping
            | Purpose::RoadMaintenance
            | Purpose::MunicipalEngineering
            | Purpose::MedicalWaste => Some(EXEMPT[2]),
            Purpose::OtherByLaw => Some(EXEMPT[4]),
        }
    }
}

/// How big the vehicle is: a class stated outright, or its measurements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum VehicleSize {
    /// The class only (from the registration certificate or the officer's judgement).
    Class {
        /// The class.
        class: VehicleClass,
    },
    /// Length and total mass (车长, 总质量), from which the class is derived.
    Measured {
        /// 车长, mm.
        length_mm: u32,
        /// 总质量, kg.
        total_mass_kg: u32,
    },
}

/// A vehicle to decide on.
///
/// JSON: either `class` or both `length_mm` and `total_mass_kg` (not both forms),
/// plus `body`, `energy`, optional `purpose` (default `ordinary`) and optional `plate`:
/// `{"length_mm": 5990, "total_mass_kg": 7900, "body": "box", "energy": "fuel",
/// "purpose": "ordinary", "plate": "晋M12345"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "VehicleFields")]
pub struct Vehicle {
    /// Class or measurements.
    #[serde(flatten)]
    pub size: VehicleSize,
    /// Body type.
    pub body: Body,
    /// Energy type.
    pub energy: Energy,
    /// Purpose.
    pub purpose: Purpose,
    /// Number plate (号牌号码), if known; needed to check a pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plate: Option<String>,
}

/// Why a vehicle description was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VehicleError {
    /// Neither a class nor both measurements.
    #[error("give the vehicle's class, or both length_mm and total_mass_kg")]
    NoSize,
    /// A class and measurements together.
    #[error("give either the vehicle's class or its length_mm and total_mass_kg, not both")]
    ClassAndMeasurements,
    /// A length or mass outside its range ([`input_limits::VEHICLE_LENGTH_MM`],
    /// [`input_limits::VEHICLE_MASS_KG`]).
    #[error(transparent)]
    Range(#[from] RangeError),
    /// The plate is not of the mainland format ([`check_plate`]).
    #[error(transparent)]
    Plate(#[from] PlateError),
}

/// Province abbreviations that begin a mainland plate (GA 36-2018 《中华人民共和国机动车号牌》).
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/// One-character suffixes of special plates (trailer, coach, police, Hong Kong/Macau, test, oversize, consulate).
const PLATE_SUFFIXES: &str = "挂学警港澳试超领";

/// Why a plate was refused by [`check_plate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "号牌号码{shown:?}不符合机动车号牌格式（假定按GA 36-2018：省份简称+发牌机关代号+5位序号，新能源6位，如晋M12345、晋MD12345）/ \
     plate {shown:?} is not a mainland number plate (assumed GA 36-2018 form: province, letter, 5 characters, 6 for new-energy, e.g. 晋M12345)"
)]
pub struct PlateError {
    /// The plate as given (cut to 32 characters).
    pub shown: String,
}

/// Checks a number plate against the mainland format and returns it normalized
/// ([`normalize_plate`]). The notice (临政发〔2023〕5号, gazette line 116, 四、(四))
/// names passes by plate but not the plate's form; the form of GA 36-2018 is assumed:
/// a province abbreviation, the issuing office's letter, then 5 characters (6 for a
/// new-energy plate) of digits and letters other than I and O, or 4-5 of them and one
/// suffix (挂, 学, 警, 港, 澳, 试, 超, 领).
pub fn check_plate(plate: &str) -> Result<String, PlateError> {
    let normalized = normalize_plate(plate);
    let refused = || PlateError { shown: plate.chars().take(32).collect() };
    let mut chars = normalized.chars();
    let (Some(province), Some(office)) = (chars.next(), chars.next()) else { return Err(refused()) };
    if !PROVINCES.contains(province) || !office.is_ascii_uppercase() {
        return Err(refused());
    }
    let rest: Vec<char> = chars.collect();
    let (serial, suffix) = match rest.split_last() {
        Some((last, serial)) if PLATE_SUFFIXES.contains(*last) => (serial, true),
        _ => (rest.as_slice(), false),
    };
    let serial_ok = serial.iter().all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !matches!(c, 'I' | 'O')));
    let length_ok = if suffix { (4..=5).contains(&serial.len()) } else { (5..=6).contains(&serial.len()) };
    if serial_ok && length_ok { Ok(normalized) } else { Err(refused()) }
}

/// The JSON form of [`Vehicle`], checked by `TryFrom`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VehicleFields {
    class: Option<VehicleClass>,
    length_mm: Option<f64>,
    total_mass_kg: Option<f64>,
    body: Body,
    energy: Energy,
    #[serde(default = "ordinary")]
    purpose: Purpose,
    plate: Option<String>,
}

fn ordinary() -> Purpose {
    Purpose::Ordinary
}

impl TryFrom<VehicleFields> for Vehicle {
    type Error = VehicleError;

    fn try_from(f: VehicleFields) -> Result<Vehicle, VehicleError> {
        let size = match (f.class, f.length_mm, f.total_mass_kg) {
            (Some(class), None, None) => VehicleSize::Class { class },
            (None, Some(length), Some(mass)) => {
                // Whole numbers within u32 (the ranges say so).
                let length_mm = input_limits::VEHICLE_LENGTH_MM.check("length_mm", length)? as u32;
                let total_mass_kg = input_limits::VEHICLE_MASS_KG.check("total_mass_kg", mass)? as u32;
                VehicleSize::Measured { length_mm, total_mass_kg }
            }
            (Some(_), _, _) => return Err(VehicleError::ClassAndMeasurements),
            (None, _, _) => return Err(VehicleError::NoSize),
        };
        // An empty plate is no plate; any other must be of the mainland form.
        let plate = f.plate.filter(|p| !p.trim().is_empty());
        if let Some(p) = &plate {
            check_plate(p)?;
        }
        Ok(Vehicle { size, body: f.body, energy: f.energy, purpose: f.purpose, plate })
    }
}

impl Vehicle {
    /// A vehicle of a stated class, without a plate.
    pub const fn of_class(class: VehicleClass, body: Body, energy: Energy, purpose: Purpose) -> Vehicle {
        Vehicle { size: VehicleSize::Class { class }, body, energy, purpose, plate: None }
    }

    /// A measured vehicle, without a plate.
    pub const fn measured(length_mm: u32, total_mass_kg: u32, body: Body, energy: Energy, purpose: Purpose) -> Vehicle {
        Vehicle { size: VehicleSize::Measured { length_mm, total_mass_kg }, body, energy, purpose, plate: None }
    }

    /// The same vehicle with a plate.
    pub fn with_plate(mut self, plate: impl Into<String>) -> Vehicle {
        self.plate = Some(plate.into());
        self
    }

    /// The class: as stated, or derived from the measurements (GA 802-2019).
    pub const fn class(&self) -> VehicleClass {
        match self.size {
            VehicleSize::Class { class } => class,
            VehicleSize::Measured { length_mm, total_mass_kg } => {
                VehicleClass::from_dimensions(length_mm, total_mass_kg)
            }
        }
    }

    /// `(length_mm, total_mass_kg)` if measured.
    pub const fn measurements(&self) -> Option<(u32, u32)> {
        match self.size {
            VehicleSize::Class { .. } => None,
            VehicleSize::Measured { length_mm, total_mass_kg } => Some((length_mm, total_mass_kg)),
        }
    }
}

/// A plate in a form for comparison: without spaces, middle dots and hyphens, ASCII
/// letters upper-case (`晋m·12345` and `晋M 12345` are both `晋M12345`).
pub fn normalize_plate(plate: &str) -> String {
    plate
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '・' | '-' | '.' | '．'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use VehicleClass::{Heavy, Light, Medium, Mini};

    #[test]
    fn ga_802_class_boundaries() {
        let cases = [
            // Mass boundaries at a short length.
            (4_000, 11_999, Medium),
            (4_000, 12_000, Heavy),
            (4_000, 4_499, Light),
            (4_000, 4_500, Medium),
            // Length boundary at a light mass.
            (5_999, 3_000, Light),
            (6_000, 3_000, Medium),
            (6_000, 11_999, Medium),
            (9_000, 12_000, Heavy),
            (12_000, 30_000, Heavy),
            // Mini: both limits inclusive.
            (3_500, 1_800, Mini),
            (3_501, 1_800, Light),
            (3_500, 1_801, Light),
            (0, 0, Mini),
            (5_999, 4_499, Light),
        ];
        for (length, mass, class) in cases {
            assert_eq!(VehicleClass::from_dimensions(length, mass), class, "{length} mm, {mass} kg");
        }
        assert!(Heavy.is_heavy_or_medium() && Medium.is_heavy_or_medium());
        assert!(!Light.is_heavy_or_medium() && !Mini.is_heavy_or_medium());
        assert_eq!(Heavy.to_string(), "重型货车");
    }

    #[test]
    fn purposes_map_to_the_exempt_clauses() {
        let clause = |p: Purpose| p.exempt_clause().map(|c| c.clause);
        assert_eq!(clause(Purpose::Ordinary), None);
        for p in [Purpose::Police, Purpose::Fire, Purpose::EngineeringRescue] {
            assert_eq!(clause(p), Some("四、(一)"));
        }
        for p in [Purpose::LawEnforcementOnDuty, Purpose::Wrecker] {
            assert_eq!(clause(p), Some("四、(二)"));
        }
        for p in [
            Purpose::Sanitation,
            Purpose::Landscaping,
            Purpose::RoadMaintenance,
            Purpose::MunicipalEngineering,
            Purpose::MedicalWaste,
        ] {
            assert_eq!(clause(p), Some("四、(三)"));
        }
        assert_eq!(clause(Purpose::OtherByLaw), Some("四、(五)"));
        // Every exempt purpose is named in its clause's text (园林 etc. as a prefix).
        for p in Purpose::ALL.into_iter().skip(1) {
            let text = p.exempt_clause().unwrap().text_zh;
            let key = p.name_zh().trim_end_matches("专项作业车辆");
            assert!(text.contains(key), "{p:?}: {key} not in {text}");
        }
    }

    #[test]
    fn vehicle_json_takes_a_class_or_measurements() {
        let v: Vehicle = serde_json::from_str(
            r#"{"length_mm": 5990, "total_mass_kg": 7900, "body": "box", "energy": "fuel", "plate": "晋M12345"}"#,
        )
        .unwrap();
        assert_eq!(
            v,
            Vehicle::measured(5_990, 7_900, Body::Box, Energy::Fuel, Purpose::Ordinary).with_plate("晋M12345")
        );
        assert_eq!(v.class(), Medium);
        assert_eq!(v.measurements(), Some((5_990, 7_900)));
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"length_mm": 5990, "total_mass_kg": 7900, "body": "box", "energy": "fuel",
                               "purpose": "ordinary", "plate": "晋M12345"})
        );
        assert_eq!(serde_json::from_value::<Vehicle>(json).unwrap(), v);

        let v: Vehicle = serde_json::from_str(
            r#"{"class": "heavy", "body": "tanker", "energy": "new_energy", "purpose": "medical_waste"}"#,
        )
        .unwrap();
        assert_eq!(v, Vehicle::of_class(Heavy, Body::Tanker, Energy::NewEnergy, Purpose::MedicalWaste));
        assert_eq!(v.measurements(), None);
        assert_eq!(serde_json::from_value::<Vehicle>(serde_json::to_value(&v).unwrap()).unwrap(), v);

        for (json, message) in [
            (r#"{"body": "box", "energy": "fuel"}"#, "give the vehicle's class"),
            (r#"{"length_mm": 5990, "body": "box", "energy": "fuel"}"#, "give the vehicle's class"),
            (r#"{"class": "medium", "length_mm": 5990, "body": "box", "energy": "fuel"}"#, "not both"),
            (r#"{"class": "big", "body": "box", "energy": "fuel"}"#, "unknown variant"),
            (r#"{"class": "light", "body": "box", "energy": "fuel", "colour": "red"}"#, "unknown field"),
            (r#"{"class": "light", "body": "box"}"#, "missing field `energy`"),
            (
                r#"{"length_mm": 1e308, "total_mass_kg": 7900, "body": "box", "energy": "fuel"}"#,
                "field \"length_mm\": 1e308 is out of range; allowed: whole numbers more than 0 and at most 30000 mm",
            ),
            (
                r#"{"length_mm": 5990, "total_mass_kg": 4e9, "body": "box", "energy": "fuel"}"#,
                "field \"total_mass_kg\": 4000000000 is out of range",
            ),
            (r#"{"length_mm": 0, "total_mass_kg": 7900, "body": "box", "energy": "fuel"}"#, "\"length_mm\": 0 is out"),
            (
                r#"{"length_mm": 5990.5, "total_mass_kg": 7900, "body": "box", "energy": "fuel"}"#,
                "\"length_mm\": 5990.5 is not a whole number",
            ),
            (
                r#"{"length_mm": -1, "total_mass_kg": 7900, "body": "box", "energy": "fuel"}"#,
                "\"length_mm\": -1 is out",
            ),
        ] {
            let e = serde_json::from_str::<Vehicle>(json).unwrap_err().to_string();
            assert!(e.contains(message), "{json}: {e}");
        }
    }

    #[test]
    fn plates_compare_without_separators() {
        assert_eq!(normalize_plate("晋m·12345"), "晋M12345");
        assert_eq!(normalize_plate(" 晋M 12345 "), "晋M12345");
        assert_eq!(normalize_plate("晋M-1234D"), "晋M1234D");
    }

    /// Issue 15, item 3 (临政发〔2023〕5号, gazette line 116, 四、(四): passes are per
    /// vehicle, by plate): a plate must be of the mainland form (assumed GA 36-2018).
    #[test]
    fn plates_must_be_mainland_plates() {
        for ok in
            ["晋M12345", "晋M·12345", "晋m 12345", "晋MD12345", "晋M12345D", "京A1234警", "晋M1234挂", "晋M·T0001"]
        {
            assert!(check_plate(ok).is_ok(), "{ok}");
        }
        for bad in
            ["ABC", "", "晋", "晋M1234", "晋M1234567", "XM12345", "晋112345", "晋MI2345", "晋MO2345", "晋M·示例01"]
        {
            let e = check_plate(bad).unwrap_err();
            assert!(e.to_string().contains("不符合机动车号牌格式") && e.to_string().contains("假定"), "{bad}: {e}");
        }
        let e =
            serde_json::from_str::<Vehicle>(r#"{"class": "heavy", "body": "open", "energy": "fuel", "plate": "ABC"}"#)
                .unwrap_err();
        assert!(e.to_string().contains("\"ABC\""), "{e}");
        let v: Vehicle =
            serde_json::from_str(r#"{"class": "heavy", "body": "open", "energy": "fuel", "plate": " "}"#).unwrap();
        assert_eq!(v.plate, None);
    }
}
