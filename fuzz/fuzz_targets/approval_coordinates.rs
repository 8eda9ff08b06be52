//! The coordinate text files of land approval filings (`landtrace check valuation`,
//! `POST /api/land/valuation/batch`): `formats::approval_coordinates::parse` on raw
//! bytes (UTF-8 or GBK), then what the batch check does with each parcel. What must
//! hold: reading the bytes agrees with reading their UTF-8 text, and with reading the
//! same text re-encoded as GBK; every problem and every parcel names a line of the
//! file, parcels in line order; parcels have the file's CGCS2000 Gauss-Krüger EPSG
//! code and at least one part.
#![no_main]

use landtrace_formats::approval_coordinates::{ApprovalError, parse, parse_text};
use landtrace_formats::{ParcelInput, read_parcels};
use landtrace_fuzz::check_parcel_rows;
use landtrace_spatial::Crs;
use landtrace_spatial::gauss_kruger::GaussKruger;
use libfuzzer_sys::fuzz_target;

/// Physical lines of `text`: `\n`, `\r\n` and a lone `\r` each end one.
fn line_count(text: &str) -> usize {
    1 + text.replace("\r\n", "\n").matches(['\n', '\r']).count()
}

fuzz_target!(|data: &[u8]| {
    let result = parse(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let from_text = parse_text(text);
        match (&result, &from_text) {
            (Ok(a), Ok(b)) => assert_eq!((&a.attributes, &a.parcels), (&b.attributes, &b.parcels)),
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("bytes and text read differently: {result:?} vs {from_text:?}"),
        }
        // The same text in GBK reads the same (when GBK can hold it and the GBK
        // bytes are not UTF-8 themselves, which would be read as UTF-8).
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(text.strip_prefix('\u{feff}').unwrap_or(text));
        if !unmappable && std::str::from_utf8(&gbk).is_err() {
            match (&parse(&gbk), &from_text) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.encoding, "gbk");
                    assert_eq!((&a.attributes, &a.parcels), (&b.attributes, &b.parcels));
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("GBK and UTF-8 read differently: {a:?} vs {b:?}"),
            }
        }
        let lines = line_count(text);
        match &from_text {
            Err(ApprovalError::Invalid { problems, .. }) => {
                assert!(!problems.is_empty(), "a refused file names a problem");
                assert!(problems.windows(2).all(|w| w[0].line <= w[1].line), "problems out of line order");
                for p in problems {
                    assert!(p.line >= 1 && p.line <= lines, "{p} is outside the file's {lines} lines");
                }
            }
            Ok(file) => {
                assert!(file.parcels.windows(2).all(|w| w[0].line < w[1].line), "parcels out of line order");
                assert!(file.parcels.iter().all(|p| p.line >= 1 && p.line <= lines), "a parcel outside the file");
                // What the batch valuation reads is what the parser read.
                let rows = read_parcels(ParcelInput::ApprovalCoordinates, text).expect("a file read once reads again");
                assert_eq!(rows.len(), file.parcels.len());
            }
            Err(_) => {}
        }
    }
    let Ok(file) = result else { return };
    let epsg = file.attributes.epsg;
    assert!(GaussKruger::from_epsg(epsg).is_some(), "EPSG:{epsg} is not a CGCS2000 Gauss-Krüger zone");
    for parcel in &file.parcels {
        assert_eq!(parcel.epsg, epsg);
        assert!(!parcel.geometry.0.is_empty(), "parcel at line {} has no part", parcel.line);
    }
    let rows = file
        .parcels
        .iter()
        .enumerate()
        .map(|(i, p)| landtrace_formats::ParcelRow { row: i + 1, id: Some(p.label()), geometry: Ok(p.to_wgs84()) })
        .collect();
    check_parcel_rows(rows, Crs::Wgs84);
});
