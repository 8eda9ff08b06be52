//! Origin traceability of the 12 key farm products (临政办发〔2023〕19号, 《临猗县重点农产品产地溯源信息
//! 采集系统推广应用实施方案》).
//!
//! - [`divisions`]: township and village names and codes, with the gazette's OCR variants
//!   (崞阳镇/峒阳镇/嵎阳镇 → 嵋阳镇) and suggestions for unknown names;
//! - [`producer`]: producers (种养殖主体) with their credit code or platform identifier, the
//!   completeness of a record (全项采集) and duplicate submissions;
//! - [`record`]: checking one origin-point record (required fields, phones, dates, units,
//!   product ↔ industry) and the collection thresholds of 三、采集范围;
//! - [`mod@due`]: when a record is due for update (planting: each crop cycle; livestock and
//!   aquatic: monthly, 五、(二));
//! - [`week`]: ISO 8601 weeks (`2023-W24`);
//! - [`mod@ledger`]: the weekly dispatch ledger of 附件3 (每周调度台账): its counts (the CSV and
//!   printable page are `landtrace_formats::ledger_pages`).
//!
//! Data files (`data/divisions/name-variants.csv`, `data/trace/update-cycles.csv`) are compiled
//! in; the official township and village list comes in as arguments.

/// The document these rules come from.
pub const DOCUMENT: &str = "临政办发〔2023〕19号";

pub mod divisions;
pub mod due;
pub mod ledger;
pub mod producer;
pub mod record;
pub mod week;

pub use divisions::{DivisionNames, Divisions, NAME_VARIANTS_CSV, NameError, NameForm, Resolved};
pub use due::{
    Due, DueStatus, Phase, UPDATE_CYCLES_CSV, UPDATE_RULES, UPDATE_RULES_SOURCE, UpdateCycles, due, last_update, phase,
};
pub use ledger::{
    LEDGER_TITLE, Ledger, LedgerRecord, LedgerRow, LedgerTotals, ProductCount, change_text, date_zh, ledger,
};
pub use producer::{
    CheckedProducer, Completeness, DUPLICATE_ASSUMPTION, DUPLICATE_DISTANCE_M, DuplicateKey, FORM_ITEMS,
    check_producer, check_producer_id, check_uscc, completeness, is_duplicate, next_platform_id, platform_id,
};
pub use record::{
    AggregateScale, BaseScale, CheckedRecord, FieldProblem, Industry, RecordContext, TRACE_MEANS, ThresholdCheck,
    apply_commodity_scope, check_origin_record, check_phone, parse_date_lenient, producer_thresholds, product_industry,
    product_unit, product_units, threshold,
};
pub use week::IsoWeek;

pub(crate) use crate::data_csv::{column as csv_column, read_table as csv_records};
