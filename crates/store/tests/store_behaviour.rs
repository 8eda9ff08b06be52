//! Behaviour every `Store` backend must have. Written against `&dyn Store` so the
//! PostGIS backend (issue 4) runs the same suite.

use geo::{Geometry, MultiPolygon, line_string, point, polygon};
use landtrace_domain::LayerKind;
use landtrace_domain::units::instant::{Instant, parse_rfc3339};
use landtrace_store::{Actor, GeoPackageStore, HistoryQuery, IdempotencyKey, NewFeature, Store, StoreError};
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

/// More features than one statement takes (inserts are batched): every one
/// written, numbered in order, and audited in order with its own id.
async fn large_batches_are_written_in_order(store: &dyn Store) {
    const N: usize = 5200;
    let points: Vec<NewFeature> = (0..N)
        .map(|i| {
            let mut f = origin_point(&format!("批量{i}"));
            f.geometry = Some(point!(x: 110.0 + i as f64 * 1e-4, y: 35.14).into());
            f
        })
        .collect();
    let audit_before = store.audit_all().await.unwrap().len();
    let actor = Actor("batch-test".into());
    let ids = store
        .insert_many(
            vec![(LayerKind::OriginPoints, points.clone()), (LayerKind::UrbanGradeZones, vec![zone(3)])],
            &actor,
        )
        .await
        .unwrap();
    assert_eq!((ids.len(), ids[0].len(), ids[1].len()), (2, N, 1));
    assert!(ids[0].windows(2).all(|w| w[0] < w[1]), "ids increase in input order");

    let back = store.features(LayerKind::OriginPoints).await.unwrap();
    let back = &back[back.len() - N..];
    assert_eq!(back.iter().map(|f| f.id).collect::<Vec<_>>(), ids[0]);
    for (f, p) in back.iter().zip(&points) {
        assert_eq!((&f.geometry, &f.properties["subject_name"]), (&p.geometry, &p.properties["subject_name"]));
    }

    let audit = store.audit_all().await.unwrap();
    assert_eq!(audit.len(), audit_before + N + 1, "one audit row per feature");
    let new = &audit[audit_before..];
    assert!(new.windows(2).all(|w| w[0].id < w[1].id));
    for (i, (a, p)) in new.iter().zip(&points).enumerate() {
        assert_eq!((a.action.as_str(), a.layer.as_str(), a.fid), ("insert", "origin_points", ids[0][i]));
        assert_eq!(a.actor, "batch-test");
        let after = a.after.as_ref().unwrap();
        assert_eq!(after["id"], ids[0][i]);
        assert_eq!(after["properties"]["subject_name"], p.properties["subject_name"]);
    }
    let last = &new[N];
    assert_eq!((last.layer.as_str(), last.fid), ("urban_grade_zones", ids[1][0]));
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

/// A grade-1 zone whose ring has `vertices` positions (closed), around the county seat.
fn zone_with_vertices(vertices: usize) -> NewFeature {
    let n = vertices - 1;
    let ring: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            (110.77 + 0.01 * a.cos(), 35.14 + 0.01 * a.sin())
        })
        .collect();
    let polygon = geo::Polygon::new(geo::LineString::from(ring), vec![]);
    NewFeature { geometry: Some(polygon.into()), properties: props(json!({"grade": 1, "accuracy": "illustrative"})) }
}

async fn empty_and_oversized_inputs_write_nothing(store: &dyn Store) {
    let before = store.counts().await.unwrap();
    let audit_before = store.audit(1000).await.unwrap().len();
    let a = Actor("limits".into());

    let err = store.insert(LayerKind::UrbanGradeZones, Vec::new(), &a).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.is_empty_input()), "{err}");
    assert_eq!(err.to_string(), "input for layer urban_grade_zones has no features; nothing was stored");
    let err = store
        .insert_many(vec![(LayerKind::UrbanGradeZones, Vec::new()), (LayerKind::OriginPoints, Vec::new())], &a)
        .await
        .unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.is_empty_input()), "{err}");

    let limit = landtrace_domain::input_limits::MAX_VERTICES_PER_GEOMETRY as usize;
    let err =
        store.insert(LayerKind::UrbanGradeZones, vec![zone(1), zone_with_vertices(limit + 1)], &a).await.unwrap_err();
    let StoreError::LimitExceeded(e) = &err else { panic!("expected a limit error, got {err}") };
    assert!(!e.whole_request(), "one geometry too large: 422, not 413");
    assert_eq!(
        err.to_string(),
        "feature #2 for layer urban_grade_zones has 200,001 vertices; at most 200,000 are accepted in one geometry \
         (input limit): simplify it or split it into parts; nothing was stored"
    );
    // Eleven geometries within their limit, over the request's together.
    let big = zone_with_vertices(190_000);
    let err = store.insert(LayerKind::UrbanGradeZones, vec![big; 11], &a).await.unwrap_err();
    let StoreError::LimitExceeded(e) = &err else { panic!("expected a limit error, got {err}") };
    assert!(e.whole_request(), "{err}");
    assert!(
        err.to_string().starts_with("the input for layer urban_grade_zones has 2,090,000 vertices in all"),
        "{err}"
    );
    let many = vec![origin_point("多"); landtrace_domain::input_limits::MAX_FEATURES_PER_REQUEST as usize + 1];
    let err = store.insert(LayerKind::OriginPoints, many, &a).await.unwrap_err();
    assert!(matches!(&err, StoreError::LimitExceeded(e) if e.whole_request()), "{err}");
    assert!(err.to_string().starts_with("the input for layer origin_points has 100,001 features"), "{err}");

    // An update is held to the per-geometry limit too.
    let ids = store.insert(LayerKind::UrbanGradeZones, vec![zone(2)], &a).await.unwrap();
    let stored = store.features(LayerKind::UrbanGradeZones).await.unwrap();
    let audit_now = store.audit(1000).await.unwrap().len();
    let err = store.update(LayerKind::UrbanGradeZones, ids[0], zone_with_vertices(limit + 1), &a).await.unwrap_err();
    assert!(matches!(&err, StoreError::LimitExceeded(e) if !e.whole_request()), "{err}");
    assert_eq!(store.features(LayerKind::UrbanGradeZones).await.unwrap(), stored);
    assert_eq!(store.audit(1000).await.unwrap().len(), audit_now);
    store.delete(LayerKind::UrbanGradeZones, ids[0], &a).await.unwrap();
    let _ = (before, audit_before);
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

fn sponge_facility(name: &str, geometry: Geometry<f64>) -> NewFeature {
    NewFeature {
        geometry: Some(geometry),
        properties: props(json!({
            "name": name, "kind": "下沉式绿地", "project": "示例项目", "status": "建成",
            "area_m2": 800.0, "storage_depth_m": 0.15, "accuracy": "illustrative",
        })),
    }
}

async fn feature(store: &dyn Store, kind: LayerKind, id: i64) -> Option<landtrace_store::Feature> {
    store.features(kind).await.unwrap().into_iter().find(|f| f.id == id)
}

async fn updates_replace_the_feature_and_are_audited(store: &dyn Store) {
    let ids = store.insert(LayerKind::OriginPoints, vec![origin_point("壬")], &Actor("a".into())).await.unwrap();
    let id = ids[0];
    let others = store.features(LayerKind::OriginPoints).await.unwrap();
    let mut changed = origin_point("壬（更新）");
    changed.geometry = Some(point!(x: 110.78, y: 35.15).into());
    changed.properties.insert("scale".into(), json!(20));
    changed.properties.insert("collected_on".into(), json!("2023-06-05"));
    changed.properties.insert("updated_on".into(), json!("2023-07-05"));
    changed.properties.insert("industrialised".into(), json!(0));
    changed.properties.insert("updated_by".into(), json!("editor"));
    changed.properties.remove("market_date");
    store.update(LayerKind::OriginPoints, id, changed, &Actor("editor".into())).await.unwrap();

    let f = feature(store, LayerKind::OriginPoints, id).await.unwrap();
    assert_eq!(f.geometry, Some(point!(x: 110.78, y: 35.15).into()));
    assert_eq!(f.properties["subject_name"], "壬（更新）");
    assert_eq!(f.properties["scale"], 20.0);
    assert_eq!(f.properties["collected_on"], "2023-06-05");
    assert_eq!(f.properties["industrialised"], 0);
    assert_eq!(f.properties["updated_by"], "editor");
    assert!(!f.properties.contains_key("market_date"), "an update replaces every field");
    let now = store.features(LayerKind::OriginPoints).await.unwrap();
    assert_eq!(now.len(), others.len(), "an update adds no feature");
    for (a, b) in now.iter().zip(&others).filter(|(a, _)| a.id != id) {
        assert_eq!(a, b, "other features are unchanged");
    }

    let audit = store.audit(2).await.unwrap();
    let last = &audit[0];
    assert_eq!(
        (last.action.as_str(), last.layer.as_str(), last.fid, last.actor.as_str()),
        ("update", "origin_points", id, "editor")
    );
    assert_eq!(audit[1].action, "insert", "exactly one audit row for the update");
    let before = last.before.as_ref().unwrap();
    let after = last.after.as_ref().unwrap();
    assert_eq!(before["properties"]["subject_name"], "壬");
    assert_eq!(before["properties"]["market_date"], "2023-06-01");
    assert_eq!(before["geometry"]["coordinates"], json!([110.77, 35.14]));
    assert_eq!(after["properties"]["subject_name"], "壬（更新）");
    assert_eq!(after["geometry"]["coordinates"], json!([110.78, 35.15]));
    assert_eq!((before["id"].as_i64(), after["id"].as_i64()), (Some(id), Some(id)));
}

