//! The weekly dispatch ledger of 临政办发〔2023〕19号 附件3 (产地溯源信息采集系统（数字地图）每周调度台账):
//! per township, the number of subjects (主体, 家) of each of the 12 key products and the
//! change since last week, reported every Tuesday (此表于每周二报县农业农村局监管站).
//!
//! The form's columns 典型做法、存在问题、工作建议、下一步推进措施 are written by hand; the
//! printable page leaves them empty. The form's note says an unchanged count is reported
//! as "无变化", which the CSV and the page do in the change columns.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::week::IsoWeek;
use crate::schema::layers::KEY_PRODUCTS;
use crate::units::date::Date;

/// The ledger's title (附件3).
pub const LEDGER_TITLE: &str = "产地溯源信息采集系统（数字地图）每周调度台账";

/// What the ledger needs of an origin-point record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRecord {
    /// Official township code.
    pub township_code: String,
    /// Product (one of the 12 key products counts; 其他 does not).
    pub product: String,
    /// Subject name: records of one subject (several bases) count once.
    pub subject_name: String,
    /// Date of collection; records without one are counted in [`Ledger::undated`] only.
    pub collected_on: Option<Date>,
    /// How many items of the collection form the record fills (of
    /// [`super::producer::FORM_ITEMS`]; 全项采集, gazette line 2852).
    pub filled_items: u32,
}

/// Subjects of one product this week and last week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductCount {
    /// The key product.
    pub product: String,
    /// Distinct subjects with a record collected on or before this week's Sunday.
    pub this_week: u32,
    /// The same, up to last week's Sunday.
    pub last_week: u32,
    /// `this_week - last_week`.
    pub change: i64,
}

/// One township's line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// Official township code.
    pub township_code: String,
    /// Official township name.
    pub township_name: String,
    /// The 12 key products, in [`KEY_PRODUCTS`] order.
    pub counts: Vec<ProductCount>,
    /// Distinct subjects of any key product in the township this week (a subject with two
    /// products counts once here, once in each product column).
    pub total: u32,
    /// The same, last week.
    pub total_last_week: u32,
    /// `total - total_last_week`.
    pub total_change: i64,
    /// Key-product records collected up to the week's end (every base, not subjects).
    pub records: u32,
    /// Of them, the records that fill every item of the collection form (全项采集,
    /// 五、(二), gazette line 2852).
    pub complete_records: u32,
    /// Form items filled over those records, and the items they would have in all: the
    /// township's completeness is `items_filled / items_total`.
    pub items_filled: u32,
    /// `records` × the number of form items.
    pub items_total: u32,
}

impl LedgerRow {
    /// The township's completeness in percent (one decimal); `None` without records.
    pub fn completeness_percent(&self) -> Option<f64> {
        (self.items_total > 0)
            .then(|| (f64::from(self.items_filled) * 1000.0 / f64::from(self.items_total)).round() / 10.0)
    }
}

/// The county line: sums of the township lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerTotals {
    /// Per product, the sum over townships.
    pub counts: Vec<ProductCount>,
    /// The sum of the township totals.
    pub total: u32,
    /// The same, last week.
    pub total_last_week: u32,
    /// `total - total_last_week`.
    pub total_change: i64,
}

/// The weekly dispatch ledger of one ISO week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// The week.
    pub week: IsoWeek,
    /// Its Monday.
    pub from: Date,
    /// Its Sunday: records collected up to this day count.
    pub to: Date,
    /// The Tuesday after the week, when the ledger is reported.
    pub report_due: Date,
    /// One row per township, in the order given.
    pub rows: Vec<LedgerRow>,
    /// The county line.
    pub totals: LedgerTotals,
    /// Key-product records without `collected_on` (not counted in the rows).
    pub undated: usize,
    /// Key-product records of a township code not in the township list (not counted).
    pub unknown_township: usize,
}

/// Distinct subjects per product (indices into [`KEY_PRODUCTS`]) and over all products.
#[derive(Default)]
struct Subjects<'a> {
    per_product: BTreeMap<usize, BTreeSet<&'a str>>,
    any: BTreeSet<&'a str>,
}

impl<'a> Subjects<'a> {
    fn add(&mut self, product: usize, subject: &'a str) {
        self.per_product.entry(product).or_default().insert(subject);
        self.any.insert(subject);
    }

    fn count(&self, product: usize) -> u32 {
        self.per_product.get(&product).map_or(0, |s| u32::try_from(s.len()).unwrap_or(u32::MAX))
    }

