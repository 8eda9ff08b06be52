//! `landtrace tiles build SET --format pmtiles|mbtiles`: a tile archive for
//! offline use and static hosting, cut by `landtrace_app::tile_cut` (the server's
//! own cutter), so every tile equals what `/tiles/{set}/{z}/{x}/{y}.mvt` serves.
//!
//! PMTiles v3 through the `pmtiles` crate's writer; MBTiles 1.3 (an SQLite file
//! with `metadata` and `tiles`, rows in TMS order) through sqlx, the SQLite the
//! store already links. Tiles are gzip-compressed in both, as their readers
//! expect of vector tiles; empty tiles are left out.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use geo::Rect;
use indicatif::{ProgressBar, ProgressStyle};
use landtrace_app::catalog::Catalog;
use landtrace_app::tile_cut;
use landtrace_domain::LayerKind;
use landtrace_server::state::DEFAULT_TILESETS;
use landtrace_tiles::{MAX_ZOOM, TileCoord, TileSets, tilejson, tiles_covering};
use sqlx::{ConnectOptions, Connection};

use crate::store_args::{StoreArgs, open_or_create};

/// The archive formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArchiveFormat {
    PmTiles,
    MbTiles,
}

impl ArchiveFormat {
    pub(crate) fn parse(name: &str) -> anyhow::Result<ArchiveFormat> {
        match name.to_ascii_lowercase().as_str() {
            "pmtiles" => Ok(ArchiveFormat::PmTiles),
            "mbtiles" => Ok(ArchiveFormat::MbTiles),
            other => bail!("unknown archive format {other:?}; formats: pmtiles, mbtiles"),
        }
    }
}

/// What to build.
#[derive(Debug)]
pub(crate) struct BuildArgs<'a> {
    pub set: &'a str,
    pub format: ArchiveFormat,
    pub out: &'a Path,
    pub minzoom: Option<u8>,
    pub maxzoom: Option<u8>,
    pub bbox: Option<&'a str>,
    pub tilesets: Option<&'a Path>,
}

/// Most tiles one archive may hold: a county at z18 is about a million tiles; this
/// refuses a world at z14 by mistake.
const MAX_TILES: u64 = 5_000_000;

