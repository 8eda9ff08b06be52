//! The traceability commands of the real binary: `trace import` of the collection
//! form (GBK bytes as Excel on Chinese Windows saves them, all or nothing, a
//! rejected file leaving the GeoPackage byte-for-byte unchanged), `report ledger`
//! checked against the bundled demo records, and `user add` tokens checked
//! against a real `serve --users`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use landtrace_blackbox_tests::{Server, data_dir, http_request, landtrace, run};
use serde_json::{Value, json};

/// The form's columns as the collection spreadsheet has them.
const HEADER: &str = "序号,种养殖主体名称,主体类型,产品名称,乡镇,村,经度,纬度,联系人,联系方式,种养规模,规模单位,\
                      生产方式,追溯方式,采集日期";

/// Three valid rows (lines 2-4): 0.49 亩 豇豆 is below the 0.5 亩 threshold; 崞阳镇 is
/// the gazette's OCR variant of 嵋阳镇; all points lie in 临猗县.
const GOOD_ROWS: [&str; 3] = [
    "1,黑盒测试豇豆种植户,种养殖户,豇豆,猗氏镇,王村,110.70,35.15,测试甲,139 1234 0001,0.49,亩,露地,承诺达标合格证,2023-06-13",
    "2,黑盒测试嵋阳家庭农场,家庭农场,韭菜,崞阳镇,曹家营村,110.80,35.20,测试乙,13912340002,12,亩,设施,追溯码,2023/6/14",
    "3,黑盒测试生猪养殖专业合作社,农民专业合作社,生猪,庙上乡,北贯村,110.68,35.17,测试丙,03594028132,120,头,,\
     动物检疫合格证明、耳标,2023-06-15",
];

/// Writes `rows` under the header with CRLF line ends, as a spreadsheet program does.
fn form_text(rows: &[&str]) -> String {
    let mut text = String::from(HEADER);
    text.push_str("\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text
}

/// The text as GBK bytes (not valid UTF-8, so `auto` has to recognise them).
fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "every character of the test file exists in GBK");
    assert!(std::str::from_utf8(&bytes).is_err(), "the GBK bytes must not also be valid UTF-8");
    bytes.into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Creates `name` from the bundled data (via `landtrace layers`) and returns its
/// origin_points count.
fn fresh_store(dir: &Path, name: &str) -> u64 {
    assert!(!dir.join(name).exists());
    let count = count(dir, name, "origin_points");
    assert!(dir.join(name).is_file(), "`landtrace layers` creates the store");
    count
}

/// The feature count `landtrace layers` gives for `layer`.
fn count(dir: &Path, store: &str, layer: &str) -> u64 {
    let out = landtrace(dir, &["layers", "--store", store]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let line = text.lines().find(|l| l.split_whitespace().next() == Some(layer)).expect("layer listed");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The test's records as GDAL reads them from the GeoPackage: subject → field → value
/// (the geometry under "geom" as WKT; `collected_text` is the stored text of the DATE
/// column, which GDAL would otherwise print reformatted).
fn stored_records(store: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let sql = "SELECT subject_name, subject_type, industry, product, township_code, village_code, contact_phone, \
               scale, scale_unit, trace_means, collected_on || '' AS collected_text, created_by, geom FROM origin_points \
               WHERE subject_name LIKE '黑盒测试%'";
    let out = run("ogrinfo", &["-ro", "-q", "-dialect", "SQLite", store.to_str().unwrap(), "-sql", sql]);
    assert!(out.status.success(), "ogrinfo failed: {}", stderr(&out));
    let text = stdout(&out);
    let mut records = BTreeMap::new();
    for block in text.split("OGRFeature(SELECT):").skip(1) {
        let mut fields = BTreeMap::new();
        for line in block.lines().skip(1).map(str::trim).filter(|l| !l.is_empty()) {
            if let Some((name, value)) = line.split_once(" = ") {
                let name = name.split_once(" (").map_or(name, |(n, _)| n);
                fields.insert(name.to_owned(), value.to_owned());
            } else {
                fields.insert("geom".to_owned(), line.to_owned());
            }
        }
        records.insert(fields["subject_name"].clone(), fields);
    }
    records
}

/// `report ledger --format csv` as rows of cells (BOM checked and removed).
fn ledger_csv(dir: &Path, store: &str, week: &str, out_file: &str) -> Vec<Vec<String>> {
    let out =
        landtrace(dir, &["report", "ledger", "--week", week, "--format", "csv", "--out", out_file, "--store", store]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "with --out nothing goes to standard output: {}", stdout(&out));
    let bytes = std::fs::read(dir.join(out_file)).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "the CSV starts with a UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8 after the BOM");
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            assert!(!l.contains('"'), "no field needs quoting: {l}");
            l.split(',').map(str::to_owned).collect()
        })
        .collect()
}

