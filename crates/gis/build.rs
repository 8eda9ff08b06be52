//! Link flags for the binaries and tests of this package; see `link_flags.rs`.

include!("link_flags.rs");

fn main() {
    emit_link_flags();
}
