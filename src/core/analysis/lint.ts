/**
 * Lint: the findings "preview before apply" shows in the editor, beside the validation errors of `validate.ts`.
 *
 * Two pure entry points, both returning `ManifestDiagnostic`s located by the manifest's `keyRanges`:
 * - `lintManifest` looks at one object as written: fields the API server would drop (unknown or misspelled keys,
 *   with a "did you mean" from one table of known fields), Service settings that are ignored or rejected, and the
 *   shapes that behave differently from what they suggest (a headless Service without ports).
 * - `serviceFindings` looks at one predicted Service (`predict.ts`): which pods it selects, whether its target
 *   ports resolve in them, and what the controllers made of it. `predictWorkspace` calls it too, so the CLI preview
 *   and the editor share one implementation.
 *
 * Nothing here repeats `validate.ts` (wrong types, enums like `sessionAffinity`, the ExternalName selector warning):
 * the editor shows both lists. Severity: `error` when the API server rejects the object or nothing can work,
 * `warning` when it will not do what it says, `info` for notes.
 */
import { findPort, isPodReady, shouldPodBeInEndpoints } from '../controllers/podUtil';
import type { Container, Pod, ServicePort } from '../k8s/types';
import { annotationOverCapacity } from '../k8s/types';
import type { ManifestDiagnostic, ParsedManifest, SourceRange } from '../manifests/parse';
import type { ManifestDiagnosticCode, PathSegment } from '../manifests/validate';
import { formatPath, isPlainObject } from '../manifests/validate';
import { rangeOfPath } from '../manifests/workspace';
import type { ServicePrediction } from './predict';

// ---------------------------------------------------------------------------------------------------------------
// Known fields
// ---------------------------------------------------------------------------------------------------------------

/** How a field's value is checked: not at all, as an object with known keys, or as a list of such objects. */
type Shape = 'value' | ObjectShape | ListShape;

interface ObjectShape {
	/** The upstream type name, for messages (`ServicePort`). */
	readonly type: string;
	readonly fields: Readonly<Record<string, Shape>>;
	/** Only some fields are listed (a PodSpec: we check its containers, not its 40 other fields). */
	readonly partial?: boolean;
	/** Fields that existed once, with what replaced them. */
	readonly removed?: Readonly<Record<string, string>>;
}

interface ListShape {
	readonly items: ObjectShape;
}

function object(
	type: string,
	fields: Record<string, Shape>,
	more: { partial?: boolean; removed?: Record<string, string> } = {},
): ObjectShape {
	return { type, fields, ...more };
}

const listOf = (items: ObjectShape): ListShape => ({ items });

/** Field lists from `k8s.io/api` v1.32, plus fields added up to v1.34 (so that newer manifests are not flagged). */
const objectMeta = object(
	'ObjectMeta',
	{
		name: 'value',
		generateName: 'value',
		namespace: 'value',
		selfLink: 'value',
		uid: 'value',
		resourceVersion: 'value',
		generation: 'value',
		creationTimestamp: 'value',
		deletionTimestamp: 'value',
		deletionGracePeriodSeconds: 'value',
		labels: 'value',
		annotations: 'value',
		ownerReferences: 'value',
		finalizers: 'value',
		managedFields: 'value',
	},
	{ removed: { clusterName: 'ObjectMeta.clusterName was removed in v1.25' } },
);

const objectReference = object('ObjectReference', {
	kind: 'value',
	namespace: 'value',
	name: 'value',
	uid: 'value',
	apiVersion: 'value',
	resourceVersion: 'value',
	fieldPath: 'value',
});

const servicePort = object('ServicePort', {
	name: 'value',
	protocol: 'value',
	appProtocol: 'value',
	port: 'value',
	targetPort: 'value',
	nodePort: 'value',
});

