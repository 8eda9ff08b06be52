//! Errors of the store.

use landtrace_domain::LimitError;

use crate::validate::FeatureErrors;

/// What can go wrong when reading or writing the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The input was rejected; nothing was written.
    #[error(transparent)]
    Invalid(#[from] FeatureErrors),
    /// The input is over a limit of the input policy (`landtrace_domain::input_limits`):
    /// one geometry has too many vertices ([`LimitError::whole_request`] false), or the
    /// request as a whole has too many features or vertices (true). Checked before any
    /// costly validation; nothing was written.
    #[error("{0}; nothing was stored")]
    LimitExceeded(LimitError),
    /// The database could not be reached or failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The file is not a GeoPackage written by landtrace (or is damaged).
    #[error("{path}: {reason}")]
    NotAStore {
        /// The file.
        path: String,
        /// Why it was refused.
        reason: String,
    },
    /// Stored data could not be decoded.
    #[error("layer {layer}, feature {fid}: {reason}")]
    Corrupt {
        /// Layer table name.
        layer: String,
        /// Feature id.
        fid: i64,
        /// What is wrong.
        reason: String,
    },
    /// No feature with this id in the layer (an update or delete of an unknown id);
    /// nothing was written.
    #[error("layer {layer} has no feature {fid}")]
    NotFound {
        /// Layer table name.
        layer: &'static str,
        /// The feature id asked for.
        fid: i64,
    },
    /// The operation is not allowed in the store's current state.
    #[error("{0}")]
    Refused(String),
    /// A bundled data file is missing or malformed.
    #[error("bundled data {path}: {reason}")]
    BundledData {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

// Not `#[from]`: that would make the limit the error's source too, and error chains
// (`{:#}` in the CLI) would print the message twice.
impl From<LimitError> for StoreError {
    fn from(e: LimitError) -> StoreError {
        StoreError::LimitExceeded(e)
    }
}
