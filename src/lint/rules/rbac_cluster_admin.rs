//! `rbac-cluster-admin`: a binding to the cluster-admin ClusterRole.

use super::Sink;
use crate::lint::set::{str_at, LintSet};

pub fn check(set: &LintSet, sink: &mut Sink) {
    for (i, r) in set.iter() {
        if matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding")
            && str_at(&r.value, &["roleRef", "kind"]) == "ClusterRole"
            && str_at(&r.value, &["roleRef", "name"]) == "cluster-admin"
        {
            sink.object(
                i,
                "roleRef.name",
                "binds cluster-admin, which allows everything everywhere: bind admin, edit or view, or a role listing what is needed",
            );
        }
    }
}
