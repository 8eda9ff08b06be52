//! Layer kinds and their record schemas.
//!
//! Every layer the platform stores is described here once: its table name in the
//! GeoPackage / PostGIS schema, its geometry kind, and its fields. The store creates
//! tables from these definitions, importers validate against them, and the server
//! hides the fields marked `personal` from anonymous users.

use serde::{Deserialize, Serialize};

use crate::input_limits::{self, NumberRange};
use crate::land::prices::{self, GradeSystem};
use crate::schema::user_layers::{self, UserLayer};
use crate::sponge;
use crate::traceability::record;
use crate::units::date::Date;

/// Geometry stored by a layer. All coordinates are EPSG:4326 longitude/latitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GeometryKind {
    /// One point per feature.
    Point,
    /// Polygons, stored as MultiPolygon (a single Polygon is promoted).
    MultiPolygon,
    /// Either kind per feature: a Point, or polygons stored as MultiPolygon (a single
    /// Polygon is promoted). GeoPackage / PostGIS type `GEOMETRY`.
    Any,
    /// No geometry: a plain attribute table (GeoPackage data_type `attributes`).
    None,
}

impl GeometryKind {
    /// The GeoPackage / OGC geometry type name.
    pub fn ogc_name(self) -> Option<&'static str> {
        match self {
            GeometryKind::Point => Some("POINT"),
            GeometryKind::MultiPolygon => Some("MULTIPOLYGON"),
            GeometryKind::Any => Some("GEOMETRY"),
            GeometryKind::None => None,
        }
    }
}

/// The type of one attribute field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldType {
    /// UTF-8 text.
    Text,
    /// 64-bit signed integer.
    Integer,
    /// 64-bit float.
    Real,
    /// Calendar date `YYYY-MM-DD` (stored as text, GeoPackage `DATE`).
    Date,
}

impl FieldType {
    /// Column type in a GeoPackage table.
    pub fn gpkg_type(self) -> &'static str {
        match self {
            FieldType::Text => "TEXT",
            FieldType::Integer => "INTEGER",
            FieldType::Real => "REAL",
            FieldType::Date => "DATE",
        }
    }
}

/// One attribute field of a layer.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FieldDef {
    /// Column name (ASCII snake_case).
    pub name: &'static str,
    /// Value type.
    pub ty: FieldType,
    /// A feature without this field (or with null) is rejected.
    pub required: bool,
    /// Personal data (names, phones): never shown to anonymous users, in tiles or logs.
    pub personal: bool,
    /// If not empty, the only values accepted (for text fields).
    pub allowed: &'static [&'static str],
    /// The values a number may take (every integer and real field has one; none for
    /// text and dates): from the rules where they give one, else a sanity bound of
    /// [`input_limits`].
    pub range: Option<NumberRange>,
}

const fn text(name: &'static str) -> FieldDef {
    FieldDef { name, ty: FieldType::Text, required: false, personal: false, allowed: &[], range: None }
}
const fn req(mut f: FieldDef) -> FieldDef {
    f.required = true;
    f
}
const fn personal(mut f: FieldDef) -> FieldDef {
    f.personal = true;
    f
}
const fn one_of(mut f: FieldDef, allowed: &'static [&'static str]) -> FieldDef {
    f.allowed = allowed;
    f
}
/// An integer field; `range` must hold whole numbers.
const fn int(name: &'static str, range: NumberRange) -> FieldDef {
    assert!(range.whole, "an integer field takes whole numbers");
    FieldDef { name, ty: FieldType::Integer, required: false, personal: false, allowed: &[], range: Some(range) }
}
const fn real(name: &'static str, range: NumberRange) -> FieldDef {
    FieldDef { name, ty: FieldType::Real, required: false, personal: false, allowed: &[], range: Some(range) }
}
const fn date(name: &'static str) -> FieldDef {
    FieldDef { name, ty: FieldType::Date, required: false, personal: false, allowed: &[], range: None }
}

/// Values of the `accuracy` field every feature carries.
pub const ACCURACY_VALUES: &[&str] = &["surveyed", "official", "approximate", "illustrative"];

