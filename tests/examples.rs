//! Snapshots of every example: each chart under `charts/` with its defaults and with each of its
//! `ci/*.yaml` override files, and each overlay under `overlays/`. Rendered through the library
//! exactly as `kiln render` does.

mod common;
use common::root;

use kiln::pipeline::{render_chart, ChartRenderConfig};
use kiln::values::ValueFlags;
use std::path::{Path, PathBuf};

fn render(chart: &Path, values: Option<&Path>) -> String {
    let cfg = ChartRenderConfig {
        chart_dir: chart.to_path_buf(),
        values: ValueFlags {
            files: values
                .map(|v| vec![v.display().to_string()])
                .unwrap_or_default(),
            ..Default::default()
        },
        namespace: "default".into(),
        ..Default::default()
    };
    match render_chart(&cfg) {
        Ok(r) => kiln::emit::helm_stream(&r.resources),
        Err(e) => panic!("{} ({:?}) failed:\n{e}", chart.display(), values),
    }
}

#[test]
fn example_charts() {
    let mut charts: Vec<PathBuf> = std::fs::read_dir(root().join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    charts.sort();
    assert_eq!(charts.len(), 4, "cronjob, node-agent, rbac, web");
    for chart in charts {
        let name = chart.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("chart_{name}_defaults"), render(&chart, None));
        let mut ci: Vec<PathBuf> = std::fs::read_dir(chart.join("ci"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        ci.sort();
        assert!(!ci.is_empty(), "{name} ships override files in ci/");
        for values in ci {
            let stem = values.file_stem().unwrap().to_string_lossy().into_owned();
            insta::assert_snapshot!(
                format!("chart_{name}_{stem}"),
                render(&chart, Some(&values))
            );
        }
    }
}

#[test]
fn example_overlays() {
    for overlay in ["dev", "prod"] {
        let built = kiln::overlay::build(&root().join("overlays").join(overlay)).unwrap();
        assert!(built.warnings.is_empty(), "{overlay}: {:?}", built.warnings);
        insta::assert_snapshot!(
            format!("overlay_{overlay}"),
            kiln::emit::kustomize_stream(&built.resources)
        );
    }
}

#[test]
fn renders_are_deterministic() {
    let chart = root().join("charts/web");
    assert_eq!(render(&chart, None), render(&chart, None));
    let a = kiln::overlay::build(&root().join("overlays/prod")).unwrap();
    let b = kiln::overlay::build(&root().join("overlays/prod")).unwrap();
    assert_eq!(
        kiln::emit::kustomize_stream(&a.resources),
        kiln::emit::kustomize_stream(&b.resources)
    );
}
