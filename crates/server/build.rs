//! Link flags for the binaries of this package (its tests): with GDAL linked, the
//! bundled SQLite of the store stays local (see crates/gis/link_flags.rs).

include!("../gis/link_flags.rs");

fn main() {
    emit_link_flags();
}
