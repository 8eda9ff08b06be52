//! The OGC name of a geometry's type, for messages ("geometry is a Point,
//! expected a Polygon").

use geo::Geometry;

/// The GeoJSON / OGC type name (`Rect`, `Triangle` are polygons, `Line` a
/// line string, as they are written out).
pub fn geometry_type_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, point};

    #[test]
    fn names() {
        assert_eq!(geometry_type_name(&point!(x: 1.0, y: 2.0).into()), "Point");
        assert_eq!(geometry_type_name(&Rect::new((0.0, 0.0), (1.0, 1.0)).into()), "Polygon");
    }
}