const serviceSpec = object(
	'ServiceSpec',
	{
		ports: listOf(servicePort),
		selector: 'value',
		clusterIP: 'value',
		clusterIPs: 'value',
		type: 'value',
		externalIPs: 'value',
		sessionAffinity: 'value',
		loadBalancerIP: 'value',
		loadBalancerSourceRanges: 'value',
		externalName: 'value',
		externalTrafficPolicy: 'value',
		healthCheckNodePort: 'value',
		publishNotReadyAddresses: 'value',
		sessionAffinityConfig: object('SessionAffinityConfig', {
			clientIP: object('ClientIPConfig', { timeoutSeconds: 'value' }),
		}),
		ipFamilies: 'value',
		ipFamilyPolicy: 'value',
		allocateLoadBalancerNodePorts: 'value',
		loadBalancerClass: 'value',
		internalTrafficPolicy: 'value',
		trafficDistribution: 'value',
	},
	{
		removed: {
			topologyKeys: 'spec.topologyKeys was removed in v1.22: use trafficDistribution (or internalTrafficPolicy: Local)',
			ipFamily: 'spec.ipFamily was replaced by ipFamilies and ipFamilyPolicy in v1.20',
		},
	},
);

const endpointsPort = object('EndpointPort', { name: 'value', port: 'value', protocol: 'value', appProtocol: 'value' });

const endpointAddress = object('EndpointAddress', {
	ip: 'value',
	hostname: 'value',
	nodeName: 'value',
	targetRef: objectReference,
});

const endpointSubset = object('EndpointSubset', {
	addresses: listOf(endpointAddress),
	notReadyAddresses: listOf(endpointAddress),
	ports: listOf(endpointsPort),
});

const forName = (type: string) => listOf(object(type, { name: 'value' }));

const sliceEndpoint = object(
	'Endpoint',
	{
		addresses: 'value',
		conditions: object('EndpointConditions', { ready: 'value', serving: 'value', terminating: 'value' }),
		hostname: 'value',
		targetRef: objectReference,
		deprecatedTopology: 'value',
		nodeName: 'value',
		zone: 'value',
		hints: object('EndpointHints', { forZones: forName('ForZone'), forNodes: forName('ForNode') }),
	},
	{ removed: { topology: 'discovery.k8s.io/v1beta1 topology is deprecatedTopology in v1: use zone and nodeName' } },
);

const containerPort = object('ContainerPort', {
	name: 'value',
	hostPort: 'value',
	containerPort: 'value',
	protocol: 'value',
	hostIP: 'value',
});

const container = object('Container', {
	name: 'value',
	image: 'value',
	command: 'value',
	args: 'value',
	workingDir: 'value',
	ports: listOf(containerPort),
	envFrom: 'value',
	env: 'value',
	resources: 'value',
	resizePolicy: 'value',
	restartPolicy: 'value',
	restartPolicyRules: 'value',
	volumeMounts: 'value',
	volumeDevices: 'value',
	livenessProbe: 'value',
	readinessProbe: 'value',
	startupProbe: 'value',
	lifecycle: 'value',
	terminationMessagePath: 'value',
	terminationMessagePolicy: 'value',
	imagePullPolicy: 'value',
	securityContext: 'value',
	stdin: 'value',
	stdinOnce: 'value',
	tty: 'value',
});

/** Only the containers are checked: the rest of a PodSpec does not decide endpoints. */
const podSpec = object(
	'PodSpec',
	{ containers: listOf(container), initContainers: listOf(container) },
	{ partial: true },
);

const podTemplate = object('PodTemplateSpec', { metadata: objectMeta, spec: podSpec });

const labelSelector = object('LabelSelector', {
	matchLabels: 'value',
	matchExpressions: listOf(object('LabelSelectorRequirement', { key: 'value', operator: 'value', values: 'value' })),
});

const workload = (kind: string, spec: Record<string, Shape>) =>
	object(kind, {
		apiVersion: 'value',
		kind: 'value',
		metadata: objectMeta,
		spec: object(`${kind}Spec`, spec),
		status: 'value',
	});

const jobSpecFields: Record<string, Shape> = {
	parallelism: 'value',
	completions: 'value',
	activeDeadlineSeconds: 'value',
	podFailurePolicy: 'value',
	successPolicy: 'value',
	backoffLimit: 'value',
	backoffLimitPerIndex: 'value',
	maxFailedIndexes: 'value',
	selector: labelSelector,
	manualSelector: 'value',
	template: podTemplate,
	ttlSecondsAfterFinished: 'value',
	completionMode: 'value',
	suspend: 'value',
	podReplacementPolicy: 'value',
	managedBy: 'value',
};

