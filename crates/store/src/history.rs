//! The audit trail read as history ([`Store::history`](crate::Store::history)):
//! the rows of one layer, one feature, a time window, a page after a row, in the
//! order they were written. One statement for both backends, its filters from
//! fixed SQL with bound parameters only (never a value in the text).

use landtrace_domain::LayerKind;
use landtrace_domain::units::instant::Instant;

use crate::rows::Params;

/// At most this many audit rows per [`HistoryQuery`] (a larger limit is cut to it).
pub const MAX_HISTORY_ROWS: u32 = 10_000;

/// Which audit rows to read, oldest first (by id). Every filter is optional;
/// `since` and `until` are inclusive and compared at the millisecond, as the
/// trail records its times (finer digits are truncated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Rows of this layer only.
    pub layer: Option<LayerKind>,
    /// Rows of this feature id only (of any layer unless `layer` is given).
    pub fid: Option<i64>,
    /// Rows written at or after this instant.
    pub since: Option<Instant>,
    /// Rows written at or before this instant.
    pub until: Option<Instant>,
    /// Rows after this audit id (the next page).
    pub after_id: Option<i64>,
    /// At most this many rows (at most [`MAX_HISTORY_ROWS`]; 0 answers none).
    pub limit: u32,
}

/// A bound value of the history statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HistoryBind {
    Text(String),
    Integer(i64),
}

/// The statement of `query` for a backend: `columns` are the audit columns as the
/// backend reads them, `timestamp` the SQL of a bound time (`{}` where the
/// parameter goes, e.g. `{}::timestamptz`). Returns the SQL and its values in order.
pub(crate) fn history_sql(
    query: &HistoryQuery,
    params: Params,
    columns: &str,
    timestamp: &str,
) -> (String, Vec<HistoryBind>) {
    let mut binds = Vec::new();
    let mut conditions: Vec<String> = Vec::new();
    let param = |binds: &mut Vec<HistoryBind>, value: HistoryBind| {
        binds.push(value);
        match params {
            Params::Question => "?".to_owned(),
            Params::Numbered => format!("${}", binds.len()),
        }
    };
    if let Some(layer) = query.layer {
        conditions.push(format!("layer = {}", param(&mut binds, HistoryBind::Text(layer.table_name().to_owned()))));
    }
    if let Some(fid) = query.fid {
        conditions.push(format!("fid = {}", param(&mut binds, HistoryBind::Integer(fid))));
    }
    if let Some(since) = query.since {
        let p = param(&mut binds, HistoryBind::Text(since.to_rfc3339_utc_millis()));
        conditions.push(format!("at >= {}", timestamp.replace("{}", &p)));
    }
    if let Some(until) = query.until {
        let p = param(&mut binds, HistoryBind::Text(until.to_rfc3339_utc_millis()));
        conditions.push(format!("at <= {}", timestamp.replace("{}", &p)));
    }
    if let Some(after) = query.after_id {
        conditions.push(format!("id > {}", param(&mut binds, HistoryBind::Integer(after))));
    }
    let limit = param(&mut binds, HistoryBind::Integer(i64::from(query.limit.min(MAX_HISTORY_ROWS))));
    let filter = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
    (format!("SELECT {columns} FROM landtrace_audit{filter} ORDER BY id LIMIT {limit}"), binds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use landtrace_domain::units::instant::parse_rfc3339;

    #[test]
    fn filters_are_bound_parameters_in_order() {
        let all = HistoryQuery { limit: 50, ..HistoryQuery::default() };
        assert_eq!(
            history_sql(&all, Params::Question, "id", "{}"),
            ("SELECT id FROM landtrace_audit ORDER BY id LIMIT ?".to_owned(), vec![HistoryBind::Integer(50)])
        );
        let q = HistoryQuery {
            layer: Some(LayerKind::UrbanGradeZones),
            fid: Some(7),
            since: None,
            until: Some(parse_rfc3339("2023-05-01T23:59:59.9999+08:00").unwrap()),
            after_id: Some(3),
            limit: u32::MAX,
        };
        let (sql, binds) = history_sql(&q, Params::Numbered, "id", "{}::timestamptz");
        assert_eq!(
            sql,
            "SELECT id FROM landtrace_audit WHERE layer = $1 AND fid = $2 AND at <= $3::timestamptz AND id > $4 \
             ORDER BY id LIMIT $5"
        );
        assert_eq!(
            binds,
            vec![
                HistoryBind::Text("urban_grade_zones".into()),
                HistoryBind::Integer(7),
                HistoryBind::Text("2023-05-01T15:59:59.999Z".into()),
                HistoryBind::Integer(3),
                HistoryBind::Integer(i64::from(MAX_HISTORY_ROWS)),
            ]
        );
    }
}