async fn a_rejected_update_changes_nothing(store: &dyn Store) {
    let ids = store.insert(LayerKind::OriginPoints, vec![origin_point("癸")], &Actor("a".into())).await.unwrap();
    let before = store.features(LayerKind::OriginPoints).await.unwrap();
    let audit_before = store.audit(1000).await.unwrap().len();
    let mut bad = origin_point("癸");
    bad.properties.insert("product".into(), json!("榴莲"));
    let err = store.update(LayerKind::OriginPoints, ids[0], bad, &Actor("a".into())).await.unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.layer == "origin_points"), "{err}");
    assert!(err.to_string().contains("product"), "{err}");
    let mut bad = origin_point("癸");
    bad.geometry = Some(zone(1).geometry.unwrap());
    let err = store.update(LayerKind::OriginPoints, ids[0], bad, &Actor("a".into())).await.unwrap_err();
    assert!(err.to_string().contains("expected a Point"), "{err}");
    assert_eq!(store.features(LayerKind::OriginPoints).await.unwrap(), before, "nothing changed");
    assert_eq!(store.audit(1000).await.unwrap().len(), audit_before, "no audit row for a rejected update");
}

async fn unknown_ids_are_not_found(store: &dyn Store) {
    let audit_before = store.audit(1000).await.unwrap().len();
    let counts = store.counts().await.unwrap();
    let err = store.update(LayerKind::OriginPoints, 999_999, origin_point("无"), &Actor("a".into())).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { layer: "origin_points", fid: 999_999 }), "{err}");
    assert_eq!(err.to_string(), "layer origin_points has no feature 999999");
    let err = store.delete(LayerKind::UrbanGradeZones, -1, &Actor("a".into())).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { layer: "urban_grade_zones", fid: -1 }), "{err}");
    // An id of another layer is not found either.
    let id = store.features(LayerKind::OriginPoints).await.unwrap().last().unwrap().id;
    let other = store.features(LayerKind::UrbanGradeZones).await.unwrap().iter().map(|f| f.id).max().unwrap();
    if id > other {
        let err = store.delete(LayerKind::UrbanGradeZones, id, &Actor("a".into())).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    }
    assert_eq!(store.counts().await.unwrap(), counts);
    assert_eq!(store.audit(1000).await.unwrap().len(), audit_before);
}

async fn deletes_remove_and_are_audited(store: &dyn Store) {
    let ids = store.insert(LayerKind::UrbanGradeZones, vec![zone(2), zone(3)], &Actor("a".into())).await.unwrap();
    let before = count(store, LayerKind::UrbanGradeZones).await;
    store.delete(LayerKind::UrbanGradeZones, ids[0], &Actor("remover".into())).await.unwrap();
    assert_eq!(count(store, LayerKind::UrbanGradeZones).await, before - 1);
    assert!(feature(store, LayerKind::UrbanGradeZones, ids[0]).await.is_none());
    assert!(feature(store, LayerKind::UrbanGradeZones, ids[1]).await.is_some());
    let last = &store.audit(1).await.unwrap()[0];
    assert_eq!(
        (last.action.as_str(), last.layer.as_str(), last.fid, last.actor.as_str()),
        ("delete", "urban_grade_zones", ids[0], "remover")
    );
    assert!(last.after.is_none());
    let before = last.before.as_ref().unwrap();
    assert_eq!(before["properties"]["grade"], 2);
    assert_eq!(before["geometry"]["type"], "MultiPolygon");
    // Deleted twice: not found; a new feature does not reuse the id.
    let err = store.delete(LayerKind::UrbanGradeZones, ids[0], &Actor("a".into())).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let new = store.insert(LayerKind::UrbanGradeZones, vec![zone(1)], &Actor("a".into())).await.unwrap();
    assert!(new[0] > ids[1], "{new:?} after {ids:?}");
    // Attribute-only layers update and delete too.
    let village = NewFeature {
        geometry: None,
        properties: props(json!({"code": "140821100201", "name": "某村", "township_code": "140821100"})),
    };
    let id = store.insert(LayerKind::Villages, vec![village.clone()], &Actor("a".into())).await.unwrap()[0];
    let mut renamed = village;
    renamed.properties.insert("name".into(), json!("某某村"));
    store.update(LayerKind::Villages, id, renamed, &Actor("a".into())).await.unwrap();
    assert_eq!(feature(store, LayerKind::Villages, id).await.unwrap().properties["name"], "某某村");
    store.delete(LayerKind::Villages, id, &Actor("a".into())).await.unwrap();
    assert!(feature(store, LayerKind::Villages, id).await.is_none());
}

async fn sponge_facilities_are_points_or_polygons(store: &dyn Store) {
    let square =
        polygon![(x: 110.770, y: 35.140), (x: 110.771, y: 35.140), (x: 110.771, y: 35.141), (x: 110.770, y: 35.141)];
    let ids = store
        .insert(
            LayerKind::SpongeFacilities,
            vec![
                sponge_facility("示例调蓄池", point!(x: 110.772, y: 35.142).into()),
                sponge_facility("示例下沉式绿地", square.clone().into()),
            ],
            &Actor("a".into()),
        )
        .await
        .unwrap();
    let point = feature(store, LayerKind::SpongeFacilities, ids[0]).await.unwrap();
    assert_eq!(point.geometry, Some(point!(x: 110.772, y: 35.142).into()));
    let area = feature(store, LayerKind::SpongeFacilities, ids[1]).await.unwrap();
    assert_eq!(area.geometry, Some(MultiPolygon(vec![square.clone()]).into()), "a Polygon is stored as a MultiPolygon");
    assert_eq!(area.properties["storage_depth_m"], 0.15);
    // A point becomes a polygon and back.
    store
        .update(LayerKind::SpongeFacilities, ids[0], sponge_facility("示例调蓄池", square.into()), &Actor("a".into()))
        .await
        .unwrap();
    assert!(matches!(
        feature(store, LayerKind::SpongeFacilities, ids[0]).await.unwrap().geometry,
        Some(Geometry::MultiPolygon(_))
    ));
    store
        .update(
            LayerKind::SpongeFacilities,
            ids[1],
            sponge_facility("示例下沉式绿地", point!(x: 110.7705, y: 35.1405).into()),
            &Actor("a".into()),
        )
        .await
        .unwrap();
    assert!(matches!(
        feature(store, LayerKind::SpongeFacilities, ids[1]).await.unwrap().geometry,
        Some(Geometry::Point(_))
    ));
    // Lines are refused.
    let line: Geometry<f64> = line_string![(x: 110.77, y: 35.14), (x: 110.78, y: 35.15)].into();
    let err = store.insert(LayerKind::SpongeFacilities, vec![sponge_facility("线", line)], &Actor("a".into())).await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");

    // The new project layer.
    let project = NewFeature {
        geometry: Some(zone(1).geometry.unwrap()),
        properties: props(json!({
            "name": "示例项目", "project_type": "改建", "status": "在建",
            "surfaces": "屋面=6000;混凝土或沥青路面=5000;绿地=7000", "target_percent": 80,
            "accuracy": "illustrative",
        })),
    };
    let ids = store.insert(LayerKind::SpongeProjects, vec![project], &Actor("a".into())).await.unwrap();
    let back = feature(store, LayerKind::SpongeProjects, ids[0]).await.unwrap();
    assert_eq!(back.properties["target_percent"], 80.0);
    assert_eq!(back.properties["surfaces"], "屋面=6000;混凝土或沥青路面=5000;绿地=7000");
}

/// The whole suite on an empty store.
pub async fn run_suite(store: &dyn Store) {
    store.ping().await.unwrap();
    assert_eq!(count(store, LayerKind::UrbanGradeZones).await, 0);
    writes_read_back_exactly(store).await;
    large_batches_are_written_in_order(store).await;
    a_rejected_batch_writes_nothing(store).await;
    empty_and_oversized_inputs_write_nothing(store).await;
    every_write_is_audited(store).await;
    updates_replace_the_feature_and_are_audited(store).await;
    a_rejected_update_changes_nothing(store).await;
    unknown_ids_are_not_found(store).await;
    deletes_remove_and_are_audited(store).await;
    sponge_facilities_are_points_or_polygons(store).await;
    keyed_writes_happen_once(store).await;
    history_is_queryable(store).await;
    versions_guard_replaces_and_deletes(store).await;
    unique_fields_stay_unique(store).await;
    accounts_are_kept_and_audited(store).await;
    photos_are_stored_listed_and_audited(store).await;
    track_checks_are_recorded(store).await;
}

