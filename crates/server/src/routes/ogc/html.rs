//! The OGC API pages for people (the HTML conformance class): Chinese first,
//! English second, each with the JSON it shows one link away, and a small map
//! of the features drawn as inline SVG (no script, no outside tiles: it works
//! on an intranet without internet access).

use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use landtrace_domain::LayerKind;
use landtrace_formats::html_escape as e;
use serde_json::Value;

use super::crs::OgcCrs;

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}\
th{background:#f3f3f3}.note{color:#666;font-size:13px}svg{border:1px solid #ccc;background:#fafafa}";

fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{} · landtrace</title>\
         <style>{STYLE}</style></head><body><p class=\"note\"><a href=\"/?f=html\">地图 / Map</a> · \
         <a href=\"/collections?f=html\">图层 / Collections</a> · <a href=\"/conformance?f=html\">一致性 / Conformance</a> · \
         <a href=\"/api\">OpenAPI</a></p>{body}</body></html>",
        e(title)
    );
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// `/conformance` as a page.
pub fn conformance(classes: &[&str]) -> Response {
    let items: String = classes.iter().map(|c| format!("<li><a href=\"{0}\">{0}</a></li>", e(c))).collect();
    page("一致性类 / Conformance", &format!("<h1>一致性类 / Conformance classes</h1><ul>{items}</ul>"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `/collections` as a page.
pub fn collections(body: &Value) -> Response {
    let rows: String = body["collections"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let id = str_of(c, "id");
            format!(
                "<tr><td><a href=\"/collections/{0}?f=html\">{1}</a></td><td>{0}</td><td>{2}</td>\
                 <td><a href=\"/collections/{0}/items?f=html\">要素 / items</a></td></tr>",
                e(id),
                e(str_of(c, "title")),
                e(str_of(c, "description")),
            )
        })
        .collect();
    page(
        "图层 / Collections",
        &format!(
            "<h1>图层 / Collections</h1><p class=\"note\">示意数据的图层标有“示意”。Layers of demo data are \
             illustrative. <a href=\"/collections?f=json\">JSON</a></p><table><tr><th>名称 / Title</th><th>id</th>\
             <th>说明 / Description</th><th></th></tr>{rows}</table>"
        ),
    )
}

/// `/collections/{id}` as a page.
pub fn collection(kind: LayerKind, body: &Value) -> Response {
    let id = kind.table_name();
    let fields: String = kind
        .fields()
        .iter()
        .filter(|f| !f.personal)
        .map(|f| {
            format!(
                "<tr><td>{}</td><td>{:?}</td><td>{}</td></tr>",
                e(f.name),
                f.ty,
                if f.required { "是 / yes" } else { "" }
            )
        })
        .collect();
    let extent = body["extent"]["spatial"]["bbox"][0].as_array().map_or(String::new(), |b| {
        let n: Vec<String> = b.iter().map(|x| x.to_string()).collect();
        format!("<p>范围 / Extent (CRS84): {}</p>", e(&n.join(", ")))
    });
    page(
        kind.title_zh(),
        &format!(
            "<h1>{} <small>{}</small></h1><p>{}</p>{extent}<p><a href=\"/collections/{id}/items?f=html\">要素 / Items</a> · \
             <a href=\"/collections/{id}/queryables?f=html\">可查询字段 / Queryables</a> · \
             <a href=\"/collections/{id}?f=json\">JSON</a></p><h2>字段 / Fields</h2><table><tr><th>字段 / Field</th>\
             <th>类型 / Type</th><th>必填 / Required</th></tr>{fields}</table>",
            e(kind.title_zh()),
            e(kind.title_en()),
            e(str_of(body, "description")),
        ),
    )
}

/// `/collections/{id}/queryables` as a page.
pub fn queryables(kind: LayerKind, schema: &Value) -> Response {
    let rows: String = schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, p)| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(name),
                e(str_of(p, "title")),
                e(p.get("type").or(p.get("format")).map(|t| t.to_string()).unwrap_or_default().trim_matches('"'))
            )
        })
        .collect();
    page(
        &format!("{} 可查询字段", kind.title_zh()),
        &format!(
            "<h1>{} · 可查询字段 / Queryables</h1><p class=\"note\">CQL2 示例 / example: \
             <code>filter=grade=1</code></p><table><tr><th>名称 / Name</th><th>标题 / Title</th><th>类型 / Type</th></tr>{rows}</table>",
            e(kind.title_zh())
        ),
    )
}

