//! `kiln create NAME --kind KIND`: a new Jinja chart that renders, lints clean and follows the
//! example charts' conventions: `_helpers.tpl` macros (name, fullname, labels), the standard
//! `app.kubernetes.io/*` labels, a `values.schema.json` describing every value, a NOTES.txt, a
//! README, a non-root read-only pod with resources, and its own ServiceAccount.
//!
//! Nothing is written if the directory exists (no partial charts); the files are built in memory
//! first.

use super::Output;
use crate::error::{Error, ErrorKind, Result};
use std::path::PathBuf;

/// What the chart runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateKind {
    Deployment,
    Job,
    CronJob,
    DaemonSet,
    Rbac,
}

/// Everything `kiln create` needs.
#[derive(Debug, Clone)]
pub struct CreateOptions {
    pub name: String,
    pub kind: CreateKind,
    /// Where to write the chart (default: ./NAME).
    pub output: Option<PathBuf>,
}

const HELPERS: &str = include_str!("create/helpers.tpl");
const POD: &str = include_str!("create/pod.tpl");
const SERVICE_ACCOUNT: &str = include_str!("create/serviceaccount.yaml");
const DEPLOYMENT: &str = include_str!("create/deployment.yaml");
const SERVICE: &str = include_str!("create/service.yaml");
const DAEMONSET: &str = include_str!("create/daemonset.yaml");
const JOB: &str = include_str!("create/job.yaml");
const CRONJOB: &str = include_str!("create/cronjob.yaml");
const ROLE: &str = include_str!("create/role.yaml");

/// Runs `kiln create`.
pub fn run(opts: &CreateOptions) -> Result<Output> {
    check_name(&opts.name)?;
    let dir = opts
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&opts.name));
    if dir.exists() {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{}: already exists; kiln create writes a new directory",
                dir.display()
            ),
        ));
    }
    let files = chart_files(&opts.name, opts.kind);
    let staged = files
        .iter()
        .map(|(rel, text)| crate::fs::OutputFile::new(rel, text.to_string(), "a new chart file"))
        .collect::<Result<Vec<_>>>()?;
    crate::fs::write_staged(&dir, &staged, crate::fs::Existing::Merge, &[])?;
    Ok(format!(
        "created {} ({} chart, {} files): try `kiln render {}` and `kiln lint {}`\n",
        dir.display(),
        kind_word(opts.kind),
        files.len(),
        dir.display(),
        dir.display()
    )
    .into())
}

fn kind_word(kind: CreateKind) -> &'static str {
    match kind {
        CreateKind::Deployment => "deployment",
        CreateKind::Job => "job",
        CreateKind::CronJob => "cronjob",
        CreateKind::DaemonSet => "daemonset",
        CreateKind::Rbac => "rbac",
    }
}

/// A chart name: lowercase letters, digits and `-`, starting with a letter, at most 53 characters
/// (it becomes part of object names).
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 53
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Usage,
            format!("chart name `{name}`: use lowercase letters, digits and `-`, starting with a letter (at most 53 characters)"),
        ))
    }
}

/// Every file of the chart, relative to its directory, in writing order.
pub fn chart_files(name: &str, kind: CreateKind) -> Vec<(String, String)> {
    let workload = kind != CreateKind::Rbac;
    let mut files = vec![
        ("Chart.yaml".to_string(), chart_yaml(name, kind)),
        ("values.yaml".to_string(), values_yaml(kind)),
        ("values.schema.json".to_string(), schema_json(name, kind)),
        ("README.md".to_string(), readme(name, kind)),
        (
            "templates/_helpers.tpl".to_string(),
            HELPERS.replace("__NAME__", name),
        ),
        (
            "templates/serviceaccount.yaml".to_string(),
            SERVICE_ACCOUNT.to_string(),
        ),
        ("templates/NOTES.txt".to_string(), notes(kind)),
    ];
    if workload {
        files.push(("templates/_pod.tpl".to_string(), POD.to_string()));
    }
    let main = match kind {
        CreateKind::Deployment => vec![("deployment.yaml", DEPLOYMENT), ("service.yaml", SERVICE)],
        CreateKind::Job => vec![("job.yaml", JOB)],
        CreateKind::CronJob => vec![("cronjob.yaml", CRONJOB)],
        CreateKind::DaemonSet => vec![("daemonset.yaml", DAEMONSET)],
        CreateKind::Rbac => vec![("role.yaml", ROLE)],
    };
    for (file, text) in main {
        files.push((format!("templates/{file}"), text.to_string()));
    }
    files
}