/// Accounts: created, changed, tokens issued and revoked, each audited without
/// a secret, the version moving with every change; refused changes write nothing.
async fn accounts_are_kept_and_audited(store: &dyn Store) {
    use landtrace_store::{AccountChange, TOKEN_API, TOKEN_SESSION};
    let admin = Actor("admin (admin)".into());
    let empty = store.accounts().await.unwrap();
    assert!(empty.accounts.is_empty() && empty.tokens.is_empty());
    assert_eq!(store.accounts_version().await.unwrap(), empty.version);
    let phc = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".to_owned();
    let create =
        AccountChange::Create { name: "li.si".into(), role: "traffic".into(), password_phc: Some(phc.clone()) };
    assert_eq!(store.change_account(&create, &admin).await.unwrap(), 0);
    let taken = store.change_account(&create, &admin).await.unwrap_err();
    assert!(matches!(&taken, StoreError::Refused(m) if m.contains("li.si")), "{taken}");
    let one = store.accounts().await.unwrap();
    assert!(one.version > empty.version);
    assert_eq!(one.accounts.len(), 1);
    let a = &one.accounts[0];
    assert_eq!(
        (a.name.as_str(), a.role.as_str(), a.disabled, a.password_phc.as_deref()),
        ("li.si", "traffic", false, Some(phc.as_str()))
    );
    assert!(!format!("{a:?}").contains("argon2"), "Debug shows no hash");

    let now = "2026-12-07T10:00:00Z".to_owned();
    let add = |kind: &str, hash: &str, expires: Option<&str>| AccountChange::AddToken {
        account: "li.si".into(),
        token_sha256: hash.into(),
        kind: kind.into(),
        label: "test".into(),
        expires_at: expires.map(str::to_owned),
        now: now.clone(),
    };
    let session =
        store.change_account(&add(TOKEN_SESSION, &"a".repeat(64), Some("2026-12-07T22:00:00Z")), &admin).await.unwrap();
    let api = store.change_account(&add(TOKEN_API, &"b".repeat(64), None), &admin).await.unwrap();
    assert!(session > 0 && api > session);
    let unknown = AccountChange::AddToken {
        account: "nobody".into(),
        token_sha256: "c".repeat(64),
        kind: TOKEN_API.into(),
        label: String::new(),
        expires_at: None,
        now: now.clone(),
    };
    assert!(matches!(store.change_account(&unknown, &admin).await, Err(StoreError::Refused(_))));
    let snap = store.accounts().await.unwrap();
    assert_eq!(
        snap.tokens.iter().map(|t| (t.id, t.kind.as_str())).collect::<Vec<_>>(),
        [(session, TOKEN_SESSION), (api, TOKEN_API)]
    );
    assert_eq!(snap.tokens[0].expires_at.as_deref(), Some("2026-12-07T22:00:00Z"));

    // A password reset ends the sessions, not the API tokens; disabling is kept.
    let reset = AccountChange::Update {
        name: "li.si".into(),
        role: Some("housing".into()),
        disabled: Some(true),
        password_phc: Some(format!("{phc}x")),
        now: now.clone(),
    };
    store.change_account(&reset, &admin).await.unwrap();
    let snap = store.accounts().await.unwrap();
    assert_eq!(snap.tokens.iter().map(|t| t.id).collect::<Vec<_>>(), [api]);
    let a = &snap.accounts[0];
    assert_eq!((a.role.as_str(), a.disabled, a.updated_at.as_str()), ("housing", true, now.as_str()));
    let missing = AccountChange::Update {
        name: "nobody".into(),
        role: None,
        disabled: None,
        password_phc: None,
        now: now.clone(),
    };
    assert!(matches!(store.change_account(&missing, &admin).await, Err(StoreError::Refused(_))));

    // Revoking: by id (an admin), by hash (signing out); twice is refused / nothing.
    let revoke = AccountChange::RevokeToken { account: "li.si".into(), id: api, now: now.clone() };
    store.change_account(&revoke, &admin).await.unwrap();
    assert!(matches!(store.change_account(&revoke, &admin).await, Err(StoreError::Refused(_))));
    let s2 =
        store.change_account(&add(TOKEN_SESSION, &"d".repeat(64), Some("2026-12-07T22:00:00Z")), &admin).await.unwrap();
    let out = AccountChange::RevokeTokenHash { token_sha256: "d".repeat(64), now: now.clone() };
    store.change_account(&out, &admin).await.unwrap();
    let before = store.accounts_version().await.unwrap();
    store.change_account(&out, &admin).await.unwrap();
    assert_eq!(store.accounts_version().await.unwrap(), before, "signing out twice changes nothing");
    assert!(store.accounts().await.unwrap().tokens.is_empty(), "{s2} revoked");

    let audit = store.account_audit(100).await.unwrap();
    let actions: Vec<&str> = audit.iter().rev().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["create", "sign_in", "token_issued", "update", "token_revoked", "sign_in", "sign_out"]);
    assert_eq!(audit[0].id, before);
    assert!(audit.iter().all(|r| r.actor == admin.0 && r.account == "li.si"));
    let update = audit.iter().find(|r| r.action == "update").unwrap();
    let (b, af): (Value, Value) = (
        serde_json::from_str(update.before.as_deref().unwrap()).unwrap(),
        serde_json::from_str(update.after.as_deref().unwrap()).unwrap(),
    );
    assert_eq!(
        (b["role"].as_str(), af["role"].as_str(), af["disabled"].as_bool(), af["password_changed"].as_bool()),
        (Some("traffic"), Some("housing"), Some(true), Some(true))
    );
    for row in &audit {
        let text = format!("{:?}{:?}", row.before, row.after);
        assert!(
            !text.contains("argon2") && !text.contains(&"a".repeat(64)) && !text.contains(&"b".repeat(64)),
            "{text}"
        );
    }
}

/// Photos of records (issue 16): stored with their metadata, listed per record,
/// read back byte for byte, audited without their bytes, once per idempotency
/// key, refused for an unknown record, deleted with an audit row.
async fn photos_are_stored_listed_and_audited(store: &dyn Store) {
    use landtrace_store::NewPhoto;
    let actor = Actor("photo-taker (agriculture)".into());
    let record = store.insert(LayerKind::OriginPoints, vec![origin_point("拍照")], &actor).await.unwrap()[0];
    let jpeg: Vec<u8> = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 3000][..], &[0xFF, 0xD9][..]].concat();
    let photo = |data: &[u8]| NewPhoto { record_id: record, media_type: "image/jpeg".into(), data: data.to_vec() };
    let history = store.audit_all().await.unwrap().len();
    let first = store.add_photo_keyed(photo(&jpeg), &actor, Some(&key("p1", 'a'))).await.unwrap();
    assert!(!first.replayed);
    let meta = first.value;
    assert_eq!((meta.record_id, meta.bytes, meta.media_type.as_str()), (record, 3006, "image/jpeg"));
    assert_eq!(meta.sha256.len(), 64);
    assert_eq!(meta.created_by, actor.0);
    assert!(parse_rfc3339(&meta.created_at).is_ok(), "{}", meta.created_at);
    let again = store.add_photo_keyed(photo(&jpeg), &actor, Some(&key("p1", 'a'))).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.value, meta, "a repeated upload answers with the first photo");
    let second = store.add_photo_keyed(photo(b"\x89PNG other"), &actor, None).await.unwrap().value;
    assert_eq!(store.photos(record).await.unwrap(), vec![meta.clone(), second.clone()]);
    assert!(store.photos(record + 1_000_000).await.unwrap().is_empty());
    let (back, bytes) = store.photo(meta.id).await.unwrap().unwrap();
    assert_eq!((back, bytes), (meta.clone(), jpeg.clone()));
    assert!(store.photo(second.id + 1000).await.unwrap().is_none());

    let audit = store.audit_all().await.unwrap();
    assert_eq!(audit.len(), history + 2, "one audit row per stored photo, none for the replay");
    let row = &audit[history];
    assert_eq!((row.layer.as_str(), row.fid, row.action.as_str()), ("landtrace_record_photos", meta.id, "insert"));
    assert_eq!(row.after.as_ref().unwrap()["properties"]["sha256"], meta.sha256);
    assert!(!row.after.as_ref().unwrap().to_string().contains("7,7,7"), "no bytes in the audit trail");

    let err = store
        .add_photo_keyed(NewPhoto { record_id: record + 1_000_000, ..photo(&jpeg) }, &actor, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { layer: "origin_points", .. }), "{err}");
    assert_eq!(store.audit_all().await.unwrap().len(), history + 2, "a refused photo writes nothing");

    for replayed in [false, true] {
        let out = store.delete_photo_keyed(second.id, &actor, Some(&key("pd", 'b'))).await.unwrap();
        assert_eq!((out.replayed, out.value.id), (replayed, second.id));
    }
    let err = store.delete_photo_keyed(second.id, &actor, None).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert_eq!(store.photos(record).await.unwrap(), vec![meta]);
    let audit = store.audit_all().await.unwrap();
    let last = audit.last().unwrap();
    assert_eq!((last.fid, last.action.as_str(), last.after.is_none()), (second.id, "delete", true));
    assert_eq!(last.before.as_ref().unwrap()["properties"]["media_type"], "image/jpeg");

    // Deleting the record deletes its photos in the same transaction, each audited.
    let kept = store.photos(record).await.unwrap();
    assert_eq!(kept.len(), 1);
    store.delete(LayerKind::OriginPoints, record, &actor).await.unwrap();
    assert!(store.photos(record).await.unwrap().is_empty());
    assert!(store.photo(kept[0].id).await.unwrap().is_none());
    let audit = store.audit_all().await.unwrap();
    assert!(audit.iter().any(|a| a.layer == "landtrace_record_photos" && a.fid == kept[0].id && a.action == "delete"));
}

