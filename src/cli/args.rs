//! Low-level arguments: the flags exactly as clap parses them, validation only.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "kiln",
    version,
    about = "Render Jinja charts and kustomize overlays into Kubernetes YAML",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a chart (a directory with Chart.yaml) or an overlay (a directory with
    /// kustomization.yaml) to a YAML stream on stdout.
    Render(RenderArgs),
    /// Check charts, overlays and manifests: Kubernetes schemas and Kubernetes-aware rules.
    Lint(LintArgs),
    /// Turn hard-coded manifests into a parameterized chart, and prove it renders them back.
    Chartify(ChartifyArgs),
}

/// The value flags, as Helm spells them.
#[derive(Debug, Args, Clone, Default)]
pub struct ValueArgs {
    /// Values file (repeatable, later wins; `-` reads stdin).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<String>,
    /// Set values: `a.b=v,c[0]=x` (repeatable).
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Set values, always as strings.
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Set a value to a file's text: `key=path`.
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set values from JSON: `key={"a":1}`.
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set a value verbatim (no splitting on commas): `key=text`.
    #[arg(long = "set-literal", value_name = "KEY=VAL")]
    pub set_literal: Vec<String>,
}

/// How a chart is rendered as a release: values and release flags (shared by render and lint).
#[derive(Debug, Args, Clone)]
pub struct ReleaseArgs {
    #[command(flatten)]
    pub values: ValueArgs,
    /// Release name (default: the chart's name).
    #[arg(long = "release-name", value_name = "NAME")]
    pub release_name: Option<String>,
    /// Release namespace.
    #[arg(
        short = 'n',
        long = "namespace",
        value_name = "NS",
        default_value = "default"
    )]
    pub namespace: String,
    /// Extra API versions for Capabilities.APIVersions (repeatable or comma-separated).
    #[arg(short = 'a', long = "api-versions", value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,
}

impl ReleaseArgs {
    /// The render config of `chart_dir` as this release.
    pub fn chart_config(
        &self,
        chart_dir: PathBuf,
        kube_version: &str,
    ) -> crate::pipeline::ChartRenderConfig {
        crate::pipeline::ChartRenderConfig {
            chart_dir,
            values: self.values.clone().into(),
            inline_values: None,
            release_name: self.release_name.clone(),
            namespace: self.namespace.clone(),
            kube_version: kube_version.to_string(),
            api_versions: self.api_versions.clone(),
            show_only: Vec::new(),
            include_crds: false,
            heads_only: false,
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct RenderArgs {
    /// Chart or overlay directory.
    pub path: PathBuf,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// Kubernetes version for Capabilities and Chart.yaml kubeVersion checks.
    #[arg(long = "kube-version", value_name = "X.Y.Z", default_value = "1.35.0")]
    pub kube_version: String,
    /// Only print the objects of these templates (`templates/job.yaml`; repeatable).
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
    /// Write one file per template under DIR instead of printing.
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Also print the chart's crds/ files (first).
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Overlays: which files a kustomization may read (kustomize's flag).
    /// LoadRestrictionsRootOnly: only files inside its own directory; LoadRestrictionsNone: any
    /// file (still no network).
    #[arg(
        long = "load-restrictor",
        value_name = "RESTRICTOR",
        default_value = "LoadRestrictionsRootOnly"
    )]
    pub load_restrictor: LoadRestrictorArg,
}

/// kustomize's `--load-restrictor` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoadRestrictorArg {
    #[value(name = "LoadRestrictionsRootOnly")]
    RootOnly,
    #[value(name = "LoadRestrictionsNone")]
    None,
}

impl From<LoadRestrictorArg> for crate::overlay::LoadRestrictor {
    fn from(a: LoadRestrictorArg) -> Self {
        match a {
            LoadRestrictorArg::RootOnly => crate::overlay::LoadRestrictor::RootOnly,
            LoadRestrictorArg::None => crate::overlay::LoadRestrictor::None,
        }
    }
}

/// Output formats of `kiln lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LintFormat {
    #[default]
    Text,
    Json,
    Sarif,
}

/// How `kiln lint` groups plain manifests (files, directories of them, stdin) into sets whose
/// objects are checked against each other; each chart and each overlay is always a set of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LintGroup {
    /// Each PATH given is one set: a directory's manifest files are linted together.
    #[default]
    Path,
    /// Each manifest file is a set of its own (independent releases rendered to files).
    File,
    /// Every manifest of every PATH is one set.
    All,
}

#[derive(Debug, Args, Clone)]
pub struct LintArgs {
    /// Charts, overlays, manifest files, directories of manifests, or `-` for stdin.
    #[arg(required_unless_present_any = ["list_rules", "explain"])]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// Kubernetes version whose schemas objects are validated against (X.Y or X.Y.Z; default
    /// 1.35, or `lint.kubeVersion` of .kiln.yaml).
    #[arg(long = "kube-version", value_name = "X.Y")]
    pub kube_version: Option<String>,
    /// Report format.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: LintFormat,
    /// Settings file (default: .kiln.yaml in the current directory or a parent, up to the
    /// repository root).
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// List every rule with its severity and category, and exit.
    #[arg(long = "list-rules")]
    pub list_rules: bool,
    /// Explain a rule: what it checks, why, and how to fix or silence it.
    #[arg(long = "explain", value_name = "RULE")]
    pub explain: Option<String>,
    /// Warnings fail the run too.
    #[arg(long = "strict")]
    pub strict: bool,
    /// Which manifests are linted together: `path` (each PATH), `file` (each file), `all`.
    #[arg(long = "group", value_enum, default_value = "path")]
    pub group: LintGroup,
    /// Turn a rule off (repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    pub disable: Vec<String>,
    /// CustomResourceDefinitions that validate custom resources: a file (an install bundle
    /// may mix them with other objects) or a directory of them (repeatable).
    #[arg(long = "crd", value_name = "PATH")]
    pub crd: Vec<PathBuf>,
    /// Color in text output: auto (on a terminal), always, never.
    #[arg(long = "color", value_name = "WHEN", default_value = "auto")]
    pub color: String,
}

#[derive(Debug, Args, Clone)]
pub struct ChartifyArgs {
    /// Manifest files, directories (recursively), or `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Chart name.
    #[arg(long = "name", value_name = "NAME")]
    pub name: String,
    /// Where to write the chart (default: ./NAME).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Keep the original object names instead of `{{ h.fullname() }}-<name>`.
    #[arg(long = "keep-names")]
    pub keep_names: bool,
    /// Template language of the chart: `jinja` (kiln's charts) or `go` (a Helm chart that
    /// `helm template` renders too).
    #[arg(
        long = "template-language",
        value_name = "LANG",
        default_value = "jinja"
    )]
    pub template_language: String,
    /// Overwrite an existing output directory.
    #[arg(long = "force")]
    pub force: bool,
}
