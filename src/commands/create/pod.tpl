{# The pod spec shared by the workload template. #}
{%- import "_helpers.tpl" as h %}
{%- macro pod_spec() -%}
serviceAccountName: {{ h.fullname() }}
automountServiceAccountToken: false
securityContext:
  {{- Values.podSecurityContext | toyaml | nindent(2) }}
containers:
  - name: {{ h.name() }}
    image: {{ h.image() | quote }}
    imagePullPolicy: {{ Values.image.pullPolicy }}
    {%- if Values.args %}
    args:
      {{- Values.args | toyaml | nindent(6) }}
    {%- endif %}
    {%- if Values.port %}
    ports:
      - name: http
        containerPort: {{ Values.port }}
        protocol: TCP
    livenessProbe:
      tcpSocket:
        port: http
    readinessProbe:
      tcpSocket:
        port: http
    {%- endif %}
    securityContext:
      {{- Values.securityContext | toyaml | nindent(6) }}
    resources:
      {{- Values.resources | toyaml | nindent(6) }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
volumes:
  - name: tmp
    emptyDir: {}
{%- if Values.nodeSelector %}
nodeSelector:
  {{- Values.nodeSelector | toyaml | nindent(2) }}
{%- endif %}
{%- if Values.tolerations %}
tolerations:
  {{- Values.tolerations | toyaml | nindent(2) }}
{%- endif %}
{%- endmacro %}
