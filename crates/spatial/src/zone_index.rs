//! [`ZoneIndex`]: which zones (multipolygons) contain a point.
//!
//! An R-tree over the zones' bounding boxes finds candidates; each candidate
//! is then tested exactly with a [`PreparedMultiPolygon`] (holes excluded,
//! all parts considered, banded edge index for many-vertex rings).
//!
//! **Boundary rule:** a point on an edge or vertex of a zone (exterior or
//! hole) counts as contained, the same answer as PostGIS
//! `ST_Intersects(zone, point)` and geo's `Intersects`. Two zones sharing an
//! edge therefore both contain the points of that edge.
//!
//! Coordinates are planar (lon/lat degrees used as x/y), as in a PostGIS
//! `geometry` column; the index is CRS-agnostic, so keep points and zones in
//! the same CRS (WGS84 in landtrace).

use crate::morton_order::z_order;
use crate::point_in_polygon::PreparedMultiPolygon;
use geo::{Coord, MultiPolygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, Envelope, ParentNode, RTree, RTreeNode, RTreeObject};
use std::collections::HashMap;
use std::hash::Hash;

/// Batches at least this large are answered in Z-order.
const Z_ORDER_MIN_BATCH: usize = 256;

/// Bounding box of a zone in the R-tree, tagged with its slot number.
type ZoneBox = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A spatial index of keyed zones answering "which zones contain this point".
///
/// `K` identifies a zone, e.g. `(layer, fid)`. Inserting an existing key
/// replaces its zone.
///
/// ```
/// use geo::{coord, polygon, MultiPolygon};
/// use landtrace_spatial::ZoneIndex;
///
/// let mut index = ZoneIndex::new();
/// let square = polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)];
/// index.insert(("parcels", 7), MultiPolygon(vec![square]));
/// assert_eq!(index.locate(coord! { x: 1., y: 1. }), vec![("parcels", 7)]);
/// assert_eq!(index.locate(coord! { x: 2., y: 1. }), vec![("parcels", 7)]); // on the edge
/// assert!(index.locate(coord! { x: 3., y: 1. }).is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct ZoneIndex<K> {
    tree: RTree<ZoneBox>,
    /// Zones by slot number; `None` marks a free slot.
    slots: Vec<Option<Zone<K>>>,
    free_slots: Vec<usize>,
    slot_of: HashMap<K, usize>,
}

#[derive(Debug, Clone)]
struct Zone<K> {
    key: K,
    /// The zone as given, for [`ZoneIndex::geometry`].
    geometry: MultiPolygon<f64>,
    shape: PreparedMultiPolygon,
    /// `None` for an empty multipolygon, which is never found.
    envelope: Option<ZoneBox>,
}

impl<K: Clone + Eq + Hash> Default for ZoneIndex<K> {
    fn default() -> Self {
        ZoneIndex::new()
    }
}

impl<K: Clone + Eq + Hash> ZoneIndex<K> {
    /// An empty index.
    pub fn new() -> Self {
        ZoneIndex { tree: RTree::new(), slots: Vec::new(), free_slots: Vec::new(), slot_of: HashMap::new() }
    }

    /// Builds an index from many zones at once (faster than repeated
    /// [`insert`](Self::insert) and gives a better-balanced tree). If a key
    /// occurs more than once, the last zone wins, as with `insert`.
    pub fn bulk_load(zones: Vec<(K, MultiPolygon<f64>)>) -> Self {
        let mut index = ZoneIndex::new();
        let mut envelopes = Vec::with_capacity(zones.len());
        for (key, multi_polygon) in zones {
            let zone = Zone::new(key.clone(), multi_polygon, index.slots.len());
            if let Some(old_slot) = index.slot_of.insert(key, index.slots.len()) {
                // Duplicate key: the earlier zone's envelope is skipped below.
                index.slots[old_slot] = None;
                index.free_slots.push(old_slot);
            }
            index.slots.push(Some(zone));
        }
        for zone in index.slots.iter().flatten() {
            envelopes.extend(zone.envelope);
        }
        index.tree = RTree::bulk_load(envelopes);
        index
    }

