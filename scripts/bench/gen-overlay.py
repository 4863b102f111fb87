#!/usr/bin/env python3
"""Generate the overlay benchmark workload of the overlay issue.

    gen-overlay.py N OUTDIR

Writes OUTDIR/base/ (N sets of ServiceAccount, Role, RoleBinding, ConfigMap, CronJob and DaemonSet:
N*6 objects, one file per set) and OUTDIR/kustomization.yaml, an overlay with namePrefix, namespace,
labels with includeTemplates, commonAnnotations, two images, a strategic merge patch targeting every
DaemonSet, a JSON 6902 patch targeting every CronJob and a configMapGenerator whose ConfigMap every
CronJob consumes. Build it with `kubectl kustomize OUTDIR` or `kiln render OUTDIR`; the output holds
N*6 + 1 objects (the generated ConfigMap).

Deterministic: the same N gives the same files.
"""
import os
import sys

SET = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: worker-{i}
  labels:
    app.kubernetes.io/name: worker-{i}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: worker-{i}
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["settings-{i}"]
  verbs: ["get", "watch"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: worker-{i}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: worker-{i}
subjects:
- kind: ServiceAccount
  name: worker-{i}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-{i}
data:
  SHARD: "{i}"
  LOG_LEVEL: info
  retention.yaml: |
    days: {days}
    compress: true
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: compact-{i}
  labels:
    app.kubernetes.io/name: compact-{i}
spec:
  schedule: "{minute} {hour} * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        metadata:
          labels:
            app.kubernetes.io/name: compact-{i}
        spec:
          serviceAccountName: worker-{i}
          restartPolicy: OnFailure
          containers:
          - name: compact
            image: ghcr.io/acme/compactor:1.4.0
            args: ["--shard", "{i}"]
            envFrom:
            - configMapRef:
                name: settings-{i}
            - configMapRef:
                name: shared-settings
            resources:
              requests:
                cpu: 100m
                memory: 128Mi
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent-{i}
  labels:
    app.kubernetes.io/name: agent-{i}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: agent-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: agent-{i}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9100"
    spec:
      serviceAccountName: worker-{i}
      containers:
      - name: exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        args: ["--path.rootfs=/host"]
        ports:
        - name: metrics
          containerPort: 9100
        volumeMounts:
        - name: root
          mountPath: /host
          readOnly: true
        - name: settings
          mountPath: /etc/agent
      volumes:
      - name: root
        hostPath:
          path: /
      - name: settings
        configMap:
          name: settings-{i}
"""

OVERLAY = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: prod-
namespace: fleet
resources:
- base
labels:
- pairs:
    env: prod
    app.kubernetes.io/part-of: fleet
  includeTemplates: true
commonAnnotations:
  owner: platform-team
  runbook: https://runbooks.example.com/fleet
images:
- name: ghcr.io/acme/compactor
  newTag: 1.5.2
- name: quay.io/prometheus/node-exporter
  newName: registry.example.com/mirror/node-exporter
  newTag: v1.9.0
configMapGenerator:
- name: shared-settings
  literals:
  - REGION=eu-west-1
  - BUCKET=s3://fleet-compaction
patches:
- target:
    kind: DaemonSet
  patch: |-
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: any
    spec:
      template:
        spec:
          nodeSelector:
            kubernetes.io/os: linux
          tolerations:
          - operator: Exists
            effect: NoSchedule
          - key: node.kubernetes.io/not-ready
            operator: Exists
            effect: NoExecute
- target:
    group: batch
    kind: CronJob
  patch: |-
    - op: add
      path: /spec/timeZone
      value: Europe/Paris
    - op: replace
      path: /spec/jobTemplate/spec/backoffLimit
      value: 4
"""


def main(argv):
    if len(argv) != 3 or not argv[1].isdigit() or int(argv[1]) < 1:
        sys.stderr.write("usage: gen-overlay.py N OUTDIR   (N sets of 6 objects, N >= 1)\n")
        return 2
    n = int(argv[1])
    out = argv[2]
    base = os.path.join(out, "base")
    os.makedirs(base, exist_ok=True)
    width = len(str(n - 1))
    names = []
    for i in range(n):
        name = "set-%0*d.yaml" % (width, i)
        names.append(name)
        text = SET.format(i=i, days=7 + i % 30, minute=i % 60, hour=(i // 60) % 24)
        with open(os.path.join(base, name), "w") as f:
            f.write(text)
    with open(os.path.join(base, "kustomization.yaml"), "w") as f:
        f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
        f.writelines("- %s\n" % name for name in names)
    with open(os.path.join(out, "kustomization.yaml"), "w") as f:
        f.write(OVERLAY)
    print("%s: %d objects in base/ (%d sets), overlay in %s/kustomization.yaml" % (out, n * 6, n, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