/// Track-check summaries: written, read back exactly in order, filtered by time;
/// a bad summary is refused and writes nothing; no feature or audit row is touched.
async fn track_checks_are_recorded(store: &dyn Store) {
    use landtrace_store::TrackCheck;
    let audit_before = store.audit_all().await.unwrap().len();
    let first = TrackCheck {
        checked_at_ms: 1_701_388_800_123,
        checked_by: "traffic".into(),
        door: "http".into(),
        plate: Some("晋M12345".into()),
        violations: 2,
        fixes: 345,
        track_from_ms: Some(1_701_300_000_000),
        track_to_ms: Some(1_701_303_600_500),
    };
    let second = TrackCheck {
        checked_at_ms: 1_701_993_600_000,
        checked_by: "cli".into(),
        door: "cli".into(),
        plate: None,
        violations: 0,
        fixes: 1,
        track_from_ms: None,
        track_to_ms: None,
    };
    let a = store.record_track_check(&first).await.unwrap();
    let b = store.record_track_check(&second).await.unwrap();
    assert!(a < b);
    let all = store.track_checks(None).await.unwrap();
    assert_eq!(
        all.iter().map(|c| (c.id, c.check.clone())).collect::<Vec<_>>(),
        vec![(a, first.clone()), (b, second.clone())]
    );
    let since = store.track_checks(Some(first.checked_at_ms + 1)).await.unwrap();
    assert_eq!(since.iter().map(|c| c.id).collect::<Vec<_>>(), vec![b]);
    for bad in [
        TrackCheck { door: "ftp".into(), ..first.clone() },
        TrackCheck { plate: Some("x".repeat(40)), ..first.clone() },
        TrackCheck { checked_by: String::new(), ..first.clone() },
        TrackCheck { track_from_ms: Some(10), track_to_ms: Some(5), ..first.clone() },
    ] {
        let err = store.record_track_check(&bad).await.unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{err}");
    }
    assert_eq!(store.track_checks(None).await.unwrap().len(), 2, "refused summaries write nothing");
    assert_eq!(store.audit_all().await.unwrap().len(), audit_before, "a summary is not a feature write");
}

fn producer(id: &str) -> NewFeature {
    NewFeature {
        geometry: None,
        properties: props(json!({"producer_id": id, "id_kind": "平台编号", "name": "测试主体",
            "subject_type": "家庭农场", "accuracy": "illustrative"})),
    }
}

/// `LayerKind::unique_fields` (issue 15: the producer register's identifier) are kept
/// unique by the store itself: a second producer with a taken identifier is refused,
/// in another write or in the same one, and nothing of that write is stored.
async fn unique_fields_stay_unique(store: &dyn Store) {
    let kind = LayerKind::Producers;
    assert_eq!(kind.unique_fields(), ["producer_id"]);
    let actor = Actor("unique (agriculture)".into());
    let before = count(store, kind).await;
    store.insert(kind, vec![producer("ZT140821-000777")], &actor).await.unwrap();
    let audit = store.audit_all().await.unwrap().len();
    for batch in [vec![producer("ZT140821-000777")], vec![producer("ZT140821-000778"), producer("ZT140821-000778")]] {
        let err = store.insert(kind, batch, &actor).await.unwrap_err();
        assert!(err.is_unique_violation(), "expected a unique violation, got {err}");
    }
    assert_eq!(count(store, kind).await, before + 1, "the refused writes stored nothing");
    assert_eq!(store.audit_all().await.unwrap().len(), audit, "and left no audit row");
}

fn freight_source(name: &str) -> NewFeature {
    NewFeature {
        geometry: Some(point!(x: 110.76, y: 35.13).into()),
        properties: props(json!({"name": name, "category": "砂石", "accuracy": "illustrative"})),
    }
}

/// The audit trail answers by layer, feature, time window and page, oldest first.
async fn history_is_queryable(store: &dyn Store) {
    let kind = LayerKind::FreightSources;
    let a = Actor("historian".into());
    let start = store.audit(1).await.unwrap().first().map_or(0, |r| r.id);
    let ids = store.insert(kind, vec![freight_source("甲"), freight_source("乙")], &a).await.unwrap();
    store.update(kind, ids[0], freight_source("甲（改）"), &a).await.unwrap();
    store.delete(kind, ids[1], &a).await.unwrap();
    // Rows of another layer between them are not answered.
    store.insert(LayerKind::UrbanGradeZones, vec![zone(3)], &a).await.unwrap();

    let layer = HistoryQuery { layer: Some(kind), after_id: Some(start), limit: 100, ..HistoryQuery::default() };
    let rows = store.history(&layer).await.unwrap();
    let seen: Vec<(&str, i64)> = rows.iter().map(|r| (r.action.as_str(), r.fid)).collect();
    assert_eq!(seen, [("insert", ids[0]), ("insert", ids[1]), ("update", ids[0]), ("delete", ids[1])]);
    assert!(rows.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    assert_eq!(rows[2].after.as_ref().unwrap()["properties"]["name"], "甲（改）");
    assert_eq!(rows[3].before.as_ref().unwrap()["properties"]["name"], "乙");

    let one = store.history(&HistoryQuery { fid: Some(ids[0]), ..layer.clone() }).await.unwrap();
    assert_eq!(one.iter().map(|r| r.id).collect::<Vec<_>>(), [rows[0].id, rows[2].id]);

    // Pages: two rows, then the two after the last one seen.
    let first = store.history(&HistoryQuery { limit: 2, ..layer.clone() }).await.unwrap();
    let next = store.history(&HistoryQuery { limit: 2, after_id: Some(first[1].id), ..layer.clone() }).await.unwrap();
    let paged: Vec<i64> = first.iter().chain(&next).map(|r| r.id).collect();
    assert_eq!(paged, rows.iter().map(|r| r.id).collect::<Vec<_>>());
    assert!(store.history(&HistoryQuery { limit: 0, ..layer.clone() }).await.unwrap().is_empty());

    // Time windows: inclusive, at the millisecond.
    let at = |text: &str| parse_rfc3339(text).unwrap();
    let secs = |i: Instant, d: i64| Instant::from_unix_seconds(i.unix_ms().div_euclid(1000) + d).unwrap();
    let (first_at, last_at) = (at(&rows[0].at), at(&rows[3].at));
    let window = HistoryQuery { since: Some(first_at), until: Some(secs(last_at, 1)), ..layer.clone() };
    assert_eq!(store.history(&window).await.unwrap().len(), 4);
    let before = HistoryQuery { until: Some(secs(first_at, -1)), ..layer.clone() };
    assert!(store.history(&before).await.unwrap().is_empty());
    let later = HistoryQuery { since: Some(secs(last_at, 3600)), ..layer.clone() };
    assert!(store.history(&later).await.unwrap().is_empty());

    // Without a layer, every layer's rows; with another layer, none of these.
    let all = store.history(&HistoryQuery { layer: None, ..layer.clone() }).await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[4].layer, "urban_grade_zones");
    let other = HistoryQuery { layer: Some(LayerKind::VillageClinics), ..layer };
    assert!(store.history(&other).await.unwrap().is_empty());
}

/// A feature's version is the same read back from the store as computed from
/// what was written; a replace or delete that names a stale version (someone
/// else changed the feature) is refused inside the transaction and writes
/// nothing, one that names the current version goes through.
async fn versions_guard_replaces_and_deletes(store: &dyn Store) {
    let kind = LayerKind::UrbanGradeZones;
    let actor = Actor("versions (admin)".into());
    let id = store.insert(kind, vec![zone(1)], &actor).await.unwrap()[0];
    let v1 = feature(store, kind, id).await.unwrap().version();
    assert_eq!(v1.len(), 16);
    store.update_keyed(kind, id, zone(2), &actor, None, Some(&v1)).await.unwrap();
    let v2 = feature(store, kind, id).await.unwrap().version();
    assert_ne!(v1, v2, "another content, another version");
    let audit = store.audit_all().await.unwrap().len();
    let err = store.update_keyed(kind, id, zone(3), &actor, None, Some(&v1)).await.unwrap_err();
    match &err {
        StoreError::VersionMismatch { expected, current, .. } => assert_eq!((expected, current), (&v1, &v2)),
        other => panic!("expected a version mismatch, got {other}"),
    }
    assert!(store.delete_keyed(kind, id, &actor, None, Some(&v1)).await.is_err());
    assert_eq!(feature(store, kind, id).await.unwrap().version(), v2, "the stale writes changed nothing");
    assert_eq!(store.audit_all().await.unwrap().len(), audit, "and left no audit row");
    store.delete_keyed(kind, id, &actor, None, Some(&v2)).await.unwrap();
    assert!(feature(store, kind, id).await.is_none());
}

fn key(key: &str, digest: char) -> IdempotencyKey {
    IdempotencyKey { key: key.to_owned(), request_sha256: digest.to_string().repeat(64) }
}

