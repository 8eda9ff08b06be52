//! With GDAL linked, keep the store's bundled SQLite private to the binary.
//!
//! The store links SQLite statically (sqlx's `sqlite-bundled`); GDAL's GeoPackage
//! driver and SpatiaLite use Debian's shared libsqlite3. GNU ld exports an
//! executable's symbols that a shared library it links references, so GDAL's
//! `sqlite3_*` calls were bound partly to the bundled copy and partly to the shared
//! one — opening a GeoPackage through GDAL crashed in an uninitialised allocator.
//! `--exclude-libs,ALL` keeps symbols of static archives out of the dynamic symbol
//! table: each SQLite serves its own callers.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_GDAL").is_some()
        && std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux")
    {
        println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
    }
}