    /// Adds a zone, replacing the zone already stored under `key` if any.
    pub fn insert(&mut self, key: K, multi_polygon: MultiPolygon<f64>) {
        self.insert_prepared(key, PreparedZone::new(multi_polygon));
    }

    /// Adds a zone prepared beforehand (see [`PreparedZone`]), replacing the zone
    /// already stored under `key` if any. Cheap: the R-tree insertion only.
    pub fn insert_prepared(&mut self, key: K, prepared: PreparedZone) {
        self.remove(&key);
        let slot = self.free_slots.pop().unwrap_or(self.slots.len());
        let zone = Zone::from_prepared(key.clone(), prepared, slot);
        if let Some(envelope) = &zone.envelope {
            self.tree.insert(*envelope);
        }
        if slot == self.slots.len() {
            self.slots.push(Some(zone));
        } else {
            self.slots[slot] = Some(zone);
        }
        self.slot_of.insert(key, slot);
    }

    /// Removes the zone stored under `key`; returns whether there was one.
    pub fn remove(&mut self, key: &K) -> bool {
        let Some(slot) = self.slot_of.remove(key) else {
            return false;
        };
        if let Some(zone) = self.slots[slot].take()
            && let Some(envelope) = zone.envelope
        {
            self.tree.remove(&envelope);
        }
        self.free_slots.push(slot);
        true
    }

    /// Number of zones stored (empty multipolygons included).
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    /// Whether no zone is stored.
    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Whether a zone is stored under `key`.
    pub fn contains_key(&self, key: &K) -> bool {
        self.slot_of.contains_key(key)
    }

    /// The zone stored under `key`, as it was inserted.
    pub fn geometry(&self, key: &K) -> Option<&MultiPolygon<f64>> {
        let slot = *self.slot_of.get(key)?;
        self.slots[slot].as_ref().map(|zone| &zone.geometry)
    }

    /// Keys of all zones whose bounding box meets `rect` (touching counts),
    /// ordered as [`locate`](Self::locate) orders keys. A cheap pre-filter:
    /// e.g. the zones a parcel may overlap are among
    /// `candidates(parcel.bounding_rect())`; pass them with their
    /// [`geometry`](Self::geometry) to [`crate::split_by_zones`].
    /// Empty zones are never candidates.
    pub fn candidates(&self, rect: Rect<f64>) -> Vec<K> {
        let (min, max) = (rect.min(), rect.max());
        let envelope = AABB::from_corners([min.x, min.y], [max.x, max.y]);
        let mut slots: Vec<usize> =
            self.tree.locate_in_envelope_intersecting(&envelope).map(|zone_box| zone_box.data).collect();
        slots.sort_unstable();
        slots.iter().map(|&slot| self.key_at(slot)).collect()
    }

    /// Keys of all zones containing `point`, boundary included (see the
    /// module docs). Ordered by an internal slot number, which is stable
    /// between calls while the index is not modified. A NaN point is in no
    /// zone.
    pub fn locate(&self, point: Coord<f64>) -> Vec<K> {
        let mut slots = Vec::new();
        self.matching_slots(point, &mut slots);
        slots.iter().map(|&slot| self.key_at(slot)).collect()
    }

