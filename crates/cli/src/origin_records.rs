//! `landtrace trace import` (the collection-form spreadsheet, through the one
//! write path), `landtrace trace producers` (the producer register) and
//! `landtrace report ledger` (the weekly dispatch ledger).

use std::path::Path;

use anyhow::{Context, bail};
use landtrace_app::write_path;
use landtrace_domain::LayerKind;
use landtrace_domain::traceability::IsoWeek;
use landtrace_formats::CsvEncoding;
use landtrace_spatial::Crs;
use landtrace_store::Actor;

use crate::input_file;
use crate::store_args::{StoreArgs, open_or_create};

/// `landtrace report ledger`.
pub(crate) async fn report_ledger(
    week: &str,
    format: Option<&str>,
    out: Option<&Path>,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    let week = IsoWeek::parse(week).map_err(|e| anyhow::anyhow!("--week {week:?}: {e}"))?;
    let format = match format {
        Some(f) => f.to_ascii_lowercase(),
        None => out
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(|e| match e.to_ascii_lowercase().as_str() {
                "htm" => "html".to_owned(),
                other => other.to_owned(),
            })
            .filter(|e| ["json", "csv", "xlsx", "html"].contains(&e.as_str()))
            .unwrap_or_else(|| "json".to_owned()),
    };
    if !["json", "csv", "xlsx", "html"].contains(&format.as_str()) {
        bail!("--format {format:?}: expected json, csv, xlsx or html");
    }
    if format == "xlsx" && out.is_none() {
        bail!("--format xlsx writes a workbook: give --out FILE.xlsx");
    }
    let store = open_or_create(store_args).await?;
    let rules = write_path::Rulebooks::load(store.as_ref()).await?;
    let records = store.features(LayerKind::OriginPoints).await?;
    let ledger = landtrace_app::origin_form::ledger_of(&records, rules.divisions(), week);
    let text: Vec<u8> = match format.as_str() {
        "csv" => landtrace_formats::ledger_pages::ledger_csv(&ledger).into_bytes(),
        "xlsx" => landtrace_formats::ledger_pages::ledger_xlsx(&ledger)?,
        "html" => landtrace_formats::ledger_pages::ledger_html(&ledger).into_bytes(),
        _ => format!("{}\n", serde_json::to_string_pretty(&ledger.to_json())?).into_bytes(),
    };
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("ledger {week} ({} to {}) written to {}", ledger.from, ledger.to, path.display());
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), &text)?,
    }
    Ok(())
}

/// `landtrace trace import`.
pub(crate) async fn trace_import(
    file: &Path,
    encoding: &str,
    dry_run: bool,
    crs: &str,
    actor: String,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    use landtrace_app::origin_form::{FormRefused, check_form};
    let encoding: CsvEncoding = encoding.parse().map_err(|e| anyhow::anyhow!("--encoding: {e}"))?;
    let crs = Crs::parse(crs)?;
    let bytes = input_file::read_bytes(file)?;
    let store = open_or_create(store_args).await?;
    let rules = write_path::Rulebooks::load(store.as_ref()).await?;
    let actor = Actor(actor);
    // The one write path: every row through the layer's rules, then one insert.
    let existing = store.features(LayerKind::OriginPoints).await?;
    let checked = match check_form(&bytes, encoding, crs, &rules, &actor, &existing) {
        Ok(form) if dry_run => Ok(form.report(&[], true, false)),
        Ok(form) => {
            let ids = store.insert(LayerKind::OriginPoints, form.features(), &actor).await?;
            Ok(form.report(&ids, false, false))
        }
        Err(refused) => Err(refused),
    };
    match checked {
        Ok(report) => {
            for row in &report.rows {
                let id = row.id.map(|id| format!("id {id}")).unwrap_or_else(|| "-".to_owned());
                let flag = if row.threshold.mandatory { "" } else { "  [not mandatory]" };
                println!("line {:<5} {:<10} {}  {}{flag}", row.line, id, row.subject_name, row.threshold.rule);
                for note in &row.notes {
                    println!("           note: {note}");
                }
            }
            eprintln!(
                "{} {} of {} rows from {} (read as {}); {} below the collection threshold{}",
                if report.dry_run { "checked" } else { "imported" },
                if report.dry_run { report.checked } else { report.imported },
                report.checked,
                file.display(),
                report.encoding,
                report.not_mandatory,
                if report.dry_run { "; nothing was written (dry run)" } else { "" }
            );
            Ok(())
        }
        Err(FormRefused::File(message)) => bail!("{}: {message}", file.display()),
        Err(FormRefused::Rows { encoding, checked, rows }) => {
            for row in &rows {
                for p in &row.problems {
                    eprintln!("line {}: {}: {}", row.line, p.field, p.message);
                }
            }
            bail!(
                "nothing was imported: {} of {checked} rows in {} (read as {encoding}) have problems (listed above)",
                rows.len(),
                file.display()
            )
        }
    }
}

/// The fields of `landtrace trace producers add`.
pub(crate) struct ProducerFields {
    pub(crate) name: String,
    pub(crate) subject_type: String,
    pub(crate) uscc: Option<String>,
    pub(crate) township: Option<String>,
    pub(crate) contact_name: Option<String>,
    pub(crate) contact_phone: Option<String>,
    pub(crate) for_market: Option<String>,
}

