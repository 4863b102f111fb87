//! `kiln chartify`: its options. The work itself lives in [`crate::chartify`].

use super::Output;
use crate::error::Result;
use std::path::PathBuf;

/// Everything `kiln chartify` needs.
#[derive(Debug, Clone, Default)]
pub struct ChartifyOptions {
    /// Manifest files, directories (recursively), or `-` for stdin.
    pub inputs: Vec<String>,
    /// Chart name.
    pub name: String,
    /// Where to write the chart (default: ./NAME).
    pub output: Option<PathBuf>,
    /// Keep the original object names instead of `{{ h.fullname() }}-<name>`.
    pub keep_names: bool,
    /// Overwrite an existing output directory.
    pub force: bool,
    /// Template language of the chart written: `jinja` (the default) or `go`.
    pub template_language: String,
}

/// Runs `kiln chartify`.
pub fn run(opts: &ChartifyOptions) -> Result<Output> {
    for input in &opts.inputs {
        super::require_path(input)?;
    }
    crate::chartify::run(opts)
}
