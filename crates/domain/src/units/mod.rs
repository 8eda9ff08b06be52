//! Units the rules are written in: areas in m² and 亩, money in fen, calendar dates,
//! instants (the one RFC 3339 parser and the county's civil time), quoted clauses.

pub mod area;
pub mod citation;
pub mod date;
pub mod instant;
pub mod money;
