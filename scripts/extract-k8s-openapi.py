#!/usr/bin/env python3
"""Extract the Kubernetes API data kiln embeds (src/k8s/data/k8s-1.35.json).

Source: `_definitions.json` of the `kubernetes-validate` PyPI package (Apache-2.0), directory
`kubernetes-json-schema/v1.35.0-local/`: the Kubernetes 1.35 OpenAPI definitions as JSON schema.

Usage:
    scripts/extract-k8s-openapi.py [DEFINITIONS_JSON] [OUTPUT]

Without arguments the package is found through the reference tools (shared/tools/get-reference-tools.sh;
the venv beside their bin directory) or the interpreter running this script.

The output is a pruned, minified OpenAPI v2 document, so the same Rust parser reads it and a user's
`openapi` schema (src/k8s/schema.rs):

    {"x-kiln": {...provenance...},
     "definitions": {
       "io.k8s.api.apps.v1.DaemonSet": {
         "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "DaemonSet", "version": "v1"}],
         "x-kiln-namespaced": true,
         "properties": {"spec": {"$ref": "#/definitions/io.k8s.api.apps.v1.DaemonSetSpec"}, ...}},
       "io.k8s.api.core.v1.PodSpec": {"properties": {"containers": {
           "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"},
           "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}, ...}}}}

What is kept:
  * every definition that carries `x-kubernetes-group-version-kind` and has `metadata` of type ObjectMeta
    (an API object kind), with its GVKs and its scope (`x-kiln-namespaced`);
  * per definition, only the properties needed to walk to patch metadata: a property is kept when it has
    `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`, or when it is a `$ref` (or an array of
    `$ref`) to a definition that (transitively) has such a property. Only definitions reachable that way
    are kept. Descriptions, types, formats and enums are dropped.
  * `x-kubernetes-list-map-keys` is kept where a merged list names more keys than its merge key
    (Container and Service `ports`: port + protocol; `topologySpreadConstraints`: topologyKey +
    whenUnsatisfiable). kustomize matches elements of these lists by all the keys; kiln uses the extra
    keys to tell apart elements sharing a merge key (port 53/TCP and 53/UDP). `x-kubernetes-list-type`
    and the other map keys are not kept: strategic merge patch reads only the patch strategy and merge
    key; list-type drives server-side apply, which kiln does not do.
  * The lint issue adds schemas keyed by the same definition names (the keys of `$defs` in
    `_definitions.json`), so this file can grow by adding fields to the definitions or by a sibling
    file without changing the key space.

Scope (namespaced or cluster-scoped):
  The definitions do not state scope. In the API server's OpenAPI document scope shows only in the *paths*
  (`/namespaces/{namespace}/<resource>`), and `_definitions.json` has no paths. Descriptions mention scope
  for a few kinds only, in free text ("ClusterRole is a cluster level ...", "StorageClasses are
  non-namespaced"), and say nothing for PriorityClass, IngressClass, PersistentVolume or Namespace, so no
  rule over the definitions derives it reliably. The scope therefore comes
  from the explicit tables below, taken from the Kubernetes API reference
  (https://kubernetes.io/docs/reference/kubernetes-api/, whose per-kind pages list the HTTP paths, with or
  without `/namespaces/{namespace}/`) for Kubernetes 1.35. To keep the tables honest:
    * the script fails when a kind in the definitions is in neither table (a new Kubernetes version then
      cannot slip through unclassified), and when a table names a kind missing from the definitions;
    * if the official Kubernetes Python client (`kubernetes` package, generated from the API server's
      OpenAPI paths) is on the Python path, the script cross-checks every kind it can create against the POST paths
      of the client's API classes and fails on a disagreement. Run e.g.
      `PYTHONPATH=<site-packages with kubernetes> scripts/extract-k8s-openapi.py` to check.
  Kinds not in the file (custom resources) are namespaced unless a CRD says otherwise (decided in Rust).
"""

import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import kubernetes_validate_path  # noqa: E402

KUBERNETES_VERSION = "1.35"
SCHEMA_DIR = "v1.35.0-local"

