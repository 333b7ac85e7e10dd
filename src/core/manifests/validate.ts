/**
 * Field checks for the kinds Endpoint Lens reads, run on the raw JSON of a manifest before it is defaulted.
 *
 * The goal is the API server's verdict in a sentence the author can act on, at the line of the field: wrong types
 * (`ports` not a list, `port: "80"`, a label value `1.0` that YAML reads as a number), invalid values (negative
 * replicas, a named targetPort that is not an IANA service name), required fields, and the workload rules that
 * decide which pods exist (the selector must match the template labels). An `error` means the API server would
 * reject the object, so the caller drops it; a `warning` keeps it.
 *
 * Paths are arrays of keys and indexes; `formatPath` prints them as `spec.ports[0].targetPort` (keys that are not
 * plain identifiers in brackets: `metadata.labels["app.kubernetes.io/name"]`).
 */
import { parseIP } from '../k8s/ip';
import { labelSelectorAsSelector, selectorMatchesLabels, validateLabelKey, validateLabelValue } from '../k8s/selector';
import type { LabelSelector } from '../k8s/types';

/** One key or index of a JSON path. */
export type PathSegment = string | number;

/** Why a diagnostic was raised; stable strings for tests and quick fixes. */
export type ManifestDiagnosticCode =
	| 'yaml-syntax'
	| 'binary-file'
	| 'control-character'
	| 'not-utf8'
	| 'helm-template'
	| 'not-an-object'
	| 'not-a-manifest'
	| 'missing-field'
	| 'wrong-type'
	| 'invalid-value'
	| 'unknown-kind'
	| 'unsupported-version'
	| 'custom-resource'
	| 'duplicate-object'
	| 'selector-mismatch'
	| 'simulate-annotation'
	| 'unschedulable'
	| 'allocation'
	| 'file-too-large'
	// Lint (src/core/analysis/lint.ts): fields and settings that do nothing or not what they say.
	| 'unknown-field'
	| 'external-name-ports'
	| 'headless-without-ports'
	// Findings about predicted Services (lint.ts `serviceFindings`).
	| 'no-matching-pods'
	| 'target-port-unresolved'
	| 'protocol-mismatch'
	| 'no-ready-endpoints'
	| 'endpoints-not-ready'
	| 'endpoints-over-capacity'
	| 'port-name-mismatch'
	| 'external-name'
	| 'selectorless-service'
	| 'controller-report';

/** A problem with one field of one object. */
export interface ValidationIssue {
	severity: 'error' | 'warning' | 'info';
	code: ManifestDiagnosticCode;
	path: PathSegment[];
	message: string;
}

