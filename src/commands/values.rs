//! `kiln values CHART`: the values a render would see (chart defaults, subcharts' sections,
//! `-f` files and the `--set` family merged, schema checked), as YAML. `--user-only` prints only
//! what the command line gave (`helm get values` without `--all`).
//!
//! `kiln show values|chart|readme|all CHART`: the chart's own files, as `helm show` prints them.

use super::Output;
use crate::error::{Error, ErrorKind, Result};
use crate::values::{self, ValueFlags};
use crate::yaml::{to_yaml, Style};
use std::path::Path;

/// Everything `kiln values` needs.
#[derive(Debug, Clone, Default)]
pub struct ValuesOptions {
    /// Chart directory, as typed.
    pub chart: String,
    pub values: ValueFlags,
    pub user_only: bool,
}

/// Runs `kiln values`.
pub fn run(opts: &ValuesOptions) -> Result<Output> {
    require_chart(&opts.chart)?;
    let chart = crate::chart::load_chart(Path::new(&opts.chart))
        .map_err(|e| super::name_chart_dir(e, &opts.chart))?;
    let user = values::user_values_for(&opts.values, chart.meta.engine.yaml_flavor())?;
    let shown = if opts.user_only {
        user.values.clone()
    } else {
        values::resolve_with_files(&chart, &user)
            .map_err(|e| super::explain_yaml11_boolean(super::name_chart_dir(e, &opts.chart)))?
            .values
    };
    let empty = shown.as_object().is_some_and(|m| m.is_empty()) || shown.is_null();
    Ok(if empty {
        "{}\n".to_string()
    } else {
        to_yaml(&shown, Style::Helm)
    }
    .into())
}

/// What `kiln show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowWhat {
    Values,
    Chart,
    Readme,
    All,
}

/// Everything `kiln show` needs.
#[derive(Debug, Clone)]
pub struct ShowOptions {
    pub what: ShowWhat,
    pub chart: String,
}

/// Runs `kiln show`.
pub fn show(opts: &ShowOptions) -> Result<Output> {
    require_chart(&opts.chart)?;
    let dir = Path::new(&opts.chart);
    // A packaged chart: its files are read from the archive.
    let packaged = dir.is_file();
    let root = if packaged {
        None
    } else {
        Some(crate::fs::Root::new(dir, "the chart")?)
    };
    let read = |name: &str| -> Result<Option<String>> {
        let Some(root) = &root else {
            return crate::chart::read_archive_text(dir, name);
        };
        if !root.exists(Path::new(name)) {
            return Ok(None);
        }
        let shown = dir.join(name).display().to_string();
        root.read_to_string(Path::new(name), &shown).map(Some)
    };
    let readme = || -> Result<Option<String>> {
        for name in ["README.md", "README.txt", "README"] {
            if let Some(t) = read(name)? {
                return Ok(Some(t));
            }
        }
        Ok(None)
    };
    let text = match opts.what {
        ShowWhat::Chart => read("Chart.yaml")?.unwrap_or_default(),
        ShowWhat::Values => read("values.yaml")?.unwrap_or_default(),
        ShowWhat::Readme => match readme()? {
            Some(t) => t,
            None => {
                return Err(Error::new(
                    ErrorKind::Chart,
                    format!("{}: the chart has no README.md", opts.chart),
                ))
            }
        },
        ShowWhat::All => {
            let mut parts = vec![read("Chart.yaml")?.unwrap_or_default()];
            if let Some(v) = read("values.yaml")? {
                parts.push(v);
            }
            if let Some(r) = readme()? {
                parts.push(r);
            }
            parts
                .iter()
                .map(|p| p.trim_end_matches('\n'))
                .collect::<Vec<_>>()
                .join("\n---\n")
                + "\n"
        }
    };
    Ok(text.into())
}

/// A path that exists and holds Chart.yaml (or a packaged `.tgz` chart); otherwise the shared
/// missing-path error or a message saying a chart is needed here.
fn require_chart(typed: &str) -> Result<()> {
    super::require_path(typed)?;
    let path = Path::new(typed);
    if path.join("Chart.yaml").is_file() || (path.is_file() && typed.ends_with(".tgz")) {
        return Ok(());
    }
    let what = match super::target(typed) {
        Ok(super::Target::Overlay) => "an overlay",
        _ => "not a chart",
    };
    Err(Error::new(
        ErrorKind::Usage,
        format!("{typed} is {what}: this command takes a chart directory (with Chart.yaml) or a packaged .tgz chart"),
    ))
}
