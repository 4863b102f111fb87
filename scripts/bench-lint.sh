#!/usr/bin/env bash
# Lint benchmark: `kiln lint` over N generated objects (default 10,000) in one manifest file.
#
# Usage: scripts/bench-lint.sh [N]
#
# Writes N/10 sets of ten objects: Namespace-scoped ServiceAccount, Role, RoleBinding, ConfigMap,
# Service, Deployment (with pod anti-affinity, tolerations, a prometheus.io/port annotation),
# HorizontalPodAutoscaler, CronJob, DaemonSet and a custom resource, so every rule has work (and
# many findings: untagged images, missing resources), then times `kiln lint` with hyperfine when
# installed, else repeated /usr/bin/time. The goal: 10,000 objects well under one second.
#
# Environment: KILN (kiln binary; default: cargo build --release), RUNS (default 10).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-10000}
runs=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "${KILN:-}" ]; then
    cargo build --release --quiet
    KILN=$root/target/release/kiln
fi

python3 - "$n" >"$work/objects.yaml" <<'PY'
import sys
n = int(sys.argv[1])
out = []
for i in range(n // 10):
    ns = f"team-{i % 50}"
    app = f"app-{i}"
    out.append(f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: {app}
  namespace: {ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {app}
  namespace: {ns}
rules:
  - apiGroups: [""]
    resources: [configmaps, pods]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {app}
  namespace: {ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {app}
subjects:
  - kind: ServiceAccount
    name: {app}
    namespace: {ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}
  namespace: {ns}
data:
  LEVEL: info
---
apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {ns}
spec:
  selector:
    app: {app}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {app}
  template:
    metadata:
      labels:
        app: {app}
      annotations:
        prometheus.io/port: "8080"
    spec:
      serviceAccountName: {app}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app: {app}
      tolerations:
        - key: dedicated
          operator: Equal
          value: web
          effect: NoSchedule
      containers:
        - name: app
          image: ghcr.io/acme/{app}:1.{i}
          ports:
            - containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            runAsNonRoot: true
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              memory: 128Mi
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {app}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {app}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {app}-report
  namespace: {ns}
spec:
  schedule: "{i % 60} 3 * * MON-FRI"
  timeZone: Europe/Berlin
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: busybox
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {app}-agent
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {app}-agent
  template:
    metadata:
      labels:
        app: {app}-agent
    spec:
      containers:
        - name: agent
          image: quay.io/prometheus/node-exporter:v1.8.2
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: {app}
  namespace: {ns}
spec:
  size: {i}
""")
print("---\n".join(out), end="")
PY

count=$(grep -c '^kind:' "$work/objects.yaml")
echo "kiln lint: $count objects ($(du -h "$work/objects.yaml" | cut -f1))"
"$KILN" lint --format json "$work/objects.yaml" >"$work/report.json" || true
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("  findings: %(errors)d errors, %(warnings)d warnings, %(infos)d infos in %(objects)d objects" % s)' "$work/report.json"

if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 2 --runs "$runs" -i \
        "$KILN lint --format json $work/objects.yaml" \
        "$KILN lint --format sarif $work/objects.yaml"
else
    for i in $(seq "$runs"); do
        /usr/bin/time -f "%e s, %M KB" "$KILN" lint --format json "$work/objects.yaml" >/dev/null || true
    done
fi