/// A write with an idempotency key happens once: a repeat answers with the
/// first outcome and writes nothing (no feature, no audit row), the same key
/// for another request is refused, keys are per actor, and two concurrent
/// requests with one key write once.
async fn keyed_writes_happen_once(store: &dyn Store) {
    let kind = LayerKind::UrbanGradeZones;
    let actor = Actor("keyed (admin)".into());
    let first =
        store.insert_many_keyed(vec![(kind, vec![zone(3), zone(2)])], &actor, Some(&key("k1", 'a'))).await.unwrap();
    assert!(!first.replayed);
    let (features, history) = (count(store, kind).await, store.audit_all().await.unwrap().len());
    let again =
        store.insert_many_keyed(vec![(kind, vec![zone(3), zone(2)])], &actor, Some(&key("k1", 'a'))).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.value, first.value, "the first write's ids");
    assert_eq!((count(store, kind).await, store.audit_all().await.unwrap().len()), (features, history));
    let err = store.insert_many_keyed(vec![(kind, vec![zone(1)])], &actor, Some(&key("k1", 'b'))).await.unwrap_err();
    assert!(matches!(err, StoreError::IdempotencyKeyReused { .. }), "{err}");
    assert!(err.to_string().contains("k1"), "{err}");
    let other = Actor("someone-else (land)".into());
    let theirs = store.insert_many_keyed(vec![(kind, vec![zone(1)])], &other, Some(&key("k1", 'b'))).await.unwrap();
    assert!(!theirs.replayed, "keys belong to their actor");

    let id = first.value[0][0];
    for replayed in [false, true] {
        let out = store.update_keyed(kind, id, zone(2), &actor, Some(&key("u1", 'c')), None).await.unwrap();
        assert_eq!(out.replayed, replayed);
    }
    for replayed in [false, true] {
        let out = store.delete_keyed(kind, id, &actor, Some(&key("d1", 'd')), None).await.unwrap();
        assert_eq!(out.replayed, replayed, "a repeated delete answers as the first did, not 404");
    }
    let history = store.audit_all().await.unwrap();
    assert_eq!(history.iter().filter(|a| a.fid == id && a.action == "update").count(), 1);
    assert_eq!(history.iter().filter(|a| a.fid == id && a.action == "delete").count(), 1);

    let before = count(store, kind).await;
    let k = key("concurrent", 'e');
    let (a, b) = tokio::join!(
        store.insert_many_keyed(vec![(kind, vec![zone(1)])], &actor, Some(&k)),
        store.insert_many_keyed(vec![(kind, vec![zone(1)])], &actor, Some(&k)),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.value, b.value);
    assert!(a.replayed != b.replayed, "one wrote, the other answered from it");
    assert_eq!(count(store, kind).await, before + 1);
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

fn parcel_layer(name: &str) -> landtrace_domain::UserLayerDef {
    use landtrace_domain::{FieldType, GeometryKind, UserField, ZoomRange};
    landtrace_domain::UserLayerDef {
        name: name.to_owned(),
        title_zh: "宗地".into(),
        title_en: "Cadastral parcels".into(),
        geometry: GeometryKind::MultiPolygon,
        fields: vec![
            UserField { name: "zddm".into(), title: None, ty: FieldType::Text, required: true, personal: false },
            UserField { name: "qlr".into(), title: None, ty: FieldType::Text, required: false, personal: true },
            UserField { name: "area_m2".into(), title: None, ty: FieldType::Real, required: false, personal: false },
            UserField { name: "djrq".into(), title: None, ty: FieldType::Date, required: false, personal: false },
        ],
        owner: "land".into(),
        public: true,
        tiles: Some(ZoomRange { min: 10, max: 18 }),
        locate: true,
    }
}

/// A user-defined layer: created with its table in one transaction, then
/// written, read, counted and checked like a built-in one; a taken name or a
/// bad definition is refused and writes nothing.
async fn user_defined_layers(store: &dyn Store, reopen: impl AsyncFnOnce() -> Box<dyn Store>) {
    let actor = Actor("land.zhang (land)".into());
    let def = parcel_layer("zongdi");
    let kind = store.create_layer(&def, &actor).await.unwrap();
    assert_eq!(kind.table_name(), "zongdi");
    assert_eq!(LayerKind::from_table_name("zongdi"), Some(kind));
    assert_eq!(store.layer_definitions().await.unwrap(), std::slice::from_ref(&def));
    assert_eq!(count(store, kind).await, 0);

    let parcel = |code: &str| {
        let mut f = zone(1);
        f.properties = props(json!({"zddm": code, "qlr": "张三", "area_m2": 1234.5, "djrq": "2024-03-01"}));
        f
    };
    let ids =
        store.insert(kind, vec![parcel("140821001001GB00001"), parcel("140821001001GB00002")], &actor).await.unwrap();
    let back = store.features(kind).await.unwrap();
    assert_eq!(back.iter().map(|f| f.id).collect::<Vec<_>>(), ids);
    assert_eq!(back[0].properties["zddm"], "140821001001GB00001");
    assert_eq!(back[0].properties["area_m2"], 1234.5);
    assert_eq!(back[0].properties["djrq"], "2024-03-01");
    let audit = store.audit(2).await.unwrap();
    assert!(audit.iter().all(|a| a.layer == "zongdi" && a.actor == actor.0), "{audit:?}");

    // The layer's own schema checks every write: a missing required field, a
    // wrong type and an unknown field are refused, and nothing is written.
    let mut bad = parcel("x");
    bad.properties.remove("zddm");
    let mut wrong_type = parcel("y");
    wrong_type.properties.insert("area_m2".into(), json!("很大"));
    for f in [bad, wrong_type] {
        let err = store.insert(kind, vec![parcel("z"), f], &actor).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
    assert_eq!(count(store, kind).await, 2);

    // Taken names and bad definitions are refused; nothing is created.
    for name in ["zongdi", "origin_points", "landtrace_audit"] {
        let err = store.create_layer(&parcel_layer(name), &actor).await.unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{name}: {err}");
    }
    // A free name under a title another layer has (user-defined or built-in).
    for title in ["宗地", " 宗地 ", "乡镇"] {
        let err = store
            .create_layer(&landtrace_domain::UserLayerDef { title_zh: title.into(), ..parcel_layer("zongdi2") }, &actor)
            .await
            .unwrap_err();
        assert!(matches!(&err, StoreError::Refused(m) if m.contains(&format!("titled {}", title.trim()))), "{err}");
    }
    let mut bad_def = parcel_layer("jbnt");
    bad_def.fields.push(bad_def.fields[0].clone());
    let err = store.create_layer(&bad_def, &actor).await.unwrap_err();
    assert!(err.to_string().contains("defined twice"), "{err}");
    assert_eq!(store.layer_definitions().await.unwrap().len(), 1);
    assert_eq!(LayerKind::from_table_name("jbnt"), None);

    // Opened again, the store lists the layer and its features.
    let again = reopen().await;
    assert_eq!(again.layer_definitions().await.unwrap(), [def]);
    assert_eq!(count(again.as_ref(), kind).await, 2);
}

#[tokio::test]
async fn geopackage_user_defined_layers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.gpkg");
    let store = GeoPackageStore::create(&path).await.unwrap();
    user_defined_layers(&store, async || Box::new(GeoPackageStore::open(&path).await.unwrap()) as Box<dyn Store>).await;
}

/// Zones scattered over the county, deterministic.
fn scattered_zones(n: usize, seed: usize) -> Vec<NewFeature> {
    (0..n)
        .map(|i| {
            let k = i * 7_919 + seed * 104_729;
            let (x, y) = (110.40 + (k % 5_000) as f64 * 1e-4, 34.96 + (k / 5_000 % 3_700) as f64 * 1e-4);
            let d = 2e-5 + (k % 13) as f64 * 1e-5;
            let p = polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)];
            NewFeature {
                geometry: Some(p.into()),
                properties: props(json!({"grade": 1 + (i % 3) as i64, "accuracy": "illustrative"})),
            }
        })
        .collect()
}

/// The boxes of an R-tree, by id, and what SQLite's own `rtreecheck` says of it.
async fn rtree_of(path: &std::path::Path, table: &str) -> (Vec<(i64, f64, f64, f64, f64)>, String, i64, i64) {
    use sqlx::{Connection, SqliteConnection};
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let rtree = format!("rtree_{table}_geom");
    let boxes =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT id, minx, maxx, miny, maxy FROM {rtree} ORDER BY id")))
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let check: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT rtreecheck('{rtree}')")))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let triggers: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?")
        .bind(format!("{rtree}_insert"))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let nodes: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {rtree}_node")))
        .fetch_one(&mut conn)
        .await
        .unwrap();
    (boxes, check, triggers, nodes)
}

