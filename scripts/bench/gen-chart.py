#!/usr/bin/env python3
"""Write the render benchmark's chart twice, as a Helm chart (Go templates) and as a kiln chart
(Jinja), with the same values: N apps, each rendered by one template into six objects
(ServiceAccount, Role, RoleBinding, ConfigMap, CronJob, DaemonSet).

Usage: gen-chart.py OUT_DIR [N]   (writes OUT_DIR/helm/bench and OUT_DIR/kiln/bench; N defaults to 1000)

Both templates use a labels helper from a partial (`define`/`include` in Helm, a macro in kiln),
toYaml/toyaml, quote, nindent/indent, loops over maps and lists, and `if`, so the benchmark measures
a realistic mix rather than plain text copying. Only the standard library is used.
"""
import json
import os
import sys

CHART_YAML = """apiVersion: v2
name: bench
description: Render benchmark, {n} apps x 6 objects
type: application
version: 1.0.0
appVersion: "1.0.0"
"""

HELM_HELPERS = """{{- define "bench.labels" -}}
app.kubernetes.io/name: {{ .app.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .app.tag | quote }}
app.kubernetes.io/managed-by: bench
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- range $key, $value := .app.labels }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end }}
"""

HELM_TEMPLATE = """{{- range $app := .Values.apps }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $app.name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "bench.labels" (dict "app" $app "root" $) | nindent 4 }}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ $app.name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "bench.labels" (dict "app" $app "root" $) | nindent 4 }}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames: [{{ $app.name | quote }}]
    verbs:
      {{- toYaml $app.verbs | nindent 6 }}
{{- if $app.readPods }}
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "watch"]
{{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $app.name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "bench.labels" (dict "app" $app "root" $) | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $app.name }}
subjects:
  - kind: ServiceAccount
    name: {{ $app.name }}
    namespace: {{ $.Release.Namespace }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $app.name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "bench.labels" (dict "app" $app "root" $) | nindent 4 }}
data:
  {{- toYaml $app.config | nindent 2 }}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ $app.name }}-report
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "bench.labels" (dict "app" $app "root" $) | nindent 4 }}
spec:
  schedule: {{ $app.schedule | quote }}
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: {{ $app.backoffLimit }}
      template:
        spec:
          serviceAccountName: {{ $app.name }}
          restartPolicy: Never
          containers:
            - name: report
              image: "{{ $app.image }}:{{ $app.tag }}"
              args: ["report", "--app={{ $app.name }}"]
              env:
              {{- range $key, $value := $app.env }}
                - name: {{ $key }}
                  value: {{ $value | quote }}
              {{- end }}
              envFrom:
                - configMapRef:
                    name: {{ $app.name }}
              resources:
                {{- toYaml $app.resources | nindent 16 }}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ $app.name }}-agent
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "bench.labels" (dict "app" $app "root" $) | nindent 4 }}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ $app.name }}-agent
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ $app.name }}-agent
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $app.port | quote }}
    spec:
      serviceAccountName: {{ $app.name }}
      nodeSelector:
        kubernetes.io/os: linux
      tolerations:
        {{- toYaml $app.tolerations | nindent 8 }}
      containers:
        - name: agent
          image: "{{ $app.image }}:{{ $app.tag }}"
          ports:
            - name: metrics
              containerPort: {{ $app.port }}
          env:
          {{- range $key, $value := $app.env }}
            - name: {{ $key }}
              value: {{ $value | quote }}
          {{- end }}
          resources:
            {{- toYaml $app.resources | nindent 12 }}
{{- end }}
"""

KILN_HELPERS = """{% macro labels(app) -%}
app.kubernetes.io/name: {{ app.name }}
app.kubernetes.io/instance: {{ Release.Name }}
app.kubernetes.io/version: {{ app.tag | quote }}
app.kubernetes.io/managed-by: bench
helm.sh/chart: {{ Chart.Name }}-{{ Chart.Version }}
{%- for key, value in app.labels | dictsort %}

{{ key }}: {{ value | quote }}
{%- endfor %}
{%- endmacro %}
"""