const identifierKey = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Prints a path as `spec.ports[0].targetPort`; non-identifier keys as `["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
	let out = '';
	for (const seg of path) {
		if (typeof seg === 'number') {
			out += `[${seg}]`;
		} else if (identifierKey.test(seg)) {
			out += out === '' ? seg : `.${seg}`;
		} else {
			out += `[${JSON.stringify(seg)}]`;
		}
	}
	return out;
}

type Json = Record<string, unknown>;

/** Whether a value is a plain JSON object (a YAML map). */
export function isPlainObject(v: unknown): v is Json {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "the string \"80\"", "a list", … for messages. */
export function describeValue(v: unknown): string {
	if (v === null || v === undefined) {
		return 'null';
	}
	if (Array.isArray(v)) {
		return 'a list';
	}
	switch (typeof v) {
		case 'string':
			return `the string ${JSON.stringify(v)}`;
		case 'number':
			return `the number ${v}`;
		case 'boolean':
			return `the boolean ${v}`;
		case 'object':
			return 'a map';
	}
	return typeof v;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `IsDNS1123Label`: problems, empty when valid. */
export function checkDNS1123Label(s: string): string[] {
	if (s.length > 63) {
		return ['must be no more than 63 characters'];
	}
	return dns1123Label.test(s)
		? []
		: [
				"must be a lowercase RFC 1123 label: lowercase alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name', or '123-abc')",
			];
}

/** `IsDNS1035Label` (Service names): problems, empty when valid. */
export function checkDNS1035Label(s: string): string[] {
	if (s.length > 63) {
		return ['must be no more than 63 characters'];
	}
	return dns1035Label.test(s)
		? []
		: [
				"must be a lowercase RFC 1035 label: lowercase alphanumeric characters or '-', starting with a letter and ending with an alphanumeric character (e.g. 'my-name', or 'abc-123')",
			];
}

/** `IsDNS1123Subdomain` (most object names): problems, empty when valid. */
export function checkDNS1123Subdomain(s: string): string[] {
	if (s.length > 253) {
		return ['must be no more than 253 characters'];
	}
	return dns1123Subdomain.test(s)
		? []
		: [
				"must be a lowercase RFC 1123 subdomain: lowercase alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')",
			];
}

/** `IsValidPortName` (IANA_SVC_NAME, for container port names and named targetPorts): problems, empty when valid. */
export function checkPortName(s: string): string[] {
	const errs: string[] = [];
	if (s.length > 15) {
		errs.push('must be no more than 15 characters');
	}
	if (!/^[-a-z0-9]+$/.test(s)) {
		errs.push('must contain only lowercase alphanumeric characters (a-z, 0-9) and hyphens (-)');
	}
	if (!/[a-z]/.test(s)) {
		errs.push('must contain at least one letter (a-z)');
	}
	if (s.includes('--')) {
		errs.push('must not contain consecutive hyphens');
	}
	if (s.startsWith('-') || s.endsWith('-')) {
		errs.push('must not begin or end with a hyphen');
	}
	return errs;
}

/** What the checker needs from the source: the raw text of a field, for "quote it" hints. */
export interface ValidationSource {
	/** The source text of the value at `path`, if known. */
	text?(path: readonly PathSegment[]): string | undefined;
}

/** The issue collector, with typed accessors that report wrong types and return undefined. */
class Checker {
	readonly issues: ValidationIssue[] = [];

	constructor(private readonly source: ValidationSource) {}

	error(path: PathSegment[], code: ManifestDiagnosticCode, message: string): void {
		this.issues.push({ severity: 'error', code, path, message });
	}

	warn(path: PathSegment[], code: ManifestDiagnosticCode, message: string): void {
		this.issues.push({ severity: 'warning', code, path, message });
	}

	private wrongType(path: PathSegment[], want: string, v: unknown): void {
		this.error(path, 'wrong-type', `${formatPath(path)} must be ${want}, got ${describeValue(v)}`);
	}

	missing(path: PathSegment[], what?: string): void {
		this.error(path, 'missing-field', `${formatPath(path)} is required${what ? `: ${what}` : ''}`);
	}

	map(obj: Json, key: string, path: PathSegment[], required = false): Json | undefined {
		const v = obj[key];
		const p = [...path, key];
		if (v === undefined || v === null) {
			if (required) {
				this.missing(p);
			}
			return undefined;
		}
		if (!isPlainObject(v)) {
			this.wrongType(p, 'a map', v);
			return undefined;
		}
		return v;
	}

	list(obj: Json, key: string, path: PathSegment[], required = false): unknown[] | undefined {
		const v = obj[key];
		const p = [...path, key];
		if (v === undefined || v === null) {
			if (required) {
				this.missing(p);
			}
			return undefined;
		}
		if (!Array.isArray(v)) {
			this.wrongType(p, 'a list', v);
			return undefined;
		}
		return v;
	}

	/** Each item of a list that is a map, reporting the others. */
	mapItems(items: unknown[] | undefined, path: PathSegment[]): [Json, PathSegment[]][] {
		const out: [Json, PathSegment[]][] = [];
		for (const [i, item] of (items ?? []).entries()) {
			if (isPlainObject(item)) {
				out.push([item, [...path, i]]);
			} else {
				this.wrongType([...path, i], 'a map', item);
			}
		}
		return out;
	}

	str(obj: Json, key: string, path: PathSegment[], required = false): string | undefined {
		const v = obj[key];
		const p = [...path, key];
		if (v === undefined || v === null) {
			if (required) {
				this.missing(p);
			}
			return undefined;
		}
		if (typeof v !== 'string') {
			this.wrongType(p, 'a string', v);
			return undefined;
		}
		return v;
	}

	bool(obj: Json, key: string, path: PathSegment[]): boolean | undefined {
		const v = obj[key];
		if (v === undefined || v === null) {
			return undefined;
		}
		if (typeof v !== 'boolean') {
			this.wrongType([...path, key], 'true or false', v);
			return undefined;
		}
		return v;
	}

	int(
		obj: Json,
		key: string,
		path: PathSegment[],
		opts: { min?: number; max?: number; required?: boolean } = {},
	): number | undefined {
		const v = obj[key];
		const p = [...path, key];
		if (v === undefined || v === null) {
			if (opts.required) {
				this.missing(p);
			}
			return undefined;
		}
		if (typeof v === 'string' && /^[0-9]+$/.test(v.trim())) {
			this.error(
				p,
				'wrong-type',
				`${formatPath(p)} must be an integer, got the string ${JSON.stringify(v)}: remove the quotes`,
			);
			return undefined;
		}
		if (typeof v !== 'number' || !Number.isInteger(v)) {
			this.wrongType(p, 'an integer', v);
			return undefined;
		}
		if (opts.min !== undefined && v < opts.min) {
			this.error(
				p,
				'invalid-value',
				`${formatPath(p)} must be ${opts.min === 0 ? 'greater than or equal to 0' : `at least ${opts.min}`}, got ${v}`,
			);
			return undefined;
		}
		if (opts.max !== undefined && v > opts.max) {
			this.error(p, 'invalid-value', `${formatPath(p)} must be at most ${opts.max}, got ${v}`);
			return undefined;
		}
		return v;
	}

	oneOf(obj: Json, key: string, path: PathSegment[], allowed: readonly string[]): string | undefined {
		const v = this.str(obj, key, path);
		if (v !== undefined && !allowed.includes(v)) {
			this.error(
				[...path, key],
				'invalid-value',
				`${formatPath([...path, key])}: unsupported value ${JSON.stringify(v)}; supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
			);
			return undefined;
		}
		return v;
	}

	/**
	 * A map of strings (labels, selectors, nodeSelector, annotations). Non-string values get a "quote it" hint,
	 * since YAML reads `version: 1.0` and `enabled: yes` as a number and a boolean. Label-like maps also get key and
	 * value validation.
	 */
	stringMap(
		obj: Json,
		key: string,
		path: PathSegment[],
		kind: 'labels' | 'annotations',
	): Record<string, string> | undefined {
		const m = this.map(obj, key, path);
		if (!m) {
			return undefined;
		}
		const p = [...path, key];
		let ok = true;
		for (const [k, v] of Object.entries(m)) {
			const kp = [...p, k];
			if (typeof v !== 'string') {
				ok = false;
				const raw = this.source.text?.(kp) ?? (v === null ? '' : String(v));
				const hint = v === null ? `use ${k}: "" for an empty value` : `quote it: ${k}: "${raw}"`;
				this.error(kp, 'wrong-type', `${formatPath(kp)} must be a string, got ${describeValue(v)}; ${hint}`);
				continue;
			}
			if (kind === 'labels') {
				for (const e of validateLabelKey(k)) {
					ok = false;
					this.error(kp, 'invalid-value', `${formatPath(p)}: invalid key ${JSON.stringify(k)}: ${e}`);
				}
				for (const e of validateLabelValue(v)) {
					ok = false;
					this.error(kp, 'invalid-value', `${formatPath(kp)}: invalid value ${JSON.stringify(v)}: ${e}`);
				}
			}
		}
		return ok ? (m as Record<string, string>) : undefined;
	}

	name(value: string, path: PathSegment[], rule: 'dns1035' | 'dns1123label' | 'dns1123subdomain'): void {
		const errs =
			rule === 'dns1035'
				? checkDNS1035Label(value)
				: rule === 'dns1123label'
					? checkDNS1123Label(value)
					: checkDNS1123Subdomain(value);
		for (const e of errs) {
			this.error(path, 'invalid-value', `${formatPath(path)} ${JSON.stringify(value)}: ${e}`);
		}
	}
}

