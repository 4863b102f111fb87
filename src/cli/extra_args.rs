//! Flags of the commands added for everyday use: `template` and `build` (Helm's and kustomize's
//! command lines as they are), `values`, `show`, `diff`, `create`, `completions`, `man`,
//! `version`.

use super::args::{HelmRenderArgs, ValueArgs};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `kiln template [NAME] CHART`: `helm template`'s command line.
#[derive(Debug, Args, Clone)]
pub struct TemplateArgs {
    /// [NAME] CHART: the release name (optional) and a local chart directory.
    #[arg(required = true, num_args = 1..=2, value_name = "[NAME] CHART")]
    pub positional: Vec<String>,
    /// Generate the release name (and omit NAME). Deterministic: `release-name`, as helm 4's
    /// `template -g` prints.
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// The release name, as a plain name (Go-template actions are refused).
    #[arg(long = "name-template", value_name = "NAME")]
    pub name_template: Option<String>,
    /// With --output-dir: put the files under DIR/<release name>/.
    #[arg(long = "release-name")]
    pub release_name: bool,
    #[command(flatten)]
    pub values: ValueArgs,
    /// Release namespace.
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Option<String>,
    /// Kubernetes version for Capabilities.KubeVersion.
    #[arg(long = "kube-version", value_name = "X.Y.Z")]
    pub kube_version: Option<String>,
    /// Extra API versions for Capabilities.APIVersions.
    #[arg(short = 'a', long = "api-versions", value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,
    /// Include the chart's crds/ in the output.
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Leave CRDs out (wins over --include-crds).
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    #[command(flatten)]
    pub helm: HelmRenderArgs,
    /// Only show manifests rendered from the given templates.
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
    /// Write the executed templates to files in DIR instead of stdout.
    #[arg(long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Refused: validating against a cluster needs one; kiln works offline (use `kiln lint`).
    #[arg(long = "validate")]
    pub validate: bool,
    #[command(flatten)]
    pub refused: HelmRefusedArgs,
}

/// `helm template` flags kiln cannot honour: accepted by clap so each is refused by name with a
/// reason, never ignored.
#[derive(Debug, Args, Clone, Default)]
pub struct HelmRefusedArgs {
    #[arg(long = "repo", hide = true, value_name = "URL")]
    pub repo: Option<String>,
    #[arg(long = "version", hide = true, value_name = "VERSION")]
    pub version: Option<String>,
    #[arg(long = "devel", hide = true)]
    pub devel: bool,
    #[arg(long = "verify", hide = true)]
    pub verify: bool,
    #[arg(long = "dependency-update", hide = true)]
    pub dependency_update: bool,
    #[arg(long = "post-renderer", hide = true, value_name = "CMD")]
    pub post_renderer: Option<String>,
    #[arg(long = "enable-dns", hide = true)]
    pub enable_dns: bool,
    #[arg(long = "kube-context", hide = true, value_name = "CTX")]
    pub kube_context: Option<String>,
    #[arg(long = "kubeconfig", hide = true, value_name = "FILE")]
    pub kubeconfig: Option<String>,
    #[arg(long = "dry-run", hide = true, value_name = "MODE", num_args = 0..=1, default_missing_value = "client")]
    pub dry_run: Option<String>,
}

