//! The tile-set file the server ships (`tiles/tilesets.toml`) loads, every layer it
//! configures is in some set, and no personal field is published.

use landtrace_domain::LayerKind;
use landtrace_tiles::TileSets;

const SHIPPED: &str = include_str!("../../../tiles/tilesets.toml");

#[test]
fn shipped_tilesets_load_and_publish_no_personal_field() {
    let sets = TileSets::from_toml(SHIPPED).unwrap_or_else(|e| panic!("tiles/tilesets.toml: {e}"));
    let names = sets.set_names();
    assert!(names.contains(&"all"), "{names:?}");
    for config in sets.layers() {
        let kind = config.kind();
        assert!(sets.layers_of_kind(kind).contains(&kind.table_name()));
        for field in config.properties() {
            assert!(!field.personal, "{} of {} is personal", field.name, kind.table_name());
        }
    }
    assert!(sets.layer(LayerKind::OriginPoints).is_none_or(|c| !c.property_names().any(|p| p.contains("phone"))));
}
