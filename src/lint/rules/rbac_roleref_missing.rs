//! `rbac-roleref-missing`: a binding's roleRef names a role of the set or a built-in one.

use super::Sink;
use crate::lint::set::{str_at, LintSet};

/// ClusterRoles every cluster has.
pub fn is_builtin_cluster_role(name: &str) -> bool {
    matches!(name, "cluster-admin" | "admin" | "edit" | "view") || name.starts_with("system:")
}

/// Roles every cluster has, by namespace (kube-apiserver's bootstrap policy).
const BUILTIN_ROLES: &[(&str, &str)] = &[
    ("kube-system", "extension-apiserver-authentication-reader"),
    (
        "kube-system",
        "system::leader-locking-kube-controller-manager",
    ),
    ("kube-system", "system::leader-locking-kube-scheduler"),
    ("kube-system", "system:controller:bootstrap-signer"),
    ("kube-system", "system:controller:cloud-provider"),
    ("kube-system", "system:controller:token-cleaner"),
    ("kube-public", "system:controller:bootstrap-signer"),
];

/// The namespaces in which a built-in Role of this name exists.
fn builtin_role_namespaces(name: &str) -> Vec<&'static str> {
    BUILTIN_ROLES
        .iter()
        .filter(|(_, n)| *n == name)
        .map(|(ns, _)| *ns)
        .collect()
}

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if !matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding") {
            continue;
        }
        let kind = str_at(&r.value, &["roleRef", "kind"]);
        let name = str_at(&r.value, &["roleRef", "name"]);
        let ns = set.namespace_of(r);
        let exists = match kind {
            "ClusterRole" => set.has("ClusterRole", "", name) || is_builtin_cluster_role(name),
            // A Role in another namespace is `rbac-roleref-scope`'s error.
            "Role" => {
                set.has("Role", ns, name)
                    || set.of_kind("Role").any(|(_, x)| x.name() == name)
                    || builtin_role_namespaces(name).contains(&ns)
            }
            _ => true,
        };
        let builtin_elsewhere = builtin_role_namespaces(name);
        if !exists && kind == "Role" && !builtin_elsewhere.is_empty() {
            sink.object(
                i,
                "roleRef.name",
                format!(
                    "Role `{name}` is built in, but only in namespace {}; this RoleBinding is in `{ns}`{}: put the binding in {}",
                    builtin_elsewhere.join(" and "),
                    if r.namespace().is_empty() { " (it sets no namespace; -n sets it)" } else { "" },
                    builtin_elsewhere[0]
                ),
            );
        } else if !exists {
            sink.object(
                i,
                "roleRef.name",
                format!("{kind} `{name}` is neither in the set nor built in: add the {kind}, fix the name, or bind a built-in ClusterRole (admin, edit, view)"),
            );
        }
    }
}
