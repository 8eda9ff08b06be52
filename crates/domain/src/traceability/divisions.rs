//! Township and village names → official division codes.
//!
//! Records name their township and village as people write them: the official name
//! (`嵋阳镇`), without the suffix (`嵋阳`), by code (`140821101`), or with an OCR error of
//! the gazette (`崞阳镇`, `峒阳镇`, `嵎阳镇` → 嵋阳镇; see `data/divisions/name-variants.csv`).
//! The official village list writes `曹家营村委会` / `崇相西社区居民委员会`; `曹家营村`,
//! `曹家营` and `崇相西社区` are accepted too. Unknown names are rejected with up to three
//! suggestions, ranked by edit distance and shared characters.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{csv_column, csv_records};

/// `data/divisions/name-variants.csv`: `variant,official,kind,source`, where kind is
/// `township` (official = the township's official name) or `village` (official = the
/// village's official name, which must be unique in the list).
pub const NAME_VARIANTS_CSV: &str = include_str!("../../../../data/divisions/name-variants.csv");

/// Most suggestions offered for an unknown name.
const MAX_SUGGESTIONS: usize = 3;

/// A name resolved to an official division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// Official statistical division code (9 digits for townships, 12 for villages).
    pub code: String,
    /// Official name, e.g. `嵋阳镇`, `曹家营村委会`.
    pub name: String,
    /// The variant spelling given, when the name was recognised through the variants
    /// table (e.g. `崞阳镇`); `None` for the official name, its short form or its code.
    pub via_variant: Option<String>,
}

/// A name that is not a division of the county.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct NameError {
    /// The text as given.
    pub given: String,
    /// What is wrong, in Chinese and English, with the suggestions, e.g.
    /// `未知乡镇 "嵋杨镇"（unknown township）；是否为：嵋阳镇？`.
    pub message: String,
    /// Official names that the text may have meant, best first (at most 3).
    pub suggestions: Vec<String>,
}

/// A spelling a division is known by (see [`Divisions::search_names`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameForm {
    /// The spelling, e.g. `嵋阳`, `曹家营村`, `崞阳镇曹家营村`, `140821101208`.
    pub text: String,
    /// The variant of the variants table it contains (`崞阳镇`), if any.
    pub variant: Option<String>,
}

/// A township or village with every spelling it is known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionNames {
    /// Official code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// For a village, its township's code; `None` for a township.
    pub township_code: Option<String>,
    /// The spellings: the code, the official name, the forms [`Divisions::resolve_township`]
    /// and [`Divisions::resolve_village`] accept, the variants, and for a village each
    /// with its township's name in front (`嵋阳镇曹家营村`, `崞阳镇曹家营村`).
    pub forms: Vec<NameForm>,
}

#[derive(Debug, Clone)]
struct Village {
    code: String,
    name: String,
    township_code: String,
}

/// The county's townships and villages, with variant spellings.
#[derive(Debug, Clone)]
pub struct Divisions {
    /// Township code → official name, in code order.
    townships: BTreeMap<String, String>,
    villages: Vec<Village>,
    village_by_code: HashMap<String, usize>,
    /// Variant core (no 镇/乡 suffix) → township code.
    township_variants: HashMap<String, String>,
    /// Village variant (as written) → index into `villages`.
    village_variants: HashMap<String, usize>,
}

/// The township name without its 镇/乡 suffix (`嵋阳镇` → `嵋阳`).
fn township_core(name: &str) -> &str {
    name.strip_suffix('镇').or_else(|| name.strip_suffix('乡')).filter(|c| !c.is_empty()).unwrap_or(name)
}

/// The village name without the committee suffix: `曹家营村委会` → `曹家营`,
/// `王村村委会` → `王村`, `崇相西社区居民委员会` → `崇相西社区`.
fn village_stem(name: &str) -> &str {
    const SUFFIXES: [&str; 5] = ["村民委员会", "居民委员会", "村委会", "居委会", "委员会"];
    SUFFIXES.iter().find_map(|s| name.strip_suffix(s)).filter(|c| !c.is_empty()).unwrap_or(name)
}