    fn total(&self) -> u32 {
        u32::try_from(self.any.len()).unwrap_or(u32::MAX)
    }
}

/// The ledger of `week` for `townships` (`(code, name)`, in display order).
///
/// Subjects = distinct subject names (trimmed) per township and product among records
/// collected on or before the week's Sunday; last week the same up to the Sunday before.
/// 其他 is not counted. Records without `collected_on` are counted in `undated` only;
/// records of townships not in the list in `unknown_township` only.
pub fn ledger(records: &[LedgerRecord], townships: &[(String, String)], week: IsoWeek) -> Ledger {
    let to = week.sunday();
    let last_to = week.previous().sunday();
    let mut this: BTreeMap<&str, Subjects> = BTreeMap::new();
    let mut last: BTreeMap<&str, Subjects> = BTreeMap::new();
    let (mut undated, mut unknown_township) = (0, 0);
    // Township → (records, complete records, items filled).
    let mut filled: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
    let items = u32::try_from(super::producer::FORM_ITEMS.len()).unwrap_or(u32::MAX);
    for r in records {
        let Some(product) = KEY_PRODUCTS.iter().position(|p| *p == r.product.trim()) else { continue };
        let Some(collected_on) = r.collected_on else {
            undated += 1;
            continue;
        };
        let township = r.township_code.trim();
        if !townships.iter().any(|(code, _)| code == township) {
            unknown_township += 1;
            continue;
        }
        let subject = r.subject_name.trim();
        if collected_on <= to {
            this.entry(township).or_default().add(product, subject);
            let f = filled.entry(township).or_default();
            f.0 += 1;
            f.1 += u32::from(r.filled_items >= items);
            f.2 += r.filled_items.min(items);
        }
        if collected_on <= last_to {
            last.entry(township).or_default().add(product, subject);
        }
    }

    let empty = Subjects::default();
    let mut rows = Vec::new();
    for (code, name) in townships {
        let (now, before) = (this.get(code.as_str()).unwrap_or(&empty), last.get(code.as_str()).unwrap_or(&empty));
        let counts =
            KEY_PRODUCTS.iter().enumerate().map(|(i, p)| product_count(p, now.count(i), before.count(i))).collect();
        let (total, total_last_week) = (now.total(), before.total());
        let (records, complete_records, items_filled) = filled.get(code.as_str()).copied().unwrap_or_default();
        rows.push(LedgerRow {
            records,
            complete_records,
            items_filled,
            items_total: records * items,
            township_code: code.clone(),
            township_name: name.clone(),
            counts,
            total,
            total_last_week,
            total_change: i64::from(total) - i64::from(total_last_week),
        });
    }
    let sum = |f: &dyn Fn(&LedgerRow) -> u32| rows.iter().map(f).sum::<u32>();
    let counts = KEY_PRODUCTS
        .iter()
        .enumerate()
        .map(|(i, p)| product_count(p, sum(&|r| r.counts[i].this_week), sum(&|r| r.counts[i].last_week)))
        .collect();
    let (total, total_last_week) = (sum(&|r| r.total), sum(&|r| r.total_last_week));
    let totals =
        LedgerTotals { counts, total, total_last_week, total_change: i64::from(total) - i64::from(total_last_week) };
    Ledger {
        week,
        from: week.monday(),
        to,
        report_due: to.add_days(2).unwrap_or(to),
        rows,
        totals,
        undated,
        unknown_township,
    }
}

fn product_count(product: &str, this_week: u32, last_week: u32) -> ProductCount {
    ProductCount {
        product: product.to_owned(),
        this_week,
        last_week,
        change: i64::from(this_week) - i64::from(last_week),
    }
}

/// A change as the form wants it: "无变化" for 0, else signed (`+3`, `-1`).
pub fn change_text(change: i64) -> String {
    match change {
        0 => "无变化".to_owned(),
        c if c > 0 => format!("+{c}"),
        c => c.to_string(),
    }
}

/// `2023年6月12日`.
pub fn date_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

impl Ledger {
    /// The period as the form writes it: `（2023年6月12日 至 2023年6月18日）`.
    pub fn period_zh(&self) -> String {
        format!("（{} 至 {}）", date_zh(self.from), date_zh(self.to))
    }

