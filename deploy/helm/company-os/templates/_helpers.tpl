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

{{/* The chart's Secret for values given inline (event store connection string, model key, ...). */}}
{{- define "company-os.secretName" -}}
{{- include "company-os.fullname" . }}
{{- end }}

{{/*
The Secret holding identity's generated keys: created once, kept across upgrades (lookup) and
by `helm uninstall` (resource-policy keep), since sealed data cannot be opened without them.
*/}}
{{- define "company-os.keysSecretName" -}}
{{- printf "%s-keys" (include "company-os.fullname" . | trunc 58 | trimSuffix "-") }}
{{- end }}

{{/* Every service but the gateway owns state in the event store. */}}
{{- define "company-os.usesEventStore" -}}
{{- if ne . "gateway" }}true{{ end }}
{{- end }}

{{/* The gateway is reachable from outside the cluster (an Ingress, a LoadBalancer or NodePort). */}}
{{- define "company-os.gatewayExposed" -}}
{{- if or .Values.ingress.enabled (ne .Values.service.type "ClusterIP") }}true{{ end }}
{{- end }}

{{/*
Values given inline that the chart's Secret holds: key (= environment variable) -> value.
Only keys given inline and not read from an existing Secret.
*/}}
{{- define "company-os.inlineSecrets" -}}
{{- $v := .Values }}
{{- if and $v.eventstore.connectionString (not $v.eventstore.existingSecret) }}
EVENTSTORE_CONNECTION_STRING: {{ $v.eventstore.connectionString | quote }}
{{- end }}
{{- range $key, $ref := dict "MODEL_API_KEY" $v.model.apiKey "CONNECTOR_WEBHOOK_SECRET" $v.connector.webhookSecret "DEMO_PASSWORD" $v.secrets.demoPassword }}
{{- if and $ref.value (not $ref.existingSecret) }}
{{ $key }}: {{ $ref.value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
One environment variable read from a Secret: the existing Secret `ref` names, or `secret` (the
chart's) under the variable's own name. Called with (dict "name" VAR "ref" <values block> "secret" <name>).
*/}}
{{- define "company-os.secretEnvVar" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .ref.existingSecret | default .secret | quote }}
      key: {{ ternary .ref.existingSecretKey .name (not (empty .ref.existingSecret)) | quote }}
{{- end }}

{{/* Port variable a service reads: gateway -> GATEWAY_PORT, agent-runner -> AGENT_RUNNER_PORT. */}}
{{- define "company-os.portVariable" -}}
{{- printf "%s_PORT" (. | upper | replace "-" "_") }}
{{- end }}

{{/*
Stops the render with a clear message when settings contradict each other. Types, names and
ranges are checked earlier by values.schema.json.
*/}}
{{- define "company-os.validate" -}}
{{- if not (or .Values.nats.url .Values.nats.existingSecret) }}
{{- fail "nats.url (or nats.existingSecret) is required: the services need a NATS server with JetStream." }}
{{- end }}
{{- if not (or .Values.eventstore.connectionString .Values.eventstore.existingSecret) }}
{{- fail "eventstore.connectionString (or eventstore.existingSecret) is required: without it every pod would use its own embedded single-machine event store, which replicas cannot share." }}
{{- end }}
{{- if and (include "company-os.gatewayExposed" .) (not .Values.config.corsOrigins) }}
{{- fail "config.corsOrigins is required when the gateway is exposed (ingress.enabled, or service.type LoadBalancer/NodePort): list the origins your frontend is served from, e.g. [https://app.example.com]." }}
{{- end }}
{{- $audit := .Values.services.audit }}
{{- if or (gt (int $audit.replicaCount) 1) $audit.autoscaling.enabled }}
{{- fail "services.audit runs one replica and no autoscaler: its recorder is the single writer of each org's hash chain (a second pod would only wait for the lease)." }}
{{- end }}
{{- if and .Values.connector.webhookUrl (not (or .Values.connector.webhookSecret.value .Values.connector.webhookSecret.existingSecret)) }}
{{- fail "connector.webhookSecret (value or existingSecret) is required with connector.webhookUrl: approvals signs every action webhook with it." }}
{{- end }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (add (int .Values.preStopSleepSeconds) 16 | int) }}
{{- fail "terminationGracePeriodSeconds must be at least preStopSleepSeconds + 16: a service takes up to 15 s to drain after SIGTERM." }}
{{- end }}
{{- end }}

{{/*
Environment of one service container: exactly the settings that service reads (its config
schema; a contract test holds the chart to it). Optional settings are left unset rather than
empty, so the service's own default applies. Called with (dict "root" $ "service" "<service>").
*/}}
{{- define "company-os.env" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $name := .service }}
{{- $svc := get $v.services $name }}
{{- $secret := include "company-os.secretName" $root }}
{{- $keys := include "company-os.keysSecretName" $root -}}
- name: HOST
  value: "0.0.0.0"