/// Every form of a village name that is accepted for it.
fn village_keys(name: &str) -> Vec<String> {
    let stem = village_stem(name);
    let mut keys = vec![name.to_owned(), stem.to_owned()];
    if let Some(bare) = stem.strip_suffix("社区").filter(|b| !b.is_empty()) {
        keys.push(bare.to_owned());
    }
    if !stem.ends_with('村') && !stem.ends_with("社区") {
        keys.push(format!("{stem}村"));
    }
    keys
}

/// The text as compared: no whitespace (ASCII or full-width), without a leading
/// `山西省` / `运城市` / `临猗县`.
fn normalise(text: &str) -> String {
    let mut t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for prefix in ["山西省", "运城市", "临猗县"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_owned();
        }
    }
    t
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Characters of `given` that also occur in `candidate`.
fn shared_chars(given: &str, candidate: &str) -> usize {
    given.chars().filter(|c| candidate.contains(*c)).count()
}

/// Ranks candidates `(official name, forms compared)` against `given`: those sharing at
/// least one character, by edit distance, then shared characters, then list order.
fn rank<'a>(given: &str, candidates: impl Iterator<Item = (&'a str, Vec<String>)>) -> Vec<String> {
    let mut scored: Vec<(usize, usize, usize, &str)> = Vec::new();
    for (order, (official, forms)) in candidates.enumerate() {
        let best = forms
            .iter()
            .filter(|f| shared_chars(given, f) > 0)
            .map(|f| (edit_distance(given, f), usize::MAX - shared_chars(given, f)))
            .min();
        if let Some((distance, unshared)) = best {
            scored.push((distance, unshared, order, official));
        }
    }
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, _, _, name) in scored {
        if !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    }
    out.truncate(MAX_SUGGESTIONS);
    out
}

/// The message for an unknown name: `未知乡镇 "X"（unknown township）；是否为：A、B？`
/// (`what_zh` = `未知乡镇`).
fn unknown_message(what_zh: &str, what_en: &str, given: &str, suggestions: &[String], fallback: &str) -> String {
    if suggestions.is_empty() {
        format!("{what_zh} \"{given}\"（unknown {what_en}）{fallback}")
    } else {
        format!("{what_zh} \"{given}\"（unknown {what_en}）；是否为：{}？", suggestions.join("、"))
    }
}

impl Divisions {
    /// The divisions of the county. `townships`: `(code, name)`; `villages`: `(code,
    /// name, township_code)`; `variants_csv`: the text of [`NAME_VARIANTS_CSV`] (or a
    /// local copy). Fails on duplicate or empty codes, a village of an unknown township,
    /// or a variant naming no division.
    pub fn new(
        townships: Vec<(String, String)>,
        villages: Vec<(String, String, String)>,
        variants_csv: &str,
    ) -> Result<Divisions, String> {
        let mut by_code = BTreeMap::new();
        for (code, name) in townships {
            let (code, name) = (code.trim().to_owned(), name.trim().to_owned());
            if code.is_empty() || name.is_empty() {
                return Err(format!("township with an empty code or name: {code:?} {name:?}"));
            }
            if by_code.insert(code.clone(), name).is_some() {
                return Err(format!("duplicate township code {code}"));
            }
        }
        let mut village_list = Vec::new();
        let mut village_by_code = HashMap::new();
        for (code, name, township_code) in villages {
            let (code, name, township_code) =
                (code.trim().to_owned(), name.trim().to_owned(), township_code.trim().to_owned());
            if code.is_empty() || name.is_empty() {
                return Err(format!("village with an empty code or name: {code:?} {name:?}"));
            }
            if !by_code.contains_key(&township_code) {
                return Err(format!("village {code} {name}: unknown township code {township_code:?}"));
            }
            if village_by_code.insert(code.clone(), village_list.len()).is_some() {
                return Err(format!("duplicate village code {code}"));
            }
            village_list.push(Village { code, name, township_code });
        }

        let mut township_variants = HashMap::new();
        let mut village_variants = HashMap::new();
        let (header, records) = csv_records(variants_csv).map_err(|e| format!("name variants: {e}"))?;
        let columns = ["variant", "official", "kind"].map(|c| csv_column(&header, c));
        let [variant_col, official_col, kind_col] = columns.map(|c| c.map_err(|e| format!("name variants: {e}")));
        let (variant_col, official_col, kind_col) = (variant_col?, official_col?, kind_col?);
        for (line, fields) in records {
            let (variant, official, kind) =
                (fields[variant_col].trim(), fields[official_col].trim(), fields[kind_col].trim());
            if variant.is_empty() {
                return Err(format!("name variants line {line}: empty variant"));
            }
            match kind {
                "township" => {
                    let code = by_code
                        .iter()
                        .find(|(_, name)| name.as_str() == official)
                        .map(|(code, _)| code.clone())
                        .ok_or_else(|| format!("name variants line {line}: {official:?} is not a township"))?;
                    township_variants.insert(township_core(variant).to_owned(), code);
                }
                "village" => {
                    let mut matches = village_list.iter().enumerate().filter(|(_, v)| v.name == official);
                    let (index, _) = matches
                        .next()
                        .ok_or_else(|| format!("name variants line {line}: {official:?} is not a village"))?;
                    if matches.next().is_some() {
                        return Err(format!("name variants line {line}: village name {official:?} is not unique"));
                    }
                    village_variants.insert(variant.to_owned(), index);
                }
                other => return Err(format!("name variants line {line}: kind {other:?} is not township or village")),
            }
        }
        Ok(Divisions {
            townships: by_code,
            villages: village_list,
            village_by_code,
            township_variants,
            village_variants,
        })
    }

