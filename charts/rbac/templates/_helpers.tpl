{# Helpers for the rbac chart, imported with {% import "_helpers.tpl" as h %}. #}

{# The chart name, or nameOverride. #}
{% macro name() -%}
{{ (Values.nameOverride or Chart.Name) | trunc(63) | trimsuffix("-") }}
{%- endmacro %}

{# The full object name: fullnameOverride, else the release name when it contains the chart name,
   else <release>-<chart>; at most 63 characters. #}
{% macro fullname() -%}
{% if Values.fullnameOverride -%}
{{ Values.fullnameOverride | trunc(63) | trimsuffix("-") }}
{%- elif (Values.nameOverride or Chart.Name) in Release.Name -%}
{{ Release.Name | trunc(63) | trimsuffix("-") }}
{%- else -%}
{{ (Release.Name ~ "-" ~ (Values.nameOverride or Chart.Name)) | trunc(63) | trimsuffix("-") }}
{%- endif %}
{%- endmacro %}

{# chart label value: <name>-<version>. #}
{% macro chart() -%}
{{ (Chart.Name ~ "-" ~ Chart.Version) | replace("+", "_") | trunc(63) | trimsuffix("-") }}
{%- endmacro %}

{# Labels that select this release's pods. #}
{% macro selector_labels() -%}
app.kubernetes.io/name: {{ name() }}
app.kubernetes.io/instance: {{ Release.Name }}
{%- endmacro %}

{# Common labels for every object, plus Values.labels. #}
{% macro labels() %}{% filter trim %}
helm.sh/chart: {{ chart() }}
{{ selector_labels() }}
app.kubernetes.io/version: {{ Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ Release.Service }}
{% for key, value in Values.labels | dictsort %}
{{ key }}: {{ value | quote }}
{% endfor %}
{% endfilter %}{% endmacro %}

{# Common metadata lines (labels and annotations), indented by the caller. #}
{% macro metadata() %}{% filter trim %}
labels:
  {{ labels() | indent(2) }}
{% if Values.annotations %}
annotations:
  {{ Values.annotations | toyaml | indent(2) }}
{% endif %}
{% endfilter %}{% endmacro %}

{# The ServiceAccount bound to the role. #}
{% macro service_account_name() -%}
{% if Values.serviceAccount.create -%}
{{ Values.serviceAccount.name or fullname() }}
{%- else -%}
{{ Values.serviceAccount.name | required("serviceAccount.name is required when serviceAccount.create is false") }}
{%- endif %}
{%- endmacro %}

{# Role or ClusterRole, by clusterWide. #}
{% macro role_kind() -%}
{{ "ClusterRole" if Values.clusterWide else "Role" }}
{%- endmacro %}
