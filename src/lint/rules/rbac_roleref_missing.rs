//! `rbac-roleref-missing`: a binding's roleRef names a role of the set or a built-in one.

use super::Sink;
use crate::lint::set::{str_at, LintSet};

/// ClusterRoles every cluster has.
pub fn is_builtin_cluster_role(name: &str) -> bool {
    matches!(name, "cluster-admin" | "admin" | "edit" | "view") || name.starts_with("system:")
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
                set.has("Role", ns, name) || set.of_kind("Role").any(|(_, x)| x.name() == name)
            }
            _ => true,
        };
        if !exists {
            sink.object(
                i,
                "roleRef.name",
                format!("{kind} `{name}` is neither in the set nor built in: add the {kind}, fix the name, or bind a built-in ClusterRole (admin, edit, view)"),
            );
        }
    }
}
