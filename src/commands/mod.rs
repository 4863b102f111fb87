//! One file per command. Each command takes a plain options struct of its own (no clap types) and
//! returns an [`Output`]; `cli/` only turns parsed flags into these structs and maps results to exit
//! codes. Nothing here imports `cli`.

pub mod chartify;
pub mod lint;
pub mod render;

use crate::pipeline::ChartRenderConfig;
use crate::values::ValueFlags;
use std::path::PathBuf;

/// What a successful command prints, and its exit code (`kiln lint` exits 1 when it found
/// errors, yet still prints its report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub code: i32,
}

impl From<String> for Output {
    fn from(stdout: String) -> Output {
        Output { stdout, code: 0 }
    }
}

/// How a chart is rendered as a release: values and release settings (render, lint, values…).
#[derive(Debug, Clone, Default)]
pub struct ReleaseOptions {
    pub values: ValueFlags,
    /// Release name (default: the chart's name).
    pub release_name: Option<String>,
    /// Release namespace; `None` when not given (charts then use `default`).
    pub namespace: Option<String>,
    /// Extra API versions for Capabilities.APIVersions (entries may be comma-separated).
    pub api_versions: Vec<String>,
}

impl ReleaseOptions {
    /// The namespace, `default` when none was given.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    /// The render config of `chart_dir` as this release.
    pub fn chart_config(&self, chart_dir: PathBuf, kube_version: &str) -> ChartRenderConfig {
        ChartRenderConfig {
            chart_dir,
            values: self.values.clone(),
            release_name: self.release_name.clone(),
            namespace: self.namespace().to_string(),
            kube_version: kube_version.to_string(),
            api_versions: self.api_versions.clone(),
            ..ChartRenderConfig::default()
        }
    }
}
