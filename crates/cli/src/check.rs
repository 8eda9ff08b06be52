//! `landtrace check track` and `landtrace check valuation`: the GPS-track and
//! land-valuation use cases of `landtrace-app` for files, with reports.

use std::path::Path;

use anyhow::{Context, bail};
use landtrace_app::catalog::Catalog;
use landtrace_app::land_valuation::{
    AppraisalRequest, VALUATION_SHEET, VALUATION_TEXT_COLUMNS, batch_crs, report_geojson, report_table, value_row,
};
use landtrace_domain::land::appraisal::{AppraisalInput, parse_factor_grades};
use landtrace_domain::{Date, LayerKind, UseRequest};
use landtrace_formats::read_parcel_file;
use landtrace_spatial::Crs;

use crate::input_file;
use crate::store_args::{StoreArgs, open_or_create};

/// `landtrace check track`.
pub(crate) async fn check_track(
    file: &Path,
    format: Option<&str>,
    crs: &str,
    max_gap_s: u64,
    out: Option<&Path>,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    use landtrace_track::TrackFormat;
    let crs = Crs::parse(crs)?;
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let format = match format {
        Some(f) => {
            TrackFormat::from_extension(f).with_context(|| format!("--format {f:?} is not csv, gpx or geojson"))?
        }
        None => TrackFormat::from_extension(ext)
            .with_context(|| format!("cannot tell the format of {}; give --format csv|gpx|geojson", file.display()))?,
    };
    let store = open_or_create(store_args).await?;
    let mut catalog = Catalog::default();
    catalog.replace_layer(LayerKind::TruckBanZone, store.features(LayerKind::TruckBanZone).await?);
    let (zone, illustrative) = landtrace_app::gps_track::ban_zone_geometry(&catalog);
    if zone.0.is_empty() {
        bail!("the store holds no truck-ban zone");
    }
    let options =
        landtrace_track::CheckOptions::with_max_gap_secs(max_gap_s).map_err(|e| anyhow::anyhow!("--max-gap-s: {e}"))?;
    let report = if format == TrackFormat::GeoJson {
        let text = input_file::read_text(file)?;
        landtrace_app::gps_track::check_track(&zone, format, std::io::empty(), Some(&text), crs, options)
    } else {
        let opened = input_file::open(file)?;
        landtrace_app::gps_track::check_track(&zone, format, std::io::BufReader::new(opened), None, crs, options)
    };
    println!(
        "{:<4} {:<25} {:<25} {:>10} {:>10}",
        "#", "entry (unix time, s)", "exit (unix time, s)", "metres", "seconds"
    );
    for (i, v) in report.intervals.iter().enumerate() {
        let when = |ms: i64| format!("{}", ms / 1000);
        println!(
            "{:<4} {:<25} {:<25} {:>10.1} {:>10.1}",
            i + 1,
            when(v.entry.t_ms),
            when(v.exit.t_ms),
            v.distance_m,
            v.duration_ms as f64 / 1000.0
        );
    }
    eprintln!(
        "{} fixes; {} violation intervals, {:.0} m and {:.0} s inside the zone during ban hours; {} gaps; {} problems{}",
        report.fixes,
        report.intervals.len(),
        report.total_violation_m,
        report.total_violation_s(),
        report.gaps.len(),
        report.problems.len() + report.problems_omitted,
        if illustrative { " (the zone is illustrative demo data)" } else { "" }
    );
    for p in report.problems.iter().take(20) {
        eprintln!("  {}", serde_json::to_value(p).map(|v| v.to_string()).unwrap_or_default());
    }
    if let Some(path) = out {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The appraisal options of `landtrace check valuation`.
#[derive(Debug, Default)]
pub(crate) struct AppraisalArgs {
    /// A JSON file, `illustrative` or `none`.
    pub(crate) corrections: Option<String>,
    /// Remaining term, years.
    pub(crate) remaining_term: Option<f64>,
    /// 容积率.
    pub(crate) plot_ratio: Option<f64>,
    /// `因素=等级;…`.
    pub(crate) factors: Option<String>,
}

impl AppraisalArgs {
    /// The appraisal asked for, if any option is given (the tables read and checked).
    fn request(&self) -> anyhow::Result<Option<AppraisalRequest>> {
        let AppraisalArgs { corrections, remaining_term, plot_ratio, factors } = self;
        if corrections.is_none() && remaining_term.is_none() && plot_ratio.is_none() && factors.is_none() {
            return Ok(None);
        }
        let spec = match corrections.as_deref() {
            None => Some("none".to_owned()),
            Some(s @ ("none" | "illustrative")) => Some(s.to_owned()),
            Some(path) => {
                Some(input_file::read_text(Path::new(path)).with_context(|| format!("--corrections {path}"))?)
            }
        };
        let tables =
            AppraisalRequest::tables_from(spec.as_deref(), None).map_err(|e| anyhow::anyhow!("--corrections: {e}"))?;
        let factors =
            factors.as_deref().map(parse_factor_grades).transpose().map_err(|e| anyhow::anyhow!("--factors: {e}"))?;
        let input = AppraisalInput {
            remaining_term_years: *remaining_term,
            plot_ratio: *plot_ratio,
            factors: factors.unwrap_or_default(),
        };
        AppraisalRequest::new(input, tables).map(Some).map_err(anyhow::Error::msg)
    }
}

/// `landtrace check valuation`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn check_valuation(
    file: &Path,
    land_use: &str,
    collective_use: Option<&str>,
    as_of: Option<&str>,
    crs: Option<&str>,
    out: Option<&Path>,
    appraisal: &AppraisalArgs,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    let uses = UseRequest::parse(land_use, collective_use)?;
    let as_of = as_of.map(Date::parse).transpose().context("--as-of")?;
    let appraisal = appraisal.request()?;
    if let Some(a) = &appraisal {
        match &a.tables {
            None => eprintln!("appraisal: {}", landtrace_domain::land::appraisal::BENCHMARK_ONLY),
            Some(t) if t.is_illustrative() => eprintln!("appraisal: illustrative correction tables ({})", t.source),
            Some(t) => eprintln!("appraisal: correction tables of {}", t.source),
        }
    }
    // Checked before the file is read (an EPSG code is left to the file, which may
    // name it); a coordinate file may still refuse it.
    if let Some(name) = crs
        && let Err(e) = Crs::parse(name)
        && !looks_like_epsg(name)
    {
        bail!("--crs: {e}");
    }
    let bytes = input_file::read_bytes(file)?;
    let parcels = read_parcel_file(&file.to_string_lossy(), &bytes)
        .with_context(|| format!("reading parcels from {}", file.display()))?;
    let crs = batch_crs(&parcels, crs).map_err(|e| anyhow::anyhow!("--crs: {e}"))?;
    if let Some((_, description)) = &parcels.own_crs {
        eprintln!("{}: a land approval coordinate file in {description}", file.display());
    }
    for note in &parcels.notes {
        eprintln!("  assumed: {note}");
    }
    let rows = parcels.rows;
    if rows.is_empty() {
        bail!("{} holds no parcels", file.display());
    }
    let store = open_or_create(store_args).await?;
    let mut catalog = Catalog::default();
    for kind in [LayerKind::CountyBoundaries, LayerKind::UrbanGradeZones, LayerKind::CollectiveGradeZones] {
        catalog.replace_layer(kind, store.features(kind).await?);
    }
    let bar = indicatif::ProgressBar::new(rows.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} parcels, {per_sec}, eta {eta}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message("valuing");
    let results: Vec<_> = rows
        .into_iter()
        .map(|row| {
            let r = value_row(&catalog, row, crs, &uses, as_of, appraisal.as_ref());
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let failed = results.iter().filter(|r| r.result.is_err()).count();
    match out {
        Some(path) if path.extension().is_some_and(|e| e == "geojson" || e == "json") => {
            std::fs::write(path, serde_json::to_string_pretty(&report_geojson(&results))?)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Some(path) if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) => {
            std::fs::write(path, report_table(&results).to_xlsx(VALUATION_SHEET, VALUATION_TEXT_COLUMNS)?)
                .with_context(|| format!("writing {}", path.display()))?
        }
        Some(path) => std::fs::write(path, report_table(&results).to_csv())
            .with_context(|| format!("writing {}", path.display()))?,
        None => print!("{}", report_table(&results).to_csv()),
    }
    eprintln!(
        "valued {} of {} parcels; {failed} could not be valued (see their rows){}",
        results.len() - failed,
        results.len(),
        out.map(|p| format!("; report: {}", p.display())).unwrap_or_default()
    );
    Ok(())
}

/// `EPSG:4546` or `4546`: a code only a file that names it may be given (see
/// `landtrace_app::land_valuation::batch_crs`).
fn looks_like_epsg(name: &str) -> bool {
    let name = name.trim();
    let code = name.get(..5).filter(|p| p.eq_ignore_ascii_case("EPSG:")).map_or(name, |_| &name[5..]);
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())
}
