//! The use cases of landtrace, between its doors (the HTTP server, the command
//! line) and its rules (`landtrace_domain`): no HTTP and no argument parsing here.
//!
//! - [`catalog`]: every feature of the tiled and zone layers in memory, with the
//!   zone index behind `/api/locate` and the boxes tile cutting reads;
//! - [`write_path`]: **the one write path**. Every write of features, whatever its
//!   door (an HTTP write, `landtrace import`, `landtrace trace import`, the bundled
//!   data on first start, `landtrace migrate`), runs its layer's rulebook here
//!   ([`write_path::Rulebooks`]) before the store's transaction starts; the store
//!   then checks each feature against its layer's schema and writes all or nothing,
//!   with its audit rows. So every door accepts and refuses exactly the same inputs,
//!   with the same messages;
//! - [`origin_records`]: the origin-point records of 临政办发〔2023〕19号 as a use
//!   case: the rule checks of `landtrace_domain::traceability` joined with what they need
//!   from the stored data (division names, the county boundary) and the stamps a
//!   write adds;
//! - [`origin_views`]: origin-point records as clients see them (public or personal
//!   fields, division names, threshold flag, due status), filters, the overdue report;
//! - [`origin_form`]: the collection-form spreadsheet checked row by row, and the
//!   weekly dispatch ledger;
//! - [`accounts`]: accounts administrators manage (in the store): sign-in with a
//!   name and an Argon2id-hashed password or an issued token, sessions, the
//!   in-memory book each server reloads when the store's accounts change;
//! - [`users`]: users with roles from the users file, which layers a role owns
//!   (writes) and whose personal fields it sees;
//! - [`rule_tables`]: the rule tables read as data (update cycles, runoff
//!   coefficients, the rainfall-depth curve), bundled or from files;
//! - [`sponge_estimate`]: the runoff control a sponge-city project achieves, for a
//!   stored project or a polygon;
//! - [`truck_ban_check`]: a truck at a place and time against the ban (its pass
//!   looked up by plate), and the freight sources against the zone;
//! - [`tile_cut`]: one vector tile cut from the catalogue, for the server and the
//!   tile archives alike;
//! - [`clock`]: today in the county, now as RFC 3339: the one place the use cases
//!   read the clock (the domain takes dates as arguments);
//! - [`land_valuation`]: a parcel's benchmark value: convert the CRS, validate, check
//!   the county, split by the grade zones of both systems, value (one parcel, or a
//!   file of them with its report);
//! - [`position_input`]: a position as the doors take it (numbers and a CRS name,
//!   or Gauss-Krüger recognised by its ranges, saying what was assumed);
//! - [`history`]: every layer versioned: a layer as it was at an instant (`as_of`),
//!   rebuilt from the audit trail, by transaction time or, for layers with a valid
//!   time, the rule documented there;
//! - [`feature_filter`]: OGC API – Features filters (CQL2 text and JSON, Part 1's
//!   `property=value`) compiled against a layer's schema and evaluated in memory,
//!   and the layer's queryables; a filter never becomes SQL;
//! - [`search`]: the search box: divisions (with the gazette's OCR variants),
//!   features by name, document numbers, plates and producers (their owners only),
//!   coordinates in any CRS, from an index of the catalogue;
//! - [`gps_track`]: a GPS track checked against the stored truck-ban zone (the
//!   rules of the ban hours live in `landtrace_domain::truck_ban`, the reading and
//!   checking in `landtrace_track`).

pub mod accounts;
pub mod catalog;
pub mod clock;
pub mod dashboard;
pub mod expropriation_register;
pub mod feature_filter;
pub mod gps_track;
pub mod history;
pub mod land_valuation;
pub mod layer_import;
pub mod origin_form;
pub mod origin_producers;
pub mod origin_records;
pub mod origin_views;
pub mod position_input;
pub mod rule_tables;
pub mod search;
pub mod sponge_estimate;
pub mod tile_cut;
pub mod truck_ban_check;
pub mod truck_roads;
pub mod users;
pub mod write_path;

pub use catalog::Catalog;
pub use write_path::{FeatureProblems, RulebookError, Rulebooks, WriteRefused};
