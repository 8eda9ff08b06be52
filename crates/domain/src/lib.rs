//! Layer kinds, record schemas and the county's rule tables.
//!
//! **Invariant:** this crate does no IO (no files, network, clock or database);
//! every function is a pure function of its arguments and is tested with plain values.
//!
//! - [`county`]: the county served (its division code);
//! - [`data_csv`]: the CSV data tables rules are read from;
//! - [`layers`]: the layers, their tables and fields (the storage contract);
//! - [`validate`]: checking a feature's properties against its layer;
//! - [`input_limits`]: the input policy every door applies: numeric ranges, vertices,
//!   features and bytes per request or file, a leading byte-order mark;
//! - [`spreadsheet_cell`]: CSV cells made safe to open in a spreadsheet (no formulas);
//! - [`privacy`]: what anonymous users may see;
//! - [`date`]: calendar dates without a clock;
//! - [`instant`]: the one RFC 3339 parser (every door that reads a date-time) and the
//!   county's civil time (Asia/Shanghai, a fixed UTC+8);
//! - [`prices`]: benchmark land prices of 临政发〔2023〕8号;
//! - [`truck_ban`]: the urban truck ban of 临政发〔2023〕5号 and its decision engine
//!   ([`truck_ban::decide`]; parts in `truck_ban_*.rs`, re-exported by `truck_ban`);
//! - [`expropriation`]: the expropriation decisions 临政发〔2023〕10号 and 11号;
//! - [`mod@expropriation_timeline`]: their periods (notice, signing, appeal, relocation,
//!   freezes) and their status on a date;
//! - [`mod@compensation`]: cash compensation for a house under their compensation plans;
//! - [`valuation`]: benchmark value of a parcel from its areas in grade zones;
//! - [`consolidation`]: compensation in land consolidation projects (临政发〔2023〕9号);
//! - [`area`], [`money`], [`citation`]: areas in m²/亩, money in fen, quoted clauses;
//! - [`mod@zone_details`]: what the rules add to a zone hit of `/api/locate`;
//! - [`trace`]: origin traceability of the 12 key farm products (临政办发〔2023〕19号):
//!   divisions and name variants, record checks and thresholds, update due dates, the
//!   weekly dispatch ledger;
//! - [`sponge`]: sponge-city runoff control, V = 10·H·φ·F (临政办发〔2023〕11号).
//!
//! Rule tables are exact copies of the gazette (临猗县人民政府公报 2023年第2期); the
//! tests compare them with verbatim excerpts kept in `data/gazette/`.

pub mod area;
pub mod citation;
pub mod compensation;
pub mod consolidation;
pub mod county;
pub mod data_csv;
pub mod date;
pub mod expropriation;
pub mod expropriation_timeline;
#[cfg(test)]
mod gazette_quotes;
pub mod input_limits;
pub mod instant;
pub mod layers;
pub mod money;
pub mod prices;
pub mod privacy;
pub mod sponge;
pub mod spreadsheet_cell;
pub mod trace;
pub mod truck_ban;
mod truck_ban_decide;
mod truck_ban_pass;
mod truck_ban_time;
mod truck_ban_vehicle;
pub mod truck_pass_record;
pub mod validate;
pub mod valuation;
pub mod zone_details;

pub use area::{AreaError, AreaFigures, Mu, SquareMetres};
pub use citation::Citation;
pub use compensation::{Compensation, CompensationLine, bonus_percent, compensation, day_after_appraisal};
pub use consolidation::{
    AmountRange, Attachments, ConsolidationCompensation, ConsolidationError, ProjectType, consolidation_compensation,
};

pub use date::{Date, DateError};
pub use expropriation::{ExpropriationProject, project_by_decision_no};
pub use expropriation_timeline::{Period, PeriodKind, PeriodStatus, Timeline, TimelineError, expropriation_timeline};
pub use input_limits::{BodyKind, Limit, LimitError, NumberRange, RangeError};
pub use layers::{FieldDef, FieldType, GeometryKind, LayerKind};
pub use money::{Money, MoneyError};
pub use prices::{
    BenchmarkPrice, CollectiveLandUse, Grade, GradeSystem, LandUse, PriceError, UrbanLandUse, benchmark_price,
    price_rows,
};
pub use privacy::public_properties;
pub use truck_ban::{Decision as TruckBanDecision, TruckBanQuery};
pub use validate::{FieldError, validate_properties};
pub use valuation::{GradePart, UseRequest, Valuation, ValuationError, benchmark_valuation};
pub use zone_details::zone_details;
