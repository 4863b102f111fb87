//! `kiln build DIR`: `kustomize build`'s command line on kiln's overlay builder.

use super::Output;
use crate::error::{Error, ErrorKind, Result};
use crate::resource::Resource;
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
    match opts.load_restrictor.as_deref() {
        None | Some("LoadRestrictionsRootOnly") => {}
        Some("LoadRestrictionsNone") => {
            return Err(Error::new(
                ErrorKind::Usage,
                "--load-restrictor LoadRestrictionsNone: kiln keeps every file an overlay reads inside its root; move the files under the overlay (or a base it lists)",
            ))
        }
        Some(other) => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("--load-restrictor {other}: expected LoadRestrictionsRootOnly or LoadRestrictionsNone"),
            ))
        }
    }
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
    let built = crate::overlay::build(Path::new(&opts.dir))?;
    for n in &opts.notes {
        eprintln!("{n}");
    }
    for w in &built.warnings {
        eprintln!("{w}");
    }
    let stream = crate::emit::kustomize_stream(&built.resources);
    match &opts.output {
        None => Ok(stream.into()),
        Some(dir) if dir.is_dir() => {
            let files = per_object_files(&built.resources);
            for (name, text) in &files {
                let path = dir.join(name);
                std::fs::write(&path, text).map_err(|e| Error::io(path.display(), e))?;
            }
            Ok(String::new().into())
        }
        Some(file) => {
            std::fs::write(file, stream).map_err(|e| Error::io(file.display(), e))?;
            Ok(String::new().into())
        }
    }
}

/// `kustomize build -o DIR`'s layout: `<namespace>_<group>_<version>_<kind>_<name>.yaml`,
/// lowercase, `default` for objects without a namespace.
fn per_object_files(resources: &[Resource]) -> Vec<(String, String)> {
    resources
        .iter()
        .map(|r| {
            let ns = r.namespace();
            let ns = if ns.is_empty() { "default" } else { ns };
            let gv = r.api_version().replace('/', "_");
            let name = format!("{ns}_{gv}_{}_{}.yaml", r.kind(), r.name()).to_lowercase();
            (name, format!("{}\n", r.text))
        })
        .collect()
}
