//! Documents generated from the clap definitions: shell completions (clap_complete), man pages
//! (clap_mangen), and `kiln version`.

use super::args::Cli;
use super::extra_args::{CompletionsArgs, ManArgs, ShellArg};
use crate::commands::Output;
use crate::error::{Error, Result};
use clap::CommandFactory;

/// `kiln completions SHELL`: the completion script on stdout.
pub fn completions(args: &CompletionsArgs) -> Result<Output> {
    use clap_complete::Shell;
    let shell = match args.shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
        ShellArg::Elvish => Shell::Elvish,
    };
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kiln", &mut buf);
    Ok(String::from_utf8_lossy(&buf).into_owned().into())
}

/// `kiln man`: kiln.1 on stdout, or every page into a directory.
pub fn man(args: &ManArgs) -> Result<Output> {
    let cmd = Cli::command();
    match &args.output_dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut buf)
                .map_err(|e| Error::io("<man page>", e))?;
            Ok(String::from_utf8_lossy(&buf).into_owned().into())
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
            clap_mangen::generate_to(cmd, dir).map_err(|e| Error::io(dir.display(), e))?;
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .map_err(|e| Error::io(dir.display(), e))?
                .filter_map(|e| e.ok())
                .map(|e| e.path().display().to_string())
                .filter(|p| p.ends_with(".1"))
                .collect();
            names.sort();
            Ok(names
                .iter()
                .map(|n| format!("wrote {n}\n"))
                .collect::<String>()
                .into())
        }
    }
}

/// `kiln version`: the same line as `kiln --version`.
pub fn version() -> Output {
    format!("kiln {}\n", env!("CARGO_PKG_VERSION")).into()
}