fn chart_yaml(name: &str, kind: CreateKind) -> String {
    let what = match kind {
        CreateKind::Deployment => "A Deployment with a Service",
        CreateKind::Job => "A one-shot Job",
        CreateKind::CronJob => "A CronJob",
        CreateKind::DaemonSet => "A DaemonSet (one pod per node)",
        CreateKind::Rbac => "A ServiceAccount with a namespaced Role and RoleBinding",
    };
    format!(
        "apiVersion: v2\nname: {name}\ndescription: {what}.\ntype: application\nversion: 0.1.0\nappVersion: \"1.37.0\"\nkubeVersion: \">=1.25.0-0\"\nannotations:\n  kiln.dev/template-engine: jinja\n"
    )
}

const VALUES_COMMON: &str = r#"# -- Overrides the chart name used in object names.
nameOverride: ""
# -- Overrides the full object name (otherwise <release>-<chart>, or the release name when it contains the chart name).
fullnameOverride: ""
"#;

const VALUES_POD: &str = r#"
image:
  repository: busybox
  # -- Image tag; empty means the chart's appVersion.
  tag: "1.37.0"
  pullPolicy: IfNotPresent

# -- Arguments to the image's entrypoint.
args:
  - sh
  - -c
  - echo "hello from $(hostname)"; sleep 3600

resources:
  requests:
    cpu: 50m
    memory: 64Mi
  limits:
    cpu: 500m
    memory: 128Mi

podSecurityContext:
  runAsNonRoot: true
  runAsUser: 65534
  runAsGroup: 65534
  fsGroup: 65534
  seccompProfile:
    type: RuntimeDefault
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  capabilities:
    drop:
      - ALL

# -- Node labels the pods must match.
nodeSelector: {}
# -- Taints the pods tolerate.
tolerations: []
"#;

