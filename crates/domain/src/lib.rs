//! Layer kinds, record schemas and the county's rule tables.
//!
//! **Invariant:** this crate does no IO (no files, network, clock or database);
//! every function is a pure function of its arguments and is tested with plain values.
//!
//! One folder per rulebook of the gazette, plus units and the layer schemas:
//!
//! - [`land`]: benchmark land prices of 临政发〔2023〕8号 ([`land::prices`]) and the
//!   benchmark value of a parcel from its areas in grade zones ([`land::valuation`]);
//! - [`expropriation`]: the expropriation decisions 临政发〔2023〕10号 and 11号, their
//!   periods on a date ([`expropriation::timeline`]) and cash compensation for a house
//!   under their compensation plans ([`expropriation::compensation`]);
//! - [`consolidation`]: compensation in land consolidation projects (临政发〔2023〕9号);
//! - [`truck_ban`]: the urban truck ban of 临政发〔2023〕5号 and its decision engine
//!   (`decide.rs`: the order of checks and the clause cited; `time.rs`: the ban hours in
//!   Asia/Shanghai; `vehicle.rs`: GA 802-2019 classes; `pass.rs`: 通行证 with daily
//!   windows; [`truck_ban::pass_record`]: a stored pass);
//! - [`traceability`]: origin traceability of the 12 key farm products
//!   (临政办发〔2023〕19号): divisions and name variants, record checks and thresholds,
//!   update due dates, ISO weeks, the weekly dispatch ledger's counts;
//! - [`sponge`]: sponge-city runoff control, V = 10·H·φ·F (临政办发〔2023〕11号);
//! - [`units`]: areas in m²/亩 ([`units::area`]), money in fen ([`units::money`]),
//!   calendar dates without a clock ([`units::date`]), the one RFC 3339 parser and the
//!   county's civil time ([`units::instant`]), quoted clauses ([`units::citation`]);
//! - [`schema`]: the layers, their tables and fields (the storage contract,
//!   [`schema::layers`]), checking a feature's properties against its layer
//!   ([`schema::validate`]) and what anonymous users may see ([`schema::privacy`]);
//! - across them: [`county`] (the county served), [`data_csv`] (the CSV data tables
//!   rules are read from), [`input_limits`] (the input policy every door applies:
//!   numeric ranges, vertices, features and bytes per request or file, a leading
//!   byte-order mark), [`spreadsheet_cell`] (CSV cells made safe to open in a
//!   spreadsheet) and [`mod@zone_details`] (what the rules add to a zone hit of
//!   `/api/locate`).
//!
//! Rule tables are exact copies of the gazette (临猗县人民政府公报 2023年第2期); the
//! tests compare them with verbatim excerpts kept in `data/gazette/`.

pub mod consolidation;
pub mod county;
pub mod data_csv;
pub mod expropriation;
#[cfg(test)]
mod gazette_quotes;
pub mod input_limits;
pub mod land;
pub mod schema;
pub mod sponge;
pub mod spreadsheet_cell;
pub mod traceability;
pub mod truck_ban;
pub mod units;
pub mod zone_details;

pub use consolidation::{
    AmountRange, Attachments, ConsolidationCompensation, ConsolidationError, ProjectType, consolidation_compensation,
};
pub use expropriation::compensation::{
    Compensation, CompensationLine, bonus_percent, compensation, day_after_appraisal,
};
pub use expropriation::timeline::{
    EventPeriod, Period, PeriodKind, PeriodStatus, Timeline, TimelineError, TimelineEvents, expropriation_timeline,
    expropriation_timeline_with,
};
pub use expropriation::{ExpropriationProject, project_by_decision_no};
pub use input_limits::{BodyKind, Limit, LimitError, NumberRange, RangeError};
pub use land::prices::{
    BenchmarkPrice, CollectiveLandUse, Grade, GradeSystem, LandUse, PriceError, UrbanLandUse, benchmark_price,
    price_rows,
};
pub use land::valuation::{GradePart, UseRequest, Valuation, ValuationError, benchmark_valuation};
pub use schema::layers::{FieldDef, FieldType, GeometryKind, LayerKind, ValidFrom};
pub use schema::privacy::public_properties;
pub use schema::user_layers::{UserField, UserLayerDef, ZoomRange};
pub use schema::validate::{FieldError, validate_properties};
pub use truck_ban::{Decision as TruckBanDecision, TruckBanQuery};
pub use units::area::{AreaError, AreaFigures, Mu, SquareMetres};
pub use units::citation::Citation;
pub use units::date::{Date, DateError};
pub use units::money::{Money, MoneyError};
pub use zone_details::zone_details;
