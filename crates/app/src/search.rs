//! One search box over the county: townships and villages (official names, codes,
//! the gazette's OCR variants), layer features by name, document numbers, truck
//! passes by plate (their owning role only), producers (theirs only) and
//! coordinates typed or pasted in any CRS the API reads.
//!
//! The [`SearchIndex`] is built from the in-memory catalogue, the division names and
//! the two registers without geometry (passes, producers); every text is compared in
//! one normal form ([`search_key`]). Who may see what is decided per query: a layer
//! that is not public only for its readers, plates and producers only for the role
//! that owns the layer, and a key read from a personal field (a producer's name) only
//! for those who may see it — its text never reaches anyone else.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use geo::{BoundingRect, Geometry, InteriorPoint, Rect};
use landtrace_domain::expropriation::canonical_document_no;
use landtrace_domain::traceability::Divisions;
use landtrace_domain::truck_ban::normalize_plate;
use landtrace_domain::{FieldType, LayerKind, public_properties};
use landtrace_store::Feature;
use serde::Serialize;
use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;

use crate::catalog::Catalog;
use crate::position_input::read_typed_position;
use crate::users::{User, may_read, may_see_personal, owns};

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Results when the request names no limit.
pub const DEFAULT_LIMIT: usize = 10;
/// Most results one request may ask for.
pub const MAX_LIMIT: usize = 50;

/// Fields that name a feature of a built-in layer, in the order they title it.
const NAME_FIELDS: [&str; 3] = ["name", "project", "subject_name"];
/// Fields that hold a document number.
const DOCUMENT_FIELDS: [&str; 2] = ["document", "decision_no"];

/// The text as compared: Unicode NFKC (full-width letters, digits and brackets become
/// half-width: `（２０２３）` → `(2023)`), lower case, and only letters and digits kept —
/// so spaces, every kind of bracket (`〔〕[]()【】（）`), middle dots and hyphens do not
/// matter: `临政发〔2023〕10号`, `临政发[2023]10号`, `临政发（2023）10号` and
/// `临政发2023 10号` are one key, as are `晋M·X0001` and `晋mx0001`.
///
/// ```
/// use landtrace_app::search::search_key;
/// assert_eq!(search_key("临政发〔2023〕10号"), search_key("临政发（２０２３）10 号"));
/// assert_eq!(search_key("晋M·X0001"), "晋mx0001");
/// ```
pub fn search_key(text: &str) -> String {
    text.nfkc().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    /// A township or village.
    Division,
    /// A document number and the features that carry it.
    Document,
    /// A truck pass, by plate.
    Plate,
    /// A producer of the register.
    Producer,
    /// A feature of a layer, by name.
    Feature,
    /// A position typed or pasted.
    Coordinate,
}

/// How well a key matched the query: ranks results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    /// The whole key.
    Exact,
    /// Its beginning.
    Prefix,
    /// A part of it.
    Contains,
}

/// Who may see an entry.
#[derive(Debug, Clone, Copy)]
enum Gate {
    /// Everyone.
    Anyone,
    /// Those who may read the layer.
    Read(LayerKind),
    /// Only the role that owns the layer, and admins.
    Own(LayerKind),
}

#[derive(Debug, Clone)]
struct Entry {
    kind: HitKind,
    layer: Option<LayerKind>,
    id: Option<i64>,
    title: String,
    subtitle: String,
    bbox: Option<[f64; 4]>,
    point: Option<[f64; 2]>,
    note: Option<String>,
    properties: Option<Map<String, Value>>,
    /// The one feature the entry is: its place and properties are read from it when
    /// it is a result (not for every entry when the index is built).
    feature: Option<Arc<Feature>>,
    /// The feature's place, worked out the first time it is a result.
    place: std::sync::OnceLock<Place>,
    gate: Gate,
}

/// A point to open the click panel at, and the box of an area.
type Place = (Option<[f64; 2]>, Option<[f64; 4]>);

#[derive(Debug, Clone)]
struct Key {
    /// Where its text begins in [`SearchIndex::text`]; it ends at the next key's start
    /// less one separator.
    start: usize,
    entry: usize,
    /// Read from a personal field of this layer: matched only for those who may see it.
    personal: Option<LayerKind>,
    /// Said with the result when this key matched (an OCR variant).
    note: Option<Arc<str>>,
}