    /// The divisions from the text of `data/divisions/linyi-townships-villages.csv`
    /// (`code,name,kind,parent_code`, kind `township` or `village`) and of the variants table.
    pub fn from_csv(divisions_csv: &str, variants_csv: &str) -> Result<Divisions, String> {
        let (header, records) = csv_records(divisions_csv).map_err(|e| format!("divisions: {e}"))?;
        let column = |name: &str| csv_column(&header, name).map_err(|e| format!("divisions: {e}"));
        let (code, name, kind, parent) = (column("code")?, column("name")?, column("kind")?, column("parent_code")?);
        let mut townships = Vec::new();
        let mut villages = Vec::new();
        for (line, f) in records {
            match f[kind].trim() {
                "township" => townships.push((f[code].clone(), f[name].clone())),
                "village" => villages.push((f[code].clone(), f[name].clone(), f[parent].clone())),
                other => return Err(format!("divisions line {line}: kind {other:?} is not township or village")),
            }
        }
        Divisions::new(townships, villages, variants_csv)
    }

    /// The township `text` names: its code, official name (`嵋阳镇`), name without the
    /// 镇/乡 suffix (`嵋阳`), or a variant of the variants table (`崞阳镇` → 嵋阳镇).
    pub fn resolve_township(&self, text: &str) -> Result<Resolved, NameError> {
        let given = normalise(text);
        if given.is_empty() {
            return Err(NameError {
                given: text.to_owned(),
                message: "乡镇未填（township missing）".into(),
                suggestions: Vec::new(),
            });
        }
        if let Some(name) = self.townships.get(&given) {
            return Ok(Resolved { code: given, name: name.clone(), via_variant: None });
        }
        let core = township_core(&given);
        if let Some((code, name)) = self.townships.iter().find(|(_, name)| township_core(name) == core) {
            return Ok(Resolved { code: code.clone(), name: name.clone(), via_variant: None });
        }
        if let Some(code) = self.township_variants.get(core) {
            return Ok(Resolved {
                code: code.clone(),
                name: self.townships[code].clone(),
                via_variant: Some(text.trim().to_owned()),
            });
        }
        let suggestions = rank(
            core,
            self.townships.iter().map(|(code, name)| {
                let mut forms = vec![township_core(name).to_owned()];
                forms.extend(self.township_variants.iter().filter(|(_, c)| *c == code).map(|(v, _)| v.clone()));
                (name.as_str(), forms)
            }),
        );
        let all: Vec<&str> = self.townships.values().map(String::as_str).collect();
        let fallback = format!("；临猗县的乡镇为：{}", all.join("、"));
        Err(NameError {
            given: text.to_owned(),
            message: unknown_message("未知乡镇", "township", text.trim(), &suggestions, &fallback),
            suggestions,
        })
    }

