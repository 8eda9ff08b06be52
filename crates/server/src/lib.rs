//! The axum HTTP application.
//!
//! [`app`] builds the router from an [`AppState`]; tests drive it in-process with
//! `tower::ServiceExt::oneshot`, the binary serves it with [`serve`].

pub mod auth;
pub mod auth_failures;
pub mod basemaps;
pub use landtrace_app::catalog;
pub mod cpu;
pub mod deadline;
pub mod error;
pub mod idempotency;
pub mod language;
pub mod messages;
pub mod openapi;
pub mod origin_state;
pub mod public_address;
pub mod query;
pub mod routes;

pub mod serve;
pub mod state;
pub mod tile_cache;
pub mod upload;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::from_fn_with_state as middleware;
use axum::routing::{delete, get, patch, post, put};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use error::AppError;
pub use serve::ServeOptions;
pub use state::{AppOptions, AppState, HttpLimits, StateError};
use upload::{geometry_body, import_body, photo_body, small_body, upload_body};

/// Largest request body any route takes (an authorised import); each route's
/// own limit is enforced by [`upload::read_body`].
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The router with every route.
///
/// Around every route, from the outside in: CORS (when origins are
/// configured), then [`deadline::guard`]: authentication of any `Authorization`
/// header with the failed-sign-in limit, the request deadline, JSON error bodies.
/// Routes that write are then authorised for their layer before the body is
/// read ([`auth::authorise_layer_write`], [`auth::authorise_record_write`]),
/// and every route with a body reads it under its limits ([`upload`]).
pub fn app(state: AppState) -> Router {
    let s = &state;
    let write_layer = || middleware(s.clone(), auth::authorise_layer_write);
    let write_record = || middleware(s.clone(), auth::authorise_record_write);
    let router = Router::new()
        .route("/health", get(routes::health::health))
        .merge(ogc_routes(s))
        .route("/api/locate", get(routes::locate::locate))
        .route("/api/search", get(routes::search::search))
        .route("/api/me", get(auth::me))
        .merge(account_routes(s))
        .route("/api/audit", get(routes::history::audit))
        .route(
            "/api/layers",
            get(routes::layers::list)
                .merge(post(routes::layers::create).layer(middleware(s.clone(), small_body)))
                .layer(middleware(s.clone(), auth::authorise_layer_create)),
        )
        .merge(export_routes())
        .route(
            "/api/layers/{layer}/features",
            post(routes::layers::insert).layer(middleware(s.clone(), import_body)).layer(write_layer()),
        )
        .route(
            "/api/layers/{layer}/import",
            post(routes::layer_import::import).layer(middleware(s.clone(), import_body)).layer(write_layer()),
        )
        .route(
            "/api/layers/{layer}/features/{id}",
            put(routes::layers::replace)
                .layer(middleware(s.clone(), import_body))
                .merge(delete(routes::layers::remove).layer(middleware(s.clone(), small_body)))
                .layer(write_layer()),
        )
        .route(
            "/api/layers/{layer}/features/{id}/restore",
            post(routes::history::restore).layer(middleware(s.clone(), small_body)).layer(write_layer()),
        )
        .route("/api/land/valuation", post(routes::land::valuation).layer(middleware(s.clone(), geometry_body)))
        .route(
            "/api/land/valuation/batch",
            post(routes::land::valuation_batch).layer(middleware(s.clone(), upload_body)),
        )
        .route(
            "/api/land/expropriation",
            get(routes::land::expropriation)
                .merge(post(routes::land::expropriation_parcel).layer(middleware(s.clone(), geometry_body))),
        )
        .route(
            "/api/land/expropriation/batch",
            post(routes::land::expropriation_batch).layer(middleware(s.clone(), upload_body)),
        )
        .route(
            "/api/land/expropriation/compensation",
            post(routes::land::compensation_estimate).layer(middleware(s.clone(), small_body)),
        )
        .route("/api/expropriation/households", get(routes::expropriation::list))
        .route("/api/expropriation/households/{id}", get(routes::expropriation::one))
        .route("/api/expropriation/progress", get(routes::expropriation::progress))
        .route("/api/dashboard", get(routes::dashboard::dashboard))
        .route("/api/land/consolidation", post(routes::land::consolidation).layer(middleware(s.clone(), geometry_body)))
        .route("/api/land/consolidation/projects/{id}", get(routes::land::consolidation_project))
        .route("/api/truck-ban/check", post(routes::truck_ban::check).layer(middleware(s.clone(), small_body)))
        .route("/api/truck-ban/track", post(routes::gps_track::track).layer(middleware(s.clone(), upload_body)))
        .route("/api/truck-ban/freight-sources", get(routes::truck_ban::freight_sources))
        .route("/api/trace/options", get(routes::origin_records::options))
        .route(
            "/api/trace/records",
            get(routes::origin_records::list)
                .merge(post(routes::origin_records::create).layer(middleware(s.clone(), small_body)))
                .layer(write_record()),
        )
        .route(
            "/api/trace/records/{id}",
            get(routes::origin_records::one)
                .merge(
                    put(routes::origin_records::replace)
                        .merge(delete(routes::origin_records::remove))
                        .layer(middleware(s.clone(), small_body)),
                )
                .layer(write_record()),
        )
        .route(
            "/api/trace/records/{id}/photos",
            get(routes::record_photos::list)
                .merge(post(routes::record_photos::upload).layer(middleware(s.clone(), photo_body)))
                .layer(write_record()),
        )
        .route(
            "/api/trace/photos/{photo_id}",
            get(routes::record_photos::fetch)
                .merge(delete(routes::record_photos::remove).layer(middleware(s.clone(), small_body)))
                .layer(write_record()),
        )
        .route(
            "/api/trace/import",
            post(routes::origin_records::import).layer(middleware(s.clone(), import_body)).layer(write_record()),
        )
        .route(
            "/api/trace/producers",
            get(routes::producers::list)
                .merge(post(routes::producers::create).layer(middleware(s.clone(), small_body)))
                .layer(write_record()),
        )
        .route(
            "/api/trace/producers/{id}",
            get(routes::producers::one)
                .merge(put(routes::producers::replace).layer(middleware(s.clone(), small_body)))
                .layer(write_record()),
        )
        .route("/api/trace/due", get(routes::origin_records::due))
        .route("/api/trace/ledger", get(routes::origin_records::ledger))
        .route("/api/trace/ledger/export", post(routes::ledger_export::export).layer(middleware(s.clone(), small_body)))
        .route("/api/sponge/coefficients", get(routes::sponge::coefficients))
        .route("/api/sponge/curve", get(routes::sponge::curve))
        .route("/api/sponge/runoff", post(routes::sponge::runoff).layer(middleware(s.clone(), geometry_body)))
        .route("/api/sponge/projects/{id}/runoff", get(routes::sponge::project_runoff))
        .route("/tiles/{file}", get(routes::tiles::tilejson_doc))
        .route("/tiles/{set}/{z}/{x}/{y}", get(routes::tiles::tile))
        .route("/api", get(openapi::serve))
        .route("/tiles", get(routes::ogc_tiles::list))
        .route("/collections/{collectionId}/tiles", get(routes::ogc_tiles::of_collection))
        .route("/tileMatrixSets", get(routes::ogc_tiles::matrix_sets))
        .route("/tileMatrixSets/{tileMatrixSetId}", get(routes::ogc_tiles::matrix_set))
        .route("/basemaps", get(routes::basemaps::list))
        .route("/basemaps/{file}", get(routes::basemaps::tilejson_doc))
        .route("/basemaps/{id}/{z}/{x}/{y}", get(routes::basemaps::tile))
        .route("/styles", get(routes::styles::list))
        .route("/styles/{file}", get(routes::styles::style))
        .fallback(routes::web::fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware(s.clone(), deadline::guard))
        .layer(compression());
    let router = match cors(&state.cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    router.with_state(state)
}

/// gzip for the answers a client accepts it for, from 1 KiB on (issue 16: the origin
/// points' JSON, 570 KiB, is what a phone waits for after the map). Outside the
/// deadline guard, which reads error bodies back. What already carries a
/// `Content-Encoding` — the precompressed files of the map client, the gzip'd vector
/// tiles — is left as it is (tower-http never encodes twice), as are images and
/// event streams (`DefaultPredicate`).
fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().gzip(true).compress_when(DefaultPredicate::new().and(SizeAbove::new(1024)))
}

