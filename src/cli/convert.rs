//! Parsed flags -> the commands' option structs. Nothing else.

use super::args::{ChartifyArgs, LintArgs, LintFormatArg, ReleaseArgs, RenderArgs, ValueArgs};
use crate::commands::chartify::ChartifyOptions;
use crate::commands::lint::{LintFormat, LintOptions};
use crate::commands::render::{RenderOptions, RenderOutput};
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
            debug: a.debug,
            strict: a.strict,
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
        }
    }
}
