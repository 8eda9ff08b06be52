//! Request bodies, read under limits before any handler sees them.
//!
//! [`read_body`] is the middleware of every route that takes a body. It
//! - answers 413 at once when `Content-Length` is over the route's limit, and
//!   when more bytes than that arrive;
//! - answers 408 when the body arrives too slowly: nothing for
//!   [`UploadOptions::idle`], or less than [`UploadOptions::min_rate`] on
//!   average after a grace period of the same length (a client trickling a byte
//!   every few seconds holds a connection for seconds, not minutes);
//! - keeps small bodies in memory and spools larger ones to an unlinked temporary
//!   file while they arrive, so slow or many uploads hold no memory;
//! - then loads the body for the handler only within a memory budget shared by
//!   all requests ([`UploadOptions::memory_budget`]; a request waits for its
//!   share as long as its deadline allows), so eighty concurrent 60 MB uploads
//!   cannot take the server's memory;
//! - reads the `Idempotency-Key` and digests the request (see
//!   [`crate::idempotency`]).
//!
//! Routes that write are authenticated before this runs (see
//! [`crate::auth::authorise_write`]): an anonymous client is refused before a byte
//! of its body is read.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use landtrace_store::IdempotencyKey;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::error::AppError;
use crate::idempotency::{WriteKey, key_of, request_digest};
use crate::state::AppState;

/// What a route's body may be, and so how large it may be: the input policy's
/// [`landtrace_domain::input_limits::BodyKind`] (its one home).
pub use landtrace_domain::input_limits::BodyKind;

/// Bodies up to this size stay in memory and need no share of the budget.
const IN_MEMORY_BYTES: usize = 256 * 1024;

/// Settings of request-body reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOptions {
    /// Bytes of request bodies loaded for handlers at once, across all requests.
    pub memory_budget: u64,
    /// Where large bodies are spooled while they arrive (unlinked files); the
    /// system's temporary folder when None.
    pub spool_dir: Option<PathBuf>,
    /// Slowest accepted average upload rate after the grace period, bytes/s.
    pub min_rate: u64,
    /// Longest pause between two pieces of a body, and the grace period before
    /// the rate counts.
    pub idle: Duration,
}

impl Default for UploadOptions {
    fn default() -> UploadOptions {
        UploadOptions {
            memory_budget: 256 * 1024 * 1024,
            spool_dir: None,
            min_rate: 64 * 1024,
            idle: Duration::from_secs(10),
        }
    }
}

/// The shared state of body reading.
#[derive(Debug)]
pub struct Uploads {
    options: UploadOptions,
    /// One permit per KiB of [`UploadOptions::memory_budget`].
    memory: Arc<Semaphore>,
    budget_kib: u32,
}

impl Uploads {
    /// With `options`; the budget is raised to hold at least the largest body.
    pub fn new(options: UploadOptions) -> Uploads {
        let budget = options.memory_budget.max(BodyKind::Import.max_bytes());
        let budget_kib = u32::try_from(budget.div_ceil(1024)).unwrap_or(u32::MAX);
        Uploads { options, memory: Arc::new(Semaphore::new(budget_kib as usize)), budget_kib }
    }
}

/// A body as it arrived: in memory, or spooled to a temporary file.
enum Received {
    Memory(Vec<u8>),
    Spooled(tokio::fs::File, u64),
}

impl Received {
    fn len(&self) -> u64 {
        match self {
            Received::Memory(b) => b.len() as u64,
            Received::Spooled(_, n) => *n,
        }
    }

    async fn into_bytes(self) -> Result<Bytes, AppError> {
        match self {
            Received::Memory(b) => Ok(Bytes::from(b)),
            Received::Spooled(mut file, n) => {
                let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
                file.seek(std::io::SeekFrom::Start(0)).await.map_err(spool_error)?;
                file.read_to_end(&mut out).await.map_err(spool_error)?;
                Ok(Bytes::from(out))
            }
        }
    }
}

fn spool_error(e: std::io::Error) -> AppError {
    AppError::Busy {
        message: format!("the server could not keep the uploaded body on its disk ({e}); try again later"),
        retry_after_s: 30,
    }
}

fn too_large(kind: BodyKind, got: u64) -> AppError {
    AppError::PayloadTooLarge(format!(
        "the request body is {} bytes; {} takes at most {} bytes ({} MiB)",
        got,
        kind.describe(),
        kind.max_bytes(),
        kind.max_bytes() / (1024 * 1024)
    ))
}

