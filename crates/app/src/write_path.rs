//! The one write path: the rulebook checks every write of features takes,
//! whatever its door, before the store's transaction starts.
//!
//! A write reaches the store in one of two forms:
//! - **new features** from a person or a file (an HTTP write, `landtrace import`,
//!   `landtrace trace import`): [`Rulebooks::check_new`] runs the layer's rules
//!   and returns the features to store, normalised and stamped (origin records get
//!   `created_at`/`created_by`);
//! - **features stored as they are** (the bundled data on first start, a copy by
//!   `landtrace migrate`): [`Rulebooks::check_as_stored`] runs the same rules and
//!   changes nothing.
//!
//! The store then checks each feature against its layer's schema
//! (`landtrace_store::validate`) and writes all or nothing, with one audit row per
//! feature. A layer whose rules go beyond its schema says so in
//! [`Rulebooks::has_rules`]; today that is the origin-point records and the producer
//! register of 临政办发〔2023〕19号 and the truck-ban roads of 临政发〔2023〕5号 (a road
//! entered as its centreline gets its surface, `truck_roads`). A layer that gains rules gets them here, and every door
//! with them.

use std::fmt;
use std::sync::Arc;

use landtrace_domain::LayerKind;
use landtrace_domain::traceability::{Divisions, FieldProblem};
use landtrace_store::{Actor, Feature, NewFeature, Store, StoreError};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::origin_producers::{DuplicateIndex, check_stored_producer, duplicate_problem};
use crate::origin_records::{check_stored_record, divisions_from, position_of, prepare_record};

/// The problems of one refused feature of a write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureProblems {
    /// Its position in the write, from 1 (`feature #1`, as the store's schema
    /// errors count).
    pub feature: usize,
    /// Each field's problem, in the order the checks found them.
    pub problems: Vec<FieldProblem>,
}

/// A write refused by its layer's rules: nothing of it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRefused {
    /// The layer written to.
    pub layer: LayerKind,
    /// How many features the write held.
    pub total: usize,
    /// Every refused feature with its problems (a write is checked whole, so all
    /// of them are reported together).
    pub features: Vec<FeatureProblems>,
}

/// At most this many refused features are listed in the message (all of them
/// are in [`WriteRefused::features`]).
const MAX_LISTED: usize = 20;

