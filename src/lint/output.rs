//! The three report formats: text for people, JSON for tools, SARIF 2.1.0 for code scanning.

use super::finding::{Finding, Severity};
use super::rules::RULES;
use super::Report;
use serde_json::{json, Value};
use std::fmt::Write;

const RED: &str = "\x1b[31;1m";
const YELLOW: &str = "\x1b[33;1m";
const BLUE: &str = "\x1b[34;1m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Findings grouped by file, then a summary line.
///
/// ```text
/// charts/cronjob/templates/cronjob.yaml
///   12:  error  cronjob-schedule  CronJob/default/nightly  spec.schedule
///        `61 * * * *`: minute (61) above maximum (59): ...
/// ```
///
/// Text from the input (file names, object names, paths, messages) prints with control
/// characters escaped ([`crate::error::escape_control`]), with or without colour.
pub fn text(report: &Report, color: bool) -> String {
    use crate::error::escape_control as esc;
    let paint = |code: &'static str, s: &str| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let mut file: Option<&str> = None;
    for f in &report.findings {
        if file != Some(f.file.as_str()) {
            if file.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{}", paint(BOLD, &esc(&f.file)));
            file = Some(&f.file);
        }
        let sev = match f.severity {
            Severity::Error => paint(RED, "error"),
            Severity::Warning => paint(YELLOW, "warning"),
            Severity::Info => paint(BLUE, "info"),
        };
        let mut head = format!("  {}:{}: {sev}[{}]", esc(&f.file), f.line, f.rule);
        let object = f.object();
        if !object.is_empty() {
            let _ = write!(head, " {}", esc(&object));
        }
        if !f.path.is_empty() {
            let _ = write!(head, " {}", paint(DIM, &format!("at {}", esc(&f.path))));
        }
        let _ = writeln!(out, "{head}");
        for line in f.message.lines() {
            let _ = writeln!(out, "      {}", esc(line));
        }
    }
    let s = report.summary();
    if !report.findings.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} {}, {} {}, {} {} in {} {}",
        s.errors,
        plural(s.errors, "error"),
        s.warnings,
        plural(s.warnings, "warning"),
        s.infos,
        plural(s.infos, "info"),
        s.objects,
        plural(s.objects, "object"),
    );
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// `{"findings": [...], "summary": {...}}`.
pub fn json(report: &Report) -> String {
    let v = json!({
        "findings": report.findings,
        "summary": report.summary(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("findings serialize");
    s.push('\n');
    s
}

/// SARIF 2.1.0: one run, the tool driver `kiln` with every rule, one result per finding; file
/// paths as given.
pub fn sarif(report: &Report) -> String {
    sarif_in(report, "", std::path::Path::new(""))
}

/// [`sarif`] with each relative file path prefixed by `base` (the current directory relative to
/// the repository root) and each absolute one under `root` made relative to it, so the URIs are
/// relative to the repository root, as code scanning resolves them.
pub fn sarif_in(report: &Report, base: &str, root: &std::path::Path) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.description},
                "fullDescription": {"text": r.description},
                "help": {"text": r.help},
                "defaultConfiguration": {"level": r.severity.sarif_level()},
                "properties": {"tags": [r.category.as_str()]},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, &repository_path(&f.file, base, root)))
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kiln",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&v).expect("SARIF serializes");
    s.push('\n');
    s
}

/// A finding's file relative to the repository root (see [`sarif_in`]).
fn repository_path(file: &str, base: &str, root: &std::path::Path) -> String {
    let path = std::path::Path::new(file);
    if path.is_absolute() {
        return match path.strip_prefix(root) {
            Ok(rel) if !root.as_os_str().is_empty() => rel.display().to_string(),
            _ => file.to_string(),
        };
    }
    if base.is_empty() || file == "<stdin>" {
        return file.to_string();
    }
    // base/file with `..` and `.` resolved lexically.
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for seg in file.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return file.to_string(); // outside the repository: as given
                }
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn result(f: &Finding, file: &str) -> Value {
    let index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
    let mut text = f.message.clone();
    let object = f.object();
    if !object.is_empty() {
        text = format!("{object}: {text}");
    }
    if !f.path.is_empty() {
        text = format!("{text} (at {})", f.path);
    }
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(file)},
            "region": {"startLine": f.line.max(1)},
        }
    });
    if !object.is_empty() {
        location["logicalLocations"] = json!([{
            "fullyQualifiedName": if f.path.is_empty() { object.clone() } else { format!("{object}/{}", f.path) },
            "kind": "object",
        }]);
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": f.severity.sarif_level(),
        "message": {"text": text},
        "locations": [location],
    })
}

/// A relative file path as a URI reference: `/` separators, no `./`, spaces and colons escaped
/// (a file inside a chart archive, `web-0.1.0.tgz:templates/x.yaml`, must not read as a URI
/// scheme).
fn uri(file: &str) -> String {
    let f = file.replace('\\', "/");
    let f = f.trim_start_matches("./");
    f.replace(' ', "%20").replace(':', "%3A")
}
