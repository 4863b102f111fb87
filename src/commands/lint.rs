//! `kiln lint`: its options. The runner itself lives in [`crate::lint`].

use super::{Output, ReleaseOptions};
use crate::error::Result;
use std::path::PathBuf;

/// Output formats of `kiln lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LintFormat {
    #[default]
    Text,
    Json,
    Sarif,
}

/// Everything `kiln lint` needs.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Charts, overlays, manifest files, directories of manifests, or `-` for stdin.
    pub paths: Vec<String>,
    pub release: ReleaseOptions,
    /// Kubernetes version whose schemas objects are validated against (X.Y or X.Y.Z).
    pub kube_version: String,
    pub format: LintFormat,
    /// Warnings fail the run too.
    pub strict: bool,
    /// Rules turned off (entries may be comma-separated).
    pub disable: Vec<String>,
    /// CustomResourceDefinition files whose schemas validate their custom resources.
    pub crd: Vec<PathBuf>,
    /// Color in text output: `auto`, `always` or `never`.
    pub color: String,
}

/// Runs `kiln lint`.
pub fn run(opts: &LintOptions) -> Result<Output> {
    crate::lint::run(opts)
}
