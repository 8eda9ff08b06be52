//! Every feature of the tiled and zone layers, in memory: the zone index answers
//! `/api/locate`, the per-layer bounding-box R-trees feed tile cutting. Rebuilt
//! per layer from the store; a refresh reports which areas changed so the tile
//! cache can drop exactly the tiles that show them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use geo::{BoundingRect, Geometry, Rect};
use landtrace_domain::LayerKind;
use landtrace_spatial::{PreparedZone, ZoneIndex};
use landtrace_store::Feature;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Key of a zone in the index: its layer and feature id.
pub type ZoneKey = (LayerKind, i64);

type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, i64>;

/// The features of one layer with an R-tree over their bounding boxes.
#[derive(Debug, Default, Clone)]
pub struct LayerFeatures {
    by_id: HashMap<i64, Arc<Feature>>,
    boxes: RTree<BoxEntry>,
}

impl LayerFeatures {
    fn new(features: Vec<Feature>) -> LayerFeatures {
        let mut entries = Vec::with_capacity(features.len());
        let mut by_id = HashMap::with_capacity(features.len());
        for f in features {
            if let Some(r) = f.geometry.as_ref().and_then(BoundingRect::bounding_rect) {
                entries.push(GeomWithData::new(Rectangle::from_corners(r.min().into(), r.max().into()), f.id));
            }
            by_id.insert(f.id, Arc::new(f));
        }
        LayerFeatures { by_id, boxes: RTree::bulk_load(entries) }
    }

    /// Features whose bounding box intersects `area` (lon/lat), ordered by id.
    pub fn intersecting(&self, area: Rect<f64>) -> Vec<Arc<Feature>> {
        let env = AABB::from_corners(area.min().into(), area.max().into());
        let mut out: Vec<Arc<Feature>> =
            self.boxes.locate_in_envelope_intersecting(&env).filter_map(|e| self.by_id.get(&e.data).cloned()).collect();
        out.sort_by_key(|f| f.id);
        out
    }

    /// The feature with id `id`.
    pub fn get(&self, id: i64) -> Option<&Arc<Feature>> {
        self.by_id.get(&id)
    }

    /// Every feature of the layer, ordered by id.
    pub fn all(&self) -> Vec<Arc<Feature>> {
        let mut out: Vec<Arc<Feature>> = self.by_id.values().cloned().collect();
        out.sort_by_key(|f| f.id);
        out
    }

