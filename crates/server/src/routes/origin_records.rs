//! Agriculture staff: origin-point traceability records (临政办发〔2023〕19号).
//!
//! Reads are open to everyone, but contact names and phones (of the subject, the
//! grid officer and the collector) and the staff who wrote a record are returned
//! only to signed-in agriculture staff and admins. Writes need that role too.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use landtrace_domain::schema::layers::{
    INDUSTRIES, KEY_PRODUCTS, PRODUCT_VALUES, PRODUCTION_MODES, SCALE_UNITS, SUBJECT_TYPES,
};
use landtrace_domain::traceability::{IsoWeek, TRACE_MEANS};
use landtrace_domain::{Date, LayerKind};
use landtrace_formats::origin_csv::CsvEncoding;
use landtrace_spatial::Crs;
use landtrace_store::{Feature, StoreError};
use serde_json::{Map, Value, json};

use crate::auth::{current_user, may_see_personal, require_writer};
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use landtrace_app::origin_producers::{duplicate_answer, find_duplicate};
use landtrace_app::origin_views::thresholds_by_id;

use crate::origin_state::{
    DUE_TEXT_COLUMNS, FormRefused, ImportFailure, RecordFilter, View, divisions, due_report, due_table,
    import_origin_csv, parse_position, prepare_record, record_json, records, today_in_county,
};
use crate::state::AppState;

const KIND: LayerKind = LayerKind::OriginPoints;

fn as_of(params: &HashMap<String, String>) -> Result<Date, AppError> {
    match params.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(today_in_county()),
        Some(s) => Date::parse(s)
            .map_err(|e| AppError::BadRequest(format!("query parameter `as_of` = {s:?}: {e} (expected YYYY-MM-DD)"))),
    }
}

fn crs_of(value: Option<&str>) -> Result<Crs, AppError> {
    value.map_or(Ok(Crs::Wgs84), |s| Crs::parse(s).map_err(|e| AppError::BadRequest(e.to_string())))
}

/// `GET /api/trace/options`: the values the record form and filters offer.
pub async fn options(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let divisions = divisions(&state).await?;
    let townships: Vec<Value> =
        divisions.townships().map(|(code, name)| json!({ "code": code, "name": name })).collect();
    Ok(Json(json!({
        "products": PRODUCT_VALUES,
        "key_products": KEY_PRODUCTS,
        "subject_types": SUBJECT_TYPES,
        "industries": INDUSTRIES,
        "units": SCALE_UNITS,
        "production_modes": PRODUCTION_MODES,
        "trace_means": TRACE_MEANS,
        "townships": townships,
        "source": landtrace_domain::traceability::DOCUMENT,
    })))
}

fn view_parts(state: &AppState, headers: &HeaderMap) -> Result<bool, AppError> {
    let user = current_user(state, headers)?;
    Ok(may_see_personal(user.as_ref(), KIND))
}

fn filter_of(params: &HashMap<String, String>) -> Result<RecordFilter, AppError> {
    let get = |k: &str| params.get(k).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let product = get("product");
    if let Some(p) = &product
        && !PRODUCT_VALUES.contains(&p.as_str())
    {
        return Err(AppError::BadRequest(format!(
            "query parameter `product` = {p:?} is not one of: {}",
            PRODUCT_VALUES.join(", ")
        )));
    }
    let subject_type = get("subject_type");
    if let Some(t) = &subject_type
        && !SUBJECT_TYPES.contains(&t.as_str())
    {
        return Err(AppError::BadRequest(format!(
            "query parameter `subject_type` = {t:?} is not one of: {}",
            SUBJECT_TYPES.join(", ")
        )));
    }
    let overdue = match get("due").as_deref() {
        None | Some("all") => None,
        Some("overdue") => Some(true),
        Some("current") => Some(false),
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "query parameter `due` = {other:?} must be `overdue`, `current` or `all`"
            )));
        }
    };
    Ok(RecordFilter { product, township_code: get("township"), subject_type, overdue })
}

