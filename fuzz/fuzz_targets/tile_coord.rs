//! Tile coordinates of `GET /tiles/{set}/{z}/{x}/{y}.mvt`: the three path segments
//! read as the server reads them (unsigned integers, `.mvt` on the last), then
//! `tiles::TileCoord::new`. A tile that is accepted has a finite, non-empty extent
//! inside the Web Mercator square, is shown as `z/x/y`, and its centre projects
//! into the tile and back.
#![no_main]

use landtrace_tiles::{MAX_ZOOM, TILE_EXTENT, TileCoord};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|path: &str| {
    let mut segments = path.splitn(3, '/');
    let (Some(z), Some(x), Some(y_file)) = (segments.next(), segments.next(), segments.next()) else { return };
    let Some(y) = y_file.strip_suffix(".mvt") else { return };
    let (Ok(z), Ok(x), Ok(y)) = (z.parse::<u32>(), x.parse::<u32>(), y.parse::<u32>()) else { return };
    let Ok(tile) = TileCoord::new(z, x, y) else { return };
    assert!(tile.z() <= MAX_ZOOM);
    assert_eq!(tile.to_string(), format!("{z}/{x}/{y}"));
    let bounds = tile.bounds_lonlat();
    let (min, max) = (bounds.min(), bounds.max());
    for v in [min.x, min.y, max.x, max.y] {
        assert!(v.is_finite(), "{tile}: bounds {bounds:?}");
    }
    assert!(min.x < max.x && min.y < max.y, "{tile}: empty bounds {bounds:?}");
    assert!(-180.0 <= min.x && max.x <= 180.0 && -85.06 < min.y && max.y < 85.06, "{tile}: bounds {bounds:?}");
    let centre = bounds.center();
    let (px, py) = tile.lonlat_to_tile_px(centre.x, centre.y, TILE_EXTENT);
    let extent = f64::from(TILE_EXTENT);
    assert!((0.0..=extent).contains(&px) && (0.0..=extent).contains(&py), "{tile}: centre at ({px}, {py})");
    let (lon, lat) = tile.tile_px_to_lonlat(px, py, TILE_EXTENT);
    let tolerance = (max.x - min.x).max(max.y - min.y) * 1e-6;
    assert!((lon - centre.x).abs() <= tolerance && (lat - centre.y).abs() <= tolerance, "{tile}: ({lon}, {lat})");
});
