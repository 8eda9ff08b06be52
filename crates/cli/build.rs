//! Link flags for the `landtrace` binary: with GDAL linked, the bundled SQLite of the
//! store stays local (see crates/gis/link_flags.rs for why).

include!("../gis/link_flags.rs");

fn main() {
    emit_link_flags();
}