fn values_yaml(kind: CreateKind) -> String {
    let mut out = format!(
        "# Default values. Every key is described in values.schema.json.\n\n{VALUES_COMMON}"
    );
    match kind {
        CreateKind::Rbac => out.push_str(
            "\n# -- The Role's rules: what the ServiceAccount may do in the release namespace.\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n    verbs: [\"get\", \"list\", \"watch\"]\n",
        ),
        CreateKind::Deployment => {
            // A server that listens on `port`, so the probes pass out of the box.
            out.push_str(&VALUES_POD.replace(
                "  - sh\n  - -c\n  - echo \"hello from $(hostname)\"; sleep 3600\n",
                "  - httpd\n  - -f\n  - -v\n  - -p\n  - \"8080\"\n",
            ));
            out.push_str(
                "\n# -- Pod replicas.\nreplicas: 2\n# -- The container's TCP port, exposed by the Service as `http`.\nport: 8080\n",
            );
        }
        _ => {
            out.push_str(VALUES_POD);
            match kind {
                CreateKind::DaemonSet => out.push_str("\n# -- The container's TCP port (0: none).\nport: 0\n"),
                CreateKind::Job | CreateKind::CronJob => {
                    out.push_str("\n# -- The container's TCP port (0: none).\nport: 0\n# -- Retries before the Job is marked failed.\nbackoffLimit: 3\n# -- Delete finished Jobs after this many seconds.\nttlSecondsAfterFinished: 86400\n");
                    if kind == CreateKind::CronJob {
                        out.push_str("# -- Cron schedule (five fields or @daily-style macros).\nschedule: \"0 3 * * *\"\n# -- IANA time zone for the schedule; empty: the controller's.\ntimeZone: \"\"\n");
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn schema_json(name: &str, kind: CreateKind) -> String {
    use serde_json::json;
    let mut props = serde_json::Map::new();
    props.insert("nameOverride".into(), json!({"description": "Replaces the chart name in object names.", "type": "string", "maxLength": 63}));
    props.insert(
        "fullnameOverride".into(),
        json!({"description": "Replaces the full object name.", "type": "string", "maxLength": 63}),
    );
    let mut required = vec![];
    if kind == CreateKind::Rbac {
        props.insert("rules".into(), json!({"description": "PolicyRules of the Role.", "type": "array", "items": {"type": "object"}}));
        required.push("rules");
    } else {
        props.insert("image".into(), json!({
            "description": "The container image.",
            "type": "object", "additionalProperties": false,
            "required": ["repository", "tag", "pullPolicy"],
            "properties": {
                "repository": {"description": "Image repository.", "type": "string", "minLength": 1},
                "tag": {"description": "Image tag; pin a version. Empty: the chart's appVersion.", "type": "string"},
                "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]}
            }
        }));
        props.insert("args".into(), json!({"description": "Arguments to the entrypoint.", "type": "array", "items": {"type": "string"}}));
        props.insert(
            "resources".into(),
            json!({"description": "Container resources (requests and limits).", "type": "object"}),
        );
        props.insert(
            "podSecurityContext".into(),
            json!({"description": "The pod's securityContext.", "type": "object"}),
        );
        props.insert(
            "securityContext".into(),
            json!({"description": "The container's securityContext.", "type": "object"}),
        );
        props.insert("nodeSelector".into(), json!({"description": "Node labels the pods must match.", "type": "object", "additionalProperties": {"type": "string"}}));
        props.insert("tolerations".into(), json!({"description": "Taints the pods tolerate.", "type": "array", "items": {"type": "object"}}));
        props.insert("port".into(), json!({"description": "The container's TCP port (0: none).", "type": "integer", "minimum": 0, "maximum": 65535}));
        required.extend([
            "image",
            "resources",
            "podSecurityContext",
            "securityContext",
            "port",
        ]);
        match kind {
            CreateKind::Deployment => {
                props.insert(
                    "replicas".into(),
                    json!({"description": "Pod replicas.", "type": "integer", "minimum": 0}),
                );
                required.push("replicas");
            }
            CreateKind::Job | CreateKind::CronJob => {
                props.insert("backoffLimit".into(), json!({"description": "Retries before the Job is marked failed.", "type": "integer", "minimum": 0}));
                props.insert("ttlSecondsAfterFinished".into(), json!({"description": "Delete finished Jobs after this many seconds.", "type": "integer", "minimum": 0}));
                if kind == CreateKind::CronJob {
                    props.insert(
                        "schedule".into(),
                        json!({"description": "Cron schedule.", "type": "string", "minLength": 1}),
                    );
                    props.insert("timeZone".into(), json!({"description": "IANA time zone; empty: the controller's.", "type": "string"}));
                    required.push("schedule");
                }
            }
            _ => {}
        }
    }
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Values of the {name} chart"),
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
    });
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

fn notes(kind: CreateKind) -> String {
    let head = "{%- import \"_helpers.tpl\" as h %}\n";
    let body = match kind {
        CreateKind::Deployment => "Deployment {{ h.fullname() }} runs {{ Values.replicas }} pods in namespace {{ Release.Namespace }}, behind Service {{ h.fullname() }}:{{ Values.port }}.\n\nReach it:\n  kubectl -n {{ Release.Namespace }} port-forward svc/{{ h.fullname() }} {{ Values.port }}\n",
        CreateKind::Job => "Job {{ h.fullname() }} runs once in namespace {{ Release.Namespace }}.\n\nFollow its output:\n  kubectl -n {{ Release.Namespace }} logs job/{{ h.fullname() }} -f\n",
        CreateKind::CronJob => "CronJob {{ h.fullname() }} runs \"{{ Values.schedule }}\" in namespace {{ Release.Namespace }}.\n\nRun it once now:\n  kubectl -n {{ Release.Namespace }} create job {{ h.fullname() }}-manual --from=cronjob/{{ h.fullname() }}\n",
        CreateKind::DaemonSet => "DaemonSet {{ h.fullname() }} runs one pod per node in namespace {{ Release.Namespace }}.\n\nSee them:\n  kubectl -n {{ Release.Namespace }} get pods -l app.kubernetes.io/instance={{ Release.Name }} -o wide\n",
        CreateKind::Rbac => "ServiceAccount {{ h.fullname() }} in namespace {{ Release.Namespace }} is bound to Role {{ h.fullname() }}.\n\nCheck what it may do:\n  kubectl -n {{ Release.Namespace }} auth can-i --list --as=system:serviceaccount:{{ Release.Namespace }}:{{ h.fullname() }}\n",
    };
    format!("{head}{body}")
}

fn readme(name: &str, kind: CreateKind) -> String {
    format!(
        "# {name}\n\nA {} chart made by `kiln create`. Its values are described in `values.schema.json`.\n\n```sh\nkiln render {name}\nkiln lint {name}\nkiln values {name} --set nameOverride=demo\n```\n",
        kind_word(kind)
    )
}