KILN_TEMPLATE = """{% import "_helpers.tpl" as h %}
{% for app in Values.apps %}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ app.name }}
  namespace: {{ Release.Namespace }}
  labels:
    {{ h.labels(app) | indent(4) }}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ app.name }}
  namespace: {{ Release.Namespace }}
  labels:
    {{ h.labels(app) | indent(4) }}
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames: [{{ app.name | quote }}]
    verbs:
      {{ app.verbs | toyaml | indent(6) }}
{% if app.readPods %}
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "watch"]
{% endif %}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ app.name }}
  namespace: {{ Release.Namespace }}
  labels:
    {{ h.labels(app) | indent(4) }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ app.name }}
subjects:
  - kind: ServiceAccount
    name: {{ app.name }}
    namespace: {{ Release.Namespace }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ app.name }}
  namespace: {{ Release.Namespace }}
  labels:
    {{ h.labels(app) | indent(4) }}
data:
  {{ app.config | toyaml | indent(2) }}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ app.name }}-report
  namespace: {{ Release.Namespace }}
  labels:
    {{ h.labels(app) | indent(4) }}
spec:
  schedule: {{ app.schedule | quote }}
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: {{ app.backoffLimit }}
      template:
        spec:
          serviceAccountName: {{ app.name }}
          restartPolicy: Never
          containers:
            - name: report
              image: "{{ app.image }}:{{ app.tag }}"
              args: ["report", "--app={{ app.name }}"]
              env:
{% for key, value in app.env | dictsort %}
                - name: {{ key }}
                  value: {{ value | quote }}
{% endfor %}
              envFrom:
                - configMapRef:
                    name: {{ app.name }}
              resources:
                {{ app.resources | toyaml | indent(16) }}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ app.name }}-agent
  namespace: {{ Release.Namespace }}
  labels:
    {{ h.labels(app) | indent(4) }}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ app.name }}-agent
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ app.name }}-agent
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ app.port | string | quote }}
    spec:
      serviceAccountName: {{ app.name }}
      nodeSelector:
        kubernetes.io/os: linux
      tolerations:
        {{ app.tolerations | toyaml | indent(8) }}
      containers:
        - name: agent
          image: "{{ app.image }}:{{ app.tag }}"
          ports:
            - name: metrics
              containerPort: {{ app.port }}
          env:
{% for key, value in app.env | dictsort %}
            - name: {{ key }}
              value: {{ value | quote }}
{% endfor %}
          resources:
            {{ app.resources | toyaml | indent(12) }}
{% endfor %}
"""


def app(i):
    """Values of app number i: varied but deterministic."""
    team = "team-%02d" % (i % 17)
    return {
        "name": "app-%04d" % i,
        "image": "registry.example.com/%s/app-%04d" % (team, i),
        "tag": "1.%d.%d" % (i % 7, i % 13),
        "port": 8000 + i % 1000,
        "schedule": "%d %d * * *" % (i % 60, i % 24),
        "backoffLimit": i % 4,
        "readPods": i % 3 == 0,
        "verbs": ["get", "list"] if i % 2 else ["get", "list", "watch"],
        "labels": {"team": team, "tier": ["frontend", "backend", "batch"][i % 3], "cost-center": "cc-%03d" % (i % 101)},
        "env": {"LOG_LEVEL": ["debug", "info", "warn"][i % 3], "APP_INDEX": str(i), "FEATURE_FLAGS": "a,b,c", "ENABLED": "true"},
        "config": {"app.properties": "name=app-%04d\nreplicas=%d\n" % (i, i % 5 + 1), "mode": "on", "retries": "3", "region": "eu-west-%d" % (i % 3 + 1)},
        "resources": {"requests": {"cpu": "%dm" % (50 + i % 200), "memory": "%dMi" % (64 + i % 128)}, "limits": {"memory": "%dMi" % (256 + i % 256)}},
        "tolerations": [
            {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "dedicated", "operator": "Equal", "value": team, "effect": "NoExecute"},
        ],
    }


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    # JSON is YAML: both charts read the very same values file.
    values = json.dumps({"apps": [app(i) for i in range(n)]}, indent=1) + "\n"
    for lang, helpers, template in (("helm", HELM_HELPERS, HELM_TEMPLATE), ("kiln", KILN_HELPERS, KILN_TEMPLATE)):
        chart = os.path.join(out, lang, "bench")
        write(os.path.join(chart, "Chart.yaml"), CHART_YAML.format(n=n))
        write(os.path.join(chart, "values.yaml"), values)
        write(os.path.join(chart, "templates", "_helpers.tpl"), helpers)
        write(os.path.join(chart, "templates", "apps.yaml"), template)


if __name__ == "__main__":
    main()