fn text(f: &landtrace_store::Feature, name: &str) -> String {
    f.properties.get(name).and_then(serde_json::Value::as_str).unwrap_or("").to_owned()
}

/// `landtrace trace producers list`.
pub(crate) async fn producers_list(store_args: &StoreArgs) -> anyhow::Result<()> {
    let store = open_or_create(store_args).await?;
    let producers = store.features(LayerKind::Producers).await?;
    let records = store.features(LayerKind::OriginPoints).await?;
    let records: Vec<&landtrace_store::Feature> = records.iter().collect();
    for p in &producers {
        let bases = landtrace_app::origin_producers::bases_of(&text(p, "producer_id"), &records);
        println!(
            "{:<6} {:<20} {:<8} {:<10} {}  ({} bases)",
            p.id,
            text(p, "producer_id"),
            text(p, "id_kind"),
            text(p, "subject_type"),
            text(p, "name"),
            bases.len()
        );
    }
    eprintln!("{} producers", producers.len());
    Ok(())
}

/// `landtrace trace producers add`: checked as the HTTP door checks it, stored through
/// the store's validated, audited insert.
pub(crate) async fn producer_add(fields: ProducerFields, actor: String, store_args: &StoreArgs) -> anyhow::Result<()> {
    use landtrace_app::origin_producers::{ProducerRefused, prepare_producer};
    let mut body = serde_json::Map::new();
    body.insert("name".into(), fields.name.into());
    body.insert("subject_type".into(), fields.subject_type.into());
    for (key, value) in [
        ("producer_id", fields.uscc),
        ("township", fields.township),
        ("contact_name", fields.contact_name),
        ("contact_phone", fields.contact_phone),
        ("for_market", fields.for_market),
    ] {
        if let Some(v) = value {
            body.insert(key.into(), v.into());
        }
    }
    let store = open_or_create(store_args).await?;
    let rules = write_path::Rulebooks::load(store.as_ref()).await?;
    let existing = store.features(LayerKind::Producers).await?;
    let existing: Vec<&landtrace_store::Feature> = existing.iter().collect();
    let actor = Actor(actor);
    let feature = match prepare_producer(&body, rules.divisions(), &actor, &existing, None) {
        Ok(f) => f,
        Err(ProducerRefused::Problems(problems)) => {
            for p in &problems {
                eprintln!("{}: {}", p.field, p.message);
            }
            bail!("the producer was not registered: {} problems (listed above)", problems.len())
        }
        Err(ProducerRefused::Exists { id, producer_id }) => {
            bail!("编号 {producer_id} 已登记为种养殖主体 {id}（producer {producer_id} is already registered as {id}）")
        }
    };
    let producer_id = feature.properties.get("producer_id").cloned().unwrap_or_default();
    let ids = store.insert(LayerKind::Producers, vec![feature], &actor).await?;
    println!("{} {}", ids.first().copied().unwrap_or_default(), producer_id.as_str().unwrap_or_default());
    Ok(())
}

/// `landtrace trace producers show`.
pub(crate) async fn producer_show(key: &str, json: bool, store_args: &StoreArgs) -> anyhow::Result<()> {
    use landtrace_app::origin_views::View;
    let store = open_or_create(store_args).await?;
    let rules = write_path::Rulebooks::load(store.as_ref()).await?;
    let producers = store.features(LayerKind::Producers).await?;
    let by_id = (key.len() < 15).then(|| key.parse::<i64>().ok()).flatten();
    let Some(producer) = producers.iter().find(|f| match by_id {
        Some(id) => f.id == id,
        None => text(f, "producer_id").eq_ignore_ascii_case(key.trim()),
    }) else {
        bail!("未登记的种养殖主体「{key}」（no producer {key:?}）");
    };
    let records = store.features(LayerKind::OriginPoints).await?;
    let records: Vec<&landtrace_store::Feature> = records.iter().collect();
    let cycles = landtrace_domain::traceability::UpdateCycles::bundled();
    let view = View {
        personal: true,
        divisions: rules.divisions(),
        cycles: &cycles,
        as_of: landtrace_app::clock::today_in_county(),
        thresholds: None,
    };
    let out = landtrace_app::origin_producers::producer_json(producer, &records, view);
    if json {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let p = &out["properties"];
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    println!("{} {}  {}  {}", s(&p["producer_id"]), s(&p["id_kind"]), s(&p["name"]), s(&p["subject_type"]));
    for base in out["bases"].as_array().into_iter().flatten() {
        let b = &base["properties"];
        let t = &b["threshold"];
        let flag = if t["mandatory"] == true { "须采集" } else { "非强制" };
        println!(
            "  base {:<6} {} {} {}  {flag}  {}",
            base["id"],
            s(&b["product"]),
            b["scale"],
            s(&b["scale_unit"]),
            s(&t["rule"])
        );
        if let Some(note) = t["note"].as_str() {
            println!("         {note}");
        }
    }
    eprintln!("{} bases", out["summary"]["bases"]);
    Ok(())
}