    /// The ledger as JSON: the fields of [`Ledger`] plus `title`, `period` and `key_products`.
    pub fn to_json(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.insert("title".into(), LEDGER_TITLE.into());
            map.insert("period".into(), self.period_zh().into());
            map.insert("key_products".into(), KEY_PRODUCTS.into());
            map.insert("completeness_basis".into(), super::producer::FULL_COLLECTION_BASIS.into());
            if let Some(Value::Array(rows)) = map.get_mut("rows") {
                for (row, r) in rows.iter_mut().zip(&self.rows) {
                    row["completeness_percent"] = r.completeness_percent().into();
                }
            }
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(township: &str, product: &str, subject: &str, collected_on: Option<(u16, u8, u8)>) -> LedgerRecord {
        LedgerRecord {
            township_code: township.into(),
            product: product.into(),
            subject_name: subject.into(),
            collected_on: collected_on.map(|(y, m, d)| Date::ymd(y, m, d)),
            filled_items: 19,
        }
    }

    const YISHI: &str = "140821100";
    const MEIYANG: &str = "140821101";
    const LINJIN: &str = "140821102";

    fn townships() -> Vec<(String, String)> {
        [(YISHI, "猗氏镇"), (MEIYANG, "嵋阳镇"), (LINJIN, "临晋镇")].map(|(c, n)| (c.to_owned(), n.to_owned())).to_vec()
    }

    /// Week 2023-W24 = 2023-06-12..18; last week ends 2023-06-11.
    fn records() -> Vec<LedgerRecord> {
        vec![
            // 猗氏镇 豇豆: A (two bases, counted once), B (new this week), C (after the week: not counted).
            rec(YISHI, "豇豆", "合作社A", Some((2023, 6, 1))),
            rec(YISHI, "豇豆", " 合作社A ", Some((2023, 6, 14))),
            rec(YISHI, "豇豆", "合作社B", Some((2023, 6, 18))),
            rec(YISHI, "豇豆", "合作社C", Some((2023, 6, 19))),
            // 猗氏镇 韭菜: A again (another product: counted in 韭菜, once in the total).
            rec(YISHI, "韭菜", "合作社A", Some((2023, 6, 11))),
            // 猗氏镇 生猪: D last week and this week.
            rec(YISHI, "生猪", "养殖户D", Some((2023, 6, 5))),
            // 其他: never counted.
            rec(YISHI, "其他", "果园E", Some((2023, 6, 5))),
            // 嵋阳镇 鸡蛋: F and G this week, F also last week; H undated.
            rec(MEIYANG, "鸡蛋", "蛋鸡场F", Some((2023, 6, 11))),
            rec(MEIYANG, "鸡蛋", "蛋鸡场G", Some((2023, 6, 12))),
            rec(MEIYANG, "鸡蛋", "蛋鸡场H", None),
            // The same subject name in another township counts there separately.
            rec(LINJIN, "豇豆", "合作社A", Some((2023, 6, 12))),
            // A township code outside the list.
            rec("140821999", "豇豆", "合作社Z", Some((2023, 6, 12))),
        ]
    }

    fn count<'a>(row: &'a LedgerRow, product: &str) -> &'a ProductCount {
        row.counts.iter().find(|c| c.product == product).unwrap()
    }

    fn week24() -> Ledger {
        ledger(&records(), &townships(), IsoWeek::parse("2023-W24").unwrap())
    }

    #[test]
    fn counts_on_a_fixed_data_set() {
        let l = week24();
        assert_eq!(
            (l.from, l.to, l.report_due),
            (Date::ymd(2023, 6, 12), Date::ymd(2023, 6, 18), Date::ymd(2023, 6, 20))
        );
        assert_eq!(l.rows.len(), 3);
        assert_eq!((l.undated, l.unknown_township), (1, 1));

        let yishi = &l.rows[0];
        assert_eq!((yishi.township_code.as_str(), yishi.township_name.as_str()), (YISHI, "猗氏镇"));
        assert_eq!(yishi.counts.len(), 12);
        let products: Vec<&str> = yishi.counts.iter().map(|c| c.product.as_str()).collect();
        assert_eq!(products, KEY_PRODUCTS);
        // 豇豆: A, B this week (A's two bases once; C is after Sunday); A last week.
        assert_eq!(
            count(yishi, "豇豆"),
            &ProductCount { product: "豇豆".into(), this_week: 2, last_week: 1, change: 1 }
        );
        assert_eq!((count(yishi, "韭菜").this_week, count(yishi, "韭菜").change), (1, 0));
        assert_eq!((count(yishi, "生猪").this_week, count(yishi, "生猪").last_week), (1, 1));
        assert_eq!(count(yishi, "芹菜").this_week, 0);
        // Total: distinct subjects A, B, D (A counted once over 豇豆 and 韭菜); last week A, D.
        assert_eq!((yishi.total, yishi.total_last_week, yishi.total_change), (3, 2, 1));

        let meiyang = &l.rows[1];
        assert_eq!(
            count(meiyang, "鸡蛋"),
            &ProductCount { product: "鸡蛋".into(), this_week: 2, last_week: 1, change: 1 }
        );
        assert_eq!((meiyang.total, meiyang.total_last_week), (2, 1));

        let linjin = &l.rows[2];
        assert_eq!((count(linjin, "豇豆").this_week, count(linjin, "豇豆").last_week), (1, 0));
        assert_eq!((linjin.total, linjin.total_change), (1, 1));

        // County line: sums of the township lines.
        let jiangdou = &l.totals.counts[0];
        assert_eq!((jiangdou.this_week, jiangdou.last_week, jiangdou.change), (3, 1, 2));
        assert_eq!((l.totals.total, l.totals.total_last_week, l.totals.total_change), (6, 3, 3));
    }

    #[test]
    fn an_earlier_week_sees_fewer_records() {
        let l = ledger(&records(), &townships(), IsoWeek::parse("2023-W23").unwrap());
        assert_eq!((l.from, l.to), (Date::ymd(2023, 6, 5), Date::ymd(2023, 6, 11)));
        let yishi = &l.rows[0];
        // 豇豆: A (06-01) this week; nothing up to 06-04.
        assert_eq!((count(yishi, "豇豆").this_week, count(yishi, "豇豆").last_week), (1, 1));
        assert_eq!(
            (count(yishi, "生猪").this_week, count(yishi, "生猪").last_week, count(yishi, "生猪").change),
            (1, 0, 1)
        );
        assert_eq!((yishi.total, yishi.total_last_week), (2, 1));
        // A decrease shows as a negative change (a record deleted between weeks is simply absent).
        let l = ledger(&[], &townships(), IsoWeek::parse("2023-W24").unwrap());
        assert_eq!(l.totals.total, 0);
        assert!(l.rows.iter().all(|r| r.total_change == 0));
    }

    #[test]
    fn json_shape() {
        let v = week24().to_json();
        assert_eq!(v["week"], "2023-W24");
        assert_eq!(v["from"], "2023-06-12");
        assert_eq!(v["to"], "2023-06-18");
        assert_eq!(v["report_due"], "2023-06-20");
        assert_eq!(v["title"], LEDGER_TITLE);
        assert_eq!(v["period"], "（2023年6月12日 至 2023年6月18日）");
        assert_eq!(v["key_products"].as_array().unwrap().len(), 12);
        assert_eq!(
            v["rows"][0]["counts"][0],
            serde_json::json!({"product": "豇豆", "this_week": 2, "last_week": 1, "change": 1})
        );
        assert_eq!(v["totals"]["total"], 6);
        assert_eq!(v["undated"], 1);
    }
}