/// `kiln build DIR`: `kustomize build`'s command line.
#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    /// The overlay directory (default: the current directory).
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: String,
    /// Write to this file, or one file per object into this existing directory.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// LoadRestrictionsRootOnly (the default) or LoadRestrictionsNone.
    #[arg(long = "load-restrictor", value_name = "RESTRICTOR")]
    pub load_restrictor: Option<String>,
    /// Accepted: kiln renders its `charts:` entries without it.
    #[arg(long = "enable-helm")]
    pub enable_helm: bool,
    /// Ignored with a note: kiln renders charts itself.
    #[arg(long = "helm-command", value_name = "CMD")]
    pub helm_command: Option<String>,
    /// Only `legacy` (kustomize's default order).
    #[arg(long = "reorder", value_name = "ORDER")]
    pub reorder: Option<String>,
    #[arg(long = "enable-alpha-plugins", hide = true)]
    pub enable_alpha_plugins: bool,
    #[arg(long = "enable-exec", hide = true)]
    pub enable_exec: bool,
    #[arg(long = "network", hide = true)]
    pub network: bool,
    #[arg(short = 'e', long = "env", hide = true, value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    #[arg(long = "mount", hide = true, value_name = "MOUNT")]
    pub mount: Vec<String>,
    /// Kubernetes version `helmCharts:` entries without `kubeVersion:` render for.
    #[arg(long = "helm-kube-version", value_name = "X.Y.Z")]
    pub helm_kube_version: Option<String>,
    /// API versions (comma-separated, repeatable) for `.Capabilities.APIVersions` of
    /// `helmCharts:` entries without `apiVersions:`.
    #[arg(long = "helm-api-versions", value_name = "GROUP/VERSION")]
    pub helm_api_versions: Vec<String>,
}

/// `kiln values CHART`: the computed values.
#[derive(Debug, Args, Clone)]
pub struct ValuesArgs {
    /// Chart directory.
    #[arg(value_name = "CHART")]
    pub chart: String,
    #[command(flatten)]
    pub values: ValueArgs,
    /// Only the values given on the command line (-f and the --set family), as `helm get values`.
    #[arg(long = "user-only")]
    pub user_only: bool,
}

/// `kiln show values|chart|readme CHART`.
#[derive(Debug, Args, Clone)]
pub struct ShowArgs {
    #[command(subcommand)]
    pub what: ShowWhat,
}

#[derive(Debug, Subcommand, Clone)]
pub enum ShowWhat {
    /// The chart's values.yaml, as written.
    Values { chart: String },
    /// The chart's Chart.yaml, as written.
    Chart { chart: String },
    /// The chart's README.md.
    Readme { chart: String },
    /// Chart.yaml, values.yaml and README.md, separated by `---`.
    All { chart: String },
}

/// Shells `kiln completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// `kiln completions SHELL`.
#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    pub shell: ShellArg,
}

/// `kiln man [-o DIR]`.
#[derive(Debug, Args, Clone)]
pub struct ManArgs {
    /// Write kiln.1 and one page per subcommand (kiln-render.1…) into DIR instead of printing kiln.1.
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
}

/// Output formats of `kiln diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum DiffFormatArg {
    #[default]
    Text,
    Json,
}

/// `kiln diff A B`.
#[derive(Debug, Args, Clone)]
pub struct DiffArgs {
    /// The old side: a chart, an overlay, a YAML file, or `-` for stdin.
    #[arg(value_name = "A")]
    pub a: String,
    /// The new side: a chart, an overlay, a YAML file, or `-` for stdin.
    #[arg(value_name = "B")]
    pub b: String,
    /// Values for the charts among A and B.
    #[command(flatten)]
    pub values: ValueArgs,
    /// Release name for charts.
    #[arg(long = "release-name", value_name = "NAME")]
    pub release_name: Option<String>,
    /// Release namespace for charts.
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Option<String>,
    /// Report format.
    #[arg(long = "format", value_enum, default_value = "text")]
    pub format: DiffFormatArg,
    /// Lines of context around each change.
    #[arg(short = 'U', long = "context", value_name = "N", default_value_t = 3)]
    pub context: usize,
    /// Show Secret values instead of redacting them.
    #[arg(long = "show-secrets")]
    pub show_secrets: bool,
}

/// Kinds of chart `kiln create` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CreateKindArg {
    Deployment,
    Job,
    Cronjob,
    Daemonset,
    Rbac,
}

/// `kiln create NAME --kind KIND`.
#[derive(Debug, Args, Clone)]
pub struct CreateArgs {
    /// Chart name (also the directory, unless -o says otherwise).
    pub name: String,
    /// What the chart runs.
    #[arg(long = "kind", value_enum, default_value = "deployment")]
    pub kind: CreateKindArg,
    /// Where to write the chart (default: ./NAME).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
}
