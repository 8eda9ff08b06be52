//! Cutting one vector tile from the catalogue: the one place a tile's bytes are
//! made, for `GET /tiles/{set}/{z}/{x}/{y}.mvt` and for the tile archives of
//! `landtrace tiles build`, so an archive's tiles equal the server's.

use std::sync::Arc;

use landtrace_domain::LayerKind;
use landtrace_store::Feature;
use landtrace_tiles::{LayerEncoder, ResolvedSet, TileCoord, TileSets, encode_tile};

use crate::catalog::Catalog;

/// The features of each layer of a set that one tile shows.
pub type TileParts = Vec<(LayerKind, Vec<Arc<Feature>>)>;

/// The features of each layer of `set` that `tile` shows, with the layer's
/// buffer (cheap: R-tree lookups; take it under the catalogue's read lock).
pub fn collect(catalog: &Catalog, set: &ResolvedSet<'_>, tile: TileCoord) -> TileParts {
    let mut parts = Vec::new();
    for (kind, config) in set.layers_at_zoom(tile.z()) {
        let Some(layer) = catalog.layer(kind) else { continue };
        let area = tile.buffered_bounds_lonlat(f64::from(config.buffer_px()) / f64::from(config.extent()));
        let features = layer.intersecting(area);
        if !features.is_empty() {
            parts.push((kind, features));
        }
    }
    parts
}

/// Encodes the collected features as MVT bytes (empty for an empty tile). Only
/// the properties the tile-set definition lists reach the tile. CPU work: run
/// it off async threads.
pub fn encode(tilesets: &TileSets, tile: TileCoord, parts: TileParts) -> Vec<u8> {
    let mut layers = Vec::with_capacity(parts.len());
    for (kind, features) in parts {
        let Some(config) = tilesets.layer(kind) else { continue };
        let mut encoder = LayerEncoder::new(kind.table_name(), tile, config.encode_options());
        for f in features {
            let Some(geometry) = &f.geometry else { continue };
            let props = config.tile_properties(&f.properties);
            encoder.add_feature(u64::try_from(f.id).unwrap_or(0), geometry, &props);
        }
        layers.push(encoder);
    }
    encode_tile(&layers)
}