    /// [`locate`](Self::locate) for many points: `(i, key)` for every zone
    /// containing `points[i]`, ordered by `i` and then as `locate` orders
    /// keys.
    ///
    /// Large batches are answered in Z-order (see `morton_order`) for cache
    /// locality and then put back in input order; points outside every
    /// zone's bounding box are skipped without a tree search.
    pub fn locate_batch(&self, points: &[Coord<f64>]) -> Vec<(usize, K)> {
        let mut slots = Vec::new();
        let root_box = self.tree.root().envelope();
        if points.len() < Z_ORDER_MIN_BATCH || u32::try_from(points.len()).is_err() || self.tree.size() == 0 {
            let mut out = Vec::new();
            for (i, &point) in points.iter().enumerate() {
                slots.clear();
                self.matching_slots(point, &mut slots);
                out.extend(slots.iter().map(|&slot| (i, self.key_at(slot))));
            }
            return out;
        }
        let (lower, upper) = (root_box.lower(), root_box.upper());
        let bounds = Rect::new(Coord { x: lower[0], y: lower[1] }, Coord { x: upper[0], y: upper[1] });
        // Hits in Z-order, then a counting sort back into input order.
        let mut hits: Vec<(u32, usize)> = Vec::new();
        for z_point in z_order(points, bounds) {
            slots.clear();
            self.matching_slots(z_point.coord, &mut slots);
            hits.extend(slots.iter().map(|&slot| (z_point.index, slot)));
        }
        let mut starts = vec![0usize; points.len() + 1];
        for &(i, _) in &hits {
            starts[i as usize + 1] += 1;
        }
        for i in 0..points.len() {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut ordered = vec![0usize; hits.len()];
        for &(i, slot) in &hits {
            ordered[next[i as usize]] = slot;
            next[i as usize] += 1;
        }
        let mut out = Vec::with_capacity(hits.len());
        for i in 0..points.len() {
            out.extend(ordered[starts[i]..starts[i + 1]].iter().map(|&slot| (i, self.key_at(slot))));
        }
        out
    }

    /// Fills `slots` with the sorted slot numbers of zones containing `point`.
    fn matching_slots(&self, point: Coord<f64>, slots: &mut Vec<usize>) {
        let root = self.tree.root();
        let at = [point.x, point.y];
        if root.envelope().contains_point(&at) {
            self.visit(root, &at, point, slots);
        }
        slots.sort_unstable();
    }

    /// Depth-first descent through the boxes containing `at`. A plain
    /// recursion over rstar's public node API: about twice as fast as
    /// `RTree::locate_all_at_point`, whose iterator keeps a heap-backed stack.
    fn visit(&self, node: &ParentNode<ZoneBox>, at: &[f64; 2], point: Coord<f64>, slots: &mut Vec<usize>) {
        for child in node.children() {
            match child {
                RTreeNode::Leaf(zone_box) => {
                    if zone_box.envelope().contains_point(at)
                        && let Some(zone) = &self.slots[zone_box.data]
                        && zone.shape.intersects(point)
                    {
                        slots.push(zone_box.data);
                    }
                }
                RTreeNode::Parent(parent) => {
                    if parent.envelope().contains_point(at) {
                        self.visit(parent, at, point, slots);
                    }
                }
            }
        }
    }

    fn key_at(&self, slot: usize) -> K {
        match &self.slots[slot] {
            Some(zone) => zone.key.clone(),
            None => unreachable!("the R-tree only refers to occupied slots"),
        }
    }
}

/// A zone with its exact point-in-polygon structure built (the costly part of
/// an insertion, linear-logarithmic in its vertices), ready for
/// [`ZoneIndex::insert_prepared`]: prepare outside a lock, insert under it.
#[derive(Debug, Clone)]
pub struct PreparedZone {
    geometry: MultiPolygon<f64>,
    shape: PreparedMultiPolygon,
}

impl PreparedZone {
    /// Prepares `geometry`.
    pub fn new(geometry: MultiPolygon<f64>) -> PreparedZone {
        let shape = PreparedMultiPolygon::new(&geometry);
        PreparedZone { geometry, shape }
    }
}

impl<K> Zone<K> {
    fn new(key: K, geometry: MultiPolygon<f64>, slot: usize) -> Self {
        Zone::from_prepared(key, PreparedZone::new(geometry), slot)
    }

