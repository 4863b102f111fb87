//! `rbac-roleref-scope`: a RoleBinding's Role is in its own namespace; a ClusterRoleBinding binds
//! only ClusterRoles.

use super::Sink;
use crate::lint::set::{str_at, LintSet};

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        let kind = str_at(&r.value, &["roleRef", "kind"]);
        let name = str_at(&r.value, &["roleRef", "name"]);
        match (r.kind(), kind) {
            ("ClusterRoleBinding", "Role") => sink.object(
                i,
                "roleRef.kind",
                "a ClusterRoleBinding can only reference a ClusterRole: bind the Role with a RoleBinding in its namespace, or make it a ClusterRole",
            ),
            ("RoleBinding", "Role") => {
                let ns = set.namespace_of(r);
                if set.has("Role", ns, name) {
                    continue;
                }
                let elsewhere: Vec<&str> = set
                    .of_kind("Role")
                    .filter(|(_, x)| x.name() == name)
                    .map(|(_, x)| set.namespace_of(x))
                    .collect();
                if let Some(other) = elsewhere.first() {
                    let unset = if r.namespace().is_empty() {
                        format!(" (the binding sets no namespace, so it lands in `{ns}`: -n sets it, as the release namespace does on install)")
                    } else {
                        String::new()
                    };
                    sink.object(
                        i,
                        "roleRef.name",
                        format!("Role `{name}` is in namespace `{other}`, but a RoleBinding in `{ns}` can only reference a Role of its own namespace{unset}: move the binding to `{other}` or bind a ClusterRole"),
                    );
                }
            }
            _ => {}
        }
    }
}
