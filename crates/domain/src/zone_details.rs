//! What the rules say about a zone a point falls in.
//!
//! `/api/locate` finds the zones containing a point and adds, for each hit, the
//! JSON from [`zone_details`]: the benchmark prices of a grade zone, the truck-ban
//! rule, or the expropriation decision. Zones the rules say nothing more about
//! (county boundaries, consolidation projects) get `None`.

use serde_json::{Map, Value, json};

use crate::expropriation;
use crate::land::prices::{self, Grade, GradeSystem};
use crate::schema::layers::LayerKind;
use crate::schema::validate::integer_value;
use crate::truck_ban;

/// Extra JSON for a hit on a feature of `kind` with properties `props`, or `None` if
/// the layer has no rule details. Never fails: a record the rules do not know (a
/// grade out of range, an unknown decision number) gets details that say so.
pub fn zone_details(kind: LayerKind, props: &Map<String, Value>) -> Option<Value> {
    match kind {
        LayerKind::UrbanGradeZones => Some(grade_details(GradeSystem::Urban, props)),
        LayerKind::CollectiveGradeZones => Some(grade_details(GradeSystem::Collective, props)),
        LayerKind::TruckBanZone => Some(truck_ban_details()),
        LayerKind::ExpropriationAreas => Some(expropriation_details(props)),
        _ => None,
    }
}

fn grade_details(system: GradeSystem, props: &Map<String, Value>) -> Value {
    let raw = props.get("grade").cloned().unwrap_or(Value::Null);
    let grade = integer_value(&raw)
        .ok_or_else(|| format!("grade {raw} is not an integer"))
        .and_then(|n| Grade::new(system, n).map_err(|e| e.to_string()));
    let common = json!({
        "system": system.key(),
        "system_name": system.name_zh(),
        "document": prices::DOCUMENT,
        "approval": prices::APPROVAL,
        "in_force": prices::IN_FORCE,
        "issued": prices::ISSUED,
    });
    let mut out = match grade {
        Ok(grade) => {
            let rows: Vec<Value> = prices::prices_for_grade(system, grade)
                .iter()
                .map(|p| {
                    json!({
                        "land_use": p.land_use.name_zh(),
                        "land_use_en": p.land_use.name_en(),
                        "yuan_per_m2": p.yuan_per_m2,
                        "wan_yuan_per_mu": p.wan_yuan_per_mu(),
                    })
                })
                .collect();
            json!({"grade": grade.get(), "grade_name": grade.name_zh(), "prices": rows})
        }
        Err(reason) => json!({
            "grade": raw,
            "prices": [],
            "note": format!("no benchmark prices: {reason}"),
        }),
    };
    if let (Value::Object(out), Value::Object(common)) = (&mut out, common) {
        out.extend(common);
    }
    out
}

fn truck_ban_details() -> Value {
    json!({
        "document": truck_ban::DOCUMENT,
        "in_force": truck_ban::IN_FORCE,
        "hours": truck_ban::BAN_HOURS,
        "time_zone": truck_ban::TIME_ZONE,
        "rule": truck_ban::rule_summary(),
    })
}

