//! `kiln lint`: render charts and overlays, run every rule over the objects, report findings.
//!
//! ```text
//! input::load     PATHs -> units (a chart, an overlay, or the plain manifests together)
//!   -> set        one LintSet per unit: objects, an index by kind/namespace/name
//!   -> rules      every rule of rules::RULES over the whole set (minus --disable)
//!   -> locate     YAML path -> line of the object's document in its file
//!   -> output     text (grouped by file), JSON, or SARIF 2.1.0
//! ```
//!
//! An object silences rules with the annotation `kiln.dev/lint-disable: "rule-id,rule-id"`.
//! Exit code: 1 when there are errors (or warnings with `--strict`), else 0.

pub mod config;
pub mod finding;
pub mod input;
pub mod locate;
pub mod output;
pub mod pods;
pub mod removed;
pub mod rules;
pub mod set;

use crate::commands::lint::{LintFormat, LintOptions as LintArgs};
use crate::commands::Output;
use crate::error::{Error, ErrorKind, Result};
use crate::resource::Resource;
pub use finding::{Category, Finding, Severity, Summary};
use rules::{Raw, Rule, Sink, Target, RULES};
use set::LintSet;
use std::collections::HashMap;

/// The annotation that turns rules off for one object.
pub const DISABLE_ANNOTATION: &str = "kiln.dev/lint-disable";

/// The result of linting: sorted findings and the number of objects looked at.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub objects: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings, self.objects)
    }
}

/// `kiln lint` on parsed arguments.
pub fn run(args: &LintArgs) -> Result<Output> {
    if args.list_rules || args.explain.is_some() {
        let settings = config::settings(args)?;
        let stdout = match &args.explain {
            Some(id) => explain(id, &settings)?,
            None => list_rules(&settings),
        };
        return Ok(Output { stdout, code: 0 });
    }
    let color = {
        use std::io::IsTerminal;
        crate::commands::color::enabled(&args.color, std::io::stdout().is_terminal())?
    };
    let report = lint(args)?;
    let summary = report.summary();
    let stdout = match args.format {
        LintFormat::Text => output::text(&report, color),
        LintFormat::Json => output::json(&report),
        LintFormat::Sarif => {
            // Paths relative to the repository root, as code-scanning tools resolve them.
            let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
            let root = config::repository_root(&cwd);
            let base = cwd
                .strip_prefix(&root)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            output::sarif_in(&report, &base, &root)
        }
    };
    let failed = summary.errors > 0 || (args.strict && summary.warnings > 0);
    Ok(Output {
        stdout,
        code: i32::from(failed),
    })
}

/// Lints the PATHs of `args` and returns the sorted findings.
pub fn lint(args: &LintArgs) -> Result<Report> {
    let settings = config::settings(args)?;
    let enabled = enabled_rules(&settings.disable)?;
    let args = &LintArgs {
        kube_version: Some(settings.kube_version.clone()),
        ..args.clone()
    };
    let units = input::load(args)?;
    let kinds = units
        .iter()
        .flat_map(|u| u.objects.iter().map(|r| r.kind().to_string()))
        .collect();
    let crds = input::load_crds(&args.crd, &kinds)?;
    let validator = if enabled.iter().any(|r| r.id == "schema") {
        Some(rules::schema::validator(&settings.kube_version, &crds)?)
    } else {
        None
    };
    let mut report = Report::default();
    for unit in units {
        let mut set = LintSet::new(unit.objects, unit.charts, args.release.namespace());
        set.failures = unit.failures;
        if let Some(validator) = &validator {
            set.schema = rules::schema::verdicts(validator, &set.objects)?;
        }
        report.objects += set.objects.len();
        let mut found = check(&set, &enabled);
        for f in found.iter_mut() {
            // A configured severity replaces the rule's default (not a severity the rule chose
            // for one finding, such as schema's info for an unvalidated custom resource).
            if let Some(&s) = settings.severity.get(f.rule) {
                if f.severity == rules::rule(f.rule).map_or(f.severity, |r| r.severity) {
                    f.severity = s;
                }
            }
        }
        report.findings.extend(found);
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.findings.dedup();
    Ok(report)
}

/// `--list-rules`: one line per rule: id, severity in force, category, description.
fn list_rules(settings: &config::Settings) -> String {
    let mut out = String::new();
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in RULES {
        let severity = if settings
            .disable
            .iter()
            .any(|d| d.split(',').any(|x| x.trim() == r.id))
        {
            "off".to_string()
        } else {
            settings
                .severity
                .get(r.id)
                .copied()
                .unwrap_or(r.severity)
                .to_string()
        };
        out.push_str(&format!(
            "{:width$}  {:7}  {:11}  {}\n",
            r.id,
            severity,
            r.category.as_str(),
            r.description
        ));
    }
    out
}

/// `--explain RULE`.
fn explain(id: &str, settings: &config::Settings) -> Result<String> {
    let Some(r) = rules::rule(id) else {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("--explain {id}: no such rule (`kiln lint --list-rules` lists them)"),
        ));
    };
    let mut severity = r.severity.to_string();
    if let Some(s) = settings.severity.get(r.id) {
        severity = format!(
            "{s} (default {}, set in {})",
            r.severity,
            settings
                .file
                .as_ref()
                .map_or(String::new(), |f| f.display().to_string())
        );
    }
    Ok(format!(
        "{id}: {}\n\ncategory: {}\nseverity: {severity}\n\n{}\n\nSilence it for one object with the annotation {DISABLE_ANNOTATION}: \"{id}\", for a run with --disable {id}, for a repository with `severity: {{{id}: off}}` under `lint:` in .kiln.yaml.\n",
        r.description,
        r.category.as_str(),
        r.help,
    ))
}

