{# Helpers for the __NAME__ chart, imported with {% import "_helpers.tpl" as h %}. #}

{# The chart name, or nameOverride. #}
{%- macro name() -%}
{{ (Values.nameOverride or Chart.Name) | trunc(63) | trimsuffix("-") }}
{%- endmacro %}

{# The full name: fullnameOverride, else the release name when it contains the chart name,
   else <release>-<chart>; at most 63 characters. #}
{%- macro fullname() -%}
{%- if Values.fullnameOverride -%}
{{ Values.fullnameOverride | trunc(63) | trimsuffix("-") }}
{%- elif (Values.nameOverride or Chart.Name) in Release.Name -%}
{{ Release.Name | trunc(63) | trimsuffix("-") }}
{%- else -%}
{{ (Release.Name ~ "-" ~ (Values.nameOverride or Chart.Name)) | trunc(63) | trimsuffix("-") }}
{%- endif %}
{%- endmacro %}

{# chart label value: <name>-<version>. #}
{%- macro chart() -%}
{{ (Chart.Name ~ "-" ~ Chart.Version) | replace("+", "_") | trunc(63) | trimsuffix("-") }}
{%- endmacro %}

{# Labels that select the chart's pods. #}
{%- macro selector_labels() -%}
app.kubernetes.io/name: {{ name() }}
app.kubernetes.io/instance: {{ Release.Name }}
{%- endmacro %}

{# Common labels. #}
{%- macro labels() -%}
helm.sh/chart: {{ chart() }}
{{ selector_labels() }}
app.kubernetes.io/version: {{ (Values.image is defined and Values.image.tag or Chart.AppVersion) | quote }}
app.kubernetes.io/managed-by: {{ Release.Service }}
{%- endmacro %}

{# The image reference. #}
{%- macro image() -%}
{{ Values.image.repository }}:{{ Values.image.tag or Chart.AppVersion }}
{%- endmacro %}
