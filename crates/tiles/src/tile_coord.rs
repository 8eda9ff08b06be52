//! Tile coordinates of the XYZ ("slippy map") scheme over Web Mercator (EPSG:3857).
//!
//! Zoom `z` splits the world into `2^z × 2^z` square tiles; `x` grows eastwards from
//! 180°W and `y` grows southwards from the top of the Mercator square (85.0511°N).
//! Inside a tile, positions are given in *tile pixels* of an `extent` (4096 for MVT):
//! `(0, 0)` is the north-west corner and `y` grows downwards.

use std::f64::consts::PI;

use geo::{Coord, Rect};

/// Deepest zoom level accepted (about 2 cm per tile pixel of a 4096 extent).
pub const MAX_ZOOM: u8 = 24;

/// Latitude of the top and bottom edges of the Web Mercator square, in degrees
/// (`atan(sinh(π))`, about 85.0511°).
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Latitude (degrees) at which [`TileCoord::lonlat_to_tile_px`] clamps its input so the
/// projection stays finite; points beyond it land far outside every tile.
const PROJECTION_LATITUDE_LIMIT: f64 = 89.999;

/// A tile address that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TileError {
    /// The zoom level is above [`MAX_ZOOM`].
    #[error("zoom {z} is out of range (0..={MAX_ZOOM})")]
    ZoomOutOfRange {
        /// The zoom asked for.
        z: u32,
    },
    /// The column is not in `0..2^z`.
    #[error("x {x} is out of range for zoom {z} (0..={max})")]
    XOutOfRange {
        /// The column asked for.
        x: u32,
        /// The zoom.
        z: u8,
        /// The largest column of that zoom.
        max: u32,
    },
    /// The row is not in `0..2^z`.
    #[error("y {y} is out of range for zoom {z} (0..={max})")]
    YOutOfRange {
        /// The row asked for.
        y: u32,
        /// The zoom.
        z: u8,
        /// The largest row of that zoom.
        max: u32,
    },
}

/// One tile of the XYZ scheme: zoom, column (west → east) and row (north → south).
///
/// Built only through [`TileCoord::new`], so `z ≤ 24` and `x, y < 2^z` always hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    z: u8,
    x: u32,
    y: u32,
}

impl TileCoord {
    /// Checks a tile address: `z ≤ 24` and `x, y < 2^z`.
    pub fn new(z: u32, x: u32, y: u32) -> Result<TileCoord, TileError> {
        let z = u8::try_from(z).ok().filter(|z| *z <= MAX_ZOOM).ok_or(TileError::ZoomOutOfRange { z })?;
        let max = tiles_per_side(z) - 1;
        if x > max {
            return Err(TileError::XOutOfRange { x, z, max });
        }
        if y > max {
            return Err(TileError::YOutOfRange { y, z, max });
        }
        Ok(TileCoord { z, x, y })
    }

    /// Zoom level.
    pub fn z(&self) -> u8 {
        self.z
    }

    /// Column, counted eastwards from 180°W.
    pub fn x(&self) -> u32 {
        self.x
    }

    /// Row, counted southwards from 85.0511°N.
    pub fn y(&self) -> u32 {
        self.y
    }

    /// The tile's extent in WGS84 longitude/latitude degrees (min = south-west corner).
    pub fn bounds_lonlat(&self) -> Rect<f64> {
        let n = f64::from(tiles_per_side(self.z));
        let west = f64::from(self.x) / n * 360.0 - 180.0;
        let east = f64::from(self.x + 1) / n * 360.0 - 180.0;
        let north = world_y_to_lat(f64::from(self.y) / n);
        let south = world_y_to_lat(f64::from(self.y + 1) / n);
        Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north })
    }

    /// [`TileCoord::bounds_lonlat`] grown by `fraction` of its size on every side
    /// (the buffered tile whose features a tile shows).
    pub fn buffered_bounds_lonlat(&self, fraction: f64) -> Rect<f64> {
        let r = self.bounds_lonlat();
        let (dx, dy) = (r.width() * fraction, r.height() * fraction);
        Rect::new(Coord { x: r.min().x - dx, y: r.min().y - dy }, Coord { x: r.max().x + dx, y: r.max().y + dy })
    }

    /// Fractional tile-pixel coordinates of a lon/lat point for a tile of `extent`
    /// pixels: `(0, 0)` is the tile's north-west corner, `y` grows downwards, and points
    /// outside the tile get coordinates outside `0..extent`. Latitudes beyond ±89.999°
    /// are clamped there so the result stays finite.
    pub fn lonlat_to_tile_px(&self, lon: f64, lat: f64, extent: u32) -> (f64, f64) {
        let n = f64::from(tiles_per_side(self.z));
        let lat = lat.clamp(-PROJECTION_LATITUDE_LIMIT, PROJECTION_LATITUDE_LIMIT);
        let px = (lon_to_world_x(lon) * n - f64::from(self.x)) * f64::from(extent);
        let py = (lat_to_world_y(lat) * n - f64::from(self.y)) * f64::from(extent);
        (px, py)
    }

    /// The inverse of [`TileCoord::lonlat_to_tile_px`]: lon/lat degrees of a tile-pixel
    /// position.
    pub fn tile_px_to_lonlat(&self, px: f64, py: f64, extent: u32) -> (f64, f64) {
        let n = f64::from(tiles_per_side(self.z));
        let world_x = (f64::from(self.x) + px / f64::from(extent)) / n;
        let world_y = (f64::from(self.y) + py / f64::from(extent)) / n;
        (world_x * 360.0 - 180.0, world_y_to_lat(world_y))
    }
}

