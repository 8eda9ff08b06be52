//! `landtrace trace import` (the collection-form spreadsheet, through the one
//! write path) and `landtrace report ledger` (the weekly dispatch ledger).

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
    let checked = match check_form(&bytes, encoding, crs, &rules, &actor) {
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
