//! Well-Known Binary (ISO/OGC, 2D) encoding and decoding of `geo` geometries.
//!
//! Only what the GeoPackage needs: Point, LineString, Polygon and their Multi-
//! variants, little-endian on write, either byte order on read. Z/M geometries are
//! rejected with an error rather than silently flattened. Element counts read from
//! a blob are checked against the bytes left before anything is allocated, so a
//! corrupt blob cannot make us allocate gigabytes.

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};

/// A blob that is not valid 2D WKB.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WkbError {
    /// The blob ended before the geometry did.
    #[error("WKB ends early at byte {0}")]
    Truncated(usize),
    /// The byte-order flag was neither 0 nor 1.
    #[error("WKB byte order flag {0} is neither 0 nor 1")]
    ByteOrder(u8),
    /// A geometry type this store does not hold (Z/M, curves, collections).
    #[error("WKB geometry type {0} is not supported (2D point, line and polygon types only)")]
    UnsupportedType(u32),
    /// Bytes left over after the geometry.
    #[error("WKB has {0} trailing bytes")]
    Trailing(usize),
    /// Geometry collections nested deeper than [`MAX_COLLECTION_DEPTH`].
    #[error("WKB geometry collections are nested deeper than {MAX_COLLECTION_DEPTH}")]
    TooDeep,
}

/// Deepest nesting of geometry collections [`decode`] reads. Decoding recurses once
/// per level: 200,000 levels (1.8 MB) overflowed the stack and aborted the process.
pub const MAX_COLLECTION_DEPTH: usize = 16;

/// Encodes a geometry as little-endian WKB. Geometry collections, rects and
/// triangles are encoded as their polygon equivalents or rejected by the caller.
pub fn encode(geometry: &Geometry<f64>, out: &mut Vec<u8>) {
    match geometry {
        Geometry::Point(p) => {
            header(out, 1);
            coord(out, p.0);
        }
        Geometry::LineString(l) => {
            header(out, 2);
            coords(out, &l.0);
        }
        Geometry::Polygon(p) => {
            header(out, 3);
            polygon_body(out, p);
        }
        Geometry::MultiPoint(mp) => {
            header(out, 4);
            count(out, mp.0.len());
            for p in &mp.0 {
                header(out, 1);
                coord(out, p.0);
            }
        }
        Geometry::MultiLineString(ml) => {
            header(out, 5);
            count(out, ml.0.len());
            for l in &ml.0 {
                header(out, 2);
                coords(out, &l.0);
            }
        }
        Geometry::MultiPolygon(mp) => {
            header(out, 6);
            count(out, mp.0.len());
            for p in &mp.0 {
                header(out, 3);
                polygon_body(out, p);
            }
        }
        Geometry::Rect(r) => encode(&Geometry::Polygon(r.to_polygon()), out),
        Geometry::Triangle(t) => encode(&Geometry::Polygon(t.to_polygon()), out),
        Geometry::Line(l) => encode(&Geometry::LineString(LineString(vec![l.start, l.end])), out),
        Geometry::GeometryCollection(gc) => {
            header(out, 7);
            count(out, gc.0.len());
            for g in &gc.0 {
                encode(g, out);
            }
        }
    }
}

fn header(out: &mut Vec<u8>, ty: u32) {
    out.push(1);
    out.extend_from_slice(&ty.to_le_bytes());
}

fn count(out: &mut Vec<u8>, n: usize) {
    let n = u32::try_from(n).expect("geometry element count exceeds u32");
    out.extend_from_slice(&n.to_le_bytes());
}

