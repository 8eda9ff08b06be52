//! Which character encoding a shapefile's attributes are in, decided before GDAL
//! opens it (and handed to GDAL's Shapefile driver as its `ENCODING` open option,
//! so GDAL recodes the text to UTF-8):
//!
//! 1. the `.cpg` file beside the `.dbf`, when it names an encoding;
//! 2. else the DBF header's language driver id (LDID, byte 29), when it names one;
//! 3. else the encoding the user gave (`--encoding`);
//! 4. else the DBF's text itself: UTF-8 when every record is valid UTF-8, else GBK
//!    (the encoding of Chinese Windows and of the bureaus' ArcGIS exports).
//!
//! GBK (also written CP936, 936, GB2312) is read as GB18030, its superset, so that
//! no character of a GBK file is lost.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

/// How the encoding was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodingBasis {
    /// Named by the `.cpg` file (its text).
    Cpg(String),
    /// Named by the DBF header's language driver id.
    LanguageDriver(u8),
    /// Given by the user.
    Given,
    /// Found valid UTF-8 in every record.
    DetectedUtf8,
    /// Assumed: the text is not UTF-8 and nothing declared an encoding.
    AssumedGbk,
}

/// The encoding of a shapefile's attributes, as GDAL names it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapefileEncoding {
    /// The name GDAL's `ENCODING` open option takes (`UTF-8`, `GB18030`, `CP1252` …).
    pub gdal_name: String,
    /// Why.
    pub basis: EncodingBasis,
}

impl fmt::Display for ShapefileEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.gdal_name;
        match &self.basis {
            EncodingBasis::Cpg(text) => write!(f, "{name} (from the .cpg file: {text:?})"),
            EncodingBasis::LanguageDriver(id) => write!(f, "{name} (from the DBF language driver id 0x{id:02X})"),
            EncodingBasis::Given => write!(f, "{name} (as given by --encoding)"),
            EncodingBasis::DetectedUtf8 => write!(f, "{name} (no encoding declared; every record is valid UTF-8)"),
            EncodingBasis::AssumedGbk => {
                write!(f, "{name} (assumed: no encoding declared and the text is not UTF-8, so read as GBK)")
            }
        }
    }
}

/// The GDAL name of an encoding written by a person or a `.cpg` file, GBK read as
/// GB18030; None for text that names no encoding.
pub fn normalise(name: &str) -> Option<String> {
    let n = name.trim().trim_start_matches('\u{feff}').to_ascii_uppercase().replace(['_', ' '], "-");
    if n.is_empty() {
        return None;
    }
    Some(match n.as_str() {
        "UTF-8" | "UTF8" | "65001" => "UTF-8".to_owned(),
        "GBK" | "CP936" | "936" | "GB2312" | "GB-2312" | "GB18030" | "CP-936" | "ANSI-936" | "WINDOWS-936" => {
            "GB18030".to_owned()
        }
        "BIG5" | "CP950" | "950" => "CP950".to_owned(),
        "LATIN1" | "ISO-8859-1" | "ISO8859-1" | "88591" => "ISO-8859-1".to_owned(),
        other if other.chars().all(|c| c.is_ascii_digit()) => format!("CP{other}"),
        other => other.to_owned(),
    })
}

/// The encoding a DBF language driver id names, if it names one.
fn from_language_driver(id: u8) -> Option<&'static str> {
    Some(match id {
        0x4D | 0x7A => "GB18030", // 936 Chinese (PRC, GBK)
        0x4F | 0x78 => "CP950",   // 950 Chinese (Big5)
        0x01 => "CP437",
        0x02 => "CP850",
        0x03 | 0x57 => "CP1252",
        0x4E | 0x79 => "CP949",
        0x4C | 0x7B => "CP932",
        0xC8 => "CP1250",
        0xC9 => "CP1251",
        _ => return None,
    })
}

/// Decides the encoding of the shapefile whose `.shp` is `shp` (see the module
/// documentation). `given` is the user's `--encoding`, if any.
pub fn decide(shp: &Path, given: Option<&str>) -> std::io::Result<ShapefileEncoding> {
    let cpg = find_sidecar(shp, "cpg").map(std::fs::read).transpose()?;
    let Some(dbf) = find_sidecar(shp, "dbf") else { return Ok(decide_from(cpg.as_deref(), None, given)) };
    // The DBF's header (its language driver id) decides as well as the whole file
    // unless the records have to be looked at, which only the whole file can tell.
    let mut header = Vec::with_capacity(DBF_HEADER_BYTES);
    std::fs::File::open(&dbf)?.take(DBF_HEADER_BYTES as u64).read_to_end(&mut header)?;
    let by_header = decide_from(cpg.as_deref(), Some(&header), given);
    if matches!(by_header.basis, EncodingBasis::DetectedUtf8 | EncodingBasis::AssumedGbk) {
        return Ok(decide_from(cpg.as_deref(), Some(&std::fs::read(dbf)?), given));
    }
    Ok(by_header)
}