/// One result, as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// What it is.
    pub kind: HitKind,
    /// The layer (table name), when it is a layer's feature or register entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// The feature's id in the layer, when the result is one feature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Its name.
    pub title: String,
    /// What else identifies it (township, code, document, dates).
    pub subtitle: String,
    /// `[min lon, min lat, max lon, max lat]` (WGS84) of an area to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    /// `[lon, lat]` (WGS84): where to open the click panel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point: Option<[f64; 2]>,
    /// The CRS a coordinate was read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crs_used: Option<String>,
    /// What was assumed or recognised (an OCR variant, an axis order, a position
    /// that stands in for one the data does not have).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The feature's properties the caller may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
    /// How the query matched.
    #[serde(rename = "match")]
    pub matched: Match,
}

/// The answer to a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchAnswer {
    /// The query as given.
    pub query: String,
    /// Best first: a coordinate, then exact, prefix and contained matches.
    pub results: Vec<SearchHit>,
    /// Why text that looked like a position is none, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the index is built from.
#[derive(Debug, Clone, Copy)]
pub struct SearchSources<'a> {
    /// Every layer with geometry.
    pub catalog: &'a Catalog,
    /// The township and village names.
    pub divisions: &'a Divisions,
    /// The `truck_passes` register.
    pub passes: &'a [Feature],
    /// The `producers` register.
    pub producers: &'a [Feature],
}

/// Every searchable text of the county, normalised once.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    /// Every key's text, each followed by a NUL (which no key holds): one haystack,
    /// searched at once with `memchr::memmem` — a query over a few thousand keys is
    /// a few microseconds.
    text: String,
    /// The keys in the order of their text.
    keys: Vec<Key>,
}

/// A township seat: the feature's id, its position and properties.
type Seat = (i64, [f64; 2], Map<String, Value>);
/// A feature carrying a document number, and its title.
type Carrier = (Arc<Feature>, String);

fn text<'a>(props: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    props.get(field).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn rect_box(r: Rect<f64>) -> [f64; 4] {
    [r.min().x, r.min().y, r.max().x, r.max().y]
}

fn union(a: Option<[f64; 4]>, b: Option<[f64; 4]>) -> Option<[f64; 4]> {
    match (a, b) {
        (Some(a), Some(b)) => Some([a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]),
        (a, b) => a.or(b),
    }
}

/// A point inside the geometry (a point is itself; a polygon's interior point, so the
/// click panel there names the zone) and its bounding box, for areas only.
fn place(geometry: Option<&Geometry<f64>>) -> Place {
    let Some(g) = geometry else { return (None, None) };
    let point = g.interior_point().map(|p| [p.x(), p.y()]);
    let bbox = match g {
        Geometry::Point(_) => None,
        other => other.bounding_rect().map(rect_box),
    };
    (point, bbox)
}

