//! `POST /api/trace/ledger/export`: the weekly dispatch ledger (每周调度台账) as a
//! workbook with the title, period and narrative columns (典型做法, 存在问题, 工作建议,
//! 下一步推进措施) a township's staff wrote in the client. The counts are the
//! ledger's (`GET /api/trace/ledger` of the same week); nothing is stored.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use landtrace_domain::traceability::IsoWeek;
use landtrace_formats::ledger_pages::{LedgerNotes, ledger_xlsx_edited};
use serde::Deserialize;

use crate::error::AppError;
use crate::state::AppState;

/// The longest title or period.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest narrative cell.
pub const MAX_NOTE_CHARS: usize = 2000;

/// The body of `POST /api/trace/ledger/export`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerExport {
    /// ISO week (`2023-W24`).
    pub week: String,
    /// The title (default: the ledger's).
    #[serde(default)]
    pub title: String,
    /// The period line (default: the ledger's, `（2023年6月12日 至 2023年6月18日）`).
    #[serde(default)]
    pub period: String,
    /// Narrative columns per township code (`county` for the county line).
    #[serde(default)]
    pub notes: BTreeMap<String, LedgerNotes>,
}

fn bad(m: impl Into<String>) -> AppError {
    AppError::BadRequest(m.into())
}

/// `POST /api/trace/ledger/export` (JSON body, answer XLSX).
pub async fn export(State(state): State<AppState>, body: Bytes) -> Result<Response, AppError> {
    let request: LedgerExport = crate::routes::land::json_body(&body)?;
    let week = IsoWeek::parse(request.week.trim()).map_err(|e| bad(format!("`week`: {e}")))?;
    for (name, text) in [("title", &request.title), ("period", &request.period)] {
        if text.chars().count() > MAX_TITLE_CHARS {
            return Err(bad(format!("`{name}` is longer than {MAX_TITLE_CHARS} characters")));
        }
    }
    let ledger = crate::origin_state::build_ledger(&state, week).await?;
    for (code, n) in &request.notes {
        if code != "county" && !ledger.rows.iter().any(|r| &r.township_code == code) {
            let shown = landtrace_domain::input_limits::echo(code);
            return Err(bad(format!("`notes`: {shown:?} is not a township code of the ledger (or `county`)")));
        }
        for (name, text) in [
            ("practices", &n.practices),
            ("problems", &n.problems),
            ("suggestions", &n.suggestions),
            ("next_steps", &n.next_steps),
        ] {
            if text.chars().count() > MAX_NOTE_CHARS {
                return Err(bad(format!("`notes.{code}.{name}` is longer than {MAX_NOTE_CHARS} characters")));
            }
        }
    }
    let bytes = state
        .cpu
        .run(move || ledger_xlsx_edited(&ledger, &request.title, &request.period, &request.notes))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, landtrace_formats::XLSX_CONTENT_TYPE.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"ledger-{week}.xlsx\"")),
        ],
        bytes,
    )
        .into_response())
}