/// The cell of `column` in the row of `township` (by name).
fn cell<'a>(table: &'a [Vec<String>], township: &str, column: &str) -> &'a str {
    let at = table[0].iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
    let row = table.iter().find(|r| r[0] == township).unwrap_or_else(|| panic!("no row {township}"));
    &row[at]
}

#[test]
fn gbk_form_imports_every_row_and_maps_the_township_variant() {
    let dir = tempfile::tempdir().unwrap();
    let store = "trace.gpkg";
    let before = fresh_store(dir.path(), store);
    let ledger_before = ledger_csv(dir.path(), store, "2023-W24", "before.csv");

    std::fs::write(dir.path().join("form.csv"), gbk(&form_text(&GOOD_ROWS))).unwrap();
    let out = landtrace(dir.path(), &["trace", "import", "form.csv", "--actor", "blackbox", "--store", store]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "stdout:\n{text}\nstderr:\n{err}");
    assert!(err.contains("imported 3 of 3 rows"), "{err}");
    assert!(err.contains("read as gbk"), "auto must recognise GBK: {err}");
    assert!(err.contains("1 below the collection threshold"), "{err}");

    // One line per row, with its line number and stored id; only the 0.49 亩 row is flagged.
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(lines.len(), 3, "{text}");
    let flagged: Vec<&&str> = lines.iter().filter(|l| l.contains("[not mandatory]")).collect();
    assert_eq!(flagged.len(), 1, "{text}");
    assert!(flagged[0].starts_with("line 2 ") && flagged[0].contains("黑盒测试豇豆种植户"), "{text}");
    assert!(flagged[0].contains("0.5 亩"), "the flag names the rule: {text}");
    for l in &lines {
        assert!(l.contains(" id "), "an imported row shows its id: {l}");
    }
    assert!(text.contains("崞阳镇") && text.contains("嵋阳镇"), "the variant mapping is noted: {text}");

    assert_eq!(count(dir.path(), store, "origin_points"), before + 3);

    // What an independent reader (GDAL) finds in the file.
    let records = stored_records(&dir.path().join(store));
    assert_eq!(records.len(), 3, "{records:?}");
    let small = &records["黑盒测试豇豆种植户"];
    assert_eq!(small["township_code"], "140821100");
    assert_eq!(small["village_code"], "140821100200", "王村 → 王村村委会");
    assert_eq!(small["scale"], "0.49", "a record below the threshold is kept");
    assert_eq!(small["contact_phone"], "13912340001", "spaces dropped from the phone");
    assert_eq!(small["industry"], "种植业");
    assert_eq!(small["created_by"], "blackbox");
    assert_eq!(small["geom"], "POINT (110.7 35.15)");
    let meiyang = &records["黑盒测试嵋阳家庭农场"];
    assert_eq!(meiyang["township_code"], "140821101", "崞阳镇 is stored as 嵋阳镇");
    assert_eq!(meiyang["village_code"], "140821101208", "曹家营村 of 嵋阳镇");
    assert_eq!(meiyang["collected_text"], "2023-06-14", "2023/6/14 is stored as ISO text");
    assert_eq!(meiyang["geom"], "POINT (110.8 35.2)");
    let pigs = &records["黑盒测试生猪养殖专业合作社"];
    assert_eq!(pigs["subject_type"], "农民合作社");
    assert_eq!(pigs["contact_phone"], "0359-4028132");
    assert_eq!(pigs["trace_means"], "耳标、动物检疫合格证", "aliases mapped, form order");
    assert_eq!((pigs["scale"].as_str(), pigs["scale_unit"].as_str()), ("120", "头"));

    // The weekly ledger counts the new subjects, the 崞阳镇 one under 嵋阳镇.
    let ledger_after = ledger_csv(dir.path(), store, "2023-W24", "after.csv");
    let n = |t: &[Vec<String>], town: &str, col: &str| cell(t, town, col).parse::<u32>().unwrap();
    assert_eq!(n(&ledger_after, "嵋阳镇", "韭菜"), n(&ledger_before, "嵋阳镇", "韭菜") + 1);
    assert_eq!(n(&ledger_after, "庙上乡", "生猪"), n(&ledger_before, "庙上乡", "生猪") + 1);
    assert_eq!(n(&ledger_after, "嵋阳镇", "合计"), n(&ledger_before, "嵋阳镇", "合计") + 1);
    assert_eq!(n(&ledger_after, "全县合计", "韭菜"), n(&ledger_before, "全县合计", "韭菜") + 1);
}