    fn from_prepared(key: K, prepared: PreparedZone, slot: usize) -> Self {
        let PreparedZone { geometry, shape } = prepared;
        let envelope = shape.bounds().map(|b| {
            let (min, max) = (b.min(), b.max());
            GeomWithData::new(Rectangle::from_corners([min.x, min.y], [max.x, max.y]), slot)
        });
        Zone { key, geometry, shape, envelope }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_random::{self, XorShift};
    use geo::{Contains, Intersects, LineString, MapCoords, Polygon, coord, polygon};

    fn square(x0: f64, y0: f64, size: f64) -> Polygon<f64> {
        polygon![
            (x: x0, y: y0),
            (x: x0 + size, y: y0),
            (x: x0 + size, y: y0 + size),
            (x: x0, y: y0 + size),
        ]
    }

    fn multi(polygons: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
        MultiPolygon(polygons)
    }

    /// A 10 x 10 square at the origin with a 4..6 hole, key 1; a two-part
    /// zone (20..22 and 30..32 squares), key 2; a zone overlapping the first
    /// (8..12), key 3.
    fn sample_index() -> ZoneIndex<u32> {
        let with_hole =
            Polygon::new(square(0.0, 0.0, 10.0).exterior().clone(), vec![square(4.0, 4.0, 2.0).exterior().clone()]);
        ZoneIndex::bulk_load(vec![
            (1, multi(vec![with_hole])),
            (2, multi(vec![square(20.0, 20.0, 2.0), square(30.0, 30.0, 2.0)])),
            (3, multi(vec![square(8.0, 8.0, 4.0)])),
        ])
    }

    fn check(index: &ZoneIndex<u32>, p: (f64, f64), expected: &[u32]) {
        let mut found = index.locate(coord! { x: p.0, y: p.1 });
        found.sort_unstable();
        assert_eq!(found, expected, "at {p:?}");
    }

    #[test]
    fn inside_outside_and_overlaps() {
        let index = sample_index();
        check(&index, (1.0, 1.0), &[1]);
        check(&index, (9.0, 9.0), &[1, 3]);
        check(&index, (11.0, 11.0), &[3]);
        check(&index, (15.0, 15.0), &[]);
        check(&index, (-1.0, 5.0), &[]);
    }

    #[test]
    fn hole_is_excluded_but_its_boundary_is_not() {
        let index = sample_index();
        check(&index, (5.0, 5.0), &[]);
        check(&index, (4.0, 5.0), &[1]);
        check(&index, (6.0, 6.0), &[1]);
    }

    #[test]
    fn edges_and_vertices_count_as_contained() {
        let index = sample_index();
        check(&index, (0.0, 5.0), &[1]);
        check(&index, (10.0, 0.0), &[1]);
        check(&index, (0.0, 0.0), &[1]);
        check(&index, (10.0, 10.0), &[1, 3]);
        check(&index, (12.0, 9.0), &[3]);
    }

    #[test]
    fn points_just_inside_and_outside_edges() {
        let index = sample_index();
        let eps = 1e-9;
        check(&index, (eps, 5.0), &[1]);
        check(&index, (-eps, 5.0), &[]);
        check(&index, (5.0, 10.0 - eps), &[1]);
        check(&index, (5.0, 10.0 + eps), &[]);
        check(&index, (4.0 + eps, 5.0), &[]);
        check(&index, (4.0 - eps, 5.0), &[1]);
        check(&index, (12.0 - eps, 11.0), &[3]);
        check(&index, (12.0 + eps, 11.0), &[]);
    }

    #[test]
    fn near_a_slanted_edge() {
        // Edge from (0, 0) to (3, 1) in lon/lat-like magnitudes.
        let triangle = polygon![(x: 110.0, y: 35.0), (x: 113.0, y: 36.0), (x: 110.0, y: 36.0)];
        let index = ZoneIndex::bulk_load(vec![(9, multi(vec![triangle]))]);
        let on_edge_y = 35.0 + (111.5 - 110.0) / 3.0;
        check(&index, (111.5, on_edge_y + 1e-9), &[9]);
        check(&index, (111.5, on_edge_y - 1e-9), &[]);
    }

    #[test]
    fn every_part_of_a_multipolygon_is_searched() {
        let index = sample_index();
        check(&index, (21.0, 21.0), &[2]);
        check(&index, (31.0, 31.0), &[2]);
        check(&index, (26.0, 26.0), &[]); // in the bounding box, between parts
    }

    #[test]
    fn insert_replaces_and_remove_deletes() {
        let mut index = sample_index();
        assert_eq!(index.len(), 3);
        index.insert(2, multi(vec![square(50.0, 50.0, 1.0)]));
        assert_eq!(index.len(), 3);
        check(&index, (21.0, 21.0), &[]);
        check(&index, (50.5, 50.5), &[2]);

        assert!(index.remove(&1));
        assert!(!index.remove(&1));
        assert!(!index.contains_key(&1));
        assert_eq!(index.len(), 2);
        check(&index, (1.0, 1.0), &[]);
        check(&index, (9.0, 9.0), &[3]);

        index.insert(4, multi(vec![square(0.0, 0.0, 1.0)]));
        check(&index, (0.5, 0.5), &[4]);
        assert_eq!(index.len(), 3);
    }

    #[test]
    fn bulk_load_keeps_the_last_duplicate() {
        let index = ZoneIndex::bulk_load(vec![
            ("a", multi(vec![square(0.0, 0.0, 1.0)])),
            ("a", multi(vec![square(5.0, 5.0, 1.0)])),
        ]);
        assert_eq!(index.len(), 1);
        assert!(index.locate(coord! { x: 0.5, y: 0.5 }).is_empty());
        assert_eq!(index.locate(coord! { x: 5.5, y: 5.5 }), vec!["a"]);
    }

    #[test]
    fn empty_zone_is_stored_but_never_found() {
        let mut index = ZoneIndex::new();
        index.insert(1, multi(vec![]));
        assert_eq!(index.len(), 1);
        assert!(index.locate(coord! { x: 0.0, y: 0.0 }).is_empty());
        assert!(index.remove(&1));
        assert!(index.is_empty());
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect<f64> {
        Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 })
    }

