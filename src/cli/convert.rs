//! Parsed flags -> the commands' option structs. Nothing else.

use super::args::{
    ChartifyArgs, LintArgs, LintFormatArg, LintGroupArg, ReleaseArgs, RenderArgs, ValueArgs,
};
use super::extra_args::{
    BuildArgs, CreateArgs, CreateKindArg, DiffArgs, DiffFormatArg, ShowArgs,
    ShowWhat as ShowWhatArg, TemplateArgs, ValuesArgs,
};
use crate::commands::build::BuildOptions;
use crate::commands::chartify::ChartifyOptions;
use crate::commands::create::{CreateKind, CreateOptions};
use crate::commands::diff::DiffOptions;
use crate::commands::lint::{LintFormat, LintGroup, LintOptions};
use crate::commands::render::{RenderOptions, RenderOutput};
use crate::commands::template::TemplateOptions;
use crate::commands::values::{ShowOptions, ShowWhat, ValuesOptions};
use crate::commands::ReleaseOptions;
use crate::values::ValueFlags;

impl From<ValueArgs> for ValueFlags {
    fn from(v: ValueArgs) -> ValueFlags {
        ValueFlags {
            files: v.values,
            set: v.set,
            set_string: v.set_string,
            set_file: v.set_file,
            set_json: v.set_json,
            set_literal: v.set_literal,
        }
    }
}

impl From<ReleaseArgs> for ReleaseOptions {
    fn from(r: ReleaseArgs) -> ReleaseOptions {
        ReleaseOptions {
            values: r.values.into(),
            release_name: r.release_name,
            namespace: r.namespace,
            api_versions: r.api_versions,
        }
    }
}

impl From<RenderArgs> for RenderOptions {
    fn from(a: RenderArgs) -> RenderOptions {
        let output = match (a.output, a.output_dir) {
            (_, Some(dir)) => RenderOutput::Dir(dir),
            (Some(o), None) => RenderOutput::from_o_flag(&o),
            (None, None) => RenderOutput::Stdout,
        };
        RenderOptions {
            targets: a.paths,
            release: a.release.into(),
            kube_version: a.kube_version,
            show_only: a.show_only,
            output,
            include_crds: a.include_crds,
            skip_tests: a.helm.skip_tests,
            no_hooks: a.helm.no_hooks,
            is_upgrade: a.helm.is_upgrade,
            skip_schema_validation: a.helm.skip_schema_validation,
            random_seed: a.helm.random_seed,
            debug: a.debug,
            strict: a.strict,
            load_restrictor: a.load_restrictor.into(),
            ..RenderOptions::default()
        }
    }
}

impl From<LintFormatArg> for LintFormat {
    fn from(f: LintFormatArg) -> LintFormat {
        match f {
            LintFormatArg::Text => LintFormat::Text,
            LintFormatArg::Json => LintFormat::Json,
            LintFormatArg::Sarif => LintFormat::Sarif,
        }
    }
}

impl From<LintArgs> for LintOptions {
    fn from(a: LintArgs) -> LintOptions {
        LintOptions {
            paths: a.paths,
            release: a.release.into(),
            kube_version: a.kube_version,
            format: a.format.into(),
            strict: a.strict,
            disable: a.disable,
            crd: a.crd,
            color: a.color,
            config: a.config,
            list_rules: a.list_rules,
            explain: a.explain,
            group: a.group.into(),
        }
    }
}

impl From<LintGroupArg> for LintGroup {
    fn from(g: LintGroupArg) -> LintGroup {
        match g {
            LintGroupArg::Path => LintGroup::Path,
            LintGroupArg::File => LintGroup::File,
            LintGroupArg::All => LintGroup::All,
        }
    }
}

impl From<ChartifyArgs> for ChartifyOptions {
    fn from(a: ChartifyArgs) -> ChartifyOptions {
        ChartifyOptions {
            inputs: a.inputs,
            name: a.name,
            output: a.output,
            keep_names: a.keep_names,
            force: a.force,
            template_language: a.template_language,
        }
    }
}

