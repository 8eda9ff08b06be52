//! The progress bar of `landtrace import` while a large file is read.

/// Files with at least this many features get a progress bar.
const PROGRESS_FROM: u64 = 5_000;

/// The bar, shown once a large file's reading starts.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Told (features read, total when known) as reading goes on.
    pub(crate) fn tell(&mut self, done: u64, total: Option<u64>) {
        if done == 1 && total.is_some_and(|t| t >= PROGRESS_FROM) {
            let bar = indicatif::ProgressBar::new(total.unwrap_or(0)).with_style(
                indicatif::ProgressStyle::with_template("reading [{bar:40}] {pos}/{len} features, eta {eta}")
                    .expect("a valid template"),
            );
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar
            && (done.is_multiple_of(256) || total == Some(done))
        {
            bar.set_position(done);
        }
    }

    /// Clears the bar.
    pub(crate) fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
