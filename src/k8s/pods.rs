//! Where each workload kind keeps its pod template: the one table every walk over pods uses
//! (name references, overlay labels, lint rules, chartify).

/// The location of a kind's pod template (the object holding the pod's `metadata` and `spec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodTemplateAt {
    /// Keys from the object root (empty for a Pod, which is its own template).
    pub keys: &'static [&'static str],
    /// The same as a JSON pointer (`""`, `/spec/template`, …).
    pub pointer: &'static str,
    /// The pod's metadata as a YAML path (`spec.template.metadata`; `metadata` for a Pod).
    pub metadata_path: &'static str,
    /// The pod spec as a YAML path (`spec.template.spec`; `spec` for a Pod).
    pub spec_path: &'static str,
    /// The pod spec as a JSON pointer.
    pub spec_pointer: &'static str,
}

const POD: PodTemplateAt = PodTemplateAt {
    keys: &[],
    pointer: "",
    metadata_path: "metadata",
    spec_path: "spec",
    spec_pointer: "/spec",
};
const POD_TEMPLATE: PodTemplateAt = PodTemplateAt {
    keys: &["template"],
    pointer: "/template",
    metadata_path: "template.metadata",
    spec_path: "template.spec",
    spec_pointer: "/template/spec",
};
const WORKLOAD: PodTemplateAt = PodTemplateAt {
    keys: &["spec", "template"],
    pointer: "/spec/template",
    metadata_path: "spec.template.metadata",
    spec_path: "spec.template.spec",
    spec_pointer: "/spec/template/spec",
};
const CRONJOB: PodTemplateAt = PodTemplateAt {
    keys: &["spec", "jobTemplate", "spec", "template"],
    pointer: "/spec/jobTemplate/spec/template",
    metadata_path: "spec.jobTemplate.spec.template.metadata",
    spec_path: "spec.jobTemplate.spec.template.spec",
    spec_pointer: "/spec/jobTemplate/spec/template/spec",
};

/// Where `kind` keeps its pod template: Pod (itself), PodTemplate (`template`), Deployment,
/// ReplicaSet, ReplicationController, DaemonSet, StatefulSet, Job (`spec.template`), CronJob
/// (`spec.jobTemplate.spec.template`); `None` for kinds without pods.
pub fn pod_template_at(kind: &str) -> Option<PodTemplateAt> {
    match kind {
        "Pod" => Some(POD),
        "PodTemplate" => Some(POD_TEMPLATE),
        "Deployment"
        | "ReplicaSet"
        | "ReplicationController"
        | "DaemonSet"
        | "StatefulSet"
        | "Job" => Some(WORKLOAD),
        "CronJob" => Some(CRONJOB),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_agree_with_each_other() {
        for kind in ["Pod", "PodTemplate", "Deployment", "CronJob"] {
            let at = pod_template_at(kind).unwrap();
            let pointer: String = at.keys.iter().map(|k| format!("/{k}")).collect();
            assert_eq!(pointer, at.pointer);
            assert_eq!(format!("{}/spec", at.pointer), at.spec_pointer);
            assert_eq!(
                at.spec_path.replace('.', "/"),
                at.spec_pointer.trim_start_matches('/')
            );
        }
        assert!(pod_template_at("Service").is_none());
    }
}
