//! `kiln render`: charts (directories with Chart.yaml) and overlays (directories with a
//! kustomization) to one YAML stream, a file, or a tree of files.
//!
//! Several targets render in parallel; their streams are joined in the order given. Nothing is
//! printed or written unless every target rendered.

use super::{target, Output, ReleaseOptions, Target};
use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::{self, ChartRenderConfig};
use crate::resource::Resource;
use std::path::{Path, PathBuf};

/// Where `kiln render` puts its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RenderOutput {
    /// One stream on stdout.
    #[default]
    Stdout,
    /// One stream in this file.
    File(PathBuf),
    /// One file per template (per source file for overlays) under this directory.
    Dir(PathBuf),
}

impl RenderOutput {
    /// `-o PATH`: `-` is stdout, a `.yaml`/`.yml`/`.json` name is one file, anything else is a
    /// directory (as `-o` meant before it took files, and as `kustomize build -o DIR` does).
    pub fn from_o_flag(path: &str) -> RenderOutput {
        let p = Path::new(path);
        let is_file = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
        match path {
            "-" => RenderOutput::Stdout,
            _ if is_file && !p.is_dir() => RenderOutput::File(p.to_path_buf()),
            _ => RenderOutput::Dir(p.to_path_buf()),
        }
    }
}

/// Everything `kiln render` needs.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Chart or overlay directories, as typed.
    pub targets: Vec<String>,
    pub release: ReleaseOptions,
    /// Kubernetes version for Capabilities and Chart.yaml kubeVersion checks (`None`: the default).
    pub kube_version: Option<String>,
    /// Only print the objects of these templates.
    pub show_only: Vec<String>,
    pub output: RenderOutput,
    /// With a directory output: put each chart under `DIR/<release name>/` (Helm's `--release-name`).
    pub output_dir_by_release: bool,
    /// Also print the charts' crds/ files (first).
    pub include_crds: bool,
    /// Leave out test hooks (`helm.sh/hook: test`).
    pub skip_tests: bool,
    /// Leave out every hook (tests too).
    pub no_hooks: bool,
    /// `Release.IsUpgrade` true, `Release.IsInstall` false.
    pub is_upgrade: bool,
    /// Do not check values against `values.schema.json`.
    pub skip_schema_validation: bool,
    /// Seed of the random template functions (`None`: fresh per render, as helm).
    pub random_seed: Option<u64>,
    /// A template whose output does not parse: print its rendered text with the error.
    pub debug: bool,
    /// Unused (likely misspelt) value keys are errors, not warnings.
    pub strict: bool,
    /// Which files a kustomization may read (kustomize's `--load-restrictor`).
    pub load_restrictor: crate::fs::LoadRestrictor,
}

/// How a values typo warning starts.
const UNUSED: &str = "warning: unused value";

/// One rendered target.
struct Rendered {
    stream: String,
    resources: Vec<Resource>,
    /// Prefix of the files in an output directory (the release name with `--release-name`).
    dir_prefix: Option<String>,
    warnings: Vec<String>,
    /// An overlay's objects (files named as `kubectl kustomize -o DIR` names them).
    overlay: bool,
}

