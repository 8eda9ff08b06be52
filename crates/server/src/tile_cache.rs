//! In-memory cache of encoded tiles, invalidated precisely: when features change,
//! exactly the cached tiles of the sets holding that layer whose (buffered) area
//! meets a changed feature's bounding box are dropped. Nothing else is evicted
//! except by the size cap.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use geo::{Intersects, Rect};
use landtrace_tiles::TileCoord;

/// One encoded tile: raw MVT bytes (empty for an empty tile), the gzip form, and
/// a strong ETag derived from the raw bytes.
#[derive(Debug)]
pub struct CachedTile {
    /// MVT bytes; empty means "no features" (answered 204).
    pub raw: Vec<u8>,
    /// gzip-compressed MVT bytes (empty when `raw` is empty).
    pub gzip: Vec<u8>,
    /// Quoted ETag.
    pub etag: String,
}

impl CachedTile {
    /// Wraps freshly encoded bytes.
    pub fn new(raw: Vec<u8>) -> CachedTile {
        let gzip = if raw.is_empty() { Vec::new() } else { gzip(&raw) };
        let etag = format!("\"{:016x}\"", fnv1a64(&raw));
        CachedTile { raw, gzip, etag }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 2), flate2::Compression::fast());
    enc.write_all(bytes).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// FNV-1a, 64 bit: stable across processes and versions (unlike std's hasher),
/// so ETags survive restarts and agree between instances.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

type Key = (Arc<str>, TileCoord);

/// The cache. Cheap to share; all methods take `&self`.
#[derive(Debug)]
pub struct TileCache {
    entries: Mutex<HashMap<Key, Arc<CachedTile>>>,
    max_entries: usize,
    /// Bumped by every invalidation; a tile cut from data read before a bump is
    /// not stored (it may show what was just changed).
    generation: AtomicU64,
}

impl TileCache {
    /// A cache holding at most `max_entries` tiles.
    pub fn new(max_entries: usize) -> TileCache {
        TileCache { entries: Mutex::default(), max_entries: max_entries.max(1), generation: AtomicU64::new(0) }
    }

    /// The cached tile, if any.
    pub fn get(&self, set: &str, tile: TileCoord) -> Option<Arc<CachedTile>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(&(Arc::from(set), tile)).cloned()
    }

    /// The current generation: read it before reading the data a tile is cut from.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Stores a tile cut from data read at `generation`, unless an invalidation
    /// happened since. When full, drops an arbitrary half of the entries first.
    pub fn put(&self, set: &str, tile: TileCoord, value: Arc<CachedTile>, generation: u64) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::SeqCst) != generation {
            return false;
        }
        if entries.len() >= self.max_entries {
            let mut n = 0;
            let half = entries.len() / 2;
            entries.retain(|_, _| {
                n += 1;
                n > half
            });
        }
        entries.insert((Arc::from(set), tile), value);
        true
    }

    /// Drops every cached tile of `sets` whose area, grown by `buffer_fraction`
    /// of a tile on each side, intersects one of `changed` (lon/lat boxes).
    /// Returns how many tiles were dropped.
    pub fn invalidate(&self, sets: &[String], changed: &[Rect<f64>], buffer_fraction: f64) -> usize {
        if changed.is_empty() || sets.is_empty() {
            return 0;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::SeqCst);
        let before = entries.len();
        entries.retain(|(set, tile), _| {
            if !sets.iter().any(|s| s.as_str() == &**set) {
                return true;
            }
            let area = tile.buffered_bounds_lonlat(buffer_fraction);
            !changed.iter().any(|c| c.intersects(&area))
        });
        before - entries.len()
    }

    /// Number of cached tiles.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(z: u32, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    #[test]
    fn invalidation_drops_exactly_the_tiles_that_show_the_change() {
        let cache = TileCache::new(100);
        // z=12 tiles around the county seat and one far away.
        let here = tile(12, 3308, 1620);
        let neighbour = tile(12, 3309, 1620);
        let far = tile(12, 100, 100);
        for t in [here, neighbour, far] {
            cache.put("all", t, Arc::new(CachedTile::new(vec![1, 2, 3])), 0);
            cache.put("origin_points", t, Arc::new(CachedTile::new(vec![4])), 0);
        }
        let b = here.bounds_lonlat();
        let centre = b.center();
        let changed = [Rect::new((centre.x - 1e-6, centre.y - 1e-6), (centre.x + 1e-6, centre.y + 1e-6))];
        // A change to a layer of set `all` only.
        let dropped = cache.invalidate(&["all".to_owned()], &changed, 64.0 / 4096.0);
        assert_eq!(dropped, 1);
        assert!(cache.get("all", here).is_none());
        assert!(cache.get("all", neighbour).is_some());
        assert!(cache.get("all", far).is_some());
        assert!(cache.get("origin_points", here).is_some(), "other sets keep their tiles");
    }

    #[test]
    fn a_change_in_the_buffer_reaches_the_neighbour() {
        let cache = TileCache::new(100);
        let here = tile(12, 3308, 1620);
        let neighbour = tile(12, 3309, 1620);
        cache.put("all", here, Arc::new(CachedTile::new(vec![1])), 0);
        cache.put("all", neighbour, Arc::new(CachedTile::new(vec![1])), 0);
        let b = here.bounds_lonlat();
        // Just east of `here`'s right edge: inside the neighbour and within here's buffer.
        let x = b.max().x + b.width() * 0.001;
        let changed = [Rect::new((x, b.center().y), (x, b.center().y))];
        assert_eq!(cache.invalidate(&["all".to_owned()], &changed, 64.0 / 4096.0), 2);
    }

    #[test]
    fn a_tile_cut_before_an_invalidation_is_not_stored() {
        let cache = TileCache::new(100);
        let t = tile(12, 3308, 1620);
        let generation = cache.generation();
        let b = t.bounds_lonlat();
        cache.invalidate(&["all".to_owned()], &[b], 0.0);
        assert!(!cache.put("all", t, Arc::new(CachedTile::new(vec![1])), generation));
        assert!(cache.get("all", t).is_none());
        assert!(cache.put("all", t, Arc::new(CachedTile::new(vec![1])), cache.generation()));
    }

    #[test]
    fn etags_are_stable_and_content_based() {
        assert_eq!(CachedTile::new(vec![1, 2]).etag, CachedTile::new(vec![1, 2]).etag);
        assert_ne!(CachedTile::new(vec![1, 2]).etag, CachedTile::new(vec![2, 1]).etag);
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c, "published FNV-1a 64 test vector");
    }

    #[test]
    fn the_size_cap_holds() {
        let cache = TileCache::new(10);
        for x in 0..50 {
            cache.put("all", tile(8, x, 0), Arc::new(CachedTile::new(vec![1])), 0);
        }
        assert!(cache.len() <= 10);
    }
}
