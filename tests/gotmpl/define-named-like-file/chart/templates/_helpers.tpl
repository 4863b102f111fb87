{{- /* Parsed after cm.yaml (same depth, reverse order), so this define replaces its body. */ -}}
{{- define "c/templates/cm.yaml" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: from-the-define
{{- end -}}
{{- define "labels" }}app: c{{ end -}}
