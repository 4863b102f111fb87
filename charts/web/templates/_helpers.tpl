{# Helpers for the web chart, imported with {% import "_helpers.tpl" as h %}. #}

{# The chart name, or nameOverride. #}
{% macro name() -%}
{{ (Values.nameOverride or Chart.Name) | trunc(63) | trimsuffix("-") }}
{%- endmacro %}

{# The full release name: fullnameOverride, else the release name when it contains the chart name,
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

{# Name of a component's objects: <fullname>-<component>, within 63 characters. #}
{% macro component_name(component) -%}
{{ (fullname() | trunc(62 - component | length) | trimsuffix("-")) ~ "-" ~ component }}
{%- endmacro %}

{# chart label value: <name>-<version>. #}
{% macro chart() -%}
{{ (Chart.Name ~ "-" ~ Chart.Version) | replace("+", "_") | trunc(63) | trimsuffix("-") }}
{%- endmacro %}

{# Labels that select one component's pods. #}
{% macro selector_labels(component) -%}
app.kubernetes.io/name: {{ name() }}
app.kubernetes.io/instance: {{ Release.Name }}
app.kubernetes.io/component: {{ component }}
{%- endmacro %}

{# Common labels for a component's objects. #}
{% macro labels(component) -%}
helm.sh/chart: {{ chart() }}
{{ selector_labels(component) }}
app.kubernetes.io/version: {{ (Values.api.image.tag or Chart.AppVersion) | quote }}
app.kubernetes.io/part-of: {{ name() }}
app.kubernetes.io/managed-by: {{ Release.Service }}
{%- endmacro %}

{# The API image reference. #}
{% macro api_image() -%}
{{ Values.api.image.repository }}:{{ Values.api.image.tag or Chart.AppVersion }}
{%- endmacro %}

{# True (non-empty) when an autoscaler owns the API's replica count; fails when both are on. #}
{% macro autoscaled() -%}
{% if Values.autoscaling.enabled and Values.keda.enabled -%}
{{ fail("autoscaling.enabled and keda.enabled are mutually exclusive: a HorizontalPodAutoscaler and a KEDA ScaledObject would fight over the API's replicas (KEDA creates its own HPA). Turn one off.") }}
{%- elif Values.autoscaling.enabled or Values.keda.enabled -%}
yes
{%- endif %}
{%- endmacro %}

{# Pod affinity term selecting a component's pods on the same node. #}
{% macro same_node_term(component) -%}
labelSelector:
  matchLabels:
    {{ selector_labels(component) | indent(4) }}
topologyKey: kubernetes.io/hostname
{%- endmacro %}