/// `GET /api/trace/records`: the records as GeoJSON, filtered.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let personal = view_parts(&state, &headers)?;
    let as_of = as_of(&params)?;
    let mut filter = filter_of(&params)?;
    let divisions = divisions(&state).await?;
    if let Some(t) = filter.township_code.take() {
        let resolved = divisions.resolve_township(&t).map_err(|e| AppError::BadRequest(e.message))?;
        filter.township_code = Some(resolved.code);
    }
    let cycles = &state.rules.cycles;
    let records = records(&state).await;
    // Each producer's bases weighed together (临政办发〔2023〕19号 五、(二), gazette line 2852).
    let thresholds = thresholds_by_id(records.iter().map(AsRef::as_ref));
    let view = View { personal, divisions: &divisions, cycles, as_of, thresholds: Some(&thresholds) };
    let total = records.len();
    let features: Vec<Value> =
        records.iter().filter(|f| filter.matches(f, cycles, as_of)).map(|f| record_json(f, view)).collect();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "as_of": as_of,
        "total": total,
        "matched": features.len(),
        "personal_fields": personal,
        "features": features,
    })))
}

async fn stored(state: &AppState, id: i64) -> Result<Feature, AppError> {
    let catalog = state.catalog.read().await;
    let found = catalog.layer(KIND).and_then(|l| l.get(id));
    found.map(|f| Feature::clone(f)).ok_or_else(|| AppError::NotFound(format!("no origin-point record with id {id}")))
}

/// `GET /api/trace/records/{id}`.
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let personal = view_parts(&state, &headers)?;
    let as_of = as_of(&params)?;
    let divisions = divisions(&state).await?;
    let f = stored(&state, id).await?;
    let records = records(&state).await;
    let thresholds = thresholds_by_id(records.iter().map(AsRef::as_ref));
    let view =
        View { personal, divisions: &divisions, cycles: &state.rules.cycles, as_of, thresholds: Some(&thresholds) };
    Ok(Json(record_json(&f, view)))
}

fn problems_response(problems: Vec<landtrace_domain::traceability::FieldProblem>) -> Response {
    let summary: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "error": format!("the record is invalid: {}", summary.join("; ")),
            "status": 400,
            "problems": problems,
        })),
    )
        .into_response()
}

fn body_object(body: &Bytes) -> Result<Map<String, Value>, AppError> {
    match crate::routes::land::json_body::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(AppError::BadRequest("the body must be a JSON object with the record's fields".into())),
        Err(e) => Err(e),
    }
}

/// `?merge=<id>`: the request confirms that it updates record `id`, which it repeats.
fn merge_of(params: &HashMap<String, String>) -> Result<Option<i64>, AppError> {
    match params.get("merge").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            AppError::BadRequest(format!("query parameter `merge` = {s:?} must be the id of the record to update"))
        }),
    }
}

