//! `landtrace report households` (the household register of the expropriation
//! projects with each household's compensation computed line by line) and
//! `landtrace report progress` (signed / not signed / decision made per project).
//! Households are written with `landtrace import --layer expropriation_households`
//! (the one write path: rules, one transaction, audit).

use std::path::Path;

use anyhow::{Context, bail};
use landtrace_app::clock::today_in_county;
use landtrace_app::expropriation_register::{decision_filter, households, progress_report, progress_table};
use landtrace_domain::Date;

use crate::store_args::{StoreArgs, open_or_create};

fn write_out(out: Option<&Path>, bytes: &[u8], what: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("{what} written to {}", path.display());
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), bytes)?,
    }
    Ok(())
}

/// `landtrace report households`.
pub(crate) async fn report_households(
    decision_no: Option<&str>,
    as_of: Option<&str>,
    out: Option<&Path>,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    let decision_no = decision_filter(decision_no).map_err(|e| anyhow::anyhow!("--decision-no: {e}"))?;
    let as_of = match as_of {
        Some(t) => Date::parse(t).map_err(|e| anyhow::anyhow!("--as-of {t:?}: {e}"))?,
        None => today_in_county(),
    };
    let store = open_or_create(store_args).await?;
    let rows = households(store.as_ref(), decision_no, as_of).await?;
    let answer = serde_json::json!({"as_of": as_of.to_string(), "decision_no": decision_no, "count": rows.len(), "households": rows});
    write_out(out, format!("{}\n", serde_json::to_string_pretty(&answer)?).as_bytes(), "household register")
}

/// `landtrace report progress`.
pub(crate) async fn report_progress(
    format: Option<&str>,
    out: Option<&Path>,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    let format = match format {
        Some(f) => f.to_ascii_lowercase(),
        None => out
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .filter(|e| ["json", "csv", "xlsx"].contains(&e.as_str()))
            .unwrap_or_else(|| "json".to_owned()),
    };
    if !["json", "csv", "xlsx"].contains(&format.as_str()) {
        bail!("--format {format:?}: expected json, csv or xlsx");
    }
    if format == "xlsx" && out.is_none() {
        bail!("--format xlsx writes a workbook: give --out FILE.xlsx");
    }
    let store = open_or_create(store_args).await?;
    let report = progress_report(store.as_ref()).await?;
    let bytes = match format.as_str() {
        "csv" => progress_table(&report).to_csv().into_bytes(),
        "xlsx" => progress_table(&report).to_xlsx("征收进度", &["决定文号 (decision_no)"])?,
        _ => format!("{}\n", serde_json::to_string_pretty(&serde_json::json!({"progress": report}))?).into_bytes(),
    };
    write_out(out, &bytes, "expropriation progress")
}