#[test]
fn one_bad_row_rejects_the_file_and_leaves_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = "trace.gpkg";
    let before_count = fresh_store(dir.path(), store);
    let path = dir.path().join(store);
    let before = std::fs::read(&path).unwrap();

    // Line 2 is fine, line 3 has a bad phone, line 4 an unknown township.
    let bad = form_text(&[
        GOOD_ROWS[0],
        "2,黑盒测试坏电话,家庭农场,韭菜,嵋阳镇,,110.80,35.20,测试乙,12345,12,亩,设施,追溯码,2023-06-14",
        "3,黑盒测试坏乡镇,种养殖户,豇豆,嵋杨镇,,110.70,35.16,测试丙,13912340003,2,亩,露地,追溯码,2023-06-15",
    ]);
    std::fs::write(dir.path().join("bad.csv"), gbk(&bad)).unwrap();
    let out = landtrace(dir.path(), &["trace", "import", "bad.csv", "--store", store]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(!out.status.success(), "a file with a bad row must fail: {text}{err}");
    let problem = |line: &str| err.lines().filter(|l| l.starts_with(line)).collect::<Vec<_>>().join("\n");
    let line3 = problem("line 3:");
    assert!(line3.contains("contact_phone") && line3.contains("12345"), "{err}");
    let line4 = problem("line 4:");
    assert!(line4.contains("township") && line4.contains("嵋杨镇"), "{err}");
    assert!(line4.contains("嵋阳镇"), "the unknown township comes with a suggestion: {err}");
    assert!(problem("line 2:").is_empty(), "the good row has no problems: {err}");
    assert!(err.contains("nothing was imported") && err.contains("2 of 3 rows"), "{err}");
    assert!(!text.contains(" id "), "no row was stored: {text}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the store file must be byte-for-byte unchanged");
    assert_eq!(count(dir.path(), store, "origin_points"), before_count);

    // GBK bytes read as UTF-8 on request: refused, naming the line, nothing stored.
    std::fs::write(dir.path().join("good.csv"), gbk(&form_text(&GOOD_ROWS))).unwrap();
    let out = landtrace(dir.path(), &["trace", "import", "good.csv", "--encoding", "utf-8", "--store", store]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("line 1") && stderr(&out).contains("not valid UTF-8"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), before, "--encoding utf-8 changed the store");

    // A dry run of a good file checks every row and writes nothing.
    let out = landtrace(dir.path(), &["trace", "import", "good.csv", "--dry-run", "--store", store]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "{text}{err}");
    assert!(err.contains("checked 3 of 3 rows") && err.contains("dry run"), "{err}");
    assert_eq!(text.lines().filter(|l| l.starts_with("line ")).count(), 3, "{text}");
    assert_eq!(text.matches("[not mandatory]").count(), 1, "{text}");
    assert!(!text.contains(" id "), "a dry run stores no ids: {text}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "--dry-run changed the store");
    assert_eq!(count(dir.path(), store, "origin_points"), before_count);
}

/// "Inside 临猗县" means inside the county's own boundary (adcode 140821), not inside
/// any of the 13 county boundaries of 运城市 that the store holds.
#[test]
fn a_point_in_a_neighbouring_county_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = "trace.gpkg";
    fresh_store(dir.path(), store);
    let path = dir.path().join(store);
    let before = std::fs::read(&path).unwrap();
    // GDAL confirms which county each point is in.
    let points = [("盐湖区", 111.00, 35.03), ("永济市", 110.45, 34.87), ("万荣县", 110.84, 35.41)];
    let mut rows = Vec::new();
    for (i, (county, lon, lat)) in points.iter().enumerate() {
        let sql =
            format!("SELECT name FROM county_boundaries WHERE ST_Intersects(geom, MakePoint({lon}, {lat}, 4326))");
        let out = run("ogrinfo", &["-ro", "-q", "-dialect", "SQLite", path.to_str().unwrap(), "-sql", &sql]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains(&format!("name (String) = {county}")), "{lon},{lat}: {}", stdout(&out));
        rows.push(format!(
            "{},黑盒测试县外{county},种养殖户,豇豆,猗氏镇,,{lon},{lat},测试甲,13912340001,2,亩,露地,追溯码,2023-06-13",
            i + 1
        ));
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    std::fs::write(dir.path().join("outside.csv"), form_text(&rows)).unwrap();
    let out = landtrace(dir.path(), &["trace", "import", "outside.csv", "--dry-run", "--store", store]);
    let err = stderr(&out);
    assert!(
        !out.status.success(),
        "points in 盐湖区, 永济市 and 万荣县 were accepted as inside 临猗县:\n{}",
        stdout(&out)
    );
    for line in ["line 2: position", "line 3: position", "line 4: position"] {
        assert!(err.contains(line), "{line} missing: {err}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// The ledger's expected cells from the bundled demo records: township code → product
/// → distinct subjects collected up to `last_day` (dates compare as ISO text).
fn demo_subjects(last_day: &str) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let text = std::fs::read_to_string(data_dir().join("demo").join("origin_points.geojson")).unwrap();
    let demo: Value = serde_json::from_str(&text).unwrap();
    let mut out: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in demo["features"].as_array().unwrap() {
        let p = &f["properties"];
        let (Some(town), Some(product), Some(subject), Some(day)) = (
            p["township_code"].as_str(),
            p["product"].as_str(),
            p["subject_name"].as_str(),
            p["collected_on"].as_str(),
        ) else {
            panic!("demo record without township, product, subject or date: {p}");
        };
        if day <= last_day && product != "其他" {
            out.entry(town.to_owned())
                .or_default()
                .entry(product.to_owned())
                .or_default()
                .insert(subject.trim().to_owned());
        }
    }
    out
}

/// The official townships (code, name) in list order.
fn townships() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(data_dir().join("divisions").join("linyi-townships-villages.csv")).unwrap();
    text.lines()
        .filter(|l| l.contains(",township,"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_owned(), cells[1].trim_matches('"').to_owned())
        })
        .collect()
}

fn change_text(change: i64) -> String {
    match change {
        0 => "无变化".to_owned(),
        c if c > 0 => format!("+{c}"),
        c => c.to_string(),
    }
}

#[test]
fn weekly_ledger_of_the_demo_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = "demo.gpkg";
    fresh_store(dir.path(), store);
    let table = ledger_csv(dir.path(), store, "2023-W24", "ledger.csv");

    // Header: 乡（镇）,乡镇代码, then each key product and its change, then 合计,较上周, then
    // 全项采集 (临政办发〔2023〕19号 五、(二), gazette line 2852): records, complete records, completeness.
    let header = &table[0];
    assert_eq!(header[..2], ["乡（镇）", "乡镇代码"]);
    assert_eq!(header[header.len() - 5..header.len() - 3], ["合计", "较上周"]);
    assert_eq!(header[header.len() - 3..], ["采集记录数", "全项采集记录数", "采集完整度（%）"]);
    let products: Vec<&str> = header[2..header.len() - 5].iter().step_by(2).map(String::as_str).collect();
    let key: BTreeSet<&str> =
        ["豇豆", "韭菜", "芹菜", "鸡蛋", "乌鸡", "肉牛", "肉羊", "大口黑鲈", "乌鳢", "鳊鱼", "大黄鱼", "生猪"].into();
    assert_eq!(products.iter().copied().collect::<BTreeSet<_>>(), key, "{header:?}");
    assert_eq!(products.len(), 12);
    for (i, p) in products.iter().enumerate() {
        assert_eq!(header[3 + 2 * i], format!("{p}较上周"));
    }

    // 14 township rows in the official order, then the county line.
    let towns = townships();
    assert_eq!(towns.len(), 14);
    assert_eq!(table.len(), 1 + 14 + 1, "{table:?}");
    let this_week = demo_subjects("2023-06-18");
    let last_week = demo_subjects("2023-06-11");
    let mut sums = vec![0i64; 2 * products.len() + 2];
    for ((code, name), row) in towns.iter().zip(&table[1..15]) {
        assert_eq!((&row[0], &row[1]), (name, code));
        assert_eq!(row.len(), header.len());
        let count = |subjects: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>, product: &str| {
            subjects.get(code).and_then(|m| m.get(product)).map_or(0, |s| s.len() as i64)
        };
        let total = |subjects: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>| {
            subjects.get(code).map_or(0, |m| m.values().flatten().collect::<BTreeSet<_>>().len() as i64)
        };
        let mut expected = Vec::new();
        for p in &products {
            expected.push((count(&this_week, p), count(&this_week, p) - count(&last_week, p)));
        }
        expected.push((total(&this_week), total(&this_week) - total(&last_week)));
        for (i, (now, change)) in expected.iter().enumerate() {
            assert_eq!(row[2 + 2 * i], now.to_string(), "{name} {}", header[2 + 2 * i]);
            assert_eq!(row[3 + 2 * i], change_text(*change), "{name} {}", header[3 + 2 * i]);
            sums[2 * i] += now;
            sums[2 * i + 1] += change;
        }
    }
    let county = &table[15];
    assert_eq!((county[0].as_str(), county[1].as_str()), ("全县合计", ""));
    for (i, pair) in sums.chunks(2).enumerate() {
        assert_eq!(county[2 + 2 * i], pair[0].to_string(), "全县合计 {}", header[2 + 2 * i]);
        assert_eq!(county[3 + 2 * i], change_text(pair[1]), "全县合计 {}", header[3 + 2 * i]);
    }
    assert!(sums[sums.len() - 2] > 0, "the demo week has records");

    // The printable page: title, period, every township, the Tuesday it is due.
    let out = landtrace(dir.path(), &["report", "ledger", "--week", "2023-W24", "--format", "html", "--store", store]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = stdout(&out);
    assert!(html.contains("每周调度台账"), "{html}");
    assert!(html.contains("（2023年6月12日 至 2023年6月18日）"), "{html}");
    assert!(html.contains("2023年6月20日"), "reported on the Tuesday after the week");
    for (_, name) in &towns {
        assert!(html.contains(&format!("乡（镇）：{name}")), "{name} has its own form");
    }
    // The format follows the --out extension too.
    let out =
        landtrace(dir.path(), &["report", "ledger", "--week", "2023-W24", "--out", "ledger.html", "--store", store]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("ledger.html")).unwrap(), html);

    // JSON agrees with the CSV.
    let out = landtrace(dir.path(), &["report", "ledger", "--week", "2023-W24", "--store", store]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["week"], "2023-W24");
    assert_eq!((json["from"].as_str(), json["to"].as_str()), (Some("2023-06-12"), Some("2023-06-18")));
    assert_eq!(json["rows"].as_array().unwrap().len(), 14);
    assert_eq!(json["totals"]["total"], json!(sums[sums.len() - 2]));

    // A week that does not exist: refused, naming it, no file written.
    for week in ["2023-W54", "2023-W53", "2023-24"] {
        let out = landtrace(
            dir.path(),
            &["report", "ledger", "--week", week, "--format", "csv", "--out", "nope.csv", "--store", store],
        );
        assert!(!out.status.success(), "{week} must be refused");
        assert!(stderr(&out).contains(week), "{week}: {}", stderr(&out));
        assert!(!dir.path().join("nope.csv").exists(), "{week}: a file was written");
    }
}

