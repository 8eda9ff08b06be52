//! The latest write that failed for a reason of the store's storage (a full
//! disk, a read-only file system or database, a failing disk), kept so that
//! `Store::health` can report it until a write succeeds again or the cause is
//! seen to be gone.

use std::sync::Mutex;

use crate::StoreError;

/// Which storage problem a write met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StorageProblem {
    DiskFull,
    ReadOnly,
    DiskError,
}

/// A write that failed for a storage reason.
#[derive(Debug, Clone)]
pub(crate) struct StorageFailure {
    pub(crate) problem: StorageProblem,
    pub(crate) detail: String,
    /// Free bytes of the file system when it happened, where the backend can tell.
    pub(crate) free_bytes: Option<u64>,
}

impl StorageFailure {
    /// The error `health` reports for it.
    pub(crate) fn to_error(&self) -> StoreError {
        let detail = format!("the last write failed: {}", self.detail);
        match self.problem {
            StorageProblem::DiskFull => StoreError::DiskFull { detail },
            StorageProblem::ReadOnly => StoreError::ReadOnly { detail },
            StorageProblem::DiskError => StoreError::DiskError { detail },
        }
    }
}

/// The latest storage failure of a store's writes (shared by its clones).
#[derive(Debug, Default)]
pub(crate) struct WriteFailures(Mutex<Option<StorageFailure>>);

impl WriteFailures {
    /// Notes the outcome of a write: a storage failure is remembered (with the
    /// free bytes `free_bytes` reports), a success forgets the last one. Other
    /// errors (invalid input, unknown ids) say nothing about the storage.
    pub(crate) fn note<T>(&self, result: &Result<T, StoreError>, free_bytes: impl FnOnce() -> Option<u64>) {
        let failure = match result {
            Ok(_) => None,
            Err(e) => {
                let (problem, detail) = match e {
                    StoreError::DiskFull { detail } => (StorageProblem::DiskFull, detail),
                    StoreError::ReadOnly { detail } => (StorageProblem::ReadOnly, detail),
                    StoreError::DiskError { detail } => (StorageProblem::DiskError, detail),
                    _ => return,
                };
                Some(StorageFailure { problem, detail: detail.clone(), free_bytes: free_bytes() })
            }
        };
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = failure;
    }

    /// The last storage failure not followed by a successful write.
    pub(crate) fn last(&self) -> Option<StorageFailure> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Forgets the last failure (its cause is seen to be gone).
    pub(crate) fn forget(&self) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}
