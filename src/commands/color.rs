//! When kiln colours its output, one rule for every command (lint reports, render errors):
//! `--color always|never` wins; `auto` colours a terminal unless `NO_COLOR` is set to a non-empty
//! value (no-color.org) or `TERM=dumb`.

use crate::error::{Error, ErrorKind, Result};

const RED: &str = "\x1b[31;1m";
const BLUE: &str = "\x1b[34;1m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Whether to colour a stream: `when` is `auto`, `always` or `never`; `terminal` says whether the
/// stream is a terminal.
pub fn enabled(when: &str, terminal: bool) -> Result<bool> {
    match when {
        "always" => Ok(true),
        "never" => Ok(false),
        "auto" => Ok(terminal && env_allows(|k| std::env::var_os(k))),
        other => Err(Error::new(
            ErrorKind::Usage,
            format!("--color {other}: expected auto, always or never"),
        )),
    }
}

/// The environment's say under `auto`.
fn env_allows(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    let no_color = var("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = var("TERM").is_some_and(|v| v == "dumb");
    !no_color && !dumb
}

/// An error as [`Error`]'s `Display` prints it, coloured like lint's findings: the header red,
/// the `-->` line and gutter blue, the carets red.
pub fn error(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if i == 0 {
            match line.split_once("]: ") {
                Some((head, msg)) => {
                    out.push_str(&format!("{RED}{head}]{RESET}{BOLD}: {msg}{RESET}"))
                }
                None => out.push_str(line),
            }
        } else if let Some((gutter, rest)) = line.split_once(" | ").or_else(|| {
            line.trim_end()
                .ends_with('|')
                .then(|| (line.trim_end(), ""))
        }) {
            let painted = if rest.trim_start().starts_with('^') {
                format!("{RED}{rest}{RESET}")
            } else {
                rest.to_string()
            };
            let sep = if line.contains(" | ") { " | " } else { "" };
            out.push_str(&format!("{BLUE}{gutter}{sep}{RESET}{painted}"));
        } else if let Some(pos) = line.find("--> ") {
            out.push_str(&format!(
                "{BLUE}{}{RESET}{}",
                &line[..pos + 3],
                &line[pos + 3..]
            ));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.into())
    }

    #[test]
    fn no_color_counts_only_when_non_empty_and_dumb_terminals_get_none() {
        assert!(env_allows(env(&[])));
        assert!(env_allows(env(&[("NO_COLOR", "")])));
        assert!(!env_allows(env(&[("NO_COLOR", "1")])));
        assert!(!env_allows(env(&[("TERM", "dumb")])));
        assert!(env_allows(env(&[("TERM", "xterm-256color")])));
    }

    #[test]
    fn errors_are_painted_line_by_line() {
        let e = "error[template]: bad\n --> a.yaml:1:2\n  |\n1 | x: y\n  |  ^";
        let painted = error(e);
        assert!(painted.starts_with("\x1b[31;1merror[template]\x1b[0m"));
        assert_eq!(strip(&painted), e);
    }

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
