//! Base maps drawn under the data (`serve --basemap FILE`, `--basemap-url TEMPLATE`,
//! `--tianditu-key KEY`): tile archives on the server's disk (MBTiles or PMTiles,
//! raster or vector, served by the server itself so an intranet without internet
//! access has a base map) and tile URL templates the browser fetches itself (天地图
//! or any XYZ/WMTS template; GCJ-02 providers refused, see
//! [`landtrace_tiles::basemap`]). Served by `routes::basemaps`.
//!
//! MBTiles is read through sqlx (the SQLite the store links), read-only; PMTiles v3
//! through the `pmtiles` crate's reader over a positional-read file backend.

use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use landtrace_tiles::basemap::{TIANDITU_ATTRIBUTION, Tianditu, check_template, check_tianditu_key, template_host};
use pmtiles::{AsyncBackend, AsyncPmTilesReader, BackendResponse, PmtError, PmtResult, TileCoord as PmCoord};
use serde_json::{Value, json};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

/// What `serve` was told.
#[derive(Debug, Clone, Default)]
pub struct BasemapConfig {
    /// Tile archives (`.mbtiles`, `.pmtiles`), each `[ID=]PATH`.
    pub archives: Vec<String>,
    /// Raster tile URL templates, each `[ID=]TEMPLATE`.
    pub templates: Vec<String>,
    /// A 天地图 key: the 天地图 vector and imagery base maps are offered with it.
    pub tianditu_key: Option<String>,
}

/// Raster or vector tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    /// Images (PNG, JPEG, WebP).
    Raster,
    /// Mapbox Vector Tiles.
    Vector,
}

impl TileKind {
    /// `raster` or `vector`.
    pub fn as_str(self) -> &'static str {
        match self {
            TileKind::Raster => "raster",
            TileKind::Vector => "vector",
        }
    }
}

/// One base map.
#[derive(Debug)]
pub struct Basemap {
    /// Identifier in URLs: `a-z0-9_-`.
    pub id: String,
    /// Title shown in the client.
    pub title: String,
    /// Attribution shown on the map (may be empty for an archive without one).
    pub attribution: String,
    /// Raster or vector.
    pub kind: TileKind,
    /// Zoom range of the tiles.
    pub minzoom: u8,
    /// Zoom range of the tiles.
    pub maxzoom: u8,
    /// `[west, south, east, north]`.
    pub bounds: [f64; 4],
    /// Where the tiles come from.
    pub source: Source,
}

/// Where a base map's tiles come from.
#[derive(Debug)]
pub enum Source {
    /// An archive on this server's disk, served at `/basemaps/{id}/{z}/{x}/{y}`.
    Archive(Archive),
    /// URL templates the browser fetches itself: one list of URLs (alternative
    /// hosts) per layer, drawn bottom to top (天地图: the map, then its annotation).
    Templates(Vec<Vec<String>>),
}

/// An opened tile archive.
pub struct Archive {
    /// The file.
    pub path: PathBuf,
    /// Media type of its tiles.
    pub content_type: &'static str,
    /// `vector_layers` of its metadata (vector archives), for a generic style.
    pub vector_layers: Value,
    reader: Reader,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("path", &self.path).field("content_type", &self.content_type).finish()
    }
}

enum Reader {
    MbTiles(SqlitePool),
    PmTiles(Box<AsyncPmTilesReader<FileBackend>>),
}

/// The base maps served, in the order given.
#[derive(Debug, Default)]
pub struct Basemaps {
    /// The base maps.
    pub list: Vec<Basemap>,
}

/// A tile's bytes as stored, and whether they are gzip-compressed.
#[derive(Debug)]
pub struct StoredTile {
    /// The bytes.
    pub bytes: Bytes,
    /// gzip-compressed (vector tiles usually are).
    pub gzip: bool,
}