/// Runs `kiln render`.
pub fn run(opts: &RenderOptions) -> Result<Output> {
    if opts.targets.is_empty() {
        return Err(Error::new(ErrorKind::Usage, "no chart or overlay given"));
    }
    let targets = opts
        .targets
        .iter()
        .map(|t| target(t))
        .collect::<Result<Vec<_>>>()?;
    if targets.len() > 1 && !opts.show_only.is_empty() {
        return Err(Error::new(
            ErrorKind::Usage,
            "--show-only names templates of one chart; give one chart with it",
        ));
    }
    for (t, typed) in targets.iter().zip(&opts.targets) {
        if *t == Target::Overlay {
            refuse_chart_flags(opts, typed)?;
        }
    }
    let results = render_all(opts, &targets);
    let mut rendered = Vec::with_capacity(results.len());
    for r in results {
        rendered.push(r?);
    }
    let mut warnings = Vec::new();
    for r in &rendered {
        warnings.extend(r.warnings.iter().cloned());
    }
    let unused: Vec<&String> = warnings.iter().filter(|w| w.starts_with(UNUSED)).collect();
    if opts.strict && !unused.is_empty() {
        let list: Vec<&str> = unused.iter().map(|w| w.as_str()).collect();
        return Err(Error::new(
            ErrorKind::Values,
            format!("{} (--strict)", list.join("\n")),
        ));
    }
    for w in &warnings {
        eprintln!("{}", crate::error::escape_control(w));
    }
    match &opts.output {
        RenderOutput::Stdout => Ok(join_streams(&mut rendered).into()),
        RenderOutput::File(path) => {
            let text = join_streams(&mut rendered);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = crate::fs::OutputFile::new(&name, text, "the -o file")?;
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            crate::fs::write_staged(&parent, &[file], crate::fs::Existing::Merge, &inputs(opts))?;
            Ok(Output::from(String::new()))
        }
        RenderOutput::Dir(dir) => {
            // Every target's files are checked, then written in one staged step: nothing is
            // written unless all of it can be.
            let mut files = Vec::new();
            for r in &rendered {
                let these = if r.overlay {
                    crate::emit::overlay_dir_files(&r.resources)?
                } else {
                    crate::emit::output_dir_files(&r.resources)?
                };
                for f in these {
                    files.push(match &r.dir_prefix {
                        Some(p) => f.under(p, "the release name")?,
                        None => f,
                    });
                }
            }
            let written =
                crate::fs::write_staged(dir, &files, crate::fs::Existing::Merge, &inputs(opts))?;
            Ok(written
                .iter()
                .map(|p| format!("wrote {}\n", p.display()))
                .collect::<String>()
                .into())
        }
    }
}

/// The directories this run reads: no output file may replace a file inside them.
fn inputs(opts: &RenderOptions) -> Vec<PathBuf> {
    opts.targets.iter().map(PathBuf::from).collect()
}

/// Streams in the order given, taken out of `rendered`; `---` between an overlay's stream and
/// what follows.
fn join_streams(rendered: &mut [Rendered]) -> String {
    if let [one] = rendered {
        return std::mem::take(&mut one.stream);
    }
    let mut out = String::new();
    for r in rendered {
        if !out.is_empty() && !r.stream.is_empty() && !r.stream.starts_with("---") {
            out.push_str("---\n");
        }
        out.push_str(&r.stream);
    }
    out
}

