//! When an origin-point record is due for update (临政办发〔2023〕19号 五、(二)):
//!
//! > 种植业产品一年一茬的，要在移栽定植期间进行采集；一年多茬的，每茬都要采集。畜产品和水产品
//! > 周转频繁，要按月进行采集和更新。
//!
//! Planting records are due one crop cycle after their last update; the document gives
//! no cycle length, so the days per product come from `data/trace/update-cycles.csv`
//! (labelled assumptions, to be adjusted locally). Livestock and aquatic records are due
//! one calendar month after their last update (2023-01-31 → 2023-02-28).

use std::collections::BTreeMap;

use serde::Serialize;

use super::record::{Industry, product_industry};
use super::{csv_column, csv_records};
use crate::units::date::Date;

/// The update rules of 五、(二) in short, Chinese / English, by industry: planting,
/// then livestock and aquatic products.
pub const UPDATE_RULES: [(&str, &str); 2] = [
    ("planting", "种植业产品每茬采集一次（周期按产品配置） / planting: once per crop cycle (configured per product)"),
    ("livestock_aquatic", "畜产品、水产品按月采集和更新 / livestock and aquatic products: monthly"),
];

/// Where [`UPDATE_RULES`] come from.
pub const UPDATE_RULES_SOURCE: &str = "临政办发〔2023〕19号 五、（二）";

/// A phase of the work (二、工作目标 (二) 分步推进实施, gazette line 2834).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    /// `before`, `collection` or `maintenance`.
    pub code: &'static str,
    /// The phase in Chinese.
    pub name: &'static str,
    /// The phase in English.
    pub name_en: &'static str,
    /// Its first day; `None` for the time before collection began.
    pub since: Option<Date>,
    /// The next phase's first day, if any.
    pub until: Option<Date>,
    /// The gazette's words and line, and the assumption on the day.
    pub basis: &'static str,
}

/// 二、(二) (gazette line 2834).
pub const PHASES_BASIS: &str = "临政办发〔2023〕19号 二、(二) 分步推进实施：2023年6月开始全面开展重点农产品产地溯源信息采集，\
     2024年起，进入重点农产品产地溯源信息日常维护、动态更新和推广运用阶段（公报第2834行）；\
     假定：“2023年6月开始”自6月1日起，“2024年起”自1月1日起（assumption: from 1 June 2023 and 1 January 2024）";

/// The first day of the collection phase (2023年6月, gazette line 2834; the day is an assumption).
pub const COLLECTION_FROM: Date = Date::ymd(2023, 6, 1);
/// The first day of the maintenance phase (2024年起, gazette line 2834).
pub const MAINTENANCE_FROM: Date = Date::ymd(2024, 1, 1);

/// The phase the work is in on `as_of` (gazette line 2834): before June 2023 collection has
/// not begun; from June 2023 全面采集; from 2024 日常维护、动态更新和推广运用.
pub fn phase(as_of: Date) -> Phase {
    if as_of < COLLECTION_FROM {
        Phase {
            code: "before",
            name: "采集尚未开始",
            name_en: "before collection began",
            since: None,
            until: Some(COLLECTION_FROM),
            basis: PHASES_BASIS,
        }
    } else if as_of < MAINTENANCE_FROM {
        Phase {
            code: "collection",
            name: "全面开展采集阶段",
            name_en: "county-wide collection",
            since: Some(COLLECTION_FROM),
            until: Some(MAINTENANCE_FROM),
            basis: PHASES_BASIS,
        }
    } else {
        Phase {
            code: "maintenance",
            name: "日常维护、动态更新和推广运用阶段",
            name_en: "regular maintenance, updating and wider use",
            since: Some(MAINTENANCE_FROM),
            until: None,
            basis: PHASES_BASIS,
        }
    }
}

/// `data/trace/update-cycles.csv`: `product,cycle_days,basis`, with a default row `其他`.
pub const UPDATE_CYCLES_CSV: &str = include_str!("../../../../data/trace/update-cycles.csv");

