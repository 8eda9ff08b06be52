//! Origin-point traceability records (临政办发〔2023〕19号): the checks, listings,
//! due report, weekly ledger and spreadsheet import shared by the HTTP routes and
//! the command line.
//!
//! The rules themselves live in `landtrace_domain::traceability`, their checks of a write
//! in `landtrace_app` (the one write path); this module brings them together with
//! the server's state (cached division names, the catalogue, the CPU pool).

use std::sync::Arc;

use axum::body::Bytes;
use landtrace_app::Rulebooks;
use landtrace_app::origin_records::divisions_from;
use landtrace_domain::LayerKind;
use landtrace_domain::traceability::{Divisions, IsoWeek, Ledger};
use landtrace_formats::origin_csv::CsvEncoding;
use landtrace_spatial::Crs;
use landtrace_store::{Actor, Feature, IdempotencyKey, NewFeature};

use crate::error::AppError;
use crate::state::AppState;

const KIND: LayerKind = LayerKind::OriginPoints;

pub use landtrace_app::clock::{now_rfc3339, today_in_county};
pub use landtrace_app::origin_form::{FormRefused, ImportReport, ImportedRow, RejectedRow, check_form, ledger_of};
pub use landtrace_app::origin_records::{PreparedRecord, inside_county, parse_position, prepare_record};
pub use landtrace_app::origin_views::{
    DUE_TEXT_COLUMNS, OverdueRecord, RecordFilter, View, due_of, due_report, due_table, last_update, record_json,
    threshold_of,
};

/// The official townships and villages (from the store's `townships` and
/// `villages` layers) with the gazette's OCR variants; built once and kept until
/// either layer changes.
pub async fn divisions(state: &AppState) -> Result<Arc<Divisions>, AppError> {
    if let Some(d) = state.divisions.read().await.as_ref() {
        return Ok(Arc::clone(d));
    }
    let townships = state.store.features(LayerKind::Townships).await?;
    let villages = state.store.features(LayerKind::Villages).await?;
    let built = Arc::new(
        divisions_from(townships.iter().map(|f| &f.properties), villages.iter().map(|f| &f.properties))
            .map_err(AppError::Internal)?,
    );
    *state.divisions.write().await = Some(Arc::clone(&built));
    Ok(built)
}

/// Every origin-point record, from the in-memory catalogue (kept in step with
/// the store), ordered by id.
pub async fn records(state: &AppState) -> Vec<Arc<Feature>> {
    state.catalog.read().await.layer(KIND).map(crate::catalog::LayerFeatures::all).unwrap_or_default()
}

/// The rulebooks of the one write path ([`Rulebooks`]), from the server's cached
/// divisions and a copy of the county boundary.
pub async fn rulebooks(state: &AppState) -> Result<Rulebooks, AppError> {
    let divisions = divisions(state).await?;
    let boundary = state.catalog.read().await.subset(&[LayerKind::CountyBoundaries]);
    let producers = state.store.features(LayerKind::Producers).await?;
    Ok(Rulebooks::new(divisions, boundary).with_producers(&producers))
}

/// The rulebooks for a write of new features by `actor` with idempotency key `key`:
/// with the stored origin-point records, so that a record repeating one is refused
/// (issue 15), unless the request replays one already answered (the store then
/// answers it from the first write, which must not count as its own duplicate).
pub async fn write_rulebooks(
    state: &AppState,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
) -> Result<Rulebooks, AppError> {
    let rules = rulebooks(state).await?;
    if state.store.is_replay(actor, key).await? {
        return Ok(rules);
    }
    Ok(rules.with_records(records(state).await))
}

/// Runs the rulebook of `kind` (the one write path, [`Rulebooks::check_new`])
/// over new features; all of them or none. In `slot`, a worker of the CPU pool
/// the caller holds for a large import, or in place for a few features.
pub async fn check_new_features(
    state: &AppState,
    slot: Option<&crate::cpu::CpuSlot>,
    kind: LayerKind,
    features: Vec<NewFeature>,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
) -> Result<Vec<NewFeature>, AppError> {
    if !Rulebooks::has_rules(kind) {
        return Ok(features);
    }
    let rules = write_rulebooks(state, actor, key).await?;
    match slot {
        Some(slot) => {
            let actor = actor.clone();
            Ok(slot.run(move || rules.check_new(kind, features, &actor)).await??)
        }
        None => Ok(rules.check_new(kind, features, actor)?),
    }
}

/// The weekly dispatch ledger from the stored records.
pub async fn build_ledger(state: &AppState, week: IsoWeek) -> Result<Ledger, AppError> {
    let divisions = divisions(state).await?;
    let records = records(state).await;
    Ok(ledger_of(records.iter().map(|f| &**f), &divisions, week))
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportFailure {
    /// The form was refused (its file or some rows).
    Refused(FormRefused),
    /// The store failed.
    App(AppError),
}

impl From<AppError> for ImportFailure {
    fn from(e: AppError) -> Self {
        ImportFailure::App(e)
    }
}

/// Imports the collection-form spreadsheet (CSV, UTF-8 or GBK): every row is
/// checked ([`check_form`]); if any row fails nothing is stored and every failing
/// row is reported.
///
/// Decoding and checking the rows is CPU work: it runs in a worker of the CPU
/// pool ([`crate::cpu`]), which stays taken until the rows are stored.
pub async fn import_origin_csv(
    state: &AppState,
    bytes: Bytes,
    encoding: CsvEncoding,
    crs: Crs,
    dry_run: bool,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
) -> Result<ImportReport, ImportFailure> {
    let rules = rulebooks(state).await?;
    let slot = state.cpu.slot().await;
    let checker = actor.clone();
    let existing: Vec<Feature> = records(state).await.iter().map(|f| Feature::clone(f)).collect();
    let form = slot
        .run(move || check_form(&bytes, encoding, crs, &rules, &checker, &existing))
        .await?
        .map_err(ImportFailure::Refused)?;
    let report = if dry_run {
        form.report(&[], true, false)
    } else {
        let out = state.insert_keyed(KIND, form.features(), actor, key).await.map_err(AppError::from)?;
        form.report(&out.value, false, out.replayed)
    };
    drop(slot);
    Ok(report)
}