impl Basemaps {
    /// Opens every archive and checks every template; an error names the setting.
    pub async fn open(config: &BasemapConfig) -> Result<Basemaps, String> {
        let mut list: Vec<Basemap> = Vec::new();
        for spec in &config.archives {
            let (id, path) = split_id(spec);
            let path = PathBuf::from(path);
            let id = match id {
                Some(id) => id.to_owned(),
                None => path.file_stem().and_then(|s| s.to_str()).map(slug).unwrap_or_default(),
            };
            list.push(open_archive(id, &path).await.map_err(|e| format!("--basemap {spec}: {e}"))?);
        }
        for (n, spec) in config.templates.iter().enumerate() {
            let (id, template) = split_id(spec);
            check_template(template).map_err(|e| format!("--basemap-url: {e}"))?;
            let host = template_host(template).unwrap_or_default();
            list.push(Basemap {
                id: id.map_or_else(|| format!("url-{}", n + 1), str::to_owned),
                title: host.clone(),
                attribution: format!("© {host}"),
                kind: TileKind::Raster,
                minzoom: 0,
                maxzoom: 18,
                bounds: WORLD,
                source: Source::Templates(vec![vec![template.trim().to_owned()]]),
            });
        }
        if let Some(key) = &config.tianditu_key {
            check_tianditu_key(key).map_err(|e| format!("--tianditu-key: {e}"))?;
            for map in Tianditu::ALL {
                list.push(Basemap {
                    id: map.id().to_owned(),
                    title: map.title().to_owned(),
                    attribution: TIANDITU_ATTRIBUTION.to_owned(),
                    kind: TileKind::Raster,
                    minzoom: 1,
                    maxzoom: 18,
                    bounds: WORLD,
                    source: Source::Templates(map.templates(key)),
                });
            }
        }
        for (i, map) in list.iter().enumerate() {
            check_id(&map.id)?;
            if list[..i].iter().any(|m| m.id == map.id) {
                return Err(format!("two base maps named {:?}; name them with ID=… (--basemap ID=FILE)", map.id));
            }
        }
        Ok(Basemaps { list })
    }

    /// The base map of an identifier.
    pub fn get(&self, id: &str) -> Option<&Basemap> {
        self.list.iter().find(|m| m.id == id)
    }

    /// Identifiers, for messages.
    pub fn ids(&self) -> Vec<&str> {
        self.list.iter().map(|m| m.id.as_str()).collect()
    }
}

const WORLD: [f64; 4] = [-180.0, -85.051_129, 180.0, 85.051_129];

fn split_id(spec: &str) -> (Option<&str>, &str) {
    match spec.split_once('=') {
        // An `=` inside a URL's query is not an identifier.
        Some((id, rest)) if !id.contains(['/', ':', '?']) && !id.is_empty() => (Some(id.trim()), rest.trim()),
        _ => (None, spec.trim()),
    }
}

fn slug(stem: &str) -> String {
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c.to_ascii_lowercase() } else { '-' })
        .collect()
}

fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 63
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok { Ok(()) } else { Err(format!("base map id {id:?}: use 1–63 of a-z, 0-9, - and _")) }
}

async fn open_archive(id: String, path: &Path) -> Result<Basemap, String> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !path.is_file() {
        return Err("no such file".to_owned());
    }
    match ext.as_deref() {
        Some("mbtiles") => open_mbtiles(id, path).await,
        Some("pmtiles") => open_pmtiles(id, path).await,
        _ => Err("a tile archive is a .mbtiles or .pmtiles file".to_owned()),
    }
}

fn content_type_of(format: &str) -> Option<(TileKind, &'static str)> {
    Some(match format {
        "png" => (TileKind::Raster, "image/png"),
        "jpg" | "jpeg" => (TileKind::Raster, "image/jpeg"),
        "webp" => (TileKind::Raster, "image/webp"),
        "pbf" | "mvt" => (TileKind::Vector, crate::routes::tiles::MVT_MEDIA_TYPE),
        _ => return None,
    })
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(',').filter_map(|v| v.trim().parse().ok()).collect()
}

fn bounds_of(values: &[f64]) -> Option<[f64; 4]> {
    match *values {
        [w, s, e, n] if w < e && s < n && (-180.0..=180.0).contains(&w) && (-90.0..=90.0).contains(&s) => {
            Some([w, s.max(WORLD[1]), e.min(180.0), n.min(WORLD[3])])
        }
        _ => None,
    }
}

