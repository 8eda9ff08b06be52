//! The weekly dispatch ledger (`landtrace_domain::traceability::Ledger`) as the pages a
//! person opens: a spreadsheet (CSV) and a self-contained printable page (HTML)
//! after the form of 附件3. Presentation only; the counts are the domain's.

use std::fmt::Write as _;

use landtrace_domain::schema::layers::KEY_PRODUCTS;
use landtrace_domain::traceability::{LEDGER_TITLE, Ledger, ProductCount, change_text, date_zh};

use crate::report_csv::CsvTable;

/// Escapes text for HTML element content and attribute values (every page the
/// platform writes: the ledger's, the OGC API pages).
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The ledger as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese,
/// CRLF line ends, cells made safe by [`CsvTable`]): `乡（镇）,乡镇代码,豇豆,豇豆较上周,…,
/// 生猪,生猪较上周,合计,较上周`, one line per township and a last line `全县合计`;
/// unchanged counts read `无变化`.
pub fn ledger_csv(ledger: &Ledger) -> String {
    ledger_table(ledger).to_csv()
}

/// The ledger as an Excel workbook: the rows and columns of [`ledger_csv`], counts as
/// numbers, township codes as text.
pub fn ledger_xlsx(ledger: &Ledger) -> Result<Vec<u8>, crate::ReportXlsxError> {
    ledger_table(ledger).to_xlsx("每周调度台账", &["乡镇代码"])
}

/// The narrative columns of a township's line (附件3), written by the township's staff
/// in the client before the ledger is exported.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerNotes {
    /// 典型做法.
    #[serde(default)]
    pub practices: String,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// 工作建议.
    #[serde(default)]
    pub suggestions: String,
    /// 下一步推进措施.
    #[serde(default)]
    pub next_steps: String,
}

/// The headers of the narrative columns, in the order of 附件3.
pub const LEDGER_NOTE_COLUMNS: [&str; 4] = ["典型做法", "存在问题", "工作建议", "下一步推进措施"];

/// The ledger as an edited workbook: `title` and `period` on the first two lines (the
/// ledger's own when empty), then the table of [`ledger_xlsx`] with the narrative
/// columns ([`LEDGER_NOTE_COLUMNS`]) filled per township code from `notes`. Counts
/// stay numbers; codes and the narrative columns are text.
pub fn ledger_xlsx_edited(
    ledger: &Ledger,
    title: &str,
    period: &str,
    notes: &std::collections::BTreeMap<String, LedgerNotes>,
) -> Result<Vec<u8>, crate::ReportXlsxError> {
    let mut table = ledger_table(ledger);
    table.header.extend(LEDGER_NOTE_COLUMNS.iter().map(|c| (*c).to_owned()));
    let n = ledger.rows.len();
    for (i, row) in table.rows.iter_mut().enumerate() {
        let note = if i < n { notes.get(&ledger.rows[i].township_code) } else { notes.get("county") };
        let note = note.cloned().unwrap_or_default();
        row.extend([note.practices, note.problems, note.suggestions, note.next_steps]);
    }
    let title = if title.trim().is_empty() { LEDGER_TITLE.to_owned() } else { title.trim().to_owned() };
    let period = if period.trim().is_empty() { ledger.period_zh() } else { period.trim().to_owned() };
    let mut text = vec!["乡镇代码"];
    text.extend(LEDGER_NOTE_COLUMNS);
    table.to_xlsx_titled("每周调度台账", &text, &[title, period])
}

