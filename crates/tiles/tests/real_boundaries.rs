//! The encoder over real data: the county boundaries of 运城市 cut into every tile
//! they touch, zoom 5 to 9 (临猗县 up to 13). Every tile decodes, stays in the
//! buffered tile, and every polygon is valid with the spec's winding; a tile lying
//! inside a county (with its buffer) is exactly the buffered square.

mod fixtures;

use fixtures::boundaries::{self, Boundary};
use geo::{BoundingRect, Contains, Coord, Rect, Validation};
use landtrace_tiles::{DecodedGeometry, EncodeOptions, LayerEncoder, TileCoord, decode, encode_tile, tiles_covering};

const BUFFER: u32 = 64;

fn buffered_bounds(tile: TileCoord) -> Rect<f64> {
    let (w, n) = tile.tile_px_to_lonlat(-f64::from(BUFFER), -f64::from(BUFFER), 4096);
    let (e, s) = tile.tile_px_to_lonlat(4096.0 + f64::from(BUFFER), 4096.0 + f64::from(BUFFER), 4096);
    Rect::new(Coord { x: w, y: s }, Coord { x: e, y: n })
}

fn check_boundary(boundary: &Boundary, zooms: std::ops::RangeInclusive<u8>) -> usize {
    let bbox = boundary.geometry.bounding_rect().unwrap();
    let geometry = boundary.geometry.clone().into();
    let mut tiles_with_data = 0;
    for z in zooms {
        for tile in tiles_covering(bbox, z) {
            let mut layer = LayerEncoder::new(
                "county_boundaries",
                tile,
                EncodeOptions { buffer_px: BUFFER, simplify_px: 1.0, ..Default::default() },
            );
            layer.add_feature(1, &geometry, &[("name", boundary.name.as_str().into())]);
            let bytes = encode_tile(&[layer]);
            let context = format!("{} at {tile}", boundary.name);
            let inside = boundary.geometry.contains(&buffered_bounds(tile));
            if bytes.is_empty() {
                assert!(!inside, "{context}: a tile inside the county came out empty");
                continue;
            }
            tiles_with_data += 1;
            let decoded = decode(&bytes).unwrap_or_else(|e| panic!("{context}: {e}"));
            let geometry = &decoded.layers[0].features[0].geometry;
            let DecodedGeometry::Polygons(polygons) = geometry else { panic!("{context}: {geometry:?}") };
            let limit = -(BUFFER as i32)..=(4096 + BUFFER as i32);
            for p in geometry.vertices() {
                assert!(limit.contains(&p[0]) && limit.contains(&p[1]), "{context}: {p:?} outside the buffer");
            }
            for polygon in polygons {
                let g = polygon.to_geo();
                assert!(g.is_valid(), "{context}: {:?}", g.validation_errors());
            }
            if inside {
                assert_eq!(polygons.len(), 1, "{context}");
                let mut corners = polygons[0].exterior.clone();
                corners.sort();
                assert_eq!(corners, [[-64, -64], [-64, 4160], [4160, -64], [4160, 4160]], "{context}");
            }
        }
    }
    tiles_with_data
}

#[test]
fn every_county_of_yuncheng_from_zoom_5_to_9() {
    let all = boundaries::all();
    assert_eq!(all.len(), 14);
    for boundary in &all {
        assert!(check_boundary(boundary, 5..=9) > 0, "{}", boundary.name);
    }
}

#[test]
fn linyi_from_zoom_10_to_13() {
    let linyi = boundaries::linyi();
    assert!(check_boundary(&linyi, 10..=13) > 100);
}
