{{- /* a partial without defines: never executed, but parsed, and reachable by its name */ -}}
partial text {{ .Release.Name }}