/// The ledger's table: one row per township and a last row `全县合计`.
fn ledger_table(ledger: &Ledger) -> CsvTable {
    let mut header = vec!["乡（镇）".to_owned(), "乡镇代码".to_owned()];
    for p in KEY_PRODUCTS {
        header.push((*p).to_owned());
        header.push(format!("{p}较上周"));
    }
    header.extend(["合计".to_owned(), "较上周".to_owned()]);
    // 全项采集 (临政办发〔2023〕19号 五、(二), gazette line 2852): records, complete records
    // and the share of form items filled.
    header.extend(["采集记录数".to_owned(), "全项采集记录数".to_owned(), "采集完整度（%）".to_owned()]);
    let percent = |p: Option<f64>| p.map_or_else(String::new, |p| format!("{p:.1}"));
    let cells = |counts: &[ProductCount], total: u32, change: i64| {
        let mut cells = Vec::new();
        for c in counts {
            cells.push(c.this_week.to_string());
            cells.push(change_text(c.change));
        }
        cells.push(total.to_string());
        cells.push(change_text(change));
        cells
    };
    let mut rows = Vec::new();
    for row in &ledger.rows {
        let mut fields = vec![row.township_name.clone(), row.township_code.clone()];
        fields.extend(cells(&row.counts, row.total, row.total_change));
        fields.extend([row.records.to_string(), row.complete_records.to_string(), percent(row.completeness_percent())]);
        rows.push(fields);
    }
    let mut fields = vec!["全县合计".to_owned(), String::new()];
    fields.extend(cells(&ledger.totals.counts, ledger.totals.total, ledger.totals.total_change));
    let sum = |f: &dyn Fn(&landtrace_domain::traceability::LedgerRow) -> u32| ledger.rows.iter().map(f).sum::<u32>();
    let (filled, total) = (sum(&|r| r.items_filled), sum(&|r| r.items_total));
    fields.extend([
        sum(&|r| r.records).to_string(),
        sum(&|r| r.complete_records).to_string(),
        percent((total > 0).then(|| (f64::from(filled) * 1000.0 / f64::from(total)).round() / 10.0)),
    ]);
    rows.push(fields);
    CsvTable { header, rows }
}