/// An `accuracy` value in Chinese (the words of the map client): None for a
/// value that is not one of [`ACCURACY_VALUES`].
pub fn accuracy_zh(value: &str) -> Option<&'static str> {
    match value {
        "surveyed" => Some("实测"),
        "official" => Some("官方"),
        "approximate" => Some("大致"),
        "illustrative" => Some("示例（虚构）"),
        _ => None,
    }
}

/// The 12 key farm products of 临政办发〔2023〕19号, plus 其他 (other).
pub const KEY_PRODUCTS: &[&str] =
    &["豇豆", "韭菜", "芹菜", "鸡蛋", "乌鸡", "肉牛", "肉羊", "大口黑鲈", "乌鳢", "鳊鱼", "大黄鱼", "生猪"];
/// Product values accepted in origin-point records: the 12 key products and 其他.
pub const PRODUCT_VALUES: &[&str] =
    &["豇豆", "韭菜", "芹菜", "鸡蛋", "乌鸡", "肉牛", "肉羊", "大口黑鲈", "乌鳢", "鳊鱼", "大黄鱼", "生猪", "其他"];
/// Subject types of an origin-point record.
pub const SUBJECT_TYPES: &[&str] = &["企业", "农民合作社", "家庭农场", "种养殖户", "农村经纪人"];
/// Industries of an origin-point record (行业).
pub const INDUSTRIES: &[&str] = &["种植业", "畜牧业", "渔业"];
/// Units of an origin-point record's scale: 亩 (planting, ponds), 头 (pigs, cattle, sheep),
/// 只 (poultry), and 平方米 for aquaculture (industrialised tanks are measured in m²: the
/// threshold is 0.3 亩 = 200 m², 临政办发〔2023〕19号 三、3, gazette line 2842).
pub const SCALE_UNITS: &[&str] = &["亩", "头", "只", "平方米"];
/// Production modes of an origin-point record: open field or facility.
pub const PRODUCTION_MODES: &[&str] = &["露地", "设施"];
/// Status of a sponge-city facility or project.
pub const SPONGE_STATUS: &[&str] = &["规划", "在建", "建成"];
/// Types of a sponge-city construction project.
pub const SPONGE_PROJECT_TYPES: &[&str] = &["新建", "改建", "扩建"];
/// Sponge-city facility kinds.
pub const SPONGE_KINDS: &[&str] = &[
    "透水铺装",
    "下沉式绿地",
    "雨水花园/生物滞留设施",
    "植草沟",
    "旱溪",
    "雨水塘/湿塘",
    "调蓄池",
    "合流制溢流调蓄池",
    "排水管网",
    "泄洪通道",
];

const ACCURACY: FieldDef = req(one_of(text("accuracy"), ACCURACY_VALUES));
const SOURCE: FieldDef = text("source");

/// Every layer the platform stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "&'static str")]
pub enum LayerKind {
    /// County-level divisions (临猗县 and its neighbours), real boundaries.
    CountyBoundaries,
    /// The 14 townships (镇/乡) with official codes, drawn at their approximate seats
    /// (no township boundaries are published with the bundled data).
    Townships,
    /// The 284 villages/communities with official codes (no geometry).
    Villages,
    /// Urban land-grade zones (城区土地级别), grades 1-3.
    UrbanGradeZones,
    /// Collective construction-land grade zones (集体建设用地级别), grades 1-4.
    CollectiveGradeZones,
    /// Benchmark price table rows (基准地价表), exact copy of 临政发〔2023〕8号.
    BenchmarkPrices,
    /// The urban truck-ban zone (货车禁行区域) of 临政发〔2023〕5号.
    TruckBanZone,
    /// Expropriation areas (房屋征收范围) of 临政发〔2023〕10号/11号.
    ExpropriationAreas,
    /// Land-consolidation projects (土地整治 / 增减挂钩).
    ConsolidationProjects,
    /// Sponge-city facilities (海绵城市设施).
    SpongeFacilities,
    /// Waterlogging points (易涝积水点).
    WaterloggingPoints,
    /// Origin points of key farm products (重点农产品产地溯源).
    OriginPoints,
    /// Village clinics of the star-level programme (村卫生室).
    VillageClinics,
    /// Key freight-source enterprises (重点货运源头企业) of 临政办发〔2023〕18号.
    FreightSources,
    /// Truck passes (通行证) of 临政发〔2023〕5号 四、(四), looked up by plate.
    TruckPasses,
    /// Sponge-city construction projects (海绵城市建设项目): the polygons the runoff-control
    /// estimate is made for.
    SpongeProjects,
    /// The household register (被征收户) of the expropriation projects of 临政发〔2023〕10号/11号:
    /// no geometry, linked to its project by `decision_no`; owned by the housing role and
    /// not public (names and ID numbers are personal).
    ExpropriationHouseholds,
    /// Roads of the truck ban (临政发〔2023〕5号): the four boundary roads and the two
    /// excluded stretches (not in the zone, 二、(二)) and the banned road sections
    /// (禁行路段, 三) with their own hours; each feature is the road surface, built from
    /// its `centreline` and `width_m`.
    TruckBanRoads,
    /// Producers (种养殖主体) of 临政办发〔2023〕19号: a register with the credit code or
    /// platform identifier; their bases/plots are the origin points carrying `producer_id`.
    Producers,
    /// A layer the users defined (宗地, 永久基本农田, …), kept in the store's
    /// `landtrace_layers` table; see [`user_layers`].
    User(UserLayer),
}

