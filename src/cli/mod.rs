//! The command line: `args` mirrors the flags; this module turns them into pipeline configs,
//! runs them, and maps errors to exit codes (0 ok, 1 input error, 2 usage error).

pub mod args;

use crate::error::Result;
use crate::pipeline::{self, ChartRenderConfig};
use crate::values::ValueFlags;
use args::{Cli, Command, RenderArgs, ValueArgs};
use clap::Parser;
use std::io::Write;

/// Runs kiln with the process arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.stdout.as_bytes())
                .and_then(|_| stdout.flush())
            {
                Ok(()) => out.code,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
                Err(e) => {
                    eprintln!("error[io]: writing output: {e}");
                    1
                }
            }
        }
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

/// What a successful command prints, and its exit code (`kiln lint` exits 1 when it found
/// errors, yet still prints its report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub code: i32,
}

impl From<String> for Output {
    fn from(stdout: String) -> Output {
        Output { stdout, code: 0 }
    }
}

/// Runs a parsed command.
pub fn run(cli: Cli) -> Result<Output> {
    match cli.command {
        Command::Render(args) => render(args).map(Output::from),
        Command::Lint(args) => crate::lint::run(&args),
        Command::Chartify(args) => crate::chartify::run(&args),
    }
}

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

fn render(args: RenderArgs) -> Result<String> {
    if crate::overlay::kustomization::find_file(&args.path).is_some() {
        return render_overlay(args);
    }
    let cfg = ChartRenderConfig {
        show_only: args.show_only.clone(),
        include_crds: args.include_crds,
        heads_only: true,
        ..args
            .release
            .chart_config(args.path.clone(), &args.kube_version)
    };
    let rendered = pipeline::render_chart(&cfg)?;
    match args.output_dir {
        Some(dir) => {
            let written = crate::emit::write_output_dir(&dir, &rendered.resources)?;
            Ok(written
                .iter()
                .map(|p| format!("wrote {}\n", p.display()))
                .collect())
        }
        None => Ok(crate::emit::helm_stream(&rendered.resources)),
    }
}

/// `kiln render DIR` where DIR holds a kustomization.
fn render_overlay(args: RenderArgs) -> Result<String> {
    let v = &args.release.values;
    let chart_only = [
        (!v.values.is_empty(), "-f/--values"),
        (!v.set.is_empty(), "--set"),
        (!v.set_string.is_empty(), "--set-string"),
        (!v.set_file.is_empty(), "--set-file"),
        (!v.set_json.is_empty(), "--set-json"),
        (!v.set_literal.is_empty(), "--set-literal"),
        (args.release.release_name.is_some(), "--release-name"),
        (!args.show_only.is_empty(), "--show-only"),
        (args.include_crds, "--include-crds"),
    ];
    if let Some((_, flag)) = chart_only.iter().find(|(used, _)| *used) {
        return Err(crate::Error::new(
            crate::ErrorKind::Usage,
            format!(
                "{flag} applies to charts; {} is an overlay (set chart values in its kustomization's `charts:` entry)",
                args.path.display()
            ),
        ));
    }
    let built = crate::overlay::build(&args.path)?;
    for w in &built.warnings {
        eprintln!("{}", crate::error::escape_control(w));
    }
    match args.output_dir {
        Some(dir) => {
            let written = crate::emit::write_output_dir(&dir, &built.resources)?;
            Ok(written
                .iter()
                .map(|p| format!("wrote {}\n", p.display()))
                .collect())
        }
        None => Ok(crate::emit::kustomize_stream(&built.resources)),
    }
}
