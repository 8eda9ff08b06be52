//! Behaviour every `Store` backend must have. Written against `&dyn Store` so the
//! PostGIS backend (issue 4) runs the same suite.

use geo::{Geometry, MultiPolygon, point, polygon};
use landtrace_domain::LayerKind;
use landtrace_store::{Actor, GeoPackageStore, NewFeature, Store, StoreError};
use serde_json::{Map, Value, json};

fn props(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn zone(grade: i64) -> NewFeature {
    let p = polygon![
        exterior: [(x: 110.70, y: 35.10), (x: 110.80, y: 35.10), (x: 110.80, y: 35.20), (x: 110.70, y: 35.20)],
        interiors: [[(x: 110.74, y: 35.14), (x: 110.76, y: 35.14), (x: 110.76, y: 35.16), (x: 110.74, y: 35.16)]],
    ];
    NewFeature {
        geometry: Some(p.into()),
        properties: props(json!({"grade": grade, "name": "测试", "accuracy": "illustrative", "source": "test"})),
    }
}

fn origin_point(name: &str) -> NewFeature {
    NewFeature {
        geometry: Some(point!(x: 110.77, y: 35.14).into()),
        properties: props(json!({
            "subject_name": name, "subject_type": "家庭农场", "product": "韭菜", "township_code": "140821100",
            "contact_name": "示例联系人", "contact_phone": "13800000000", "scale": 12.5, "scale_unit": "亩",
            "market_date": "2023-06-01", "accuracy": "illustrative",
        })),
    }
}

async fn count(store: &dyn Store, kind: LayerKind) -> u64 {
    store.counts().await.unwrap().into_iter().find(|c| c.kind == kind).unwrap().count
}

async fn writes_read_back_exactly(store: &dyn Store) {
    let ids = store.insert(LayerKind::UrbanGradeZones, vec![zone(1), zone(2)], &Actor("a".into())).await.unwrap();
    assert_eq!(ids.len(), 2);
    assert!(ids[0] < ids[1]);
    let back = store.features(LayerKind::UrbanGradeZones).await.unwrap();
    assert_eq!(back.iter().map(|f| f.id).collect::<Vec<_>>(), ids);
    let Some(Geometry::MultiPolygon(MultiPolygon(polys))) = &back[0].geometry else { panic!("{:?}", back[0].geometry) };
    assert_eq!(polys.len(), 1);
    assert_eq!(polys[0].interiors().len(), 1, "holes survive the round trip");
    assert_eq!(back[1].properties["grade"], 2);
    assert_eq!(back[1].properties["name"], "测试");

    let ids = store.insert(LayerKind::OriginPoints, vec![origin_point("甲")], &Actor("b".into())).await.unwrap();
    let back = store.features(LayerKind::OriginPoints).await.unwrap();
    let f = back.iter().find(|f| f.id == ids[0]).unwrap();
    assert_eq!(f.geometry, Some(point!(x: 110.77, y: 35.14).into()));
    assert_eq!(f.properties["scale"], 12.5);
    assert_eq!(f.properties["market_date"], "2023-06-01");
    assert!(!f.properties.contains_key("alias"), "absent fields stay absent");
}

async fn a_rejected_batch_writes_nothing(store: &dyn Store) {
    let before = store.counts().await.unwrap();
    let audit_before = store.audit(1000).await.unwrap().len();
    let mut bad = origin_point("乙");
    bad.properties.insert("product".into(), json!("榴莲"));
    let err = store
        .insert_many(
            vec![(LayerKind::UrbanGradeZones, vec![zone(3)]), (LayerKind::OriginPoints, vec![origin_point("丙"), bad])],
            &Actor("c".into()),
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(e) = &err else { panic!("expected a validation error, got {err}") };
    assert_eq!(e.layer, "origin_points");
    assert!(err.to_string().contains("feature #2") && err.to_string().contains("product"), "{err}");
    assert_eq!(store.counts().await.unwrap(), before, "nothing written");
    assert_eq!(store.audit(1000).await.unwrap().len(), audit_before, "no audit rows for a rejected write");
}

async fn every_write_is_audited(store: &dyn Store) {
    let ids =
        store.insert(LayerKind::OriginPoints, vec![origin_point("丁")], &Actor("auditor-test".into())).await.unwrap();
    let last = &store.audit(1).await.unwrap()[0];
    assert_eq!(last.actor, "auditor-test");
    assert_eq!(last.layer, "origin_points");
    assert_eq!(last.fid, ids[0]);
    assert_eq!(last.action, "insert");
    assert!(last.before.is_none());
    let after = last.after.as_ref().unwrap();
    assert_eq!(after["properties"]["subject_name"], "丁");
    assert_eq!(after["geometry"]["type"], "Point");
    assert!(last.at.starts_with("20") && last.at.ends_with('Z'), "UTC timestamp: {}", last.at);
}

/// The whole suite on an empty store.
pub async fn run_suite(store: &dyn Store) {
    store.ping().await.unwrap();
    assert_eq!(count(store, LayerKind::UrbanGradeZones).await, 0);
    writes_read_back_exactly(store).await;
    a_rejected_batch_writes_nothing(store).await;
    every_write_is_audited(store).await;
}

/// `load_exact` copies every feature with its id and the whole history, and
/// refuses a store that is not empty.
pub async fn copies_exactly(source: &dyn Store, target: &dyn Store) {
    let mut batches = Vec::new();
    for kind in LayerKind::ALL {
        batches.push((kind, source.features(kind).await.unwrap()));
    }
    let history = source.audit_all().await.unwrap();
    assert!(!history.is_empty());
    target.load_exact(batches.clone(), history.clone()).await.unwrap();
    for (kind, features) in &batches {
        assert_eq!(&target.features(*kind).await.unwrap(), features, "{}", kind.table_name());
    }
    let copied = target.audit_all().await.unwrap();
    assert_eq!(copied.len(), history.len());
    for (a, b) in copied.iter().zip(&history) {
        assert_eq!(
            (a.id, &a.actor, &a.layer, a.fid, &a.action, &a.after),
            (b.id, &b.actor, &b.layer, b.fid, &b.action, &b.after)
        );
    }
    let err = target.load_exact(batches, history).await.unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err}");
    // New writes continue after the copied ids.
    let max = target.features(LayerKind::OriginPoints).await.unwrap().iter().map(|f| f.id).max().unwrap_or(0);
    let ids =
        target.insert(LayerKind::OriginPoints, vec![origin_point("戊")], &Actor("after-copy".into())).await.unwrap();
    assert!(ids[0] > max, "{} after {max}", ids[0]);
}

#[tokio::test]
async fn geopackage_store_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    let store = GeoPackageStore::create(&path).await.unwrap();
    run_suite(&store).await;
    let counts = store.counts().await.unwrap();
    store.close().await;
    // Reopening finds the same data.
    let again = GeoPackageStore::open(&path).await.unwrap();
    assert_eq!(again.counts().await.unwrap(), counts);
    // And copies into another GeoPackage exactly.
    let copy = GeoPackageStore::create(&dir.path().join("copy.gpkg")).await.unwrap();
    copies_exactly(&again, &copy).await;
}

#[tokio::test]
async fn geopackage_refuses_what_it_should_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.gpkg");
    let err = GeoPackageStore::open(&missing).await.unwrap_err();
    assert!(err.to_string().contains("no such file"), "{err}");

    let text = dir.path().join("notes.gpkg");
    std::fs::write(&text, "just some text, not a database").unwrap();
    assert!(GeoPackageStore::open(&text).await.is_err());
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "just some text, not a database", "left untouched");

    let made = dir.path().join("made.gpkg");
    GeoPackageStore::create(&made).await.unwrap().close().await;
    let err = GeoPackageStore::create(&made).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}