    #[test]
    fn candidates_are_zones_whose_bounding_box_meets_the_rect() {
        let mut index = sample_index();
        index.insert(4, multi(vec![]));
        let check_candidates = |r: Rect<f64>, expected: &[u32]| {
            let mut found = index.candidates(r);
            found.sort_unstable();
            assert_eq!(found, expected, "{r:?}");
        };
        check_candidates(rect(1.0, 1.0, 2.0, 2.0), &[1]);
        check_candidates(rect(9.0, 9.0, 9.5, 9.5), &[1, 3]);
        // Touching a bounding box counts; only boxes matter, so a rect in a
        // hole or between the parts of a zone still finds it.
        check_candidates(rect(12.0, 12.0, 13.0, 13.0), &[3]);
        check_candidates(rect(4.5, 4.5, 5.5, 5.5), &[1]);
        check_candidates(rect(25.0, 25.0, 26.0, 26.0), &[2]);
        check_candidates(rect(15.0, 15.0, 16.0, 16.0), &[]);
        check_candidates(rect(-100.0, -100.0, 100.0, 100.0), &[1, 2, 3]);
        assert!(ZoneIndex::<u32>::new().candidates(rect(0.0, 0.0, 1.0, 1.0)).is_empty());
    }

    #[test]
    fn geometry_returns_the_zone_as_inserted() {
        let mut index = sample_index();
        let two_parts = multi(vec![square(20.0, 20.0, 2.0), square(30.0, 30.0, 2.0)]);
        assert_eq!(index.geometry(&2), Some(&two_parts));
        assert_eq!(index.geometry(&9), None);
        index.insert(2, multi(vec![square(50.0, 50.0, 1.0)]));
        assert_eq!(index.geometry(&2), Some(&multi(vec![square(50.0, 50.0, 1.0)])));
        index.remove(&2);
        assert_eq!(index.geometry(&2), None);
    }

    #[test]
    fn locate_batch_pairs_point_indices_with_keys() {
        let index = sample_index();
        let points = [
            coord! { x: 1.0, y: 1.0 },
            coord! { x: 15.0, y: 15.0 },
            coord! { x: 9.0, y: 9.0 },
            coord! { x: f64::NAN, y: 1.0 },
            coord! { x: 31.0, y: 31.0 },
        ];
        let mut found = index.locate_batch(&points);
        found.sort_unstable();
        assert_eq!(found, vec![(0, 1), (2, 1), (2, 3), (4, 2)]);
    }