#[cfg(test)]
mod completeness_tests {
    use super::*;

    /// 全项采集 (五、(二), gazette line 2852): the ledger shows, per township, how many
    /// records fill every item of the collection form and the share of items filled.
    #[test]
    fn completeness_per_township() {
        let rec = |subject: &str, filled_items: u32| LedgerRecord {
            township_code: "140821100".into(),
            product: "豇豆".into(),
            subject_name: subject.into(),
            collected_on: Some(Date::ymd(2023, 6, 12)),
            filled_items,
        };
        let townships =
            vec![("140821100".to_owned(), "猗氏镇".to_owned()), ("140821101".to_owned(), "嵋阳镇".to_owned())];
        let l = ledger(&[rec("甲", 19), rec("乙", 10)], &townships, IsoWeek::parse("2023-W24").unwrap());
        let row = &l.rows[0];
        assert_eq!((row.records, row.complete_records, row.items_filled, row.items_total), (2, 1, 29, 38));
        assert_eq!(row.completeness_percent(), Some(76.3));
        assert_eq!(l.rows[1].completeness_percent(), None);
        let v = l.to_json();
        assert_eq!(v["rows"][0]["completeness_percent"], 76.3);
        assert!(v["completeness_basis"].as_str().unwrap().contains("2852"));
    }
}
