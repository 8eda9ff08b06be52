//! `layer_as_of` on a real GeoPackage store: a layer without a valid time is
//! answered by transaction time (what the store held at the instant).

use geo::point;
use landtrace_app::history::{AsOf, AsOfRule, layer_as_of};
use landtrace_domain::LayerKind;
use landtrace_domain::units::instant::parse_rfc3339;
use landtrace_store::{Actor, GeoPackageStore, NewFeature, Store};
use serde_json::json;

fn source(name: &str) -> NewFeature {
    NewFeature {
        geometry: Some(point!(x: 110.76, y: 35.13).into()),
        properties: json!({"name": name, "accuracy": "illustrative"}).as_object().unwrap().clone(),
    }
}

fn names(layer: &landtrace_app::history::AsOfLayer) -> Vec<(i64, String)> {
    layer.features.iter().map(|f| (f.id, f.properties["name"].as_str().unwrap().to_owned())).collect()
}

#[tokio::test]
async fn a_layer_without_valid_time_is_what_the_store_held() {
    let dir = tempfile::tempdir().unwrap();
    let store = GeoPackageStore::create(&dir.path().join("h.gpkg")).await.unwrap();
    let kind = LayerKind::FreightSources;
    let a = Actor("t".into());
    let ids = store.insert(kind, vec![source("甲"), source("乙")], &a).await.unwrap();
    let inserted = AsOf::instant(parse_rfc3339(&store.audit(1).await.unwrap()[0].at).unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    store.update(kind, ids[0], source("甲（改）"), &a).await.unwrap();
    store.delete(kind, ids[1], &a).await.unwrap();

    let then = layer_as_of(&store, kind, inserted).await.unwrap();
    assert_eq!(then.rule, AsOfRule::TransactionTime);
    assert!(then.note.contains("transaction time"), "{}", then.note);
    assert_eq!(names(&then), [(ids[0], "甲".to_owned()), (ids[1], "乙".to_owned())]);
    let now = layer_as_of(&store, kind, AsOf::parse("9999-12-31").unwrap()).await.unwrap();
    assert_eq!(names(&now), [(ids[0], "甲（改）".to_owned())]);
    let before = layer_as_of(&store, kind, AsOf::parse("2023-05-01").unwrap()).await.unwrap();
    assert!(before.features.is_empty(), "nothing was stored in 2023");
}
