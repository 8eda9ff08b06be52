//! Shared server state: the store and the in-memory zone catalogue built from it.

use std::collections::HashMap;
use std::sync::Arc;

use geo::Geometry;
use landtrace_domain::LayerKind;
use landtrace_spatial::ZoneIndex;
use landtrace_store::{Actor, NewFeature, Store, StoreError};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

/// Key of a zone in the index: its layer and feature id.
pub type ZoneKey = (LayerKind, i64);

/// Every polygon of the zone layers, indexed for point look-ups, with the
/// attributes needed to answer without touching the store.
#[derive(Debug, Default)]
pub struct ZoneCatalog {
    /// The R-tree over zone polygons.
    pub index: ZoneIndex<ZoneKey>,
    /// Attributes of each indexed zone.
    pub properties: HashMap<ZoneKey, Map<String, Value>>,
}

impl ZoneCatalog {
    fn replace_layer(&mut self, kind: LayerKind, features: Vec<landtrace_store::Feature>) {
        let old: Vec<ZoneKey> = self.properties.keys().filter(|(k, _)| *k == kind).copied().collect();
        for key in old {
            self.index.remove(&key);
            self.properties.remove(&key);
        }
        for f in features {
            if let Some(Geometry::MultiPolygon(mp)) = f.geometry {
                let key = (kind, f.id);
                self.index.insert(key, mp);
                self.properties.insert(key, f.properties);
            }
        }
    }
}

/// What every request handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store behind the API.
    pub store: Arc<dyn Store>,
    /// Zone catalogue, rebuilt at start and refreshed on every write.
    pub zones: Arc<RwLock<ZoneCatalog>>,
    /// Bearer token that authorises writes; writes are refused when None.
    pub admin_token: Option<Arc<str>>,
}

impl AppState {
    /// Builds the state and the zone catalogue from the store.
    pub async fn new(store: Arc<dyn Store>, admin_token: Option<String>) -> Result<AppState, StoreError> {
        let state = AppState { store, zones: Arc::default(), admin_token: admin_token.map(Into::into) };
        for kind in LayerKind::ALL.into_iter().filter(|k| k.is_zone()) {
            state.refresh_layer(kind).await?;
        }
        Ok(state)
    }

    /// Re-reads one zone layer from the store into the catalogue.
    pub async fn refresh_layer(&self, kind: LayerKind) -> Result<(), StoreError> {
        if !kind.is_zone() {
            return Ok(());
        }
        let features = self.store.features(kind).await?;
        self.zones.write().await.replace_layer(kind, features);
        Ok(())
    }

    /// Writes features through the store (validated, all-or-nothing, audited)
    /// and brings the zone catalogue up to date before returning.
    pub async fn insert(
        &self,
        kind: LayerKind,
        features: Vec<NewFeature>,
        actor: &Actor,
    ) -> Result<Vec<i64>, StoreError> {
        let ids = self.store.insert(kind, features, actor).await?;
        self.refresh_layer(kind).await?;
        Ok(ids)
    }
}
