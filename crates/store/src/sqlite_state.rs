//! What SQLite itself says about a connection, beside what sqlx believes.
//!
//! sqlx counts a connection's transaction depth itself: `BEGIN` at depth 0,
//! `SAVEPOINT` above it, `COMMIT`/`RELEASE` or `ROLLBACK` to go down. When a
//! `COMMIT` fails (a full disk: `SQLITE_FULL`) SQLite may already have rolled the
//! transaction back, so the `ROLLBACK` that follows fails too and sqlx's count
//! stays at 1 while SQLite is back in autocommit mode, or SQLite keeps the
//! transaction open while a failed `ROLLBACK` leaves sqlx's count up. Either way
//! the next "transaction" on that connection is a savepoint inside a transaction
//! that is never committed: writes acknowledged after that are lost. The pool's
//! release check (see `GeoPackageStore::connect`) asks SQLite directly and
//! closes such a connection (closing rolls its transaction back).
#![allow(unsafe_code)]

use libsqlite3_sys as ffi;

/// Whether the connection `db` has a transaction open (it is not in autocommit
/// mode), by `sqlite3_get_autocommit`.
///
/// # Safety
/// `db` must be a valid, open SQLite connection not used concurrently by another
/// thread for the duration of the call (sqlx's `LockedSqliteHandle` guarantees it).
pub(crate) unsafe fn in_transaction(db: *mut ffi::sqlite3) -> bool {
    // SAFETY: db is valid and exclusively ours per the contract;
    // sqlite3_get_autocommit only reads the connection's flag.
    unsafe { ffi::sqlite3_get_autocommit(db) == 0 }
}