    #[test]
    fn large_batch_in_z_order_matches_point_by_point_locate() {
        let index = sample_index();
        let mut rng = XorShift(7);
        let mut points: Vec<Coord<f64>> =
            (0..2000).map(|_| coord! { x: rng.range(-5.0, 35.0), y: rng.range(-5.0, 35.0) }).collect();
        points[10] = coord! { x: f64::NAN, y: 1.0 };
        points[11] = coord! { x: 1.0, y: f64::NAN };
        points[12] = coord! { x: 10.0, y: 10.0 };
        points[13] = coord! { x: 10.0, y: 10.0 };
        assert!(points.len() >= Z_ORDER_MIN_BATCH);
        let expected: Vec<(usize, u32)> =
            points.iter().enumerate().flat_map(|(i, &p)| index.locate(p).into_iter().map(move |k| (i, k))).collect();
        assert!(expected.len() > 100);
        assert_eq!(index.locate_batch(&points), expected);
        assert!(ZoneIndex::<u32>::new().locate_batch(&points).is_empty());
    }

    /// Rounds to a multiple of 1/16, so sums and midpoints stay exact.
    fn snap_to_grid(v: f64) -> f64 {
        (v * 16.0).round() / 16.0
    }

    /// A random star-shaped ring of 3-62 vertices around `center` with radii in
    /// `[r_min, r_max]`. With `snap`, vertices are on a 1/16 grid so that grid
    /// test points and edge midpoints hit edges and vertices exactly.
    fn star(rng: &mut XorShift, center: Coord<f64>, r_min: f64, r_max: f64, snap: bool) -> LineString<f64> {
        let n = 3 + rng.below(60);
        let ring = test_random::star(rng, center, r_min, r_max, n);
        if snap { ring.map_coords(|c| coord! { x: snap_to_grid(c.x), y: snap_to_grid(c.y) }) } else { ring }
    }

    /// Zones of 1–2 star-shaped parts, about half with a hole.
    fn random_zone(rng: &mut XorShift, snap: bool) -> MultiPolygon<f64> {
        let parts = 1 + rng.below(2);
        let polygons = (0..parts)
            .map(|part| {
                let center = coord! { x: rng.range(20.0, 80.0) + 100.0 * part as f64, y: rng.range(20.0, 80.0) };
                let exterior = star(rng, center, 12.0, 20.0, snap);
                let holes = if rng.below(2) == 0 { vec![star(rng, center, 2.0, 8.0, snap)] } else { vec![] };
                Polygon::new(exterior, holes)
            })
            .collect();
        MultiPolygon(polygons)
    }

    fn check_against_geo(snap: bool, seed: u64) {
        let mut rng = XorShift(seed);
        let zones: Vec<(usize, MultiPolygon<f64>)> = (0..40).map(|k| (k, random_zone(&mut rng, snap))).collect();
        let index = ZoneIndex::bulk_load(zones.clone());
        let mut points: Vec<Coord<f64>> = (0..4000)
            .map(|_| {
                let c = coord! { x: rng.range(-5.0, 205.0), y: rng.range(-5.0, 105.0) };
                if snap {
                    coord! { x: snap_to_grid(c.x), y: snap_to_grid(c.y) }
                } else {
                    c
                }
            })
            .collect();
        // Vertices and edge midpoints of a few zones, holes included.
        for (_, zone) in zones.iter().take(5) {
            for polygon in zone {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    for line in ring.lines() {
                        points.push(line.start);
                        points.push((line.start + line.end) / 2.0);
                    }
                }
            }
        }
        let found = index.locate_batch(&points);
        let mut boundary_hits = 0;
        for (i, point) in points.iter().enumerate() {
            let mut actual: Vec<usize> = found.iter().filter(|(j, _)| *j == i).map(|&(_, k)| k).collect();
            actual.sort_unstable();
            let expected: Vec<usize> =
                zones.iter().filter(|(_, zone)| zone.intersects(point)).map(|&(k, _)| k).collect();
            assert_eq!(actual, expected, "point {i} {point:?}");
            boundary_hits += zones.iter().filter(|(_, zone)| zone.intersects(point) && !zone.contains(point)).count();
        }
        if snap {
            assert!(boundary_hits > 50, "only {boundary_hits} boundary hits");
        }
    }

    #[test]
    fn agrees_with_geo_intersects_on_random_points() {
        check_against_geo(false, 0x9E37_79B9_7F4A_7C15);
    }

    #[test]
    fn agrees_with_geo_intersects_on_grid_points_hitting_boundaries() {
        check_against_geo(true, 0xD1B5_4A32_D192_ED03);
    }
}