/// OGC API – Features (see [`routes::ogc`]). The writes of items are authorised
/// for their layer before the body is read, as `/api/layers/{layer}/…` writes
/// are (the path parameter is called `layer` for that reason).
fn ogc_routes(s: &AppState) -> Router<AppState> {
    use routes::ogc::{self, items};
    let write_layer = || middleware(s.clone(), auth::authorise_layer_write);
    Router::new()
        .route("/", get(ogc::landing))
        .route("/conformance", get(ogc::conformance))
        .route("/collections", get(ogc::collections))
        .route("/collections/{layer}", get(ogc::collection))
        .route("/collections/{layer}/queryables", get(ogc::queryables))
        .route(
            "/collections/{layer}/items",
            get(items::items).merge(post(items::create).layer(middleware(s.clone(), import_body))).layer(write_layer()),
        )
        .route(
            "/collections/{layer}/items/{id}",
            get(items::item)
                .merge(
                    put(items::replace)
                        .merge(patch(items::patch))
                        .layer(middleware(s.clone(), import_body))
                        .merge(delete(items::remove).layer(middleware(s.clone(), small_body))),
                )
                .layer(write_layer()),
        )
}

/// Sign-in and the accounts administrators manage (see [`routes::accounts`]):
/// `/api/admin/…` is for administrators only, decided before the body is read.
fn account_routes(s: &AppState) -> Router<AppState> {
    use routes::accounts as a;
    let admin = || middleware(s.clone(), a::authorise_admin);
    let small = || middleware(s.clone(), small_body);
    Router::new()
        .route("/api/session", post(a::sign_in).layer(small()).merge(delete(a::sign_out)))
        .route("/api/admin/users", get(a::list).merge(post(a::create).layer(small())).layer(admin()))
        .route("/api/admin/users/audit", get(a::audit).layer(admin()))
        .route("/api/admin/users/{name}", patch(a::update).layer(small()).layer(admin()))
        .route("/api/admin/users/{name}/tokens", post(a::issue_token).layer(small()).layer(admin()))
        .route("/api/admin/users/{name}/tokens/{id}", delete(a::revoke_token).layer(admin()))
}

