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
    Database(sqlx::Error),
    /// The disk (file system or database server) the store writes to is full;
    /// the write was refused and nothing of it was stored.
    #[error("the store's disk is full: {detail}")]
    DiskFull {
        /// What the database said.
        detail: String,
    },
    /// The store cannot be written now: a read-only file system or file, or a
    /// database server in read-only mode (a standby); nothing was stored.
    #[error("the store is read-only: {detail}")]
    ReadOnly {
        /// What the database said.
        detail: String,
    },
    /// Reading or writing the store's files failed at the operating-system level
    /// (an I/O error other than a full disk); nothing of the write was stored.
    #[error("the store's disk failed: {detail}")]
    DiskError {
        /// What the database said.
        detail: String,
    },
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
    /// A replace or delete named the version of the feature it expects
    /// (`If-Match`), and the feature stored now is another version: someone else
    /// changed it meanwhile. Nothing was written.
    #[error(
        "feature {fid} of {layer} was changed by someone else (it is now version {current}, the request expected \
         {expected}); read it again and repeat the change on the new version"
    )]
    VersionMismatch {
        /// Layer table name.
        layer: &'static str,
        /// The feature id.
        fid: i64,
        /// The version the request expected.
        expected: String,
        /// The version stored now.
        current: String,
    },
    /// An `Idempotency-Key` already named a different request of the same actor
    /// (within the day keys are kept); nothing was written.
    #[error("the idempotency key {key:?} was already used for a different request; use a new key for a new request")]
    IdempotencyKeyReused {
        /// The key.
        key: String,
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

impl StoreError {
    /// Whether the database refused the write because a value that must be unique was
    /// already stored (an idempotency key, or a field of `LayerKind::unique_fields`).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db)) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
    }

    /// Whether the error says the store cannot take writes now for a reason of
    /// its storage (full, read-only, failing disk), as `/health` reports.
    pub fn is_storage_problem(&self) -> bool {
        matches!(self, StoreError::DiskFull { .. } | StoreError::ReadOnly { .. } | StoreError::DiskError { .. })
    }
}

/// SQLite's primary result codes this module tells apart (the low byte of an
/// extended code; <https://www.sqlite.org/rescode.html>).
const SQLITE_READONLY: i64 = 8;
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
/// PostgreSQL SQLSTATEs: class 53 "insufficient resources" `disk_full`, and
/// `read_only_sql_transaction` (a hot standby, `default_transaction_read_only`).
const PG_DISK_FULL: &str = "53100";
const PG_READ_ONLY: &str = "25006";
/// errno values of Linux for a full and a read-only file system.
const ENOSPC: i32 = 28;
const EROFS: i32 = 30;

impl From<sqlx::Error> for StoreError {
    /// Tells a full disk, a read-only store and a failing disk apart from other
    /// database errors, for SQLite (extended result codes) and PostgreSQL
    /// (SQLSTATE), so that callers can say what is wrong instead of "unavailable".
    fn from(e: sqlx::Error) -> StoreError {
        let classified = match &e {
            sqlx::Error::Database(db) => {
                let detail = db.message().to_owned();
                if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                    match db.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff) {
                        Some(SQLITE_FULL) => Some(StoreError::DiskFull { detail }),
                        Some(SQLITE_READONLY) => Some(StoreError::ReadOnly { detail }),
                        Some(SQLITE_IOERR) => Some(StoreError::DiskError { detail }),
                        _ => None,
                    }
                } else {
                    match db.code().as_deref() {
                        Some(PG_DISK_FULL) => Some(StoreError::DiskFull { detail }),
                        Some(PG_READ_ONLY) => Some(StoreError::ReadOnly { detail }),
                        _ => None,
                    }
                }
            }
            sqlx::Error::Io(io) => match io.raw_os_error() {
                Some(ENOSPC) => Some(StoreError::DiskFull { detail: io.to_string() }),
                Some(EROFS) => Some(StoreError::ReadOnly { detail: io.to_string() }),
                _ => None,
            },
            _ => None,
        };
        classified.unwrap_or(StoreError::Database(e))
    }
}