fn enabled_rules(disable: &[String]) -> Result<Vec<&'static Rule>> {
    let mut off = Vec::new();
    for d in disable {
        for id in d.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if rules::rule(id).is_none() {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!(
                        "--disable {id}: no such rule (rules: {})",
                        RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            off.push(id.to_string());
        }
    }
    Ok(RULES
        .iter()
        .filter(|r| !off.iter().any(|o| o == r.id))
        .collect())
}

/// Runs `rules` over one set and turns what they report into located findings.
pub fn check(set: &LintSet, rules: &[&'static Rule]) -> Vec<Finding> {
    // Rules are independent: run them on every core, each thread taking every n-th rule.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(rules.len().max(1));
    let mut raw: Vec<Raw> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut found = Vec::new();
                    for rule in rules.iter().skip(t).step_by(threads) {
                        let mut sink = Sink::new(rule);
                        (rule.check)(set, &mut sink);
                        found.append(&mut sink.found);
                    }
                    found
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a lint rule panicked"))
            .collect()
    });
    // The same order whatever the thread count (findings are sorted later; this keeps the
    // first-found-wins choices deterministic).
    raw.sort_by_key(|r| rules.iter().position(|x| x.id == r.rule.id));
    let disabled: Vec<Vec<String>> = set.objects.iter().map(disabled_by_annotation).collect();
    let mut lines = Locator {
        files: HashMap::new(),
        archives: Default::default(),
    };
    raw.into_iter()
        .filter(|r| match r.target {
            Target::Object(i) => !disabled[i].iter().any(|d| d == r.rule.id),
            Target::File { .. } => true,
        })
        .map(|r| finding(set, r, &mut lines))
        .collect()
}

fn disabled_by_annotation(r: &Resource) -> Vec<String> {
    r.value
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(DISABLE_ANNOTATION))
        .and_then(|v| v.as_str())
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn finding(set: &LintSet, raw: Raw, lines: &mut Locator) -> Finding {
    let severity = raw.severity.unwrap_or(raw.rule.severity);
    match raw.target {
        Target::Object(i) => {
            let r = &set.objects[i];
            Finding {
                rule: raw.rule.id,
                severity,
                category: raw.rule.category,
                file: r.source.clone(),
                line: lines.line(r, &raw.path),
                kind: r.kind().to_string(),
                namespace: set.namespace_of(r).to_string(),
                name: r.name().to_string(),
                path: raw.path,
                message: raw.message,
            }
        }
        Target::File { file, line } => Finding {
            rule: raw.rule.id,
            severity,
            category: raw.rule.category,
            file,
            line,
            kind: String::new(),
            namespace: String::new(),
            name: String::new(),
            path: raw.path,
            message: raw.message,
        },
    }
}