    /// The village `text` names in township `township_code`: its code, official name
    /// (`曹家营村委会`), the name without the committee suffix (`曹家营`, `曹家营村`,
    /// `崇相西社区`, `崇相西`), or a village variant of the variants table.
    pub fn resolve_village(&self, township_code: &str, text: &str) -> Result<Resolved, NameError> {
        let given = normalise(text);
        let error =
            |message: String, suggestions: Vec<String>| NameError { given: text.to_owned(), message, suggestions };
        let Some(township_name) = self.townships.get(township_code.trim()) else {
            return Err(error(format!("未知乡镇代码 \"{township_code}\"（unknown township code）"), Vec::new()));
        };
        if given.is_empty() {
            return Err(error("村（社区）未填（village missing）".into(), Vec::new()));
        }
        let found = |v: &Village, via_variant: Option<String>| {
            if v.township_code == township_code.trim() {
                Ok(Resolved { code: v.code.clone(), name: v.name.clone(), via_variant })
            } else {
                let other = self.townships.get(&v.township_code).map_or("?", String::as_str);
                Err(error(
                    format!(
                        "{}（{}）属于{}，不属于{}（village {} is in {}, not in {}）",
                        v.name, v.code, other, township_name, v.code, v.township_code, township_code
                    ),
                    Vec::new(),
                ))
            }
        };
        if let Some(&index) = self.village_by_code.get(&given) {
            return found(&self.villages[index], None);
        }
        let in_township = || self.villages.iter().filter(|v| v.township_code == township_code.trim());
        if let Some(v) = in_township().find(|v| village_keys(&v.name).contains(&given)) {
            return found(v, None);
        }
        if let Some(&index) = self.village_variants.get(&given) {
            return found(&self.villages[index], Some(text.trim().to_owned()));
        }
        // A village of another township with this exact name: say where it is.
        let elsewhere: Vec<&Village> =
            self.villages.iter().filter(|v| village_keys(&v.name).contains(&given)).collect();
        if let [v] = elsewhere.as_slice() {
            return found(v, None);
        }
        let stem = village_stem(&given).trim_end_matches('村');
        let stem = if stem.is_empty() { given.as_str() } else { stem };
        let suggestions = rank(stem, in_township().map(|v| (v.name.as_str(), vec![village_stem(&v.name).to_owned()])));
        let what = format!("{township_name}内未知村（社区）");
        Err(error(
            unknown_message(&what, &format!("village in {township_name}"), text.trim(), &suggestions, ""),
            suggestions,
        ))
    }

    /// Every township and village with the spellings it is known by, townships first,
    /// in code and list order: what a search box matches against, from the same rules
    /// as the resolvers (one home for a division's names).
    pub fn search_names(&self) -> Vec<DivisionNames> {
        let form = |text: String, variant: Option<&str>| NameForm { text, variant: variant.map(str::to_owned) };
        let mut township_forms: BTreeMap<&str, Vec<NameForm>> = BTreeMap::new();
        for (code, name) in &self.townships {
            let core = township_core(name);
            let suffix = &name[core.len()..];
            let mut forms = vec![form(name.clone(), None), form(core.to_owned(), None)];
            let mut variants: Vec<&String> =
                self.township_variants.iter().filter(|(_, c)| *c == code).map(|(v, _)| v).collect();
            variants.sort();
            for v in variants {
                let full = format!("{v}{suffix}");
                forms.push(form(full.clone(), Some(&full)));
                forms.push(form(v.clone(), Some(&full)));
            }
            township_forms.insert(code, forms);
        }
        let mut out: Vec<DivisionNames> = township_forms
            .iter()
            .map(|(code, forms)| {
                let mut all = vec![form((*code).to_owned(), None)];
                all.extend(forms.iter().cloned());
                DivisionNames {
                    code: (*code).to_owned(),
                    name: self.townships[*code].clone(),
                    township_code: None,
                    forms: all,
                }
            })
            .collect();
        for (index, v) in self.villages.iter().enumerate() {
            let mut own: Vec<NameForm> = village_keys(&v.name).into_iter().map(|k| form(k, None)).collect();
            let mut variants: Vec<&String> =
                self.village_variants.iter().filter(|(_, i)| **i == index).map(|(t, _)| t).collect();
            variants.sort();
            own.extend(variants.into_iter().map(|t| form(t.clone(), Some(t))));
            own.dedup_by(|a, b| a.text == b.text);
            let mut forms = vec![form(v.code.clone(), None)];
            forms.extend(own.iter().cloned());
            for t in township_forms.get(v.township_code.as_str()).into_iter().flatten() {
                for f in &own {
                    let variant = t.variant.as_deref().or(f.variant.as_deref());
                    forms.push(form(format!("{}{}", t.text, f.text), variant));
                }
            }
            out.push(DivisionNames {
                code: v.code.clone(),
                name: v.name.clone(),
                township_code: Some(v.township_code.clone()),
                forms,
            });
        }
        out
    }

