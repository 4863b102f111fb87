//! kiln's `charts:` field: renders a kiln chart with the chart pipeline; its objects enter the
//! overlay like any other resource, so every transform applies to them.

use crate::error::Result;
use crate::overlay::kustomization::{ChartRef, Loaded};
use crate::overlay::Obj;
use crate::pipeline::{self, ChartRenderConfig};
use crate::values::ValueFlags;

pub fn render(k: &Loaded, c: &ChartRef) -> Result<Vec<Obj>> {
    let dir = k.dir.join(&c.path);
    // A chart directory, or a packaged chart (`web-0.1.0.tgz`, as `helm package` writes it).
    let packaged = dir.is_file() && c.path.ends_with(".tgz");
    if !dir.join("Chart.yaml").is_file() && !packaged {
        return Err(k.error(
            &c.path,
            format!(
                "charts: `{}` is not a chart directory (no Chart.yaml) nor a packaged .tgz chart",
                c.path
            ),
        ));
    }
    let files = c
        .values_files
        .iter()
        .map(|f| {
            let p = k.dir.join(f);
            if p.is_file() {
                // Confined to the kustomization's directory, like every file it names.
                crate::overlay::build::check_inside(k, f, &p)?;
                Ok(p.display().to_string())
            } else {
                Err(k.error(f, format!("charts: values file `{f}` not found")))
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let cfg = ChartRenderConfig {
        chart_dir: dir,
        values: ValueFlags {
            files,
            ..Default::default()
        },
        inline_values: c.values.clone(),
        release_name: c.release_name.clone(),
        namespace: c.namespace.clone().unwrap_or_default(),
        kube_version: c.kube_version.clone().unwrap_or_default(),
        api_versions: c.api_versions.clone(),
        show_only: Vec::new(),
        include_crds: c.include_crds,
        ..ChartRenderConfig::default()
    };
    let rendered = pipeline::render_chart(&cfg)
        .map_err(|e| e.with_note(format!("in chart `{}` of {}", c.path, k.file)))?;
    Ok(rendered
        .resources
        .into_iter()
        .map(|r| Obj::new(r.value, r.source))
        .collect())
}
