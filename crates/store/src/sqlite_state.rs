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
//!
//! A connection opened while the file system was read-only stays read-only
//! after the file system is writable again; the pool's acquire check closes it
//! then, so writes work again without a restart.
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

/// Whether the connection `db` opened its main database read-only (SQLite
/// falls back to read-only when the file system refuses writing at open), by
/// `sqlite3_db_readonly`.
///
/// # Safety
/// As [`in_transaction`].
pub(crate) unsafe fn opened_read_only(db: *mut ffi::sqlite3) -> bool {
    // SAFETY: db is valid and exclusively ours per the contract; the schema
    // name is a NUL-terminated static string.
    unsafe { ffi::sqlite3_db_readonly(db, c"main".as_ptr()) == 1 }
}