/// GET `path` with `Authorization: Bearer token`; (status, JSON body or Null).
fn get_with_token(server: &Server, path: &str, token: &str) -> (u16, Value) {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\r\n",
        server.addr
    );
    let (status, body) = http_request(&server.addr, &request).unwrap_or_else(|e| panic!("GET {path}: {e}"));
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// `user add`; returns the printed token.
fn add_user(dir: &Path, name: &str, role: &str) -> String {
    let out = landtrace(dir, &["user", "add", "--name", name, "--role", role, "--users", "users.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&out).trim().to_owned();
    assert_eq!(stdout(&out).lines().count(), 1, "only the token goes to standard output");
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_alphanumeric()), "{token:?}");
    assert!(!stderr(&out).contains(&token), "the token is printed once");
    token
}

#[test]
fn user_tokens_work_against_a_real_server_and_are_never_stored_or_logged() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.toml");
    let zhang = add_user(dir.path(), "zhang.san", "agriculture");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&users).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the users file is private");
    }
    let file_before = std::fs::read(&users).unwrap();
    let out = landtrace(dir.path(), &["user", "add", "--name", "zhang.san", "--role", "land", "--users", "users.toml"]);
    assert!(!out.status.success(), "a second zhang.san must be refused");
    assert!(stderr(&out).contains("zhang.san"), "{}", stderr(&out));
    assert!(stdout(&out).trim().is_empty(), "no token for a refused user: {}", stdout(&out));
    assert_eq!(std::fs::read(&users).unwrap(), file_before, "the refused add changed the users file");
    let li = add_user(dir.path(), "li.si", "land");
    assert_ne!(zhang, li);

    let listed = landtrace(dir.path(), &["user", "list", "--users", "users.toml"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert_eq!(stdout(&listed).matches("zhang.san").count(), 1, "{}", stdout(&listed));

    let file = std::fs::read_to_string(&users).unwrap();
    for token in [&zhang, &li] {
        assert!(!file.contains(token.as_str()), "the users file holds a token in clear:\n{file}");
    }

    let store = dir.path().join("landtrace.gpkg");
    let server =
        Server::start_with_env(dir.path(), &store, &["--users", users.to_str().unwrap()], &[("RUST_LOG", "debug")]);
    let (status, me) = get_with_token(&server, "/api/me", &zhang);
    assert_eq!(status, 200, "{me}");
    assert_eq!((me["user"].as_str(), me["role"].as_str()), (Some("zhang.san"), Some("agriculture")), "{me}");
    assert_eq!(me["layers"], json!(["origin_points", "producers"]), "{me}");
    let (status, me) = get_with_token(&server, "/api/me", &li);
    assert_eq!(status, 200, "{me}");
    assert_eq!((me["user"].as_str(), me["role"].as_str()), (Some("li.si"), Some("land")), "{me}");
    // The last character changed (to one it is not).
    let last = if zhang.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &zhang[..zhang.len() - 1]);
    assert_eq!(get_with_token(&server, "/api/me", &wrong).0, 401, "a changed token must not sign in");
    assert_eq!(server.get("/api/me").0, 401, "no token, no user");

    // The role decides what the token may write.
    let record = json!({
        "lon": 110.70, "lat": 35.15, "subject_name": "黑盒测试令牌农场", "subject_type": "家庭农场",
        "product": "韭菜", "township": "猗氏镇", "contact_name": "测试丁", "contact_phone": "13912340004",
        "scale": 2.0, "scale_unit": "亩", "collected_on": "2023-06-13",
    });
    let (status, body) = server.post_json("/api/trace/records", &li, &record);
    assert_eq!(status, 403, "the land role does not write origin points: {body}");
    let (status, body) = server.post_json("/api/trace/records", &zhang, &record);
    assert_eq!(status, 201, "the agriculture role writes origin points: {body}");

    let log = server.log();
    assert!(log.contains("users"), "the log is captured: {log}");
    for token in [&zhang, &li, &wrong] {
        assert!(!log.contains(token.as_str()), "the server log carries a token:\n{log}");
    }
}

