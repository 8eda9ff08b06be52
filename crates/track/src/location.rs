//! [`Location`]: where in the input a fix or a problem comes from.

use serde::{Serialize, Serializer};
use std::fmt;

/// Where in the input a fix, an error or a problem comes from.
///
/// Lines are numbered from 1, as editors do. GeoJSON positions are JSON
/// array indices, numbered from 0 and printed as a path
/// (`features[3]`, `features[0].geometry.coordinates[5]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// A line of a CSV file, or the line where a GPX `<trkpt` starts (from 1).
    Line(usize),
    /// `features[i]` of a GeoJSON FeatureCollection (from 0).
    Feature(usize),
    /// Vertex `index` of a LineString: in `features[feature]` of a
    /// FeatureCollection, or of the top-level Feature when `feature` is `None`.
    Vertex {
        /// Index of the feature in `features`, `None` for a top-level Feature.
        feature: Option<usize>,
        /// Index in `geometry.coordinates` (from 0).
        index: usize,
    },
    /// The document as a whole (e.g. GeoJSON that is not JSON).
    Document,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(line) => write!(f, "line {line}"),
            Location::Feature(i) => write!(f, "features[{i}]"),
            Location::Vertex { feature: Some(i), index } => write!(f, "features[{i}].geometry.coordinates[{index}]"),
            Location::Vertex { feature: None, index } => write!(f, "geometry.coordinates[{index}]"),
            Location::Document => f.write_str("document"),
        }
    }
}

impl Serialize for Location {
    /// Serialised as its display text, e.g. `"line 7"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_line_or_json_path() {
        for (location, text) in [
            (Location::Line(7), "line 7"),
            (Location::Feature(3), "features[3]"),
            (Location::Vertex { feature: Some(0), index: 5 }, "features[0].geometry.coordinates[5]"),
            (Location::Vertex { feature: None, index: 2 }, "geometry.coordinates[2]"),
            (Location::Document, "document"),
        ] {
            assert_eq!(location.to_string(), text);
            assert_eq!(serde_json::to_string(&location).unwrap(), format!("\"{text}\""));
        }
    }
}
