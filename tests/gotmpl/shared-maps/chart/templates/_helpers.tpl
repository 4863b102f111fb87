{{- define "shared.mutate" -}}
{{- $_ := set .Values.base "fromInclude" "yes" -}}
done
{{- end -}}
