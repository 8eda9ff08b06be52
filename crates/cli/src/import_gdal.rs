//! The GDAL side of `landtrace import` (the default `gdal` feature): read a layer of
//! any accepted format with `landtrace-gis`, decide its CRS (given, declared or
//! recognised, and say which), and convert its geometries to EPSG:4326.

use std::path::Path;

use anyhow::bail;
use landtrace_app::layer_import::ImportedFeature;
use landtrace_gis::read::{ReadOptions, SourceFeature, read};
use landtrace_gis::reproject::{self, Reprojector, SourceCrs};

/// Features with more than this many features get a progress bar.
const PROGRESS_FROM: u64 = 5_000;

/// Reads `file` (a regular file, or a `.gdb` folder) with GDAL.
pub(crate) fn read_file(
    file: &Path,
    options: &ReadOptions,
    notes: &mut Vec<String>,
) -> anyhow::Result<(Vec<SourceFeature>, Option<SourceCrs>)> {
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut progress = |done: u64, total: Option<u64>| {
        if done == 1 && total.is_some_and(|t| t >= PROGRESS_FROM) {
            let b = indicatif::ProgressBar::new(total.unwrap_or(0)).with_style(
                indicatif::ProgressStyle::with_template("reading [{bar:40}] {pos}/{len} features, eta {eta}")
                    .expect("a valid template"),
            );
            bar = Some(b);
        }
        if let Some(b) = &bar
            && (done.is_multiple_of(256) || total == Some(done))
        {
            b.set_position(done);
        }
    };
    let source = read(file, options, &mut progress)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    notes.push(format!("read layer {:?} with GDAL's {} driver", source.layer, source.driver));
    if let Some(e) = &source.encoding {
        notes.push(format!("attributes read as {e}"));
    }
    notes.extend(source.notes);
    Ok((source.features, source.crs))
}

/// Decides the CRS of `features` and converts their geometries to EPSG:4326: the
/// one given (`--crs`), else the one the file declares, else the one recognised from
/// the coordinates' ranges. Coordinates written northing first in a Gauss-Krüger
/// system are swapped. Per-feature conversion failures become problems of their
/// features.
pub(crate) fn to_wgs84(
    features: Vec<SourceFeature>,
    given: Option<SourceCrs>,
    declared: Option<SourceCrs>,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ImportedFeature>> {
    let mut features = features;
    let bounds = reproject::bounds(features.iter().filter_map(|f| f.geometry.as_ref()));
    let detected = given.is_none() && declared.is_none();
    let crs = match (given, declared) {
        (Some(crs), _) => {
            notes.push(format!("coordinates read as {crs} (given by --crs)"));
            Some(crs)
        }
        (None, Some(crs)) => {
            notes.push(format!("coordinates read as {crs} (declared by the file)"));
            Some(crs)
        }
        (None, None) => match bounds {
            None => None,
            Some(b) => match reproject::detect(b) {
                Some(found) => {
                    notes.push(format!("assumed CRS: {}", found.why));
                    if found.northing_first {
                        swap_all(&mut features);
                    }
                    Some(found.crs)
                }
                None => bail!(
                    "the file declares no CRS and its coordinates (x {:.3}..{:.3}, y {:.3}..{:.3}) are neither \
                     degrees nor CGCS2000 Gauss-Kruger metres: give the CRS with --crs (e.g. --crs EPSG:4525)",
                    b[0],
                    b[2],
                    b[1],
                    b[3]
                ),
            },
        },
    };
    // A declared or given Gauss-Kruger system with the surveyors' X-north habit.
    if let (false, Some(crs), Some(b)) = (detected, &crs, bounds)
        && crs.is_gauss_kruger()
        && reproject::looks_northing_first(b)
    {
        notes.push(format!("the coordinates are written northing first (X north, Y east) in {crs}: axes swapped"));
        swap_all(&mut features);
    }
    let reprojector = crs.as_ref().map(Reprojector::new).transpose().map_err(anyhow::Error::msg)?;
    Ok(features
        .into_iter()
        .map(|f| {
            let mut problems: Vec<String> = f.geometry_problem.into_iter().collect();
            let mut geometry = f.geometry;
            if let (Some(g), Some(r)) = (geometry.as_mut(), &reprojector)
                && let Err(e) = r.to_wgs84(g)
            {
                problems.push(format!("geometry: {e}"));
                geometry = None;
            }
            ImportedFeature { number: f.number, geometry, properties: f.properties, problems }
        })
        .collect())
}

fn swap_all(features: &mut [SourceFeature]) {
    for g in features.iter_mut().filter_map(|f| f.geometry.as_mut()) {
        reproject::swap_axes(g);
    }
}