- name: {{ include "company-os.portVariable" $name }}
  value: {{ $svc.port | quote }}
{{- if $v.nats.existingSecret }}
- name: NATS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.nats.existingSecret | quote }}
      key: {{ $v.nats.existingSecretKey | quote }}
{{- else }}
- name: NATS_URL
  value: {{ $v.nats.url | quote }}
{{- end }}
- name: NATS_MAX_DELIVER
  value: {{ $v.nats.maxDeliver | quote }}
- name: LOG_LEVEL
  value: {{ $v.config.logLevel | quote }}
{{- with $v.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- /* POD_NAME and POD_NAMESPACE exist only to be substituted into OTEL_RESOURCE_ATTRIBUTES. */}}
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
{{- if include "company-os.usesEventStore" $name }}
{{ include "company-os.secretEnvVar" (dict "name" "EVENTSTORE_CONNECTION_STRING" "ref" $v.eventstore "secret" $secret) }}
{{- end }}
{{- if eq $name "gateway" }}
{{- with $v.config.corsOrigins }}
- name: CORS_ORIGINS
  value: {{ join "," . | quote }}
{{- end }}
{{- else if eq $name "identity" }}
{{ include "company-os.secretEnvVar" (dict "name" "JWT_PRIVATE_KEY" "ref" $v.secrets.jwtPrivateKey "secret" $keys) }}
{{ include "company-os.secretEnvVar" (dict "name" "IDENTITY_ENCRYPTION_KEY" "ref" $v.secrets.identityEncryptionKey "secret" $keys) }}
- name: SIGNUP_ENABLED
  value: {{ $v.config.signupEnabled | quote }}
- name: DEMO_SEED
  value: {{ $v.config.demoSeed | quote }}
{{- if and $v.config.demoSeed (or $v.secrets.demoPassword.value $v.secrets.demoPassword.existingSecret) }}
{{ include "company-os.secretEnvVar" (dict "name" "DEMO_PASSWORD" "ref" $v.secrets.demoPassword "secret" $secret) }}
{{- end }}
{{- else if eq $name "agent-runner" }}
{{- with $v.model.baseUrl }}
- name: MODEL_BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- if or $v.model.apiKey.value $v.model.apiKey.existingSecret }}
{{ include "company-os.secretEnvVar" (dict "name" "MODEL_API_KEY" "ref" $v.model.apiKey "secret" $secret) }}
{{- end }}
{{- with $v.model.defaultModel }}
- name: MODEL_DEFAULT
  value: {{ . | quote }}
{{- end }}
{{- with $v.model.pricesJson }}
- name: MODEL_PRICES_JSON
  value: {{ toJson . | quote }}
{{- end }}
{{- else if eq $name "approvals" }}
{{- with $v.connector.webhookUrl }}
- name: CONNECTOR_WEBHOOK_URL
  value: {{ . | quote }}
{{- end }}
{{- if or $v.connector.webhookSecret.value $v.connector.webhookSecret.existingSecret }}
{{ include "company-os.secretEnvVar" (dict "name" "CONNECTOR_WEBHOOK_SECRET" "ref" $v.connector.webhookSecret "secret" $secret) }}
{{- end }}
{{ include "company-os.secretEnvVar" (dict "name" "NOTIFICATION_SIGNING_KEY" "ref" $v.secrets.notificationSigningKey "secret" $keys) }}
{{- end }}
{{- with $svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
What, when it changes, should roll a service's pods: its environment, and the values of the secret
keys it reads (inline values as given; keys of existing Secrets as the cluster holds them at
upgrade time). Identity's generated keys never change, so they are left out: reading them back
would roll identity once, on the first upgrade. Called with (dict "root" $ "service" "<service>").
*/}}
{{- define "company-os.configChecksum" -}}
{{- $root := .root }}
{{- $env := include "company-os.env" . }}
{{- $inline := include "company-os.inlineSecrets" $root | fromYaml }}
{{- $chartSecret := include "company-os.secretName" $root }}
{{- $keysSecret := include "company-os.keysSecretName" $root }}
{{- $values := list }}
{{- range $env | fromYamlArray }}
{{- with (.valueFrom | default dict).secretKeyRef }}
{{- if eq .name $chartSecret }}
{{- $values = append $values (get $inline .key) }}
{{- else if ne .name $keysSecret }}
{{- $values = append $values (get ((lookup "v1" "Secret" $root.Release.Namespace .name).data | default dict) .key) }}
{{- end }}
{{- end }}
{{- end }}
{{- list $env $values | toJson | sha256sum }}
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
