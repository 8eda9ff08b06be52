//! Vector tiles for landtrace: tile coordinates, a Mapbox Vector Tile 2.1 encoder and
//! decoder, tile-set definitions and TileJSON.
//!
//! **Invariant: this crate does no IO** — no files, network or clock. Tile-set files
//! arrive as text, features as geo geometries, tiles leave as bytes; everything is
//! tested with plain values. The protobuf encoding is written by hand
//! (`protobuf_wire`), without code generation.
//!
//! - [`TileCoord`] ([`tile_coord`]): XYZ tile addresses over Web Mercator, checked at
//!   construction; [`tiles_covering`] a lon/lat box.
//! - [`LayerEncoder`] / [`encode_tile`] ([`mvt`]): project, clip to the buffered tile,
//!   simplify, quantise and encode features. Polygons always come out valid at the
//!   tile's integer resolution, with the spec's winding; the rule (simplified if valid,
//!   else unsimplified, else drop the holes or pieces that break validity) is in
//!   `tile_polygon`, the clipping in `polygon_clip` and `line_clip`, the validity
//!   test in `polygon_validity`.
//! - [`decode`] / [`dump`] ([`mvt_decode`]): a strict decoder and a sorted text dump for
//!   assertions on tiles.
//! - [`TileSets`] ([`tileset`]): `tiles/tilesets.toml` checked against the domain's
//!   layer schemas — personal fields can never be configured into a tile.
//! - [`tilejson()`] ([`mod@tilejson`]): TileJSON 3.0.0 for a set.

pub mod basemap;
mod geometry_commands;
mod line_clip;
pub mod mvt;
pub mod mvt_decode;
mod polygon_clip;
mod polygon_validity;
mod protobuf_wire;
pub mod tile_coord;
mod tile_polygon;
pub mod tilejson;
pub mod tileset;

pub use geometry_commands::TilePoint;
pub use mvt::{EncodeOptions, GeomType, LayerEncoder, MvtValue, encode_tile};
pub use mvt_decode::{
    DecodeError, DecodedFeature, DecodedGeometry, DecodedLayer, DecodedPolygon, DecodedTile, decode, dump,
};
pub use protobuf_wire::WireError;
pub use tile_coord::{MAX_ZOOM, TileCoord, TileError, tiles_covering};
pub use tilejson::{ATTRIBUTION, USER_ATTRIBUTION, tilejson, tilejson_field_type};
pub use tileset::{ConfigError, LayerTileConfig, ResolvedSet, TILE_EXTENT, TileSets};
