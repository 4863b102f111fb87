{{- define "kit.labels.standard" -}}
app.kubernetes.io/name: {{ include "kit.names.name" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.global }}{{ with .commonLabels }}
{{ toYaml . }}
{{- end }}{{ end }}
{{- end -}}

{{- define "kit.labels.matchLabels" -}}
app.kubernetes.io/name: {{ include "kit.names.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
