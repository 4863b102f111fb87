//! `semver_compare`: sprig's `semverCompare` through [`crate::functions::semver`] (Masterminds
//! semver v3 constraint rules).

use minijinja::{Error, ErrorKind};

/// `version | semver_compare(constraint)`: whether the version meets the constraint.
pub(super) fn semver_compare(version: &str, constraint: &str) -> Result<bool, Error> {
    crate::functions::semver::semver_compare(constraint, version)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}
