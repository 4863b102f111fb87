//! `rbac-subject-missing`: a binding's ServiceAccount subjects exist in the set.

use super::Sink;
use crate::lint::pods::str_of;
use crate::lint::set::LintSet;
use serde_json::Value;

/// ServiceAccounts every cluster has in kube-system: the controllers of kube-controller-manager
/// (one account each, `--use-service-account-credentials`) and the add-ons kubeadm installs.
const BUILTIN_SERVICE_ACCOUNTS: &[&str] = &[
    "attachdetach-controller",
    "bootstrap-signer",
    "certificate-controller",
    "clusterrole-aggregation-controller",
    "coredns",
    "cronjob-controller",
    "daemon-set-controller",
    "deployment-controller",
    "disruption-controller",
    "endpoint-controller",
    "endpointslice-controller",
    "endpointslicemirroring-controller",
    "ephemeral-volume-controller",
    "expand-controller",
    "generic-garbage-collector",
    "horizontal-pod-autoscaler",
    "job-controller",
    "kube-proxy",
    "legacy-service-account-token-cleaner",
    "namespace-controller",
    "node-controller",
    "persistent-volume-binder",
    "pod-garbage-collector",
    "pv-protection-controller",
    "pvc-protection-controller",
    "replicaset-controller",
    "replication-controller",
    "resourcequota-controller",
    "root-ca-cert-publisher",
    "route-controller",
    "service-account-controller",
    "service-cidrs-controller",
    "service-controller",
    "statefulset-controller",
    "token-cleaner",
    "ttl-after-finished-controller",
    "ttl-controller",
    "validatingadmissionpolicy-status-controller",
];

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if !matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding") {
            continue;
        }
        let Some(subjects) = r.value.get("subjects").and_then(Value::as_array) else {
            continue;
        };
        for (s, subject) in subjects.iter().enumerate() {
            if str_of(subject, "kind") != "ServiceAccount" {
                continue;
            }
            let name = str_of(subject, "name");
            let implicit = str_of(subject, "namespace").is_empty() && r.namespace().is_empty();
            let ns = match str_of(subject, "namespace") {
                "" => set.namespace_of(r),
                ns => ns,
            };
            if name == "default"
                || ns.is_empty()
                || set.has("ServiceAccount", ns, name)
                || (ns == "kube-system" && BUILTIN_SERVICE_ACCOUNTS.contains(&name))
            {
                continue;
            }
            // The set may have the ServiceAccount without a namespace: it lands in the default
            // namespace here, in the namespace of `kubectl apply -n` on a cluster.
            let unplaced = set
                .of_kind("ServiceAccount")
                .any(|(_, x)| x.name() == name && x.namespace().is_empty());
            let hint = if implicit {
                format!(" (neither the subject nor the binding sets a namespace, so it is `{ns}`: -n sets it)")
            } else if unplaced {
                format!(
                    " (the set's ServiceAccount `{name}` sets no namespace, so it lands in `{}`: lint with -n {ns} if it is applied there)",
                    set.default_namespace
                )
            } else {
                String::new()
            };
            sink.object(
                i,
                format!("subjects[{s}].name"),
                format!("ServiceAccount `{ns}/{name}` is not in the set{hint}: add it, or fix the subject's name or namespace"),
            );
        }
    }
}