# Cluster-scoped kinds of Kubernetes 1.35, by API group ("" is the core group). From the Kubernetes API
# reference (https://kubernetes.io/docs/reference/kubernetes-api/): their paths have no
# `/namespaces/{namespace}/` segment.
CLUSTER_SCOPED = {
    "": ["ComponentStatus", "Namespace", "Node", "PersistentVolume"],
    "admissionregistration.k8s.io": [
        "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
    ],
    "apiextensions.k8s.io": ["CustomResourceDefinition"],
    "apiregistration.k8s.io": ["APIService"],
    "authentication.k8s.io": ["SelfSubjectReview", "TokenReview"],
    "authorization.k8s.io": ["SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
    "certificates.k8s.io": ["CertificateSigningRequest", "ClusterTrustBundle"],
    "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
    "internal.apiserver.k8s.io": ["StorageVersion"],
    "networking.k8s.io": ["IPAddress", "IngressClass", "ServiceCIDR"],
    "node.k8s.io": ["RuntimeClass"],
    "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding"],
    "resource.k8s.io": ["DeviceClass", "DeviceTaintRule", "ResourceSlice"],
    "scheduling.k8s.io": ["PriorityClass"],
    "storage.k8s.io": ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "VolumeAttributesClass"],
    "storagemigration.k8s.io": ["StorageVersionMigration"],
}

# Namespaced kinds of Kubernetes 1.35 (same source: their paths contain `/namespaces/{namespace}/`).
# Binding, Eviction, Scale and TokenRequest are subresources of namespaced objects.
NAMESPACED = {
    "": [
        "Binding", "ConfigMap", "Endpoints", "Event", "LimitRange", "PersistentVolumeClaim", "Pod",
        "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount",
    ],
    "apps": ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"],
    "authentication.k8s.io": ["TokenRequest"],
    "authorization.k8s.io": ["LocalSubjectAccessReview"],
    "autoscaling": ["HorizontalPodAutoscaler", "Scale"],
    "batch": ["CronJob", "Job"],
    "certificates.k8s.io": ["PodCertificateRequest"],
    "coordination.k8s.io": ["Lease", "LeaseCandidate"],
    "discovery.k8s.io": ["EndpointSlice"],
    "events.k8s.io": ["Event"],
    "networking.k8s.io": ["Ingress", "NetworkPolicy"],
    "policy": ["Eviction", "PodDisruptionBudget"],
    "rbac.authorization.k8s.io": ["Role", "RoleBinding"],
    "resource.k8s.io": ["ResourceClaim", "ResourceClaimTemplate"],
    "scheduling.k8s.io": ["Workload"],
    "storage.k8s.io": ["CSIStorageCapacity"],
}

PATCH_KEYS = ("x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key")
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def find_definitions():
    """The 1.35 `_definitions.json` of the installed kubernetes-validate package."""
    root = kubernetes_validate_path.schema_root()
    path = root and os.path.join(root, SCHEMA_DIR, "_definitions.json")
    if path and os.path.exists(path):
        return path
    sys.exit("kubernetes-validate not found: pass the path of %s/_definitions.json" % SCHEMA_DIR)


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def target_of(prop):
    """The definition a property walks into: a `$ref`, or the `$ref` of an array's items."""
    if "$ref" in prop:
        return ref_name(prop["$ref"])
    items = prop.get("items")
    if isinstance(items, dict) and "$ref" in items:
        return ref_name(items["$ref"])
    return None


def is_kind(d):
    meta = d.get("properties", {}).get("metadata", {})
    return bool(d.get("x-kubernetes-group-version-kind")) and meta.get("$ref", "").endswith("/" + OBJECT_META)


def relevant_definitions(defs):
    """Definitions from which patch metadata is reachable (fixpoint over `$ref`s)."""
    relevant = {
        name for name, d in defs.items()
        if any(k in p for p in d.get("properties", {}).values() for k in PATCH_KEYS)
    }
    changed = True
    while changed:
        changed = False
        for name, d in defs.items():
            if name in relevant:
                continue
            if any(target_of(p) in relevant for p in d.get("properties", {}).values()):
                relevant.add(name)
                changed = True
    return relevant


def scope_tables():
    cluster = {(g, k) for g, ks in CLUSTER_SCOPED.items() for k in ks}
    namespaced = {(g, k) for g, ks in NAMESPACED.items() for k in ks}
    both = cluster & namespaced
    if both:
        sys.exit("kinds in both scope tables: %s" % sorted(both))
    return cluster, namespaced


