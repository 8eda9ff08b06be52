//! The SQL functions GeoPackage's R-tree triggers call (`ST_IsEmpty`, `ST_MinX`,
//! `ST_MaxX`, `ST_MinY`, `ST_MaxY`), registered on every SQLite connection.
//!
//! The GeoPackage 1.3 `gpkg_rtree_index` extension keeps `rtree_<table>_<column>`
//! in step with the feature table through triggers that call these functions.
//! GDAL and QGIS define them on their own connections; we define them on ours so
//! the same triggers keep the index right whichever program writes the file.
//!
//! sqlx has no safe API for scalar functions, so this module talks to SQLite's C
//! API through `libsqlite3-sys` (the same library sqlx links). The unsafe code is
//! limited to reading the argument blob and setting the result.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_int};

use libsqlite3_sys as ffi;

use crate::gpkg_blob;

#[derive(Clone, Copy)]
enum Which {
    IsEmpty,
    MinX,
    MaxX,
    MinY,
    MaxY,
}

const FUNCTIONS: [(&CStr, Which); 5] = [
    (c"ST_IsEmpty", Which::IsEmpty),
    (c"ST_MinX", Which::MinX),
    (c"ST_MaxX", Which::MaxX),
    (c"ST_MinY", Which::MinY),
    (c"ST_MaxY", Which::MaxY),
];

/// Registers the functions on a raw connection handle.
///
/// # Safety
/// `db` must be a valid, open SQLite connection not used concurrently by another
/// thread for the duration of the call (sqlx's `LockedSqliteHandle` guarantees it).
pub(crate) unsafe fn register(db: *mut ffi::sqlite3) -> Result<(), String> {
    for (name, which) in FUNCTIONS {
        let x_func: unsafe extern "C" fn(*mut ffi::sqlite3_context, c_int, *mut *mut ffi::sqlite3_value) = match which {
            Which::IsEmpty => st_is_empty,
            Which::MinX => st_min_x,
            Which::MaxX => st_max_x,
            Which::MinY => st_min_y,
            Which::MaxY => st_max_y,
        };
        // SAFETY: db is valid per the contract; name is a NUL-terminated static
        // string; the callback has the signature SQLite expects and no user data.
        let rc = unsafe {
            ffi::sqlite3_create_function_v2(
                db,
                name.as_ptr(),
                1,
                ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC,
                std::ptr::null_mut(),
                Some(x_func),
                None,
                None,
                None,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(format!("registering {name:?} failed with SQLite code {rc}"));
        }
    }
    Ok(())
}

/// Reads the first argument as a blob. Returns `None` for NULL or non-blobs.
///
/// # Safety
/// Must be called from inside a SQLite function callback with `argc >= 1`.
unsafe fn arg_blob<'a>(argc: c_int, argv: *mut *mut ffi::sqlite3_value) -> Option<&'a [u8]> {
    if argc < 1 || argv.is_null() {
        return None;
    }
    // SAFETY: SQLite passes `argc` valid value pointers in `argv`; the blob pointer
    // stays valid until the callback returns, and we do not keep the slice longer.
    unsafe {
        let value = *argv;
        if ffi::sqlite3_value_type(value) != ffi::SQLITE_BLOB {
            return None;
        }
        let ptr = ffi::sqlite3_value_blob(value).cast::<u8>();
        let len = usize::try_from(ffi::sqlite3_value_bytes(value)).ok()?;
        if ptr.is_null() || len == 0 {
            return None;
        }
        Some(std::slice::from_raw_parts(ptr, len))
    }
}

unsafe fn envelope_part(ctx: *mut ffi::sqlite3_context, argc: c_int, argv: *mut *mut ffi::sqlite3_value, i: usize) {
    // SAFETY: called by SQLite with a valid context and arguments.
    unsafe {
        match arg_blob(argc, argv).map(gpkg_blob::envelope) {
            Some(Ok(Some(env))) => ffi::sqlite3_result_double(ctx, env[i]),
            _ => ffi::sqlite3_result_null(ctx),
        }
    }
}

unsafe extern "C" fn st_min_x(ctx: *mut ffi::sqlite3_context, argc: c_int, argv: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded SQLite callback arguments.
    unsafe { envelope_part(ctx, argc, argv, 0) }
}
unsafe extern "C" fn st_max_x(ctx: *mut ffi::sqlite3_context, argc: c_int, argv: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded SQLite callback arguments.
    unsafe { envelope_part(ctx, argc, argv, 1) }
}
unsafe extern "C" fn st_min_y(ctx: *mut ffi::sqlite3_context, argc: c_int, argv: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded SQLite callback arguments.
    unsafe { envelope_part(ctx, argc, argv, 2) }
}
unsafe extern "C" fn st_max_y(ctx: *mut ffi::sqlite3_context, argc: c_int, argv: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded SQLite callback arguments.
    unsafe { envelope_part(ctx, argc, argv, 3) }
}

unsafe extern "C" fn st_is_empty(ctx: *mut ffi::sqlite3_context, argc: c_int, argv: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded SQLite callback arguments.
    unsafe {
        match arg_blob(argc, argv).map(gpkg_blob::is_empty) {
            Some(Ok(empty)) => ffi::sqlite3_result_int(ctx, c_int::from(empty)),
            _ => ffi::sqlite3_result_null(ctx),
        }
    }
}