/// The features' geometries drawn into a `width`×`height` SVG, fitted to their
/// extent (lon/lat scaled by the cosine of the latitude).
fn svg_map(features: &[&Value], crs: OgcCrs, width: f64, height: f64) -> String {
    let mut rings: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut points: Vec<(f64, f64)> = Vec::new();
    let xy = |c: &Value| -> Option<(f64, f64)> {
        let (a, b) = (c.get(0)?.as_f64()?, c.get(1)?.as_f64()?);
        Some(if crs.north_first { (b, a) } else { (a, b) })
    };
    for f in features {
        let g = &f["geometry"];
        let coords = &g["coordinates"];
        match str_of(g, "type") {
            "Point" => points.extend(xy(coords)),
            "MultiPoint" => points.extend(coords.as_array().into_iter().flatten().filter_map(xy)),
            "Polygon" => rings.extend(
                coords
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| r.as_array().into_iter().flatten().filter_map(xy).collect()),
            ),
            "MultiPolygon" => rings.extend(
                coords
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|p| p.as_array().into_iter().flatten())
                    .map(|r| r.as_array().into_iter().flatten().filter_map(xy).collect()),
            ),
            _ => {}
        }
    }
    let all = rings.iter().flatten().chain(points.iter());
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in all {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return String::new();
    }
    let aspect = if crs.crs.is_geographic() { ((y0 + y1) / 2.0).to_radians().cos().max(0.1) } else { 1.0 };
    let (w, h) = (((x1 - x0) * aspect).max(1e-9), (y1 - y0).max(1e-9));
    let scale = ((width - 20.0) / w).min((height - 20.0) / h);
    let px = |(x, y): (f64, f64)| (10.0 + (x - x0) * aspect * scale, height - 10.0 - (y - y0) * scale);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"要素位置 / feature map\">"
    );
    for ring in &rings {
        let d: Vec<String> = ring.iter().map(|&c| px(c)).map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        svg.push_str(&format!(
            "<polygon points=\"{}\" fill=\"#4e79a7\" fill-opacity=\"0.35\" stroke=\"#1f4e79\" stroke-width=\"1\"/>",
            d.join(" ")
        ));
    }
    for &p in &points {
        let (x, y) = px(p);
        svg.push_str(&format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#d6336c\" stroke=\"#fff\"/>"));
    }
    svg.push_str("</svg>");
    svg
}

fn property_cell(v: &Value) -> String {
    match v {
        Value::String(s) => e(s),
        Value::Null => String::new(),
        other => e(&other.to_string()),
    }
}

/// `/collections/{id}/items` as a page: the map, then a table.
pub fn items(kind: LayerKind, body: &Value, crs: OgcCrs) -> Response {
    let features: Vec<&Value> = body["features"].as_array().into_iter().flatten().collect();
    let mut columns: Vec<&str> = Vec::new();
    for f in &features {
        for key in f["properties"].as_object().into_iter().flat_map(|p| p.keys()) {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    let id = kind.table_name();
    let head: String = columns.iter().map(|c| format!("<th>{}</th>", e(c))).collect();
    let rows: String = features
        .iter()
        .map(|f| {
            let fid = f["id"].to_string();
            let cells: String =
                columns.iter().map(|c| format!("<td>{}</td>", property_cell(&f["properties"][*c]))).collect();
            format!("<tr><td><a href=\"/collections/{id}/items/{0}?f=html\">{0}</a></td>{cells}</tr>", e(&fid))
        })
        .collect();
    let nav: String = body["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| matches!(str_of(l, "rel"), "prev" | "next") || (str_of(l, "rel") == "alternate"))
        .map(|l| {
            let label = match str_of(l, "rel") {
                "prev" => "上一页 / previous",
                "next" => "下一页 / next",
                _ => "JSON",
            };
            format!("<a href=\"{}\">{label}</a> ", e(str_of(l, "href")))
        })
        .collect();
    page(
        &format!("{} 要素", kind.title_zh()),
        &format!(
            "<h1>{} · 要素 / Items</h1><p>共 {} 个，本页 {} 个 / {} matched, {} on this page. {nav}</p>{}\
             <table><tr><th>id</th>{head}</tr>{rows}</table>",
            e(kind.title_zh()),
            body["numberMatched"],
            body["numberReturned"],
            body["numberMatched"],
            body["numberReturned"],
            svg_map(&features, crs, 480.0, 320.0),
        ),
    )
}

/// `/collections/{id}/items/{fid}` as a page.
pub fn item(kind: LayerKind, body: &Value, crs: OgcCrs) -> Response {
    let rows: String = body["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let title = kind.field(k).map(|f| f.name).unwrap_or(k);
            format!("<tr><th>{}</th><td>{}</td></tr>", e(title), property_cell(v))
        })
        .collect();
    let id = kind.table_name();
    let fid = body["id"].to_string();
    page(
        &format!("{} {}", kind.title_zh(), fid),
        &format!(
            "<h1>{} · {}</h1><p><a href=\"/collections/{id}/items?f=html\">全部要素 / all items</a> · \
             <a href=\"/collections/{id}/items/{}?f=json\">GeoJSON</a></p>{}<table>{rows}</table>",
            e(kind.title_zh()),
            e(&fid),
            e(&fid),
            svg_map(&[body], crs, 360.0, 260.0),
        ),
    )
}