/// The product whose row is the default for planting products without a row.
const DEFAULT_PRODUCT: &str = "其他";

/// Crop-cycle lengths of planting products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateCycles {
    /// Product → (days, basis).
    cycles: BTreeMap<String, (u32, String)>,
}

impl UpdateCycles {
    /// Parses the CSV text (`product,cycle_days,basis`; `#` comment lines allowed). Days
    /// must be 1-3660; the default row `其他` is required.
    pub fn parse(csv: &str) -> Result<UpdateCycles, String> {
        let (header, records) = csv_records(csv).map_err(|e| format!("update cycles: {e}"))?;
        let column = |name: &str| csv_column(&header, name).map_err(|e| format!("update cycles: {e}"));
        let (product, days, basis) = (column("product")?, column("cycle_days")?, column("basis")?);
        let mut cycles = BTreeMap::new();
        for (line, f) in records {
            let name = f[product].trim().to_owned();
            let n: u32 = f[days]
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=3660).contains(n))
                .ok_or_else(|| format!("update cycles line {line}: cycle_days {:?} is not 1-3660", f[days]))?;
            if name.is_empty() {
                return Err(format!("update cycles line {line}: empty product"));
            }
            if cycles.insert(name.clone(), (n, f[basis].trim().to_owned())).is_some() {
                return Err(format!("update cycles line {line}: duplicate product {name}"));
            }
        }
        if !cycles.contains_key(DEFAULT_PRODUCT) {
            return Err(format!("update cycles: no default row {DEFAULT_PRODUCT:?}"));
        }
        Ok(UpdateCycles { cycles })
    }

    /// The bundled table ([`UPDATE_CYCLES_CSV`]).
    pub fn bundled() -> UpdateCycles {
        // Checked by the tests: the bundled file parses.
        UpdateCycles::parse(UPDATE_CYCLES_CSV).unwrap_or_else(|e| panic!("bundled update-cycles.csv: {e}"))
    }

    /// The crop-cycle length of `product` in days (the `其他` row for products without one).
    pub fn planting_days(&self, product: &str) -> u32 {
        self.row(product).0
    }

    /// Why `product` has its cycle length (the `basis` column; values are assumptions).
    pub fn basis(&self, product: &str) -> &str {
        &self.row(product).1
    }

    /// `(product, days, basis)` of every row, in product order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, u32, &str)> {
        self.cycles.iter().map(|(p, (d, b))| (p.as_str(), *d, b.as_str()))
    }

    fn row(&self, product: &str) -> &(u32, String) {
        // `parse` guarantees the default row; the fallback is never used.
        const FALLBACK: &(u32, String) = &(365, String::new());
        self.cycles.get(product).or_else(|| self.cycles.get(DEFAULT_PRODUCT)).unwrap_or(FALLBACK)
    }
}

/// Whether a record is up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DueStatus {
    /// Not yet due, or due today.
    Current,
    /// Past its due date.
    Overdue,
}

/// When a record is due for update, as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The last update (`updated_on`, else `collected_on`).
    pub last_update: Date,
    /// The day by which the record must be updated.
    pub due_on: Date,
    /// Overdue iff the as-of date is after `due_on`.
    pub status: DueStatus,
    /// Days after `due_on` (0 when current).
    pub days_overdue: i64,
    /// The rule applied, in Chinese (with the basis of an assumed cycle length).
    pub rule: String,
}

/// The date of the last update of a record: the later of `updated_on` and `collected_on`
/// (normally `updated_on`, which is never earlier once checked), `None` if neither is set.
pub fn last_update(collected_on: Option<Date>, updated_on: Option<Date>) -> Option<Date> {
    collected_on.max(updated_on)
}

