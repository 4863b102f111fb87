//! `kiln render`: a chart (a directory with Chart.yaml) or an overlay (a directory with a
//! kustomization) to one YAML stream, or to a tree of files.

use super::{Output, ReleaseOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::{self, ChartRenderConfig};
use std::path::PathBuf;

/// Everything `kiln render` needs.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Chart or overlay directory.
    pub path: PathBuf,
    pub release: ReleaseOptions,
    /// Kubernetes version for Capabilities and Chart.yaml kubeVersion checks (`None`: the default).
    pub kube_version: Option<String>,
    /// Only print the objects of these templates.
    pub show_only: Vec<String>,
    /// Write one file per template under this directory instead of printing.
    pub output_dir: Option<PathBuf>,
    /// Also print the chart's crds/ files (first).
    pub include_crds: bool,
}

/// Runs `kiln render`.
pub fn run(opts: &RenderOptions) -> Result<Output> {
    if crate::overlay::kustomization::find_file(&opts.path).is_some() {
        return render_overlay(opts).map(Output::from);
    }
    let kube_version = opts
        .kube_version
        .as_deref()
        .unwrap_or(pipeline::DEFAULT_KUBE_VERSION);
    let cfg = ChartRenderConfig {
        show_only: opts.show_only.clone(),
        include_crds: opts.include_crds,
        heads_only: true,
        ..opts.release.chart_config(opts.path.clone(), kube_version)
    };
    let rendered = pipeline::render_chart(&cfg)?;
    match &opts.output_dir {
        Some(dir) => written(crate::emit::write_output_dir(dir, &rendered.resources)?),
        None => Ok(crate::emit::helm_stream(&rendered.resources).into()),
    }
}

fn written(paths: Vec<PathBuf>) -> Result<Output> {
    Ok(paths
        .iter()
        .map(|p| format!("wrote {}\n", p.display()))
        .collect::<String>()
        .into())
}

/// `kiln render DIR` where DIR holds a kustomization.
fn render_overlay(opts: &RenderOptions) -> Result<String> {
    let v = &opts.release.values;
    let chart_only = [
        (!v.files.is_empty(), "-f/--values"),
        (!v.set.is_empty(), "--set"),
        (!v.set_string.is_empty(), "--set-string"),
        (!v.set_file.is_empty(), "--set-file"),
        (!v.set_json.is_empty(), "--set-json"),
        (!v.set_literal.is_empty(), "--set-literal"),
        (opts.release.release_name.is_some(), "--release-name"),
        (!opts.show_only.is_empty(), "--show-only"),
        (opts.include_crds, "--include-crds"),
    ];
    if let Some((_, flag)) = chart_only.iter().find(|(used, _)| *used) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{flag} applies to charts; {} is an overlay (set chart values in its kustomization's `charts:` entry)",
                opts.path.display()
            ),
        ));
    }
    let built = crate::overlay::build(&opts.path)?;
    for w in &built.warnings {
        eprintln!("{w}");
    }
    match &opts.output_dir {
        Some(dir) => {
            let paths = crate::emit::write_output_dir(dir, &built.resources)?;
            Ok(written(paths)?.stdout)
        }
        None => Ok(crate::emit::kustomize_stream(&built.resources)),
    }
}