/// Renders every target, several at once, results in the order given.
fn render_all(opts: &RenderOptions, targets: &[Target]) -> Vec<Result<Rendered>> {
    let jobs: Vec<(&String, Target)> = opts.targets.iter().zip(targets.iter().copied()).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    if threads <= 1 {
        return jobs
            .iter()
            .map(|(typed, t)| render_one(opts, typed, *t))
            .collect();
    }
    let mut slots: Vec<Option<Result<Rendered>>> = (0..jobs.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let jobs = &jobs;
                scope.spawn(move || {
                    (t..jobs.len())
                        .step_by(threads)
                        .map(|i| (i, render_one(opts, jobs[i].0, jobs[i].1)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (i, r) in h.join().expect("a render thread panicked") {
                slots[i] = Some(r);
            }
        }
    });
    slots
        .into_iter()
        .map(|s| s.expect("every target rendered"))
        .collect()
}

fn render_one(opts: &RenderOptions, typed: &str, t: Target) -> Result<Rendered> {
    match t {
        Target::Chart => render_chart(opts, typed),
        Target::Overlay => render_overlay(typed, opts.load_restrictor),
    }
}

/// The render config of one chart with these options.
pub fn chart_config(opts: &RenderOptions, dir: &str) -> ChartRenderConfig {
    let kube_version = opts
        .kube_version
        .as_deref()
        .unwrap_or(pipeline::DEFAULT_KUBE_VERSION);
    ChartRenderConfig {
        show_only: opts.show_only.clone(),
        include_crds: opts.include_crds,
        is_upgrade: opts.is_upgrade,
        skip_schema_validation: opts.skip_schema_validation,
        random_seed: opts.random_seed,
        debug: opts.debug,
        heads_only: true,
        ..opts.release.chart_config(PathBuf::from(dir), kube_version)
    }
}

fn render_chart(opts: &RenderOptions, typed: &str) -> Result<Rendered> {
    let cfg = chart_config(opts, typed);
    let mut rendered = pipeline::render_chart(&cfg).map_err(|e| {
        let e = super::suggest::undefined_value(e, &cfg);
        super::explain_yaml11_boolean(super::name_chart_dir(e, typed))
    })?;
    // Comment-only documents print where helm template prints them.
    let resources: Vec<Resource> = rendered
        .take_printed()
        .into_iter()
        .filter(|r| keep_hook(opts, r))
        .collect();
    let warnings = rendered
        .unused_values
        .iter()
        .map(|k| {
            format!("{UNUSED} `{k}`: {typed}/values.yaml has no such key and no template mentions it (a typo?)")
        })
        .collect();
    let dir_prefix = opts.output_dir_by_release.then(|| {
        opts.release
            .release_name
            .clone()
            .unwrap_or_else(|| super::chart_name(typed).unwrap_or_default())
    });
    Ok(Rendered {
        stream: crate::emit::helm_stream(&resources),
        resources,
        dir_prefix,
        warnings,
        overlay: false,
    })
}

/// `--skip-tests` drops test hooks, `--no-hooks` every hook (as `helm template` does).
fn keep_hook(opts: &RenderOptions, r: &Resource) -> bool {
    let hook = r
        .value
        .pointer("/metadata/annotations/helm.sh~1hook")
        .and_then(|v| v.as_str());
    match hook {
        None => true,
        Some(_) if opts.no_hooks => false,
        Some(events) => {
            !(opts.skip_tests
                && events
                    .split(',')
                    .any(|e| matches!(e.trim(), "test" | "test-success")))
        }
    }
}

/// The flags that mean something only for charts, each refused on an overlay with what to do
/// instead.
fn refuse_chart_flags(opts: &RenderOptions, typed: &str) -> Result<()> {
    let v = &opts.release.values;
    let values_hint = format!(
        "{typed} is an overlay: set chart values in its kustomization's `charts:` entry (`values:` or `valuesFiles:`)"
    );
    let entry_hint = |field: &str| {
        format!("{typed} is an overlay: set `{field}` in its kustomization's `charts:` entry")
    };
    let refusals: [(bool, &str, String); 13] = [
        (!v.files.is_empty(), "-f/--values", values_hint.clone()),
        (!v.set.is_empty(), "--set", values_hint.clone()),
        (!v.set_string.is_empty(), "--set-string", values_hint.clone()),
        (!v.set_file.is_empty(), "--set-file", values_hint.clone()),
        (!v.set_json.is_empty(), "--set-json", values_hint.clone()),
        (!v.set_literal.is_empty(), "--set-literal", values_hint),
        (opts.release.release_name.is_some(), "--release-name", entry_hint("releaseName:")),
        (
            opts.release.namespace.is_some(),
            "-n/--namespace",
            format!("kustomize build has no namespace flag: set `namespace:` in {typed}'s kustomization (or `namespace:` of a `charts:` entry for a chart's release namespace)"),
        ),
        (opts.kube_version.is_some(), "--kube-version", entry_hint("kubeVersion:")),
        (!opts.release.api_versions.is_empty(), "-a/--api-versions", entry_hint("apiVersions:")),
        (
            !opts.show_only.is_empty(),
            "--show-only",
            format!("{typed} is an overlay, which has no templates to pick (render it whole)"),
        ),
        (opts.include_crds, "--include-crds", entry_hint("includeCrds: true")),
        (
            opts.skip_tests || opts.no_hooks || opts.is_upgrade || opts.skip_schema_validation,
            "--skip-tests/--no-hooks/--is-upgrade/--skip-schema-validation",
            format!("these change how a chart renders as a Helm release; {typed} is an overlay"),
        ),
    ];
    match refusals.into_iter().find(|(used, _, _)| *used) {
        Some((_, flag, hint)) => Err(Error::new(
            ErrorKind::Usage,
            format!("{flag} applies to charts; {hint}"),
        )),
        None => Ok(()),
    }
}

/// `kiln render DIR` where DIR holds a kustomization.
fn render_overlay(typed: &str, restrictor: crate::fs::LoadRestrictor) -> Result<Rendered> {
    let flags = crate::overlay::BuildFlags {
        restrictor,
        ..Default::default()
    };
    let built = crate::overlay::build_with(Path::new(typed), &flags)?;
    Ok(Rendered {
        stream: crate::emit::kustomize_stream(&built.resources),
        resources: built.resources,
        dir_prefix: None,
        warnings: built.warnings,
        overlay: true,
    })
}
