//! `kiln template [NAME] CHART`: `helm template`'s command line on kiln's chart renderer, so
//! scripts switch by changing the binary name. Flags kiln cannot honour are refused by name.

use super::render::{self, RenderOptions};
use super::Output;
use crate::error::{Error, ErrorKind, Result};

/// The name `helm template` gives a release when none is given (also with `-g` in helm 4).
pub const DEFAULT_RELEASE_NAME: &str = "release-name";

/// Everything `kiln template` needs.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// `[NAME] CHART` as given.
    pub positional: Vec<String>,
    pub generate_name: bool,
    pub name_template: Option<String>,
    /// Helm's flags kiln refuses, each with its reason (set only when the flag was given).
    pub refused: Vec<(&'static str, &'static str)>,
    /// Everything else; its targets and release name are filled in from `positional`.
    pub render: RenderOptions,
    pub skip_crds: bool,
}

/// Runs `kiln template`.
pub fn run(opts: &TemplateOptions) -> Result<Output> {
    if let Some((flag, why)) = opts.refused.first() {
        return Err(Error::new(ErrorKind::Usage, format!("{flag}: {why}")));
    }
    let (name, chart) = match opts.positional.as_slice() {
        [chart] => (None, chart.clone()),
        [name, chart] => (Some(name.clone()), chart.clone()),
        _ => {
            return Err(Error::new(
                ErrorKind::Usage,
                "expected [NAME] CHART (at most two arguments)",
            ))
        }
    };
    if name.is_some() && opts.generate_name {
        return Err(Error::new(
            ErrorKind::Usage,
            "cannot set --generate-name and also specify a name",
        ));
    }
    if name.is_some() && opts.name_template.is_some() {
        return Err(Error::new(
            ErrorKind::Usage,
            "cannot set --name-template and also specify a name",
        ));
    }
    let release = match (&name, &opts.name_template) {
        (Some(n), _) => n.clone(),
        (None, Some(t)) if t.contains("{{") => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("--name-template {t}: kiln does not run Go-template actions in release names (they are usually random, e.g. randAlphaNum); pass the name as NAME"),
            ))
        }
        (None, Some(t)) => t.clone(),
        (None, None) => DEFAULT_RELEASE_NAME.to_string(),
    };
    check_release_name(&release)?;
    if super::target(&chart).ok() == Some(super::Target::Overlay) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("{chart} is an overlay: `kiln template` takes a chart (use `kiln build {chart}` or `kiln render {chart}`)"),
        ));
    }
    if !std::path::Path::new(&chart).exists()
        && !chart.starts_with('.')
        && !chart.starts_with('/')
        && (chart.contains("://") || chart.matches('/').count() == 1)
    {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("{chart}: no such directory; kiln renders local chart directories and never downloads charts (helm pull {chart} --untar, then point kiln at the directory)"),
        ));
    }
    let mut render = opts.render.clone();
    render.targets = vec![chart];
    render.release.release_name = Some(release);
    if opts.skip_crds {
        render.include_crds = false;
    }
    render::run(&render)
}

/// Helm's rule for release names: DNS-1123 subdomain-like, at most 53 characters.
pub(crate) fn check_release_name(name: &str) -> Result<()> {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() <= 53 && name.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Usage,
            format!("release name \"{name}\": invalid release name, must be lowercase letters, digits, `-` and `.` (starting and ending with a letter or digit), at most 53 characters"),
        ))
    }
}
