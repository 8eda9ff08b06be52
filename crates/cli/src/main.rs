//! The `landtrace` command: argument parsing and dispatch. Each command lives in
//! its own module and calls the use cases of `landtrace-app` (or the server);
//! none of them holds a rule.

mod check;
#[cfg(feature = "gdal")]
mod export;
mod expropriation;
mod import_progress;
mod input_file;
mod layers;
mod migrate;
mod origin_records;
mod serve;
mod store_args;
mod tiles_build;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use serve::ServeArgs;
use store_args::StoreArgs;

/// landtrace: the county's land, traffic and traceability layers, served.
#[derive(Debug, Parser)]
#[command(name = "landtrace", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum CheckCommand {
    /// Where and when a GPS track (CSV time,lon,lat or a GPS export with Chinese
    /// headers / GPX / GeoJSON) was inside the truck-ban zone during ban hours, judged
    /// for the vehicle as the point check judges it. Times without a UTC offset are
    /// Beijing time. A track without a usable fix is an error. The check's summary
    /// (time, plate, number of violations, time range) is recorded in the store.
    Track {
        /// The track file.
        file: PathBuf,
        /// csv, gpx or geojson (default: from the file extension).
        #[arg(long)]
        format: Option<String>,
        /// CRS of the coordinates (EPSG:4326, gcj02, …); phone apps in China often record GCJ-02.
        #[arg(long, default_value = "EPSG:4326")]
        crs: String,
        /// A pause between fixes longer than this is reported as a gap, not bridged.
        #[arg(long, default_value_t = 120)]
        max_gap_s: u64,
        /// Write the full report here: .json, .csv, .xlsx or .html (printable), by the
        /// extension (default: summary only).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The vehicle, JSON as `vehicle` of `POST /api/truck-ban/check`, e.g.
        /// '{"length_mm":5000,"total_mass_kg":3000,"body":"box","energy":"electric","plate":"晋M12345"}'.
        /// Without it a heavy fuel truck without a pass is assumed (and the report says so).
        #[arg(long)]
        vehicle: Option<String>,
        /// The vehicle's pass, JSON as `pass` of `POST /api/truck-ban/check`; without it the
        /// store's passes for the plate are used.
        #[arg(long)]
        pass: Option<String>,
        /// The track is inside the pass's named area or route.
        #[arg(long)]
        inside_pass_area: bool,
        /// Who checks (recorded with the check's summary for the dashboard).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Benchmark-price valuation of every parcel in a file (GeoJSON, CSV with a
    /// WKT column, or the coordinate text file of a land approval filing). Bad
    /// parcels are reported in their rows; the batch goes on.
    Valuation {
        /// The parcels (.geojson/.json, .csv with columns id,wkt, or a 建设用地报批
        /// coordinate file .txt, GBK or UTF-8, told by its [属性描述] section).
        file: PathBuf,
        /// Land use: 商服, 住宅, 公共管理与公共服务, 工业 (urban); 商服, 宅基地, 工业 (collective).
        #[arg(long = "use")]
        land_use: String,
        /// Use for the collective-land parts when it differs (商服, 宅基地, 工业).
        #[arg(long)]
        collective_use: Option<String>,
        /// Date the valuation is for (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        /// CRS of the parcels' coordinates (EPSG:4326, CGCS2000, gcj02, …; default
        /// EPSG:4326). A coordinate file names its own; leave this out for one.
        #[arg(long)]
        crs: Option<String>,
        /// Report file: .csv, .xlsx or .geojson (default: CSV on standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also appraise each parcel by the benchmark-price coefficient method
        /// (GB/T 18508-2014) with these correction tables: a JSON file of the land
        /// bureau, `illustrative` (the bundled demonstration tables) or `none` (the
        /// benchmark price alone, said so in the report).
        #[arg(long)]
        corrections: Option<String>,
        /// Remaining land-use term m in years (term correction).
        #[arg(long)]
        remaining_term: Option<f64>,
        /// Plot ratio 容积率 (plot-ratio correction).
        #[arg(long)]
        plot_ratio: Option<f64>,
        /// Individual factor grades, `交通条件=优;宗地形状=一般`.
        #[arg(long)]
        factors: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// The weekly dispatch ledger (每周调度台账, 附件3 of 临政办发〔2023〕19号): per
    /// township the number of subjects per key product and the change since last week.
    Ledger {
        /// ISO week, e.g. 2023-W24 (Monday to Sunday).
        #[arg(long)]
        week: String,
        /// json, csv (UTF-8 with BOM, Chinese headers), xlsx (a workbook) or html (a printable page);
        /// default: from the --out extension, else json.
        #[arg(long)]
        format: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The household register (被征收户) of the expropriation projects (临政发〔2023〕10号/11号)
    /// as JSON: every household with its compensation computed line by line (the signing
    /// bonus from its recorded dates) and its objection and appeal periods. Holds names.
    Households {
        /// 临政发〔2023〕10号 or 11号 (default: both).
        #[arg(long)]
        decision_no: Option<String>,
        /// Date for the periods and the estimate of unsigned households (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Signing progress per expropriation project: households signed / not signed /
    /// with a compensation decision (counts only).
    Progress {
        /// json, csv or xlsx; default: from the --out extension, else json.
        #[arg(long)]
        format: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TraceCommand {
    /// Import the collection form (附件1 重点农产品产地溯源信息采集表) saved as CSV,
    /// UTF-8 or GBK: every row is checked; if any row fails nothing is stored and
    /// every failing row is listed.
    Import {
        /// The CSV file, with the form's Chinese column headers.
        file: PathBuf,
        /// auto (UTF-8 if valid, else GBK), utf-8 or gbk.
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// Check every row and report, but store nothing.
        #[arg(long)]
        dry_run: bool,
        /// CRS of the 经度/纬度 columns (EPSG:4326, gcj02, …); phone apps in China often record GCJ-02.
        #[arg(long, default_value = "EPSG:4326")]
        crs: String,
        /// Who is importing (recorded in the audit table and created_by).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The producer register (种养殖主体): list, register, show one with its bases.
    Producers {
        #[command(subcommand)]
        what: ProducerCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ProducerCommand {
    /// Every producer with the number of its bases.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Register a producer; without --uscc the platform assigns the next identifier
    /// (ZT140821-nnnnnn).
    Add {
        /// Name (种养殖主体名称).
        #[arg(long)]
        name: String,
        /// 企业, 农民合作社, 家庭农场, 种养殖户 or 农村经纪人 (or the gazette's wording).
        #[arg(long)]
        subject_type: String,
        /// Unified social credit code (统一社会信用代码), checked (GB 32100-2015).
        #[arg(long)]
        uscc: Option<String>,
        /// Township (name or code).
        #[arg(long)]
        township: Option<String>,
        /// Contact person.
        #[arg(long)]
        contact_name: Option<String>,
        /// Contact phone (mobile or landline with area code).
        #[arg(long)]
        contact_phone: Option<String>,
        /// 以商品生产为目的: yes/no (是/否).
        #[arg(long)]
        for_market: Option<String>,
        /// Who registers (recorded in the audit table and created_by).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// One producer (feature id or identifier) with its bases and each base's
    /// collection threshold (bases weighed together, gazette line 2852).
    Show {
        /// Feature id or identifier (credit code / ZT140821-nnnnnn).
        producer: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum LayerCommand {
    /// Define a new layer (宗地, 永久基本农田, 国土空间规划分区, …) with the schema
    /// inferred from a file: its geometry, fields and their types; fields named
    /// like names, phones or ID numbers are personal. The layer is created empty;
    /// fill it with `landtrace import` (or use `import --new-layer` to do both).
    Create {
        /// The new layer's table name (ASCII lower case, digits, _), e.g. zongdi.
        name: String,
        /// The file whose schema the layer takes (any format `import` reads).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        layer: layers::NewLayerArgs,
        #[command(flatten)]
        read: layers::ReadArgs,
        /// Who creates it (recorded with the definition).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TilesCommand {
    /// Cut every tile of a set over its layers' extent (or --bbox) into a PMTiles
    /// or MBTiles archive, with a progress bar; the tiles equal the server's.
    Build {
        /// The tile set (tiles/tilesets.toml), e.g. all.
        set: String,
        /// pmtiles or mbtiles (default: from the --out extension).
        #[arg(long)]
        format: Option<String>,
        /// The archive to write (must not exist).
        #[arg(long)]
        out: PathBuf,
        /// Lowest zoom (default: the set's).
        #[arg(long)]
        minzoom: Option<u8>,
        /// Highest zoom (default: the set's).
        #[arg(long)]
        maxzoom: Option<u8>,
        /// minlon,minlat,maxlon,maxlat (WGS84; default: the extent of the set's layers).
        #[arg(long)]
        bbox: Option<String>,
        /// Tile-set definitions (default: the built-in tiles/tilesets.toml).
        #[arg(long)]
        tilesets: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user with a new random token; the token is printed once and only its
    /// SHA-256 is stored. Restart the server to let the user in. With `--in-store`,
    /// the account goes into the store instead (as the map client's 用户管理 adds
    /// it): running servers see it within seconds, no restart.
    Add {
        /// User name (letters, digits, '.', '_', '-'), e.g. zhang.san.
        #[arg(long)]
        name: String,
        /// admin, agriculture, housing, land or traffic.
        #[arg(long)]
        role: String,
        /// The users file; created (mode 0600) if missing.
        #[arg(long, env = "LANDTRACE_USERS", default_value = "users.toml")]
        users: PathBuf,
        /// Add the account to the store (`--store`/`--database`), not the users file.
        #[arg(long)]
        in_store: bool,
        /// With --in-store: read the account's password (at least 10 characters) from
        /// the first line of standard input; without it an API token is printed once.
        #[arg(long, requires = "in_store")]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the users and their roles.
    List {
        /// The users file.
        #[arg(long, env = "LANDTRACE_USERS", default_value = "users.toml")]
        users: PathBuf,
        /// List the store's accounts (`--store`/`--database`) instead.
        #[arg(long)]
        in_store: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve(Box<ServeArgs>),
    /// Import a file into a layer, all or nothing: every feature is checked by the
    /// layer's schema and rules, every problem listed, and nothing stored if any.
    Import {
        /// Layer (table) name, e.g. urban_grade_zones; `landtrace layers` lists them.
        /// With --new-layer, the name of the layer to create.
        layer: String,
        /// GeoJSON; with GDAL also Shapefile (.shp or zipped), GeoPackage, FileGDB
        /// (.gdb folder or zipped), KML/KMZ, DXF, GPX, MapInfo (.tab/.mif), FlatGeobuf,
        /// CSV/XLSX with lon/lat, x/y or WKT columns.
        file: PathBuf,
        #[command(flatten)]
        read: layers::ReadArgs,
        /// TOML file mapping the layer's fields to the file's: `name = "企业名称"`.
        #[arg(long, value_name = "MAPPING.toml", conflicts_with = "new_layer")]
        fields: Option<PathBuf>,
        /// Check everything and report, but store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Make invalid polygons valid (and list what changed) instead of refusing them.
        #[arg(long)]
        repair: bool,
        /// Create LAYER as a new user-defined layer with the schema inferred from the
        /// file (see `landtrace layer create`), then import the file into it.
        #[arg(long)]
        new_layer: bool,
        #[command(flatten)]
        layer_options: layers::NewLayerArgs,
        /// Who is importing (recorded in the audit table).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Export a layer to a file through GDAL: geojson, csv, xlsx, gpkg, shp (zipped),
    /// kml or dxf, in any EPSG CRS. Every field is written, personal ones included.
    #[cfg(feature = "gdal")]
    Export(Box<export::ExportArgs>),
    /// Reports from the stored records.
    Report {
        #[command(subcommand)]
        what: ReportCommand,
    },
    /// Origin-point traceability records (重点农产品产地溯源).
    Trace {
        #[command(subcommand)]
        what: TraceCommand,
    },
    /// Manage the users file: who may write which layers over HTTP.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Define layers of one's own (see `landtrace layer create --help`).
    Layer {
        #[command(subcommand)]
        what: LayerCommand,
    },
    /// List the layers with their feature counts.
    Layers {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Answer land-bureau questions for a file of parcels.
    Check {
        #[command(subcommand)]
        what: CheckCommand,
    },
    /// Tile archives for offline use and static hosting.
    Tiles {
        #[command(subcommand)]
        what: TilesCommand,
    },
    /// Copy every layer and its history from one store to another, empty one,
    /// then check counts and geometries. Stores are GeoPackage paths or
    /// postgres:// URLs.
    Migrate {
        /// Source store (a .gpkg path or a postgres:// URL).
        #[arg(long)]
        from: String,
        /// Target store; a .gpkg path must not exist yet, a database must be empty.
        #[arg(long)]
        to: String,
    },
}

/// The allocator: mimalloc, not glibc's. Measured on this server (release build,
/// `perf record` under wrk): glibc's malloc and free took about 30 % of the CPU
/// of answering `/api/locate`, and after forty concurrent 30 MB uploads glibc kept
/// 400 MB it had freed (it raises its `mmap` threshold as large blocks are freed,
/// and each thread's heap keeps its own). mimalloc is faster for the many small
/// allocations of a request and returns freed memory to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every EPSG code PROJ knows, for every `crs` the commands and the server take.
    #[cfg(feature = "gdal")]
    landtrace_gis::crs::install();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // Work still running on blocking threads (a long job whose request is gone)
    // must not hold the process after the server has shut down.
    runtime.shutdown_timeout(Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::serve(*args).await,
        Command::Migrate { from, to } => migrate::migrate(&from, &to).await,
        Command::User { what: UserCommand::Add { name, role, in_store: true, password_stdin, store, .. } } => {
            users::add_account(&store, &name, &role, password_stdin).await
        }
        Command::User { what: UserCommand::Add { name, role, users, .. } } => users::add_user(&users, &name, &role),
        Command::User { what: UserCommand::List { in_store: true, store, .. } } => users::list_accounts(&store).await,
        Command::User { what: UserCommand::List { users, .. } } => users::list_users(&users),
        Command::Report { what: ReportCommand::Ledger { week, format, out, store } } => {
            origin_records::report_ledger(&week, format.as_deref(), out.as_deref(), &store).await
        }
        Command::Report { what: ReportCommand::Households { decision_no, as_of, out, store } } => {
            expropriation::report_households(decision_no.as_deref(), as_of.as_deref(), out.as_deref(), &store).await
        }
        Command::Report { what: ReportCommand::Progress { format, out, store } } => {
            expropriation::report_progress(format.as_deref(), out.as_deref(), &store).await
        }
        Command::Trace { what: TraceCommand::Import { file, encoding, dry_run, crs, actor, store } } => {
            origin_records::trace_import(&file, &encoding, dry_run, &crs, actor, &store).await
        }
        Command::Trace { what: TraceCommand::Producers { what } } => match what {
            ProducerCommand::List { store } => origin_records::producers_list(&store).await,
            ProducerCommand::Add {
                name,
                subject_type,
                uscc,
                township,
                contact_name,
                contact_phone,
                for_market,
                actor,
                store,
            } => {
                let fields = origin_records::ProducerFields {
                    name,
                    subject_type,
                    uscc,
                    township,
                    contact_name,
                    contact_phone,
                    for_market,
                };
                origin_records::producer_add(fields, actor, &store).await
            }
            ProducerCommand::Show { producer, json, store } => {
                origin_records::producer_show(&producer, json, &store).await
            }
        },
        Command::Check {
            what:
                CheckCommand::Track { file, format, crs, max_gap_s, out, vehicle, pass, inside_pass_area, actor, store },
        } => {
            let vehicle_args = check::TrackVehicleArgs { vehicle, pass, inside_pass_area, actor };
            check::check_track(&file, format.as_deref(), &crs, max_gap_s, out.as_deref(), &vehicle_args, &store).await
        }
        Command::Check {
            what:
                CheckCommand::Valuation {
                    file,
                    land_use,
                    collective_use,
                    as_of,
                    crs,
                    out,
                    corrections,
                    remaining_term,
                    plot_ratio,
                    factors,
                    store,
                },
        } => {
            let appraisal = check::AppraisalArgs { corrections, remaining_term, plot_ratio, factors };
            check::check_valuation(
                &file,
                &land_use,
                collective_use.as_deref(),
                as_of.as_deref(),
                crs.as_deref(),
                out.as_deref(),
                &appraisal,
                &store,
            )
            .await
        }
        Command::Import { layer, file, read, fields, dry_run, repair, new_layer, layer_options, actor, store } => {
            let args = layers::ImportArgs { read, fields, dry_run, repair };
            if new_layer {
                layers::import_new_layer(&layer, &file, &args, &layer_options, actor, &store).await
            } else {
                layer_options.refuse_without_new_layer()?;
                layers::import(&layer, &file, &args, actor, &store).await
            }
        }
        Command::Layer { what: LayerCommand::Create { name, from, layer, read, actor, store } } => {
            layers::create_layer(&name, &from, &read, &layer, actor, &store).await
        }
        Command::Layers { store } => layers::layers(&store).await,
        Command::Tiles { what: TilesCommand::Build { set, format, out, minzoom, maxzoom, bbox, tilesets, store } } => {
            let format = match format {
                Some(name) => tiles_build::ArchiveFormat::parse(&name)?,
                None => tiles_build::ArchiveFormat::parse(
                    out.extension().and_then(|e| e.to_str()).unwrap_or("(no extension)"),
                )?,
            };
            let args = tiles_build::BuildArgs {
                set: &set,
                format,
                out: &out,
                minzoom,
                maxzoom,
                bbox: bbox.as_deref(),
                tilesets: tilesets.as_deref(),
            };
            tiles_build::build(args, &store).await
        }
        #[cfg(feature = "gdal")]
        Command::Export(args) => export::export(&args).await,
    }
}