/// Reads `body` under the limits of `kind`.
async fn receive(uploads: &Uploads, body: Body, kind: BodyKind) -> Result<Received, AppError> {
    let options = &uploads.options;
    let max = kind.max_bytes();
    let started = Instant::now();
    let mut body = body;
    let mut memory: Vec<u8> = Vec::new();
    let mut spool: Option<tokio::fs::File> = None;
    let mut total: u64 = 0;
    loop {
        // The body may take the grace period plus what the slowest accepted
        // rate needs for what has arrived, and no piece may take longer than
        // the idle time.
        let allowed = options.idle + Duration::from_secs_f64(total as f64 / options.min_rate.max(1) as f64);
        let deadline = (started + allowed).min(Instant::now() + options.idle);
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(AppError::RequestTimeout(format!(
                    "the request body arrived too slowly ({total} bytes in {:.0} s); bodies must keep arriving at \
                     {} kB/s or more",
                    started.elapsed().as_secs_f64(),
                    options.min_rate / 1000
                )));
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(AppError::BadRequest(format!("reading the request body failed: {e}"))),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else { continue };
        total += data.len() as u64;
        if total > max {
            return Err(too_large(kind, total));
        }
        match &mut spool {
            Some(file) => file.write_all(&data).await.map_err(spool_error)?,
            None if memory.len() + data.len() <= IN_MEMORY_BYTES => memory.extend_from_slice(&data),
            None => {
                let dir = options.spool_dir.clone().unwrap_or_else(std::env::temp_dir);
                let file = tokio::task::spawn_blocking(move || tempfile::tempfile_in(dir))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .map_err(spool_error)?;
                let mut file = tokio::fs::File::from_std(file);
                file.write_all(&memory).await.map_err(spool_error)?;
                file.write_all(&data).await.map_err(spool_error)?;
                memory = Vec::new();
                spool = Some(file);
            }
        }
    }
    Ok(match spool {
        Some(mut file) => {
            file.flush().await.map_err(spool_error)?;
            Received::Spooled(file, total)
        }
        None => Received::Memory(memory),
    })
}

/// The middleware (see the module documentation): `kind` sets the limits.
pub async fn read_body(state: AppState, kind: BodyKind, request: Request, next: Next) -> Response {
    match prepare(&state, kind, request).await {
        Ok((request, permit)) => {
            let response = next.run(request).await;
            drop(permit);
            response
        }
        Err(e) => e.into_response(),
    }
}

async fn prepare(
    state: &AppState,
    kind: BodyKind,
    request: Request,
) -> Result<(Request, Option<tokio::sync::OwnedSemaphorePermit>), AppError> {
    let (mut parts, body) = request.into_parts();
    let key = key_of(&parts.headers)?;
    let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if let Some(n) = declared
        && n > kind.max_bytes()
    {
        return Err(too_large(kind, n));
    }
    let uploads = &state.uploads;
    let received = receive(uploads, body, kind).await?;
    let len = received.len();
    let permit = if len as usize > IN_MEMORY_BYTES {
        let kib = u32::try_from(len.div_ceil(1024)).unwrap_or(u32::MAX).min(uploads.budget_kib);
        Some(uploads.memory.clone().acquire_many_owned(kib).await.expect("the budget is never closed"))
    } else {
        None
    };
    let bytes = received.into_bytes().await?;
    if let Some(key) = key {
        let path = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
        let digest = request_digest(&parts.method, &path, &bytes);
        parts.extensions.insert(WriteKey(Some(IdempotencyKey { key, request_sha256: digest })));
    }
    parts.headers.insert(header::CONTENT_LENGTH, bytes.len().into());
    parts.headers.remove(header::TRANSFER_ENCODING);
    Ok((Request::from_parts(parts, Body::from(bytes)), permit))
}

/// [`read_body`] for [`BodyKind::Small`] routes.
pub async fn small_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    read_body(state, BodyKind::Small, request, next).await
}

/// [`read_body`] for [`BodyKind::Photo`] routes.
pub async fn photo_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    read_body(state, BodyKind::Photo, request, next).await
}

/// [`read_body`] for [`BodyKind::Geometry`] routes.
pub async fn geometry_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    read_body(state, BodyKind::Geometry, request, next).await
}

/// [`read_body`] for [`BodyKind::Upload`] routes.
pub async fn upload_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    read_body(state, BodyKind::Upload, request, next).await
}

/// [`read_body`] for [`BodyKind::Import`] routes.
pub async fn import_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    read_body(state, BodyKind::Import, request, next).await
}
