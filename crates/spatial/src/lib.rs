//! Coordinate systems and the zone index of landtrace.
//!
//! **Invariant: this crate does no IO** — no files, network or clock. It is
//! tested with plain values.
//!
//! - [`LonLat`] ([`lonlat`]): a validated lon/lat pair in degrees.
//! - [`gcj02`]: the GCJ-02 obfuscation used by Chinese web maps and its exact
//!   iterative inverse.
//! - [`Crs`] ([`crs`]): parsing CRS names and converting points and whole
//!   geometries to WGS84.
//! - [`PreparedMultiPolygon`] ([`point_in_polygon`]): exact point-in-polygon
//!   tests with a banded edge index for many-vertex rings.
//! - [`ZoneIndex`] ([`zone_index`]): an R-tree of keyed zones answering "which
//!   zones contain this point"; points on a boundary count as contained, as
//!   with PostGIS `ST_Intersects`. [`ZoneIndex::candidates`] lists the zones
//!   whose bounding box meets a rectangle, e.g. a parcel's.
//! - [`geodesic_area_m2`] ([`geodesic_area`]): the area of a lon/lat
//!   multipolygon on the WGS84 ellipsoid in m², edges straight in lon/lat.
//! - [`validate_parcel`] and [`split_by_zones`] ([`parcel`]): checking an
//!   input parcel ([`ParcelError`] names the problem and where) and cutting
//!   it by the zones of a grading system into [`ZonePart`]s with their areas
//!   and the part outside all zones ([`ParcelSplit`]).
//! - [`validate_multipolygon`] ([`validity`]): the one polygon validity rule
//!   of landtrace (parcels and stored zones), an exact plane sweep in
//!   O(n log n) for any input; [`PolygonError`] names the problem and where.

pub mod bd09;
pub mod crs;
pub mod gauss_kruger;
pub mod gcj02;
pub mod geodesic_area;
mod geometry_type;
pub mod lonlat;
mod morton_order;
pub mod parcel;
pub mod point_in_polygon;
#[cfg(test)]
mod test_random;
pub mod validity;
#[cfg(test)]
mod validity_oracle;
pub mod zone_index;

pub use crs::{Crs, CrsError, ExternalCrs, convert_geometry, geometry_to_wgs84, has_external, install_external};
pub use gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
pub use geodesic_area::geodesic_area_m2;
pub use geometry_type::geometry_type_name;
pub use lonlat::{CoordError, LonLat};
pub use parcel::{ParcelError, ParcelSplit, RingId, ZonePart, split_by_zones, validate_parcel};
pub use point_in_polygon::{Position, PreparedMultiPolygon};
pub use validity::{PolygonError, validate_multipolygon};
pub use zone_index::{PreparedZone, ZoneIndex};