async fn write(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    id: Option<i64>,
    merge: Option<i64>,
    key: &WriteKey,
) -> Result<Response, AppError> {
    let (_, actor) = require_writer(state, headers, KIND)?;
    let body = body_object(body)?;
    let crs = crs_of(body.get("crs").and_then(Value::as_str))?;
    // A confirmed merge updates the record it names through the same write.
    let id = id.or(merge);
    let previous = match id {
        Some(id) => Some(stored(state, id).await?),
        None => None,
    };
    let divisions = divisions(state).await?;
    let prepared = {
        let catalog = state.catalog.read().await;
        let position = parse_position(body.get("lon"), body.get("lat"), crs);
        let mut fields = body.clone();
        for k in ["lon", "lat", "crs"] {
            fields.remove(k);
        }
        prepare_record(&fields, position, &divisions, &catalog, &actor, previous.as_ref())
    };
    let prepared = match prepared {
        Ok(p) => p,
        Err(problems) => return Ok(problems_response(problems)),
    };
    // The producer it names must be in the register (the write path's rule).
    if let Some(problem) =
        crate::origin_state::rulebooks(state).await?.unregistered_producer(&prepared.feature.properties)
    {
        return Ok(problems_response(vec![problem]));
    }
    let feature = prepared.feature.clone();
    // The same producer, product and position submitted twice (issue 15): refused with
    // the record it repeats, unless the request confirms the merge into that record.
    // A request repeated with its idempotency key is answered from the first write instead.
    if !state.store.is_replay(&actor, key.get()).await? {
        let all = records(state).await;
        if let Some(target) = merge
            && find_duplicate(&feature, None, all.iter().map(AsRef::as_ref)).map(|f| f.id) != Some(target)
        {
            return Err(AppError::BadRequest(format!(
                "?merge={target}: 提交内容与记录 {target} 不是同一主体、同一产品、同一点位，不能合并（the submission does not repeat \
                 record {target}; use PUT /api/trace/records/{target} to replace it）"
            )));
        }
        if let Some(existing) = find_duplicate(&feature, id, all.iter().map(AsRef::as_ref)) {
            return Ok((StatusCode::CONFLICT, Json(duplicate_answer(existing))).into_response());
        }
    }
    let (status, id, replayed) = match id {
        None => {
            let out = state.insert_keyed(KIND, vec![feature.clone()], &actor, key.get()).await?;
            (StatusCode::CREATED, out.value.first().copied().unwrap_or_default(), out.replayed)
        }
        Some(id) => {
            let out = state.update_keyed(KIND, id, feature.clone(), &actor, key.get(), None).await?;
            (StatusCode::OK, id, out.replayed)
        }
    };
    // A replayed write answers with the record as stored (this request's
    // stamps were never written).
    let stored = if replayed {
        stored_or_gone(state, id).await?
    } else {
        tracing::info!(record = id, actor = %actor.0, "origin-point record written");
        Some(Feature { id, geometry: feature.geometry, properties: feature.properties })
    };
    let all = records(state).await;
    let thresholds = thresholds_by_id(all.iter().map(AsRef::as_ref));
    let view = View {
        personal: true,
        divisions: &divisions,
        cycles: &state.rules.cycles,
        as_of: today_in_county(),
        thresholds: Some(&thresholds),
    };
    let mut out = match &stored {
        Some(stored) => record_json(stored, view),
        None => json!({ "id": id, "deleted_since": true }),
    };
    out["notes"] = json!(prepared.checked.notes);
    if merge.is_some() {
        out["merged_into"] = json!(id);
    }
    Ok(mark_replayed((status, Json(out)).into_response(), replayed))
}

/// The stored record `id`, or None when it has been deleted since.
async fn stored_or_gone(state: &AppState, id: i64) -> Result<Option<Feature>, AppError> {
    match stored(state, id).await {
        Ok(f) => Ok(Some(f)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `POST /api/trace/records[?merge=<id>]`: a new record (agriculture staff, admins). A
/// record repeating a stored one (same producer, product and position within 10 m) is
/// refused with 409 naming it; `?merge=<id>` confirms that the submission updates it.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let merge = merge_of(&params)?;
    write(&state, &headers, &body, None, merge, &key).await
}

/// `PUT /api/trace/records/{id}`: replaces a record (its creation stamp is kept).
pub async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    write(&state, &headers, &body, Some(id), None, &key).await
}

/// `DELETE /api/trace/records/{id}`.
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    key: WriteKey,
) -> Result<Response, AppError> {
    let (_, actor) = require_writer(&state, &headers, KIND)?;
    match state.delete_keyed(KIND, id, &actor, key.get(), None).await {
        Ok(out) => Ok(mark_replayed(StatusCode::NO_CONTENT.into_response(), out.replayed)),
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(format!("no origin-point record with id {id}"))),
        Err(e) => Err(e.into()),
    }
}