/** The one table of known fields, per kind. Kinds not listed (Node, custom resources…) are not checked. */
const kindShapes: Readonly<Record<string, ObjectShape>> = {
	Service: object('Service', {
		apiVersion: 'value',
		kind: 'value',
		metadata: objectMeta,
		spec: serviceSpec,
		status: 'value',
	}),
	Endpoints: object('Endpoints', {
		apiVersion: 'value',
		kind: 'value',
		metadata: objectMeta,
		subsets: listOf(endpointSubset),
	}),
	EndpointSlice: object('EndpointSlice', {
		apiVersion: 'value',
		kind: 'value',
		metadata: objectMeta,
		addressType: 'value',
		endpoints: listOf(sliceEndpoint),
		ports: listOf(endpointsPort),
	}),
	Pod: object('Pod', { apiVersion: 'value', kind: 'value', metadata: objectMeta, spec: podSpec, status: 'value' }),
	Deployment: workload('Deployment', {
		replicas: 'value',
		selector: labelSelector,
		template: podTemplate,
		strategy: 'value',
		minReadySeconds: 'value',
		revisionHistoryLimit: 'value',
		paused: 'value',
		progressDeadlineSeconds: 'value',
	}),
	ReplicaSet: workload('ReplicaSet', {
		replicas: 'value',
		minReadySeconds: 'value',
		selector: labelSelector,
		template: podTemplate,
	}),
	StatefulSet: workload('StatefulSet', {
		replicas: 'value',
		selector: labelSelector,
		template: podTemplate,
		volumeClaimTemplates: 'value',
		serviceName: 'value',
		podManagementPolicy: 'value',
		updateStrategy: 'value',
		revisionHistoryLimit: 'value',
		minReadySeconds: 'value',
		persistentVolumeClaimRetentionPolicy: 'value',
		ordinals: 'value',
	}),
	DaemonSet: workload('DaemonSet', {
		selector: labelSelector,
		template: podTemplate,
		updateStrategy: 'value',
		minReadySeconds: 'value',
		revisionHistoryLimit: 'value',
	}),
	Job: workload('Job', jobSpecFields),
	CronJob: workload('CronJob', {
		schedule: 'value',
		timeZone: 'value',
		startingDeadlineSeconds: 'value',
		concurrencyPolicy: 'value',
		suspend: 'value',
		jobTemplate: object('JobTemplateSpec', { metadata: objectMeta, spec: object('JobSpec', jobSpecFields) }),
		successfulJobsHistoryLimit: 'value',
		failedJobsHistoryLimit: 'value',
	}),
};

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

// ---------------------------------------------------------------------------------------------------------------
// Suggestions
// ---------------------------------------------------------------------------------------------------------------

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
	const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
	for (let j = 1; j <= b.length; j++) {
		d[0]![j] = j;
	}
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				v = Math.min(v, d[i - 2]![j - 2]! + 1);
			}
			d[i]![j] = v;
		}
	}
	return d[a.length]![b.length]!;
}

/** `publishNotReadyEndpoints` → publish, not, ready, endpoints. */
function words(key: string): string[] {
	return key
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter((w) => w !== '');
}

/**
 * The known fields `key` is most likely a misspelling of: the nearest by edit distance, ignoring case (`targetport`
 * is at 0; at most 1 for short keys, 2 from 8 letters, 3 from 12), else the most camelCase words in common
 * (`publishNotReadyEndpoints` shares 3 of 4 with `publishNotReadyAddresses`). At most two.
 */
export function suggestFields(key: string, known: readonly string[]): string[] {
	const lower = key.toLowerCase();
	let best = Infinity;
	let near: string[] = [];
	for (const k of known) {
		const d = editDistance(lower, k.toLowerCase());
		const limit = Math.max(1, Math.min(3, Math.floor(Math.max(key.length, k.length) / 4)));
		if (d > limit || d > best) {
			continue;
		}
		near = d < best ? [k] : [...near, k];
		best = d;
	}
	if (near.length > 0) {
		return near.slice(0, 2);
	}
	const kw = words(key);
	let bestShare = 0;
	let shared: string[] = [];
	for (const k of known) {
		const w = words(k);
		const common = kw.filter((x) => w.includes(x)).length;
		const share = common / Math.max(kw.length, w.length);
		if (common < 2 || share < 0.6 || share < bestShare) {
			continue;
		}
		shared = share > bestShare ? [k] : [...shared, k];
		bestShare = share;
	}
	return shared.slice(0, 2);
}

