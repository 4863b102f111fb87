//! `kiln build DIR`: `kustomize build`'s command line on kiln's overlay builder.

use super::Output;
use crate::error::{Error, ErrorKind, Result};
use std::path::{Path, PathBuf};

/// Everything `kiln build` needs.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The overlay directory, as typed.
    pub dir: String,
    /// A file for the stream, or an existing directory for one file per object.
    pub output: Option<PathBuf>,
    /// `LoadRestrictionsRootOnly` (default) or `LoadRestrictionsNone`.
    pub load_restrictor: Option<String>,
    /// `--helm-kube-version`: for `helmCharts:` entries without `kubeVersion:`.
    pub helm_kube_version: Option<String>,
    /// `--helm-api-versions` (each may hold several, comma-separated): for `helmCharts:` entries
    /// without `apiVersions:`.
    pub helm_api_versions: Vec<String>,
    /// kustomize flags kiln cannot honour, each with its reason (set only when given).
    pub refused: Vec<(&'static str, String)>,
    /// Notes printed on stderr (flags accepted and ignored, such as `--helm-command`).
    pub notes: Vec<String>,
}

/// Runs `kiln build`.
pub fn run(opts: &BuildOptions) -> Result<Output> {
    if let Some((flag, why)) = opts.refused.first() {
        return Err(Error::new(ErrorKind::Usage, format!("{flag}: {why}")));
    }
    let restrictor = match opts.load_restrictor.as_deref() {
        None | Some("LoadRestrictionsRootOnly") => crate::fs::LoadRestrictor::RootOnly,
        Some("LoadRestrictionsNone") => crate::fs::LoadRestrictor::None,
        Some(other) => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("--load-restrictor {other}: expected LoadRestrictionsRootOnly or LoadRestrictionsNone"),
            ))
        }
    };
    match super::target(&opts.dir)? {
        super::Target::Overlay => {}
        super::Target::Chart => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                    "{} is a chart: `kiln build` takes an overlay (use `kiln template NAME {}` or `kiln render {}`)",
                    opts.dir, opts.dir, opts.dir
                ),
            ))
        }
    }
    let flags = crate::overlay::BuildFlags {
        restrictor,
        helm: crate::overlay::transforms::helm_charts::HelmDefaults {
            kube_version: opts.helm_kube_version.clone().unwrap_or_default(),
            api_versions: opts
                .helm_api_versions
                .iter()
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
                .collect(),
        },
    };
    let built = crate::overlay::build_with(Path::new(&opts.dir), &flags)?;
    for n in &opts.notes {
        eprintln!("{n}");
    }
    for w in &built.warnings {
        eprintln!("{}", crate::error::escape_control(w));
    }
    let stream = crate::emit::kustomize_stream(&built.resources);
    let inputs = [PathBuf::from(&opts.dir)];
    match &opts.output {
        None => Ok(stream.into()),
        Some(dir) if dir.is_dir() => {
            crate::emit::write_overlay_dir(dir, &built.resources, &inputs)?;
            Ok(String::new().into())
        }
        Some(file) => {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let out = crate::fs::OutputFile::new(&name, stream, "the -o file")?;
            let parent = match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            crate::fs::write_staged(&parent, &[out], crate::fs::Existing::Merge, &inputs)?;
            Ok(String::new().into())
        }
    }
}