async fn open_mbtiles(id: String, path: &Path) -> Result<Basemap, String> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|e| format!("opening it as SQLite: {e}"))?;
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT name, CAST(value AS TEXT) FROM metadata")
        .fetch_all(&pool)
        .await
        .map_err(|e| format!("not an MBTiles file (its metadata table: {e})"))?;
    let meta = |name: &str| rows.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned());
    let format = meta("format").unwrap_or_default().to_ascii_lowercase();
    let (kind, content_type) = content_type_of(&format)
        .ok_or_else(|| format!("metadata format {format:?}: a base map is png, jpg, webp or pbf"))?;
    let zoom = |name: &str| meta(name).and_then(|v| v.parse::<u8>().ok());
    let (min, max): (Option<i64>, Option<i64>) = sqlx::query_as("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles")
        .fetch_one(&pool)
        .await
        .map_err(|e| format!("not an MBTiles file (its tiles table: {e})"))?;
    let minzoom = zoom("minzoom").or(min.and_then(|z| u8::try_from(z).ok())).unwrap_or(0);
    let maxzoom = zoom("maxzoom").or(max.and_then(|z| u8::try_from(z).ok())).unwrap_or(minzoom).max(minzoom);
    let vector_layers = meta("json")
        .and_then(|j| serde_json::from_str::<Value>(&j).ok())
        .and_then(|j| j.get("vector_layers").cloned())
        .unwrap_or(Value::Null);
    if kind == TileKind::Vector && !vector_layers.is_array() {
        return Err("a vector MBTiles needs vector_layers in its metadata json (to draw a style)".to_owned());
    }
    Ok(Basemap {
        title: meta("name").filter(|n| !n.is_empty()).unwrap_or_else(|| id.clone()),
        id,
        attribution: meta("attribution").unwrap_or_default(),
        kind,
        minzoom,
        maxzoom,
        bounds: meta("bounds").and_then(|b| bounds_of(&numbers(&b))).unwrap_or(WORLD),
        source: Source::Archive(Archive {
            path: path.to_owned(),
            content_type,
            vector_layers,
            reader: Reader::MbTiles(pool),
        }),
    })
}

async fn open_pmtiles(id: String, path: &Path) -> Result<Basemap, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = AsyncPmTilesReader::try_from_source(FileBackend(Arc::new(file)))
        .await
        .map_err(|e| format!("not a PMTiles v3 archive: {e}"))?;
    let header = reader.get_header();
    let (kind, content_type) = match header.tile_type {
        pmtiles::TileType::Mvt => (TileKind::Vector, crate::routes::tiles::MVT_MEDIA_TYPE),
        other if matches!(other, pmtiles::TileType::Png | pmtiles::TileType::Jpeg | pmtiles::TileType::Webp) => {
            (TileKind::Raster, other.content_type())
        }
        other => return Err(format!("tile type {other:?}: a base map is PNG, JPEG, WebP or MVT")),
    };
    // Images carry their own compression (writers mark them none or unknown).
    let served = match header.tile_compression {
        pmtiles::Compression::None | pmtiles::Compression::Gzip => true,
        pmtiles::Compression::Unknown => kind == TileKind::Raster,
        pmtiles::Compression::Brotli | pmtiles::Compression::Zstd => false,
    };
    if !served {
        return Err(format!("tile compression {:?}: only gzip or none are served", header.tile_compression));
    }
    let metadata: Value = match reader.get_metadata().await {
        Ok(text) if !text.trim().is_empty() => serde_json::from_str(&text).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let vector_layers = metadata.get("vector_layers").cloned().unwrap_or(Value::Null);
    if kind == TileKind::Vector && !vector_layers.is_array() {
        return Err("a vector PMTiles needs vector_layers in its metadata (to draw a style)".to_owned());
    }
    let text = |key: &str| metadata.get(key).and_then(Value::as_str).map(str::to_owned);
    let bounds = [header.min_longitude, header.min_latitude, header.max_longitude, header.max_latitude];
    Ok(Basemap {
        title: text("name").filter(|n| !n.is_empty()).unwrap_or_else(|| id.clone()),
        id,
        attribution: text("attribution").unwrap_or_default(),
        kind,
        minzoom: header.min_zoom,
        maxzoom: header.max_zoom.max(header.min_zoom),
        bounds: bounds_of(&bounds).unwrap_or(WORLD),
        source: Source::Archive(Archive {
            path: path.to_owned(),
            content_type,
            vector_layers,
            reader: Reader::PmTiles(Box::new(reader)),
        }),
    })
}

