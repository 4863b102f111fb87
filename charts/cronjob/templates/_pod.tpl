{# The pod template shared by the Job and the CronJob. `indent` is applied by the caller. #}
{% import "_helpers.tpl" as h %}

{% macro pod_template() %}{% filter trim %}
metadata:
  labels:
    {{ h.selector_labels() | indent(4) }}
{% for key, value in Values.podLabels | dictsort %}
    {{ key }}: {{ value | quote }}
{% endfor %}
{% if Values.podAnnotations or Values.config %}
  annotations:
{% if Values.config %}
    checksum/config: {{ Values.config | tojson | sha256sum }}
{% endif %}
{% for key, value in Values.podAnnotations | dictsort %}
    {{ key }}: {{ value | quote }}
{% endfor %}
{% endif %}
spec:
  restartPolicy: {{ Values.restartPolicy }}
{% if Values.serviceAccountName %}
  serviceAccountName: {{ Values.serviceAccountName }}
{% endif %}
  automountServiceAccountToken: {{ Values.automountServiceAccountToken }}
{% if Values.imagePullSecrets %}
  imagePullSecrets:
{% for secret in Values.imagePullSecrets %}
    - name: {{ secret }}
{% endfor %}
{% endif %}
  securityContext:
    {{ Values.podSecurityContext | toyaml | indent(4) }}
  containers:
    - name: {{ h.name() }}
      image: {{ h.image() | quote }}
      imagePullPolicy: {{ Values.image.pullPolicy }}
{% if Values.command %}
      command:
        {{ Values.command | toyaml | indent(8) }}
{% endif %}
{% if Values.args %}
      args:
        {{ Values.args | toyaml | indent(8) }}
{% endif %}
{% if Values.env or Values.extraEnv %}
      env:
{% for key, value in Values.env | dictsort %}
        - name: {{ key }}
{% if value is mapping %}
          {{ value | toyaml | indent(10) }}
{% else %}
          value: {{ value | string | quote }}
{% endif %}
{% endfor %}
{% if Values.extraEnv %}
        {{ Values.extraEnv | toyaml | indent(8) }}
{% endif %}
{% endif %}
{% if Values.config or Values.envFrom.configMaps or Values.envFrom.secrets %}
      envFrom:
{% if Values.config %}
        - configMapRef:
            name: {{ h.fullname() }}
{% endif %}
{% for name in Values.envFrom.configMaps %}
        - configMapRef:
            name: {{ name }}
{% endfor %}
{% for name in Values.envFrom.secrets %}
        - secretRef:
            name: {{ name }}
{% endfor %}
{% endif %}
      resources:
        {{ Values.resources | toyaml | indent(8) }}
      securityContext:
        {{ Values.securityContext | toyaml | indent(8) }}
{% if Values.tmpVolume %}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir: {}
{% endif %}
{% if Values.nodeSelector %}
  nodeSelector:
    {{ Values.nodeSelector | toyaml | indent(4) }}
{% endif %}
{% if Values.affinity %}
  affinity:
    {{ Values.affinity | toyaml | indent(4) }}
{% endif %}
{% if Values.tolerations %}
  tolerations:
    {{ Values.tolerations | toyaml | indent(4) }}
{% endif %}
{% endfilter %}{% endmacro %}

{# The Job spec shared by the Job and the CronJob's jobTemplate. #}
{% macro job_spec() -%}
backoffLimit: {{ Values.backoffLimit }}
{% if Values.activeDeadlineSeconds is not none %}
activeDeadlineSeconds: {{ Values.activeDeadlineSeconds }}
{% endif %}
{% if Values.ttlSecondsAfterFinished is not none %}
ttlSecondsAfterFinished: {{ Values.ttlSecondsAfterFinished }}
{% endif %}
template:
  {{ pod_template() | indent(2) }}
{%- endmacro %}
