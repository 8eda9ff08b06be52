// Shared by the build scripts of every package whose binaries or tests link GDAL
// next to the store (`include!`d; a build script cannot depend on a library of the
// workspace without building it for the host first).
//
// Why: the store's SQLite is compiled into the binary (sqlx `sqlite-bundled`), and
// GDAL (with libspatialite) uses Debian's libsqlite3.so. By default the linker exports
// the bundled `sqlite3_*` functions from the executable, because the shared libraries
// reference those names, so GDAL opened its GeoPackages with the bundled SQLite and
// libspatialite then called the system one with that handle: a segfault on the first
// GeoPackage GDAL creates. `--exclude-libs,ALL` keeps the symbols of static archives
// (the bundled SQLite) local to the executable: each side keeps its own SQLite.
#[allow(dead_code)]
fn emit_link_flags() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg=-Wl,--exclude-libs,ALL");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
