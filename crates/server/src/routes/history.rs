//! The audit trail as history over HTTP: `GET /api/audit` (admins), restoring a
//! feature to an earlier version (`POST /api/layers/{layer}/features/{id}/restore`),
//! and the zone layers as they were for `/api/locate?as_of=` (rebuilt by
//! `landtrace_app::history`, the last few kept).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use landtrace_app::history::{AsOf, ZonesAsOf, zones_as_of};
use landtrace_app::users::Role;
use landtrace_domain::units::instant::{Instant, parse_rfc3339};
use landtrace_domain::{Date, LayerKind};
use landtrace_store::geojson_io::feature_from_geojson;
use landtrace_store::{HistoryQuery, NewFeature, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{require_user, require_writer};
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use crate::query::ApiQuery;
use crate::routes::layers::parse_layer;
use crate::state::AppState;

/// Rows per page of `GET /api/audit` when `limit` is not given, and the most.
const DEFAULT_AUDIT_PAGE: u32 = 100;
const MAX_AUDIT_PAGE: u32 = 1000;

/// The parameters of `GET /api/audit`.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    /// A layer's table name.
    pub layer: Option<String>,
    /// A feature id.
    pub fid: Option<String>,
    /// From this date (its start in Asia/Shanghai) or RFC 3339 instant.
    pub since: Option<String>,
    /// Up to this date (its end in Asia/Shanghai) or RFC 3339 instant.
    pub until: Option<String>,
    /// Rows after this audit id (the `next` page).
    pub after_id: Option<String>,
    /// Rows per page, 1-1000 (default 100).
    pub limit: Option<String>,
}

/// `GET /api/audit`: the audit trail, oldest first, for admins only (401 without
/// a token, 403 for another role). Rows hold the feature before and after each
/// write with every field, personal ones too: that is why only admins read it.
/// `next` is the URL of the next page (the same query with `after_id`), or null
/// after the last row.
pub async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, AppError> {
    let (user, _) = require_user(&state, &headers, "reading the audit trail")?;
    if user.role != Role::Admin {
        return Err(AppError::Forbidden(format!(
            "the audit trail is for admins; the role {} may not read it",
            user.role
        )));
    }
    let layer = q.layer.as_deref().filter(|t| !t.trim().is_empty()).map(|t| parse_layer(t.trim())).transpose()?;
    let limit =
        match q.limit.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_AUDIT_PAGE,
            Some(t) => t.parse::<u32>().ok().filter(|n| (1..=MAX_AUDIT_PAGE).contains(n)).ok_or_else(|| {
                AppError::BadRequest(format!("limit must be a whole number from 1 to {MAX_AUDIT_PAGE}"))
            })?,
        };
    let query = HistoryQuery {
        layer,
        fid: integer(q.fid.as_deref(), "fid")?,
        since: instant(q.since.as_deref(), "since", Bound::Start)?,
        until: instant(q.until.as_deref(), "until", Bound::End)?,
        after_id: integer(q.after_id.as_deref(), "after_id")?,
        limit,
    };
    let rows = state.store.history(&query).await?;
    let next = match rows.last() {
        Some(last) if rows.len() == limit as usize => {
            let mut params: Vec<&str> =
                uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty() && !p.starts_with("after_id=")).collect();
            let after = format!("after_id={}", last.id);
            params.push(&after);
            Value::String(format!("/api/audit?{}", params.join("&")))
        }
        _ => Value::Null,
    };
    let records: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id, "at": r.at, "actor": r.actor, "layer": r.layer, "fid": r.fid,
                "action": r.action, "before": r.before, "after": r.after,
            })
        })
        .collect();
    Ok(Json(json!({ "records": records, "next": next })))
}

/// Which end of a day a date stands for in a time window.
#[derive(Clone, Copy)]
enum Bound {
    Start,
    End,
}

/// An optional instant: a date (the start or end of that county day) or RFC 3339.
fn instant(text: Option<&str>, name: &str, bound: Bound) -> Result<Option<Instant>, AppError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    let bad = |e: String| {
        AppError::BadRequest(format!("{name} must be a date (2023-05-01, Asia/Shanghai) or an RFC 3339 date-time: {e}"))
    };
    if text.len() == 10
        && let Ok(day) = Date::parse(text)
    {
        return match bound {
            Bound::End => Ok(Some(AsOf::day(day).at())),
            Bound::Start => parse_rfc3339(&format!("{day}T00:00:00+08:00")).map(Some).map_err(|e| bad(e.to_string())),
        };
    }
    parse_rfc3339(text).map(Some).map_err(|e| bad(e.to_string()))
}

fn integer(text: Option<&str>, name: &str) -> Result<Option<i64>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => {
            t.parse::<i64>().map(Some).map_err(|_| AppError::BadRequest(format!("{name} must be a whole number")))
        }
    }
}

