{{- define "kit.images.image" -}}
{{- $registry := .imageRoot.registry -}}
{{- if and .global .global.imageRegistry -}}
{{- $registry = .global.imageRegistry -}}
{{- end -}}
{{- $tag := .imageRoot.tag | toString -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .imageRoot.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .imageRoot.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "kit.tplvalues.render" -}}
{{- if typeIs "string" .value }}
{{- tpl .value .context }}
{{- else }}
{{- tpl (.value | toYaml) .context }}
{{- end }}
{{- end -}}
