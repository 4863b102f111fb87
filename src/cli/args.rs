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
    /// Overlays: which files a kustomization may read (kustomize's flag).
    /// LoadRestrictionsRootOnly: only files inside its own directory; LoadRestrictionsNone: any
    /// file (still no network).
    #[arg(
        long = "load-restrictor",
        value_name = "RESTRICTOR",
        default_value = "LoadRestrictionsRootOnly"
    )]
    pub load_restrictor: LoadRestrictorArg,
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
    /// Seed for the random functions of Go templates (randAlphaNum, genCA, ...): the same seed
    /// gives the same output on every run. Without it, generated values are fresh each run, as
    /// in helm. Never use a fixed seed for secrets you deploy.
    #[arg(long = "random-seed", value_name = "N")]
    pub random_seed: Option<u64>,
}

/// kustomize's `--load-restrictor` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoadRestrictorArg {
    #[value(name = "LoadRestrictionsRootOnly")]
    RootOnly,
    #[value(name = "LoadRestrictionsNone")]
    None,
}

impl From<LoadRestrictorArg> for crate::fs::LoadRestrictor {
    fn from(a: LoadRestrictorArg) -> Self {
        match a {
            LoadRestrictorArg::RootOnly => crate::fs::LoadRestrictor::RootOnly,
            LoadRestrictorArg::None => crate::fs::LoadRestrictor::None,
        }
    }
}

/// Output formats of `kiln lint`, as spelled on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LintFormatArg {
    #[default]
    Text,
    Json,
    Sarif,
}

/// How `kiln lint` groups plain manifests (files, directories of them, stdin) into sets whose
/// objects are checked against each other; each chart and each overlay is always a set of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LintGroupArg {
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
    pub format: LintFormatArg,
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
    pub group: LintGroupArg,
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