    /// Bounding box of every feature of the layer.
    pub fn extent(&self) -> Option<Rect<f64>> {
        let env = self.boxes.root().envelope();
        (self.boxes.size() > 0).then(|| Rect::new(env.lower(), env.upper()))
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// The in-memory view of the store that queries and tiles are answered from.
#[derive(Debug, Default)]
pub struct Catalog {
    /// R-tree over zone polygons with exact point-in-polygon tests.
    pub zones: ZoneIndex<ZoneKey>,
    /// Every layer with geometry, by kind.
    pub layers: BTreeMap<LayerKind, LayerFeatures>,
}

impl Catalog {
    /// The features of a layer (empty if the layer has no geometry).
    pub fn layer(&self, kind: LayerKind) -> Option<&LayerFeatures> {
        self.layers.get(&kind)
    }

    /// The attributes of an indexed zone.
    pub fn zone_properties(&self, key: &ZoneKey) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.layers.get(&key.0)?.by_id.get(&key.1).map(|f| &f.properties)
    }

    /// A catalogue of just the layers `kinds` (features shared, not copied),
    /// with a zone index of their zones: what CPU-heavy work needs, taken
    /// under the read lock in a moment so that the work itself holds no lock
    /// (a long reader would make writers, and the readers queued behind them,
    /// wait).
    pub fn subset(&self, kinds: &[LayerKind]) -> Catalog {
        let layers: BTreeMap<LayerKind, LayerFeatures> =
            kinds.iter().filter_map(|k| Some((*k, self.layers.get(k)?.clone()))).collect();
        let zones = layers
            .iter()
            .filter(|(kind, _)| kind.is_zone())
            .flat_map(|(kind, layer)| {
                layer.by_id.values().filter_map(move |f| match &f.geometry {
                    Some(Geometry::MultiPolygon(mp)) => Some(((*kind, f.id), mp.clone())),
                    _ => None,
                })
            })
            .collect();
        Catalog { zones: ZoneIndex::bulk_load(zones), layers }
    }

    /// Replaces a layer with `features` and returns the bounding boxes of every
    /// feature that was added, removed or changed (old and new geometry both).
    pub fn replace_layer(&mut self, kind: LayerKind, features: Vec<Feature>) -> Vec<Rect<f64>> {
        let change = self.plan_replacement(kind, features);
        let changed = change.changed.clone();
        self.apply(change);
        changed
    }

    /// Works out how to replace a layer with `features`, without changing the
    /// catalogue: the costly part (bounding boxes, comparing with the features
    /// held now, preparing the changed zones for exact point tests), which can
    /// run under a read lock. [`Catalog::apply`] then makes the change quickly.
    /// Zones of unchanged features are kept as they are.
    pub fn plan_replacement(&self, kind: LayerKind, features: Vec<Feature>) -> LayerChange {
        let new = LayerFeatures::new(features);
        let empty = LayerFeatures::default();
        let old = self.layers.get(&kind).unwrap_or(&empty);
        let bbox = |f: &Feature| f.geometry.as_ref().and_then(BoundingRect::bounding_rect);
        let (mut changed, mut drop_zones, mut add_zones) = (Vec::new(), Vec::new(), Vec::new());
        for (id, f) in &old.by_id {
            if new.by_id.get(id).is_none_or(|n| n != f) {
                changed.extend(bbox(f));
                drop_zones.push((kind, *id));
            }
        }
        for (id, f) in &new.by_id {
            if old.by_id.get(id).is_none_or(|o| o != f) {
                changed.extend(bbox(f));
                if let Some(Geometry::MultiPolygon(mp)) = &f.geometry {
                    add_zones.push(((kind, *id), PreparedZone::new(mp.clone())));
                }
            }
        }
        if !kind.is_zone() {
            drop_zones.clear();
            add_zones.clear();
        }
        LayerChange { kind, layer: new, drop_zones, add_zones, changed }
    }

    /// Applies a change worked out by [`Catalog::plan_replacement`] (from the
    /// catalogue as it still is): swaps the layer in and updates the zone index
    /// for the changed features only.
    pub fn apply(&mut self, change: LayerChange) {
        for key in &change.drop_zones {
            self.zones.remove(key);
        }
        for (key, zone) in change.add_zones {
            self.zones.insert_prepared(key, zone);
        }
        self.layers.insert(change.kind, change.layer);
    }
}

/// A layer replacement worked out by [`Catalog::plan_replacement`].
#[derive(Debug)]
pub struct LayerChange {
    kind: LayerKind,
    layer: LayerFeatures,
    drop_zones: Vec<ZoneKey>,
    add_zones: Vec<(ZoneKey, PreparedZone)>,
    /// Bounding boxes of every feature added, removed or changed.
    pub changed: Vec<Rect<f64>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, point, polygon};
    use serde_json::Map;

    fn feature(id: i64, geometry: Geometry<f64>) -> Feature {
        Feature { id, geometry: Some(geometry), properties: Map::new() }
    }

    fn square(x: f64, y: f64) -> Geometry<f64> {
        MultiPolygon(vec![
            polygon![(x: x, y: y), (x: x + 0.001, y: y), (x: x + 0.001, y: y + 0.001), (x: x, y: y + 0.001)],
        ])
        .into()
    }

    #[test]
    fn a_layer_of_points_and_polygons_is_indexed_by_bounding_box() {
        let mut catalog = Catalog::default();
        let features = vec![feature(1, point!(x: 110.772, y: 35.142).into()), feature(2, square(110.770, 35.140))];
        let changed = catalog.replace_layer(LayerKind::SpongeFacilities, features);
        assert_eq!(changed.len(), 2);
        let layer = catalog.layer(LayerKind::SpongeFacilities).unwrap();
        assert_eq!(layer.len(), 2);
        let ids = |area: Rect<f64>| layer.intersecting(area).iter().map(|f| f.id).collect::<Vec<_>>();
        assert_eq!(ids(Rect::new((110.7, 35.1), (110.8, 35.2))), [1, 2]);
        assert_eq!(ids(Rect::new((110.7715, 35.1415), (110.7725, 35.1425))), [1]);
        assert_eq!(ids(Rect::new((110.7704, 35.1404), (110.7706, 35.1406))), [2], "inside the polygon's box");
        let extent = layer.extent().unwrap();
        assert_eq!((extent.min().x, extent.max().y), (110.770, 35.142));
        // A layer that takes any geometry is not a zone layer.
        assert!(catalog.zones.is_empty());

        // A point turned into a polygon changes both places.
        let features = vec![feature(1, square(110.772, 35.142)), feature(2, square(110.770, 35.140))];
        let changed = catalog.replace_layer(LayerKind::SpongeFacilities, features);
        assert_eq!(changed.len(), 2, "old and new box of feature 1: {changed:?}");
    }
}
