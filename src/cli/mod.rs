//! The command line: `args` mirrors the flags, `convert` turns them into the commands' option
//! structs; this module runs them and maps errors to exit codes (0 ok, 1 input error, 2 usage error).

pub mod args;
mod convert;
mod docs;
pub mod extra_args;

use crate::commands;
pub use crate::commands::Output;
use crate::error::Result;
use args::{Cli, Command};
use clap::Parser;
use std::io::Write;

/// Runs kiln with the process arguments; returns the exit code.
pub fn main() -> i32 {
    crate::fs::limit_total_input();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // The Go engine's function map, `Capabilities.APIVersions` and the embedded API data
    // (overlays' and lint's schemas), built while the input is read. (Not before the arguments
    // are parsed: a second thread starting then made parsing them take 1.7 ms instead of 0.5,
    // the median of 30 kube-prometheus-stack renders; the whole render gains 0-1.5% in paired
    // runs.) A chart render needs only the first two, which take no parse of the API data.
    crate::parallel::keep_awake(|| {
        crate::render::gotmpl::helm::func_map();
        crate::render::context::default_api_versions();
        crate::k8s::Schema::builtin();
    });
    let color = match &cli.command {
        Command::Render(a) => a.color.clone(),
        Command::Lint(a) => a.color.clone(),
        _ => "auto".to_string(),
    };
    // `kiln diff` exits 1 when the sides differ, so its errors exit 2 (as diff(1) does).
    let is_diff = matches!(cli.command, Command::Diff(_));
    let result = run(cli);
    crate::parallel::awake_done();
    match result {
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
            use std::io::IsTerminal;
            let text = e.to_string();
            match commands::color::enabled(&color, std::io::stderr().is_terminal()) {
                Ok(true) => eprintln!("{}", commands::color::error(&text)),
                _ => eprintln!("{text}"),
            }
            if is_diff {
                2
            } else {
                e.exit_code()
            }
        }
    }
}

/// Runs a parsed command.
pub fn run(cli: Cli) -> Result<Output> {
    match cli.command {
        Command::Render(args) => commands::render::run(&args.into()),
        Command::Lint(args) => commands::lint::run(&args.into()),
        Command::Chartify(args) => commands::chartify::run(&args.into()),
        Command::Template(args) => commands::template::run(&args.into()),
        Command::Build(args) => commands::build::run(&args.into()),
        Command::Values(args) => commands::values::run(&args.into()),
        Command::Show(args) => commands::values::show(&args.into()),
        Command::Diff(args) => commands::diff::run(&args.into()),
        Command::Create(args) => commands::create::run(&args.into()),
        Command::Completions(args) => docs::completions(&args),
        Command::Man(args) => docs::man(&args),
        Command::Version => Ok(docs::version()),
    }
}
