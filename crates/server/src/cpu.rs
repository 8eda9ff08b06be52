//! A bounded pool for CPU-heavy request work (parcel overlays, batch
//! valuations, track checks, spreadsheet imports, validating large writes).
//!
//! The work runs on threads of lower scheduling priority
//! ([`landtrace_store::low_priority`]), never on the async worker threads that
//! answer every other request (locate, tiles, health), and at most
//! [`CpuPool::workers`] jobs run at once: by default one fewer than the cores, so
//! one core stays free for the light requests however many heavy ones arrive,
//! and the kernel gives the light requests the other core first too. A job
//! waits for a worker as long as its request's deadline allows.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// The pool; cloning shares it.
#[derive(Debug, Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
    workers: usize,
}

/// Set when the request that started a job has gone (its deadline passed or the
/// client left); long jobs check it between units of work and stop early.
#[derive(Debug, Clone, Default)]
pub struct Cancelled(Arc<AtomicBool>);

impl Cancelled {
    /// Whether the job should stop.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Sets the flag when the awaiting request future is dropped.
struct CancelOnDrop(Cancelled);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.0.store(true, Ordering::Relaxed);
    }
}

impl CpuPool {
    /// A pool of `workers` (at least 1) concurrent jobs.
    pub fn new(workers: usize) -> CpuPool {
        let workers = workers.max(1);
        CpuPool { permits: Arc::new(Semaphore::new(workers)), workers }
    }

    /// One fewer than the available cores, at least 1.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1)).max(1)
    }

    /// How many jobs run at once.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Waits for a free worker and holds it (for async work that is CPU-heavy
    /// in parts, such as a large write whose validation the store runs on a
    /// blocking thread).
    pub async fn permit(&self) -> OwnedSemaphorePermit {
        self.permits.clone().acquire_owned().await.expect("the pool's semaphore is never closed")
    }

    /// Waits for a free worker and keeps it for a request whose heavy work comes
    /// in several steps, some of them async (parse a body, then write it through
    /// the store, which validates on a blocking thread).
    pub async fn slot(&self) -> CpuSlot {
        CpuSlot { _permit: self.permit().await }
    }

    /// Runs `work` on a blocking thread once a worker is free. The worker stays
    /// taken until `work` returns, even when the request is dropped first.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        self.run_cancellable(move |_| work()).await
    }

    /// As [`CpuPool::run`], giving `work` a flag that is set when the request
    /// is dropped, so that long work can stop early.
    pub async fn run_cancellable<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Cancelled) -> T + Send + 'static,
    {
        let permit = self.permit().await;
        let cancelled = Cancelled::default();
        // Dropped with this future: when the request goes away before the job
        // ends, the job sees the flag (after it ends, the flag is harmless).
        let _cancel_on_drop = CancelOnDrop(cancelled.clone());
        landtrace_store::low_priority::run(move || {
            let _permit = permit;
            work(&cancelled)
        })
        .await
        .map_err(|e| AppError::Internal(format!("a worker failed: {e}")))
    }
}

/// A worker of the pool held by one request (see [`CpuPool::slot`]).
#[derive(Debug)]
pub struct CpuSlot {
    _permit: OwnedSemaphorePermit,
}

impl CpuSlot {
    /// Runs `work` on a thread of lower priority, in this slot.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        landtrace_store::low_priority::run(work).await.map_err(|e| AppError::Internal(format!("a worker failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn at_most_the_workers_run_at_once_and_a_dropped_request_cancels_its_job() {
        let pool = CpuPool::new(1);
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let jobs: Vec<_> = (0..4)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);

        let seen = Arc::new(AtomicBool::new(false));
        let flag = seen.clone();
        let job = pool.run_cancellable(move |cancelled| {
            for _ in 0..500 {
                if cancelled.is_set() {
                    flag.store(true, Ordering::SeqCst);
                    return;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        assert!(tokio::time::timeout(Duration::from_millis(30), job).await.is_err());
        // The worker is released once the job has seen the flag and stopped.
        let _permit = tokio::time::timeout(Duration::from_secs(2), pool.permit()).await.expect("worker released");
        assert!(seen.load(Ordering::SeqCst), "the job saw that its request was dropped");
    }
}
