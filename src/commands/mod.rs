//! One file per command. Each command takes a plain options struct of its own (no clap types) and
//! returns an [`Output`]; `cli/` only turns parsed flags into these structs and maps results to exit
//! codes. Nothing here imports `cli`.

pub mod build;
pub mod chartify;
pub mod color;
pub mod create;
pub mod diff;
pub mod lint;
pub mod render;
pub mod suggest;
pub mod template;
pub mod values;

use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::ChartRenderConfig;
use crate::values::ValueFlags;
use std::path::{Path, PathBuf};

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

/// What a directory given to a command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Chart,
    Overlay,
}

/// The one check every command makes of a path it is given: same message, same exit code (2).
pub fn require_path(typed: &str) -> Result<()> {
    if typed == "-" || Path::new(typed).exists() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Usage,
            format!("{typed}: no such file or directory"),
        ))
    }
}

/// Whether `typed` is a chart or an overlay; anything else is an error saying both are accepted.
pub fn target(typed: &str) -> Result<Target> {
    require_path(typed)?;
    let path = Path::new(typed);
    if crate::overlay::kustomization::find_file(path).is_some() {
        return Ok(Target::Overlay);
    }
    if path.join("Chart.yaml").is_file() {
        return Ok(Target::Chart);
    }
    // A packaged chart (`helm package` leaves `name-1.2.3.tgz`).
    if path.is_file() && typed.ends_with(".tgz") {
        return Ok(Target::Chart);
    }
    let what = if path.is_dir() {
        "a directory"
    } else {
        "a file"
    };
    Err(Error::new(
        ErrorKind::Usage,
        format!(
            "{typed} is {what} with neither Chart.yaml nor kustomization.yaml: give a chart directory or an overlay directory (both are accepted)"
        ),
    ))
}

/// The `name:` of `typed/Chart.yaml`, if it reads.
pub fn chart_name(typed: &str) -> Option<String> {
    let path = Path::new(typed).join("Chart.yaml");
    let root = crate::fs::Root::new(Path::new(typed), "the chart").ok()?;
    let text = root
        .read_to_string(Path::new("Chart.yaml"), &path.display().to_string())
        .ok()?;
    let doc = crate::yaml::parse_document(&text, &path.display().to_string()).ok()?;
    doc.get("name")?.as_str().map(str::to_string)
}

/// Errors of a chart name its files under the directory as typed (`m1/templates/cm.yaml`), not
/// under the chart's name (`agent/templates/cm.yaml`, which is what `# Source:` lines show); a
/// file of a chart read from an archive (the chart itself, or a `charts/*.tgz` dependency) as the
/// archive and its path inside (`m1/charts/redis-1.2.3.tgz:templates/x.yaml`).
pub fn name_chart_dir(e: Error, typed: &str) -> Error {
    // Display roots of the charts read from archives (the tree is loaded again: errors only).
    let archives: Vec<(String, String)> = crate::chart::load_chart(Path::new(typed))
        .map(|chart| {
            chart
                .by_display_root()
                .into_iter()
                .filter_map(|(root, c)| c.archive_prefix.clone().map(|p| (format!("{root}/"), p)))
                .collect()
        })
        .unwrap_or_default();
    let dir_prefix = if typed.ends_with(".tgz") {
        None
    } else {
        chart_name(typed).and_then(|name| {
            let typed = typed.trim_end_matches('/');
            let from = format!("{name}/");
            let to = if typed == "." || typed.is_empty() {
                String::new()
            } else {
                format!("{typed}/")
            };
            (from != to).then_some((from, to))
        })
    };
    if archives.is_empty() && dir_prefix.is_none() {
        return e;
    }
    let retarget = |s: &str| -> String {
        for (root, prefix) in &archives {
            if let Some(rest) = s.strip_prefix(root.as_str()) {
                return format!("{prefix}{rest}");
            }
        }
        match &dir_prefix {
            Some((from, to)) => match s.strip_prefix(from.as_str()) {
                Some(rest) => format!("{to}{rest}"),
                None => s.to_string(),
            },
            None => s.to_string(),
        }
    };
    let mut out = Error::new(e.kind(), e.message());
    if let Some(loc) = e.location() {
        let mut loc = loc.clone();
        loc.file = retarget(&loc.file);
        out = out.with_location(loc);
    }
    for note in e.notes() {
        out = out.with_note(match note.strip_prefix("while rendering ") {
            Some(file) => format!("while rendering {}", retarget(file)),
            None => note.clone(),
        });
    }
    out
}

/// A schema error about a value YAML 1.1 reads as a boolean (`mode: y`, `on`, `no`…) explains
/// that and says to quote it.
pub fn explain_yaml11_boolean(e: Error) -> Error {
    if e.kind() != ErrorKind::Schema || !e.message().contains("got boolean, want string") {
        return e;
    }
    let Some(line) = e.location().and_then(|l| l.source_line.clone()) else {
        return e;
    };
    let Some((key, value)) = line.split_once(':') else {
        return e;
    };
    let value = value.trim();
    const YAML11_BOOLS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF",
    ];
    if !YAML11_BOOLS.contains(&value) {
        return e;
    }
    let key = key.trim().trim_start_matches("- ");
    e.with_note(format!(
        "YAML 1.1 (which Helm's values files follow) reads `{value}` as a boolean; quote it to keep the string: `{key}: \"{value}\"`"
    ))
}