impl fmt::Display for WriteRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} features for layer {} break its rules; nothing was stored",
            self.features.len(),
            self.total,
            self.layer.table_name()
        )?;
        for refused in self.features.iter().take(MAX_LISTED) {
            write!(f, "\n  feature #{}: ", refused.feature)?;
            for (j, p) in refused.problems.iter().enumerate() {
                if j > 0 {
                    write!(f, "; ")?;
                }
                write!(f, "{}: {}", p.field, p.message)?;
            }
        }
        if self.features.len() > MAX_LISTED {
            write!(f, "\n  … and {} more features", self.features.len() - MAX_LISTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for WriteRefused {}

/// The rulebooks could not be made ready (the store failed, or its division
/// names are unusable).
#[derive(Debug, thiserror::Error)]
pub enum RulebookError {
    /// Reading the layers the rules need failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored division names cannot be used.
    #[error("{0}")]
    Divisions(String),
}

/// What the rulebook checks of a write need from the stored data: the county's
/// divisions (with the gazette's name variants) and its boundary.
#[derive(Debug)]
pub struct Rulebooks {
    divisions: Arc<Divisions>,
    boundary: Catalog,
    /// The identifiers of the producer register, when known: a record naming another
    /// producer is refused (issue 15). `None`: not checked (no register read).
    producers: Option<Arc<std::collections::BTreeSet<String>>>,
    /// The stored origin-point records, when known: a new record repeating one (same
    /// producer, product and position, 临政办发〔2023〕19号 issue 15) is refused at every
    /// door. `None`: not checked (a replayed request, or no records read).
    duplicates: Option<Arc<DuplicateIndex>>,
}

impl Rulebooks {
    /// The layers the rules read: division names and the county boundary.
    pub const READS: [LayerKind; 3] = [LayerKind::Townships, LayerKind::Villages, LayerKind::CountyBoundaries];

    /// Whether writes to `kind` have rules beyond the layer's schema.
    pub fn has_rules(kind: LayerKind) -> bool {
        matches!(kind, LayerKind::OriginPoints | LayerKind::Producers | LayerKind::TruckBanRoads)
    }

    /// From divisions already built and a catalogue holding (at least) the
    /// county boundary layer.
    pub fn new(divisions: Arc<Divisions>, boundary: Catalog) -> Rulebooks {
        Rulebooks { divisions, boundary, producers: None, duplicates: None }
    }

    /// The same rulebooks, with the producer register's identifiers (`producer_id` of
    /// the `producers` features) to check records against.
    pub fn with_producers<'a>(mut self, producers: impl IntoIterator<Item = &'a Feature>) -> Rulebooks {
        let ids = producers
            .into_iter()
            .filter_map(|f| f.properties.get("producer_id").and_then(Value::as_str).map(str::to_owned))
            .collect();
        self.producers = Some(Arc::new(ids));
        self
    }

    /// A record's `producer_id` that is not in the register (when the register is
    /// known): the problem to report on it.
    pub fn unregistered_producer(&self, record: &Map<String, Value>) -> Option<FieldProblem> {
        let id = record.get("producer_id").and_then(Value::as_str)?;
        let known = self.producers.as_ref()?;
        (!known.contains(id)).then(|| FieldProblem {
            field: "producer_id".into(),
            message: format!("种养殖主体「{id}」未登记，请先在种养殖主体名录登记（producer {id} is not registered）"),
        })
    }

    /// The same rulebooks, with the stored origin-point records to find duplicates among.
    pub fn with_records(mut self, records: impl IntoIterator<Item = Arc<Feature>>) -> Rulebooks {
        self.duplicates = Some(Arc::new(DuplicateIndex::new(records)));
        self
    }

    /// The stored record a new one repeats, as its problem (`None`: no duplicate, or
    /// the stored records are not known).
    pub fn duplicate(&self, record: &NewFeature) -> Option<FieldProblem> {
        self.duplicates.as_ref()?.find(record).map(duplicate_problem)
    }

    /// Reads what the rules need from `store`.
    pub async fn load(store: &dyn Store) -> Result<Rulebooks, RulebookError> {
        let townships = store.features(LayerKind::Townships).await?;
        let villages = store.features(LayerKind::Villages).await?;
        let boundaries = store.features(LayerKind::CountyBoundaries).await?;
        let producers = store.features(LayerKind::Producers).await?;
        let records = store.features(LayerKind::OriginPoints).await?;
        Ok(Rulebooks::from_features(&townships, &villages, boundaries)?
            .with_producers(&producers)
            .with_records(records.into_iter().map(Arc::new)))
    }

    /// From the features of [`Rulebooks::READS`] as given (stored ones, or the
    /// bundled data about to be stored).
    pub fn from_features(
        townships: &[Feature],
        villages: &[Feature],
        county_boundaries: Vec<Feature>,
    ) -> Result<Rulebooks, RulebookError> {
        let divisions = divisions_from(townships.iter().map(|f| &f.properties), villages.iter().map(|f| &f.properties))
            .map_err(RulebookError::Divisions)?;
        let mut boundary = Catalog::default();
        boundary.replace_layer(LayerKind::CountyBoundaries, county_boundaries);
        Ok(Rulebooks { divisions: Arc::new(divisions), boundary, producers: None, duplicates: None })
    }

    /// From a batch of new features about to be written (the bundled data): the
    /// divisions and boundary it carries itself.
    pub fn from_batches(batches: &[(LayerKind, Vec<NewFeature>)]) -> Result<Rulebooks, RulebookError> {
        let layer = |kind: LayerKind| -> Vec<Feature> {
            batches
                .iter()
                .filter(|(k, _)| *k == kind)
                .flat_map(|(_, features)| features)
                .zip(1..)
                .map(|(f, id)| Feature { id, geometry: f.geometry.clone(), properties: f.properties.clone() })
                .collect()
        };
        let townships = layer(LayerKind::Townships);
        let villages = layer(LayerKind::Villages);
        let producers = layer(LayerKind::Producers);
        Ok(Rulebooks::from_features(&townships, &villages, layer(LayerKind::CountyBoundaries))?
            .with_producers(&producers))
    }

    /// The division names the rules use.
    pub fn divisions(&self) -> &Arc<Divisions> {
        &self.divisions
    }

    /// The catalogue holding the county boundary.
    pub fn boundary(&self) -> &Catalog {
        &self.boundary
    }

    /// Runs `kind`'s rules over new features written by `actor`; all of them or
    /// none: the problems of every refused feature are reported together. Returns
    /// the features to store (normalised and stamped where the rules say so).
    pub fn check_new(
        &self,
        kind: LayerKind,
        features: Vec<NewFeature>,
        actor: &Actor,
    ) -> Result<Vec<NewFeature>, WriteRefused> {
        if !Rulebooks::has_rules(kind) {
            return Ok(features);
        }
        let total = features.len();
        let mut out = Vec::with_capacity(total);
        let mut refused = Vec::new();
        for (f, number) in features.into_iter().zip(1..) {
            if kind == LayerKind::TruckBanRoads {
                // A road entered as its centreline and width gets its surface here.
                match crate::truck_roads::prepare_road(f) {
                    Ok(f) => out.push(f),
                    Err(problems) => refused.push(FeatureProblems { feature: number, problems }),
                }
                continue;
            }
            if kind == LayerKind::Producers {
                // The generic doors store a producer with its identifier given; the
                // producer routes assign platform identifiers (`origin_producers`).
                match check_stored_producer(&f, &self.divisions) {
                    Ok(()) => out.push(f),
                    Err(problems) => refused.push(FeatureProblems { feature: number, problems }),
                }
                continue;
            }
            let position = position_of(f.geometry.as_ref());
            match prepare_record(&f.properties, position, &self.divisions, &self.boundary, actor, None) {
                Ok(p) => match self.unregistered_producer(&p.feature.properties).or_else(|| self.duplicate(&p.feature))
                {
                    None => out.push(p.feature),
                    Some(problem) => refused.push(FeatureProblems { feature: number, problems: vec![problem] }),
                },
                Err(problems) => refused.push(FeatureProblems { feature: number, problems }),
            }
        }
        if refused.is_empty() { Ok(out) } else { Err(WriteRefused { layer: kind, total, features: refused }) }
    }

    /// Runs `kind`'s rules over features to be stored as they are (bundled data,
    /// a copy); nothing is changed.
    pub fn check_as_stored(&self, kind: LayerKind, features: &[NewFeature]) -> Result<(), WriteRefused> {
        // Stored roads carry their surfaces already (computed when they were written).
        if !Rulebooks::has_rules(kind) || kind == LayerKind::TruckBanRoads {
            return Ok(());
        }
        let refused: Vec<FeatureProblems> = features
            .iter()
            .zip(1..)
            .filter_map(|(f, number)| {
                let checked = if kind == LayerKind::Producers {
                    check_stored_producer(f, &self.divisions)
                } else {
                    check_stored_record(f, &self.divisions, &self.boundary)
                };
                checked.err().map(|problems| FeatureProblems { feature: number, problems })
            })
            .collect();
        if refused.is_empty() {
            Ok(())
        } else {
            Err(WriteRefused { layer: kind, total: features.len(), features: refused })
        }
    }

    /// [`Rulebooks::check_as_stored`] over every batch of a write.
    pub fn check_batches_as_stored(&self, batches: &[(LayerKind, Vec<NewFeature>)]) -> Result<(), WriteRefused> {
        batches.iter().try_for_each(|(kind, features)| self.check_as_stored(*kind, features))
    }
}

/// Warnings about features a write stores (accepted, but the writer should know): a
/// truck pass whose windows never meet the ban hours changes nothing (临政发〔2023〕5号
/// 四、(四), issue 15). One object per warning with the feature's number (from 1) and the
/// text in Chinese and English; empty for most writes.
pub fn write_warnings<'a>(kind: LayerKind, features: impl IntoIterator<Item = &'a Map<String, Value>>) -> Vec<Value> {
    if kind != LayerKind::TruckPasses {
        return Vec::new();
    }
    features
        .into_iter()
        .zip(1..)
        .filter_map(|(properties, number)| {
            let pass = landtrace_domain::truck_ban::pass_record::pass_from_record(properties).ok()?;
            let (zh, en) = pass.warning()?;
            Some(serde_json::json!({"feature": number, "zh": zh, "en": en}))
        })
        .collect()
}