/// Finds the line of a path inside an object's document, in the file the object was written in
/// where that file is readable:
///
/// - a manifest or overlay file: the document starting at the object's line is the object as
///   written (before any patch), so its lines are the user's;
/// - a chart template: when the template's document at that line is the object's (literal
///   `kind:`), the path is found in the template itself (Jinja tag lines are skipped); otherwise
///   the line found in the rendered text is matched back to the template line that produced it;
/// - otherwise (stdin, generated objects): the line in the object's own text.
struct Locator {
    files: HashMap<String, Option<SourceFile>>,
    /// Chart archives read for files inside them (`web-0.1.0.tgz:templates/x.yaml`).
    archives: crate::chart::ArchiveCache,
}

/// A source file read once: its text, whether it is a template, and its documents by first line.
struct SourceFile {
    text: String,
    template: bool,
    docs: HashMap<usize, std::ops::Range<usize>>,
}

impl SourceFile {
    /// A file on disk, else a file inside a chart archive (`web-0.1.0.tgz:templates/x.yaml`).
    fn read(path: &str, archives: &mut crate::chart::ArchiveCache) -> Option<SourceFile> {
        let text = match crate::fs::read_user_text(std::path::Path::new(path), path) {
            Ok(t) => t,
            Err(_) => crate::chart::read_shown(path, archives)?,
        };
        let base = text.as_ptr() as usize;
        let docs = crate::yaml::split_documents(&text)
            .iter()
            .map(|d| {
                let start = d.text.as_ptr() as usize - base;
                (d.line_offset + 1, start..start + d.text.len())
            })
            .collect();
        Some(SourceFile {
            template: text.contains("{{") || text.contains("{%"),
            text,
            docs,
        })
    }
}

impl Locator {
    fn line(&mut self, r: &Resource, path: &str) -> usize {
        let path = &stable_path(&r.value, path);
        let rendered = locate::locate(&r.text, path);
        let fallback = r.line + rendered;
        let Some(file) = self
            .files
            .entry(r.source.clone())
            .or_insert_with(|| SourceFile::read(&r.source, &mut self.archives))
            .as_ref()
        else {
            return fallback;
        };
        let kind_line = format!("kind: {}", r.kind());
        if let Some(doc) = file
            .docs
            .get(&r.line)
            .map(|range| &file.text[range.clone()])
            .filter(|d| d.lines().any(|l| l.trim() == kind_line))
        {
            let (line, complete) = locate::locate_full(doc, path);
            if complete || !file.template {
                return r.line + line;
            }
        }
        if !file.template {
            return fallback;
        }
        let text = r.text.lines().nth(rendered).unwrap_or("").trim();
        template_line(&file.text, text, fallback).unwrap_or(fallback)
    }
}

/// The part of `path` that exists in `value`; when it ends at a sequence item that is a mapping,
/// the item's first key is appended. The item's own line is then found by a key it holds, whatever
/// order the object's text was written in (an overlay writes keys sorted, a template as written):
/// linting a chart through an overlay points at the same lines as linting it directly.
fn stable_path(value: &serde_json::Value, path: &str) -> String {
    use locate::Segment;
    let mut v = value;
    let mut out = String::new();
    for seg in locate::parse_path(path) {
        let next = match &seg {
            Segment::Key(k) => v.get(k.as_str()),
            Segment::Index(i) => v.get(*i),
        };
        let Some(next) = next else { break };
        match &seg {
            Segment::Key(k) => out = locate::join(&out, k),
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
        v = next;
    }
    if out.ends_with(']') {
        if let Some(first) = v.as_object().and_then(|m| m.keys().next()) {
            out = locate::join(&out, first);
        }
    }
    out
}

/// The line of `template` that produced the rendered line `text`: the same text, or a line whose
/// literal parts around `{{ … }}` frame it; the nearest to `near` when there are several.
fn template_line(template: &str, text: &str, near: usize) -> Option<usize> {
    fn item(s: &str) -> &str {
        s.trim().trim_start_matches("- ").trim_start()
    }
    let text = item(text);
    if text.is_empty() {
        return None;
    }
    template
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = item(l);
            if l == text {
                return true;
            }
            match (l.find("{{"), l.rfind("}}")) {
                (Some(a), Some(b)) if a < b => {
                    let (head, tail) = (&l[..a], &l[b + 2..]);
                    !head.trim().is_empty()
                        && text.starts_with(head)
                        && text.ends_with(tail)
                        && text.len() >= head.len() + tail.len()
                }
                _ => false,
            }
        })
        .map(|(i, _)| i + 1)
        .min_by_key(|n| n.abs_diff(near))
}