const protocols = ['TCP', 'UDP', 'SCTP'] as const;

function checkMetadata(
	c: Checker,
	obj: Json,
	kind: string,
	nameRule: 'dns1035' | 'dns1123label' | 'dns1123subdomain',
	namespaced: boolean,
): void {
	const meta = c.map(obj, 'metadata', []);
	if (!meta) {
		if (obj['metadata'] === undefined || obj['metadata'] === null) {
			c.missing(['metadata', 'name'], `every ${kind} needs a name`);
		}
		return;
	}
	const name = c.str(meta, 'name', ['metadata']);
	const generateName = c.str(meta, 'generateName', ['metadata']);
	if ((name === '' || meta['name'] === undefined || meta['name'] === null) && !generateName) {
		c.missing(['metadata', 'name'], `every ${kind} needs a name`);
	} else if (name) {
		c.name(name, ['metadata', 'name'], nameRule);
		if (kind === 'CronJob' && name.length > 52) {
			c.error(
				['metadata', 'name'],
				'invalid-value',
				`metadata.name: a CronJob name must be no more than 52 characters (its Jobs append 11)`,
			);
		}
	}
	if (namespaced) {
		const ns = c.str(meta, 'namespace', ['metadata']);
		if (ns !== undefined && ns !== '') {
			c.name(ns, ['metadata', 'namespace'], 'dns1123label');
		}
	}
	c.stringMap(meta, 'labels', ['metadata'], 'labels');
	c.stringMap(meta, 'annotations', ['metadata'], 'annotations');
}

