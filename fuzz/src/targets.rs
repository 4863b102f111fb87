//! Fuzz targets: each takes arbitrary bytes and drives one kiln entry point with them. A target
//! may return any kiln error; it must never panic, abort, hang or exhaust memory.
//!
//! Shared by the fuzzer (`fuzz/src/main.rs`) and the corpus replay in `cargo test`
//! (`tests/fuzz_corpus.rs`), so every input in `fuzz/corpus/<target>/` is checked on every run.
//!
//! Inputs that describe several files use `==> NAME` lines: the text after such a line, up to
//! the next one, is the file `NAME` (letters, digits, `-`, `_`, `.`, `/`; never `..` or absolute).

use std::path::{Path, PathBuf};

/// A fuzz target: its name (the corpus folder) and its entry point.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8], &Path),
}

/// Every target, by name.
pub const TARGETS: &[Target] = &[
    Target {
        name: "set",
        run: set,
    },
    Target {
        name: "yaml",
        run: yaml,
    },
    Target {
        name: "smp",
        run: smp,
    },
    Target {
        name: "json6902",
        run: json6902,
    },
    Target {
        name: "kustomize",
        run: kustomize,
    },
    Target {
        name: "render",
        run: render,
    },
    Target {
        name: "gotmpl",
        run: gotmpl,
    },
    Target {
        name: "lint",
        run: lint,
    },
    Target {
        name: "chartify",
        run: chartify,
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `--set` family: the first byte picks the flag, the rest is its argument.
fn set(data: &[u8], _scratch: &Path) {
    use kiln::values::set_flag::{parse_into_budgeted, FlagKind, SetBudget};
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let kind = [
        FlagKind::Set,
        FlagKind::SetString,
        FlagKind::SetFile,
        FlagKind::SetJson,
        FlagKind::SetLiteral,
    ][first as usize % 5];
    let flag = text(rest);
    let mut dest = serde_json::Map::new();
    let mut used = SetBudget::default();
    let mut reader = |path: &str| -> Result<String, String> { Ok(format!("file:{path}")) };
    // Twice into the same map: the second pass merges into what the first built.
    for _ in 0..2 {
        let _ = parse_into_budgeted(kind, &flag, &mut dest, &mut reader, &mut used);
    }
}

/// YAML: one document, a stream, and a values file; what parses is emitted and parsed again.
fn yaml(data: &[u8], _scratch: &Path) {
    let text = text(data);
    if let Ok(v) = kiln::yaml::parse_document(&text, "f.yaml") {
        let out = kiln::yaml::to_yaml(&v, kiln::yaml::Style::Kustomize);
        let _ = kiln::yaml::parse_document(&out, "out.yaml");
    }
    for doc in kiln::yaml::split_documents(&text) {
        let _ = kiln::yaml::parse_document_as(
            doc.text,
            "f.yaml",
            doc.line_offset,
            kiln::yaml::Flavor::Kustomize,
        );
    }
    let _ = kiln::values::parse_values_file(&text, "values.yaml");
    let _ = kiln::resource::parse_stream(&text, "f.yaml", None);
}

/// Two YAML documents split at a `==> patch` line: an object, and a patch for it.
fn split_patch(data: &[u8]) -> Option<(serde_json::Value, serde_json::Value)> {
    let text = text(data);
    let (obj, patch) = text.split_once("==> patch\n")?;
    let obj = kiln::yaml::parse_document(obj, "obj.yaml").ok()?;
    let patch = kiln::yaml::parse_document(patch, "patch.yaml").ok()?;
    Some((obj, patch))
}

/// Strategic merge patch of an object, with its kind's patch metadata.
fn smp(data: &[u8], _scratch: &Path) {
    let Some((mut obj, patch)) = split_patch(data) else {
        return;
    };
    let api = obj
        .get("apiVersion")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let kind = obj
        .get("kind")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let meta = kiln::k8s::patch_meta(&api, &kind);
    let _ = kiln::patch::strategic_merge::apply(&mut obj, &patch, meta);
    let _ = kiln::patch::strategic_merge::apply(&mut obj, &patch, None);
}

/// JSON 6902 operations applied to an object.
fn json6902(data: &[u8], _scratch: &Path) {
    let Some((mut obj, ops)) = split_patch(data) else {
        return;
    };
    let _ = kiln::patch::json6902::apply(&mut obj, &ops);
}

/// Writes the `==> NAME` files of `data` under `dir` (emptied first); `defaults` are written
/// first and may be overwritten. Returns false when nothing could be written.
pub fn write_files(data: &[u8], dir: &Path, defaults: &[(&str, &str)]) -> bool {
    let _ = std::fs::remove_dir_all(dir);
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let mut files: Vec<(String, String)> = defaults
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let text = text(data);
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("==> ") {
            if let Some(done) = current.take() {
                files.push(done);
            }
            current = Some((name.trim().to_string(), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
        }
    }
    files.extend(current);
    for (name, body) in files {
        let Some(path) = safe_join(dir, &name) else {
            continue;
        };
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, body);
    }
    true
}

fn safe_join(dir: &Path, name: &str) -> Option<PathBuf> {
    let ok = !name.is_empty()
        && name.len() < 100
        && !name.starts_with('/')
        && name
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    ok.then(|| dir.join(name))
}

/// Runs the kiln command line in-process.
fn cli(args: &[&str]) {
    use clap::Parser;
    let mut argv = vec!["kiln"];
    argv.extend_from_slice(args);
    if let Ok(cli) = kiln::cli::args::Cli::try_parse_from(argv) {
        let _ = kiln::cli::run(cli);
    }
}

const CHART_YAML: &str =
    "apiVersion: v2\nname: fz\nversion: 0.1.0\nannotations:\n  kiln.dev/template-engine: jinja\n";

/// A kustomization tree: `==> kustomization.yaml`, `==> base/kustomization.yaml`, `==> cm.yaml`…
fn kustomize(data: &[u8], scratch: &Path) {
    let dir = scratch.join("ov");
    if write_files(data, &dir, &[]) {
        let _ = kiln::overlay::build(&dir);
    }
}

/// A chart: `==> values.yaml`, `==> templates/a.yaml`, … (a Jinja Chart.yaml unless given).
fn render(data: &[u8], scratch: &Path) {
    render_chart(
        data,
        &scratch.join("fz"),
        CHART_YAML,
        &["--set", "a=1"],
        false,
    );
}

const GO_CHART_YAML: &str = "apiVersion: v2\nname: fz\nversion: 0.1.0\n";

/// A Helm chart in Go templates (the default engine): `==> values.yaml`, `==> templates/a.yaml`,
/// `==> templates/_helpers.tpl`, `==> charts/sub/Chart.yaml`, …
fn gotmpl(data: &[u8], scratch: &Path) {
    let flags = ["--set", "a=1,b[0].c=x", "--set-string", "s=07"];
    render_chart(data, &scratch.join("go"), GO_CHART_YAML, &flags, true);
}

/// Writes the chart of `data` (with `chart_yaml` unless it has its own) and renders it twice:
/// plain, and with `flags` and `--show-only templates/a.yaml`; then lints it when `lint`.
fn render_chart(data: &[u8], dir: &Path, chart_yaml: &str, flags: &[&str], lint: bool) {
    if !write_files(data, dir, &[("Chart.yaml", chart_yaml)]) {
        return;
    }
    let d = dir.to_string_lossy().into_owned();
    cli(&["render", &d]);
    let mut args = vec!["render", &d];
    args.extend_from_slice(flags);
    args.extend_from_slice(&["--show-only", "templates/a.yaml"]);
    cli(&args);
    if lint {
        cli(&["lint", &d, "--color=never"]);
    }
}

/// Lints a directory of manifests (and charts or overlays inside it).
fn lint(data: &[u8], scratch: &Path) {
    let dir = scratch.join("lint");
    if write_files(data, &dir, &[]) {
        let d = dir.to_string_lossy().into_owned();
        cli(&["lint", &d, "--color=never"]);
        cli(&["lint", &d, "--format=sarif"]);
    }
}

/// Turns a manifest stream into a chart (which chartify renders back and compares).
fn chartify(data: &[u8], scratch: &Path) {
    let input = scratch.join("chartify-in.yaml");
    let out = scratch.join("chartify-out");
    if std::fs::write(&input, data).is_ok() {
        let i = input.to_string_lossy().into_owned();
        let o = out.to_string_lossy().into_owned();
        cli(&["chartify", &i, "--name", "fz", "-o", &o, "--force"]);
    }
}
