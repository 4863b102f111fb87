{{- define "inc.overridden" -}}subchart{{- end -}}
{{- define "sub.only" -}}from-sub {{ .Chart.Name }}{{- end -}}
