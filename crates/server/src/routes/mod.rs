//! HTTP handlers, one file per resource.

pub mod accounts;
pub mod basemaps;
pub mod dashboard;
pub mod expropriation;
pub mod gps_track;
pub mod health;
pub mod history;
pub mod land;
#[cfg(feature = "gdal")]
pub mod layer_export;
pub mod layer_import;
pub mod layers;
pub mod ledger_export;
pub mod locate;
pub mod ogc;
pub mod ogc_tiles;
pub mod origin_records;
pub mod producers;
pub mod record_photos;
pub mod search;
pub mod sponge;
pub mod styles;
pub mod tiles;
pub mod truck_ban;
pub mod web;
