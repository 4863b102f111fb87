//! The lint rules: one file each, all registered in [`RULES`].
//!
//! A rule is a function over the whole [`LintSet`] (rules compare objects: selectors against
//! templates, bindings against roles, scale targets against workloads) that reports through a
//! [`Sink`]. Rules that look at pods and containers go through [`crate::lint::pods`].

use super::finding::{Category, Severity};
use super::set::LintSet;

mod affinity_selector;
mod affinity_topology_key;
mod capabilities_added;
mod chart_metadata;
mod chart_render;
mod chart_values_schema;
mod cronjob_schedule;
mod cronjob_timezone;
mod daemonset_tolerations;
mod deprecated_node_labels;
mod duplicate_object;
mod host_namespaces;
mod host_path;
mod hpa_replicas;
mod image_tag;
mod input_invalid;
mod invalid_name;
mod job_restart_policy;
mod missing_name;
mod privilege_escalation;
mod privileged;
mod prometheus_port;
mod rbac_cluster_admin;
mod rbac_pods_exec;
mod rbac_roleref_missing;
mod rbac_roleref_scope;
mod rbac_secrets_read;
mod rbac_subject_missing;
mod rbac_subject_namespace;
mod rbac_wildcard;
mod resources_missing;
mod run_as_root;
mod scale_target;
pub mod schema;
mod selector_mismatch;
mod service_account_missing;
mod tolerations;

/// A rule: its identity, defaults and check function.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, used by `--disable` and `kiln.dev/lint-disable`.
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line: what the rule checks.
    pub description: &'static str,
    /// Why it matters and how to fix it.
    pub help: &'static str,
    pub check: fn(&LintSet, &mut Sink),
}

use Category::*;
use Severity::*;

macro_rules! rule {
    ($id:literal, $module:ident, $category:expr, $severity:expr, $description:literal, $help:literal) => {
        Rule {
            id: $id,
            category: $category,
            severity: $severity,
            description: $description,
            help: $help,
            check: $module::check,
        }
    };
}

