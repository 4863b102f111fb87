//! `kiln lint`: its options. The runner itself lives in [`crate::lint`].

use super::{Output, ReleaseOptions};
use crate::error::{Error, ErrorKind, Result};
use std::path::{Path, PathBuf};

/// Output formats of `kiln lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LintFormat {
    #[default]
    Text,
    Json,
    Sarif,
}

/// How `kiln lint` groups plain manifests (files, directories of them, stdin) into sets whose
/// objects are checked against each other; each chart and each overlay is always a set of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LintGroup {
    /// Each PATH given is one set: a directory's manifest files are linted together.
    #[default]
    Path,
    /// Each manifest file is a set of its own (independent releases rendered to files).
    File,
    /// Every manifest of every PATH is one set.
    All,
}

/// Everything `kiln lint` needs.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Charts, overlays, manifest files, directories of manifests, or `-` for stdin.
    pub paths: Vec<String>,
    pub release: ReleaseOptions,
    /// Kubernetes version whose schemas objects are validated against (X.Y or X.Y.Z; `None`:
    /// `lint.kubeVersion` of .kiln.yaml, else 1.35).
    pub kube_version: Option<String>,
    pub format: LintFormat,
    /// Warnings fail the run too.
    pub strict: bool,
    /// Rules turned off (entries may be comma-separated).
    pub disable: Vec<String>,
    /// CustomResourceDefinition files whose schemas validate their custom resources.
    pub crd: Vec<PathBuf>,
    /// Color in text output: `auto`, `always` or `never`.
    pub color: String,
    /// Settings file (default: .kiln.yaml found from the current directory up).
    pub config: Option<PathBuf>,
    /// List every rule and exit.
    pub list_rules: bool,
    /// Explain one rule and exit.
    pub explain: Option<String>,
    /// How plain manifests are grouped into lint sets.
    pub group: LintGroup,
}

/// Runs `kiln lint`.
pub fn run(opts: &LintOptions) -> Result<Output> {
    refuse_chart_flags_without_charts(opts)?;
    crate::lint::run(opts)
}

/// Value flags and `-a` change how charts render; when no PATH can hold a chart (only overlays,
/// files and stdin), they would do nothing, so they are refused. (`--release-name` and `-n` stay:
/// lint rules use the namespace for objects without one.)
fn refuse_chart_flags_without_charts(opts: &LintOptions) -> Result<()> {
    let v = &opts.release.values;
    let flags = [
        (!v.files.is_empty(), "-f/--values"),
        (!v.set.is_empty(), "--set"),
        (!v.set_string.is_empty(), "--set-string"),
        (!v.set_file.is_empty(), "--set-file"),
        (!v.set_json.is_empty(), "--set-json"),
        (!v.set_literal.is_empty(), "--set-literal"),
        (!opts.release.api_versions.is_empty(), "-a/--api-versions"),
    ];
    let Some((_, flag)) = flags.iter().find(|(used, _)| *used) else {
        return Ok(());
    };
    let may_hold_chart = |p: &String| {
        let path = Path::new(p);
        p != "-" && path.is_dir() && crate::overlay::kustomization::find_file(path).is_none()
    };
    if opts.paths.iter().any(may_hold_chart) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Usage,
        format!(
            "{flag} applies to charts, and none of {} is one: an overlay's charts take their values from its kustomization's `charts:` entry",
            opts.paths.join(", ")
        ),
    ))
}
