//! Base maps drawn under the data: which tile URL templates are accepted, and the
//! 天地图 (Tianditu) presets.
//!
//! Every layer of the platform is in WGS84 (CGCS2000, the same to a few
//! centimetres). Chinese commercial maps — Amap/AutoNavi (高德), Tencent (腾讯),
//! Google's China tiles and Baidu (百度, BD-09 on top of GCJ-02) — are drawn in the
//! obfuscated GCJ-02 datum, 300–700 m off around the county: a template from one
//! of them is refused, by host, rather than drawn under the data misplaced. The map
//! client keeps the same rule (`web/src/tools/basemap/state.js`); the two lists are
//! equal (tests on both sides read the same hosts).
//!
//! 天地图 (the national platform, CGCS2000) is accepted: its `vec`/`img` layers with
//! their `cva`/`cia` annotation in Web Mercator (`_w`), with the user's own key `tk`.

use thiserror::Error;

/// Hosts (and their subdomains) whose tiles are in GCJ-02 or BD-09, with the
/// provider named in the refusal.
pub const GCJ02_HOSTS: &[(&str, &str)] = &[
    ("amap.com", "高德地图 Amap"),
    ("autonavi.com", "高德地图 Amap (AutoNavi)"),
    ("gtimg.com", "腾讯地图 Tencent"),
    ("qq.com", "腾讯地图 Tencent"),
    ("baidu.com", "百度地图 Baidu (BD-09)"),
    ("bdimg.com", "百度地图 Baidu (BD-09)"),
    ("bdstatic.com", "百度地图 Baidu (BD-09)"),
    ("google.cn", "谷歌中国 Google China"),
];

/// Why a tile URL template is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// Not `http://` or `https://` with a host.
    #[error("base map template {0:?}: not an http:// or https:// URL with a host")]
    NotHttp(String),
    /// No `{z}`/`{x}`/`{y}` (or `{quadkey}`, `{bbox-epsg-3857}`) placeholders.
    #[error("base map template {0:?}: no {{z}}, {{x}} and {{y}} placeholders (or {{quadkey}}, {{bbox-epsg-3857}})")]
    NoPlaceholders(String),
    /// A provider drawing in GCJ-02 / BD-09.
    #[error(
        "底图 {template:?} 来自 {provider}，其坐标为 GCJ-02（火星坐标）加密偏移，与本平台的 WGS84/CGCS2000 数据相差数百米，不予使用；\
         请改用天地图或本地底图文件。The base map is from {provider}, drawn in GCJ-02 (offset by hundreds of metres from \
         this platform's WGS84 data): refused; use 天地图 (Tianditu) or a local tile archive."
    )]
    Gcj02 {
        /// The template as given.
        template: String,
        /// The provider, Chinese first.
        provider: &'static str,
    },
}

/// The host of a URL template, lower case (`None` when it is not http(s) with a host).
pub fn template_host(template: &str) -> Option<String> {
    let lower = template.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_owned())
}

/// The GCJ-02 / BD-09 provider serving a template's host, if any.
pub fn gcj02_provider(template: &str) -> Option<&'static str> {
    let host = template_host(template)?;
    GCJ02_HOSTS
        .iter()
        .find(|(domain, _)| host == *domain || host.ends_with(&format!(".{domain}")))
        .map(|(_, provider)| *provider)
}

/// Checks a raster XYZ/WMTS tile URL template: http(s), tile placeholders, and not
/// from a GCJ-02 provider.
pub fn check_template(template: &str) -> Result<(), TemplateError> {
    let template = template.trim();
    if template_host(template).is_none() {
        return Err(TemplateError::NotHttp(template.to_owned()));
    }
    if let Some(provider) = gcj02_provider(template) {
        return Err(TemplateError::Gcj02 { template: template.to_owned(), provider });
    }
    let has = |p: &str| template.contains(p);
    let xyz = has("{z}") && has("{x}") && has("{y}");
    if xyz || has("{quadkey}") || has("{bbox-epsg-3857}") {
        Ok(())
    } else {
        Err(TemplateError::NoPlaceholders(template.to_owned()))
    }
}

/// The two 天地图 base maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tianditu {
    /// 矢量 (`vec` with the `cva` annotation).
    Vector,
    /// 影像 (`img` with the `cia` annotation).
    Imagery,
}

/// Attribution of 天地图 tiles.
pub const TIANDITU_ATTRIBUTION: &str = "© 天地图 国家地理信息公共服务平台 www.tianditu.gov.cn";

impl Tianditu {
    /// Both, in the order offered.
    pub const ALL: [Tianditu; 2] = [Tianditu::Vector, Tianditu::Imagery];