/// `landtrace trace producers` (issue 15, 临政办发〔2023〕19号): a producer without a credit
/// code gets the platform's next identifier; a credit code with a wrong check character
/// exits non-zero naming the field and stores nothing; two plots imported with the
/// producer's identifier, each below 0.5 亩 and together at it, are both to be collected
/// (五、(二), gazette line 2852) and `show` says why.
#[test]
fn producers_are_registered_and_their_plots_judged_together() {
    let dir = tempfile::tempdir().unwrap();
    let before = fresh_store(dir.path(), "p.gpkg");
    assert_eq!(count(dir.path(), "p.gpkg", "producers"), 2, "two illustrative producers are bundled");
    let out = landtrace(
        dir.path(),
        &[
            "trace",
            "producers",
            "add",
            "--name",
            "黑盒测试两地块农户",
            "--subject-type",
            "农户",
            "--township",
            "猗氏镇",
            "--contact-phone",
            "0351-7654321",
            "--store",
            "p.gpkg",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ZT140821-000003"), "{}", stdout(&out));
    let out = landtrace(
        dir.path(),
        &[
            "trace",
            "producers",
            "add",
            "--name",
            "错码企业",
            "--subject-type",
            "企业",
            "--uscc",
            "914403001922038217",
            "--store",
            "p.gpkg",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("producer_id: 统一社会信用代码「914403001922038217」校验位不符"), "{}", stderr(&out));
    assert_eq!(count(dir.path(), "p.gpkg", "producers"), 3, "the refused producer was not stored");

    let header = "种养殖主体名称,主体类型,产品名称,乡镇,经度,纬度,联系人,联系方式,种养规模,规模单位,采集日期,主体编号";
    let rows = [
        "黑盒测试两地块农户,种养殖户,豇豆,猗氏镇,110.70,35.15,测试甲,0351-7654321,0.2,亩,2023-06-13,ZT140821-000003",
        "黑盒测试两地块农户,种养殖户,豇豆,猗氏镇,110.71,35.15,测试甲,0351-7654321,0.3,亩,2023-06-13,ZT140821-000003",
    ];
    std::fs::write(dir.path().join("plots.csv"), format!("{header}\n{}\n{}\n", rows[0], rows[1])).unwrap();
    let out = landtrace(dir.path(), &["trace", "import", "plots.csv", "--store", "p.gpkg"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(dir.path(), "p.gpkg", "origin_points"), before + 2);
    // The same file again repeats the stored plots: refused, nothing stored.
    let out = landtrace(dir.path(), &["trace", "import", "plots.csv", "--store", "p.gpkg"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("position: 重复提交"), "{}", stderr(&out));
    assert_eq!(count(dir.path(), "p.gpkg", "origin_points"), before + 2);

    let out = landtrace(dir.path(), &["trace", "producers", "show", "ZT140821-000003", "--json", "--store", "p.gpkg"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bases = shown["bases"].as_array().unwrap();
    assert_eq!(bases.len(), 2);
    for base in bases {
        let t = &base["properties"]["threshold"];
        assert_eq!(t["mandatory"], true, "{t}");
        assert_eq!(t["aggregate"]["total"], 0.5, "{t}");
        assert!(t["note"].as_str().unwrap().contains("合计 0.5 亩"), "{t}");
    }
    let out = landtrace(dir.path(), &["trace", "producers", "show", "ZT140821-000003", "--store", "p.gpkg"]);
    assert!(stdout(&out).contains("须采集"), "{}", stdout(&out));
    let out = landtrace(dir.path(), &["trace", "producers", "list", "--store", "p.gpkg"]);
    assert!(stdout(&out).contains("ZT140821-000003") && stdout(&out).contains("(2 bases)"), "{}", stdout(&out));
    let out = landtrace(dir.path(), &["trace", "producers", "show", "ZT140821-000099", "--store", "p.gpkg"]);
    assert!(!out.status.success());
}