/// A large insert loads the layer's R-tree in bulk: the index SQLite's
/// `rtreecheck` accepts, holding exactly the boxes the GeoPackage triggers put in
/// for the same features inserted in small batches, and the insert trigger back
/// in place for the writes after.
#[tokio::test]
async fn a_large_insert_loads_the_rtree_in_bulk_as_the_triggers_would() {
    let dir = tempfile::tempdir().unwrap();
    let actor = Actor("bulk".into());
    let (bulk_path, small_path) = (dir.path().join("bulk.gpkg"), dir.path().join("small.gpkg"));
    let bulk = GeoPackageStore::create(&bulk_path).await.unwrap();
    let small = GeoPackageStore::create(&small_path).await.unwrap();
    let first = scattered_zones(1_500, 1);
    let second = scattered_zones(12_000, 2);
    for store in [&bulk, &small] {
        store.insert(LayerKind::UrbanGradeZones, first.clone(), &actor).await.unwrap();
    }
    bulk.insert(LayerKind::UrbanGradeZones, second.clone(), &actor).await.unwrap();
    for chunk in second.chunks(1_000) {
        small.insert(LayerKind::UrbanGradeZones, chunk.to_vec(), &actor).await.unwrap();
    }
    // One more small write after the bulk one goes through the trigger.
    for store in [&bulk, &small] {
        store.insert(LayerKind::UrbanGradeZones, scattered_zones(3, 3), &actor).await.unwrap();
        store.close().await;
    }
    let (bulk_boxes, bulk_check, bulk_trigger, bulk_nodes) = rtree_of(&bulk_path, "urban_grade_zones").await;
    let (small_boxes, small_check, _, small_nodes) = rtree_of(&small_path, "urban_grade_zones").await;
    // Packed: full nodes, so fewer of them than box-by-box insertion leaves.
    assert!(bulk_nodes * 5 < small_nodes * 4, "{bulk_nodes} nodes packed, {small_nodes} inserted");
    assert_eq!(bulk_check, "ok");
    assert_eq!(small_check, "ok");
    assert_eq!(bulk_trigger, 1, "the insert trigger is back");
    assert_eq!(bulk_boxes.len(), 1_500 + 12_000 + 3);
    assert_eq!(bulk_boxes, small_boxes);
    // And the store reads back every feature.
    let again = GeoPackageStore::open(&bulk_path).await.unwrap();
    assert_eq!(count(&again, LayerKind::UrbanGradeZones).await, 13_503);
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

/// Turns a GeoPackage made by this version back into the layout of the version
/// before issue 7: no `sponge_projects` (nor, since issue 15, `producers`) layer, no
/// columns added since, and
/// `sponge_facilities` a POINT layer without `storage_depth_m`. Runs on a plain
/// SQLite connection (without the GeoPackage SQL functions, as any tool would).
async fn downgrade_to_the_layout_before_issue_7(path: &std::path::Path) {
    use sqlx::{Connection, Executor, SqliteConnection};
    let url = format!("sqlite://{}", path.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let triggers: String = include_str!("../sql/gpkg_rtree.sql")
        .split(";\n\n")
        .filter(|s| s.trim_start().starts_with("CREATE TRIGGER"))
        .map(|s| format!("{};\n", s.replace("{t}", "sponge_facilities").replace("{c}", "geom").replace("{i}", "fid")))
        .collect();
    let sql = format!(
        r#"
        BEGIN;
        DROP TABLE sponge_projects;
        DROP TABLE rtree_sponge_projects_geom;
        DELETE FROM gpkg_extensions WHERE table_name = 'sponge_projects';
        DELETE FROM gpkg_geometry_columns WHERE table_name = 'sponge_projects';
        DELETE FROM gpkg_contents WHERE table_name = 'sponge_projects';
        ALTER TABLE origin_points DROP COLUMN industrialised;
        ALTER TABLE origin_points DROP COLUMN collected_on;
        ALTER TABLE origin_points DROP COLUMN updated_on;
        ALTER TABLE origin_points DROP COLUMN created_at;
        ALTER TABLE origin_points DROP COLUMN created_by;
        ALTER TABLE origin_points DROP COLUMN updated_at;
        ALTER TABLE origin_points DROP COLUMN updated_by;
        ALTER TABLE origin_points DROP COLUMN producer_id;
        ALTER TABLE origin_points DROP COLUMN for_market;
        DROP TABLE producers;
        DELETE FROM gpkg_contents WHERE table_name = 'producers';
        ALTER TABLE waterlogging_points DROP COLUMN eliminated_on;
        CREATE TABLE "old_sponge" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT,
          "name" TEXT NOT NULL, "kind" TEXT NOT NULL, "project" TEXT, "responsible_unit" TEXT, "status" TEXT,
          "area_m2" REAL, "volume_m3" REAL, "accepted_on" DATE, "accuracy" TEXT NOT NULL, "source" TEXT);
        INSERT INTO old_sponge SELECT fid, geom, name, kind, project, responsible_unit, status, area_m2, volume_m3,
          accepted_on, accuracy, source FROM sponge_facilities;
        DROP TABLE sponge_facilities;
        ALTER TABLE old_sponge RENAME TO sponge_facilities;
        UPDATE sqlite_sequence SET seq = 40 WHERE name = 'sponge_facilities';
        UPDATE gpkg_geometry_columns SET geometry_type_name = 'POINT' WHERE table_name = 'sponge_facilities';
        {triggers}
        COMMIT;
        "#
    );
    conn.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn an_older_geopackage_gains_the_new_columns_and_layers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.gpkg");
    let store = GeoPackageStore::create(&path).await.unwrap();
    let a = Actor("a".into());
    let facilities = store
        .insert(
            LayerKind::SpongeFacilities,
            vec![
                sponge_facility("示例调蓄池", point!(x: 110.772, y: 35.142).into()),
                sponge_facility("示例雨水花园", point!(x: 110.773, y: 35.143).into()),
            ],
            &a,
        )
        .await
        .unwrap();
    let origin = store.insert(LayerKind::OriginPoints, vec![origin_point("旧")], &a).await.unwrap();
    let waterlog = NewFeature {
        geometry: Some(point!(x: 110.775, y: 35.14).into()),
        properties: props(json!({"name": "低洼处", "status": "治理中", "accuracy": "illustrative"})),
    };
    store.insert(LayerKind::WaterloggingPoints, vec![waterlog], &a).await.unwrap();
    store.close().await;
    downgrade_to_the_layout_before_issue_7(&path).await;

    let store = GeoPackageStore::open(&path).await.unwrap();
    // Old features read back; the fields added since are absent.
    let old = store.features(LayerKind::SpongeFacilities).await.unwrap();
    assert_eq!(old.iter().map(|f| f.id).collect::<Vec<_>>(), facilities);
    assert_eq!(old[0].geometry, Some(point!(x: 110.772, y: 35.142).into()));
    assert!(!old[0].properties.contains_key("storage_depth_m"));
    assert_eq!(old[0].properties["area_m2"], 800.0);
    let f = &store.features(LayerKind::OriginPoints).await.unwrap()[0];
    assert_eq!((f.id, &f.properties["subject_name"]), (origin[0], &json!("旧")));
    // New fields, the new geometry kind and the new layer are writable.
    let mut record = origin_point("旧");
    record.properties.insert("collected_on".into(), json!("2023-06-02"));
    record.properties.insert("created_by".into(), json!("demo"));
    store.update(LayerKind::OriginPoints, origin[0], record, &a).await.unwrap();
    let f = &store.features(LayerKind::OriginPoints).await.unwrap()[0];
    assert_eq!(f.properties["collected_on"], "2023-06-02");
    let square =
        polygon![(x: 110.770, y: 35.140), (x: 110.771, y: 35.140), (x: 110.771, y: 35.141), (x: 110.770, y: 35.141)];
    let ids = store
        .insert(LayerKind::SpongeFacilities, vec![sponge_facility("示例透水铺装", square.into())], &a)
        .await
        .unwrap();
    assert!(ids[0] > 40, "the id sequence survives the upgrade: {ids:?}");
    let all = store.features(LayerKind::SpongeFacilities).await.unwrap();
    assert!(matches!(all.last().unwrap().geometry, Some(Geometry::MultiPolygon(_))));
    assert_eq!(all.last().unwrap().properties["storage_depth_m"], 0.15);
    let mut waterlog = store.features(LayerKind::WaterloggingPoints).await.unwrap().remove(0);
    waterlog.properties.insert("status".into(), json!("已消除"));
    waterlog.properties.insert("eliminated_on".into(), json!("2023-09-01"));
    let new = NewFeature { geometry: waterlog.geometry, properties: waterlog.properties };
    store.update(LayerKind::WaterloggingPoints, waterlog.id, new, &a).await.unwrap();
    let project = NewFeature {
        geometry: Some(zone(1).geometry.unwrap()),
        properties: props(json!({"name": "示例项目", "accuracy": "illustrative"})),
    };
    store.insert(LayerKind::SpongeProjects, vec![project], &a).await.unwrap();
    store.close().await;

    // The upgraded file has the layout of a new one: same columns, geometry types,
    // R-tree triggers and extension rows.
    let fresh_path = dir.path().join("fresh.gpkg");
    GeoPackageStore::create(&fresh_path).await.unwrap().close().await;
    let (upgraded, fresh) = (layout(&path).await, layout(&fresh_path).await);
    assert_eq!(upgraded, fresh);
    // Opening it again changes nothing.
    GeoPackageStore::open(&path).await.unwrap().close().await;
    assert_eq!(layout(&path).await, fresh);
}

/// Tables with their column definitions, triggers, geometry columns and
/// extensions of a GeoPackage, for comparing layouts.
async fn layout(path: &std::path::Path) -> Vec<String> {
    use sqlx::{Connection, Row, SqliteConnection};
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let mut out = Vec::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for t in tables {
        let cols = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
            .bind(&t)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        for c in cols {
            let (name, ty, notnull, pk): (String, String, i64, i64) = (c.get(0), c.get(1), c.get(2), c.get(3));
            out.push(format!("column {t}.{name} {ty} notnull={notnull} pk={pk}"));
        }
    }
    let rows = sqlx::query(
        "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('trigger', 'index') OR name LIKE 'rtree_%' \
         ORDER BY type, name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    out.extend(
        rows.iter()
            .map(|r| format!("{} {} on {}", r.get::<String, _>(0), r.get::<String, _>(1), r.get::<String, _>(2))),
    );
    let rows = sqlx::query(
        "SELECT table_name, column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns ORDER BY table_name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    out.extend(rows.iter().map(|r| {
        format!(
            "geometry {}.{} {} {}",
            r.get::<String, _>(0),
            r.get::<String, _>(1),
            r.get::<String, _>(2),
            r.get::<i64, _>(3)
        )
    }));
    let rows = sqlx::query(
        "SELECT table_name, data_type, identifier, srs_id IS NOT NULL FROM gpkg_contents ORDER BY table_name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    out.extend(rows.iter().map(|r| {
        format!(
            "contents {} {} {} {}",
            r.get::<String, _>(0),
            r.get::<String, _>(1),
            r.get::<String, _>(2),
            r.get::<bool, _>(3)
        )
    }));
    let rows =
        sqlx::query("SELECT table_name, extension_name FROM gpkg_extensions ORDER BY table_name, extension_name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    out.extend(rows.iter().map(|r| format!("extension {} {}", r.get::<String, _>(0), r.get::<String, _>(1))));
    conn.close().await.unwrap();
    out
}