fn expropriation_details(props: &Map<String, Value>) -> Value {
    let given = props.get("decision_no").cloned().unwrap_or(Value::Null);
    let found = given.as_str().and_then(expropriation::project_by_decision_no);
    match found {
        Some(p) => json!({
            "known": true,
            "project": p.project,
            "decision_no": p.decision_no,
            "decision_date": p.decision_date,
            "title": p.title,
            "nature": p.nature,
            "authority": p.authority,
            "department": p.department,
            "implementer": p.implementer,
            "east": p.east,
            "west": p.west,
            "north": p.north,
            "south": p.south,
        }),
        None => json!({
            "known": false,
            "decision_no": given,
            "note": format!(
                "decision number {given} is not one of the known expropriation decisions ({})",
                expropriation::known_decision_numbers().join(", ")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::validate::tests::props;

    #[test]
    fn urban_grade_zone_lists_the_prices_of_its_grade() {
        let d =
            zone_details(LayerKind::UrbanGradeZones, &props(json!({"grade": 1, "accuracy": "illustrative"}))).unwrap();
        assert_eq!(
            d,
            json!({
                "grade": 1,
                "grade_name": "一级",
                "system": "urban",
                "system_name": "城区",
                "prices": [
                    {"land_use": "商服", "land_use_en": "commercial", "yuan_per_m2": 686, "wan_yuan_per_mu": 45.7},
                    {"land_use": "住宅", "land_use_en": "residential", "yuan_per_m2": 657, "wan_yuan_per_mu": 43.8},
                    {"land_use": "公共管理与公共服务", "land_use_en": "public service", "yuan_per_m2": 430, "wan_yuan_per_mu": 28.7},
                    {"land_use": "工业", "land_use_en": "industrial", "yuan_per_m2": 401, "wan_yuan_per_mu": 26.7},
                ],
                "document": "临政发〔2023〕8号",
                "approval": "晋自然资技审〔2023〕6号",
                "in_force": "2023-05-01",
                "issued": "2023-05-18",
            })
        );
        // The JSON text keeps one decimal, as published.
        assert!(d.to_string().contains("\"wan_yuan_per_mu\":45.7"));
    }

    #[test]
    fn collective_grade_zone_lists_the_prices_of_its_grade() {
        let d =
            zone_details(LayerKind::CollectiveGradeZones, &props(json!({"grade": 4.0, "township_code": "140821100"})))
                .unwrap();
        assert_eq!(d["grade"], 4);
        assert_eq!(d["grade_name"], "四级");
        assert_eq!(d["system"], "collective");
        let cells: Vec<(&str, u64, f64)> = d["prices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["land_use"].as_str().unwrap(),
                    p["yuan_per_m2"].as_u64().unwrap(),
                    p["wan_yuan_per_mu"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(cells, [("商服", 206, 13.7), ("宅基地", 198, 13.2), ("工业", 163, 10.9)]);
    }

    #[test]
    fn a_grade_out_of_range_is_reported_not_failed() {
        let d = zone_details(LayerKind::UrbanGradeZones, &props(json!({"grade": 4}))).unwrap();
        assert_eq!(d["grade"], 4);
        assert_eq!(d["prices"], json!([]));
        assert_eq!(d["note"], "no benchmark prices: 4 is not a valid urban grade (1-3)");
        let d = zone_details(LayerKind::CollectiveGradeZones, &props(json!({}))).unwrap();
        assert_eq!(d["note"], "no benchmark prices: grade null is not an integer");
    }

    #[test]
    fn truck_ban_zone_gives_hours_and_rule() {
        let d =
            zone_details(LayerKind::TruckBanZone, &props(json!({"name": "城区货车禁行区域", "hours": "06:00-22:00"})))
                .unwrap();
        assert_eq!(d["hours"], "06:00-22:00");
        assert_eq!(d["time_zone"], "Asia/Shanghai");
        assert_eq!(d["document"], "临政发〔2023〕5号");
        assert_eq!(d["in_force"], "2023-03-01");
        assert_eq!(d["rule"], truck_ban::rule_summary());
    }

    #[test]
    fn expropriation_area_gives_the_decision() {
        let d = zone_details(
            LayerKind::ExpropriationAreas,
            &props(json!({"project": "鑫星小区", "decision_no": "临政发〔2023〕11号",
                          "decision_date": "2023-06-29"})),
        )
        .unwrap();
        assert_eq!(d["known"], true);
        assert_eq!(d["project"], "国税局家属院（鑫星小区）");
        assert_eq!(d["decision_no"], "临政发〔2023〕11号");
        assert_eq!(d["decision_date"], "2023-06-29");
        assert_eq!(d["department"], "临猗县住房和城乡建设管理局");
        assert_eq!(d["implementer"], "临猗县住房保障和房地产服务中心");
        assert_eq!(
            [&d["east"], &d["west"], &d["north"], &d["south"]],
            [&json!("外贸小区"), &json!("临猗二中"), &json!("丽庭书苑项目"), &json!("府西街")]
        );
        let d =
            zone_details(LayerKind::ExpropriationAreas, &props(json!({"decision_no": "临政发[2023]10号"}))).unwrap();
        assert_eq!(d["project"], "壕村小区及油厂家属院");
        assert_eq!(d["decision_no"], "临政发〔2023〕10号");
    }

    #[test]
    fn unknown_decision_number_is_said_not_failed() {
        let d =
            zone_details(LayerKind::ExpropriationAreas, &props(json!({"decision_no": "临政发〔2024〕3号"}))).unwrap();
        assert_eq!(d["known"], false);
        assert_eq!(d["decision_no"], "临政发〔2024〕3号");
        assert_eq!(
            d["note"],
            "decision number \"临政发〔2024〕3号\" is not one of the known expropriation \
             decisions (临政发〔2023〕10号, 临政发〔2023〕11号)"
        );
    }

    #[test]
    fn other_layers_have_no_details() {
        for kind in LayerKind::ALL {
            let expected = matches!(
                kind,
                LayerKind::UrbanGradeZones
                    | LayerKind::CollectiveGradeZones
                    | LayerKind::TruckBanZone
                    | LayerKind::ExpropriationAreas
            );
            assert_eq!(zone_details(kind, &Map::new()).is_some(), expected, "{}", kind.table_name());
        }
    }
}
