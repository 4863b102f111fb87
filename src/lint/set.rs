//! The object set the rules look at: every object of one lint unit (a chart, an overlay, or the
//! plain manifests), plus the charts themselves for the chart rules.

use crate::resource::Resource;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// A chart given to `kiln lint`, for the chart rules.
#[derive(Debug, Clone)]
pub struct ChartInput {
    /// The chart directory as given.
    pub dir: PathBuf,
    /// The render failure, when the chart's templates did not render with the given values.
    pub render_error: Option<crate::Error>,
    /// The chart's name: the first component of its display paths (`web/templates/x.yaml`).
    pub name: Option<String>,
}

impl ChartInput {
    /// A display path (`web/templates/x.yaml`) as a path under the directory as given
    /// (`charts/web/templates/x.yaml`), so code-scanning tools can open it.
    pub fn file_path(&self, display: &str) -> String {
        match &self.name {
            Some(name) => match display
                .strip_prefix(name.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(rest) => self.dir.join(rest).display().to_string(),
                None => display.to_string(),
            },
            None => display.to_string(),
        }
    }
}

/// Everything one lint unit holds.
#[derive(Debug)]
pub struct LintSet {
    pub objects: Vec<Resource>,
    pub charts: Vec<ChartInput>,
    /// The namespace of objects that set none (`--namespace`, `default` unless given).
    pub default_namespace: String,
    /// Inputs of the set that did not load (reported by `input-invalid`).
    pub failures: Vec<crate::lint::input::Failure>,
    /// Schema verdicts, one per object (computed by the runner when the schema rule is on).
    pub schema: Vec<crate::lint::rules::schema::Checked>,
    /// Index: (kind, effective namespace, name) → objects.
    index: HashMap<(String, String, String), Vec<usize>>,
}

impl LintSet {
    pub fn new(
        objects: Vec<Resource>,
        charts: Vec<ChartInput>,
        default_namespace: &str,
    ) -> LintSet {
        let mut set = LintSet {
            objects,
            charts,
            default_namespace: default_namespace.to_string(),
            failures: Vec::new(),
            schema: Vec::new(),
            index: HashMap::new(),
        };
        let mut index: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
        for (i, r) in set.objects.iter().enumerate() {
            index
                .entry((
                    r.kind().to_string(),
                    set.namespace_of(r).to_string(),
                    r.name().to_string(),
                ))
                .or_default()
                .push(i);
        }
        set.index = index;
        set
    }

    /// The namespace an object lands in: its own, the default for namespaced kinds without one,
    /// empty for cluster-scoped kinds.
    pub fn namespace_of<'a>(&'a self, r: &'a Resource) -> &'a str {
        // PodSecurityPolicy (removed in 1.25) was cluster-scoped.
        if !crate::k8s::is_namespaced(r.api_version(), r.kind()) || r.kind() == "PodSecurityPolicy"
        {
            return "";
        }
        match r.namespace() {
            "" => &self.default_namespace,
            ns => ns,
        }
    }

    /// Objects of `kind` named `name` in `namespace` (empty for cluster-scoped kinds).
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> &[usize] {
        self.index
            .get(&(kind.to_string(), namespace.to_string(), name.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether an object of `kind` named `name` exists in `namespace` (ignored for
    /// cluster-scoped kinds).
    pub fn has(&self, kind: &str, namespace: &str, name: &str) -> bool {
        !self.find(kind, namespace, name).is_empty() || !self.find(kind, "", name).is_empty()
    }

    /// Objects of a kind.
    pub fn of_kind<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Resource)> + 'a {
        self.objects
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.kind() == kind)
    }

    /// Every object with its index.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Resource)> {
        self.objects.iter().enumerate()
    }
}

/// A string at a path of keys (`""` when absent or not a string).
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut v = v;
    for k in path {
        match v.get(k) {
            Some(next) => v = next,
            None => return "",
        }
    }
    v.as_str().unwrap_or("")
}
