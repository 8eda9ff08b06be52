//! What anonymous users may see of a feature's properties.
//!
//! Fields marked `personal` in the layer schema (contact names and phones of
//! origin-point records, and who created or last updated a record) never reach
//! anonymous users, tiles or logs.

use serde_json::{Map, Value};

use crate::schema::layers::LayerKind;

/// The properties of a `kind` feature that anyone may see: the layer's fields that are
/// not `personal`, in the order given.
///
/// Deny by default: a property that is not a field of the layer is dropped too, so a
/// stray column (say `联系电话` from an unchecked import) cannot leak.
pub fn public_properties(kind: LayerKind, props: &Map<String, Value>) -> Map<String, Value> {
    props
        .iter()
        .filter(|(name, _)| kind.field(name).is_some_and(|f| !f.personal))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn origin_point() -> Map<String, Value> {
        let v = json!({
            "subject_name": "临猗县某某果蔬专业合作社",
            "subject_type": "农民合作社",
            "product": "韭菜",
            "township_code": "140821100",
            "contact_name": "张三",
            "contact_phone": "13800000000",
            "grid_officer_name": "李四",
            "grid_officer_phone": "13900000000",
            "collector_name": "王五",
            "collector_phone": "13700000000",
            "created_by": "赵六",
            "updated_by": "钱七",
            "created_at": "2023-06-01T08:00:00Z",
            "collected_on": "2023-06-01",
            "scale": 12.5,
            "scale_unit": "亩",
            "accuracy": "illustrative",
            "联系电话": "13600000000",
        });
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn origin_points_lose_personal_fields() {
        let public = public_properties(LayerKind::OriginPoints, &origin_point());
        assert_eq!(
            Value::Object(public.clone()),
            json!({
                "subject_name": "临猗县某某果蔬专业合作社",
                "subject_type": "农民合作社",
                "product": "韭菜",
                "township_code": "140821100",
                "scale": 12.5,
                "scale_unit": "亩",
                "created_at": "2023-06-01T08:00:00Z",
                "collected_on": "2023-06-01",
                "accuracy": "illustrative",
            })
        );
        for def in LayerKind::OriginPoints.fields().iter().filter(|f| f.personal) {
            assert!(!public.contains_key(def.name), "{}", def.name);
        }
        let text = Value::Object(public).to_string();
        for secret in ["张三", "李四", "王五", "赵六", "钱七", "138", "139", "137", "136"] {
            assert!(!text.contains(secret), "{secret}");
        }
    }

    #[test]
    fn layers_without_personal_fields_keep_their_fields() {
        let v = json!({"grade": 2, "name": "二级", "accuracy": "surveyed", "source": "自然资源局"});
        let Value::Object(props) = v else { unreachable!() };
        assert_eq!(public_properties(LayerKind::UrbanGradeZones, &props), props);
    }
}
