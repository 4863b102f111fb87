{{- define "chain.outer" -}}
{{ include "chain.inner" . }}
{{- end -}}

{{- define "chain.inner" -}}
{{ .Values.db.host | upper }}
{{- end -}}
