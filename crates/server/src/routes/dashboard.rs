//! `GET /api/dashboard[?figure=trace|expropriation|sponge|truck_ban&format=json|csv|xlsx]`:
//! the leaders' overview, put together by `app::dashboard` from the answers of the
//! other use cases (the week's ledger and the overdue report, the expropriation
//! progress, each sponge project's runoff estimate) and the recorded track checks by
//! ISO week (Asia/Shanghai). Counts only: no personal field, no plate, no user.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use landtrace_app::clock::today_in_county;
use landtrace_app::dashboard::{
    FIGURES, TRUCK_BAN_WEEKS, checks_by_week, figure_table, sponge_by_status, sponge_line, trace_figure,
};
use landtrace_app::expropriation_register::progress_report;
use landtrace_app::origin_views::{due_report, thresholds_by_id};
use landtrace_app::sponge_estimate::{ProjectArea, RunoffQuestion, estimate};
use landtrace_domain::LayerKind;
use landtrace_domain::traceability::IsoWeek;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::origin_state::{build_ledger, divisions, records};
use crate::state::AppState;

/// The whole overview as JSON.
pub async fn overview(state: &AppState) -> Result<Value, AppError> {
    let today = today_in_county();
    let week = IsoWeek::containing(today);

    // Origin points: the ledger of the current week (as `GET /api/trace/ledger`
    // without `week`), the overdue report as of today (as `GET /api/trace/due`).
    let ledger = build_ledger(state, week).await?;
    let divisions = divisions(state).await?;
    let records = records(state).await;
    let due = due_report(&records, &divisions, &state.rules.cycles, today);
    let thresholds = thresholds_by_id(records.iter().map(|f| &**f));
    let mut mandatory: HashMap<String, u32> = HashMap::new();
    for f in &records {
        if thresholds.get(&f.id).is_some_and(|t| t.mandatory) {
            let town = f.properties.get("township_code").and_then(Value::as_str).unwrap_or("");
            *mandatory.entry(town.to_owned()).or_default() += 1;
        }
    }
    let townships = trace_figure(&ledger, &due, &mandatory);
    let illustrative_records =
        records.iter().any(|f| f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative"));

    // Expropriation: the signing progress of `GET /api/expropriation/progress`.
    let progress = progress_report(state.store.as_ref()).await.map_err(|e| AppError::Internal(e.to_string()))?;
    let illustrative_households = state
        .store
        .features(LayerKind::ExpropriationHouseholds)
        .await?
        .iter()
        .any(|f| f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative"));

    // Sponge: every project's estimate as `GET /api/sponge/projects/{id}/runoff` gives it.
    let projects = state.store.features(LayerKind::SpongeProjects).await?;
    let mut lines = Vec::with_capacity(projects.len());
    let mut illustrative_sponge = false;
    for p in &projects {
        illustrative_sponge |= p.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative");
        let question = RunoffQuestion {
            area: ProjectArea::Stored(p.id),
            surfaces: None,
            design_rainfall_mm: None,
            target_percent: None,
            project_type: None,
        };
        let answer = estimate(state.store.as_ref(), &state.rules, question).await;
        lines.push(sponge_line(p.id, &p.properties, answer.as_ref().map_err(ToString::to_string)));
    }

    // Truck ban: the recorded track checks of the last weeks.
    let since = week_start_ms(week, TRUCK_BAN_WEEKS);
    let checks = state.store.track_checks(Some(since)).await?;
    let weeks = checks_by_week(&checks, week, TRUCK_BAN_WEEKS);

    Ok(json!({
        "as_of": today,
        "week": week,
        "time_zone": landtrace_domain::truck_ban::TIME_ZONE,
        "trace": {
            "week": week,
            "as_of": today,
            "townships": townships,
            "total_overdue": due["total_overdue"],
            "illustrative": illustrative_records,
            "source": "GET /api/trace/ledger, GET /api/trace/due",
        },
        "expropriation": {
            "progress": progress,
            "illustrative": illustrative_households,
            "source": "GET /api/expropriation/progress",
        },
        "sponge": {
            "by_status": sponge_by_status(&lines),
            "projects": lines,
            "illustrative": illustrative_sponge,
            "source": "GET /api/sponge/projects/{id}/runoff",
        },
        "truck_ban": {
            "weeks": weeks,
            "illustrative": false,
            "source": "POST /api/truck-ban/track, landtrace check track",
        },
        "note": "仅含统计数，不含个人信息 / counts only, no personal data",
    }))
}

/// The first instant (unix ms) of the `n` weeks ending with `last`, county time.
fn week_start_ms(last: IsoWeek, n: usize) -> i64 {
    let mut w = last;
    for _ in 1..n {
        w = w.previous();
    }
    let monday = w.monday();
    // Midnight in the county is 16:00 UTC of the day before.
    (monday.epoch_days() * 86_400 - i64::from(landtrace_domain::county::UTC_OFFSET_MINUTES) * 60) * 1000
}

/// `GET /api/dashboard`.
pub async fn dashboard(
    axum::extract::State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let format = q.get("format").map_or("json", |f| f.trim());
    if !matches!(format, "json" | "csv" | "xlsx") {
        let shown = landtrace_domain::input_limits::echo(format);
        return Err(AppError::BadRequest(format!("query parameter `format` = {shown:?} must be json, csv or xlsx")));
    }
    let figure = q.get("figure").map(|f| f.trim());
    if let Some(f) = figure
        && !FIGURES.contains(&f)
    {
        let shown = landtrace_domain::input_limits::echo(f);
        return Err(AppError::BadRequest(format!(
            "query parameter `figure` = {shown:?} must be one of {}",
            FIGURES.join(", ")
        )));
    }
    if format != "json" && figure.is_none() {
        return Err(AppError::BadRequest(format!(
            "format={format} needs `figure` ({}): one table per download",
            FIGURES.join(", ")
        )));
    }
    let value = overview(&state).await?;
    let Some(figure) = figure else { return Ok(Json(value).into_response()) };
    if format == "json" {
        return Ok(Json(value[figure].clone()).into_response());
    }
    let (table, sheet, text_columns) = figure_table(&value, figure).expect("figure checked above");
    let file = format!("dashboard-{figure}-{}", value["as_of"].as_str().unwrap_or("today"));
    Ok(if format == "csv" {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.csv\"")),
            ],
            table.to_csv(),
        )
            .into_response()
    } else {
        let bytes = state
            .cpu
            .run(move || table.to_xlsx(sheet, text_columns))
            .await?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        (
            [
                (header::CONTENT_TYPE, landtrace_formats::XLSX_CONTENT_TYPE.to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.xlsx\"")),
            ],
            bytes,
        )
            .into_response()
    })
}
