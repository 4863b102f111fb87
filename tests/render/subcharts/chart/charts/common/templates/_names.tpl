{% macro name(x) %}{{ Release.Name }}-{{ x }}{% endmacro %}