/// The JSON form of a refusal's problems, for answers: one object per problem
/// with the feature's number (from 1), the field and the message.
pub fn problems_json(refused: &WriteRefused) -> Value {
    Value::Array(
        refused
            .features
            .iter()
            .flat_map(|f| {
                f.problems.iter().map(move |p| {
                    let mut m = Map::new();
                    m.insert("feature".into(), Value::from(f.feature));
                    m.insert("field".into(), Value::from(p.field.clone()));
                    m.insert("message".into(), Value::from(p.message.clone()));
                    Value::Object(m)
                })
            })
            .collect(),
    )
}

/// Why a write through [`insert_checked`] or [`insert_as_stored`] did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The layer's rules refused it.
    #[error(transparent)]
    Refused(#[from] WriteRefused),
    /// The rules could not be made ready.
    #[error(transparent)]
    Rulebook(#[from] RulebookError),
    /// The store refused or failed it (its schema checks among them).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// New features into one layer through the one write path: the layer's rules
/// (with what they need read from `store`), then the store's schema checks and
/// its all-or-nothing, audited insert. Returns the new ids.
pub async fn insert_checked(
    store: &dyn Store,
    kind: LayerKind,
    features: Vec<NewFeature>,
    actor: &Actor,
) -> Result<Vec<i64>, WriteError> {
    let features = if Rulebooks::has_rules(kind) {
        Rulebooks::load(store).await?.check_new(kind, features, actor)?
    } else {
        features
    };
    Ok(store.insert(kind, features, actor).await?)
}

/// Everything [`insert_checked`] would check, writing nothing (a dry run): the
/// layer's rules, then the store's limits and schema checks. Returns how many
/// features would be stored.
pub async fn check_only(
    store: &dyn Store,
    kind: LayerKind,
    features: Vec<NewFeature>,
    actor: &Actor,
) -> Result<usize, WriteError> {
    let features = if Rulebooks::has_rules(kind) {
        Rulebooks::load(store).await?.check_new(kind, features, actor)?
    } else {
        features
    };
    Ok(landtrace_store::check_insert(kind, features)?.len())
}

/// Features stored as they are (the bundled data on first start) through the one
/// write path: the rules, with the divisions and boundary the batches carry
/// themselves, then one all-or-nothing, audited insert.
pub async fn insert_as_stored(
    store: &dyn Store,
    batches: Vec<(LayerKind, Vec<NewFeature>)>,
    actor: &Actor,
) -> Result<Vec<Vec<i64>>, WriteError> {
    if batches.iter().any(|(kind, _)| Rulebooks::has_rules(*kind)) {
        Rulebooks::from_batches(&batches)?.check_batches_as_stored(&batches)?;
    }
    Ok(store.insert_many(batches, actor).await?)
}

/// The rules over a copy of a whole store (`landtrace migrate`), with the
/// divisions and boundary the copy carries: a copy is refused rather than carry
/// records that no door would accept today.
pub fn check_copy(batches: &[(LayerKind, Vec<Feature>)]) -> Result<(), WriteError> {
    if !batches.iter().any(|(kind, f)| Rulebooks::has_rules(*kind) && !f.is_empty()) {
        return Ok(());
    }
    let new: Vec<(LayerKind, Vec<NewFeature>)> = batches
        .iter()
        .map(|(kind, features)| {
            let new = features
                .iter()
                .map(|f| NewFeature { geometry: f.geometry.clone(), properties: f.properties.clone() })
                .collect();
            (*kind, new)
        })
        .collect();
    Rulebooks::from_batches(&new)?.check_batches_as_stored(&new)?;
    Ok(())
}
