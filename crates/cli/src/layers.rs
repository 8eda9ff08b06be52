//! `landtrace import` (a file into a layer, through the one write path),
//! `landtrace layer create` and `import --new-layer` (a layer of the users' own,
//! its schema inferred from a file) and `landtrace layers` (the layers with their
//! counts).
//!
//! GeoJSON is read by the pure reader in every build; the other formats by GDAL
//! (`landtrace-gis`, the default `gdal` feature). Either way the features go
//! through `landtrace_app::layer_import`: field mapping, repair on request, every
//! problem listed, all or nothing.

use std::path::{Path, PathBuf};

use anyhow::bail;
use landtrace_app::layer_import::new_layer::{self, NewLayerOptions};
use landtrace_app::layer_import::{self, FieldMapping, ImportError, ImportedFeature, ReadFileError, ReadOptions};
use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::Door;
use landtrace_domain::schema::user_layers::{self, UserLayerDef, ZoomRange};
use landtrace_store::Actor;

use crate::input_file;
use crate::store_args::{StoreArgs, open_or_create};

/// How a file is read: its CRS, encoding and layer.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct ReadArgs {
    /// CRS of the coordinates (EPSG:4525, wgs84, gcj02, …) when the file declares
    /// none or declares it wrongly; else the file's, else recognised from the ranges.
    #[arg(long)]
    pub crs: Option<String>,
    /// Encoding of a shapefile's attributes when neither its .cpg nor its DBF
    /// header names one (gbk, utf-8, …).
    #[arg(long)]
    pub encoding: Option<String>,
    /// The layer of a multi-layer source (GeoPackage, geodatabase, workbook).
    #[arg(long = "layer", value_name = "NAME")]
    pub source_layer: Option<String>,
}

/// What the user says about a new layer (the rest is inferred from the file).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct NewLayerArgs {
    /// Chinese title, e.g. 宗地 (default: the layer name).
    #[arg(long)]
    pub title_zh: Option<String>,
    /// English title, e.g. "Cadastral parcels" (default: the layer name).
    #[arg(long)]
    pub title_en: Option<String>,
    /// The role that writes the layer and sees its personal fields: admin,
    /// agriculture, housing, land or traffic.
    #[arg(long)]
    pub owner: Option<String>,
    /// Only its owner and admins may read it (no tiles, no anonymous locate or export).
    #[arg(long)]
    pub private: bool,
    /// Zoom range of its tile set, e.g. 10-18 (default 12-18).
    #[arg(long, value_name = "MIN-MAX")]
    pub tiles: Option<String>,
    /// Do not draw it in tiles.
    #[arg(long, conflicts_with = "tiles")]
    pub no_tiles: bool,
    /// Do not answer it in /api/locate (polygon layers are answered by default).
    #[arg(long)]
    pub no_locate: bool,
    /// Source fields that are personal besides those named like names, phones or
    /// ID numbers (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "FIELD,…")]
    pub personal: Vec<String>,
    /// The definition as a JSON file (UserLayerDef: name, title_zh, title_en,
    /// geometry, fields, owner, public, tiles, locate) instead of inferring it.
    #[arg(long, value_name = "DEFINITION.json")]
    pub definition: Option<PathBuf>,
}

impl NewLayerArgs {
    /// Refuses the options of a new layer given to an import into an existing one.
    pub(crate) fn refuse_without_new_layer(&self) -> anyhow::Result<()> {
        let given = self.title_zh.is_some()
            || self.title_en.is_some()
            || self.owner.is_some()
            || self.private
            || self.tiles.is_some()
            || self.no_tiles
            || self.no_locate
            || !self.personal.is_empty()
            || self.definition.is_some();
        if given {
            bail!("--title-zh, --owner, --tiles and the other options of a new layer need --new-layer");
        }
        Ok(())
    }

    fn options(&self, name: &str) -> anyhow::Result<NewLayerOptions> {
        let Some(owner) = self.owner.clone() else {
            bail!("a new layer needs its owner: --owner land (or admin, agriculture, housing, traffic)");
        };
        let tiles = if self.no_tiles || self.private {
            None
        } else {
            Some(match &self.tiles {
                Some(range) => parse_zoom_range(range)?,
                None => new_layer::DEFAULT_TILES,
            })
        };
        Ok(NewLayerOptions {
            name: name.to_owned(),
            title_zh: self.title_zh.clone(),
            title_en: self.title_en.clone(),
            owner,
            public: !self.private,
            tiles,
            locate: self.no_locate.then_some(false),
            personal: self.personal.clone(),
        })
    }
}