/// Every rule, in the order of the README's table.
pub static RULES: &[Rule] = &[
    rule!("job-restart-policy", job_restart_policy, Batch, Error,
        "Job and CronJob pod templates must set restartPolicy OnFailure or Never",
        "The API server rejects a Job whose pods would restart forever (the default Always). Set restartPolicy: OnFailure (retry in place) or Never (new pod per retry)."),
    rule!("cronjob-schedule", cronjob_schedule, Batch, Error,
        "CronJob schedule must parse as Kubernetes cron syntax",
        "Five fields (minute hour day-of-month month day-of-week) with *, ?, ranges, steps, lists and JAN-DEC/SUN-SAT names, or @yearly, @monthly, @weekly, @daily, @hourly, @every <duration>. Day-of-week 7 and TZ=/CRON_TZ= prefixes are rejected; use spec.timeZone."),
    rule!("cronjob-timezone", cronjob_timezone, Batch, Error,
        "CronJob timeZone must be an IANA time zone name",
        "Use a name from the IANA time zone database, such as Europe/Berlin or America/New_York (not an abbreviation such as EST, and not Local)."),
    rule!("selector-mismatch", selector_mismatch, Workloads, Error,
        "Workload selector must match its pod template labels",
        "A Deployment, ReplicaSet, StatefulSet, DaemonSet (or Job with manualSelector) is rejected when spec.selector does not select spec.template.metadata.labels. Make the selector a subset of the template labels."),
    rule!("deprecated-node-labels", deprecated_node_labels, Scheduling, Warning,
        "nodeSelector and node affinity must not use beta.kubernetes.io/os or /arch",
        "The beta.kubernetes.io/os and beta.kubernetes.io/arch node labels are deprecated; use kubernetes.io/os and kubernetes.io/arch."),
    rule!("toleration-invalid", tolerations, Scheduling, Error,
        "Tolerations must have a valid operator and effect",
        "operator is Exists or Equal (default); Exists takes no value; an empty key needs Exists; effect is NoSchedule, PreferNoSchedule, NoExecute or empty; tolerationSeconds only applies to NoExecute."),
    rule!("affinity-topology-key", affinity_topology_key, Scheduling, Error,
        "Pod affinity and anti-affinity terms must set topologyKey",
        "Every pod (anti-)affinity term needs a topologyKey such as kubernetes.io/hostname or topology.kubernetes.io/zone."),
    rule!("affinity-selector-unmatched", affinity_selector, Scheduling, Warning,
        "Pod affinity labelSelector should match some pod template in the set",
        "A pod (anti-)affinity labelSelector that matches no pod of the rendered set is usually a typo or a stale label: required affinity then never schedules, anti-affinity never spreads."),
    rule!("daemonset-no-tolerations", daemonset_tolerations, Scheduling, Info,
        "DaemonSet without tolerations while other workloads tolerate taints",
        "Other workloads in the set tolerate taints, so tainted nodes exist; a DaemonSet without tolerations skips those nodes. Add the same tolerations if it should run everywhere."),
    rule!("host-path", host_path, Security, Info,
        "Pod mounts a hostPath volume",
        "hostPath volumes expose the node's filesystem to the pod. Prefer emptyDir, a PersistentVolumeClaim or a CSI volume unless the pod is a node agent."),
    rule!("rbac-roleref-missing", rbac_roleref_missing, Rbac, Warning,
        "Binding roleRef must name a Role or ClusterRole in the set or a built-in one",
        "The binding grants nothing until the role exists. Add the Role/ClusterRole, fix the name, or use a built-in ClusterRole (cluster-admin, admin, edit, view, system:*)."),
    rule!("rbac-roleref-scope", rbac_roleref_scope, Rbac, Error,
        "A RoleBinding references a Role of its own namespace; a ClusterRoleBinding only ClusterRoles",
        "roleRef has no namespace: a RoleBinding's Role is looked up in the binding's namespace. Move the binding to the Role's namespace, or bind a ClusterRole."),
    rule!("rbac-subject-namespace", rbac_subject_namespace, Rbac, Error,
        "ClusterRoleBinding ServiceAccount subjects must set a namespace",
        "A ServiceAccount subject of a ClusterRoleBinding needs subjects[].namespace; the API server rejects it otherwise."),
    rule!("rbac-subject-missing", rbac_subject_missing, Rbac, Warning,
        "Binding subject ServiceAccount should exist in the set",
        "The binding names a ServiceAccount that the set does not create. Add the ServiceAccount or fix its name or namespace."),
    rule!("service-account-missing", service_account_missing, Rbac, Warning,
        "Pod serviceAccountName should name a ServiceAccount in the set",
        "Pods fail to start when their ServiceAccount does not exist. Add the ServiceAccount, fix the name, or drop serviceAccountName to use default."),
    rule!("rbac-wildcard", rbac_wildcard, Security, Info,
        "Role rules should not use * in verbs, resources or apiGroups",
        "Wildcards grant every present and future verb, resource or API group. List what the workload needs. An info by default (kube-linter's wildcard-in-rules is opt-in): operators often need broad access; raise it with `severity:` in .kiln.yaml."),
    rule!("rbac-cluster-admin", rbac_cluster_admin, Security, Warning,
        "Bindings should not grant cluster-admin",
        "cluster-admin allows everything on every resource. Bind a narrower built-in role (admin, edit, view) or a role of your own."),
    rule!("rbac-secrets-read", rbac_secrets_read, Security, Info,
        "Role rules grant read access to Secrets",
        "get, list or watch on secrets without resourceNames exposes every credential in scope. Restrict the rule with resourceNames, or mount the Secrets the workload needs instead. An info by default (kube-linter's access-to-secrets is opt-in): operators that manage Secrets need the access; raise it with `severity:` in .kiln.yaml."),
    rule!("rbac-pods-exec", rbac_pods_exec, Security, Warning,
        "Role rules grant pods/exec or pods/attach",
        "Exec into pods runs arbitrary commands with the pods' permissions. Grant it to people through a separate role, not to workloads."),
    rule!("scale-target-missing", scale_target, Workloads, Error,
        "HorizontalPodAutoscaler and KEDA ScaledObject scaleTargetRef must name a workload in the set",
        "The autoscaler does nothing when its target does not exist. Fix scaleTargetRef kind and name (after name prefixes and suffixes)."),
    rule!("hpa-replicas", hpa_replicas, Workloads, Info,
        "A workload scaled by an autoscaler also sets spec.replicas",
        "The autoscaler owns the replica count; every apply of spec.replicas resets it. Remove spec.replicas from the workload (and from overlays' replicas:)."),
    rule!("prometheus-port", prometheus_port, Workloads, Warning,
        "prometheus.io/port annotation must be a port number; on a Service, a port it or its pods declare",
        "The value must be a port number (a rendered `map[http:80]` or a port name is not). On pods the kubernetes-pods scrape job targets the pod IP and the annotated port, so the port need not be declared. On a Service the endpoints are scraped at the annotated port: name a port, targetPort (a named one is resolved through the selected pods) or containerPort of the selected pods."),
    rule!("image-tag", image_tag, Reliability, Warning,
        "Container images must be pinned to a tag other than latest, or a digest",
        "An untagged or :latest image changes under you and makes rollbacks impossible. Pin a version tag or an @sha256 digest."),
    rule!("resources-missing", resources_missing, Reliability, Warning,
        "Containers should set CPU and memory requests and a memory limit",
        "Without requests the scheduler overcommits nodes; without a memory limit one container can exhaust a node. Set resources.requests.cpu, resources.requests.memory and resources.limits.memory."),
    rule!("privileged", privileged, Security, Warning,
        "Containers should not run privileged",
        "A privileged container has every capability and access to host devices. Drop securityContext.privileged and add only the capabilities needed."),
    rule!("privilege-escalation", privilege_escalation, Security, Warning,
        "Containers should set allowPrivilegeEscalation: false",
        "Without it a process can gain more privileges than its parent (setuid binaries). Set securityContext.allowPrivilegeEscalation: false."),
    rule!("run-as-root", run_as_root, Security, Warning,
        "Containers should not be allowed to run as root",
        "Set securityContext.runAsNonRoot: true (pod or container) or a non-zero runAsUser."),
    rule!("host-namespaces", host_namespaces, Security, Warning,
        "Pods should not share the host's network, PID or IPC namespace",
        "hostNetwork, hostPID and hostIPC let a pod see and reach everything on its node. Remove them unless the pod is a node agent that needs them."),
    rule!("capabilities-added", capabilities_added, Security, Warning,
        "Containers should not add Linux capabilities",
        "Added capabilities widen what a compromised container can do. Drop ALL and add back only what is needed, and document why."),
    rule!("input-invalid", input_invalid, Objects, Error,
        "Every input must load: YAML that parses, overlays that build",
        "A manifest that does not parse (a duplicate key, a tab, a bad indent) or an overlay that does not build (a patch target that does not exist, a chart of charts: that does not render) is rejected whole. The finding points at the failing line; the other inputs are still linted."),
    rule!("duplicate-object", duplicate_object, Objects, Error,
        "Objects must have a unique kind, namespace and name",
        "Two objects with the same kind, namespace and name overwrite each other on apply. Rename one or remove the copy."),
    rule!("missing-name", missing_name, Objects, Error,
        "Objects must have metadata.name (or generateName)",
        "Every object needs metadata.name; only objects created (not applied) may use generateName."),
    rule!("invalid-name", invalid_name, Objects, Error,
        "Names and namespaces must be valid DNS-1123 names",
        "Most kinds need a DNS-1123 subdomain (lowercase letters, digits, - and ., at most 253, alphanumeric at both ends); Namespace, Service and metadata.namespace a DNS-1123 label (no ., at most 63); CronJob names at most 52 characters."),
    rule!("schema", schema, Objects, Error,
        "Objects must validate against the Kubernetes schema of their apiVersion and kind",
        "Unknown fields (typos such as restartPolicey) and wrong types are rejected by the API server. Custom resources are validated when their CRD is in the set or given with --crd."),
    rule!("chart-metadata", chart_metadata, Chart, Error,
        "Chart.yaml must have apiVersion, name and a SemVer version",
        "Like helm lint: apiVersion v2 (or v1), a name, version a SemVer 2 version (1.2.3), type application or library."),
    rule!("chart-values-schema", chart_values_schema, Chart, Error,
        "values.schema.json must be a valid JSON Schema that the default values satisfy",
        "Helm validates values against values.schema.json on every install; a schema that is not valid JSON Schema, or defaults that violate it, break every install."),
    rule!("chart-render", chart_render, Chart, Error,
        "Chart templates must render with the chart's values",
        "A template that fails to render (undefined value, required, fail, bad YAML) breaks every install; the message points at the template line."),
];

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// What a finding is attached to.
#[derive(Debug, Clone)]
pub enum Target {
    /// An object of the set, by index.
    Object(usize),
    /// A file position (chart files).
    File { file: String, line: usize },
}