/// `landtrace tiles build`.
pub(crate) async fn build(args: BuildArgs<'_>, store: &StoreArgs) -> anyhow::Result<()> {
    let toml = match args.tilesets {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        None => DEFAULT_TILESETS.to_owned(),
    };
    if args.out.exists() {
        bail!("{} exists; an archive is written to a new file", args.out.display());
    }
    // Opened first: it registers the store's own layers, whose sets join the file's.
    let store = open_or_create(store).await?;
    let from_file = TileSets::from_toml(&toml).map_err(|e| anyhow::anyhow!("tile sets: {e}"))?;
    let (tilesets, skipped) = from_file.with_user_layers(&LayerKind::all());
    for reason in skipped {
        eprintln!("note: {reason}");
    }
    let Some(set) = tilesets.set(args.set) else {
        bail!("no tile set named {:?}; sets: {}", args.set, tilesets.set_names().join(", "));
    };
    let minzoom = args.minzoom.unwrap_or(set.minzoom());
    let maxzoom = args.maxzoom.unwrap_or(set.maxzoom());
    if minzoom > maxzoom || maxzoom > MAX_ZOOM {
        bail!("zoom range {minzoom}..{maxzoom} is empty or beyond z{MAX_ZOOM}");
    }

    let mut catalog = Catalog::default();
    for (kind, _) in set.layers() {
        catalog.replace_layer(kind, store.features(kind).await?);
    }
    let extent = set.layers().filter_map(|(kind, _)| catalog.layer(kind).and_then(|l| l.extent())).reduce(|a, b| {
        Rect::new(
            (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
            (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
        )
    });
    let bbox = match args.bbox {
        Some(text) => parse_bbox(text)?,
        None => extent.context("the set's layers are empty: nothing to put in an archive")?,
    };
    let tiles: Vec<TileCoord> = (minzoom..=maxzoom).flat_map(|z| tiles_covering(bbox, z)).collect();
    if tiles.len() as u64 > MAX_TILES {
        bail!(
            "{} tiles at z{minzoom}–{maxzoom} over that box; at most {MAX_TILES} (lower --maxzoom or give --bbox)",
            tiles.len()
        );
    }

    let bounds = [bbox.min().x, bbox.min().y, bbox.max().x, bbox.max().y];
    let center =
        [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, f64::from(minzoom.max(10).min(maxzoom))];
    let mut doc = tilejson(args.set, &set, "", bounds, center);
    doc["minzoom"] = minzoom.into();
    doc["maxzoom"] = maxzoom.into();

    let bar = ProgressBar::new(tiles.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} tiles, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("cutting {}", args.set));
    // Cut on blocking threads, one per core (the cutter is CPU work), in order.
    let catalog = Arc::new(catalog);
    let tilesets = Arc::new(tilesets);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let set_name = args.set.to_owned();
    let cut = {
        let bar = bar.clone();
        tokio::task::spawn_blocking(move || cut_all(&catalog, &tilesets, &set_name, &tiles, workers, &bar))
            .await
            .context("the tile cutter stopped")??
    };
    bar.finish_and_clear();

    let written = cut.len();
    match args.format {
        ArchiveFormat::PmTiles => write_pmtiles(args.out, cut, minzoom, maxzoom, bounds, center, &doc)?,
        ArchiveFormat::MbTiles => write_mbtiles(args.out, cut, &doc).await?,
    }
    println!("wrote {written} tiles of {} (z{minzoom}–{maxzoom}) to {}", args.set, args.out.display());
    Ok(())
}

/// Every non-empty tile, gzip-compressed, in the order given.
fn cut_all(
    catalog: &Catalog,
    tilesets: &TileSets,
    set_name: &str,
    tiles: &[TileCoord],
    workers: usize,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<(TileCoord, Vec<u8>)>> {
    let set = tilesets.set(set_name).context("tile set vanished")?;
    let chunk = tiles.len().div_ceil(workers.max(1)).max(1);
    let results: Vec<Vec<(TileCoord, Vec<u8>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = tiles
            .chunks(chunk)
            .map(|part| {
                let set = &set;
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for tile in part {
                        let raw = tile_cut::encode(tilesets, *tile, tile_cut::collect(catalog, set, *tile));
                        if !raw.is_empty() {
                            out.push((*tile, gzip(&raw)));
                        }
                        bar.inc(1);
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    Ok(results.into_iter().flatten().collect())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 2), flate2::Compression::default());
    enc.write_all(bytes).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// `minlon,minlat,maxlon,maxlat` in WGS84.
fn parse_bbox(text: &str) -> anyhow::Result<Rect<f64>> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>().map_err(|_| anyhow::anyhow!("--bbox {text:?}: {v:?} is not a number")))
        .collect::<Result<_, _>>()?;
    let [w, s, e, n] = numbers[..] else { bail!("--bbox {text:?}: give minlon,minlat,maxlon,maxlat") };
    for (lon, lat) in [(w, s), (e, n)] {
        landtrace_spatial::LonLat::new(lon, lat).map_err(|err| anyhow::anyhow!("--bbox {text:?}: {err}"))?;
    }
    if w >= e || s >= n {
        bail!("--bbox {text:?}: the minimum must be below the maximum");
    }
    Ok(Rect::new((w, s), (e, n)))
}

fn write_pmtiles(
    out: &Path,
    mut tiles: Vec<(TileCoord, Vec<u8>)>,
    minzoom: u8,
    maxzoom: u8,
    bounds: [f64; 4],
    center: [f64; 3],
    doc: &serde_json::Value,
) -> anyhow::Result<()> {
    use pmtiles::{Compression, PmTilesWriter, TileCoord as PmCoord, TileId, TileType};
    let id = |t: &TileCoord| {
        PmCoord::new(t.z(), t.x(), t.y()).map(|c| u64::from(TileId::from(c))).map_err(|e| anyhow::anyhow!("{e}"))
    };
    // The writer wants tile ids in increasing (Hilbert) order.
    let mut keyed = tiles.drain(..).map(|(t, data)| Ok((id(&t)?, t, data))).collect::<anyhow::Result<Vec<_>>>()?;
    keyed.sort_by_key(|(id, _, _)| *id);
    let metadata = serde_json::json!({
        "name": doc["name"], "description": doc["description"], "attribution": doc["attribution"],
        "vector_layers": doc["vector_layers"],
    });
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .min_zoom(minzoom)
        .max_zoom(maxzoom)
        .bounds(bounds[0], bounds[1], bounds[2], bounds[3])
        .center(center[0], center[1])
        .center_zoom(center[2] as u8)
        .metadata(metadata.to_string())
        .create(std::io::BufWriter::new(file))
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
    for (_, t, data) in keyed {
        let coord = PmCoord::new(t.z(), t.x(), t.y()).map_err(|e| anyhow::anyhow!("{e}"))?;
        writer.add_tile(coord, &data).map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
    }
    writer.finalize().map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
    Ok(())
}

async fn write_mbtiles(out: &Path, tiles: Vec<(TileCoord, Vec<u8>)>, doc: &serde_json::Value) -> anyhow::Result<()> {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(out).create_if_missing(true);
    let mut db = options.connect().await.with_context(|| format!("creating {}", out.display()))?;
    let mut tx = db.begin().await?;
    for sql in [
        "CREATE TABLE metadata (name TEXT, value TEXT)",
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)",
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)",
    ] {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    let bounds = doc["bounds"].as_array().map(|b| b.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","));
    let center = doc["center"].as_array().map(|b| b.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","));
    let json = serde_json::json!({ "vector_layers": doc["vector_layers"] }).to_string();
    let metadata = [
        ("name", doc["name"].as_str().unwrap_or_default().to_owned()),
        ("description", doc["description"].as_str().unwrap_or_default().to_owned()),
        ("attribution", doc["attribution"].as_str().unwrap_or_default().to_owned()),
        ("format", "pbf".to_owned()),
        ("type", "overlay".to_owned()),
        ("version", "1.3".to_owned()),
        ("minzoom", doc["minzoom"].to_string()),
        ("maxzoom", doc["maxzoom"].to_string()),
        ("bounds", bounds.unwrap_or_default()),
        ("center", center.unwrap_or_default()),
        ("json", json),
    ];
    for (name, value) in metadata {
        sqlx::query("INSERT INTO metadata (name, value) VALUES (?, ?)")
            .bind(name)
            .bind(value)
            .execute(&mut *tx)
            .await?;
    }
    for (tile, data) in tiles {
        // MBTiles rows count from the south (TMS).
        let row = (1u32 << tile.z()) - 1 - tile.y();
        sqlx::query("INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)")
            .bind(i64::from(tile.z()))
            .bind(i64::from(tile.x()))
            .bind(i64::from(row))
            .bind(data)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    db.close().await?;
    Ok(())
}
