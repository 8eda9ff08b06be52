//! The axum HTTP application.
//!
//! [`app`] builds the router from an [`AppState`]; tests drive it in-process with
//! `tower::ServiceExt::oneshot`, the binary serves it with [`serve`].

pub mod auth;
pub mod catalog;
pub mod error;
pub mod land;
pub mod routes;
pub mod rules;
pub mod state;
pub mod tile_cache;
pub mod trace;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use error::AppError;
pub use state::{AppOptions, AppState, StateError};

/// Largest accepted request body (GeoJSON imports).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The router with every route.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/health", get(routes::health::health))
        .route("/api/locate", get(routes::locate::locate))
        .route("/api/me", get(auth::me))
        .route("/api/layers", get(routes::layers::list))
        .route("/api/layers/{layer}/features", post(routes::layers::insert))
        .route(
            "/api/layers/{layer}/features/{id}",
            axum::routing::put(routes::layers::replace).delete(routes::layers::remove),
        )
        .route("/api/land/valuation", post(routes::land::valuation))
        .route("/api/land/valuation/batch", post(routes::land::valuation_batch))
        .route("/api/land/expropriation", get(routes::land::expropriation).post(routes::land::expropriation_parcel))
        .route("/api/land/expropriation/compensation", post(routes::land::compensation_estimate))
        .route("/api/land/consolidation", post(routes::land::consolidation))
        .route("/api/truck-ban/check", post(routes::truck_ban::check))
        .route("/api/truck-ban/track", post(routes::track::track))
        .route("/api/truck-ban/freight-sources", get(routes::truck_ban::freight_sources))
        .route("/api/trace/options", get(routes::trace::options))
        .route("/api/trace/records", get(routes::trace::list).post(routes::trace::create))
        .route(
            "/api/trace/records/{id}",
            get(routes::trace::one).put(routes::trace::replace).delete(routes::trace::remove),
        )
        .route("/api/trace/import", post(routes::trace::import))
        .route("/api/trace/due", get(routes::trace::due))
        .route("/api/trace/ledger", get(routes::trace::ledger))
        .route("/api/sponge/coefficients", get(routes::sponge::coefficients))
        .route("/api/sponge/curve", get(routes::sponge::curve))
        .route("/api/sponge/runoff", post(routes::sponge::runoff))
        .route("/api/sponge/projects/{id}/runoff", get(routes::sponge::project_runoff))
        .route("/tiles/{file}", get(routes::tiles::tilejson_doc))
        .route("/tiles/{set}/{z}/{x}/{y}", get(routes::tiles::tile))
        .fallback(routes::web::fallback)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves the app on `addr` until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
