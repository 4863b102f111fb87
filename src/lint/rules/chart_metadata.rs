//! `chart-metadata`: `Chart.yaml` like `helm lint` checks it: apiVersion, name, SemVer
//! version, type.

use super::Sink;
use crate::lint::set::LintSet;
use serde_json::Value;

/// The 1-based line of a top-level `key:` in a YAML text (1 when absent).
pub fn key_line(text: &str, key: &str) -> usize {
    let prefix = format!("{key}:");
    text.lines()
        .position(|l| l.starts_with(&prefix))
        .map_or(1, |i| i + 1)
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for chart in &set.charts {
        let file = chart.shown("Chart.yaml");
        let text = match chart.read("Chart.yaml") {
            Ok(Some(t)) => t,
            Ok(None) => {
                sink.file(&file, 1, "cannot read Chart.yaml: the chart has none");
                continue;
            }
            Err(e) => {
                sink.file(&file, 1, format!("cannot read Chart.yaml: {}", e.message()));
                continue;
            }
        };
        let meta = match crate::yaml::parse_document(&text, &file) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                sink.file(
                    &file,
                    1,
                    "Chart.yaml must be a mapping with apiVersion, name and version",
                );
                continue;
            }
            Err(e) => {
                let line = e.location().map_or(1, |l| l.line);
                sink.file(
                    &file,
                    line,
                    format!("Chart.yaml does not parse: {}", e.message()),
                );
                continue;
            }
        };
        let field = |k: &str| match meta.get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        match field("apiVersion").as_deref() {
            None => sink.file(&file, 1, "apiVersion is required: add `apiVersion: v2`"),
            Some("v1" | "v2") => {}
            Some(other) => sink.file(
                &file,
                key_line(&text, "apiVersion"),
                format!("apiVersion `{other}` is not a chart API version: use v2"),
            ),
        }
        if field("name").is_none() {
            sink.file(
                &file,
                1,
                "name is required: add `name:` (the chart directory's name)",
            );
        }
        match field("version") {
            None => sink.file(
                &file,
                1,
                "version is required: add a SemVer 2 version such as `version: 0.1.0`",
            ),
            Some(v) => {
                if semver::Version::parse(&v).is_err() {
                    sink.file(
                        &file,
                        key_line(&text, "version"),
                        format!(
                            "version `{v}` is not SemVer 2: use MAJOR.MINOR.PATCH such as 1.2.0"
                        ),
                    );
                }
            }
        }
        if let Some(t) = field("type") {
            if t != "application" && t != "library" {
                sink.file(
                    &file,
                    key_line(&text, "type"),
                    format!("type `{t}` is invalid: use application or library"),
                );
            }
        }
    }
}