impl SearchIndex {
    /// Builds the index (a few milliseconds for the bundled data).
    pub fn build(sources: SearchSources<'_>) -> SearchIndex {
        let mut index = SearchIndex::default();
        let catalog = sources.catalog;
        let divisions = sources.divisions;
        let township_name = |code: Option<&str>| code.and_then(|c| divisions.township_name(c)).map(str::to_owned);

        // Township seats (the townships layer) and, for villages, their clinic.
        let mut seats: HashMap<String, Seat> = HashMap::new();
        if let Some(layer) = catalog.layer(LayerKind::Townships) {
            for f in layer.all() {
                if let (Some(code), (Some(point), _)) = (text(&f.properties, "code"), place(f.geometry.as_ref())) {
                    seats.insert(code.to_owned(), (f.id, point, f.properties.clone()));
                }
            }
        }
        let mut clinics: HashMap<String, ([f64; 2], String)> = HashMap::new();
        if let Some(layer) = catalog.layer(LayerKind::VillageClinics) {
            for f in layer.all() {
                if let (Some(code), (Some(point), _)) =
                    (text(&f.properties, "village_code"), place(f.geometry.as_ref()))
                {
                    let name = text(&f.properties, "name").unwrap_or_default().to_owned();
                    clinics.entry(code.to_owned()).or_insert((point, name));
                }
            }
        }
        for d in divisions.search_names() {
            let (layer, id, point, note, properties, subtitle) = match &d.township_code {
                None => {
                    let seat = seats.get(&d.code);
                    (
                        LayerKind::Townships,
                        seat.map(|s| s.0),
                        seat.map(|s| s.1),
                        None,
                        seat.map(|s| s.2.clone()),
                        d.code.clone(),
                    )
                }
                Some(town) => {
                    let mut props = Map::new();
                    props.insert("code".into(), Value::from(d.code.clone()));
                    props.insert("name".into(), Value::from(d.name.clone()));
                    props.insert("township_code".into(), Value::from(town.clone()));
                    let town_name = township_name(Some(town)).unwrap_or_else(|| town.clone());
                    let (point, note) = match (clinics.get(&d.code), seats.get(town)) {
                        (Some((p, clinic)), _) => (
                            Some(*p),
                            format!("无村界数据，位置为本村卫生室 {clinic}（no village boundary: its clinic）"),
                        ),
                        (None, Some(seat)) => (
                            Some(seat.1),
                            format!("无村界数据，位置为{town_name}驻地（no village boundary: the township seat）"),
                        ),
                        (None, None) => (None, "无村界数据（no village boundary）".to_owned()),
                    };
                    (LayerKind::Villages, None, point, Some(note), Some(props), format!("{town_name} · {}", d.code))
                }
            };
            let entry = index.push(Entry {
                kind: HitKind::Division,
                layer: Some(layer),
                id,
                title: d.name.clone(),
                subtitle,
                bbox: None,
                point,
                note,
                properties,
                feature: None,
                place: std::sync::OnceLock::new(),
                gate: Gate::Anyone,
            });
            for form in &d.forms {
                let note = form.variant.as_ref().map(|v| {
                    Arc::from(format!(
                        "公报 OCR 异写 {v} → {}（the gazette's OCR variant of the official name）",
                        { d.township_code.as_deref().and_then(|t| divisions.township_name(t)).unwrap_or(&d.name) }
                    ))
                });
                index.key(&form.text, entry, None, note);
            }
        }

        // Features by name, and document numbers grouped by document and layer.
        let mut documents: BTreeMap<(String, LayerKind), Vec<Carrier>> = BTreeMap::new();
        for (&kind, layer) in &catalog.layers {
            if matches!(kind, LayerKind::Townships) {
                continue; // divisions, above
            }
            let name_fields: Vec<(&str, bool)> = match kind.user_def() {
                Some(_) => {
                    kind.fields().iter().filter(|f| f.ty == FieldType::Text).map(|f| (f.name, f.personal)).collect()
                }
                None => NAME_FIELDS.iter().filter_map(|n| kind.field(n)).map(|f| (f.name, f.personal)).collect(),
            };
            for f in layer.all() {
                let title = name_fields
                    .iter()
                    .filter(|(_, personal)| !personal)
                    .find_map(|(n, _)| text(&f.properties, n))
                    .map_or_else(|| format!("{} #{}", kind.title_zh(), f.id), str::to_owned);
                for field in DOCUMENT_FIELDS {
                    if let Some(doc) = text(&f.properties, field) {
                        documents
                            .entry((canonical_document_no(doc), kind))
                            .or_default()
                            .push((f.clone(), title.clone()));
                    }
                }
                if name_fields.is_empty() {
                    continue;
                }
                let mut subtitle: Vec<String> = Vec::new();
                subtitle.extend(township_name(text(&f.properties, "township_code")));
                subtitle.extend(DOCUMENT_FIELDS.iter().find_map(|d| text(&f.properties, d)).map(str::to_owned));
                subtitle.extend(text(&f.properties, "product").map(str::to_owned));
                let entry = index.push(Entry {
                    kind: HitKind::Feature,
                    layer: Some(kind),
                    id: Some(f.id),
                    title,
                    subtitle: subtitle.join(" · "),
                    bbox: None,
                    point: None,
                    note: None,
                    properties: None,
                    feature: Some(f.clone()),
                    place: std::sync::OnceLock::new(),
                    gate: Gate::Read(kind),
                });
                for (field, personal) in &name_fields {
                    if let Some(value) = text(&f.properties, field) {
                        index.key(value, entry, personal.then_some(kind), None);
                    }
                }
            }
        }
        for ((document, kind), features) in documents {
            let (id, subtitle, feature, bbox) = match features.as_slice() {
                [(f, title)] => (Some(f.id), title.clone(), Some(f.clone()), None),
                many => {
                    let bbox = many
                        .iter()
                        .filter_map(|(f, _)| f.geometry.as_ref()?.bounding_rect())
                        .map(rect_box)
                        .reduce(|a, b| union(Some(a), Some(b)).unwrap_or(a));
                    (None, format!("{} 个要素", many.len()), None, bbox)
                }
            };
            let entry = index.push(Entry {
                kind: HitKind::Document,
                layer: Some(kind),
                id,
                title: document.clone(),
                subtitle,
                bbox,
                point: bbox.map(|b| [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]),
                note: None,
                properties: None,
                feature,
                place: std::sync::OnceLock::new(),
                gate: Gate::Read(kind),
            });
            index.key(&document, entry, None, None);
        }

        // Passes have no position: their area is the ban zone.
        let zone = catalog.layer(LayerKind::TruckBanZone).and_then(|l| l.extent()).map(rect_box);
        for f in sources.passes {
            let Some(plate) = text(&f.properties, "plate") else { continue };
            let field = |n: &str| text(&f.properties, n).unwrap_or("?").to_owned();
            let entry = index.push(Entry {
                kind: HitKind::Plate,
                layer: Some(LayerKind::TruckPasses),
                id: Some(f.id),
                title: plate.to_owned(),
                subtitle: format!(
                    "通行证 {}–{} · {} · {} · {}",
                    field("valid_from"),
                    field("valid_to"),
                    field("windows"),
                    field("area"),
                    field("pass_source")
                ),
                bbox: zone,
                point: zone.map(|b| [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]),
                note: Some(
                    "通行证无坐标，显示货车禁行区域（a pass has no position: the ban zone is shown）".to_owned(),
                ),
                properties: Some(f.properties.clone()),
                feature: None,
                place: std::sync::OnceLock::new(),
                gate: Gate::Own(LayerKind::TruckPasses),
            });
            index.key(&normalize_plate(plate), entry, None, None);
        }

        // Producers have no position: their township's seat stands in.
        for f in sources.producers {
            let Some(producer_id) = text(&f.properties, "producer_id") else { continue };
            let town = text(&f.properties, "township_code");
            let seat = town.and_then(|t| seats.get(t));
            let name = text(&f.properties, "name");
            let mut subtitle = vec![producer_id.to_owned()];
            subtitle.extend(text(&f.properties, "subject_type").map(str::to_owned));
            subtitle.extend(township_name(town));
            let entry = index.push(Entry {
                kind: HitKind::Producer,
                layer: Some(LayerKind::Producers),
                id: Some(f.id),
                title: name.unwrap_or(producer_id).to_owned(),
                subtitle: subtitle.join(" · "),
                bbox: None,
                point: seat.map(|s| s.1),
                note: seat.map(|_| {
                    "主体无坐标，定位到所属乡镇驻地（a producer has no position: its township seat is shown）"
                        .to_owned()
                }),
                properties: Some(f.properties.clone()),
                feature: None,
                place: std::sync::OnceLock::new(),
                gate: Gate::Own(LayerKind::Producers),
            });
            index.key(producer_id, entry, None, None);
            if let Some(name) = name {
                index.key(name, entry, Some(LayerKind::Producers), None);
            }
        }
        index
    }

