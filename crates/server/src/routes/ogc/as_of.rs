//! `as_of` (and `datetime` with one instant) of the OGC items: the layer as it
//! was then, rebuilt from its history by [`landtrace_app::history::layer_as_of`]
//! (the rule, transaction or valid time, is that module's; the answer says
//! which applied).

use std::sync::Arc;

use landtrace_app::history::{AsOf, layer_as_of};
use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::echo;
use landtrace_store::Feature;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

/// Reads `as_of`/`datetime`: one date or RFC 3339 instant. An interval
/// (`a/b`, `../b`) is refused: here `datetime` asks for the layer as it was at
/// one time.
pub fn parse(text: &str) -> Result<AsOf, AppError> {
    if text.contains('/') {
        return Err(AppError::BadRequest(format!(
            "`datetime`/`as_of` {:?}: give one date or instant (the layer as it was then); intervals are not \
             supported",
            echo(text)
        )));
    }
    AsOf::parse(text).map_err(|e| AppError::BadRequest(format!("`datetime`/`as_of`: {e}")))
}

/// The features of `kind` as they were at `at`, ordered by id, and what the
/// answer says about the rule that applied.
pub async fn features(state: &AppState, kind: LayerKind, at: &str) -> Result<(Vec<Arc<Feature>>, Value), AppError> {
    let at = parse(at)?;
    let layer = layer_as_of(&*state.store, kind, at).await?;
    let about = json!({
        "value": at.text(),
        "instant": at.at().to_rfc3339_utc_millis(),
        "note": layer.note,
        "note_zh": layer.note_zh,
    });
    Ok((layer.features.into_iter().map(Arc::new).collect(), about))
}
