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

/// The vehicle options of `landtrace check track` (the inputs of the point check).
#[derive(Debug, Default)]
pub(crate) struct TrackVehicleArgs {
    /// The vehicle, JSON as `vehicle` of `POST /api/truck-ban/check`.
    pub(crate) vehicle: Option<String>,
    /// The vehicle's pass, JSON as `pass` of `POST /api/truck-ban/check`.
    pub(crate) pass: Option<String>,
    /// The track is inside the pass's named area or route.
    pub(crate) inside_pass_area: bool,
    /// Who checks (recorded with the check's summary).
    pub(crate) actor: String,
}

/// `landtrace check track`: the track judged for the vehicle by the same use case as
/// `POST /api/truck-ban/track` ([`landtrace_app::gps_track::judge_track`]); a track
/// without a usable fix is an error (exit code 1), never a clean result.
pub(crate) async fn check_track(
    file: &Path,
    format: Option<&str>,
    crs: &str,
    max_gap_s: u64,
    out: Option<&Path>,
    vehicle_args: &TrackVehicleArgs,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    use landtrace_app::gps_track::{
        CheckDoor, TRACK_SHEET, TRACK_TEXT_COLUMNS, TrackZones, judge_track, record_check, track_html, track_table,
        track_vehicle, with_registry_passes,
    };
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
    let out_format = match out {
        None => None,
        Some(path) => match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some(e @ ("json" | "csv" | "xlsx" | "html")) => Some(e.to_owned()),
            _ => bail!("--out {}: the report is written as .json, .csv, .xlsx or .html", path.display()),
        },
    };
    let inside = vehicle_args.inside_pass_area.then_some("true");
    let mut vehicle = track_vehicle(vehicle_args.vehicle.as_deref(), vehicle_args.pass.as_deref(), inside)
        .map_err(|e| anyhow::anyhow!(e))?;
    let options =
        landtrace_track::CheckOptions::with_max_gap_secs(max_gap_s).map_err(|e| anyhow::anyhow!("--max-gap-s: {e}"))?;
    let store = open_or_create(store_args).await?;
    let pass_records = with_registry_passes(store.as_ref(), &mut vehicle).await?;
    let mut catalog = Catalog::default();
    for layer in [LayerKind::TruckBanZone, LayerKind::TruckBanRoads] {
        catalog.replace_layer(layer, store.features(layer).await?);
    }
    let zones = TrackZones::from_catalog(&catalog);
    if zones.zone.0.is_empty() {
        bail!("the store holds no truck-ban zone");
    }
    let judged = if format == TrackFormat::GeoJson {
        let text = input_file::read_text(file)?;
        judge_track(&zones, format, std::io::empty(), Some(&text), crs, options, &vehicle)
    } else {
        let opened = input_file::open(file)?;
        judge_track(&zones, format, std::io::BufReader::new(opened), None, crs, options, &vehicle)
    };
    let mut answer = judged.map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    answer["pass_records"] = serde_json::json!(pass_records);
    match record_check(store.as_ref(), &mut answer, &vehicle_args.actor, CheckDoor::Cli).await {
        Ok(id) => eprintln!("recorded as track check {id} (summary only: time, plate, violations)"),
        Err(e) => {
            eprintln!("warning: the check's summary was not recorded: {e}");
            answer["stored"] = serde_json::json!(false);
        }
    }
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    println!("{}", text(&answer["headline"]["zh"]));
    println!("{:<4} {:<21} {:<21} {:>10} {:>10}  decision", "#", "进入 entry", "驶出 exit", "metres", "seconds");
    let stays = answer["in_zone_during_ban_hours"].as_array().cloned().unwrap_or_default();
    for (i, v) in stays.iter().enumerate() {
        println!(
            "{:<4} {:<21} {:<21} {:>10.1} {:>10.1}  {} {}",
            i + 1,
            text(&v["entry"]["local"]),
            text(&v["exit"]["local"]),
            v["distance_m"].as_f64().unwrap_or_default(),
            v["duration_ms"].as_f64().unwrap_or_default() / 1000.0,
            if v["banned"].as_bool() == Some(true) { "违规 banned" } else { "允许 allowed" },
            text(&v["decision"]["clause"]),
        );
    }
    for v in answer["section_intervals"].as_array().into_iter().flatten() {
        println!(
            "禁行路段 {}: {} – {} 违规 banned",
            text(&v["section"]["name"]),
            text(&v["entry"]["local"]),
            text(&v["exit"]["local"])
        );
    }
    for a in answer["assumptions"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(answer["warnings"].as_array().into_iter().flatten())
    {
        eprintln!("{}", text(&a["zh"]));
    }
    eprintln!(
        "{} fixes; {} violation intervals; {} problems{}",
        answer["fixes"],
        answer["intervals"].as_array().map_or(0, Vec::len),
        answer["problems"].as_array().map_or(0, Vec::len),
        if zones.illustrative { " (the zone is illustrative demo data / 禁行区域为示意数据)" } else { "" }
    );
    if let (Some(path), Some(kind)) = (out, out_format) {
        let bytes = match kind.as_str() {
            "csv" => track_table(&answer).to_csv().into_bytes(),
            "xlsx" => track_table(&answer).to_xlsx(TRACK_SHEET, TRACK_TEXT_COLUMNS)?,
            "html" => track_html(&answer).into_bytes(),
            _ => serde_json::to_vec_pretty(&answer)?,
        };
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
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