function checkServicePorts(c: Checker, spec: Json, type: string | undefined, headless: boolean): void {
	const ports = c.list(spec, 'ports', ['spec']);
	if (ports === undefined) {
		if (spec['ports'] === undefined || spec['ports'] === null) {
			if (!headless && type !== 'ExternalName') {
				c.missing(['spec', 'ports'], 'a Service that is not headless needs at least one port');
			}
		}
		return;
	}
	if (ports.length === 0 && !headless && type !== 'ExternalName') {
		c.missing(['spec', 'ports'], 'a Service that is not headless needs at least one port');
	}
	const names = new Map<string, number>();
	const portProto = new Map<string, number>();
	for (const [port, p] of c.mapItems(ports, ['spec', 'ports'])) {
		const name = c.str(port, 'name', p);
		if (name !== undefined && name !== '') {
			c.name(name, [...p, 'name'], 'dns1123label');
			const prev = names.get(name);
			if (prev !== undefined) {
				c.error(
					[...p, 'name'],
					'invalid-value',
					`${formatPath([...p, 'name'])}: duplicate port name ${JSON.stringify(name)} (also spec.ports[${prev}])`,
				);
			} else {
				names.set(name, p[2] as number);
			}
		} else if (ports.length > 1) {
			c.missing([...p, 'name'], 'when a Service has more than one port, every port needs a name');
		}
		const num = c.int(port, 'port', p, { min: 1, max: 65535, required: true });
		const proto = c.oneOf(port, 'protocol', p, protocols) ?? 'TCP';
		if (num !== undefined) {
			const key = `${num}/${proto}`;
			const prev = portProto.get(key);
			if (prev !== undefined) {
				c.error(
					[...p, 'port'],
					'invalid-value',
					`${formatPath([...p, 'port'])}: duplicate port ${num}/${proto} (also spec.ports[${prev}])`,
				);
			} else {
				portProto.set(key, p[2] as number);
			}
		}
		const target = port['targetPort'];
		const tp = [...p, 'targetPort'];
		if (typeof target === 'number') {
			if (!Number.isInteger(target) || target < 1 || target > 65535) {
				c.error(
					tp,
					'invalid-value',
					`${formatPath(tp)} must be a port number between 1 and 65535 or a port name, got ${target}`,
				);
			}
		} else if (typeof target === 'string') {
			if (/^[0-9]+$/.test(target)) {
				c.error(
					tp,
					'invalid-value',
					`${formatPath(tp)} is the string ${JSON.stringify(target)}, which would be read as a port *name* (and is not a valid one): remove the quotes to use port ${target}`,
				);
			} else {
				for (const e of checkPortName(target)) {
					c.error(
						tp,
						'invalid-value',
						`${formatPath(tp)}: ${JSON.stringify(target)} is not a valid port name: ${e}`,
					);
				}
			}
		} else if (target !== undefined && target !== null) {
			c.error(
				tp,
				'wrong-type',
				`${formatPath(tp)} must be a port number or a port name, got ${describeValue(target)}`,
			);
		}
		c.int(port, 'nodePort', p, { min: 1, max: 65535 });
		c.str(port, 'appProtocol', p);
	}
}

