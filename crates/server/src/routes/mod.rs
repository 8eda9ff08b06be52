//! HTTP handlers, one file per resource.

pub mod health;
pub mod layers;
pub mod locate;
pub mod tiles;
pub mod web;
