//! The layers (tables, geometry kinds, fields, which fields are personal), the
//! check of a feature's properties against its layer, and what anonymous users see.

pub mod layers;
pub mod privacy;
pub mod user_layers;
pub mod validate;
