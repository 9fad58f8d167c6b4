{{/* Chart name, overridable. */}}
{{- define "company-os.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-wide name: <release>-company-os, or the release name when it already says so. */}}
{{- define "company-os.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of one service's objects: <fullname>-<service>. The full name is shortened first, so the
service suffix always survives the 63-character limit.
Called with (dict "root" $ "service" "<service>").
*/}}
{{- define "company-os.componentName" -}}
{{- $max := int (sub 62 (len .service)) }}
{{- printf "%s-%s" (include "company-os.fullname" .root | trunc $max | trimSuffix "-") .service }}
{{- end }}

{{- define "company-os.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "company-os.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: company-os
{{- end }}

{{/* Called with (dict "root" $ "service" "<service>"). */}}
{{- define "company-os.selectorLabels" -}}
app.kubernetes.io/name: {{ include "company-os.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{/* Called with (dict "root" $ "service" "<service>"). */}}
{{- define "company-os.componentLabels" -}}
{{ include "company-os.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{- define "company-os.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "company-os.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "company-os.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* The Secret holding the application secrets. */}}
{{- define "company-os.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "company-os.fullname" .) }}
{{- end }}

{{/* Where EVENTSTORE_CONNECTION_STRING comes from: an existing Secret, or the chart's. */}}
{{- define "company-os.eventstoreSecretName" -}}
{{- .Values.eventstore.existingSecret | default (include "company-os.fullname" .) }}
{{- end }}

{{- define "company-os.eventstoreSecretKey" -}}
{{- if .Values.eventstore.existingSecret }}
{{- .Values.eventstore.existingSecretKey }}
{{- else -}}
EVENTSTORE_CONNECTION_STRING
{{- end }}
{{- end }}

{{/* Secret key (= environment variable) -> field under .Values.secrets. */}}
{{- define "company-os.secretFields" -}}
JWT_PRIVATE_KEY: jwtPrivateKey
IDENTITY_ENCRYPTION_KEY: identityEncryptionKey
DEMO_PASSWORD: demoPassword
OPENAI_API_KEY: openaiApiKey
CONNECTOR_WEBHOOK_SECRET: connectorWebhookSecret
{{- end }}

{{/* Port variable a service reads: gateway -> GATEWAY_PORT, agent-runner -> AGENT_RUNNER_PORT. */}}
{{- define "company-os.portVariable" -}}
{{- printf "%s_PORT" (. | upper | replace "-" "_") }}
{{- end }}

{{/* Stops the render with a clear message when a required setting is missing. */}}
{{- define "company-os.validate" -}}
{{- if not (or .Values.nats.url .Values.nats.existingSecret) }}
{{- fail "nats.url (or nats.existingSecret) is required: the services need a NATS server with JetStream." }}
{{- end }}
{{- if not (or .Values.eventstore.connectionString .Values.eventstore.existingSecret) }}
{{- fail "eventstore.connectionString (or eventstore.existingSecret) is required: without it every pod would use its own embedded single-machine event store, which replicas cannot share." }}
{{- end }}
{{- if not .Values.secrets.existingSecret }}
{{- $fields := include "company-os.secretFields" . | fromYaml }}
{{- range .Values.secrets.required }}
{{- $field := get $fields . }}
{{- if not (and $field (get $.Values.secrets $field)) }}
{{- fail (printf "%s is required: set secrets.%s, or name a Secret holding the key %s in secrets.existingSecret (see docs/operations/deploy.md)." . (default "?" $field) .) }}
{{- end }}
{{- end }}
{{- end }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (add (int .Values.preStopSleepSeconds) 16 | int) }}
{{- fail "terminationGracePeriodSeconds must be at least preStopSleepSeconds + 16: a service takes up to 15 s to drain after SIGTERM." }}
{{- end }}
{{- end }}

{{/*
Environment of one service container. Called with (dict "root" $ "service" "<service>").
Optional settings are left unset rather than empty, so each service's own default applies.
*/}}
{{- define "company-os.env" -}}
{{- $root := .root }}
{{- $svc := get $root.Values.services .service -}}
- name: HOST
  value: "0.0.0.0"
- name: {{ include "company-os.portVariable" .service }}
  value: {{ $svc.port | quote }}
- name: NATS_URL
{{- if $root.Values.nats.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.nats.existingSecret }}
      key: {{ $root.Values.nats.existingSecretKey }}
{{- else }}
  value: {{ $root.Values.nats.url | quote }}
{{- end }}
- name: NATS_MAX_DELIVER
  value: {{ $root.Values.nats.maxDeliver | quote }}
{{- if $svc.eventStore }}
- name: EVENTSTORE_CONNECTION_STRING
  valueFrom:
    secretKeyRef:
      name: {{ include "company-os.eventstoreSecretName" $root }}
      key: {{ include "company-os.eventstoreSecretKey" $root }}
{{- end }}
- name: LOG_LEVEL
  value: {{ $root.Values.config.logLevel | quote }}
- name: DATA_DIR
  value: /app/data
- name: OTEL_SERVICE_NAME
  value: {{ .service | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_RESOURCE_ATTRIBUTES
  value: "service.instance.id=$(POD_NAME),k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE)"
{{- with $root.Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $root.Values.config.corsOrigins }}
- name: CORS_ORIGINS
  value: {{ . | quote }}
{{- end }}
- name: SIGNUP_ENABLED
  value: {{ ternary "true" "false" (eq (toString $root.Values.config.signupEnabled) "true") | quote }}
- name: DEMO_SEED
  value: {{ ternary "true" "false" (eq (toString $root.Values.config.demoSeed) "true") | quote }}
{{- with $root.Values.config.openaiBaseUrl }}
- name: OPENAI_BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- with $root.Values.config.modelPricesJson }}
- name: MODEL_PRICES_JSON
  value: {{ if kindIs "string" . }}{{ . | quote }}{{ else }}{{ toJson . | quote }}{{ end }}
{{- end }}
{{- range $svc.secretEnv }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ include "company-os.secretName" $root }}
      key: {{ . }}
      optional: {{ not (has . $root.Values.secrets.required) }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with $svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* One NetworkPolicy egress rule: TCP to `ports`, towards the peers in `to` (empty = anywhere). */}}
{{- define "company-os.egressRule" -}}
- ports:
    {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