/// When a record of `product` last updated on `last_update` is due, as of `as_of`.
///
/// Planting (and products of no known industry): `last_update` + the product's cycle
/// days; livestock and aquatic: `last_update` + 1 calendar month, clamped to the month's
/// end. `industry` is used only for products that are not key products (其他). Overdue iff
/// `as_of` > `due_on`.
pub fn due(product: &str, industry: Option<Industry>, last_update: Date, as_of: Date, cycles: &UpdateCycles) -> Due {
    let industry = product_industry(product).or(industry);
    let (due_on, rule) = match industry {
        Some(Industry::Livestock | Industry::Aquatic) => (
            last_update.add_months(1),
            "畜产品和水产品按月采集和更新：上次更新后 1 个月（临政办发〔2023〕19号 五、(二)）".to_owned(),
        ),
        Some(Industry::Planting) | None => {
            let days = cycles.planting_days(product);
            (
                last_update.add_days(i64::from(days)),
                format!(
                    "种植业产品每茬采集：上次更新后 {days} 天（临政办发〔2023〕19号 五、(二)；茬期天数：{}）",
                    cycles.basis(product)
                ),
            )
        }
    };
    let due_on = due_on.unwrap_or(Date::ymd(9999, 12, 31));
    let late = due_on.days_until(as_of);
    let status = if late > 0 { DueStatus::Overdue } else { DueStatus::Current };
    Due { last_update, due_on, status, days_overdue: late.max(0), rule }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles() -> UpdateCycles {
        UpdateCycles::parse(UPDATE_CYCLES_CSV).unwrap()
    }

    #[test]
    fn bundled_cycles_are_labelled_assumptions() {
        let c = cycles();
        assert_eq!(c, UpdateCycles::bundled());
        let products: Vec<&str> = c.rows().map(|(p, _, _)| p).collect();
        for p in ["豇豆", "韭菜", "芹菜", "其他"] {
            assert!(products.contains(&p), "{p}");
        }
        for (p, days, basis) in c.rows() {
            assert!(basis.starts_with("assumption"), "{p}: {basis}");
            assert!(days > 0);
        }
        assert_eq!(c.planting_days("豇豆"), 120);
        assert_eq!(c.planting_days("韭菜"), 30);
        assert_eq!(c.planting_days("芹菜"), 90);
        assert_eq!(c.planting_days("苹果"), c.planting_days("其他"));
    }

    #[test]
    fn parse_errors() {
        assert!(UpdateCycles::parse("product,cycle_days,basis\n豇豆,120,x\n").unwrap_err().contains("其他"));
        assert!(UpdateCycles::parse("product,cycle_days,basis\n其他,0,x\n").unwrap_err().contains("1-3660"));
        assert!(UpdateCycles::parse("product,cycle_days,basis\n其他,abc,x\n").is_err());
        assert!(
            UpdateCycles::parse("product,cycle_days,basis\n其他,1,x\n其他,2,y\n").unwrap_err().contains("duplicate")
        );
        assert!(UpdateCycles::parse("product,days\n其他,1\n").unwrap_err().contains("cycle_days"));
        let custom = UpdateCycles::parse("product,cycle_days,basis\n其他,200,local\n豇豆,100,local\n").unwrap();
        assert_eq!(custom.planting_days("豇豆"), 100);
        assert_eq!(custom.planting_days("芹菜"), 200);
    }

    #[test]
    fn planting_is_due_one_cycle_later() {
        let c = cycles();
        let last = Date::ymd(2023, 6, 1);
        let due_on = Date::ymd(2023, 9, 29); // + 120 days
        let on_the_day = due("豇豆", None, last, due_on, &c);
        assert_eq!((on_the_day.due_on, on_the_day.status, on_the_day.days_overdue), (due_on, DueStatus::Current, 0));
        assert!(on_the_day.rule.contains("120 天"));
        assert!(on_the_day.rule.contains("assumption"));
        let day_after = due("豇豆", None, last, Date::ymd(2023, 9, 30), &c);
        assert_eq!((day_after.status, day_after.days_overdue), (DueStatus::Overdue, 1));
        assert_eq!(due("豇豆", None, last, Date::ymd(2023, 9, 28), &c).status, DueStatus::Current);
        // 韭菜: 30 days; 芹菜: 90 days; other crops: the default row.
        assert_eq!(due("韭菜", None, last, last, &c).due_on, Date::ymd(2023, 7, 1));
        assert_eq!(due("芹菜", None, last, last, &c).due_on, Date::ymd(2023, 8, 30));
        assert_eq!(due("其他", Some(Industry::Planting), last, last, &c).due_on, Date::ymd(2024, 5, 31));
        assert_eq!(due("其他", None, last, last, &c).due_on, Date::ymd(2024, 5, 31));
    }

    #[test]
    fn livestock_and_aquatic_are_due_monthly() {
        let c = cycles();
        for product in ["生猪", "肉牛", "肉羊", "乌鸡", "鸡蛋", "大口黑鲈", "乌鳢", "鳊鱼", "大黄鱼"]
        {
            let d = due(product, None, Date::ymd(2023, 1, 31), Date::ymd(2023, 2, 28), &c);
            assert_eq!((d.due_on, d.status), (Date::ymd(2023, 2, 28), DueStatus::Current), "{product}");
            assert!(d.rule.contains("按月"));
            let d = due(product, None, Date::ymd(2023, 1, 31), Date::ymd(2023, 3, 1), &c);
            assert_eq!((d.status, d.days_overdue), (DueStatus::Overdue, 1), "{product}");
        }
        let cases = [
            ((2023, 6, 15), (2023, 7, 15)),
            ((2024, 1, 31), (2024, 2, 29)),
            ((2023, 3, 31), (2023, 4, 30)),
            ((2023, 12, 31), (2024, 1, 31)),
        ];
        for ((y, m, d), (ey, em, ed)) in cases {
            assert_eq!(due("生猪", None, Date::ymd(y, m, d), Date::ymd(y, m, d), &c).due_on, Date::ymd(ey, em, ed));
        }
        // 其他 of a livestock industry follows the monthly rule.
        let d = due("其他", Some(Industry::Livestock), Date::ymd(2023, 6, 15), Date::ymd(2023, 8, 1), &c);
        assert_eq!((d.due_on, d.status, d.days_overdue), (Date::ymd(2023, 7, 15), DueStatus::Overdue, 17));
        // A key product's own industry wins over a contradicting argument.
        assert_eq!(
            due("生猪", Some(Industry::Planting), Date::ymd(2023, 6, 15), Date::ymd(2023, 6, 15), &c).due_on,
            Date::ymd(2023, 7, 15)
        );
    }

    #[test]
    fn last_update_and_serialisation() {
        let (a, b) = (Date::ymd(2023, 6, 1), Date::ymd(2023, 6, 10));
        assert_eq!(last_update(Some(a), Some(b)), Some(b));
        assert_eq!(last_update(Some(a), None), Some(a));
        assert_eq!(last_update(None, Some(b)), Some(b));
        assert_eq!(last_update(None, None), None);
        let d = due("生猪", None, a, Date::ymd(2023, 7, 5), &cycles());
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({"last_update": "2023-06-01", "due_on": "2023-07-01", "status": "overdue",
                               "days_overdue": 4, "rule": d.rule})
        );
        // Far future: clamped, no panic.
        assert_eq!(
            due("生猪", None, Date::ymd(9999, 12, 15), Date::ymd(9999, 12, 20), &cycles()).due_on,
            Date::ymd(9999, 12, 31)
        );
    }

    /// 二、(二) 分步推进实施 (gazette line 2834): collection from June 2023, regular
    /// maintenance from 2024.
    #[test]
    fn phases_of_the_work() {
        assert_eq!(phase(Date::ymd(2023, 5, 31)).code, "before");
        assert_eq!(phase(Date::ymd(2023, 6, 1)).code, "collection");
        assert_eq!(phase(Date::ymd(2023, 12, 31)).code, "collection");
        let p = phase(Date::ymd(2024, 1, 1));
        assert_eq!((p.code, p.name), ("maintenance", "日常维护、动态更新和推广运用阶段"));
        assert_eq!(p.since, Some(MAINTENANCE_FROM));
        assert!(p.basis.contains("第2834行") && p.basis.contains("假定"));
    }
}