impl From<LayerKind> for &'static str {
    fn from(k: LayerKind) -> Self {
        k.table_name()
    }
}

impl LayerKind {
    /// Every built-in layer, in display order ([`LayerKind::all`] adds the
    /// user-defined ones).
    pub const ALL: [LayerKind; 19] = [
        LayerKind::CountyBoundaries,
        LayerKind::Townships,
        LayerKind::Villages,
        LayerKind::UrbanGradeZones,
        LayerKind::CollectiveGradeZones,
        LayerKind::BenchmarkPrices,
        LayerKind::TruckBanZone,
        LayerKind::ExpropriationAreas,
        LayerKind::ConsolidationProjects,
        LayerKind::SpongeProjects,
        LayerKind::SpongeFacilities,
        LayerKind::WaterloggingPoints,
        LayerKind::OriginPoints,
        LayerKind::VillageClinics,
        LayerKind::FreightSources,
        LayerKind::TruckPasses,
        LayerKind::ExpropriationHouseholds,
        LayerKind::TruckBanRoads,
        LayerKind::Producers,
    ];

    /// Table name in the GeoPackage and in PostGIS; also the layer's public id.
    pub fn table_name(self) -> &'static str {
        match self {
            LayerKind::CountyBoundaries => "county_boundaries",
            LayerKind::Townships => "townships",
            LayerKind::Villages => "villages",
            LayerKind::UrbanGradeZones => "urban_grade_zones",
            LayerKind::CollectiveGradeZones => "collective_grade_zones",
            LayerKind::BenchmarkPrices => "benchmark_prices",
            LayerKind::TruckBanZone => "truck_ban_zone",
            LayerKind::ExpropriationAreas => "expropriation_areas",
            LayerKind::ConsolidationProjects => "consolidation_projects",
            LayerKind::SpongeFacilities => "sponge_facilities",
            LayerKind::WaterloggingPoints => "waterlogging_points",
            LayerKind::OriginPoints => "origin_points",
            LayerKind::VillageClinics => "village_clinics",
            LayerKind::FreightSources => "freight_sources",
            LayerKind::TruckPasses => "truck_passes",
            LayerKind::SpongeProjects => "sponge_projects",
            LayerKind::ExpropriationHouseholds => "expropriation_households",
            LayerKind::TruckBanRoads => "truck_ban_roads",
            LayerKind::Producers => "producers",
            LayerKind::User(u) => &u.def().name,
        }
    }

    /// Every layer: the built-in ones in display order, then the user-defined
    /// ones registered by the store, in the order they were defined.
    pub fn all() -> Vec<LayerKind> {
        let mut all = LayerKind::ALL.to_vec();
        all.extend(user_layers::registered_layers());
        all
    }

    /// Looks a layer up by its table name: a built-in layer, else a registered
    /// user-defined one.
    pub fn from_table_name(name: &str) -> Option<LayerKind> {
        LayerKind::ALL.into_iter().find(|k| k.table_name() == name).or_else(|| user_layers::lookup(name))
    }

    /// The definition of a user-defined layer; `None` for a built-in one.
    pub fn user_def(self) -> Option<&'static user_layers::UserLayerDef> {
        match self {
            LayerKind::User(u) => Some(u.def()),
            _ => None,
        }
    }

    /// Whether anyone may read the layer. Every built-in layer but the household
    /// register is public (the truck-pass register is looked up by plate, never
    /// listed: see the export route); a user-defined layer says so in its definition.
    pub fn is_public(self) -> bool {
        self != LayerKind::ExpropriationHouseholds && self.user_def().is_none_or(|d| d.public)
    }

    /// Human title, Simplified Chinese.
    pub fn title_zh(self) -> &'static str {
        match self {
            LayerKind::CountyBoundaries => "县级行政区划",
            LayerKind::Townships => "乡镇",
            LayerKind::Villages => "村（社区）",
            LayerKind::UrbanGradeZones => "城区土地级别",
            LayerKind::CollectiveGradeZones => "集体建设用地级别",
            LayerKind::BenchmarkPrices => "基准地价表",
            LayerKind::TruckBanZone => "货车禁行区域",
            LayerKind::ExpropriationAreas => "房屋征收范围",
            LayerKind::ConsolidationProjects => "土地整治项目",
            LayerKind::SpongeFacilities => "海绵城市设施",
            LayerKind::WaterloggingPoints => "易涝积水点",
            LayerKind::OriginPoints => "重点农产品产地溯源点",
            LayerKind::VillageClinics => "村卫生室",
            LayerKind::FreightSources => "重点货运源头企业",
            LayerKind::TruckPasses => "货车通行证",
            LayerKind::SpongeProjects => "海绵城市建设项目",
            LayerKind::ExpropriationHouseholds => "被征收户登记",
            LayerKind::TruckBanRoads => "货车禁行道路（边界道路、除外路段、禁行路段）",
            LayerKind::Producers => "种养殖主体",
            LayerKind::User(u) => &u.def().title_zh,
        }
    }

    /// Human title, English.
    pub fn title_en(self) -> &'static str {
        match self {
            LayerKind::CountyBoundaries => "County boundaries",
            LayerKind::Townships => "Townships",
            LayerKind::Villages => "Villages and communities",
            LayerKind::UrbanGradeZones => "Urban land-grade zones",
            LayerKind::CollectiveGradeZones => "Collective construction-land grade zones",
            LayerKind::BenchmarkPrices => "Benchmark land price table",
            LayerKind::TruckBanZone => "Truck-ban zone",
            LayerKind::ExpropriationAreas => "Expropriation areas",
            LayerKind::ConsolidationProjects => "Land-consolidation projects",
            LayerKind::SpongeFacilities => "Sponge-city facilities",
            LayerKind::WaterloggingPoints => "Waterlogging points",
            LayerKind::OriginPoints => "Farm-product origin points",
            LayerKind::VillageClinics => "Village clinics",
            LayerKind::FreightSources => "Key freight-source enterprises",
            LayerKind::TruckPasses => "Truck passes",
            LayerKind::SpongeProjects => "Sponge-city projects",
            LayerKind::ExpropriationHouseholds => "Expropriated households",
            LayerKind::TruckBanRoads => "Truck-ban roads (boundary roads, excluded stretches, banned sections)",
            LayerKind::Producers => "Farm producers",
            LayerKind::User(u) => &u.def().title_en,
        }
    }

    /// Geometry of the layer's features.
    pub fn geometry(self) -> GeometryKind {
        match self {
            LayerKind::Villages
            | LayerKind::BenchmarkPrices
            | LayerKind::TruckPasses
            | LayerKind::ExpropriationHouseholds
            | LayerKind::Producers => GeometryKind::None,
            LayerKind::CountyBoundaries
            | LayerKind::UrbanGradeZones
            | LayerKind::CollectiveGradeZones
            | LayerKind::TruckBanZone
            | LayerKind::ExpropriationAreas
            | LayerKind::ConsolidationProjects
            | LayerKind::SpongeProjects
            | LayerKind::TruckBanRoads => GeometryKind::MultiPolygon,
            LayerKind::SpongeFacilities => GeometryKind::Any,
            LayerKind::Townships
            | LayerKind::WaterloggingPoints
            | LayerKind::OriginPoints
            | LayerKind::VillageClinics
            | LayerKind::FreightSources => GeometryKind::Point,
            LayerKind::User(u) => u.def().geometry,
        }
    }

    /// Fields whose value no two features of the layer share, kept so by the store (a
    /// unique index): the producer register's identifier (issue 15: two registrations at
    /// the same moment must not both get the next platform identifier).
    pub fn unique_fields(self) -> &'static [&'static str] {
        match self {
            LayerKind::Producers => &["producer_id"],
            _ => &[],
        }
    }

    /// Polygon layers answer "which zones contain this point" (`/api/locate`); a layer of
    /// [`GeometryKind::Any`] (points and polygons) is not a zone layer, nor is a
    /// user-defined polygon layer defined without `locate`.
    pub fn is_zone(self) -> bool {
        self.geometry() == GeometryKind::MultiPolygon && self.user_def().is_none_or(|d| d.locate)
    }

    /// The attribute fields, in column order. Fields added after a layer was first
    /// released come last, so that a store of an older version gains them as new
    /// trailing columns and keeps the same column order as a new store.
    pub fn fields(self) -> &'static [FieldDef] {
        match self {
            LayerKind::User(u) => u.registered().fields,
            LayerKind::CountyBoundaries => {
                const { &[req(text("adcode")), req(text("name")), req(one_of(text("level"), &["county"])), ACCURACY, SOURCE] }
            }
            LayerKind::Townships => {
                const {
                    &[
                        req(text("code")),
                        req(text("name")),
                        req(one_of(text("kind"), &["镇", "乡"])),
                        req(text("parent_code")),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::Villages => {
                const { &[req(text("code")), req(text("name")), req(text("township_code")), SOURCE] }
            }
            LayerKind::UrbanGradeZones => {
                const { &[req(int("grade", GradeSystem::Urban.grade_range())), text("name"), ACCURACY, SOURCE] }
            }
            LayerKind::CollectiveGradeZones => {
                const {
                    &[
                        req(int("grade", GradeSystem::Collective.grade_range())),
                        text("name"),
                        text("township_code"),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::BenchmarkPrices => {
                const {
                    &[
                        req(one_of(text("system"), &["urban", "collective"])),
                        req(int("grade", prices::ANY_GRADE)),
                        req(text("land_use")),
                        req(int("yuan_per_m2", input_limits::LAND_PRICE_YUAN_PER_M2)),
                        req(real("wan_yuan_per_mu", input_limits::LAND_PRICE_WAN_YUAN_PER_MU)),
                        req(text("document")),
                        req(text("approval")),
                        req(date("in_force")),
                    ]
                }
            }
            LayerKind::TruckBanZone => {
                const {
                    &[
                        req(text("name")),
                        req(text("hours")),
                        req(text("document")),
                        req(date("in_force")),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::ExpropriationAreas => {
                const {
                    &[
                        req(text("project")),
                        req(text("decision_no")),
                        req(date("decision_date")),
                        text("east"),
                        text("west"),
                        text("north"),
                        text("south"),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::ConsolidationProjects => {
                const {
                    &[
                        req(text("name")),
                        req(one_of(text("project_type"), &["增减挂钩", "土地整治"])),
                        text("township_code"),
                        one_of(text("status"), &["立项", "实施中", "已验收"]),
                        date("accepted_on"),
                        ACCURACY,
                        SOURCE,
                        // Added later (issue 15): appended, so older stores gain it in place.
                        // 立项 date: with accepted_on, the scope of 临政发〔2023〕9号 第二条 (line 1348).
                        date("approved_on"),
                    ]
                }
            }
            LayerKind::SpongeFacilities => {
                const {
                    &[
                        req(text("name")),
                        req(one_of(text("kind"), SPONGE_KINDS)),
                        text("project"),
                        text("responsible_unit"),
                        one_of(text("status"), SPONGE_STATUS),
                        real("area_m2", input_limits::GROUND_AREA_M2),
                        real("volume_m3", input_limits::STORAGE_VOLUME_M3),
                        date("accepted_on"),
                        ACCURACY,
                        SOURCE,
                        // Added later: appended, so older stores gain it in place.
                        real("storage_depth_m", input_limits::STORAGE_DEPTH_M),
                    ]
                }
            }
            LayerKind::SpongeProjects => {
                const {
                    &[
                        req(text("name")),
                        one_of(text("project_type"), SPONGE_PROJECT_TYPES),
                        text("responsible_unit"),
                        one_of(text("status"), SPONGE_STATUS),
                        text("surfaces"),
                        real("target_percent", sponge::TARGET_PERCENT),
                        date("accepted_on"),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::WaterloggingPoints => {
                const {
                    &[
                        req(text("name")),
                        one_of(text("status"), &["待治理", "治理中", "已消除"]),
                        ACCURACY,
                        SOURCE,
                        // Added later: appended, so older stores gain it in place.
                        date("eliminated_on"),
                    ]
                }
            }
            LayerKind::OriginPoints => {
                const {
                    &[
                        req(text("subject_name")),
                        req(one_of(text("subject_type"), SUBJECT_TYPES)),
                        one_of(text("industry"), INDUSTRIES),
                        req(one_of(text("product"), PRODUCT_VALUES)),
                        text("alias"),
                        text("certification"),
                        text("base_address"),
                        req(text("township_code")),
                        text("village_code"),
                        personal(text("contact_name")),
                        personal(text("contact_phone")),
                        real("scale", record::SCALE_FIELD),
                        one_of(text("scale_unit"), SCALE_UNITS),
                        date("market_date"),
                        one_of(text("production_mode"), PRODUCTION_MODES),
                        text("trace_means"),
                        text("credit_rating"),
                        personal(text("grid_officer_name")),
                        personal(text("grid_officer_phone")),
                        personal(text("collector_name")),
                        personal(text("collector_phone")),
                        ACCURACY,
                        SOURCE,
                        // Added later: appended, so older stores gain them in place.
                        // 工厂化/工程化养殖 (0/1), meaningful for 渔业 only.
                        int("industrialised", record::INDUSTRIALISED),
                        // 采集日期 and 最近更新日期 (last field update or confirmation).
                        date("collected_on"),
                        date("updated_on"),
                        // Set by the server: RFC 3339 times and who (personal).
                        text("created_at"),
                        personal(text("created_by")),
                        text("updated_at"),
                        personal(text("updated_by")),
                        // Issue 15: the producer (种养殖主体) the record is a base/plot of, by its
                        // identifier, and 以商品生产为目的 (0/1, gazette line 2838).
                        text("producer_id"),
                        int("for_market", record::FOR_MARKET),
                    ]
                }
            }
            LayerKind::VillageClinics => {
                const {
                    &[
                        req(text("name")),
                        req(text("township_code")),
                        req(text("village_code")),
                        req(one_of(text("programme"), &["星级创建", "整改"])),
                        text("note"),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::FreightSources => {
                const { &[req(text("name")), text("category"), text("document"), ACCURACY, SOURCE] }
            }
            LayerKind::TruckPasses => {
                const {
                    &[
                        req(text("plate")),
                        req(date("valid_from")),
                        req(date("valid_to")),
                        req(text("windows")),
                        req(text("area")),
                        req(one_of(text("pass_source"), &["纸质", "交管12123"])),
                        text("issued_by"),
                        text("note"),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::ExpropriationHouseholds => {
                const {
                    &[
                        req(text("decision_no")),
                        req(text("household_no")),
                        req(personal(text("owner_name"))),
                        personal(text("owner_id_no")),
                        personal(text("contact_phone")),
                        personal(text("house_address")),
                        text("structure"),
                        int("storeys", crate::expropriation::compensation::STOREYS),
                        real("building_area_m2", input_limits::BUILDING_AREA_M2),
                        real("legal_land_area_m2", input_limits::BUILDING_AREA_M2),
                        real("appraised_value_yuan", input_limits::APPRAISED_VALUE_YUAN),
                        real("appraised_price_per_m2_yuan", input_limits::APPRAISED_VALUE_YUAN),
                        real("construction_cost_per_m2_yuan", input_limits::APPRAISED_VALUE_YUAN),
                        date("appraisal_ended_on"),
                        date("appraisal_report_received_on"),
                        date("review_result_received_on"),
                        date("agreement_signed_on"),
                        date("handed_over_on"),
                        date("compensation_decision_on"),
                        text("note"),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::TruckBanRoads => {
                const {
                    &[
                        req(text("name")),
                        req(one_of(text("role"), crate::truck_ban::roads::ROLES)),
                        one_of(text("side"), &["north", "east", "south", "west"]),
                        text("stretch"),
                        req(real("width_m", crate::truck_ban::roads::ROAD_WIDTH_M)),
                        text("centreline"),
                        text("hours"),
                        text("document"),
                        text("note"),
                        ACCURACY,
                        SOURCE,
                    ]
                }
            }
            LayerKind::Producers => {
                const {
                    &[
                        // 统一社会信用代码, or the identifier the platform assigns (ZT140821-nnnnnn).
                        req(text("producer_id")),
                        req(one_of(text("id_kind"), crate::traceability::producer::ID_KINDS)),
                        // A producer may be a household: its name is personal, as are contacts.
                        req(personal(text("name"))),
                        req(one_of(text("subject_type"), SUBJECT_TYPES)),
                        text("township_code"),
                        personal(text("contact_name")),
                        personal(text("contact_phone")),
                        // 以商品生产为目的 (0/1, gazette line 2838).
                        int("for_market", record::FOR_MARKET),
                        ACCURACY,
                        SOURCE,
                        text("created_at"),
                        personal(text("created_by")),
                        text("updated_at"),
                        personal(text("updated_by")),
                    ]
                }
            }
        }
    }

    /// The field names, in column order.
    pub fn field_names(self) -> Vec<&'static str> {
        self.fields().iter().map(|f| f.name).collect()
    }

    /// Whether the layer has fields marked `personal`.
    pub fn has_personal_fields(self) -> bool {
        self.fields().iter().any(|f| f.personal)
    }

    /// The field definition called `name`, if the layer has one.
    pub fn field(self, name: &str) -> Option<&'static FieldDef> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// When a feature of the layer starts to be in force (its valid time), as
    /// distinct from when it was written to the store: the one place that says so,
    /// read by the as-of answers (`landtrace_app::history`). `None`: the layer has
    /// no valid time; only the time of writing counts. User-defined layers have none.
    pub fn valid_from(self) -> Option<ValidFrom> {
        match self {
            // The grade zones carry no date: they are the delineation of 临政发〔2023〕8号,
            // in force from the day its benchmark prices are (the price rows' `in_force`).
            LayerKind::UrbanGradeZones | LayerKind::CollectiveGradeZones => {
                Some(ValidFrom::Document { date: prices::IN_FORCE, document: prices::DOCUMENT })
            }
            LayerKind::BenchmarkPrices | LayerKind::TruckBanZone => Some(ValidFrom::Field("in_force")),
            // An expropriation area applies from its decision (房屋征收决定).
            LayerKind::ExpropriationAreas => Some(ValidFrom::Field("decision_date")),
            LayerKind::TruckPasses => Some(ValidFrom::Field("valid_from")),
            _ => None,
        }
    }
}

/// Where a layer's valid-time start is read ([`LayerKind::valid_from`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidFrom {
    /// Each feature's own date field (required by the layer's schema).
    Field(&'static str),
    /// One date for every feature: that of the document the layer comes from.
    Document {
        /// The first day in force.
        date: Date,
        /// The document, e.g. 临政发〔2023〕8号.
        document: &'static str,
    },
}

impl ValidFrom {
    /// The first day `properties` are in force; `None` when the field is absent or
    /// not a date (the feature is then not held back by its valid time).
    pub fn of(self, properties: &serde_json::Map<String, serde_json::Value>) -> Option<Date> {
        match self {
            ValidFrom::Field(name) => {
                properties.get(name).and_then(serde_json::Value::as_str).and_then(|t| Date::parse(t).ok())
            }
            ValidFrom::Document { date, .. } => Some(date),
        }
    }

    /// How the answer names it: the field, or the document.
    pub fn describe(self) -> String {
        match self {
            ValidFrom::Field(name) => format!("field `{name}`"),
            ValidFrom::Document { date, document } => format!("{document}, in force from {date}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_is_listed_once_and_found_by_its_table_name() {
        for (i, kind) in LayerKind::ALL.into_iter().enumerate() {
            assert_eq!(LayerKind::ALL.iter().position(|k| *k == kind), Some(i));
            assert_eq!(LayerKind::from_table_name(kind.table_name()), Some(kind));
        }
        assert_eq!(LayerKind::from_table_name("sponge_projects"), Some(LayerKind::SpongeProjects));
    }

    #[test]
    fn sponge_layers() {
        assert_eq!(LayerKind::SpongeFacilities.geometry(), GeometryKind::Any);
        assert_eq!(GeometryKind::Any.ogc_name(), Some("GEOMETRY"));
        assert!(!LayerKind::SpongeFacilities.is_zone());
        assert_eq!(LayerKind::SpongeProjects.geometry(), GeometryKind::MultiPolygon);
        assert!(LayerKind::SpongeProjects.is_zone());
        assert_eq!(LayerKind::SpongeProjects.title_zh(), "海绵城市建设项目");
        assert!(LayerKind::SpongeFacilities.field("storage_depth_m").is_some_and(|f| f.ty == FieldType::Real));
        assert!(LayerKind::WaterloggingPoints.field("eliminated_on").is_some_and(|f| f.ty == FieldType::Date));
    }

    #[test]
    fn origin_points_record_who_and_when() {
        let personal: Vec<&str> =
            LayerKind::OriginPoints.fields().iter().filter(|f| f.personal).map(|f| f.name).collect();
        assert_eq!(
            personal,
            [
                "contact_name",
                "contact_phone",
                "grid_officer_name",
                "grid_officer_phone",
                "collector_name",
                "collector_phone",
                "created_by",
                "updated_by"
            ]
        );
        for name in ["industrialised", "collected_on", "updated_on", "created_at", "updated_at"] {
            let f = LayerKind::OriginPoints.field(name).unwrap();
            assert!(!f.required && !f.personal, "{name}");
        }
    }

    #[test]
    fn every_number_field_has_a_range_and_no_other_field_has_one() {
        for kind in LayerKind::ALL {
            for f in kind.fields() {
                let numeric = matches!(f.ty, FieldType::Integer | FieldType::Real);
                assert_eq!(f.range.is_some(), numeric, "{}.{}", kind.table_name(), f.name);
                if let Some(r) = f.range {
                    assert_eq!(r.whole, f.ty == FieldType::Integer, "{}.{}", kind.table_name(), f.name);
                    assert!(!r.contains(1e308) && !r.contains(f64::NAN), "{}.{}", kind.table_name(), f.name);
                }
            }
        }
        let grade = |k: LayerKind| k.field("grade").and_then(|f| f.range).map(|r| (r.min, r.max));
        assert_eq!(grade(LayerKind::UrbanGradeZones), Some((1.0, 3.0)));
        assert_eq!(grade(LayerKind::CollectiveGradeZones), Some((1.0, 4.0)));
        assert_eq!(grade(LayerKind::BenchmarkPrices), Some((1.0, 4.0)));
    }

    #[test]
    fn a_valid_time_field_is_a_required_date_of_its_layer() {
        for kind in LayerKind::ALL {
            if let Some(ValidFrom::Field(name)) = kind.valid_from() {
                let f = kind.field(name).unwrap_or_else(|| panic!("{}: no field {name}", kind.table_name()));
                assert!(f.required && f.ty == FieldType::Date, "{}.{name}", kind.table_name());
            }
        }
        let zones = LayerKind::UrbanGradeZones.valid_from().unwrap();
        assert_eq!(zones.of(&serde_json::Map::new()), Some(Date::ymd(2023, 5, 1)));
        let ban = LayerKind::TruckBanZone.valid_from().unwrap();
        let props = serde_json::json!({"in_force": "2023-06-01"});
        assert_eq!(ban.of(props.as_object().unwrap()), Some(Date::ymd(2023, 6, 1)));
        assert_eq!(LayerKind::Villages.valid_from(), None);
    }

    #[test]
    fn household_register_is_private_and_its_names_personal() {
        let kind = LayerKind::ExpropriationHouseholds;
        assert!(!kind.is_public());
        assert_eq!(kind.geometry(), GeometryKind::None);
        let personal: Vec<&str> = kind.fields().iter().filter(|f| f.personal).map(|f| f.name).collect();
        assert_eq!(personal, ["owner_name", "owner_id_no", "contact_phone", "house_address"]);
        assert!(kind.field("decision_no").is_some_and(|f| f.required && !f.personal));
        assert!(LayerKind::ALL.iter().filter(|k| **k != kind).all(|k| k.is_public()));
    }

    #[test]
    fn fields_are_unique_per_layer() {
        for kind in LayerKind::ALL {
            let mut names = kind.field_names();
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(names.len(), n, "{}", kind.table_name());
        }
    }
}
