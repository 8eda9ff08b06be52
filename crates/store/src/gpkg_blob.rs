//! The GeoPackage geometry blob (GeoPackage 1.3, §2.1.3): a small header with the
//! SRS id and an optional envelope, followed by standard WKB.

use geo::{BoundingRect, Geometry};

use crate::wkb::{self, WkbError};

/// A blob that is not a valid GeoPackage geometry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// Does not start with the magic bytes `GP`.
    #[error("geometry blob does not start with the GeoPackage magic 'GP'")]
    Magic,
    /// The header is shorter than its flags say.
    #[error("geometry blob header is truncated")]
    Truncated,
    /// Envelope indicator outside 0..=4.
    #[error("geometry blob has invalid envelope indicator {0}")]
    Envelope(u8),
    /// The WKB after the header is invalid.
    #[error(transparent)]
    Wkb(#[from] WkbError),
}

/// Axis-aligned envelope `[min_x, max_x, min_y, max_y]`, in the GeoPackage order.
pub type Envelope = [f64; 4];

/// Encodes `geometry` with an XY envelope (indicator 1), little endian.
pub fn encode(geometry: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let rect = geometry.bounding_rect();
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0); // version 1
    // flags: bit 0 little endian, bits 1-3 envelope indicator, bit 4 empty.
    let (indicator, empty) = if rect.is_some() { (1u8, 0u8) } else { (0, 1) };
    out.push(1 | (indicator << 1) | (empty << 4));
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(r) = rect {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    wkb::encode(geometry, &mut out);
    out
}

struct Header {
    wkb_start: usize,
    envelope: Option<Envelope>,
    empty: bool,
}

fn header(blob: &[u8]) -> Result<Header, BlobError> {
    if blob.len() < 8 || &blob[0..2] != b"GP" {
        return Err(BlobError::Magic);
    }
    let flags = blob[3];
    let little = flags & 1 == 1;
    let indicator = (flags >> 1) & 0b111;
    let empty = flags & 0b1_0000 != 0;
    let doubles = match indicator {
        0 => 0,
        1 => 4,
        2 | 3 => 6,
        4 => 8,
        other => return Err(BlobError::Envelope(other)),
    };
    let wkb_start = 8 + doubles * 8;
    if blob.len() < wkb_start {
        return Err(BlobError::Truncated);
    }
    let envelope = (doubles > 0).then(|| {
        let d = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&blob[8 + i * 8..16 + i * 8]);
            if little { f64::from_le_bytes(b) } else { f64::from_be_bytes(b) }
        };
        [d(0), d(1), d(2), d(3)]
    });
    Ok(Header { wkb_start, envelope, empty })
}

/// Decodes a blob into a geometry.
pub fn decode(blob: &[u8]) -> Result<Geometry<f64>, BlobError> {
    let h = header(blob)?;
    Ok(wkb::decode(&blob[h.wkb_start..])?)
}

/// The envelope of a blob: from the header when present, else computed from the
/// WKB. `None` for empty geometries.
pub fn envelope(blob: &[u8]) -> Result<Option<Envelope>, BlobError> {
    let h = header(blob)?;
    if h.empty {
        return Ok(None);
    }
    if let Some(e) = h.envelope {
        return Ok(Some(e));
    }
    let g = wkb::decode(&blob[h.wkb_start..])?;
    Ok(g.bounding_rect().map(|r| [r.min().x, r.max().x, r.min().y, r.max().y]))
}

/// Whether the blob holds an empty geometry.
pub fn is_empty(blob: &[u8]) -> Result<bool, BlobError> {
    Ok(envelope(blob)?.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon};

    #[test]
    fn round_trip_with_envelope() {
        let p: Geometry<f64> = polygon![(x: 110.0, y: 35.0), (x: 111.0, y: 35.0), (x: 111.0, y: 36.0)].into();
        let blob = encode(&p, 4326);
        assert_eq!(&blob[0..2], b"GP");
        assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4326);
        assert_eq!(decode(&blob).unwrap(), p);
        assert_eq!(envelope(&blob).unwrap(), Some([110.0, 111.0, 35.0, 36.0]));
    }

    #[test]
    fn envelope_is_computed_when_header_has_none() {
        let g: Geometry<f64> = point!(x: 3.0, y: 4.0).into();
        let mut blob = vec![b'G', b'P', 0, 1];
        blob.extend_from_slice(&4326i32.to_le_bytes());
        crate::wkb::encode(&g, &mut blob);
        assert_eq!(envelope(&blob).unwrap(), Some([3.0, 3.0, 4.0, 4.0]));
        assert_eq!(decode(&blob).unwrap(), g);
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode(b"XX\0\x01\0\0\0\0"), Err(BlobError::Magic));
        assert_eq!(decode(b"GP"), Err(BlobError::Magic));
    }
}
