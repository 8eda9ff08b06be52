//! A stored truck pass (a `truck_passes` row) as a [`Pass`] the decision engine
//! checks: plate, validity dates, daily windows written `HH:MM-HH:MM;…`, area
//! (`全区域` = the whole zone, anything else a named area or route), source.

use serde_json::{Map, Value};

use crate::Date;
use crate::truck_ban::{DailyWindow, Pass, PassArea, PassSource};

/// The `area` value meaning the whole ban zone.
pub const WHOLE_ZONE: &str = "全区域";

fn minutes(text: &str) -> Result<u16, String> {
    let (h, m) = text.trim().split_once(':').ok_or_else(|| format!("{text:?} is not HH:MM"))?;
    let (h, m): (u16, u16) = (
        h.parse().map_err(|_| format!("{text:?} is not HH:MM"))?,
        m.parse().map_err(|_| format!("{text:?} is not HH:MM"))?,
    );
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(format!("{text:?} is not a time of day (00:00-24:00)"));
    }
    Ok(h * 60 + m)
}

/// Parses `06:00-22:00;22:00-06:00` (a window may cross midnight; 00:00-24:00 is the
/// whole day).
pub fn parse_windows(text: &str) -> Result<Vec<DailyWindow>, String> {
    let mut out = Vec::new();
    for part in text.split([';', '；', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').ok_or_else(|| format!("window {part:?} is not HH:MM-HH:MM"))?;
        let window = DailyWindow::new(minutes(a)?, minutes(b)?).map_err(|e| format!("window {part:?}: {e}"))?;
        out.push(window);
    }
    if out.is_empty() {
        return Err("no daily window given (e.g. 00:00-24:00)".into());
    }
    Ok(out)
}

/// Builds the pass a stored record describes, or says what is wrong with it.
pub fn pass_from_record(props: &Map<String, Value>) -> Result<Pass, String> {
    let text = |name: &str| props.get(name).and_then(Value::as_str).ok_or_else(|| format!("field {name:?} is missing"));
    let date =
        |name: &str| -> Result<Date, String> { Date::parse(text(name)?).map_err(|e| format!("field {name:?}: {e}")) };
    let area = match text("area")? {
        WHOLE_ZONE => PassArea::WholeZone,
        other => PassArea::Named(other.to_owned()),
    };
    let source = match text("pass_source")? {
        "交管12123" => PassSource::Electronic,
        _ => PassSource::Paper,
    };
    Pass::new(text("plate")?, date("valid_from")?, date("valid_to")?, parse_windows(text("windows")?)?, area, source)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn windows_parse_and_refuse_bad_text() {
        assert_eq!(parse_windows("00:00-24:00").unwrap(), vec![DailyWindow::WHOLE_DAY]);
        assert_eq!(parse_windows("22:00-06:00; 09:00-11:30").unwrap().len(), 2);
        assert!(parse_windows("").unwrap_err().contains("no daily window"));
        assert!(parse_windows("25:00-06:00").unwrap_err().contains("time of day"));
        assert!(parse_windows("06:00").unwrap_err().contains("HH:MM-HH:MM"));
        assert!(parse_windows("06:00-06:00").is_err());
    }

    #[test]
    fn a_record_becomes_a_pass() {
        let record = json!({"plate": "晋M·A0001", "valid_from": "2023-06-01", "valid_to": "2023-06-30",
            "windows": "00:00-24:00", "area": "全区域", "pass_source": "交管12123"});
        let pass = pass_from_record(record.as_object().unwrap()).unwrap();
        let at = crate::truck_ban::LocalDateTime::parse_rfc3339("2023-06-15T12:00:00+08:00").unwrap();
        assert!(pass.valid_at(at, "晋M·A0001", false).is_ok(), "a whole-zone pass needs no named area");
        let bad = json!({"plate": "晋M·A0001", "valid_from": "2023-06-30", "valid_to": "2023-06-01",
            "windows": "00:00-24:00", "area": "全区域", "pass_source": "纸质"});
        assert!(pass_from_record(bad.as_object().unwrap()).is_err());
    }
}