impl std::fmt::Display for TileCoord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// The tiles of zoom `z` whose extent shares an area with `bbox_lonlat` (WGS84
/// degrees), row by row from north-west to south-east.
///
/// The box is clamped to the world (±180°, ±85.0511°); a box entirely outside it, or a
/// `z` above [`MAX_ZOOM`], yields no tile. Tiles that only touch the box along an edge
/// are left out, except that a box of zero width or height (a point or a line) yields
/// the tiles it lies in.
pub fn tiles_covering(bbox_lonlat: Rect<f64>, z: u8) -> impl Iterator<Item = TileCoord> {
    let (min, max) = (bbox_lonlat.min(), bbox_lonlat.max());
    let in_world = z <= MAX_ZOOM
        && min.x <= 180.0
        && max.x >= -180.0
        && min.y <= MAX_LATITUDE
        && max.y >= -MAX_LATITUDE
        && [min.x, min.y, max.x, max.y].iter().all(|v| v.is_finite());
    let (columns, rows) = if in_world {
        let n = f64::from(tiles_per_side(z));
        let west = lon_to_world_x(min.x.clamp(-180.0, 180.0)) * n;
        let east = lon_to_world_x(max.x.clamp(-180.0, 180.0)) * n;
        let north = lat_to_world_y(max.y.clamp(-MAX_LATITUDE, MAX_LATITUDE)) * n;
        let south = lat_to_world_y(min.y.clamp(-MAX_LATITUDE, MAX_LATITUDE)) * n;
        (index_range(west, east, z), index_range(north, south, z))
    } else {
        (empty_range(), empty_range())
    };
    rows.flat_map(move |y| columns.clone().map(move |x| TileCoord { z, x, y }))
}

/// The tile indices covering the world interval `[lo, hi]` (in tile units).
fn index_range(lo: f64, hi: f64, z: u8) -> std::ops::RangeInclusive<u32> {
    let max = f64::from(tiles_per_side(z) - 1);
    let first = lo.floor().clamp(0.0, max);
    let last = (hi.ceil() - 1.0).clamp(first, max);
    // Both values are whole numbers in 0..2^24, so the casts are exact.
    (first as u32)..=(last as u32)
}

#[allow(clippy::reversed_empty_ranges)]
fn empty_range() -> std::ops::RangeInclusive<u32> {
    1..=0
}

/// `2^z`.
fn tiles_per_side(z: u8) -> u32 {
    1u32 << z
}

/// Longitude → fraction of the world width, 0 at 180°W.
fn lon_to_world_x(lon: f64) -> f64 {
    (lon + 180.0) / 360.0
}

/// Latitude → fraction of the world height, 0 at the top (85.0511°N).
fn lat_to_world_y(lat: f64) -> f64 {
    let phi = lat.to_radians();
    (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / PI) / 2.0
}