/// `POST /api/trace/import?encoding=auto|utf-8|gbk&dry_run=true&crs=wgs84|gcj02`:
/// the collection-form spreadsheet as CSV; all or nothing.
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let (_, actor) = require_writer(&state, &headers, KIND)?;
    let encoding = match params.get("encoding").map(|s| s.to_ascii_lowercase()).as_deref() {
        None | Some("auto") => CsvEncoding::Auto,
        Some("utf-8" | "utf8") => CsvEncoding::Utf8,
        Some("gbk" | "gb18030" | "gb2312") => CsvEncoding::Gbk,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "query parameter `encoding` = {other:?} must be auto, utf-8 or gbk"
            )));
        }
    };
    let dry_run = match params.get("dry_run").map(String::as_str) {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!("query parameter `dry_run` = {other:?} must be true or false")));
        }
    };
    let crs = crs_of(params.get("crs").map(String::as_str))?;
    match import_origin_csv(&state, body, encoding, crs, dry_run, &actor, key.get()).await {
        Ok(report) => {
            tracing::info!(rows = report.imported, dry_run, actor = %actor.0, "origin-point spreadsheet imported");
            let status = if dry_run { StatusCode::OK } else { StatusCode::CREATED };
            let replayed = report.replayed;
            Ok(mark_replayed((status, Json(json!(report))).into_response(), replayed))
        }
        Err(ImportFailure::Refused(FormRefused::File(message))) => Err(AppError::BadRequest(message)),
        Err(ImportFailure::Refused(FormRefused::Rows { encoding, checked, rows })) => Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({
                "error": format!("{} of {checked} rows are invalid; nothing was imported", rows.len()),
                "status": 400,
                "encoding": encoding,
                "checked": checked,
                "rows": rows,
            })),
        )
            .into_response()),
        Err(ImportFailure::App(e)) => Err(e),
    }
}

/// `GET /api/trace/due?as_of=YYYY-MM-DD[&format=json|csv|xlsx]`: overdue records by
/// township (csv and xlsx: one row per overdue record).
pub async fn due(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    // The spreadsheets carry contact names and phones for those who may see them.
    let contacts = view_parts(&state, &headers)?;
    let as_of = as_of(&params)?;
    let format = params.get("format").map_or("json", |f| f.trim());
    if !matches!(format, "json" | "csv" | "xlsx") {
        let format = landtrace_domain::input_limits::echo(format);
        return Err(AppError::BadRequest(format!("query parameter `format` = {format:?} must be json, csv or xlsx")));
    }
    let divisions = divisions(&state).await?;
    let records = records(&state).await;
    let report = due_report(&records, &divisions, &state.rules.cycles, as_of);
    let file = format!("due-{as_of}");
    let table = move |report: &Value| {
        let mut table = due_table(report);
        if contacts {
            landtrace_app::origin_views::with_contacts(&mut table, &records);
        }
        table
    };
    Ok(match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.csv\"")),
            ],
            table(&report).to_csv(),
        )
            .into_response(),
        "xlsx" => {
            let bytes = state
                .cpu
                .run(move || table(&report).to_xlsx("逾期未更新", DUE_TEXT_COLUMNS))
                .await?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            (
                [
                    (header::CONTENT_TYPE, landtrace_formats::XLSX_CONTENT_TYPE.to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.xlsx\"")),
                ],
                bytes,
            )
                .into_response()
        }
        _ => Json(report).into_response(),
    })
}

/// `GET /api/trace/ledger?week=2023-W24&format=json|csv|xlsx|html`: the weekly
/// dispatch ledger (每周调度台账); without `week`, the last complete week
/// ([`IsoWeek::last_complete`], the one reported on Tuesday).
pub async fn ledger(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let week = match params.get("week").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(w) => IsoWeek::parse(w).map_err(|e| AppError::BadRequest(format!("query parameter `week`: {e}")))?,
        None => IsoWeek::last_complete(today_in_county()),
    };
    let ledger = crate::origin_state::build_ledger(&state, week).await?;
    let file = format!("ledger-{week}");
    match params.get("format").map(String::as_str) {
        None | Some("json") => Ok(Json(ledger.to_json()).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.csv\"")),
            ],
            landtrace_formats::ledger_pages::ledger_csv(&ledger),
        )
            .into_response()),
        Some("xlsx") => {
            let bytes = state
                .cpu
                .run(move || landtrace_formats::ledger_pages::ledger_xlsx(&ledger))
                .await?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, landtrace_formats::XLSX_CONTENT_TYPE.to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.xlsx\"")),
                ],
                bytes,
            )
                .into_response())
        }
        Some("html") => Ok((
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            landtrace_formats::ledger_pages::ledger_html(&ledger),
        )
            .into_response()),
        Some(other) => {
            Err(AppError::BadRequest(format!("query parameter `format` = {other:?} must be json, csv, xlsx or html")))
        }
    }
}