/// A finding as a rule reports it; the runner adds rule, location and object.
#[derive(Debug, Clone)]
pub struct Raw {
    pub rule: &'static Rule,
    pub target: Target,
    pub path: String,
    pub message: String,
    /// Overrides the rule's severity (the schema rule's info for skipped custom resources).
    pub severity: Option<Severity>,
}

/// Where a rule's findings go.
#[derive(Debug)]
pub struct Sink {
    rule: &'static Rule,
    pub(crate) found: Vec<Raw>,
}

impl Sink {
    pub fn new(rule: &'static Rule) -> Sink {
        Sink {
            rule,
            found: Vec::new(),
        }
    }

    /// A finding on object `obj` at `path`.
    pub fn object(&mut self, obj: usize, path: impl Into<String>, message: impl Into<String>) {
        self.push(Target::Object(obj), path.into(), message.into(), None);
    }

    /// A finding on an object, with another severity than the rule's.
    pub fn object_with(
        &mut self,
        severity: Severity,
        obj: usize,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(
            Target::Object(obj),
            path.into(),
            message.into(),
            Some(severity),
        );
    }

    /// A finding on a file that is not an object (Chart.yaml).
    pub fn file(&mut self, file: impl Into<String>, line: usize, message: impl Into<String>) {
        self.push(
            Target::File {
                file: file.into(),
                line: line.max(1),
            },
            String::new(),
            message.into(),
            None,
        );
    }

    fn push(&mut self, target: Target, path: String, message: String, severity: Option<Severity>) {
        self.found.push(Raw {
            rule: self.rule,
            target,
            path,
            message,
            severity,
        });
    }
}