/// Fraction of the world height → latitude.
fn world_y_to_lat(world_y: f64) -> f64 {
    (PI * (1.0 - 2.0 * world_y)).sinh().atan().to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Intersects;

    fn tile(z: u32, x: u32, y: u32) -> TileCoord {
        TileCoord::new(z, x, y).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn rejects_out_of_range_addresses_with_clear_messages() {
        let check = |z, x, y, expected: &str| {
            assert_eq!(TileCoord::new(z, x, y).unwrap_err().to_string(), expected);
        };
        check(3, 9, 0, "x 9 is out of range for zoom 3 (0..=7)");
        check(3, 0, 8, "y 8 is out of range for zoom 3 (0..=7)");
        check(0, 1, 0, "x 1 is out of range for zoom 0 (0..=0)");
        check(25, 0, 0, "zoom 25 is out of range (0..=24)");
        check(300, 0, 0, "zoom 300 is out of range (0..=24)");
        assert!(TileCoord::new(24, (1 << 24) - 1, (1 << 24) - 1).is_ok());
    }

    #[test]
    fn accessors_and_display() {
        let t = tile(12, 3308, 1620);
        assert_eq!((t.z(), t.x(), t.y()), (12, 3308, 1620));
        assert_eq!(t.to_string(), "12/3308/1620");
    }

    #[test]
    fn zoom_zero_is_the_whole_mercator_world() {
        let b = tile(0, 0, 0).bounds_lonlat();
        assert!(close(b.min().x, -180.0) && close(b.max().x, 180.0));
        assert!(close(b.max().y, MAX_LATITUDE) && close(b.min().y, -MAX_LATITUDE));
    }

    #[test]
    fn zoom_one_quadrants_meet_at_the_equator_and_greenwich() {
        let b = tile(1, 1, 0).bounds_lonlat();
        assert!(close(b.min().x, 0.0) && close(b.max().x, 180.0));
        assert!(close(b.min().y, 0.0) && close(b.max().y, MAX_LATITUDE));
    }

    #[test]
    fn linyi_county_seat_at_zoom_12() {
        // 110.775°E 35.14°N: x = 290.775/360·4096 = 3308.37, y = 1620.47 (computed).
        let hits: Vec<_> = tiles_covering(Rect::new((110.775, 35.14), (110.775, 35.14)), 12).collect();
        assert_eq!(hits, vec![tile(12, 3308, 1620)]);
        let (px, py) = tile(12, 3308, 1620).lonlat_to_tile_px(110.775, 35.14, 4096);
        assert!((px - 0.373_333 * 4096.0).abs() < 0.01, "{px}");
        assert!((py - 0.470_491 * 4096.0).abs() < 0.01, "{py}");
        assert!(tile(12, 3308, 1620).bounds_lonlat().intersects(&geo::Point::new(110.775, 35.14)));
    }

    #[test]
    fn tile_pixels_of_the_corners() {
        let t = tile(5, 17, 11);
        let b = t.bounds_lonlat();
        let (x0, y0) = t.lonlat_to_tile_px(b.min().x, b.max().y, 4096);
        let (x1, y1) = t.lonlat_to_tile_px(b.max().x, b.min().y, 4096);
        assert!(close(x0, 0.0) && y0.abs() < 1e-6, "{x0} {y0}");
        assert!(close(x1, 4096.0) && (y1 - 4096.0).abs() < 1e-6, "{x1} {y1}");
        let (lon, lat) = t.tile_px_to_lonlat(1024.0, 3000.0, 4096);
        let (px, py) = t.lonlat_to_tile_px(lon, lat, 4096);
        assert!((px - 1024.0).abs() < 1e-6 && (py - 3000.0).abs() < 1e-6);
    }

    #[test]
    fn poles_project_to_finite_values_far_outside() {
        let (_, py) = tile(0, 0, 0).lonlat_to_tile_px(0.0, 90.0, 4096);
        assert!(py.is_finite() && py < -4096.0);
        let (_, py) = tile(0, 0, 0).lonlat_to_tile_px(0.0, -90.0, 4096);
        assert!(py.is_finite() && py > 8192.0);
    }

    #[test]
    fn covering_a_tiles_own_bounds_yields_that_tile_only() {
        let t = tile(10, 826, 405);
        let b = t.bounds_lonlat();
        // Shrink by a hair so rounding of the bounds cannot reach a neighbour.
        let eps = 1e-9;
        let inner = Rect::new((b.min().x + eps, b.min().y + eps), (b.max().x - eps, b.max().y - eps));
        assert_eq!(tiles_covering(inner, 10).collect::<Vec<_>>(), vec![t]);
        // Its parent area at zoom 11 is its four children.
        let children: Vec<_> = tiles_covering(inner, 11).collect();
        assert_eq!(children, vec![tile(11, 1652, 810), tile(11, 1653, 810), tile(11, 1652, 811), tile(11, 1653, 811)]);
    }

    #[test]
    fn covering_is_clamped_to_the_world() {
        assert_eq!(tiles_covering(Rect::new((-400.0, -90.0), (400.0, 90.0)), 2).count(), 16);
        assert_eq!(tiles_covering(Rect::new((-180.0, -85.0), (180.0, 85.0)), 0).count(), 1);
        assert_eq!(tiles_covering(Rect::new((0.0, 86.0), (10.0, 89.0)), 3).count(), 0);
        assert_eq!(tiles_covering(Rect::new((181.0, 0.0), (190.0, 1.0)), 3).count(), 0);
        assert_eq!(tiles_covering(Rect::new((0.0, 0.0), (1.0, 1.0)), 25).count(), 0);
        assert_eq!(tiles_covering(Rect::new((0.0, 0.0), (f64::NAN, 1.0)), 3).count(), 0);
        let east_edge: Vec<_> = tiles_covering(Rect::new((180.0, 0.5), (180.0, 0.5)), 1).collect();
        assert_eq!(east_edge, vec![tile(1, 1, 0)]);
    }

    #[test]
    fn linyi_county_at_zoom_10() {
        // The county's extent, roughly 110.45–110.95°E, 34.95–35.30°N.
        let tiles: Vec<_> = tiles_covering(Rect::new((110.45, 34.95), (110.95, 35.30)), 10).collect();
        assert_eq!(tiles.len(), 4);
        for t in &tiles {
            assert!(t.bounds_lonlat().intersects(&Rect::new((110.45, 34.95), (110.95, 35.30))));
        }
    }
}
