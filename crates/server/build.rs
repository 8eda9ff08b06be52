//! With GDAL linked (the `gdal` feature: the import route reads files through it), keep
//! the store's bundled SQLite private to every binary this package links (its tests),
//! as the cli's build.rs does for `landtrace`: GDAL's GeoPackage driver uses Debian's
//! shared libsqlite3, and with the bundled copy's symbols exported its `sqlite3_*`
//! calls were bound partly to each — opening an uploaded GeoPackage crashed.
//! `--exclude-libs,ALL` keeps symbols of static archives out of the dynamic symbol table.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_GDAL").is_some()
        && std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux")
    {
        println!("cargo:rustc-link-arg=-Wl,--exclude-libs,ALL");
    }
}
