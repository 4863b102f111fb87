//! Stage 6: write the YAML stream, as `helm template` prints it, to stdout or an output directory.

use crate::error::{Error, Result};
use crate::resource::Resource;
use std::path::Path;

/// `---`, `# Source: <file>`, the document text, for every resource.
pub fn helm_stream(resources: &[Resource]) -> String {
    let mut out = String::with_capacity(resources.iter().map(|r| r.text.len() + 64).sum());
    for r in resources {
        push_doc(&mut out, r);
    }
    out
}

fn push_doc(out: &mut String, r: &Resource) {
    out.push_str("---\n# Source: ");
    out.push_str(&r.source);
    out.push('\n');
    out.push_str(&r.text);
    out.push('\n');
}

/// Documents separated by `---` lines, as `kustomize build` prints them (no `# Source`).
pub fn kustomize_stream(resources: &[Resource]) -> String {
    let mut out = String::with_capacity(resources.iter().map(|r| r.text.len() + 8).sum());
    for (i, r) in resources.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&r.text);
        out.push('\n');
    }
    out
}

/// Writes one file per source under `dir` (`dir/<chart>/templates/x.yaml`), each holding its
/// documents in stream order. Every text is built before the first write.
pub fn write_output_dir(dir: &Path, resources: &[Resource]) -> Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<(String, String)> = Vec::new();
    for r in resources {
        match files.iter_mut().find(|(s, _)| *s == r.source) {
            Some((_, text)) => push_doc(text, r),
            None => {
                let mut text = String::new();
                push_doc(&mut text, r);
                files.push((r.source.clone(), text));
            }
        }
    }
    let mut written = Vec::new();
    for (source, text) in files {
        let path = dir.join(&source);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent.display(), e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(path.display(), e))?;
        written.push(path);
    }
    Ok(written)
}
