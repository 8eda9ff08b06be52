//! The household register (被征收户) of the expropriation projects for the
//! housing bureau, and the progress per project.
//!
//! - `GET /api/expropriation/households[?decision_no][&as_of]`: every household
//!   with its compensation computed line by line (bonus from the actual dates) and
//!   its objection and appeal periods; for the housing role and admins only (401
//!   anonymous, 403 another role): names and ID numbers are personal.
//! - `GET /api/expropriation/households/{id}[?as_of]`: one household.
//! - `GET /api/expropriation/progress[?format=json|csv|xlsx]`: signed / not signed /
//!   decision made per project: counts only, for anyone (the map shows them).
//!
//! Households are written through the layer write path
//! (`POST/PUT/DELETE /api/layers/expropriation_households/features…`): owning role,
//! validation (`landtrace_domain::expropriation::households`), one transaction, audit.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use landtrace_app::clock::today_in_county;
use landtrace_app::expropriation_register::{
    RegisterError, decision_filter, household_json, households, progress_report, progress_table,
};
use landtrace_app::users::owns;
use landtrace_domain::{Date, LayerKind};
use serde_json::{Value, json};

use crate::auth::require_user;
use crate::error::AppError;
use crate::state::AppState;

fn register_error(e: RegisterError) -> AppError {
    match e {
        RegisterError::Store(e) => e.into(),
        other => AppError::BadRequest(other.to_string()),
    }
}

fn as_of(q: &HashMap<String, String>) -> Result<Date, AppError> {
    match q.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(today_in_county()),
        Some(t) => Date::parse(t).map_err(|e| AppError::BadRequest(format!("query parameter `as_of`: {e}"))),
    }
}

/// 401 without a token, 403 for a role that does not own the register. Every read
/// is logged with the reader's role (no household data in the log line); writes are audited
/// by the write path.
fn require_housing(state: &AppState, headers: &HeaderMap, what: &str) -> Result<(), AppError> {
    let kind = LayerKind::ExpropriationHouseholds;
    let (user, _) = require_user(state, headers, "the household register (被征收户登记)")?;
    if owns(user.role, kind) {
        tracing::info!(role = %user.role, read = what, "household register read");
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "被征收户登记仅限住建部门（housing）查看 / the household register is for the housing role; {} may not read it",
            user.role
        )))
    }
}

/// `GET /api/expropriation/households`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    require_housing(&state, &headers, "list")?;
    let decision_no = decision_filter(q.get("decision_no").map(String::as_str)).map_err(register_error)?;
    let as_of = as_of(&q)?;
    let rows = households(state.store.as_ref(), decision_no, as_of).await.map_err(register_error)?;
    Ok(Json(json!({
        "layer": LayerKind::ExpropriationHouseholds.table_name(),
        "as_of": as_of.to_string(),
        "decision_no": decision_no,
        "count": rows.len(),
        "households": rows,
    })))
}

/// `GET /api/expropriation/households/{id}`.
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    require_housing(&state, &headers, "one household")?;
    let as_of = as_of(&q)?;
    let features = state.store.features(LayerKind::ExpropriationHouseholds).await?;
    let f = features
        .iter()
        .find(|f| f.id == id)
        .ok_or_else(|| AppError::NotFound(format!("被征收户 {id} 不存在 / no household {id}")))?;
    let mut answer = household_json(f, as_of);
    answer["as_of"] = json!(as_of.to_string());
    Ok(Json(answer))
}

/// `GET /api/expropriation/progress`.
pub async fn progress(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let report = progress_report(state.store.as_ref()).await.map_err(register_error)?;
    match q.get("format").map(String::as_str) {
        None | Some("json") => Ok(Json(json!({
            "progress": report,
            "note": "仅含户数统计，不含个人信息 / counts only, no personal data",
        }))
        .into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"expropriation-progress.csv\"".to_owned()),
            ],
            progress_table(&report).to_csv(),
        )
            .into_response()),
        Some("xlsx") => {
            let bytes = progress_table(&report)
                .to_xlsx("征收进度", &["决定文号 (decision_no)"])
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok((
                [
                    (header::CONTENT_TYPE, landtrace_formats::XLSX_CONTENT_TYPE.to_owned()),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"expropriation-progress.xlsx\"".to_owned()),
                ],
                bytes,
            )
                .into_response())
        }
        Some(other) => {
            Err(AppError::BadRequest(format!("query parameter `format` = {other:?} must be json, csv or xlsx")))
        }
    }
}
