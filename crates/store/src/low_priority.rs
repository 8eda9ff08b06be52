//! CPU-heavy work on threads of lower scheduling priority.
//!
//! Validating a large write, valuing a large parcel or checking a long track
//! takes seconds of CPU; the requests that take milliseconds (locate, tiles,
//! record reads) must not wait behind it. Heavy work therefore runs on a thread
//! of its own whose nice value is [`NICE`] (Linux schedules threads, and nice
//! applies per thread): when the light work wants the cores, the kernel gives
//! them to it first; when it does not, the heavy work gets them all. A thread is
//! made per job (tens of microseconds, nothing next to the job) because nice
//! cannot be raised back without privileges, so a pooled thread could not be
//! returned to normal priority.

/// The nice value of heavy work (0 is normal, 19 the lowest priority).
pub const NICE: i32 = 10;

/// Lowers the calling thread's scheduling priority to [`NICE`]. Where the
/// system refuses, the work runs at normal priority (logged at debug).
pub fn lower_this_thread() {
    let me = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(me), NICE) {
        tracing::debug!(error = %e, "could not lower the priority of a heavy-work thread");
    }
}

/// Why heavy work produced no result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HeavyWorkError {
    /// No thread could be started for it.
    #[error("no thread could be started for the work: {0}")]
    Spawn(std::io::Error),
    /// It panicked.
    #[error("the work panicked")]
    Panicked,
}

/// Runs `work` on a new thread of lower priority and resolves with its result.
pub async fn run<T, F>(work: F) -> Result<T, HeavyWorkError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("landtrace-heavy".into())
        .spawn(move || {
            lower_this_thread();
            let _ = tx.send(work());
        })
        .map_err(HeavyWorkError::Spawn)?;
    rx.await.map_err(|_| HeavyWorkError::Panicked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_at_the_lower_priority_and_returns_its_result() {
        let nice = run(|| rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()).await.unwrap();
        assert_eq!(nice, NICE);
        let normal = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap();
        assert_eq!(normal, 0, "the caller's priority is unchanged");
        assert!(matches!(run(|| -> u8 { panic!("boom") }).await, Err(HeavyWorkError::Panicked)));
    }
}
