{# Helpers for the node-agent chart, imported with {% import "_helpers.tpl" as h %}. #}

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

{# Common labels for every object. #}
{% macro labels() -%}
helm.sh/chart: {{ chart() }}
{{ selector_labels() }}
app.kubernetes.io/version: {{ (Values.image.tag or Chart.AppVersion) | quote }}
app.kubernetes.io/managed-by: {{ Release.Service }}
{%- endmacro %}

{# The container image reference. #}
{% macro image() -%}
{{ Values.image.repository }}:{{ Values.image.tag or Chart.AppVersion }}
{%- endmacro %}

{# The ServiceAccount the pods run as. #}
{% macro service_account_name() -%}
{% if Values.serviceAccount.create -%}
{{ Values.serviceAccount.name or fullname() }}
{%- else -%}
{{ Values.serviceAccount.name or "default" }}
{%- endif %}
{%- endmacro %}