/// The parameters of the restore route.
#[derive(Debug, Deserialize)]
pub struct RestoreQuery {
    /// The audit row (`id` in `GET /api/audit`) whose version to put back.
    pub version: Option<String>,
}

/// `POST /api/layers/{layer}/features/{id}/restore?version=AUDIT_ID`: puts feature
/// `id` back as audit row `version` recorded it (the feature after an insert or
/// update, before a delete), for the layer's writers (as `PUT` of the feature), in
/// one write through the same path as `PUT`: validated, audited (one new row).
/// 404 for an unknown version or one of another layer or feature; 400 for a row
/// that holds no feature. A feature deleted since is inserted again **as a new
/// feature**, with a new id (the stores give ids; the answer names it, 201): its
/// history stays under the old id, the restore is the new id's `insert` row.
/// Origin-point records are refused as by `PUT` (their stamps are the records' own).
pub async fn restore(
    State(state): State<AppState>,
    Path((layer, id)): Path<(String, i64)>,
    headers: HeaderMap,
    key: WriteKey,
    ApiQuery(q): ApiQuery<RestoreQuery>,
) -> Result<Response, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    if kind == LayerKind::OriginPoints {
        return Err(AppError::BadRequest(
            "origin-point records are written through /api/trace/records (it keeps their stamps); \
             restore one by PUT /api/trace/records/{id} with the version from GET /api/audit"
                .into(),
        ));
    }
    let version = integer(q.version.as_deref(), "version")?
        .ok_or_else(|| AppError::BadRequest("version=AUDIT_ID is required (an id from GET /api/audit)".into()))?;
    let query = HistoryQuery {
        layer: Some(kind),
        fid: Some(id),
        after_id: Some(version.saturating_sub(1)),
        limit: 1,
        ..HistoryQuery::default()
    };
    let row =
        state.store.history(&query).await?.into_iter().next().filter(|r| r.id == version).ok_or_else(|| {
            AppError::NotFound(format!("no version {version} of feature {id} of {}", kind.table_name()))
        })?;
    let kept = if row.action == "delete" { row.before.as_ref() } else { row.after.as_ref() };
    let feature = kept.and_then(feature_from_geojson).ok_or_else(|| {
        AppError::BadRequest(format!("version {version} ({}) holds no feature to restore", row.action))
    })?;
    let restored = NewFeature { geometry: feature.geometry, properties: feature.properties };
    match state.update_keyed(kind, id, restored.clone(), &actor, key.get(), None).await {
        Ok(out) => {
            let body = json!({ "layer": kind.table_name(), "restored": id, "version": version, "id": id });
            Ok(mark_replayed(Json(body).into_response(), out.replayed))
        }
        Err(StoreError::NotFound { .. }) => {
            let features =
                crate::origin_state::check_new_features(&state, None, kind, vec![restored], &actor, key.get()).await?;
            let out = state.insert_keyed(kind, features, &actor, key.get()).await?;
            let new_id = out.value.first().copied();
            let body = json!({
                "layer": kind.table_name(), "restored": id, "version": version, "id": new_id,
                "note": format!("feature {id} is deleted; its version {version} is inserted again as a new feature"),
                "note_zh": format!("要素 {id} 已删除；其版本 {version} 已作为新要素重新写入（新编号）"),
            });
            Ok(mark_replayed((StatusCode::CREATED, Json(body)).into_response(), out.replayed))
        }
        Err(e) => Err(e.into()),
    }
}

/// The last few zone catalogues of the past built for `/api/locate?as_of=`, by the
/// instant, the store's last audit id (any write changes it) and the zone layers.
#[derive(Debug, Default)]
pub struct AsOfCache(Mutex<VecDeque<(AsOfKey, Arc<ZonesAsOf>)>>);

type AsOfKey = (AsOf, i64, Vec<LayerKind>);

/// How many as-of zone catalogues are kept.
const AS_OF_CACHE_ENTRIES: usize = 4;

/// The zone layers `kinds` as they were at `at`, from the cache when the store
/// has not changed since it was built.
pub(crate) async fn zones_then(state: &AppState, kinds: Vec<LayerKind>, at: AsOf) -> Result<Arc<ZonesAsOf>, AppError> {
    let last = state.store.audit(1).await?.first().map_or(0, |r| r.id);
    let key: AsOfKey = (at, last, kinds);
    let cache = &state.as_of_zones.0;
    if let Some((_, hit)) =
        cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().find(|(k, _)| *k == key)
    {
        return Ok(hit.clone());
    }
    let started = std::time::Instant::now();
    let zones = Arc::new(zones_as_of(&*state.store, &key.2, at).await?);
    tracing::debug!(as_of = %at.text(), ms = started.elapsed().as_millis(), "zone layers rebuilt as of");
    let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.len() >= AS_OF_CACHE_ENTRIES {
        cache.pop_front();
    }
    cache.push_back((key, zones.clone()));
    Ok(zones)
}