fn coord(out: &mut Vec<u8>, c: Coord<f64>) {
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

fn coords(out: &mut Vec<u8>, cs: &[Coord<f64>]) {
    count(out, cs.len());
    for c in cs {
        coord(out, *c);
    }
}

fn polygon_body(out: &mut Vec<u8>, p: &Polygon<f64>) {
    count(out, 1 + p.interiors().len());
    coords(out, &p.exterior().0);
    for ring in p.interiors() {
        coords(out, &ring.0);
    }
}

/// Decodes one WKB geometry that must span the whole slice.
pub fn decode(bytes: &[u8]) -> Result<Geometry<f64>, WkbError> {
    let mut r = Reader { bytes, pos: 0, little: true, depth: 0 };
    let g = r.geometry()?;
    if r.pos != bytes.len() {
        return Err(WkbError::Trailing(bytes.len() - r.pos));
    }
    Ok(g)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    little: bool,
    /// Geometry collections open around the current position.
    depth: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], WkbError> {
        let end = self.pos + N;
        let slice = self.bytes.get(self.pos..end).ok_or(WkbError::Truncated(self.pos))?;
        self.pos = end;
        let mut a = [0u8; N];
        a.copy_from_slice(slice);
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, WkbError> {
        let b = self.take::<4>()?;
        Ok(if self.little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    fn f64(&mut self) -> Result<f64, WkbError> {
        let b = self.take::<8>()?;
        Ok(if self.little { f64::from_le_bytes(b) } else { f64::from_be_bytes(b) })
    }

    /// Reads an element count and checks that at least `min_bytes_each` bytes per
    /// element remain, so corrupt counts cannot drive allocation.
    fn count(&mut self, min_bytes_each: usize) -> Result<usize, WkbError> {
        let n = self.u32()? as usize;
        let left = self.bytes.len() - self.pos;
        if n.saturating_mul(min_bytes_each) > left {
            return Err(WkbError::Truncated(self.bytes.len()));
        }
        Ok(n)
    }

    fn header(&mut self) -> Result<u32, WkbError> {
        let [order] = self.take::<1>()?;
        self.little = match order {
            1 => true,
            0 => false,
            other => return Err(WkbError::ByteOrder(other)),
        };
        self.u32()
    }

    fn coord(&mut self) -> Result<Coord<f64>, WkbError> {
        Ok(Coord { x: self.f64()?, y: self.f64()? })
    }

    fn line(&mut self) -> Result<LineString<f64>, WkbError> {
        let n = self.count(16)?;
        (0..n).map(|_| self.coord()).collect::<Result<Vec<_>, _>>().map(LineString)
    }

    fn polygon(&mut self) -> Result<Polygon<f64>, WkbError> {
        let n = self.count(4)?;
        let mut rings = (0..n).map(|_| self.line()).collect::<Result<Vec<_>, _>>()?;
        if rings.is_empty() {
            return Ok(Polygon::new(LineString(vec![]), vec![]));
        }
        let exterior = rings.remove(0);
        Ok(Polygon::new(exterior, rings))
    }

    fn expect(&mut self, ty: u32) -> Result<(), WkbError> {
        let got = self.header()?;
        if got == ty { Ok(()) } else { Err(WkbError::UnsupportedType(got)) }
    }

    fn collection(&mut self) -> Result<geo::GeometryCollection<f64>, WkbError> {
        if self.depth == MAX_COLLECTION_DEPTH {
            return Err(WkbError::TooDeep);
        }
        self.depth += 1;
        let n = self.count(5)?;
        let mut parts = Vec::with_capacity(n);
        for _ in 0..n {
            parts.push(self.geometry()?);
        }
        self.depth -= 1;
        Ok(geo::GeometryCollection(parts))
    }

    fn geometry(&mut self) -> Result<Geometry<f64>, WkbError> {
        let ty = self.header()?;
        Ok(match ty {
            1 => Geometry::Point(Point(self.coord()?)),
            2 => Geometry::LineString(self.line()?),
            3 => Geometry::Polygon(self.polygon()?),
            4 => {
                let n = self.count(21)?;
                let mut pts = Vec::with_capacity(n);
                for _ in 0..n {
                    self.expect(1)?;
                    pts.push(Point(self.coord()?));
                }
                Geometry::MultiPoint(MultiPoint(pts))
            }
            5 => {
                let n = self.count(9)?;
                let mut lines = Vec::with_capacity(n);
                for _ in 0..n {
                    self.expect(2)?;
                    lines.push(self.line()?);
                }
                Geometry::MultiLineString(MultiLineString(lines))
            }
            6 => {
                let n = self.count(9)?;
                let mut polys = Vec::with_capacity(n);
                for _ in 0..n {
                    self.expect(3)?;
                    polys.push(self.polygon()?);
                }
                Geometry::MultiPolygon(MultiPolygon(polys))
            }
            7 => Geometry::GeometryCollection(self.collection()?),
            other => return Err(WkbError::UnsupportedType(other)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};

    fn round_trip(g: Geometry<f64>) {
        let mut buf = Vec::new();
        encode(&g, &mut buf);
        assert_eq!(decode(&buf).unwrap(), g);
    }

    #[test]
    fn round_trips_every_supported_type() {
        round_trip(point!(x: 110.77, y: 35.14).into());
        round_trip(line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 1.5)].into());
        let poly = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 1.0)]],
        ];
        round_trip(poly.clone().into());
        round_trip(MultiPolygon(vec![poly.clone(), poly]).into());
        round_trip(MultiPoint(vec![point!(x: 1.0, y: 2.0)]).into());
    }

    #[test]
    fn point_matches_the_published_wkb_bytes() {
        // POINT(1 2) little-endian, as printed by PostGIS ST_AsBinary.
        let hex = "0101000000000000000000f03f0000000000000040";
        let mut buf = Vec::new();
        encode(&point!(x: 1.0, y: 2.0).into(), &mut buf);
        let got: String = buf.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, hex);
    }

    #[test]
    fn reads_big_endian() {
        let mut b = vec![0u8];
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&3.0f64.to_be_bytes());
        b.extend_from_slice(&4.0f64.to_be_bytes());
        assert_eq!(decode(&b).unwrap(), Geometry::Point(point!(x: 3.0, y: 4.0)));
    }

    /// Found by probing the `wkb_decode` fuzz target with a deep input: nested
    /// collections were decoded recursively without a limit, and 200,000 levels
    /// overflowed the stack (aborting the process, not just the request).
    #[test]
    fn deeply_nested_collections_are_refused() {
        let nested = |levels: usize| {
            let mut b = Vec::new();
            for _ in 0..levels {
                b.push(1u8);
                b.extend_from_slice(&7u32.to_le_bytes());
                b.extend_from_slice(&1u32.to_le_bytes());
            }
            encode(&point!(x: 1.0, y: 2.0).into(), &mut b);
            b
        };
        assert_eq!(decode(&nested(200_000)), Err(WkbError::TooDeep));
        assert_eq!(decode(&nested(MAX_COLLECTION_DEPTH + 1)), Err(WkbError::TooDeep));
        let mut g: Geometry<f64> = point!(x: 1.0, y: 2.0).into();
        for _ in 0..MAX_COLLECTION_DEPTH {
            g = Geometry::GeometryCollection(geo::GeometryCollection(vec![g]));
        }
        assert_eq!(decode(&nested(MAX_COLLECTION_DEPTH)), Ok(g));
    }

    #[test]
    fn rejects_corrupt_blobs_without_allocating() {
        let mut b = vec![1u8];
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decode(&b), Err(WkbError::Truncated(_))));
        assert_eq!(decode(&[7]), Err(WkbError::ByteOrder(7)));
        let mut z = vec![1u8];
        z.extend_from_slice(&1001u32.to_le_bytes());
        assert_eq!(decode(&z), Err(WkbError::UnsupportedType(1001)));
    }
}