impl From<TemplateArgs> for TemplateOptions {
    fn from(a: TemplateArgs) -> TemplateOptions {
        let r = &a.refused;
        let download = "kiln renders local chart directories and never downloads charts (helm pull --untar, then give kiln the directory)";
        let cluster = "kiln never talks to a cluster; `kiln template` renders offline";
        let refused = [
            (r.repo.is_some(), "--repo", download),
            (r.version.is_some(), "--version", download),
            (r.devel, "--devel", download),
            (r.verify, "--verify", "kiln does not verify chart packages (it reads chart directories)"),
            (r.dependency_update, "--dependency-update", "kiln renders the subcharts under charts/ as they are; fetch dependencies with helm first"),
            (r.post_renderer.is_some(), "--post-renderer", "pipe kiln's output into the post-renderer instead"),
            (r.enable_dns, "--enable-dns", "templates get no network access in kiln"),
            (r.kube_context.is_some(), "--kube-context", cluster),
            (r.kubeconfig.is_some(), "--kubeconfig", cluster),
            (
                r.dry_run.as_deref().is_some_and(|m| m != "client"),
                "--dry-run",
                "only --dry-run=client (helm template's default) is possible offline",
            ),
            (a.validate, "--validate", "validating against a cluster needs one; kiln works offline (check schemas with `kiln lint`)"),
        ]
        .into_iter()
        .filter(|(used, _, _)| *used)
        .map(|(_, flag, why)| (flag, why))
        .collect();
        let output = match a.output_dir {
            Some(dir) => RenderOutput::Dir(dir),
            None => RenderOutput::Stdout,
        };
        TemplateOptions {
            positional: a.positional,
            generate_name: a.generate_name,
            name_template: a.name_template,
            refused,
            skip_crds: a.skip_crds,
            render: RenderOptions {
                release: ReleaseOptions {
                    values: a.values.into(),
                    release_name: None,
                    namespace: a.namespace,
                    api_versions: a.api_versions,
                },
                kube_version: a.kube_version,
                show_only: a.show_only,
                output,
                output_dir_by_release: a.release_name,
                include_crds: a.include_crds,
                skip_tests: a.helm.skip_tests,
                no_hooks: a.helm.no_hooks,
                is_upgrade: a.helm.is_upgrade,
                skip_schema_validation: a.helm.skip_schema_validation,
                random_seed: a.helm.random_seed,
                ..RenderOptions::default()
            },
        }
    }
}

impl From<BuildArgs> for BuildOptions {
    fn from(a: BuildArgs) -> BuildOptions {
        let mut refused: Vec<(&'static str, String)> = Vec::new();
        let plugins = "kiln runs no plugins or functions: only built-in transforms".to_string();
        if a.enable_alpha_plugins {
            refused.push(("--enable-alpha-plugins", plugins.clone()));
        }
        if a.enable_exec {
            refused.push(("--enable-exec", plugins.clone()));
        }
        if a.network || !a.env.is_empty() || !a.mount.is_empty() {
            refused.push(("--network/--env/--mount", plugins));
        }
        if let Some(order) = a.reorder.as_deref().filter(|o| *o != "legacy") {
            refused.push((
                "--reorder",
                format!("{order}: kiln prints kustomize's legacy order (set `sortOptions:` in the kustomization for fifo)"),
            ));
        }
        let notes = a
            .helm_command
            .iter()
            .map(|c| {
                format!("note: --helm-command {c} ignored: kiln renders `charts:` entries itself")
            })
            .collect();
        BuildOptions {
            dir: a.dir,
            output: a.output,
            load_restrictor: a.load_restrictor,
            helm_kube_version: a.helm_kube_version,
            helm_api_versions: a.helm_api_versions,
            refused,
            notes,
        }
    }
}

impl From<ValuesArgs> for ValuesOptions {
    fn from(a: ValuesArgs) -> ValuesOptions {
        ValuesOptions {
            chart: a.chart,
            values: a.values.into(),
            user_only: a.user_only,
        }
    }
}

impl From<ShowArgs> for ShowOptions {
    fn from(a: ShowArgs) -> ShowOptions {
        let (what, chart) = match a.what {
            ShowWhatArg::Values { chart } => (ShowWhat::Values, chart),
            ShowWhatArg::Chart { chart } => (ShowWhat::Chart, chart),
            ShowWhatArg::Readme { chart } => (ShowWhat::Readme, chart),
            ShowWhatArg::All { chart } => (ShowWhat::All, chart),
        };
        ShowOptions { what, chart }
    }
}

impl From<DiffArgs> for DiffOptions {
    fn from(a: DiffArgs) -> DiffOptions {
        DiffOptions {
            a: a.a,
            b: a.b,
            release: ReleaseOptions {
                values: a.values.into(),
                release_name: a.release_name,
                namespace: a.namespace,
                api_versions: Vec::new(),
            },
            json: a.format == DiffFormatArg::Json,
            context: a.context,
            show_secrets: a.show_secrets,
        }
    }
}

impl From<CreateArgs> for CreateOptions {
    fn from(a: CreateArgs) -> CreateOptions {
        let kind = match a.kind {
            CreateKindArg::Deployment => CreateKind::Deployment,
            CreateKindArg::Job => CreateKind::Job,
            CreateKindArg::Cronjob => CreateKind::CronJob,
            CreateKindArg::Daemonset => CreateKind::DaemonSet,
            CreateKindArg::Rbac => CreateKind::Rbac,
        };
        CreateOptions {
            name: a.name,
            kind,
            output: a.output,
        }
    }
}
