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
    /// Render charts (directories with Chart.yaml) and overlays (directories with
    /// kustomization.yaml) to one YAML stream, a file, or a tree of files.
    Render(RenderArgs),
    /// Check charts, overlays and manifests: Kubernetes schemas and Kubernetes-aware rules.
    Lint(LintArgs),
    /// Turn hard-coded manifests into a parameterized chart, and prove it renders them back.
    Chartify(ChartifyArgs),
    /// `helm template [NAME] CHART [flags]`, as Helm takes it.
    #[command(disable_version_flag = true)]
    Template(super::extra_args::TemplateArgs),
    /// `kustomize build DIR [flags]`, as kustomize takes it.
    Build(super::extra_args::BuildArgs),
    /// The computed values of a chart (defaults, -f files and --set merged), as YAML.
    Values(super::extra_args::ValuesArgs),
    /// A chart's values.yaml, Chart.yaml or README, like `helm show`.
    Show(super::extra_args::ShowArgs),
    /// Semantic diff of two renders or YAML streams (charts, overlays, files, `-`).
    Diff(super::extra_args::DiffArgs),
    /// Create a chart that renders, lints clean and follows the examples' conventions.
    Create(super::extra_args::CreateArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(super::extra_args::CompletionsArgs),
    /// Print the man page (or write one page per command into a directory).
    Man(super::extra_args::ManArgs),
    /// Print kiln's version.
    Version,
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
    /// Release namespace (default: `default`).
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Option<String>,
    /// Extra API versions for Capabilities.APIVersions (repeatable or comma-separated).
    #[arg(short = 'a', long = "api-versions", value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,
}

#[derive(Debug, Args, Clone)]
pub struct RenderArgs {
    /// Chart or overlay directories (several render in parallel, printed in the order given).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// Kubernetes version for Capabilities and Chart.yaml kubeVersion checks (default 1.35.0).
    #[arg(long = "kube-version", value_name = "X.Y.Z")]
    pub kube_version: Option<String>,
    /// Only print the objects of these templates (`templates/job.yaml`; repeatable).
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
    /// Write the stream to FILE (`.yaml`/`.yml`; `-` is stdout). Any other path is a directory,
    /// as with --output-dir.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        conflicts_with = "output_dir"
    )]
    pub output: Option<String>,
    /// Write one file per template under DIR instead of printing.
    #[arg(long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Also print the chart's crds/ files (first).
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    #[command(flatten)]
    pub helm: HelmRenderArgs,
    /// When a template's output does not parse, print its rendered text with the error.
    #[arg(long = "debug")]
    pub debug: bool,
    /// A value key (from --set or -f) that values.yaml lacks and no template mentions is an error.
    #[arg(long = "strict")]
    pub strict: bool,
    /// Color in error messages: auto (on a terminal), always, never.
    #[arg(long = "color", value_name = "WHEN", default_value = "auto")]
    pub color: String,
}

/// Helm's switches for how a release renders (render and template).
#[derive(Debug, Args, Clone, Default)]
pub struct HelmRenderArgs {
    /// Leave out test hooks (`helm.sh/hook: test`).
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Leave out every hook (tests too).
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Render as an upgrade: `Release.IsUpgrade` true, `Release.IsInstall` false.
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Do not check values against values.schema.json.
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
}

/// Output formats of `kiln lint`, as spelled on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LintFormatArg {
    #[default]
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Args, Clone)]
pub struct LintArgs {
    /// Charts, overlays, manifest files, directories of manifests, or `-` for stdin.
    #[arg(required = true)]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// Kubernetes version whose schemas objects are validated against (X.Y or X.Y.Z).
    #[arg(long = "kube-version", value_name = "X.Y", default_value = "1.35")]
    pub kube_version: String,
    /// Report format.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: LintFormatArg,
    /// Warnings fail the run too.
    #[arg(long = "strict")]
    pub strict: bool,
    /// Turn a rule off (repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    pub disable: Vec<String>,
    /// A CustomResourceDefinition file whose schema validates its custom resources (repeatable).
    #[arg(long = "crd", value_name = "FILE")]
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
    /// Overwrite an existing output directory.
    #[arg(long = "force")]
    pub force: bool,
}