/// A self-contained printable page (A4 landscape) after the form of 附件3: a county
/// summary, then one table per township with the counts and their change and the
/// empty columns 典型做法、存在问题、工作建议、下一步推进措施 to fill in by hand.
pub fn ledger_html(ledger: &Ledger) -> String {
    let e = html_escape;
    let mut h = String::new();
    let title = e(LEDGER_TITLE);
    let period = e(&ledger.period_zh());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} {week}</title>\n\
         <style>\n\
         @page {{ size: A4 landscape; margin: 12mm; }}\n\
         body {{ font-family: \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\", serif; font-size: 10.5pt; color: #000; }}\n\
         h1 {{ font-size: 16pt; text-align: center; margin: 0 0 2mm; }}\n\
         p.period {{ text-align: center; margin: 0 0 4mm; }}\n\
         table {{ border-collapse: collapse; width: 100%; margin-bottom: 5mm; page-break-inside: avoid; }}\n\
         th, td {{ border: 1px solid #000; padding: 1mm; text-align: center; vertical-align: middle; }}\n\
         td.fill {{ height: 28mm; width: 13%; }}\n\
         .change {{ display: block; font-size: 8.5pt; color: #333; }}\n\
         section.township {{ page-break-inside: avoid; margin-top: 6mm; }}\n\
         h2 {{ font-size: 12pt; margin: 0 0 2mm; }}\n\
         p.note {{ font-size: 9pt; }}\n\
         </style>\n</head>\n<body>\n<h1>{title}</h1>\n<p class=\"period\">{period}</p>\n",
        week = e(&ledger.week.to_string()),
    );

    // County summary.
    h.push_str("<table class=\"summary\">\n<thead>\n<tr><th rowspan=\"2\">乡（镇）</th>");
    let _ = write!(h, "<th colspan=\"{}\">12 个重点农产品主体摸底数量（家）</th></tr>\n<tr>", KEY_PRODUCTS.len() + 1);
    for p in KEY_PRODUCTS {
        let _ = write!(h, "<th>{}</th>", e(p));
    }
    h.push_str("<th>合计</th><th>全项采集完整度</th></tr>\n</thead>\n<tbody>\n");
    let cell = |this_week: u32, change: i64| {
        format!("<td>{this_week}<span class=\"change\">{}</span></td>", e(&change_text(change)))
    };
    for row in &ledger.rows {
        let _ = write!(h, "<tr><th>{}</th>", e(&row.township_name));
        for c in &row.counts {
            h.push_str(&cell(c.this_week, c.change));
        }
        h.push_str(&cell(row.total, row.total_change));
        let _ = writeln!(
            h,
            "<td>{}<span class=\"change\">{}/{} 条全项</span></td></tr>",
            row.completeness_percent().map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%")),
            row.complete_records,
            row.records
        );
    }
    h.push_str("<tr><th>全县合计</th>");
    for c in &ledger.totals.counts {
        h.push_str(&cell(c.this_week, c.change));
    }
    h.push_str(&cell(ledger.totals.total, ledger.totals.total_change));
    h.push_str("<td></td></tr>\n</tbody>\n</table>\n");
    h.push_str(
        "<p class=\"note\">全项采集完整度：采集表各项（临政办发〔2023〕19号 四、采集内容，共 19 项）已填的比例；\
         “全项采集”见 五、(二)（公报第2852行）。</p>\n",
    );

    // One form per township.
    for row in &ledger.rows {
        let _ = write!(
            h,
            "<section class=\"township\">\n<h2>乡（镇）：{}（{}）</h2>\n<table>\n<thead>\n<tr><th colspan=\"{}\">12 个重点农产品主体摸底数量（家）</th>\
             <th rowspan=\"2\">典型做法</th><th rowspan=\"2\">存在问题</th><th rowspan=\"2\">工作建议</th>\
             <th rowspan=\"2\">下一步推进措施</th></tr>\n<tr>",
            e(&row.township_name),
            e(&row.township_code),
            KEY_PRODUCTS.len() + 1
        );
        for p in KEY_PRODUCTS {
            let _ = write!(h, "<th>{}</th>", e(p));
        }
        h.push_str("<th>合计</th></tr>\n</thead>\n<tbody>\n<tr>");
        for c in &row.counts {
            h.push_str(&cell(c.this_week, c.change));
        }
        h.push_str(&cell(row.total, row.total_change));
        h.push_str(
            "<td class=\"fill\"></td><td class=\"fill\"></td><td class=\"fill\"></td><td class=\"fill\"></td></tr>\n",
        );
        h.push_str("</tbody>\n</table>\n</section>\n");
    }

    let _ = writeln!(
        h,
        "<p class=\"note\">注：12 个重点农产品主体摸底数量首次填报后，后期如有变化填写变化后的总数，无数据变化填写“无变化”。\
         此表于每周二报县农业农村局监管站（本周报送日：{}）。各数字下方为较上周的变化。</p>",
        e(&date_zh(ledger.report_due))
    );
    if ledger.undated > 0 || ledger.unknown_township > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">未计入：无采集日期的记录 {} 条；乡镇代码不在名单中的记录 {} 条。</p>",
            ledger.undated, ledger.unknown_township
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use landtrace_domain::Date;
    use landtrace_domain::traceability::{IsoWeek, LedgerRecord, ledger};

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
    /// A small week 2023-W24 (2023-06-12..18; last week ends 2023-06-11): the pages'
    /// layout is tested here, the counting rules in `domain::traceability::ledger`.
    fn records() -> Vec<LedgerRecord> {
        vec![
            // 猗氏镇 豇豆: A since last week, B new this week; 生猪: D since last week.
            rec(YISHI, "豇豆", "合作社A", Some((2023, 6, 1))),
            rec(YISHI, "豇豆", "合作社B", Some((2023, 6, 14))),
            rec(YISHI, "生猪", "养殖户D", Some((2023, 6, 5))),
            // 嵋阳镇: an undated record, not counted.
            rec(MEIYANG, "鸡蛋", "蛋鸡场H", None),
        ]
    }

    fn week24() -> Ledger {
        ledger(&records(), &townships(), IsoWeek::parse("2023-W24").unwrap())
    }

    #[test]
    fn html_escaping() {
        assert_eq!(html_escape("<b>\"A&B\"</b> 'x'"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;");
        assert_eq!(html_escape("嵋阳镇"), "嵋阳镇");
    }

    #[test]
    fn csv_has_bom_headers_and_no_change_marks() {
        let csv = ledger_csv(&week24());
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines.len(), 3 + 3); // header, 3 townships, county line, trailing empty
        assert!(
            lines[0].starts_with("乡（镇）,乡镇代码,豇豆,豇豆较上周,韭菜,韭菜较上周,芹菜,芹菜较上周,鸡蛋,鸡蛋较上周")
        );
        assert!(lines[0].ends_with(",生猪,生猪较上周,合计,较上周,采集记录数,全项采集记录数,采集完整度（%）"));
        assert_eq!(lines[0].split(',').count(), 2 + 24 + 2 + 3);
        let unchanged = "0,无变化,".repeat(10);
        let yishi = format!("猗氏镇,140821100,2,+1,{unchanged}1,无变化,3,+1,");
        assert!(lines[1].starts_with(&yishi), "{}", lines[1]);
        // 全项采集 (gazette line 2852): every record here fills the 19 items of the form.
        assert!(lines[1].ends_with(",100.0"), "{}", lines[1]);
        assert!(lines[4].starts_with("全县合计,,2,+1,0,无变化,"), "{}", lines[4]);
        assert!(lines[4].contains(",1,无变化,3,+1,"), "{}", lines[4]);
        assert_eq!(lines[5], "");
        assert_eq!(change_text(-2), "-2");
    }

    #[test]
    fn csv_cells_never_start_a_formula_and_changes_stay_numbers() {
        let evil = vec![
            ("140821100".to_owned(), "=HYPERLINK(\"http://x.example\",\"点击\")".to_owned()),
            ("+1".to_owned(), "@SUM(1+1)".to_owned()),
        ];
        let day = |d| Date::ymd(2023, 6, d);
        let records = [
            LedgerRecord {
                township_code: "140821100".into(),
                product: "豇豆".into(),
                subject_name: "A".into(),
                collected_on: Some(day(5)),
                filled_items: 19,
            },
            LedgerRecord {
                township_code: "140821100".into(),
                product: "韭菜".into(),
                subject_name: "B".into(),
                collected_on: Some(day(5)),
                filled_items: 19,
            },
        ];
        // Both records are new in week 23 (2023-06-05 to 06-11): changes of +1 and +2 stay numbers.
        let csv = ledger_csv(&ledger(&records, &evil, IsoWeek::parse("2023-W23").unwrap()));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(
            lines[1].starts_with("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"点击\"\")\",140821100,1,+1,1,+1,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with("'@SUM(1+1),+1,0,无变化,"), "a number stays a number: {}", lines[2]);
        assert!(lines[3].ends_with(",2,+2,2,2,100.0"), "{}", lines[3]);
        for line in &lines {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(!cell.starts_with(['=', '@', '\t', '\r']), "{cell} in {line}");
            }
        }
    }

    #[test]
    fn printable_page() {
        let html = ledger_html(&week24());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<h1>产地溯源信息采集系统（数字地图）每周调度台账</h1>"));
        assert!(html.contains("（2023年6月12日 至 2023年6月18日）"));
        assert!(html.contains("@page { size: A4 landscape"));
        for column in ["典型做法", "存在问题", "工作建议", "下一步推进措施"] {
            assert_eq!(html.matches(&format!("<th rowspan=\"2\">{column}</th>")).count(), 3, "{column}");
        }
        assert_eq!(html.matches("<section class=\"township\">").count(), 3);
        assert!(html.contains("乡（镇）：嵋阳镇（140821101）"));
        assert!(html.contains("本周报送日：2023年6月20日"));
        assert!(html.contains("无变化"));
        assert!(html.contains("无采集日期的记录 1 条"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("http"), "self-contained");

        let evil = vec![("<1>".to_owned(), "<script>alert(\"x\")</script>&".to_owned())];
        let html = ledger_html(&ledger(&[], &evil, IsoWeek::parse("2023-W24").unwrap()));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"));
        assert!(html.contains("&lt;1&gt;"));
    }
}