/// The fixed part of a DBF header (the language driver id is byte 29).
const DBF_HEADER_BYTES: usize = 32;

/// [`decide`] over the bytes of the `.cpg` and `.dbf` files (read from a folder or
/// an archive).
pub fn decide_from(cpg: Option<&[u8]>, dbf: Option<&[u8]>, given: Option<&str>) -> ShapefileEncoding {
    if let Some(cpg) = cpg {
        let text = String::from_utf8_lossy(&cpg[..cpg.len().min(64)]).trim().to_owned();
        if let Some(name) = normalise(&text) {
            return ShapefileEncoding { gdal_name: name, basis: EncodingBasis::Cpg(text) };
        }
    }
    if let Some(id) = dbf.and_then(|d| d.get(29).copied())
        && let Some(name) = from_language_driver(id)
    {
        return ShapefileEncoding { gdal_name: name.to_owned(), basis: EncodingBasis::LanguageDriver(id) };
    }
    if let Some(name) = given.and_then(normalise) {
        return ShapefileEncoding { gdal_name: name, basis: EncodingBasis::Given };
    }
    if dbf.is_none_or(records_are_utf8) {
        ShapefileEncoding { gdal_name: "UTF-8".to_owned(), basis: EncodingBasis::DetectedUtf8 }
    } else {
        ShapefileEncoding { gdal_name: "GB18030".to_owned(), basis: EncodingBasis::AssumedGbk }
    }
}

/// `x.shp` → `x.cpg` / `x.CPG` beside it, if there is one.
fn find_sidecar(shp: &Path, ext: &str) -> Option<std::path::PathBuf> {
    [ext.to_owned(), ext.to_ascii_uppercase()].into_iter().map(|e| shp.with_extension(e)).find(|p| p.is_file())
}

/// Whether the DBF's records (after its header) are valid UTF-8.
fn records_are_utf8(dbf: &[u8]) -> bool {
    let header_len = dbf.get(8..10).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
    std::str::from_utf8(dbf.get(header_len..).unwrap_or_default()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_and_gbk_is_read_as_gb18030() {
        for (given, expected) in [
            ("GBK", Some("GB18030")),
            ("cp936", Some("GB18030")),
            ("936\r\n", Some("GB18030")),
            ("utf-8", Some("UTF-8")),
            ("UTF8", Some("UTF-8")),
            ("1252", Some("CP1252")),
            ("  ", None),
        ] {
            assert_eq!(normalise(given).as_deref(), expected, "{given:?}");
        }
    }

    #[test]
    fn cpg_then_language_driver_then_given_then_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("a.shp");
        let dbf = dir.path().join("a.dbf");
        let mut header = vec![0u8; 33];
        header[8] = 33; // header length
        header.extend_from_slice("临猗".as_bytes());
        std::fs::write(&dbf, &header).unwrap();
        let e = decide(&shp, None).unwrap();
        assert_eq!((e.gdal_name.as_str(), &e.basis), ("UTF-8", &EncodingBasis::DetectedUtf8));
        let gbk: Vec<u8> = header[..33].iter().copied().chain([0xC1, 0xD9, 0xE2, 0xA2]).collect();
        std::fs::write(&dbf, &gbk).unwrap();
        assert_eq!(decide(&shp, None).unwrap().basis, EncodingBasis::AssumedGbk);
        assert_eq!(decide(&shp, Some("cp1252")).unwrap().gdal_name, "CP1252");
        let mut with_ldid = gbk.clone();
        with_ldid[29] = 0x4D;
        std::fs::write(&dbf, &with_ldid).unwrap();
        let e = decide(&shp, Some("utf-8")).unwrap();
        assert_eq!(e.to_string(), "GB18030 (from the DBF language driver id 0x4D)");
        std::fs::write(dir.path().join("a.cpg"), "UTF-8").unwrap();
        assert_eq!(decide(&shp, None).unwrap().to_string(), "UTF-8 (from the .cpg file: \"UTF-8\")");
    }
}