impl Archive {
    /// The tile at z/x/y (XYZ, rows from the north), `None` when the archive has none.
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<StoredTile>, String> {
        let bytes: Option<Bytes> = match &self.reader {
            Reader::MbTiles(pool) => {
                // MBTiles rows count from the south (TMS).
                let row = (1u32 << z) - 1 - y;
                let data: Option<(Vec<u8>,)> = sqlx::query_as(
                    "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                )
                .bind(i64::from(z))
                .bind(i64::from(x))
                .bind(i64::from(row))
                .fetch_optional(pool)
                .await
                .map_err(|e| format!("reading {}: {e}", self.path.display()))?;
                data.map(|(d,)| Bytes::from(d))
            }
            Reader::PmTiles(reader) => {
                let coord = PmCoord::new(z, x, y).map_err(|e| e.to_string())?;
                reader.get_tile(coord).await.map_err(|e| format!("reading {}: {e}", self.path.display()))?
            }
        };
        Ok(bytes.filter(|b| !b.is_empty()).map(|bytes| StoredTile { gzip: bytes.starts_with(&[0x1f, 0x8b]), bytes }))
    }
}

/// A PMTiles file read by position (`pread`) on a blocking thread: no memory map, so
/// a file replaced under a running server is an error, not a crash.
struct FileBackend(Arc<std::fs::File>);

impl AsyncBackend for FileBackend {
    fn read(&self, offset: u64, length: usize) -> impl Future<Output = PmtResult<BackendResponse>> + Send {
        let file = self.0.clone();
        async move {
            let bytes = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
                let mut buf = vec![0u8; length];
                let mut filled = 0;
                while filled < length {
                    let n = file.read_at(&mut buf[filled..], offset + filled as u64)?;
                    if n == 0 {
                        break;
                    }
                    filled += n;
                }
                buf.truncate(filled);
                Ok(buf)
            })
            .await
            .map_err(|e| PmtError::Reading(std::io::Error::other(e)))??;
            Ok(BackendResponse::new(Bytes::from(bytes)))
        }
    }
}

/// The list entry of a base map (`GET /basemaps`), with absolute URLs from `base`.
pub fn entry(map: &Basemap, base: &str) -> Value {
    let mut v = json!({
        "id": map.id,
        "title": map.title,
        "kind": map.kind.as_str(),
        "attribution": map.attribution,
        "minzoom": map.minzoom,
        "maxzoom": map.maxzoom,
        "bounds": map.bounds,
        "tilejson": format!("{base}/basemaps/{}.json", map.id),
    });
    match &map.source {
        Source::Archive(_) => v["source"] = "archive".into(),
        Source::Templates(layers) => {
            v["source"] = "template".into();
            v["layers"] = json!(layers);
        }
    }
    v
}

/// TileJSON 3.0.0 of a base map. A template base map of several layers (天地图)
/// lists its first layer's tiles here; `layers` of the list entry has them all.
pub fn tilejson(map: &Basemap, base: &str) -> Value {
    let tiles = match &map.source {
        Source::Archive(_) => vec![format!("{base}/basemaps/{}/{{z}}/{{x}}/{{y}}", map.id)],
        Source::Templates(layers) => layers.first().cloned().unwrap_or_default(),
    };
    let center = [(map.bounds[0] + map.bounds[2]) / 2.0, (map.bounds[1] + map.bounds[3]) / 2.0, f64::from(map.minzoom)];
    let mut doc = json!({
        "tilejson": "3.0.0",
        "name": map.title,
        "attribution": map.attribution,
        "scheme": "xyz",
        "tiles": tiles,
        "minzoom": map.minzoom,
        "maxzoom": map.maxzoom,
        "bounds": map.bounds,
        "center": center,
    });
    if let Source::Archive(archive) = &map.source
        && map.kind == TileKind::Vector
    {
        doc["vector_layers"] = archive.vector_layers.clone();
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_specs() {
        assert_eq!(split_id("county=/srv/tiles/county.mbtiles"), (Some("county"), "/srv/tiles/county.mbtiles"));
        assert_eq!(split_id("/srv/a=b.mbtiles"), (None, "/srv/a=b.mbtiles"));
        assert_eq!(split_id("https://x.org/{z}/{x}/{y}.png?k=v"), (None, "https://x.org/{z}/{x}/{y}.png?k=v"));
        assert_eq!(split_id("osm=https://x.org/{z}/{x}/{y}.png"), (Some("osm"), "https://x.org/{z}/{x}/{y}.png"));
        assert_eq!(slug("临猗 Base.2024"), "---base-2024");
        assert!(check_id("county-2024_a").is_ok());
        assert!(check_id("County").is_err() && check_id("").is_err() && check_id("a/b").is_err());
    }
}
