{% macro fullname() -%}
{% if Chart.Name in Release.Name %}{{ Release.Name | trunc(63) | trimsuffix("-") }}{% else %}{{ (Release.Name ~ "-" ~ Chart.Name) | trunc(63) | trimsuffix("-") }}{% endif %}
{%- endmacro %}
{% macro labels() -%}
app.kubernetes.io/name: {{ Chart.Name }}
app.kubernetes.io/instance: {{ Release.Name }}
app.kubernetes.io/version: {{ Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ Release.Service }}
{%- endmacro %}
