{{/* Name of the thing. */}}
{{- define "inc.name" -}}
{{ .Chart.Name }}-{{ .Release.Name }}
{{- end }}

{{- define "inc.labels" -}}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ $v }}
{{- end }}
{{- end }}

{{- define "inc.overridden" -}}parent{{- end -}}
