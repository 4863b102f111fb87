//! The repository's lint settings: `.kiln.yaml` (or `.kiln.yml`), found in the current directory
//! or the nearest parent up to the repository root (the directory holding `.git`), or given with
//! `--config FILE`. Command-line flags win over the file.
//!
//! ```yaml
//! lint:
//!   kubeVersion: "1.33"          # like --kube-version
//!   disable: [image-tag]         # like --disable
//!   severity:                    # a rule's severity: error, warning, info, or off
//!     rbac-wildcard: warning
//!     resources-missing: off
//! ```

use crate::commands::lint::LintOptions as LintArgs;
use crate::error::{Error, ErrorKind, Result};
use crate::lint::finding::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The Kubernetes version linted for when neither flag nor file sets one.
pub const DEFAULT_KUBE_VERSION: &str = "1.35";

/// The names the settings file may have, in order of preference.
pub const FILE_NAMES: &[&str] = &[".kiln.yaml", ".kiln.yml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    lint: Lint,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Lint {
    kube_version: Option<String>,
    #[serde(default)]
    disable: Vec<String>,
    /// Values are strings; `off` unquoted reads as the boolean false in YAML 1.1, taken as off.
    #[serde(default)]
    severity: BTreeMap<String, serde_json::Value>,
}

/// Settings in force for one run: the file's, under the flags.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The file they came from, if any.
    pub file: Option<PathBuf>,
    pub kube_version: String,
    /// Rules turned off (flags and file, `severity: off` included).
    pub disable: Vec<String>,
    /// Severity per rule id, replacing the rule's default.
    pub severity: BTreeMap<String, Severity>,
}

/// The settings of a run: `--config FILE`, else the `.kiln.yaml` found from the current
/// directory up, under the flags of `args`.
pub fn settings(args: &LintArgs) -> Result<Settings> {
    let file = match &args.config {
        Some(f) => Some(f.clone()),
        None => find(&std::env::current_dir().map_err(|e| Error::io(".", e))?),
    };
    let lint = match &file {
        Some(f) => read(f)?,
        None => Lint::default(),
    };
    let shown = file.as_ref().map(|f| f.display().to_string());
    let mut s = Settings {
        file: file.clone(),
        kube_version: args
            .kube_version
            .clone()
            .or(lint.kube_version)
            .unwrap_or_else(|| DEFAULT_KUBE_VERSION.to_string()),
        disable: lint.disable,
        severity: BTreeMap::new(),
    };
    for (rule, level) in lint.severity {
        let level = match level {
            serde_json::Value::Bool(false) => "off".to_string(),
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        let level = match level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "off" => {
                s.disable.push(rule);
                continue;
            }
            other => {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!(
                        "{}: severity of {rule}: {other:?} is not error, warning, info or off",
                        shown.as_deref().unwrap_or("")
                    ),
                ))
            }
        };
        s.severity.insert(rule, level);
    }
    for rule in s.severity.keys().chain(&s.disable) {
        if crate::lint::rules::rule(rule).is_none() {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "{}: no such rule {rule:?} (`kiln lint --list-rules` lists them)",
                    shown.as_deref().unwrap_or("")
                ),
            ));
        }
    }
    s.disable.extend(args.disable.iter().cloned());
    Ok(s)
}

/// The settings file in `dir` or the nearest parent, stopping at the repository root.
fn find(dir: &Path) -> Option<PathBuf> {
    for d in dir.ancestors() {
        for name in FILE_NAMES {
            let f = d.join(name);
            if f.is_file() {
                return Some(f);
            }
        }
        if d.join(".git").exists() {
            return None;
        }
    }
    None
}

fn read(path: &Path) -> Result<Lint> {
    let value = crate::yaml::parse_file(path)?;
    if value.is_null() {
        return Ok(Lint::default());
    }
    let file: File = serde_json::from_value(value).map_err(|e| {
        Error::new(
            ErrorKind::Usage,
            format!(
                "{}: {e} (see `lint:` in the README's configuration section)",
                path.display()
            ),
        )
    })?;
    Ok(file.lint)
}

/// The repository root of `dir`: the nearest directory holding `.git`, else `dir` itself.
pub fn repository_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}
