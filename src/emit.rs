//! Stage 6: write the YAML stream, as `helm template` prints it, to stdout or an output directory.

use crate::error::Result;
use crate::fs::{Existing, OutputFile};
use crate::resource::Resource;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// `---`, `# Source: <file>`, the document text, for every resource.
pub fn helm_stream(resources: &[Resource]) -> String {
    // Exactly what `push_doc` writes: one allocation, never grown.
    let len = |r: &Resource| "---\n# Source: ".len() + r.source.len() + r.text.len() + 2;
    let mut out = String::with_capacity(resources.iter().map(len).sum());
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
/// documents in stream order, as `helm template --output-dir` does. Every path is checked
/// before the first write and the files are staged (see [`crate::fs::write_staged`]); no
/// existing file inside `inputs` (the chart) is replaced.
pub fn write_output_dir(
    dir: &Path,
    resources: &[Resource],
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let files = output_dir_files(resources)?;
    crate::fs::write_staged(dir, &files, Existing::Merge, inputs)
}

/// The files of [`write_output_dir`]: one per source, its documents in stream order.
pub fn output_dir_files(resources: &[Resource]) -> Result<Vec<OutputFile>> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in resources {
        match index.get(&r.source) {
            Some(&i) => push_doc(&mut files[i].1, r),
            None => {
                let mut text = String::new();
                push_doc(&mut text, r);
                index.insert(r.source.clone(), files.len());
                files.push((r.source.clone(), text));
            }
        }
    }
    files
        .into_iter()
        .map(|(source, text)| OutputFile::new(&source, text, &format!("output file for {source}")))
        .collect()
}

/// Writes one file per object under `dir`, named as `kubectl kustomize -o DIR` names them:
/// `<group>_<version>_<kind>_<name>.yaml` in lowercase, prefixed with `<namespace>_` when the
/// namespaced objects span more than one namespace. Objects that map to the same file share it.
pub fn write_overlay_dir(
    dir: &Path,
    resources: &[Resource],
    inputs: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let files = overlay_dir_files(resources)?;
    crate::fs::write_staged(dir, &files, Existing::Merge, inputs)
}

/// The files of [`write_overlay_dir`], named as `kubectl kustomize -o DIR` names them.
pub fn overlay_dir_files(resources: &[Resource]) -> Result<Vec<OutputFile>> {
    let ns_of = |r: &Resource| -> Option<String> {
        crate::k8s::is_namespaced(r.api_version(), r.kind()).then(|| match r.namespace() {
            "" => "default".to_string(),
            ns => ns.to_lowercase(),
        })
    };
    let namespaces: HashSet<String> = resources.iter().filter_map(ns_of).collect();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in resources {
        let what = format!("{} {:?} (from {})", r.kind(), r.name(), r.source);
        let gvk: Vec<String> = r
            .api_version()
            .split('/')
            .chain([r.kind()])
            .filter(|p| !p.is_empty())
            .map(|p| p.to_lowercase())
            .collect();
        let mut name = format!("{}_{}.yaml", gvk.join("_"), r.name().to_lowercase());
        if namespaces.len() > 1 {
            if let Some(ns) = ns_of(r) {
                name = format!("{ns}_{name}");
            }
        }
        crate::fs::file_name(r.name(), &what)?;
        crate::fs::file_name(&name, &what)?;
        match index.get(&name) {
            Some(&i) => {
                files[i].1.push_str("---\n");
                files[i].1.push_str(&r.text);
                files[i].1.push('\n');
            }
            None => {
                index.insert(name.clone(), files.len());
                files.push((name, format!("{}\n", r.text)));
            }
        }
    }
    files
        .into_iter()
        .map(|(name, text)| OutputFile::new(&name, text, &name))
        .collect()
}
