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

#[test]
fn shipped_tilesets_publish_the_sponge_layers() {
    let sets = TileSets::from_toml(SHIPPED).unwrap();
    let all: Vec<LayerKind> = sets.set("all").unwrap().layers().map(|(k, _)| k).collect();
    for kind in [LayerKind::SpongeProjects, LayerKind::SpongeFacilities, LayerKind::WaterloggingPoints] {
        assert!(all.contains(&kind), "{} is not in the set all", kind.table_name());
    }
    let facilities = sets.layer(LayerKind::SpongeFacilities).unwrap();
    assert!(facilities.property_names().any(|p| p == "storage_depth_m"));
    let projects = sets.layer(LayerKind::SpongeProjects).unwrap();
    assert_eq!(
        projects.property_names().collect::<Vec<_>>(),
        ["name", "project_type", "status", "target_percent", "accuracy"]
    );
    // Projects are drawn below the facilities inside them.
    let at = |k: LayerKind| all.iter().position(|x| *x == k).unwrap();
    assert!(at(LayerKind::SpongeProjects) < at(LayerKind::SpongeFacilities));
    let origin = sets.layer(LayerKind::OriginPoints).unwrap();
    for name in ["created_by", "updated_by", "contact_phone"] {
        assert!(!origin.property_names().any(|p| p == name), "{name}");
    }
}