/** Where else in the kind's schema a key is a field: `spec.ports[i]` for `targetPort`. */
function placesOf(shape: ObjectShape, key: string, prefix: string, out: string[], depth = 0): string[] {
	if (depth > 8) {
		return out;
	}
	for (const [k, s] of Object.entries(shape.fields)) {
		if (k === key) {
			out.push(prefix);
		}
		const child = prefix === '' ? k : `${prefix}.${k}`;
		if (s === 'value') {
			continue;
		}
		if ('items' in s) {
			placesOf(s.items, key, `${child}[i]`, out, depth + 1);
		} else {
			placesOf(s, key, child, out, depth + 1);
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------------
// lintManifest
// ---------------------------------------------------------------------------------------------------------------

interface Finding {
	severity: ManifestDiagnostic['severity'];
	code: ManifestDiagnosticCode;
	message: string;
	path?: string;
	/** A narrower range than the path's (the key alone); defaults to the path's range. */
	range?: SourceRange;
}

function toDiagnostic(m: ParsedManifest, f: Finding): ManifestDiagnostic {
	const range = f.range ?? rangeOfPath(m, f.path);
	return {
		severity: f.severity,
		code: f.code,
		message: f.message,
		file: m.file,
		line: range.start.line + 1,
		column: range.start.character + 1,
		docIndex: m.docIndex,
		range,
		...(f.path ? { path: f.path } : {}),
		kind: m.kind,
		name: m.name,
	};
}

/**
 * The range of the key at `path` alone (`keyRanges` run from the key to the end of its value). Keys are assumed
 * plain in YAML and double-quoted in JSON files.
 */
function keyOnlyRange(m: ParsedManifest, path: string, key: string): SourceRange {
	const r = m.keyRanges[path];
	if (!r) {
		return rangeOfPath(m, path); // a key brought in by a merge (`<<`) has no range of its own
	}
	let end = r.start.character + key.length + (/\.json$/i.test(m.file) ? 2 : 0);
	if (r.end.line === r.start.line) {
		end = Math.min(end, r.end.character);
	}
	return { start: r.start, end: { line: r.start.line, character: end } };
}

const unknownFieldEffect =
	'The API server drops unknown fields: `kubectl apply` refuses the object (strict field validation is its default), and other clients (Helm, Argo CD, client libraries) create it without this field.';

function checkFields(
	m: ParsedManifest,
	root: ObjectShape,
	value: unknown,
	shape: Shape,
	path: PathSegment[],
	out: Finding[],
): void {
	if (shape === 'value') {
		return;
	}
	if ('items' in shape) {
		if (Array.isArray(value)) {
			value.forEach((item, i) => checkFields(m, root, item, shape.items, [...path, i], out));
		}
		return;
	}
	if (!isPlainObject(value)) {
		return; // a wrong type is validate.ts's business
	}
	const here = path.length === 0 ? 'the top level' : formatPath(path);
	for (const [key, child] of Object.entries(value)) {
		if (has(shape.fields, key)) {
			checkFields(m, root, child, shape.fields[key]!, [...path, key], out);
			continue;
		}
		if (shape.partial) {
			continue;
		}
		const p = formatPath([...path, key]);
		const removed = shape.removed && has(shape.removed, key) ? shape.removed[key] : undefined;
		const suggestions = removed ? [] : suggestFields(key, Object.keys(shape.fields));
		const places = placesOf(root, key, '', []).filter((pl) => pl !== here);
		const hints: string[] = [];
		if (removed) {
			hints.push(removed);
		}
		if (suggestions.length > 0) {
			hints.push(`did you mean ${suggestions.map((s) => JSON.stringify(s)).join(' or ')}?`);
		}
		if (places.length > 0 && !removed) {
			const where = places.slice(0, 2).map((pl) => (pl === '' ? 'the top level' : pl));
			hints.push(`${key} is a field of ${where.join(' and ')} (check the indentation)`);
		}
		out.push({
			severity: 'warning',
			code: 'unknown-field',
			message: `unknown field ${JSON.stringify(key)} in ${here} (${shape.type})${hints.length ? `: ${hints.join('; ')}` : ''}`.replace(/(?<![?.])$/, '.') + ` ${unknownFieldEffect}`,
			path: p,
			range: keyOnlyRange(m, p, key),
		});
	}
}

function lintService(obj: Record<string, unknown>, out: Finding[]): void {
	const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
	const type = typeof spec['type'] === 'string' && spec['type'] !== '' ? spec['type'] : 'ClusterIP';
	const ports = Array.isArray(spec['ports']) ? spec['ports'] : [];
	const selector = isPlainObject(spec['selector']) ? spec['selector'] : undefined;
	if (type === 'ExternalName') {
		// The selector is validate.ts's warning already.
		if (ports.length > 0) {
			out.push({
				severity: 'info',
				code: 'external-name-ports',
				message:
					'spec.ports of an ExternalName Service do not change where traffic goes: nothing proxies it, DNS answers with a CNAME to spec.externalName, and clients connect to that name on the port they dial (no port is mapped to a targetPort). Ingress and Gateway controllers may still read these ports to pick the backend port.',
				path: 'spec.ports',
			});
		}
	}
	if (
		spec['clusterIP'] === 'None' &&
		type === 'ClusterIP' &&
		ports.length === 0 &&
		selector &&
		Object.keys(selector).length > 0
	) {
		out.push({
			severity: 'info',
			code: 'headless-without-ports',
			message:
				'Headless Service without ports: the EndpointSlice controller still creates slices for the selected pods, with no ports (`ports: []`), and the v1 Endpoints get subsets with addresses and no ports. DNS answers A/AAAA records for the Service name (and pod hostnames under it) but no SRV records, which come from named ports.',
			path: 'spec.clusterIP',
		});
	}
	const affinity = spec['sessionAffinity'];
	const affinityNone = affinity === undefined || affinity === null || affinity === '' || affinity === 'None';
	if (spec['sessionAffinityConfig'] !== undefined && spec['sessionAffinityConfig'] !== null && affinityNone) {
		out.push({
			severity: 'error',
			code: 'invalid-value',
			message:
				'spec.sessionAffinityConfig must not be set when sessionAffinity is None (the default): the API server rejects the Service. Set sessionAffinity: ClientIP or remove sessionAffinityConfig.',
			path: 'spec.sessionAffinityConfig',
		});
	}
	const externalIPs = Array.isArray(spec['externalIPs']) ? spec['externalIPs'] : [];
	const externallyAccessible =
		type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && externalIPs.length > 0);
	const etp = spec['externalTrafficPolicy'];
	if (typeof etp === 'string' && etp !== '' && !externallyAccessible) {
		out.push({
			severity: 'error',
			code: 'invalid-value',
			message: `spec.externalTrafficPolicy may only be set for externally-accessible Services (NodePort, LoadBalancer, or ClusterIP with externalIPs), not ${type}: the API server rejects the Service. internalTrafficPolicy is the setting for traffic from inside the cluster.`,
			path: 'spec.externalTrafficPolicy',
		});
	}
	if (type === 'ClusterIP') {
		ports.forEach((port, i) => {
			if (isPlainObject(port) && typeof port['nodePort'] === 'number' && port['nodePort'] !== 0) {
				out.push({
					severity: 'error',
					code: 'invalid-value',
					message: `spec.ports[${i}].nodePort may not be used when type is ClusterIP: the API server rejects the Service. Use type: NodePort (or LoadBalancer), or remove nodePort.`,
					path: `spec.ports[${i}].nodePort`,
				});
			}
		});
	}
}

/**
 * Findings about one object as written: unknown fields (for Services, Endpoints, EndpointSlices, Pods and workloads;
 * other kinds, `status`, labels and annotations are not checked), and Service settings that are ignored or
 * rejected. Ranges come from `manifest.keyRanges`; an unknown field's range is the key alone.
 */
export function lintManifest(manifest: ParsedManifest): ManifestDiagnostic[] {
	const out: Finding[] = [];
	const shape = has(kindShapes, manifest.kind) ? kindShapes[manifest.kind] : undefined;
	if (!manifest.supported || !shape) {
		return [];
	}
	checkFields(manifest, shape, manifest.object, shape, [], out);
	if (manifest.kind === 'Service') {
		lintService(manifest.object, out);
	}
	return out.map((f) => toDiagnostic(manifest, f));
}

// ---------------------------------------------------------------------------------------------------------------
// serviceFindings
// ---------------------------------------------------------------------------------------------------------------

/** Options of `serviceFindings`. */
export interface ServiceFindingsOptions {
	/** The live cluster, when the prediction is shown next to it: `podCount` live pods match the selector. */
	live?: { context: string; podCount: number };
}

function selectorText(selector: Record<string, string>): string {
	const entries = Object.entries(selector);
	return entries.length === 0 ? '{} (every pod)' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The containers whose ports a Service can reach: regular ones and restartable (sidecar) init containers. */
function servingContainers(pod: Pod): Container[] {
	const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
	return [...(pod.spec?.containers ?? []), ...sidecars];
}

function portLabel(port: ServicePort): string {
	return `port ${port.name ? `${port.name}, ` : ''}${port.port}/${port.protocol ?? 'TCP'}`;
}

/** Named targetPorts that do not resolve in some selected pods (and why: absent, or another protocol). */
function namedTargetPortFindings(pods: readonly Pod[], port: ServicePort, i: number, out: Finding[]): void {
	const target = port.targetPort;
	if (typeof target !== 'string') {
		return;
	}
	const proto = port.protocol ?? 'TCP';
	const missing = pods.filter((pod) => findPort(pod, port) === undefined);
	if (missing.length === 0) {
		return;
	}
	const otherProtocol = new Set<string>();
	let wrongProtocolPods = 0;
	for (const pod of missing) {
		let found = false;
		for (const c of servingContainers(pod)) {
			for (const cp of c.ports ?? []) {
				if (cp.name === target) {
					otherProtocol.add(`${cp.containerPort}/${cp.protocol ?? 'TCP'} in container ${c.name}`);
					found = true;
				}
			}
		}
		if (found) {
			wrongProtocolPods++;
		}
	}
	const all = missing.length === pods.length;
	const outcome = all
		? 'No endpoint will carry this port.'
		: 'Those pods land in separate EndpointSlices without this port.';
	const path = `spec.ports[${i}].targetPort`;
	if (wrongProtocolPods === missing.length) {
		out.push({
			severity: all ? 'error' : 'warning',
			code: 'protocol-mismatch',
			message: `targetPort "${target}" (${portLabel(port)}) does not resolve in ${missing.length} of ${pods.length} pods: "${target}" is ${[...otherProtocol].join(', ')}, the Service port is ${proto}, and a named targetPort only matches a container port with the same name and protocol. ${outcome}`,
			path,
		});
		return;
	}
	const declared = [
		...new Set(
			missing.flatMap((pod) =>
				[...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].flatMap((c) =>
					(c.ports ?? []).filter((cp) => cp.name).map((cp) => `${cp.name}/${cp.protocol ?? 'TCP'}`),
				),
			),
		),
	];
	const elsewhere = otherProtocol.size > 0 ? ` In some, "${target}" is ${[...otherProtocol].join(', ')}.` : '';
	out.push({
		severity: all ? 'error' : 'warning',
		code: 'target-port-unresolved',
		message:
			`targetPort "${target}" (${portLabel(port)}) does not resolve in ${missing.length} of ${pods.length} pods: no container port named "${target}" with protocol ${proto}` +
			`${declared.length ? ` (named ports there: ${declared.join(', ')})` : ' (their containers name no ports)'}.${elsewhere} ${outcome}`,
		path,
	});
}

/**
 * A numeric targetPort that the pods declare only with another protocol. Declaring container ports is optional
 * (traffic reaches any port the process listens on), so only a declaration of that number with another protocol,
 * and none with this one, is worth a word.
 */
function numericProtocolFindings(pods: readonly Pod[], port: ServicePort, i: number, out: Finding[]): void {
	const target = port.targetPort === undefined ? port.port : port.targetPort;
	if (typeof target !== 'number') {
		return;
	}
	const proto = port.protocol ?? 'TCP';
	const seen = new Set<string>();
	let affected = 0;
	for (const pod of pods) {
		const decls = servingContainers(pod).flatMap((c) =>
			(c.ports ?? []).filter((cp) => cp.containerPort === target).map((cp) => ({ c, proto: cp.protocol ?? 'TCP' })),
		);
		if (decls.length === 0 || decls.some((d) => d.proto === proto)) {
			continue;
		}
		affected++;
		for (const d of decls) {
			seen.add(`${target}/${d.proto} in container ${d.c.name}`);
		}
	}
	if (affected === 0) {
		return;
	}
	out.push({
		severity: 'warning',
		code: 'protocol-mismatch',
		message: `${portLabel(port)} targets ${target}/${proto}, but ${affected} of ${pods.length} selected pods declare ${target} only as ${[...seen].join(', ')}. Declaring container ports is optional, so this works if the process also listens on ${target}/${proto}; if it does not, connections to this port fail.`,
		path: port.targetPort === undefined ? `spec.ports[${i}].port` : `spec.ports[${i}].targetPort`,
	});
}

function selectedFindings(p: ServicePrediction, options: ServiceFindingsOptions, out: Finding[]): void {
	const { service, selectedPods } = p;
	const selector = service.spec?.selector ?? {};
	if (selectedPods.length === 0) {
		const live = options.live;
		const base = `Service ${p.namespace}/${p.name} selects no pods: nothing in these files runs pods labelled ${selectorText(selector)} in namespace ${p.namespace}`;
		if (live && live.podCount > 0) {
			out.push({
				severity: 'info',
				code: 'no-matching-pods',
				message: `${base}, but ${plural(live.podCount, 'live pod')} in namespace ${p.namespace} (context ${live.context}) ${live.podCount === 1 ? 'matches' : 'match'}: once applied, the Service has ${live.podCount === 1 ? 'it' : 'them'} as endpoints.`,
				path: 'spec.selector',
			});
		} else {
			const andLive = live ? `, and no live pod in namespace ${p.namespace} (context ${live.context}) matches either` : '';
			out.push({
				severity: 'warning',
				code: 'no-matching-pods',
				message: `${base}${andLive}. Its EndpointSlices will be empty placeholders and it will have no endpoints.`,
				path: 'spec.selector',
			});
		}
		return;
	}
	const eligible = selectedPods.filter((pod) => shouldPodBeInEndpoints(pod, true));
	if (eligible.length === 0) {
		out.push({
			severity: 'warning',
			code: 'no-ready-endpoints',
			message: `The ${plural(selectedPods.length, 'selected pod')} ${selectedPods.length === 1 ? 'has' : 'have'} finished (Succeeded or Failed) or ${selectedPods.length === 1 ? 'has' : 'have'} no IP (not scheduled): none can be an endpoint.`,
			path: 'spec.selector',
		});
	}
	// Ports are checked against the pods that will be endpoints, or, when none can be, against the ones selected.
	const pods = eligible.length > 0 ? eligible : selectedPods;
	(service.spec?.ports ?? []).forEach((port, i) => {
		namedTargetPortFindings(pods, port, i, out);
		numericProtocolFindings(pods, port, i, out);
	});
	const notReady = eligible.filter((pod) => !isPodReady(pod) || pod.metadata?.deletionTimestamp);
	const publishNotReady = service.spec?.publishNotReadyAddresses === true;
	if (eligible.length > 0 && notReady.length === eligible.length && !publishNotReady) {
		out.push({
			severity: 'warning',
			code: 'no-ready-endpoints',
			message: `None of the ${eligible.length} selected pods is ready: the Service has no ready endpoints.`,
			path: 'spec.selector',
		});
	} else if (notReady.length > 0) {
		out.push({
			severity: 'info',
			code: 'endpoints-not-ready',
			message: `${notReady.length} of ${eligible.length} selected pods are not ready (or terminating)${publishNotReady ? '; publishNotReadyAddresses publishes them as ready anyway' : ''}.`,
			path: publishNotReady ? 'spec.publishNotReadyAddresses' : 'spec.selector',
		});
	}
	if (p.endpoints?.metadata?.annotations?.[annotationOverCapacity]) {
		out.push({
			severity: 'warning',
			code: 'endpoints-over-capacity',
			message:
				'More than 1000 addresses: the v1 Endpoints object is truncated (endpoints.kubernetes.io/over-capacity: truncated). EndpointSlices carry them all.',
			path: 'metadata.name',
		});
	}
	if (p.controller?.error) {
		out.push({
			severity: 'warning',
			code: 'controller-report',
			message: `The EndpointSlice controller would report: ${p.controller.error}`,
			path: 'metadata.name',
		});
	}
}

/** Service port names that no port of the user's Endpoints carries: consumers match ports by name. */
function endpointsPortNameFindings(p: ServicePrediction, out: Finding[]): void {
	const subsetPorts = (p.endpoints?.subsets ?? []).flatMap((s) => s.ports ?? []);
	if (subsetPorts.length === 0) {
		return;
	}
	const names = new Set(subsetPorts.map((sp) => sp.name ?? ''));
	(p.service.spec?.ports ?? []).forEach((port, i) => {
		const name = port.name ?? '';
		if (names.has(name)) {
			return;
		}
		const have = [...names].map((n) => (n === '' ? '(unnamed)' : JSON.stringify(n))).join(', ');
		out.push({
			severity: 'warning',
			code: 'port-name-mismatch',
			message: `${portLabel(port)}: the Endpoints ${p.namespace}/${p.name} has no port named ${name === '' ? '"" (unnamed)' : JSON.stringify(name)} (its ports: ${have}). kube-proxy and other consumers match Service ports to endpoint ports by name, so this port has no endpoints. Give the Endpoints port the same name.`,
			path: port.name ? `spec.ports[${i}].name` : `spec.ports[${i}]`,
		});
	});
}

function unlocatedFindings(p: ServicePrediction, options: ServiceFindingsOptions): Finding[] {
	const out: Finding[] = [];
	if (p.type === 'ExternalName') {
		out.push({
			severity: 'info',
			code: 'external-name',
			message: `ExternalName Service: DNS answers with a CNAME to ${p.service.spec?.externalName ?? '(no externalName)'}; no controller creates endpoints for it.`,
			path: 'spec.externalName',
		});
		return out;
	}
	const selector = p.service.spec?.selector;
	if (selector !== undefined && selector !== null) {
		selectedFindings(p, options, out);
		return out;
	}
	if (p.source !== 'mirroring' && !p.endpoints) {
		out.push({
			severity: 'info',
			code: 'selectorless-service',
			message: `Service ${p.namespace}/${p.name} has no selector and these files hold no Endpoints object named ${p.name}: no controller will create endpoints; they must be written by hand or by another controller.`,
			path: 'metadata.name',
		});
		return out;
	}
	const report = p.controller;
	if (report?.error) {
		out.push({
			severity: 'warning',
			code: 'controller-report',
			message: `The mirroring controller would report: ${report.error}`,
			path: 'metadata.name',
		});
	}
	for (const ev of report?.events ?? []) {
		out.push({
			severity: ev.type === 'Warning' ? 'warning' : 'info',
			code: 'controller-report',
			message: `${ev.reason}: ${ev.message}`,
			path: 'metadata.name',
		});
	}
	if (report?.mirrored === false) {
		out.push({
			severity: 'info',
			code: 'controller-report',
			message: `The Endpoints object ${p.namespace}/${p.name} is not mirrored into EndpointSlices (skip-mirror label or leader-election annotation).`,
			path: 'metadata.name',
		});
	}
	endpointsPortNameFindings(p, out);
	return out;
}

/**
 * Findings about one predicted Service: pods it selects (or not, also in the live cluster when `options.live` is
 * given), target ports that do not resolve or resolve with another protocol, readiness, v1 Endpoints capacity, and
 * what the controllers reported. Located in the Service's manifest; a Service that has none (`p.manifest`
 * undefined, e.g. a live object) gets no findings, since a `ManifestDiagnostic` needs a file and a line.
 */
export function serviceFindings(p: ServicePrediction, options: ServiceFindingsOptions = {}): ManifestDiagnostic[] {
	const m = p.manifest;
	if (!m) {
		return [];
	}
	return unlocatedFindings(p, options).map((f) => toDiagnostic(m, f));
}