function checkService(c: Checker, obj: Json): void {
	checkMetadata(c, obj, 'Service', 'dns1035', true);
	const spec = c.map(obj, 'spec', []) ?? {};
	const type = c.oneOf(spec, 'type', ['spec'], ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
	const clusterIP = c.str(spec, 'clusterIP', ['spec']);
	if (clusterIP !== undefined && clusterIP !== '' && clusterIP !== 'None' && !parseIP(clusterIP)) {
		c.error(
			['spec', 'clusterIP'],
			'invalid-value',
			`spec.clusterIP must be a valid IP address, "None" or empty, got ${JSON.stringify(clusterIP)}`,
		);
	}
	const clusterIPs = c.list(spec, 'clusterIPs', ['spec']);
	for (const [i, ip] of (clusterIPs ?? []).entries()) {
		if (typeof ip !== 'string') {
			c.error(
				['spec', 'clusterIPs', i],
				'wrong-type',
				`spec.clusterIPs[${i}] must be a string, got ${describeValue(ip)}`,
			);
		}
	}
	const headless = clusterIP === 'None';
	if (headless && type !== undefined && type !== 'ClusterIP') {
		c.error(
			['spec', 'clusterIP'],
			'invalid-value',
			`spec.clusterIP may be "None" only for type ClusterIP, not ${type}`,
		);
	}
	const selector = spec['selector'] === null ? undefined : c.stringMap(spec, 'selector', ['spec'], 'labels');
	if (type === 'ExternalName') {
		const ext = c.str(spec, 'externalName', ['spec']);
		if (!ext) {
			c.missing(['spec', 'externalName'], 'an ExternalName Service needs the DNS name it aliases');
		}
		if (selector && Object.keys(selector).length > 0) {
			c.warn(
				['spec', 'selector'],
				'invalid-value',
				'spec.selector is ignored for ExternalName Services: no controller creates endpoints for them',
			);
		}
	}
	c.oneOf(spec, 'ipFamilyPolicy', ['spec'], ['SingleStack', 'PreferDualStack', 'RequireDualStack']);
	const families = c.list(spec, 'ipFamilies', ['spec']);
	if (families) {
		const seen = new Set<unknown>();
		for (const [i, f] of families.entries()) {
			if (f !== 'IPv4' && f !== 'IPv6') {
				c.error(
					['spec', 'ipFamilies', i],
					'invalid-value',
					`spec.ipFamilies[${i}]: unsupported value ${JSON.stringify(f)}; supported values: "IPv4", "IPv6"`,
				);
			} else if (seen.has(f)) {
				c.error(['spec', 'ipFamilies', i], 'invalid-value', `spec.ipFamilies[${i}]: duplicate family ${f}`);
			}
			seen.add(f);
		}
		if (families.length > 2) {
			c.error(['spec', 'ipFamilies'], 'invalid-value', 'spec.ipFamilies may hold at most two families');
		}
	}
	c.bool(spec, 'publishNotReadyAddresses', ['spec']);
	c.oneOf(spec, 'sessionAffinity', ['spec'], ['None', 'ClientIP']);
	c.oneOf(spec, 'internalTrafficPolicy', ['spec'], ['Cluster', 'Local']);
	c.oneOf(spec, 'externalTrafficPolicy', ['spec'], ['Cluster', 'Local']);
	c.str(spec, 'trafficDistribution', ['spec']);
	checkServicePorts(c, spec, type, headless);
}

function checkContainers(
	c: Checker,
	spec: Json,
	path: PathSegment[],
	key: 'containers' | 'initContainers',
	seen: Set<string>,
	portNames: Map<string, string>,
): void {
	const list = c.list(spec, key, path, key === 'containers');
	if (key === 'containers' && list && list.length === 0) {
		c.missing([...path, key], 'a pod needs at least one container');
	}
	for (const [ctr, p] of c.mapItems(list, [...path, key])) {
		const name = c.str(ctr, 'name', p, true);
		if (name !== undefined) {
			c.name(name, [...p, 'name'], 'dns1123label');
			if (seen.has(name)) {
				c.error(
					[...p, 'name'],
					'invalid-value',
					`${formatPath([...p, 'name'])}: duplicate container name ${JSON.stringify(name)}`,
				);
			}
			seen.add(name);
		}
		if (key === 'initContainers') {
			c.oneOf(ctr, 'restartPolicy', p, ['Always']);
		}
		for (const [port, pp] of c.mapItems(c.list(ctr, 'ports', p), [...p, 'ports'])) {
			c.int(port, 'containerPort', pp, { min: 1, max: 65535, required: true });
			c.int(port, 'hostPort', pp, { min: 0, max: 65535 });
			c.oneOf(port, 'protocol', pp, protocols);
			const pn = c.str(port, 'name', pp);
			if (pn !== undefined && pn !== '') {
				for (const e of checkPortName(pn)) {
					c.error(
						[...pp, 'name'],
						'invalid-value',
						`${formatPath([...pp, 'name'])}: ${JSON.stringify(pn)} is not a valid port name: ${e}`,
					);
				}
				const owner = portNames.get(pn);
				if (owner !== undefined && owner !== name) {
					c.warn(
						[...pp, 'name'],
						'invalid-value',
						`port name ${JSON.stringify(pn)} is declared by containers ${JSON.stringify(owner)} and ${JSON.stringify(name)}: a named targetPort resolves to the first one`,
					);
				} else if (name !== undefined && owner === undefined) {
					portNames.set(pn, name);
				}
			}
		}
	}
}

/** Checks a PodSpec at `path`; `restartPolicies` narrows the allowed restartPolicy (workload templates). */
function checkPodSpec(c: Checker, spec: Json, path: PathSegment[], restartPolicies?: readonly string[]): void {
	const seen = new Set<string>();
	const portNames = new Map<string, string>();
	checkContainers(c, spec, path, 'containers', seen, portNames);
	checkContainers(c, spec, path, 'initContainers', seen, portNames);
	c.oneOf(spec, 'restartPolicy', path, ['Always', 'OnFailure', 'Never']);
	if (restartPolicies) {
		const rp = spec['restartPolicy'];
		if (rp === undefined && !restartPolicies.includes('Always')) {
			c.missing(
				[...path, 'restartPolicy'],
				`a Job's pods must set restartPolicy ${restartPolicies.map((r) => JSON.stringify(r)).join(' or ')} (the pod default, Always, is not allowed)`,
			);
		} else if (
			typeof rp === 'string' &&
			!restartPolicies.includes(rp) &&
			['Always', 'OnFailure', 'Never'].includes(rp)
		) {
			c.error(
				[...path, 'restartPolicy'],
				'invalid-value',
				`${formatPath([...path, 'restartPolicy'])}: unsupported value ${JSON.stringify(rp)} here; supported values: ${restartPolicies.map((r) => JSON.stringify(r)).join(', ')}`,
			);
		}
	}
	c.stringMap(spec, 'nodeSelector', path, 'annotations');
	for (const key of ['hostname', 'subdomain'] as const) {
		const v = c.str(spec, key, path);
		if (v !== undefined && v !== '') {
			c.name(v, [...path, key], 'dns1123label');
		}
	}
	c.str(spec, 'nodeName', path);
	c.int(spec, 'terminationGracePeriodSeconds', path, { min: 0 });
	for (const [tol, tp] of c.mapItems(c.list(spec, 'tolerations', path), [...path, 'tolerations'])) {
		c.str(tol, 'key', tp);
		c.oneOf(tol, 'operator', tp, ['Exists', 'Equal']);
		c.str(tol, 'value', tp);
		c.oneOf(tol, 'effect', tp, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
	}
}

function checkPod(c: Checker, obj: Json): void {
	checkMetadata(c, obj, 'Pod', 'dns1123subdomain', true);
	const spec = c.map(obj, 'spec', [], true);
	if (spec) {
		checkPodSpec(c, spec, ['spec']);
	}
	const status = c.map(obj, 'status', []);
	if (status) {
		c.str(status, 'phase', ['status']);
		c.str(status, 'podIP', ['status']);
		for (const [ip, p] of c.mapItems(c.list(status, 'podIPs', ['status']), ['status', 'podIPs'])) {
			c.str(ip, 'ip', p, true);
		}
		for (const [cond, p] of c.mapItems(c.list(status, 'conditions', ['status']), ['status', 'conditions'])) {
			c.str(cond, 'type', p, true);
			c.str(cond, 'status', p, true);
		}
	}
}

/** The selector and template checks shared by Deployment, ReplicaSet, StatefulSet and DaemonSet. */
function checkSelectorAndTemplate(
	c: Checker,
	kind: string,
	spec: Json,
	path: PathSegment[],
	restartPolicies: readonly string[],
	selectorRequired: boolean,
): void {
	const template = c.map(spec, 'template', path, true);
	let templateLabels: Record<string, string> | undefined;
	let labelsOk = true;
	if (template) {
		const tmeta = c.map(template, 'metadata', [...path, 'template']);
		if (tmeta) {
			const before = c.issues.length;
			templateLabels = c.stringMap(tmeta, 'labels', [...path, 'template', 'metadata'], 'labels');
			labelsOk = c.issues.length === before;
			c.stringMap(tmeta, 'annotations', [...path, 'template', 'metadata'], 'annotations');
		}
		const tspec = c.map(template, 'spec', [...path, 'template'], true);
		if (tspec) {
			checkPodSpec(c, tspec, [...path, 'template', 'spec'], restartPolicies);
		}
	}
	const selPath = [...path, 'selector'];
	const selector = c.map(spec, 'selector', path, selectorRequired);
	if (!selector) {
		return;
	}
	const before = c.issues.length;
	c.stringMap(selector, 'matchLabels', selPath, 'labels');
	for (const [expr, p] of c.mapItems(c.list(selector, 'matchExpressions', selPath), [
		...selPath,
		'matchExpressions',
	])) {
		c.str(expr, 'key', p, true);
		c.str(expr, 'operator', p, true);
		const values = c.list(expr, 'values', p);
		for (const [i, v] of (values ?? []).entries()) {
			if (typeof v !== 'string') {
				c.error(
					[...p, 'values', i],
					'wrong-type',
					`${formatPath([...p, 'values', i])} must be a string, got ${describeValue(v)}; quote it`,
				);
			}
		}
	}
	if (c.issues.length > before) {
		return;
	}
	const ls = selector as LabelSelector;
	const compiled = labelSelectorAsSelector(ls);
	if (!compiled.ok) {
		for (const e of compiled.errors) {
			c.error(selPath, 'invalid-value', `${formatPath(selPath)}: ${e}`);
		}
		return;
	}
	if (compiled.selector.requirements.length === 0) {
		c.error(
			selPath,
			'invalid-value',
			`${formatPath(selPath)}: empty selector is invalid for ${kind.toLowerCase()}`,
		);
		return;
	}
	if (template && labelsOk && !selectorMatchesLabels(compiled.selector, templateLabels ?? {})) {
		c.error(
			selPath,
			'selector-mismatch',
			`${formatPath(selPath)} does not match ${formatPath([...path, 'template', 'metadata', 'labels'])}: the ${kind} would own none of the pods it creates, and the API server rejects it`,
		);
	}
}

function checkAppsWorkload(c: Checker, obj: Json, kind: string): void {
	checkMetadata(c, obj, kind, 'dns1123subdomain', true);
	const spec = c.map(obj, 'spec', [], true);
	if (!spec) {
		return;
	}
	if (kind !== 'DaemonSet') {
		c.int(spec, 'replicas', ['spec'], { min: 0 });
	}
	if (kind === 'StatefulSet') {
		c.str(spec, 'serviceName', ['spec']);
		c.oneOf(spec, 'podManagementPolicy', ['spec'], ['OrderedReady', 'Parallel']);
		const ord = c.map(spec, 'ordinals', ['spec']);
		if (ord) {
			c.int(ord, 'start', ['spec', 'ordinals'], { min: 0 });
		}
	}
	checkSelectorAndTemplate(c, kind, spec, ['spec'], ['Always'], true);
}

function checkJobSpec(c: Checker, spec: Json, path: PathSegment[], kind: string): void {
	c.int(spec, 'parallelism', path, { min: 0 });
	const completions = c.int(spec, 'completions', path, { min: 0 });
	const mode = c.oneOf(spec, 'completionMode', path, ['NonIndexed', 'Indexed']);
	if (mode === 'Indexed' && completions === undefined && spec['completions'] === undefined) {
		c.missing([...path, 'completions'], 'an Indexed Job needs completions');
	}
	c.bool(spec, 'suspend', path);
	const manual = c.bool(spec, 'manualSelector', path);
	c.int(spec, 'backoffLimit', path, { min: 0 });
	checkSelectorAndTemplate(c, kind, spec, path, ['OnFailure', 'Never'], manual === true);
}

function checkJob(c: Checker, obj: Json): void {
	checkMetadata(c, obj, 'Job', 'dns1123subdomain', true);
	const spec = c.map(obj, 'spec', [], true);
	if (spec) {
		checkJobSpec(c, spec, ['spec'], 'Job');
	}
}

function checkCronJob(c: Checker, obj: Json): void {
	checkMetadata(c, obj, 'CronJob', 'dns1123subdomain', true);
	const spec = c.map(obj, 'spec', [], true);
	if (!spec) {
		return;
	}
	c.str(spec, 'schedule', ['spec'], true);
	c.bool(spec, 'suspend', ['spec']);
	const jt = c.map(spec, 'jobTemplate', ['spec'], true);
	if (jt) {
		const jmeta = c.map(jt, 'metadata', ['spec', 'jobTemplate']);
		if (jmeta) {
			c.stringMap(jmeta, 'labels', ['spec', 'jobTemplate', 'metadata'], 'labels');
		}
		const js = c.map(jt, 'spec', ['spec', 'jobTemplate'], true);
		if (js) {
			checkJobSpec(c, js, ['spec', 'jobTemplate', 'spec'], 'Job');
		}
	}
}

function checkEndpointsAddresses(
	c: Checker,
	subset: Json,
	path: PathSegment[],
	key: 'addresses' | 'notReadyAddresses',
): void {
	for (const [addr, p] of c.mapItems(c.list(subset, key, path), [...path, key])) {
		const ip = c.str(addr, 'ip', p, true);
		if (ip !== undefined && !parseIP(ip)) {
			c.error(
				[...p, 'ip'],
				'invalid-value',
				`${formatPath([...p, 'ip'])} must be a valid IP address, got ${JSON.stringify(ip)}`,
			);
		}
		c.str(addr, 'hostname', p);
		c.str(addr, 'nodeName', p);
		c.map(addr, 'targetRef', p);
	}
}

function checkEndpoints(c: Checker, obj: Json): void {
	checkMetadata(c, obj, 'Endpoints', 'dns1123subdomain', true);
	for (const [subset, p] of c.mapItems(c.list(obj, 'subsets', []), ['subsets'])) {
		checkEndpointsAddresses(c, subset, p, 'addresses');
		checkEndpointsAddresses(c, subset, p, 'notReadyAddresses');
		const ports = c.list(subset, 'ports', p);
		for (const [port, pp] of c.mapItems(ports, [...p, 'ports'])) {
			c.int(port, 'port', pp, { min: 1, max: 65535, required: true });
			c.oneOf(port, 'protocol', pp, protocols);
			const name = c.str(port, 'name', pp);
			if (name !== undefined && name !== '') {
				c.name(name, [...pp, 'name'], 'dns1123label');
			} else if ((ports ?? []).length > 1) {
				c.missing([...pp, 'name'], 'when a subset has more than one port, every port needs a name');
			}
		}
	}
}

function checkEndpointSlice(c: Checker, obj: Json): void {
	checkMetadata(c, obj, 'EndpointSlice', 'dns1123subdomain', true);
	const addressType = c.str(obj, 'addressType', [], true);
	if (addressType !== undefined && !['IPv4', 'IPv6', 'FQDN'].includes(addressType)) {
		c.error(
			['addressType'],
			'invalid-value',
			`addressType: unsupported value ${JSON.stringify(addressType)}; supported values: "IPv4", "IPv6", "FQDN"`,
		);
	}
	for (const [ep, p] of c.mapItems(c.list(obj, 'endpoints', []), ['endpoints'])) {
		const addrs = c.list(ep, 'addresses', p, true);
		if (addrs && addrs.length === 0) {
			c.missing([...p, 'addresses'], 'an endpoint needs at least one address');
		}
		for (const [i, a] of (addrs ?? []).entries()) {
			const ap = [...p, 'addresses', i];
			if (typeof a !== 'string') {
				c.error(ap, 'wrong-type', `${formatPath(ap)} must be a string, got ${describeValue(a)}`);
			} else if ((addressType === 'IPv4' || addressType === 'IPv6') && parseIP(a)?.family !== addressType) {
				c.error(
					ap,
					'invalid-value',
					`${formatPath(ap)} must be a valid ${addressType} address, got ${JSON.stringify(a)}`,
				);
			}
		}
		const cond = c.map(ep, 'conditions', p);
		if (cond) {
			for (const k of ['ready', 'serving', 'terminating']) {
				c.bool(cond, k, [...p, 'conditions']);
			}
		}
		c.str(ep, 'hostname', p);
		c.str(ep, 'nodeName', p);
		c.str(ep, 'zone', p);
	}
	for (const [port, p] of c.mapItems(c.list(obj, 'ports', []), ['ports'])) {
		c.int(port, 'port', p, { min: 0, max: 65535 });
		c.oneOf(port, 'protocol', p, protocols);
		const name = c.str(port, 'name', p);
		if (name !== undefined && name !== '') {
			c.name(name, [...p, 'name'], 'dns1123label');
		}
	}
}

function checkNode(c: Checker, obj: Json): void {
	checkMetadata(c, obj, 'Node', 'dns1123subdomain', false);
	const spec = c.map(obj, 'spec', []);
	if (spec) {
		c.bool(spec, 'unschedulable', ['spec']);
		for (const [taint, p] of c.mapItems(c.list(spec, 'taints', ['spec']), ['spec', 'taints'])) {
			c.str(taint, 'key', p, true);
			c.str(taint, 'value', p);
			c.oneOf(taint, 'effect', p, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
		}
	}
	const status = c.map(obj, 'status', []);
	if (status) {
		c.stringMap(status, 'allocatable', ['status'], 'annotations');
		for (const [cond, p] of c.mapItems(c.list(status, 'conditions', ['status']), ['status', 'conditions'])) {
			c.str(cond, 'type', p, true);
			c.str(cond, 'status', p, true);
		}
	}
}

/**
 * Checks the raw object of a supported kind (Service, Pod, Endpoints, EndpointSlice, Node, Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, Job, CronJob). apiVersion and kind are the caller's business. Never throws.
 */
export function validateManifestObject(obj: Json, kind: string, source: ValidationSource = {}): ValidationIssue[] {
	const c = new Checker(source);
	switch (kind) {
		case 'Service':
			checkService(c, obj);
			break;
		case 'Pod':
			checkPod(c, obj);
			break;
		case 'Deployment':
		case 'ReplicaSet':
		case 'StatefulSet':
		case 'DaemonSet':
			checkAppsWorkload(c, obj, kind);
			break;
		case 'Job':
			checkJob(c, obj);
			break;
		case 'CronJob':
			checkCronJob(c, obj);
			break;
		case 'Endpoints':
			checkEndpoints(c, obj);
			break;
		case 'EndpointSlice':
			checkEndpointSlice(c, obj);
			break;
		case 'Node':
			checkNode(c, obj);
			break;
	}
	return c.issues;
}