/// `GET /api/layers/{layer}/export` (files written by GDAL), when built with it.
#[cfg(feature = "gdal")]
fn export_routes() -> Router<AppState> {
    Router::new().route("/api/layers/{layer}/export", get(routes::layer_export::export))
}

/// Without GDAL there is no export route (it answers 404 like any unknown path).
#[cfg(not(feature = "gdal"))]
fn export_routes() -> Router<AppState> {
    Router::new()
}

/// The CORS layer for the configured origins (None: no cross-origin access).
fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
                HeaderName::from_static(idempotency::HEADER),
            ])
            .expose_headers([header::ETAG, header::RETRY_AFTER, idempotency::REPLAYED])
            .max_age(std::time::Duration::from_secs(600)),
    )
}

/// Serves the app on `addr` until Ctrl-C / SIGTERM, with the connection limits
/// of `options` (see [`serve::serve`]).
pub async fn serve(state: AppState, addr: SocketAddr, options: ServeOptions) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(
        max_connections = options.max_connections,
        header_timeout_s = options.header_timeout.as_secs(),
        request_timeout_s = state.limits.request_timeout.as_secs(),
        cpu_workers = state.cpu.workers(),
        "listening on http://{}",
        listener.local_addr()?
    );
    serve::serve(listener, app(state), options, serve::shutdown_signal()).await
}