    /// The official name of township `code`.
    pub fn township_name(&self, code: &str) -> Option<&str> {
        self.townships.get(code).map(String::as_str)
    }

    /// The official name of village `code`.
    pub fn village_name(&self, code: &str) -> Option<&str> {
        self.village_by_code.get(code).map(|&i| self.villages[i].name.as_str())
    }

    /// The township a village belongs to.
    pub fn village_township(&self, code: &str) -> Option<&str> {
        self.village_by_code.get(code).map(|&i| self.villages[i].township_code.as_str())
    }

    /// `(code, name)` of every township, in code order.
    pub fn townships(&self) -> impl Iterator<Item = (&str, &str)> {
        self.townships.iter().map(|(code, name)| (code.as_str(), name.as_str()))
    }

    /// `(code, name)` of the villages of township `township_code`, in list order.
    pub fn villages_of<'a>(&'a self, township_code: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.villages
            .iter()
            .filter(move |v| v.township_code == township_code)
            .map(|v| (v.code.as_str(), v.name.as_str()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const DIVISIONS_CSV: &str = include_str!("../../../../data/divisions/linyi-townships-villages.csv");

    /// The official list and the bundled variants.
    pub(crate) fn county() -> Divisions {
        Divisions::from_csv(DIVISIONS_CSV, NAME_VARIANTS_CSV).unwrap()
    }

    const MEIYANG: &str = "140821101";

    #[test]
    fn official_list_loads() {
        let d = county();
        assert_eq!(d.townships().count(), 14);
        assert_eq!(d.villages.len(), 284);
        let first: Vec<_> = d.townships().take(2).collect();
        assert_eq!(first, [("140821100", "猗氏镇"), ("140821101", "嵋阳镇")]);
        assert_eq!(d.township_name(MEIYANG), Some("嵋阳镇"));
        assert_eq!(d.village_name("140821101208"), Some("曹家营村委会"));
        assert_eq!(d.village_township("140821101208"), Some(MEIYANG));
        assert_eq!(d.township_name("140821202"), None);
        assert!(d.villages_of(MEIYANG).any(|(_, n)| n == "曹家营村委会"));
    }

    #[test]
    fn townships_by_name_short_name_and_code() {
        let d = county();
        for text in ["嵋阳镇", "嵋阳", " 嵋阳镇 ", "140821101", "临猗县嵋阳镇", "山西省运城市临猗县嵋阳镇", "嵋阳乡"]
        {
            let r = d.resolve_township(text).unwrap();
            assert_eq!((r.code.as_str(), r.name.as_str(), r.via_variant), (MEIYANG, "嵋阳镇", None), "{text}");
        }
        assert_eq!(d.resolve_township("楚侯").unwrap().name, "楚侯乡");
        assert_eq!(d.resolve_township("北景乡").unwrap().code, "140821204");
    }

    #[test]
    fn gazette_ocr_variants_map_to_meiyang() {
        // Gazette lines 3027 (崞阳镇), 3071 (峒阳镇) and 3392 (嵎阳镇): all name 曹家营村, a village of 嵋阳镇.
        let d = county();
        for variant in ["崞阳镇", "峒阳镇", "嵎阳镇", "崞阳"] {
            let r = d.resolve_township(variant).unwrap();
            assert_eq!(r.code, MEIYANG, "{variant}");
            assert_eq!(r.name, "嵋阳镇");
            assert_eq!(r.via_variant.as_deref(), Some(variant));
            assert_eq!(d.resolve_village(&r.code, "曹家营村").unwrap().code, "140821101208");
        }
        for line in ["line 3027", "line 3071", "line 3392"] {
            assert!(NAME_VARIANTS_CSV.contains(line), "{line}");
        }
    }

    #[test]
    fn every_township_and_village_named_in_the_clinic_list_resolves() {
        // 临政办发〔2023〕24号 (gazette lines 3027, 3295), as the gazette writes them.
        let d = county();
        for (township, village, code) in [
            ("猗氏镇", "黄斗景村", "140821100213"),
            ("崞阳镇", "曹家营村", "140821101208"),
            ("临晋镇", "代村", "140821102222"),
            ("耽子镇", "陶唐村", "140821108237"),
            ("北景乡", "东村", "140821204226"),
            ("角杯镇", "吴王村", "140821109212"),
            ("七级镇", "小张村", "140821103213"),
            ("角杯镇", "石彪村", "140821109211"),
            ("三管镇", "王家庄村", "140821106211"),
            ("猗氏镇", "王村", "140821100200"),
        ] {
            let t = d.resolve_township(township).unwrap();
            assert_eq!(d.resolve_village(&t.code, village).unwrap().code, code, "{township}{village}");
        }
    }

    #[test]
    fn unknown_townships_get_suggestions() {
        let d = county();
        let e = d.resolve_township("嵋杨镇").unwrap_err();
        assert_eq!(e.message, "未知乡镇 \"嵋杨镇\"（unknown township）；是否为：嵋阳镇？");
        assert_eq!(e.suggestions, ["嵋阳镇"]);
        assert_eq!(e.given, "嵋杨镇");
        // A variant's misspelling still finds the township through the variant.
        assert_eq!(d.resolve_township("崞杨镇").unwrap_err().suggestions, ["嵋阳镇"]);
        // 北X乡: both 北辛乡 and 北景乡 share 北; at most three suggestions.
        let e = d.resolve_township("北新乡").unwrap_err();
        assert_eq!(e.suggestions, ["北辛乡", "北景乡"]);
        let e = d.resolve_township("东镇").unwrap_err();
        assert!(e.suggestions.contains(&"东张镇".to_owned()), "{:?}", e.suggestions);
        assert!(e.suggestions.len() <= 3);
        let e = d.resolve_township("太原").unwrap_err();
        assert!(e.suggestions.is_empty());
        assert!(
            e.message.starts_with("未知乡镇 \"太原\"（unknown township）；临猗县的乡镇为：猗氏镇、嵋阳镇"),
            "{}",
            e.message
        );
        assert_eq!(d.resolve_township("  ").unwrap_err().message, "乡镇未填（township missing）");
        assert!(d.resolve_township("140821999").is_err());
    }

    #[test]
    fn villages_by_name_forms_and_code() {
        let d = county();
        for text in ["曹家营村委会", "曹家营村", "曹家营", "140821101208"] {
            let r = d.resolve_village(MEIYANG, text).unwrap();
            assert_eq!((r.code.as_str(), r.name.as_str()), ("140821101208", "曹家营村委会"), "{text}");
        }
        // 王村村委会 is 王村; 崇相西社区居民委员会 is 崇相西社区 / 崇相西.
        assert_eq!(d.resolve_village("140821100", "王村").unwrap().code, "140821100200");
        for text in ["崇相西社区", "崇相西", "崇相西社区居民委员会"] {
            assert_eq!(d.resolve_village("140821100", text).unwrap().code, "140821100010", "{text}");
        }
        assert_eq!(d.resolve_village("140821100", "黄斗景村").unwrap().name, "黄斗景村委会");
    }

    #[test]
    fn villages_of_another_township_or_unknown() {
        let d = county();
        let e = d.resolve_village("140821100", "曹家营村").unwrap_err();
        assert!(e.message.contains("属于嵋阳镇，不属于猗氏镇"), "{}", e.message);
        let e = d.resolve_village("140821100", "140821101208").unwrap_err();
        assert!(e.message.contains("不属于猗氏镇"), "{}", e.message);
        let e = d.resolve_village(MEIYANG, "曹家村").unwrap_err();
        assert_eq!(e.suggestions.first().map(String::as_str), Some("曹家营村委会"), "{e:?}");
        assert!(
            e.message
                .starts_with("嵋阳镇内未知村（社区） \"曹家村\"（unknown village in 嵋阳镇）；是否为：曹家营村委会")
        );
        assert!(d.resolve_village("999", "曹家营").unwrap_err().message.contains("未知乡镇代码"));
        assert!(d.resolve_village(MEIYANG, "").unwrap_err().message.contains("village missing"));
    }

    #[test]
    fn village_variants_from_the_table() {
        let variants =
            "variant,official,kind,source\n曹家营,曹家营村委会,village,test\n曹家荣村,曹家营村委会,village,test\n";
        let d = Divisions::from_csv(DIVISIONS_CSV, variants).unwrap();
        let r = d.resolve_village(MEIYANG, "曹家荣村").unwrap();
        assert_eq!((r.code.as_str(), r.via_variant.as_deref()), ("140821101208", Some("曹家荣村")));
    }

    #[test]
    fn bad_inputs_are_rejected() {
        let t = |c: &str, n: &str| (c.to_owned(), n.to_owned());
        let v = |c: &str, n: &str, p: &str| (c.to_owned(), n.to_owned(), p.to_owned());
        let ok = "variant,official,kind,source\n";
        assert!(Divisions::new(vec![t("1", "甲镇"), t("1", "乙镇")], vec![], ok).unwrap_err().contains("duplicate"));
        assert!(Divisions::new(vec![t("", "甲镇")], vec![], ok).is_err());
        assert!(Divisions::new(vec![t("1", "甲镇")], vec![v("11", "村", "2")], ok).unwrap_err().contains("unknown"));
        let bad = "variant,official,kind,source\n丙镇,丁镇,township,x\n";
        assert!(Divisions::new(vec![t("1", "甲镇")], vec![], bad).unwrap_err().contains("not a township"));
        let bad = "variant,official,kind,source\n丙镇,甲镇,county,x\n";
        assert!(Divisions::new(vec![t("1", "甲镇")], vec![], bad).is_err());
        assert!(Divisions::new(vec![t("1", "甲镇")], vec![], "a,b\n").unwrap_err().contains("variant"));
    }

    #[test]
    fn search_names_hold_every_accepted_spelling() {
        let d = county();
        let names = d.search_names();
        assert_eq!(names.len(), 14 + 284);
        let meiyang = names.iter().find(|n| n.code == MEIYANG).unwrap();
        let texts: Vec<&str> = meiyang.forms.iter().map(|f| f.text.as_str()).collect();
        for t in ["140821101", "嵋阳镇", "嵋阳", "崞阳镇", "峒阳镇", "嵎阳镇", "崞阳"] {
            assert!(texts.contains(&t), "{t}: {texts:?}");
            // Whatever search offers, the resolver accepts.
            assert_eq!(d.resolve_township(t).unwrap().code, MEIYANG, "{t}");
        }
        let variant = meiyang.forms.iter().find(|f| f.text == "崞阳").unwrap();
        assert_eq!(variant.variant.as_deref(), Some("崞阳镇"));
        let village = names.iter().find(|n| n.code == "140821101208").unwrap();
        assert_eq!(village.township_code.as_deref(), Some(MEIYANG));
        let texts: Vec<&str> = village.forms.iter().map(|f| f.text.as_str()).collect();
        for t in ["曹家营村委会", "曹家营村", "曹家营", "嵋阳镇曹家营村", "崞阳镇曹家营村", "140821101208"]
        {
            assert!(texts.contains(&t), "{t}: {texts:?}");
        }
        let gazette = village.forms.iter().find(|f| f.text == "崞阳镇曹家营村").unwrap();
        assert_eq!(gazette.variant.as_deref(), Some("崞阳镇"));
        for f in village.forms.iter().filter(|f| !f.text.contains("阳")) {
            assert_eq!(d.resolve_village(MEIYANG, &f.text).unwrap().code, "140821101208", "{}", f.text);
        }
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("嵋杨", "嵋阳"), 1);
        assert_eq!(edit_distance("", "嵋阳"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(shared_chars("嵋杨", "嵋阳"), 1);
    }
}