def cross_check_with_client(cluster, namespaced):
    """Compares the cluster-scoped table with the Kubernetes Python client's REST paths, if installed."""
    import importlib.util
    spec = importlib.util.find_spec("kubernetes")  # located, not imported: only its sources are read
    if spec is None or not spec.submodule_search_locations:
        print("note: the `kubernetes` Python client is not on the path; scope cross-check skipped",
              file=sys.stderr)
        return
    api_dir = os.path.join(list(spec.submodule_search_locations)[0], "client", "api")
    problems = []
    checked = 0
    for path in sorted(glob.glob(os.path.join(api_dir, "*_api.py"))):
        src = open(path).read()
        for m in re.finditer(r"def _(create_\w+?)_serialize\(.*?method='POST',\s*resource_path='([^']*)'",
                             src, re.S):
            name, rest_path = m.group(1), m.group(2)
            sig = re.search(r"def %s_with_http_info\(\s*self,(.*?)\)" % name, src, re.S)
            body = sig and re.search(r"body: V\d+(?:(?:alpha|beta)\d+)?(\w+)", sig.group(1))
            if not body:
                continue
            parts = rest_path.strip("/").split("/")
            group = "" if parts[0] == "api" else parts[1]
            if "{name}" in parts:  # a subresource (binding, eviction, token): scope of its parent
                continue
            key = (group, body.group(1))
            if key not in cluster and key not in namespaced:
                continue  # the client may be newer than 1.35; its extra kinds are not ours
            checked += 1
            if ("{namespace}" in parts) == (key in cluster):
                problems.append("%s/%s: client path %s" % (key[0] or "core", key[1], rest_path))
    if problems:
        sys.exit("scope tables disagree with the Kubernetes Python client:\n  " + "\n  ".join(problems))
    print("scope cross-check: %d create paths of the Kubernetes Python client agree" % checked,
          file=sys.stderr)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else find_definitions()
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "src", "k8s", "data", "k8s-%s.json" % KUBERNETES_VERSION)
    with open(src) as f:
        doc = json.load(f)
    defs = doc.get("$defs") or doc.get("definitions")

    cluster, namespaced = scope_tables()
    cross_check_with_client(cluster, namespaced)
    relevant = relevant_definitions(defs)

    kinds = {}
    seen_kinds = set()
    for name, d in defs.items():
        if is_kind(d):
            gvks = [g for g in d["x-kubernetes-group-version-kind"]]
            for g in gvks:
                key = (g["group"], g["kind"])
                seen_kinds.add(key)
                if key not in cluster and key not in namespaced:
                    sys.exit("kind %s/%s (%s) is in neither scope table: classify it from the API reference"
                             % (g["group"] or "core", g["kind"], name))
            kinds[name] = gvks
    unused = (cluster | namespaced) - seen_kinds
    if unused:
        sys.exit("scope tables name kinds missing from the definitions: %s" % sorted(unused))

    # Walk from the kinds through relevant definitions only.
    keep = {}
    todo = list(kinds)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        d = defs[name]
        props = {}
        for field, p in sorted(d.get("properties", {}).items()):
            target = target_of(p)
            out_p = {}
            if target in relevant:
                if "$ref" in p:
                    out_p["$ref"] = "#/definitions/" + target
                else:
                    out_p["items"] = {"$ref": "#/definitions/" + target}
                todo.append(target)
            for k in PATCH_KEYS:
                if k in p:
                    out_p[k] = p[k]
            map_keys = p.get("x-kubernetes-list-map-keys")
            merge_key = p.get("x-kubernetes-patch-merge-key")
            if "x-kubernetes-patch-strategy" in p and map_keys and map_keys != [merge_key]:
                out_p["x-kubernetes-list-map-keys"] = map_keys
            if out_p:
                props[field] = out_p
        entry = {}
        if name in kinds:
            gvks = kinds[name]
            entry["x-kubernetes-group-version-kind"] = [
                {"group": g["group"], "kind": g["kind"], "version": g["version"]} for g in gvks]
            entry["x-kiln-namespaced"] = (gvks[0]["group"], gvks[0]["kind"]) not in cluster
        if props:
            entry["properties"] = props
        keep[name] = entry

    result = {
        "x-kiln": {
            "kubernetes": KUBERNETES_VERSION,
            "source": "kubernetes-validate %s/_definitions.json (Apache-2.0), pruned by "
                      "scripts/extract-k8s-openapi.py" % SCHEMA_DIR,
        },
        "definitions": {k: keep[k] for k in sorted(keep)},
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    n_kinds = sum(len(v) for v in kinds.values())
    print("wrote %s: %d kinds, %d definitions, %d bytes"
          % (os.path.relpath(out), n_kinds, len(keep), os.path.getsize(out)), file=sys.stderr)


if __name__ == "__main__":
    main()
