//! What a rule reports: a [`Finding`] with its severity, category and where it points.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Errors fail the run; warnings fail it with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The SARIF `level` of this severity.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What area of Kubernetes a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Jobs and CronJobs.
    Batch,
    /// Workload wiring: selectors, scaling targets, monitoring annotations.
    Workloads,
    /// Where pods run: node labels, tolerations, affinity.
    Scheduling,
    /// Roles, bindings and service accounts.
    Rbac,
    /// Privileges and hardening.
    Security,
    /// Resource requests and limits, image tags.
    Reliability,
    /// Object identity: names, duplicates, schemas.
    Objects,
    /// Chart packaging, like `helm lint`.
    Chart,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Batch => "batch",
            Category::Workloads => "workloads",
            Category::Scheduling => "scheduling",
            Category::Rbac => "rbac",
            Category::Security => "security",
            Category::Reliability => "reliability",
            Category::Objects => "objects",
            Category::Chart => "chart",
        }
    }
}

/// One problem, pointed at a file and line. Field order is the JSON output's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// The template, overlay file or manifest the object came from.
    pub file: String,
    /// 1-based line in `file`.
    pub line: usize,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// YAML path inside the object (`spec.template.spec.containers[0].image`); empty for the
    /// whole object or a file-level finding.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    /// `kind/namespace/name`, `kind/name` for objects without a namespace, empty for files.
    pub fn object(&self) -> String {
        match (self.kind.is_empty(), self.namespace.is_empty()) {
            (true, _) => String::new(),
            (false, true) => format!("{}/{}", self.kind, self.name),
            (false, false) => format!("{}/{}/{}", self.kind, self.namespace, self.name),
        }
    }

    /// Findings are reported by file, line, then rule.
    pub fn sort_key(&self) -> (&str, usize, &str, &str, &str) {
        (&self.file, self.line, self.rule, &self.path, &self.message)
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub objects: usize,
}

impl Summary {
    pub fn of(findings: &[Finding], objects: usize) -> Summary {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            objects,
        }
    }
}