    /// Identifier in `/basemaps` and the client (`tianditu-vec`, `tianditu-img`).
    pub fn id(self) -> &'static str {
        match self {
            Tianditu::Vector => "tianditu-vec",
            Tianditu::Imagery => "tianditu-img",
        }
    }

    /// Title, Chinese first.
    pub fn title(self) -> &'static str {
        match self {
            Tianditu::Vector => "天地图矢量 Tianditu map",
            Tianditu::Imagery => "天地图影像 Tianditu imagery",
        }
    }

    /// The base layer and its annotation layer (`vec`+`cva`, `img`+`cia`).
    pub fn layers(self) -> [&'static str; 2] {
        match self {
            Tianditu::Vector => ["vec", "cva"],
            Tianditu::Imagery => ["img", "cia"],
        }
    }

    /// The tile URLs of each layer (base first), over the eight hosts `t0`–`t7`:
    /// WMTS GetTile in Web Mercator (`_w`, TILEMATRIXSET `w`).
    pub fn templates(self, key: &str) -> Vec<Vec<String>> {
        let key: String = key.trim().chars().filter(char::is_ascii_alphanumeric).collect();
        self.layers()
            .iter()
            .map(|layer| {
                (0..8)
                    .map(|host| {
                        format!(
                            "https://t{host}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0\
                             &LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles\
                             &TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
                        )
                    })
                    .collect()
            })
            .collect()
    }
}

/// A 天地图 key: letters and digits (the console issues 32 hexadecimal digits;
/// 16–64 are accepted).
pub fn check_tianditu_key(key: &str) -> Result<(), String> {
    let key = key.trim();
    if (16..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err("a 天地图 key (tk) is 16–64 letters and digits (32 hexadecimal digits from console.tianditu.gov.cn)"
            .to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcj02_providers_are_refused_by_host() {
        for template in [
            "https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "http://wprd04.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=6",
            "https://webst02.is.AUTONAVI.com/appmaptile?style=6&x={x}&y={y}&z={z}",
            "https://rt0.map.gtimg.com/realtimerender?z={z}&x={x}&y={y}&type=vector&style=0",
            "https://map.qq.com/tiles/{z}/{x}/{y}.png",
            "https://maponline0.bdimg.com/tile/?qt=vtile&x={x}&y={y}&z={z}",
            "http://online1.map.bdimg.com/onlinelabel/?qt=tile&x={x}&y={y}&z={z}",
            "https://api.map.baidu.com/tiles/{z}/{x}/{y}",
            "https://mt1.google.cn/vt/lyrs=m&x={x}&y={y}&z={z}",
            "https://user:pw@wprd01.is.autonavi.com:443/appmaptile?x={x}&y={y}&z={z}",
            "https://amap.com/{z}/{x}/{y}.png",
        ] {
            let err = check_template(template).unwrap_err();
            assert!(matches!(err, TemplateError::Gcj02 { .. }), "{template}: {err}");
            assert!(err.to_string().contains("GCJ-02"), "{err}");
        }
    }

    #[test]
    fn wgs84_templates_pass_and_lookalikes_are_not_refused() {
        for template in [
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "http://192.168.1.10:8080/tiles/{z}/{x}/{y}.png",
            "https://gis.example.gov.cn/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
            // `qq.com` only as a whole label: `notqq.com` is someone else.
            "https://notqq.com/{z}/{x}/{y}.png",
            "https://example.com/amap.com/{z}/{x}/{y}.png",
            "https://ecn.t0.tiles.virtualearth.net/tiles/a{quadkey}.jpeg",
        ] {
            assert_eq!(check_template(template), Ok(()), "{template}");
        }
        for template in Tianditu::ALL.iter().flat_map(|t| t.templates("0123456789abcdef0123456789abcdef")).flatten() {
            assert_eq!(check_template(&template), Ok(()), "{template}");
        }
    }

    #[test]
    fn templates_need_http_and_placeholders() {
        assert!(matches!(check_template("file:///etc/passwd"), Err(TemplateError::NotHttp(_))));
        assert!(matches!(check_template("https:///{z}/{x}/{y}"), Err(TemplateError::NotHttp(_))));
        assert!(matches!(check_template("tiles/{z}/{x}/{y}.png"), Err(TemplateError::NotHttp(_))));
        assert!(matches!(
            check_template("https://tile.example.org/{z}/{x}.png"),
            Err(TemplateError::NoPlaceholders(_))
        ));
    }

    #[test]
    fn tianditu_layers_and_key() {
        let key = "0123456789abcdef0123456789abcdef";
        let vec = Tianditu::Vector.templates(key);
        assert_eq!(vec.len(), 2);
        assert_eq!(vec[0].len(), 8);
        assert!(vec[0][3].starts_with("https://t3.tianditu.gov.cn/vec_w/wmts?"));
        assert!(vec[0][0].contains("LAYER=vec&") && vec[1][0].contains("LAYER=cva&"));
        assert!(vec[1][0].ends_with(&format!("&tk={key}")));
        let img = Tianditu::Imagery.templates(key);
        assert!(img[0][0].contains("/img_w/") && img[1][0].contains("/cia_w/"));
        assert!(check_tianditu_key(key).is_ok());
        assert!(check_tianditu_key("short").is_err());
        assert!(check_tianditu_key("0123456789abcdef0123456789abcde&").is_err());
        // Whatever is given, nothing but letters and digits reaches the URL.
        assert!(Tianditu::Vector.templates("a&b=c")[0][0].ends_with("&tk=abc"));
    }
}