#[tokio::test]
async fn an_empty_or_oversized_import_leaves_the_geopackage_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    let store = GeoPackageStore::create(&path).await.unwrap();
    store.insert(LayerKind::UrbanGradeZones, vec![zone(1)], &Actor("a".into())).await.unwrap();
    store.close().await;
    let bytes = std::fs::read(&path).unwrap();
    let store = GeoPackageStore::open(&path).await.unwrap();
    let a = Actor("b".into());
    for kind in LayerKind::ALL {
        assert!(store.insert(kind, Vec::new(), &a).await.is_err(), "{}", kind.table_name());
    }
    let limit = landtrace_domain::input_limits::MAX_VERTICES_PER_GEOMETRY as usize;
    assert!(store.insert(LayerKind::UrbanGradeZones, vec![zone_with_vertices(limit + 1)], &a).await.is_err());
    store.close().await;
    assert!(std::fs::read(&path).unwrap() == bytes, "the store file changed");
}

#[tokio::test]
async fn geopackage_refuses_what_it_should_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.gpkg");
    let err = GeoPackageStore::open(&missing).await.unwrap_err();
    assert!(err.to_string().contains("no such file"), "{err}");
    let err = GeoPackageStore::open(dir.path()).await.unwrap_err();
    assert_eq!(err.to_string(), format!("{}: is a directory, not a GeoPackage file", dir.path().display()));

    let text = dir.path().join("notes.gpkg");
    std::fs::write(&text, "just some text, not a database").unwrap();
    assert!(GeoPackageStore::open(&text).await.is_err());
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "just some text, not a database", "left untouched");

    let made = dir.path().join("made.gpkg");
    GeoPackageStore::create(&made).await.unwrap().close().await;
    let err = GeoPackageStore::create(&made).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

// ---------------------------------------------------------------------------
// PostGIS: the same suite against a live database (scripts/postgres start).

mod postgis {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use geo::{point, polygon};
    use landtrace_domain::{FieldType, GeometryKind, LayerKind};
    use landtrace_store::{
        Actor, ChangeEvent, ChangeFeed, GeoPackageStore, PostGisStore, RedactedUrl, Store, StoreError,
    };
    use sqlx::{Connection, Executor, PgConnection, Row};

    use super::{copies_exactly, origin_point, run_suite, user_defined_layers, zone};

    /// A database of its own for one test, created from the server of
    /// `LANDTRACE_TEST_DATABASE_URL` and dropped (even after a panic) on drop.
    struct TestDb {
        admin_url: String,
        name: String,
        url: String,
    }

