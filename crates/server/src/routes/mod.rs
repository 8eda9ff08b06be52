//! HTTP handlers, one file per resource.

pub mod health;
pub mod land;
pub mod layers;
pub mod locate;
pub mod sponge;
pub mod tiles;
pub mod trace;
pub mod track;
pub mod truck_ban;
pub mod web;
