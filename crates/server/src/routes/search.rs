//! `GET /api/search?q=..&limit=..`: the map client's search box (see
//! `landtrace_app::search`). The index is built from the catalogue on the first
//! search after any layer changed, and kept until the next change.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use landtrace_app::search::{DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_CHARS, SearchAnswer, SearchIndex, SearchSources};
use landtrace_domain::LayerKind;
use serde::Deserialize;
use tokio::sync::RwLock;

use crate::auth::current_user;
use crate::error::AppError;
use crate::origin_state::divisions;
use crate::query::ApiQuery;
use crate::state::AppState;

/// The search index of a server, stale after any layer changed
/// ([`SearchCache::invalidate`], called by `AppState::refresh_layer`).
#[derive(Debug, Default)]
pub struct SearchCache {
    /// The index and the generation it was built in.
    index: RwLock<Option<(u64, Arc<SearchIndex>)>>,
    /// Bumped by every change: an index of an older generation is built again, and
    /// one built from data read before a change is not kept.
    generation: AtomicU64,
}

impl SearchCache {
    /// Marks the index stale: the next search builds it again.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    async fn get(&self, state: &AppState) -> Result<Arc<SearchIndex>, AppError> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((built, index)) = self.index.read().await.as_ref()
            && *built == generation
        {
            return Ok(Arc::clone(index));
        }
        let divisions = divisions(state).await?;
        let passes = state.store.features(LayerKind::TruckPasses).await?;
        let producers = state.store.features(LayerKind::Producers).await?;
        let catalog = state.catalog.clone().read_owned().await;
        let index = tokio::task::spawn_blocking(move || {
            Arc::new(SearchIndex::build(SearchSources {
                catalog: &catalog,
                divisions: &divisions,
                passes: &passes,
                producers: &producers,
            }))
        })
        .await
        .map_err(|e| AppError::Internal(format!("building the search index stopped: {e}")))?;
        if self.generation.load(Ordering::SeqCst) == generation {
            *self.index.write().await = Some((generation, Arc::clone(&index)));
        }
        Ok(index)
    }
}

/// The parameters of `GET /api/search`.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    /// What to look for: a name, code, document number, plate, producer or position.
    pub q: Option<String>,
    /// Most results (1–50, 10 by default).
    pub limit: Option<String>,
}

/// Searches divisions, features, documents, plates (traffic and admins), producers
/// (agriculture and admins) and positions; 400 for an empty or overlong query or a
/// bad limit.
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<SearchAnswer>, AppError> {
    let user = current_user(&state, &headers)?;
    let query = q.q.as_deref().map(str::trim).unwrap_or_default();
    if query.is_empty() {
        return Err(AppError::BadRequest(
            "query parameter `q` is missing or empty (e.g. ?q=临晋镇, ?q=35.14,110.77)".into(),
        ));
    }
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(AppError::BadRequest(format!(
            "query parameter `q` has {chars} characters; at most {MAX_QUERY_CHARS} are searched"
        )));
    }
    let limit = match q.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(text) => text.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            let text = landtrace_domain::input_limits::echo(text);
            AppError::BadRequest(format!("query parameter `limit` = {text:?} is not a whole number 1–{MAX_LIMIT}"))
        })?,
    };
    if landtrace_app::search::search_key(query).is_empty()
        && landtrace_app::position_input::read_typed_position(query).is_none()
    {
        return Err(AppError::BadRequest(format!(
            "query parameter `q` = {:?} has no letters or digits to search for",
            landtrace_domain::input_limits::echo(query)
        )));
    }
    let index = state.search.get(&state).await?;
    Ok(Json(index.search(query, limit, user.as_ref())))
}