    /// The test database, or `None` (with a note) when PostGIS is not set up
    /// outside CI. In CI PostGIS is mandatory.
    async fn test_db() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("LANDTRACE_TEST_DATABASE_URL") else {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("PostGIS is mandatory in CI: scripts/test starts it (LANDTRACE_TEST_DATABASE_URL is unset)");
            }
            eprintln!("skipped: LANDTRACE_TEST_DATABASE_URL is unset; run: eval \"$(scripts/postgres start)\"");
            return None;
        };
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("landtrace_t_{}_{}_{nanos}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed));
        let mut admin = PgConnection::connect(&admin_url).await.expect("connect to LANDTRACE_TEST_DATABASE_URL");
        admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.unwrap();
        admin.close().await.unwrap();
        let url = with_database(&admin_url, &name);
        let mut conn = PgConnection::connect(&url).await.unwrap();
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis").await.unwrap();
        conn.close().await.unwrap();
        Some(TestDb { admin_url, name, url })
    }

    /// `url` with its database name replaced by `db`.
    fn with_database(url: &str, db: &str) -> String {
        let authority = url.find("://").map_or(0, |i| i + 3);
        let path = url[authority..].find(['/', '?']).map_or(url.len(), |i| authority + i);
        let query = url[path..].find('?').map_or("", |i| &url[path + i..]);
        format!("{}/{db}{query}", &url[..path])
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            // Async code cannot run in `drop`; a thread with its own runtime can,
            // also while a failed test unwinds.
            let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
            let dropped = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    let mut admin = PgConnection::connect(&admin_url).await?;
                    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;
                    admin.close().await
                })
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("could not drop test database {}: {dropped:?}", self.name);
            }
        }
    }

    #[test]
    fn test_urls_name_their_own_database() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:55432/landtrace_test", "x"),
            "postgres://postgres@127.0.0.1:55432/x"
        );
        assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }

    #[tokio::test]
    async fn postgis_store_behaviour() {
        let Some(db) = test_db().await else { return };
        let store = PostGisStore::connect(&db.url).await.unwrap();
        assert!(store.describe().starts_with("PostGIS postgres://"), "{}", store.describe());
        run_suite(&store).await;

        // Connecting again finds the schema in place (migrations run once) and the data.
        let counts = store.counts().await.unwrap();
        let again = PostGisStore::connect(&db.url).await.unwrap();
        assert_eq!(again.counts().await.unwrap(), counts);
        again.close().await;

        // GeoPackage → empty PostGIS, and PostGIS → empty GeoPackage, exactly.
        let dir = tempfile::tempdir().unwrap();
        let gpkg = GeoPackageStore::create(&dir.path().join("source.gpkg")).await.unwrap();
        run_suite(&gpkg).await;
        let empty_db = test_db().await.unwrap();
        let target = PostGisStore::connect(&empty_db.url).await.unwrap();
        copies_exactly(&gpkg, &target).await;
        let back = GeoPackageStore::create(&dir.path().join("back.gpkg")).await.unwrap();
        copies_exactly(&store, &back).await;
        for s in [&store, &target] {
            s.close().await;
        }
    }

    #[tokio::test]
    async fn postgis_user_defined_layers() {
        let Some(db) = test_db().await else { return };
        let store = PostGisStore::connect(&db.url).await.unwrap();
        let url = db.url.clone();
        user_defined_layers(&store, async || Box::new(PostGisStore::connect(&url).await.unwrap()) as Box<dyn Store>)
            .await;
        store.close().await;
    }

    #[tokio::test]
    async fn postgis_schema_matches_the_layer_definitions() {
        let Some(db) = test_db().await else { return };
        let store = PostGisStore::connect(&db.url).await.unwrap();
        let mut conn = PgConnection::connect(&db.url).await.unwrap();
        for kind in LayerKind::ALL {
            let t = kind.table_name();
            let rows = sqlx::query(
                "SELECT column_name::text, data_type::text, udt_name::text, is_nullable::text \
                 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
            )
            .bind(t)
            .fetch_all(&mut conn)
            .await
            .unwrap();
            let got: Vec<(String, String, bool)> = rows
                .iter()
                .map(|r| {
                    let data_type: String = r.get(1);
                    let ty = if data_type == "USER-DEFINED" { r.get(2) } else { data_type };
                    (r.get(0), ty, r.get::<String, _>(3) == "NO")
                })
                .collect();
            let mut want = vec![("fid".to_owned(), "bigint".to_owned(), true)];
            if kind.geometry() != GeometryKind::None {
                want.push(("geom".to_owned(), "geometry".to_owned(), true));
            }
            for f in kind.fields() {
                let ty = match f.ty {
                    FieldType::Text => "text",
                    FieldType::Integer => "bigint",
                    FieldType::Real => "double precision",
                    FieldType::Date => "date",
                };
                want.push((f.name.to_owned(), ty.to_owned(), f.required));
            }
            assert_eq!(got, want, "table {t}: (column, type, not null)");

            let geometry: Option<(String, i32, String, i32)> = sqlx::query_as(
                "SELECT f_geometry_column::text, srid, type::text, coord_dimension FROM geometry_columns \
                 WHERE f_table_schema = current_schema() AND f_table_name = $1",
            )
            .bind(t)
            .fetch_optional(&mut conn)
            .await
            .unwrap();
            let want = kind.geometry().ogc_name().map(|ty| ("geom".to_owned(), 4326, ty.to_owned(), 2));
            assert_eq!(geometry, want, "geometry column of {t}");

            let gist: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 \
                 AND indexdef LIKE '%USING gist (geom)%')",
            )
            .bind(t)
            .fetch_one(&mut conn)
            .await
            .unwrap();
            assert_eq!(gist, kind.geometry() != GeometryKind::None, "GiST index on {t}.geom");
        }
        let migrations: Vec<(i32, String)> =
            sqlx::query_as("SELECT version, name FROM landtrace_migrations ORDER BY version")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(
            migrations,
            vec![
                (1, "0001_layers".to_owned()),
                (2, "0002_truck_passes".to_owned()),
                (3, "0003_issue7".to_owned()),
                (4, "0004_idempotency".to_owned()),
                (5, "0005_user_layers".to_owned()),
                (6, "0006_audit_history".to_owned()),
                (7, "0007_producers".to_owned()),
                (8, "0008_truck_ban_roads".to_owned()),
                (9, "0009_expropriation_households".to_owned()),
                (10, "0010_consolidation_approved_on".to_owned()),
                (11, "0011_record_photos".to_owned()),
                (12, "0012_accounts".to_owned()),
                (13, "0013_track_checks".to_owned()),
            ]
        );
        let version: String = sqlx::query_scalar("SELECT value FROM landtrace_meta WHERE key = 'schema_version'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(version, "3");
        conn.close().await.unwrap();
        store.close().await;
    }

    /// A database at schema version 2 (before issue 7) with features is migrated
    /// in place: its features stay, the new columns and layer are usable, and the
    /// sponge facilities take polygons.
    #[tokio::test]
    async fn postgis_migrates_a_version_2_database_keeping_its_features() {
        let Some(db) = test_db().await else { return };
        let mut conn = PgConnection::connect(&db.url).await.unwrap();
        let old = [
            include_str!("../migrations/postgis/0001_layers.sql"),
            include_str!("../migrations/postgis/0002_truck_passes.sql"),
            "CREATE TABLE landtrace_migrations (version int PRIMARY KEY, name text NOT NULL, \
             applied_at timestamptz NOT NULL DEFAULT now());
             INSERT INTO landtrace_migrations (version, name) VALUES (1, '0001_layers'), (2, '0002_truck_passes');
             INSERT INTO sponge_facilities (geom, name, kind, area_m2, accuracy)
               VALUES (ST_SetSRID(ST_MakePoint(110.772, 35.142), 4326), '示例调蓄池', '调蓄池', 120, 'illustrative');
             INSERT INTO waterlogging_points (geom, name, status, accuracy)
               VALUES (ST_SetSRID(ST_MakePoint(110.775, 35.14), 4326), '低洼处', '治理中', 'illustrative');",
        ];
        for sql in old {
            conn.execute(sql).await.unwrap();
        }
        conn.close().await.unwrap();

        let store = PostGisStore::connect(&db.url).await.unwrap();
        let old = store.features(LayerKind::SpongeFacilities).await.unwrap();
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].geometry, Some(point!(x: 110.772, y: 35.142).into()));
        assert!(!old[0].properties.contains_key("storage_depth_m"));
        let square = polygon![
            (x: 110.770, y: 35.140), (x: 110.771, y: 35.140), (x: 110.771, y: 35.141), (x: 110.770, y: 35.141)
        ];
        let a = Actor("a".into());
        store
            .update(LayerKind::SpongeFacilities, old[0].id, super::sponge_facility("示例调蓄池", square.into()), &a)
            .await
            .unwrap();
        let now = store.features(LayerKind::SpongeFacilities).await.unwrap();
        assert!(matches!(now[0].geometry, Some(geo::Geometry::MultiPolygon(_))), "{:?}", now[0].geometry);
        assert_eq!(now[0].properties["storage_depth_m"], 0.15);
        let w = store.features(LayerKind::WaterloggingPoints).await.unwrap().remove(0);
        let mut props = w.properties.clone();
        props.insert("eliminated_on".into(), serde_json::json!("2023-09-01"));
        let new = landtrace_store::NewFeature { geometry: w.geometry, properties: props };
        store.update(LayerKind::WaterloggingPoints, w.id, new, &a).await.unwrap();
        assert_eq!(
            store.features(LayerKind::WaterloggingPoints).await.unwrap()[0].properties["eliminated_on"],
            "2023-09-01"
        );
        store.insert(LayerKind::OriginPoints, vec![origin_point("新")], &a).await.unwrap();
        assert_eq!(super::count(&store, LayerKind::SpongeProjects).await, 0);
        store.close().await;
    }

    #[tokio::test]
    async fn postgis_stores_starting_together_migrate_once() {
        let Some(db) = test_db().await else { return };
        let (a, b, c) = tokio::join!(
            PostGisStore::connect(&db.url),
            PostGisStore::connect(&db.url),
            PostGisStore::connect(&db.url)
        );
        let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
        a.insert(LayerKind::UrbanGradeZones, vec![zone(1)], &Actor("a".into())).await.unwrap();
        assert_eq!(super::count(&c, LayerKind::UrbanGradeZones).await, 1);
        for s in [a, b, c] {
            s.close().await;
        }
    }

    async fn next_event(feed: &mut ChangeFeed, within: Duration) -> ChangeEvent {
        tokio::time::timeout(within, feed.recv()).await.expect("an event in time").expect("the feed is open")
    }

    #[tokio::test]
    async fn postgis_changes_reach_other_stores() {
        let Some(db) = test_db().await else { return };
        let writer = PostGisStore::connect(&db.url).await.unwrap();
        let reader = PostGisStore::connect(&db.url).await.unwrap();
        let mut feed = reader.subscribe().await.unwrap().expect("PostGIS has a change feed");

        writer.insert(LayerKind::OriginPoints, vec![origin_point("己")], &Actor("w".into())).await.unwrap();
        assert_eq!(next_event(&mut feed, Duration::from_secs(1)).await, ChangeEvent::Changed(LayerKind::OriginPoints));

        // A rejected write notifies nothing; a write to two layers notifies both.
        let mut bad = origin_point("庚");
        bad.properties.remove("product");
        writer.insert(LayerKind::OriginPoints, vec![bad], &Actor("w".into())).await.unwrap_err();
        writer
            .insert_many(
                vec![(LayerKind::UrbanGradeZones, vec![zone(1)]), (LayerKind::OriginPoints, vec![origin_point("辛")])],
                &Actor("w".into()),
            )
            .await
            .unwrap();
        let mut got = vec![
            next_event(&mut feed, Duration::from_secs(1)).await,
            next_event(&mut feed, Duration::from_secs(1)).await,
        ];
        got.sort_by_key(|e| format!("{e:?}"));
        assert_eq!(
            got,
            [ChangeEvent::Changed(LayerKind::OriginPoints), ChangeEvent::Changed(LayerKind::UrbanGradeZones)]
        );

        // Updates and deletes notify their layer too; a rejected one nothing.
        let id = writer.features(LayerKind::OriginPoints).await.unwrap()[0].id;
        let mut bad = origin_point("壬");
        bad.properties.remove("product");
        writer.update(LayerKind::OriginPoints, id, bad, &Actor("w".into())).await.unwrap_err();
        writer.delete(LayerKind::OriginPoints, i64::MAX, &Actor("w".into())).await.unwrap_err();
        writer.update(LayerKind::OriginPoints, id, origin_point("壬"), &Actor("w".into())).await.unwrap();
        assert_eq!(next_event(&mut feed, Duration::from_secs(1)).await, ChangeEvent::Changed(LayerKind::OriginPoints));
        writer.delete(LayerKind::OriginPoints, id, &Actor("w".into())).await.unwrap();
        assert_eq!(next_event(&mut feed, Duration::from_secs(1)).await, ChangeEvent::Changed(LayerKind::OriginPoints));

        // The listening connection is killed: the feed listens again, says so, and
        // goes on delivering.
        let mut admin = PgConnection::connect(&db.url).await.unwrap();
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'landtrace-listener'",
        )
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(killed, 1);
        assert_eq!(next_event(&mut feed, Duration::from_secs(10)).await, ChangeEvent::Reconnected);
        writer.insert(LayerKind::UrbanGradeZones, vec![zone(2)], &Actor("w".into())).await.unwrap();
        assert_eq!(
            next_event(&mut feed, Duration::from_secs(1)).await,
            ChangeEvent::Changed(LayerKind::UrbanGradeZones)
        );

        // Dropping the feed ends the listener task and frees its connection.
        drop(feed);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let listeners: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND application_name = 'landtrace-listener'",
            )
            .fetch_one(&mut admin)
            .await
            .unwrap();
            if listeners == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "the listener connection outlived its feed");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        admin.close().await.unwrap();
        writer.close().await;
        reader.close().await;
    }

    /// Needs no server: nothing listens on port 1.
    #[tokio::test]
    async fn postgis_unreachable_server_is_a_prompt_database_error_without_the_password() {
        let url = "postgres://landtrace:s3cret-pw@127.0.0.1:1/landtrace";
        let started = Instant::now();
        let err = PostGisStore::connect(url).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
        assert!(matches!(err, StoreError::Database(_)), "{err}");
        assert!(!err.to_string().contains("s3cret-pw") && !format!("{err:?}").contains("s3cret-pw"), "{err:?}");

        let err = PostGisStore::connect("postgres://landtrace:s3cret-pw@127.0.0.1:notaport/x").await.unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{err}");
        assert!(!format!("{err} {err:?}").contains("s3cret-pw"), "{err:?}");

        assert_eq!(RedactedUrl::new(url).to_string(), "postgres://landtrace:***@127.0.0.1:1/landtrace");
    }

    #[tokio::test]
    async fn postgis_missing_database_is_a_database_error_without_the_password() {
        let Some(db) = test_db().await else { return };
        // The test cluster trusts local connections, so ask for a missing database
        // with a password in the URL instead: the error must still hide it.
        let url = with_database(&db.url.replacen("://postgres@", "://postgres:s3cret-pw@", 1), "no_such_database");
        let err = PostGisStore::connect(&url).await.unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{err}");
        assert!(!format!("{err} {err:?}").contains("s3cret-pw"), "{err:?}");
    }
}