    fn push(&mut self, entry: Entry) -> usize {
        self.entries.push(entry);
        self.entries.len() - 1
    }

    fn key(&mut self, text: &str, entry: usize, personal: Option<LayerKind>, note: Option<Arc<str>>) {
        let text = search_key(text);
        if !text.is_empty() {
            self.keys.push(Key { start: self.text.len(), entry, personal, note });
            self.text.push_str(&text);
            self.text.push('\0');
        }
    }

    /// Number of entries (divisions, features, documents, passes, producers).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is nothing to find.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The results for `query` the caller may see, best first, at most `limit`: a
    /// position when the query is one (read by [`read_typed_position`]), else the
    /// entries whose keys equal, begin with or contain the query's key, in that
    /// order, then by kind (divisions, documents, plates, producers, features),
    /// shorter keys first, then in the order they were indexed.
    pub fn search(&self, query: &str, limit: usize, user: Option<&User>) -> SearchAnswer {
        let mut answer = SearchAnswer { query: query.to_owned(), results: Vec::new(), note: None };
        match read_typed_position(query) {
            Some(Ok(typed)) => {
                let p = typed.resolved.point;
                answer.results.push(SearchHit {
                    kind: HitKind::Coordinate,
                    layer: None,
                    id: None,
                    title: format!("{:.6}, {:.6}", p.lon(), p.lat()),
                    subtitle: format!("{} {}, {} → WGS84", typed.resolved.crs.title(), typed.x, typed.y),
                    bbox: None,
                    point: Some([p.lon(), p.lat()]),
                    crs_used: Some(typed.resolved.crs.name()),
                    note: typed.resolved.assumed,
                    properties: None,
                    matched: Match::Exact,
                });
                return answer;
            }
            Some(Err(message)) => answer.note = Some(message),
            None => {}
        }
        let wanted = search_key(query);
        if wanted.is_empty() || limit == 0 {
            return answer;
        }
        let visible = |e: &Entry| match e.gate {
            Gate::Anyone => true,
            Gate::Read(kind) => may_read(user, kind),
            Gate::Own(kind) => user.is_some_and(|u| owns(u.role, kind)),
        };
        // The best key of each entry: (match, key length, key).
        let mut best: Vec<Option<(Match, usize, usize)>> = vec![None; self.entries.len()];
        let mut last_key = usize::MAX;
        for at in memchr::memmem::find_iter(self.text.as_bytes(), wanted.as_bytes()) {
            // The key holding the match (the query holds no separator, so one key does);
            // matches come in order, so the search starts at the last key.
            let from = if last_key == usize::MAX { 0 } else { last_key };
            let k = from + self.keys[from..].partition_point(|key| key.start <= at) - 1;
            if k == last_key {
                continue; // a second match in one key: the first ranks best
            }
            last_key = k;
            let key = &self.keys[k];
            let end = self.keys.get(k + 1).map_or(self.text.len(), |next| next.start) - 1;
            let matched = match (at == key.start, at + wanted.len() == end) {
                (true, true) => Match::Exact,
                (true, false) => Match::Prefix,
                _ => Match::Contains,
            };
            let rank = (matched, end - key.start, k);
            if best[key.entry].is_some_and(|b| b <= rank)
                || key.personal.is_some_and(|kind| !may_see_personal(user, kind))
                || !visible(&self.entries[key.entry])
            {
                continue;
            }
            best[key.entry] = Some(rank);
        }
        let mut found: Vec<(Match, HitKind, usize, usize, usize)> = best
            .into_iter()
            .enumerate()
            .filter_map(|(e, b)| b.map(|(matched, len, k)| (matched, self.entries[e].kind, len, e, k)))
            .collect();
        if found.len() > limit {
            found.select_nth_unstable(limit);
            found.truncate(limit);
        }
        found.sort_unstable();
        answer.results =
            found.into_iter().map(|(matched, _, _, e, k)| self.hit(e, &self.keys[k], matched, user)).collect();
        answer
    }

