//! Features as the store reads and writes them.

use geo::Geometry;
use serde_json::{Map, Value};

/// A feature read from the store: its feature id (`fid` in the GeoPackage, the
/// primary key in PostGIS), geometry in EPSG:4326, and attribute values.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Feature id, stable for the life of the feature.
    pub id: i64,
    /// Geometry (None for attribute-only layers).
    pub geometry: Option<Geometry<f64>>,
    /// Attribute values by field name; absent fields are null.
    pub properties: Map<String, Value>,
}

impl Feature {
    /// The version of this feature's content: 16 hex digits of SHA-256 over its
    /// geometry (WKB) and its properties in key order (nulls left out, so an
    /// absent field and a null one are the same version). Equal on both stores
    /// for the same content; the HTTP `ETag` of a feature and the `If-Match` a
    /// replace or delete checks inside its transaction
    /// ([`crate::Store::update_keyed`]).
    pub fn version(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let mut wkb = Vec::new();
        if let Some(geometry) = &self.geometry {
            crate::wkb::encode(geometry, &mut wkb);
        }
        hash.update((wkb.len() as u64).to_le_bytes());
        hash.update(&wkb);
        let mut keys: Vec<&String> = self.properties.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k).collect();
        keys.sort();
        for key in keys {
            let value = self.properties[key.as_str()].to_string();
            hash.update((key.len() as u64).to_le_bytes());
            hash.update(key.as_bytes());
            hash.update((value.len() as u64).to_le_bytes());
            hash.update(value.as_bytes());
        }
        let digest = hash.finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A feature to be written, not yet validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeature {
    /// Geometry in EPSG:4326 (None for attribute-only layers).
    pub geometry: Option<Geometry<f64>>,
    /// Attribute values by field name.
    pub properties: Map<String, Value>,
}

/// Who performs a write; recorded in the audit table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    /// The actor for data loaded from the bundled `data/` folder.
    pub fn bundled_data() -> Actor {
        Actor("system:bundled-data".to_owned())
    }
}

/// One row of the audit trail: who changed what, when, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Sequence number.
    pub id: i64,
    /// UTC time of the write, RFC 3339.
    pub at: String,
    /// Who wrote.
    pub actor: String,
    /// Layer table name.
    pub layer: String,
    /// Feature id.
    pub fid: i64,
    /// `insert`, `update` or `delete`.
    pub action: String,
    /// The feature before the write, as GeoJSON (None for inserts).
    pub before: Option<Value>,
    /// The feature after the write, as GeoJSON (None for deletes).
    pub after: Option<Value>,
}

/// A client's key for one write (the HTTP `Idempotency-Key` header) and a digest
/// of the request that carried it. A write made with a key is recorded in the
/// same transaction; the same key from the same actor within a day then answers
/// with the first write's outcome instead of writing again, and refuses a
/// different request ([`StoreError::IdempotencyKeyReused`](crate::StoreError)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The key as the client sent it.
    pub key: String,
    /// Hex SHA-256 of the request (method, path, query and body).
    pub request_sha256: String,
}

/// What a write returned: its own result, or (`replayed`) the result of the
/// earlier write with the same [`IdempotencyKey`], which wrote nothing now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome<T> {
    /// The write's result (feature ids, …).
    pub value: T,
    /// The key had been used for this request before; nothing was written now.
    pub replayed: bool,
}
