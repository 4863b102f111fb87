//! `kiln chartify --template-language go` writes a Helm chart that helm itself renders to the same
//! objects. Recorded by `scripts/record-chartify-go.sh` (helm 4.1.4) in `tests/chartify_go/<case>/`:
//!
//! 1. the chart chartify writes today must be byte for byte the chart helm rendered (`chart.txt`);
//! 2. helm's objects (`helm-output.yaml`) must equal what kiln renders from the Jinja chart that
//!    chartify makes of the same input, with the same release, namespace and Secret values; the
//!    Jinja chart is itself checked against its input objects by tests/chartify.rs;
//! 3. kiln's Go engine renders the Go chart to helm's objects too.

mod common;
use common::root;

use kiln::chartify::{self, gotmpl::Language, Chart, Options};
use kiln::pipeline::{render_chart, ChartRenderConfig};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn chartify_input(rel: &str, name: &str, language: Language) -> Chart {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    let docs = kiln::resource::parse_stream(&text, rel, None).unwrap();
    chartify::chartify(
        docs,
        &Options {
            name: name.into(),
            language,
            ..Default::default()
        },
    )
    .unwrap()
}

fn chart_text(chart: &Chart) -> String {
    let mut out = String::new();
    for (path, text) in &chart.files {
        out.push_str(&format!("=== {path}\n{text}"));
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Every required Secret value set to `placeholder`, as the recording script sets them.
fn placeholders(chart: &Chart) -> Value {
    let mut v = json!({});
    for info in chart.values.iter().filter(|i| i.required) {
        let mut cur = &mut v;
        for k in &info.path[..info.path.len() - 1] {
            if cur.get(k).is_none() {
                cur[k.as_str()] = json!({});
            }
            cur = cur.get_mut(k).unwrap();
        }
        cur[info.path.last().unwrap().as_str()] = json!("placeholder");
    }
    v
}

fn id(v: &Value) -> String {
    let s = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    format!(
        "{}/{}/{}",
        s("/kind"),
        s("/metadata/namespace"),
        s("/metadata/name")
    )
}

fn sorted(mut objs: Vec<Value>) -> Vec<Value> {
    objs.sort_by_key(|v| (id(v), v.to_string()));
    objs
}

/// kiln's rendering of the Jinja chart of the same input.
fn jinja_render(rel: &str, name: &str, work: &Path) -> Vec<Value> {
    render_written(&chartify_input(rel, name, Language::Jinja), name, work)
}

/// Writes `chart` under `work` and renders it as the recording script has helm render it.
fn render_written(chart: &Chart, name: &str, work: &Path) -> Vec<Value> {
    let dir = work.join(name);
    for (path, text) in &chart.files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let cfg = ChartRenderConfig {
        chart_dir: dir,
        namespace: chart.namespace.clone().unwrap_or_else(|| "default".into()),
        release_name: Some(name.into()),
        inline_values: Some(placeholders(chart)),
        include_crds: true,
        ..Default::default()
    };
    render_chart(&cfg)
        .unwrap()
        .resources
        .into_iter()
        .map(|r| r.value)
        .collect()
}

fn helm_objects(text: &str) -> Vec<Value> {
    kiln::resource::parse_stream(text, "helm-output.yaml", None)
        .unwrap()
        .into_iter()
        .map(|r| r.value)
        .collect()
}

#[test]
fn helm_renders_the_go_charts_to_the_input_objects() {
    let cases_dir = root().join("tests/chartify_go");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    let work = std::env::temp_dir().join(format!("kiln-chartify-go-{}", std::process::id()));
    let mut failures = Vec::new();
    let mut objects = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let rel = std::fs::read_to_string(case.join("input")).unwrap();
        let rel = rel.trim();
        let go = chartify_input(rel, &name, Language::Go);
        let recorded = std::fs::read_to_string(case.join("chart.txt")).unwrap();
        if chart_text(&go) != recorded {
            failures.push(format!(
                "{name}: the Go chart changed since helm rendered it; re-run scripts/record-chartify-go.sh\n{}",
                first_line_difference(&chart_text(&go), &recorded)
            ));
            continue;
        }
        let helm = sorted(helm_objects(
            &std::fs::read_to_string(case.join("helm-output.yaml")).unwrap(),
        ));
        let want = sorted(jinja_render(rel, &name, &work));
        // kiln's own Go engine on the same Go chart must agree with helm as well.
        let kiln_go = sorted(render_written(&go, &name, &work.join("go")));
        if kiln_go != helm {
            failures.push(format!(
                "{name}: kiln renders the Go chart differently from helm"
            ));
        }
        if helm != want {
            let at = helm
                .iter()
                .zip(&want)
                .find(|(h, w)| h != w)
                .map(|(h, w)| {
                    format!(
                        "--- helm\n{}--- kiln (Jinja chart)\n{}",
                        kiln::yaml::to_yaml(h, kiln::yaml::Style::Helm),
                        kiln::yaml::to_yaml(w, kiln::yaml::Style::Helm)
                    )
                })
                .unwrap_or_else(|| format!("{} objects against {}", helm.len(), want.len()));
            failures.push(format!("{name}: helm renders other objects\n{at}"));
        }
        objects += helm.len();
    }
    let _ = std::fs::remove_dir_all(&work);
    eprintln!(
        "{} Go charts, {objects} objects rendered by helm as expected",
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn first_line_difference(got: &str, want: &str) -> String {
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        if g != w {
            return format!("line {}:\n  now:      {g}\n  recorded: {w}", i + 1);
        }
    }
    format!(
        "{} lines now, {} recorded",
        got.lines().count(),
        want.lines().count()
    )
}

#[test]
fn cli_flag_chooses_the_language() {
    let work = std::env::temp_dir().join(format!("kiln-chartify-go-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let input = root().join("tests/chartify/seeds/cronjob.yaml");
    let run = |lang: &str, out: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kiln"))
            .args(["chartify", input.to_str().unwrap(), "--name", "backup"])
            .args(["--template-language", lang, "-o", out])
            .current_dir(&work)
            .output()
            .unwrap()
    };
    let go = run("go", "go");
    assert!(
        go.status.success(),
        "{}",
        String::from_utf8_lossy(&go.stderr)
    );
    let chart_yaml = std::fs::read_to_string(work.join("go/Chart.yaml")).unwrap();
    assert!(!chart_yaml.contains("template-engine"), "{chart_yaml}");
    let helpers = std::fs::read_to_string(work.join("go/templates/_helpers.tpl")).unwrap();
    assert!(
        helpers.contains("{{- define \"backup.fullname\" -}}"),
        "{helpers}"
    );
    let jinja = run("jinja", "jinja");
    assert!(jinja.status.success());
    let chart_yaml = std::fs::read_to_string(work.join("jinja/Chart.yaml")).unwrap();
    assert!(
        chart_yaml.ends_with("annotations:\n  kiln.dev/template-engine: jinja\n"),
        "{chart_yaml}"
    );
    let bad = run("rust", "bad");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--template-language \"rust\""));
    assert!(!work.join("bad").exists());
    std::fs::remove_dir_all(&work).unwrap();
}
