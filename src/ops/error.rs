//! What an operation can fail with: the file (every error with its row and column), a
//! refusal by the rules of the competition, an account without the role for the change, or
//! the database. The web maps it to a status once (`web::error`), the command line to an exit
//! code once (`cli`).

use crate::auth::Role;
use crate::import::ImportErrors;
use crate::store::{Refusal, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The file was rejected; nothing was written.
    #[error("{0}")]
    File(ImportErrors),
    /// A change the rules refuse in the current state; nothing was written.
    #[error(transparent)]
    Refused(Refusal),
    /// The acting account's role does not allow the change; nothing was written.
    #[error("只有{}可以{what}", .role.label())]
    NotPermitted { role: Role, what: &'static str },
    /// Input that cannot be used (a competition file, a units list): every reason, nothing
    /// was written.
    #[error("{}", .0.join("\n"))]
    Input(Vec<String>),
    /// The database failed (never `Import` or `Refused`: those are taken apart above).
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for OpsError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Import(errors) => OpsError::File(errors),
            StoreError::Refused(r) => OpsError::Refused(r),
            other => OpsError::Store(other),
        }
    }
}

impl From<Refusal> for OpsError {
    fn from(r: Refusal) -> Self {
        OpsError::Refused(r)
    }
}

impl From<rusqlite::Error> for OpsError {
    fn from(e: rusqlite::Error) -> Self {
        OpsError::Store(e.into())
    }
}

impl From<ImportErrors> for OpsError {
    fn from(e: ImportErrors) -> Self {
        OpsError::File(e)
    }
}

/// What an operation returns.
pub type Result<T> = std::result::Result<T, OpsError>;

/// Refuses the change unless the acting account has at least `role`.
pub(super) fn require(actual: Role, role: Role, what: &'static str) -> Result<()> {
    if actual >= role {
        Ok(())
    } else {
        Err(OpsError::NotPermitted { role, what })
    }
}
