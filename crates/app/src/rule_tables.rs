//! Rule tables the use cases read as data: update cycles of origin-point records,
//! runoff coefficients and the rainfall-depth curve of the sponge-city estimate.
//! The bundled files (`data/trace/`, `data/sponge/`) are compiled in; each can be
//! replaced by a file of the same columns (`landtrace serve --update-cycles …`).

use std::path::Path;

use landtrace_domain::land::appraisal::CorrectionTables;
use landtrace_domain::sponge::{CaptureCurve, RunoffCoefficients};
use landtrace_domain::traceability::UpdateCycles;

/// The rule tables in force.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Crop-cycle lengths per planted product.
    pub cycles: UpdateCycles,
    /// Rainfall runoff coefficients by surface.
    pub coefficients: RunoffCoefficients,
    /// Design rainfall depth against annual runoff volume control rate.
    pub curve: CaptureCurve,
    /// The land bureau's correction tables of the benchmark-price coefficient method
    /// (`landtrace serve --land-corrections`); none by default: appraisals are then the
    /// benchmark price alone, and say so.
    pub land_corrections: Option<CorrectionTables>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules::bundled()
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

impl Rules {
    /// The tables bundled in `data/`.
    pub fn bundled() -> Rules {
        Rules {
            cycles: UpdateCycles::bundled(),
            coefficients: RunoffCoefficients::bundled(),
            curve: CaptureCurve::bundled(),
            land_corrections: None,
        }
    }

    /// The bundled tables with those given as files replaced.
    pub fn with_files(
        cycles: Option<&Path>,
        coefficients: Option<&Path>,
        curve: Option<&Path>,
    ) -> Result<Rules, String> {
        let mut rules = Rules::bundled();
        if let Some(p) = cycles {
            rules.cycles = UpdateCycles::parse(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
        }
        if let Some(p) = coefficients {
            rules.coefficients = RunoffCoefficients::parse(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
        }
        if let Some(p) = curve {
            rules.curve = CaptureCurve::parse(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
        }
        Ok(rules)
    }

    /// These tables with the land bureau's correction tables read from `path` (JSON
    /// like `data/land/appraisal-corrections.illustrative.json`).
    pub fn with_land_corrections(mut self, path: Option<&Path>) -> Result<Rules, String> {
        if let Some(p) = path {
            self.land_corrections =
                Some(CorrectionTables::parse(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?);
        }
        Ok(self)
    }
}