fn parse_zoom_range(text: &str) -> anyhow::Result<ZoomRange> {
    let parsed =
        text.split_once('-').and_then(|(a, b)| Some((a.trim().parse::<u8>().ok()?, b.trim().parse::<u8>().ok()?)));
    match parsed {
        Some((min, max)) if min <= max && max <= 22 => Ok(ZoomRange { min, max }),
        _ => bail!("--tiles {text:?} is not a zoom range MIN-MAX within 0-22, e.g. 12-18"),
    }
}

/// The options of `landtrace import` beyond the layer and the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImportArgs {
    pub read: ReadArgs,
    pub fields: Option<PathBuf>,
    pub dry_run: bool,
    pub repair: bool,
}

/// `landtrace import LAYER FILE`.
pub(crate) async fn import(
    layer: &str,
    file: &Path,
    args: &ImportArgs,
    actor: String,
    store: &StoreArgs,
) -> anyhow::Result<()> {
    // Opened first: it registers the store's own layers.
    let store = open_or_create(store).await?;
    let Some(kind) = LayerKind::from_table_name(layer) else {
        let known: Vec<&str> = LayerKind::all().iter().map(|k| k.table_name()).collect();
        bail!(
            "no layer named {layer:?}; layers: {} (a new layer: --new-layer, see `landtrace layer create --help`)",
            known.join(", ")
        );
    };
    let mapping = match &args.fields {
        Some(path) => Some(
            FieldMapping::parse(&input_file::read_text(path)?, kind)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut notes = Vec::new();
    let mut features = read_features(kind, file, args, &mut notes)?;
    notes.extend(layer_import::map_and_repair(&mut features, mapping.as_ref(), args.repair));
    for note in &notes {
        eprintln!("note: {note}");
    }
    for warning in landtrace_app::write_path::write_warnings(kind, features.iter().map(|f| &f.properties)) {
        eprintln!("warning: feature #{}: {}", warning["feature"], warning["zh"].as_str().unwrap_or_default());
    }
    let total = features.len();
    match layer_import::import(store.as_ref(), kind, features, &Actor(actor), Door::FileImport, args.dry_run).await {
        Ok(_) if args.dry_run => {
            println!("checked {total} features for {layer}: all can be imported; nothing was written (dry run)");
            Ok(())
        }
        Ok(ids) => {
            println!(
                "imported {} features into {} (ids {}..={})",
                ids.len(),
                layer,
                ids.first().unwrap_or(&0),
                ids.last().unwrap_or(&0)
            );
            Ok(())
        }
        Err(ImportError::Refused(refused)) => Err(refused.into()),
        Err(ImportError::Write(e)) => Err(e.into()),
    }
}

/// The file's features with their geometries in EPSG:4326, through the one reading
/// path ([`layer_import::read_file`]); the command adds the size checks of its input
/// files and a progress bar.
fn read_features(
    kind: LayerKind,
    file: &Path,
    args: &ImportArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ImportedFeature>> {
    if layer_import::is_geojson(file) {
        // Under the CLI's policy for input files (regular, within the size limit).
        input_file::open(file)?;
    } else {
        check_dataset(file)?;
    }
    let options = ReadOptions {
        crs: args.read.crs.clone(),
        encoding: args.read.encoding.clone(),
        layer: args.read.source_layer.clone(),
        door: Door::FileImport,
    };
    let mut progress = crate::import_progress::Progress::default();
    let read = layer_import::read_file(kind, file, &options, &mut |done, total| progress.tell(done, total));
    progress.finish();
    let read = read.map_err(|e| match e {
        ReadFileError::GeoJson { errors, .. } => {
            anyhow::Error::from(errors).context(format!("reading {}", file.display()))
        }
        other => other.into(),
    })?;
    notes.extend(read.notes);
    Ok(read.features)
}

#[cfg(feature = "gdal")]
fn check_dataset(file: &Path) -> anyhow::Result<()> {
    input_file::check_dataset(file)
}

/// Without GDAL the reader refuses every format but GeoJSON itself.
#[cfg(not(feature = "gdal"))]
fn check_dataset(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// The definition of the new layer `name`: from `--definition`, else inferred
/// from `features`; the features conformed to it.
fn new_definition(
    name: &str,
    layer: &NewLayerArgs,
    features: &mut [ImportedFeature],
    notes: &mut Vec<String>,
) -> anyhow::Result<UserLayerDef> {
    let def = match &layer.definition {
        Some(path) => {
            let def: UserLayerDef = serde_json::from_str(&input_file::read_text(path)?)
                .map_err(|e| anyhow::anyhow!("{}: not a layer definition: {e}", path.display()))?;
            if def.name != name {
                bail!("{} defines layer {:?}, not {name:?}", path.display(), def.name);
            }
            def.check().map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            def
        }
        None => {
            let inferred = new_layer::infer(features, &layer.options(name)?).map_err(anyhow::Error::msg)?;
            notes.extend(inferred.notes);
            inferred.def
        }
    };
    new_layer::conform(features, &def);
    Ok(def)
}

/// Refuses a name already taken, before the file is read.
fn refuse_taken(name: &str) -> anyhow::Result<()> {
    if let Some(kind) = LayerKind::from_table_name(name) {
        bail!("a layer called {name} exists already ({}); choose another name", kind.title_zh());
    }
    if user_layers::is_reserved_layer_name(name) {
        bail!("{name} is kept for the platform's own tables; choose another name");
    }
    Ok(())
}

/// `landtrace layer create NAME --from FILE`.
pub(crate) async fn create_layer(
    name: &str,
    file: &Path,
    read: &ReadArgs,
    layer: &NewLayerArgs,
    actor: String,
    store: &StoreArgs,
) -> anyhow::Result<()> {
    let store = open_or_create(store).await?;
    refuse_taken(name)?;
    let args = ImportArgs { read: read.clone(), ..ImportArgs::default() };
    let mut notes = Vec::new();
    let mut features =
        read_features(new_layer::reading_layer(name).map_err(anyhow::Error::msg)?, file, &args, &mut notes)?;
    let def = new_definition(name, layer, &mut features, &mut notes)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    let kind = store.create_layer(&def, &Actor(actor)).await?;
    println!(
        "created layer {} ({} / {}) with {} fields; fill it with `landtrace import {} FILE`",
        kind.table_name(),
        kind.title_zh(),
        kind.title_en(),
        kind.fields().len(),
        kind.table_name()
    );
    Ok(())
}

/// `landtrace import NAME FILE --new-layer`: the layer created with the schema
/// inferred from the file, and the file imported into it. Every feature is
/// checked before the layer is created: a refused file creates nothing.
pub(crate) async fn import_new_layer(
    name: &str,
    file: &Path,
    args: &ImportArgs,
    layer: &NewLayerArgs,
    actor: String,
    store: &StoreArgs,
) -> anyhow::Result<()> {
    let store = open_or_create(store).await?;
    refuse_taken(name)?;
    let mut notes = Vec::new();
    let mut features =
        read_features(new_layer::reading_layer(name).map_err(anyhow::Error::msg)?, file, args, &mut notes)?;
    let def = new_definition(name, layer, &mut features, &mut notes)?;
    notes.extend(layer_import::map_and_repair(&mut features, None, args.repair));
    for note in &notes {
        eprintln!("note: {note}");
    }
    let total = features.len();
    match new_layer::create_and_import(store.as_ref(), &def, features, &Actor(actor), Door::FileImport, args.dry_run)
        .await
    {
        Ok(_) if args.dry_run => {
            println!(
                "checked {total} features for the new layer {name}: all can be imported; nothing was created (dry run)"
            );
            Ok(())
        }
        Ok((_, ids)) => {
            println!("created layer {name} and imported {} features into it", ids.len());
            Ok(())
        }
        Err(ImportError::Refused(refused)) => {
            Err(anyhow::Error::from(refused).context(format!("layer {name} was not created")))
        }
        Err(ImportError::Write(e)) => Err(e.into()),
    }
}

/// `landtrace layers`.
pub(crate) async fn layers(store: &StoreArgs) -> anyhow::Result<()> {
    let store = open_or_create(store).await?;
    let counts = store.counts().await;
    println!("{:<24} {:>8}  {:<13} title", "layer", "features", "geometry");
    for c in counts? {
        let geom = c.kind.geometry().ogc_name().unwrap_or("-");
        println!(
            "{:<24} {:>8}  {:<13} {} / {}",
            c.kind.table_name(),
            c.count,
            geom,
            c.kind.title_zh(),
            c.kind.title_en()
        );
    }
    Ok(())
}