    fn hit(&self, e: usize, key: &Key, matched: Match, user: Option<&User>) -> SearchHit {
        let entry = &self.entries[e];
        let (point, bbox) = match &entry.feature {
            Some(f) => *entry.place.get_or_init(|| place(f.geometry.as_ref())),
            None => (entry.point, entry.bbox),
        };
        let properties = entry.feature.as_ref().map(|f| &f.properties).or(entry.properties.as_ref());
        let properties = match (entry.layer, properties) {
            (Some(kind), Some(props)) if !may_see_personal(user, kind) => Some(public_properties(kind, props)),
            (_, props) => props.cloned(),
        };
        let note = match (&key.note, &entry.note) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.as_deref().map(str::to_owned).or_else(|| b.clone()),
        };
        SearchHit {
            kind: entry.kind,
            layer: entry.layer.map(|k| k.table_name().to_owned()),
            id: entry.id,
            title: entry.title.clone(),
            subtitle: entry.subtitle.clone(),
            bbox,
            point,
            crs_used: None,
            note,
            properties,
            matched,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_for_every_spelling() {
        let doc = search_key("临政发〔2023〕10号");
        assert_eq!(doc, "临政发202310号");
        for typed in
            ["临政发[2023]10号", "临政发(2023)10号", "临政发（2023）10号", "临政发【2023】10 号", "临政发2023 10号"]
        {
            assert_eq!(search_key(typed), doc, "{typed}");
        }
        assert_eq!(search_key("临政发［２０２３］１０号"), doc, "full-width digits and brackets");
        assert_ne!(search_key("临政发〔2023〕1号"), doc);
        assert_eq!(search_key(" 晋m·x0001 "), search_key("晋M X0001"));
        assert_eq!(search_key("ZT140821-000001"), "zt140821000001");
        assert_eq!(search_key("国税局家属院（鑫星小区）"), "国税局家属院鑫星小区");
        assert_eq!(search_key("（）·-"), "");
    }
}
