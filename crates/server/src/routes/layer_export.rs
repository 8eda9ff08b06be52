//! `GET /api/layers/{layer}/export?format=…[&crs=…][&bbox=…][&encoding=…]`: a layer
//! as a file, written by GDAL in the CPU pool (`landtrace_gis::export`, the use case
//! `landtrace export` shares).
//!
//! Personal fields are written only for the readers allowed to see them (admins and
//! the layer's owning role, [`may_see_personal`]); everyone else gets the public
//! fields. The truck-pass register is not public anywhere else (a pass is looked up
//! by its plate), so exporting it needs the owning role too; a user-defined layer
//! that is not public is exported to its owning role and admins only (to anyone
//! else it does not exist: 404, as for an unknown layer).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use landtrace_domain::LayerKind;
use landtrace_gis::export::{ExportRequest, StoredFeature, export_layer};
use landtrace_gis::write::{ExportFormat, WriteError};
use serde::Deserialize;

use crate::auth::{current_user, may_see_personal, owns};
use crate::error::AppError;
use crate::query::ApiQuery;
use crate::state::AppState;
use landtrace_app::users::may_read;

/// The query parameters of an export.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// geojson, csv, xlsx, gpkg, shp, kml or dxf (required).
    pub format: Option<String>,
    /// CRS of the file (default EPSG:4326).
    pub crs: Option<String>,
    /// minlon,minlat,maxlon,maxlat in WGS84.
    pub bbox: Option<String>,
    /// A shapefile's text encoding: utf-8 (default) or gbk.
    pub encoding: Option<String>,
}

/// Layers only their owning role (and admins) may export: not listed to the public
/// by any other route.
fn export_needs_owner(kind: LayerKind) -> bool {
    kind == LayerKind::TruckPasses
}

/// Answers the file with its media type and a download name.
pub async fn export(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let user = current_user(&state, &headers)?;
    let kind = super::layers::parse_layer(&layer)?;
    if !may_read(user.as_ref(), kind) {
        return Err(super::layers::unknown_layer(&layer));
    }
    if export_needs_owner(kind) {
        match &user {
            None => {
                return Err(AppError::Unauthorized(format!(
                    "exporting {} needs an `Authorization: Bearer <token>` header of its owning role",
                    kind.table_name()
                )));
            }
            Some(u) if !owns(u.role, kind) => {
                return Err(AppError::Forbidden(format!(
                    "the role {} may not export {} ({})",
                    u.role,
                    kind.table_name(),
                    kind.title_zh()
                )));
            }
            Some(_) => {}
        }
    }
    let personal = may_see_personal(user.as_ref(), kind);
    let format = q.format.as_deref().ok_or_else(|| {
        let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
        AppError::BadRequest(format!("query parameter `format` is missing; formats: {}", names.join(", ")))
    })?;
    let request = ExportRequest::parse(format, q.crs.as_deref(), q.bbox.as_deref(), q.encoding.as_deref())
        .map_err(|e| AppError::BadRequest(format!("query parameter {e}")))?;
    // Layers with geometry come from the catalogue (taken in a moment, shared, not
    // copied); attribute tables are not in it and are read from the store.
    let features = match state.catalog.read().await.layer(kind) {
        Some(layer) => layer.all(),
        None => state.store.features(kind).await?.into_iter().map(std::sync::Arc::new).collect(),
    };
    let exported = state
        .cpu
        .run(move || {
            let stored =
                features.iter().map(|f| StoredFeature { geometry: f.geometry.as_ref(), properties: &f.properties });
            export_layer(kind, stored, &request, personal)
        })
        .await?
        .map_err(|e| match e {
            WriteError::Unsupported(_)
            | WriteError::Crs(_)
            | WriteError::Reproject { .. }
            | WriteError::Value { .. } => AppError::Unprocessable(e.to_string()),
            other => AppError::Internal(format!("exporting {}: {other}", kind.table_name())),
        })?;
    tracing::info!(
        layer = kind.table_name(),
        format = %request.format,
        crs = %request.crs,
        features = exported.features,
        personal = exported.holds_personal_data,
        "layer exported"
    );
    let disposition = format!("attachment; filename=\"{}\"", exported.file.file_name);
    let mut response = exported.file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(exported.file.content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
