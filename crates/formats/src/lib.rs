//! File formats people bring and take away.
//!
//! **Invariant:** no IO — readers take text, writers return text, so the CLI and
//! the HTTP upload endpoint share them. Input problems are reported per row, so
//! one bad row never hides the others.

pub mod approval_coordinates;
pub mod geojson_geometry;
pub mod ledger_pages;
pub mod origin_csv;
pub mod parcels;
pub mod report_csv;
pub mod report_xlsx;

pub use approval_coordinates::{ApprovalError, ApprovalFile, ApprovalParcel};
pub use geojson_geometry::{geojson_vertex_count, geometry_from_geojson, polygons_from_geojson};
pub use ledger_pages::html_escape;
pub use origin_csv::{CsvEncoding, FormError, FormRow, decode, parse_origin_form};
pub use parcels::{FileError, ParcelFile, ParcelInput, ParcelRow, read_parcel_file, read_parcels};
pub use report_csv::CsvTable;
pub use report_xlsx::{ReportXlsxError, XLSX_CONTENT_TYPE};
