//! Which character encoding a CSV file is in, and its text as UTF-8 for GDAL, whose
//! CSV driver reads UTF-8 only (GDAL 3.6 has no `ENCODING` option for it):
//!
//! 1. valid UTF-8 (with or without a byte-order mark): read as it is;
//! 2. else the encoding the user gave (`--encoding`);
//! 3. else GB18030, a superset of GBK, the encoding of CSV files saved by Excel on
//!    Chinese Windows.
//!
//! Text that is not valid in the encoding decided is refused rather than read with
//! replacement characters.

use encoding_rs::Encoding;

use crate::shapefile_encoding::{self, EncodingBasis, ShapefileEncoding};

/// The file's text as UTF-8 and the encoding it was decoded from; None when it is
/// UTF-8 already. The error says why the text cannot be read.
pub fn to_utf8(bytes: &[u8], given: Option<&str>) -> Result<Option<(String, ShapefileEncoding)>, String> {
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(_) => return Ok(None),
        Err(e) => e,
    };
    let (encoding, decided) = match given.and_then(|g| shapefile_encoding::normalise(g).map(|n| (g, n))) {
        Some((given, name)) => {
            let encoding = encoding_of(given, &name).ok_or_else(|| {
                format!(
                    "the encoding given ({}) is not one landtrace can decode",
                    landtrace_domain::input_limits::echo(given)
                )
            })?;
            (encoding, ShapefileEncoding { gdal_name: name, basis: EncodingBasis::Given })
        }
        None => (
            encoding_rs::GB18030,
            ShapefileEncoding { gdal_name: "GB18030".to_owned(), basis: EncodingBasis::AssumedGbk },
        ),
    };
    if encoding == encoding_rs::UTF_8 {
        return Err(format!(
            "the file is not UTF-8 text (invalid byte at offset {}), though UTF-8 was given as its encoding",
            utf8_error.valid_up_to()
        ));
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(format!(
            "the file is neither UTF-8 nor {} text; give its encoding (--encoding, e.g. --encoding GBK; encoding=GBK \
             over HTTP)",
            decided.gdal_name
        ));
    }
    Ok(Some((text.into_owned(), decided)))
}

/// `encoding_rs`'s encoding for a name given (`gbk`, `GB18030`, `cp1252`, `big5` …)
/// or its normalised GDAL name (`CP950`, `CP1252` …).
fn encoding_of(given: &str, normalised: &str) -> Option<&'static Encoding> {
    let windows_code_page = normalised.strip_prefix("CP").map(|n| match n {
        "950" => "big5".to_owned(),
        "932" => "shift_jis".to_owned(),
        "949" => "euc-kr".to_owned(),
        other => format!("windows-{other}"),
    });
    [Some(given.trim()), Some(normalised), windows_code_page.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|label| Encoding::for_label(label.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept_and_gbk_is_decoded_as_given_or_as_gb18030() {
        assert_eq!(to_utf8("名称,lon\n甲,110".as_bytes(), None), Ok(None));
        let (gbk, _, _) = encoding_rs::GBK.encode("名称,lon\n甲,110");
        let (text, encoding) = to_utf8(&gbk, None).unwrap().unwrap();
        assert_eq!(text, "名称,lon\n甲,110");
        assert_eq!(encoding.basis, EncodingBasis::AssumedGbk);
        let (text, encoding) = to_utf8(&gbk, Some("cp936")).unwrap().unwrap();
        assert_eq!((text.as_str(), encoding.gdal_name.as_str()), ("名称,lon\n甲,110", "GB18030"));
        assert_eq!(encoding.basis, EncodingBasis::Given);
        let (big5, _, _) = encoding_rs::BIG5.encode("名稱");
        assert_eq!(to_utf8(&big5, Some("950")).unwrap().unwrap().0, "名稱");
        let latin1 = to_utf8(b"caf\xe9", Some("cp1252")).unwrap().unwrap();
        assert_eq!(latin1.0, "café");
        let e = to_utf8(&gbk, Some("utf-8")).unwrap_err();
        assert!(e.contains("invalid byte at offset 0"), "{e}");
        let e = to_utf8(&gbk, Some("klingon")).unwrap_err();
        assert!(e.contains("(klingon) is not one landtrace can decode"), "{e}");
        let e = to_utf8(b"\x81\x20", None).unwrap_err();
        assert!(e.contains("neither UTF-8 nor GB18030"), "{e}");
    }
}
