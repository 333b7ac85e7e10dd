/**
 * API defaulting of raw manifests, as the API server applies it on create, so that the controllers see what they
 * would see in a cluster (reference §3 and §13: an un-defaulted ClusterIP Service looks headless and gets both
 * address families; an unset targetPort is 0).
 *
 * What the API server allocates at random (cluster IPs, node ports, uids, generated names) is derived here from a
 * hash of the object's identity instead, so the same input always gives the same output; collisions are resolved by
 * probing the next free value when the caller passes the sets of values already taken.
 *
 * Service IP families follow `pkg/registry/core/service/storage/alloc.go initIPFamilyFields` on create:
 * - ipFamilyPolicy defaults to SingleStack, except a headless (`clusterIP: None`) selector-less Service (nil or `{}`
 *   selector), which defaults to RequireDualStack;
 * - families are inferred from given clusterIPs, explicit ipFamilies are kept;
 * - a headless selector-less Service with a non-SingleStack policy gets both families, even on a single-stack cluster;
 * - otherwise RequireDualStack on a single-stack cluster is an error, families default to the cluster's primary one,
 *   and Prefer/RequireDualStack on a dual-stack cluster append the other family (primary first).
 *
 * Inputs are never mutated: every function returns a deep copy. Problems (what the API server would reject) are
 * appended to `ctx.problems`; nothing throws.
 */
import { formatIP, ipFamilyOf, parseIP } from './ip';
import { generateName } from './names';
import type {
	CronJob,
	DaemonSet,
	Deployment,
	EndpointSlice,
	Endpoints,
	IPFamily,
	Job,
	Node,
	ObjectMeta,
	Pod,
	PodSpec,
	PodTemplateSpec,
	ReplicaSet,
	Service,
	ServicePort,
	StatefulSet,
	TypedObject,
} from './types';

/** The cluster a preview assumes: families, CIDRs and the clock. */
export interface ClusterProfile {
	/** The first `--service-cluster-ip-range` family: single-stack Services get this one. */
	primaryFamily: IPFamily;
	/** Whether the cluster has both families (two service CIDRs, dual-stack pods). */
	dualStack: boolean;
	/** `--service-cluster-ip-range` per family. */
	serviceCIDRs: Partial<Record<IPFamily, string>>;
	/** The cluster's pod CIDR per family (`--cluster-cidr`). */
	podCIDRs: Partial<Record<IPFamily, string>>;
	/** "Now", RFC3339, used for every timestamp so that output is reproducible. */
	now: string;
}

/** IPv4-primary dual-stack cluster with kind's default ranges. */
export const defaultClusterProfile: Readonly<ClusterProfile> = Object.freeze({
	primaryFamily: 'IPv4',
	dualStack: true,
	serviceCIDRs: Object.freeze({ IPv4: '10.96.0.0/16', IPv6: 'fd00:10:96::/112' }),
	podCIDRs: Object.freeze({ IPv4: '10.244.0.0/16', IPv6: 'fd00:10:244::/56' }),
	now: '2025-01-01T00:00:00Z',
});

/** Fills in the fields of a partial profile from `defaultClusterProfile`. */
export function resolveClusterProfile(partial?: Partial<ClusterProfile>): ClusterProfile {
	return {
		primaryFamily: partial?.primaryFamily ?? defaultClusterProfile.primaryFamily,
		dualStack: partial?.dualStack ?? defaultClusterProfile.dualStack,
		serviceCIDRs: { ...(partial?.serviceCIDRs ?? defaultClusterProfile.serviceCIDRs) },
		podCIDRs: { ...(partial?.podCIDRs ?? defaultClusterProfile.podCIDRs) },
		now: partial?.now ?? defaultClusterProfile.now,
	};
}

/** The other IP family. */
export function otherFamily(f: IPFamily): IPFamily {
	return f === 'IPv4' ? 'IPv6' : 'IPv4';
}

/** The families the cluster has, primary first: one for a single-stack cluster, two for a dual-stack one. */
export function clusterFamilies(profile: ClusterProfile): IPFamily[] {
	return profile.dualStack ? [profile.primaryFamily, otherFamily(profile.primaryFamily)] : [profile.primaryFamily];
}

/** Something the API server would reject (`error`) or accept with a caveat (`warning`). */
export interface DefaultingProblem {
	severity: 'error' | 'warning';
	/** JSON path of the field, e.g. `spec.ipFamilyPolicy`. */
	path: string;
	message: string;
}

/** State shared across the objects of one workspace. All fields optional. */
export interface DefaultingContext {
	/** The namespace of namespaced objects that name none (kubectl's context namespace). Default "default". */
	defaultNamespace?: string;
	/** Receives the problems found while defaulting. */
	problems?: DefaultingProblem[];
	/** IPs already in use (service and pod IPs), so that allocation never hands one out twice. Updated in place. */
	allocatedIPs?: Set<string>;
	/** Node ports already in use. Updated in place. */
	allocatedNodePorts?: Set<number>;
}

// ---------------------------------------------------------------------------------------------------------------
// Hashing, uids, CIDRs

/**
 * A deep copy of plain JSON data (objects, arrays, strings, numbers, booleans, null), several times faster than
 * `structuredClone` for the small objects manifests are made of. `undefined` properties are dropped.
 */
export function cloneJSON<T>(v: T): T {
	if (typeof v !== 'object' || v === null) {
		return v;
	}
	if (Array.isArray(v)) {
		const out = new Array<unknown>(v.length);
		for (let i = 0; i < v.length; i++) {
			out[i] = cloneJSON(v[i] as unknown);
		}
		return out as T;
	}
	const out: Record<string, unknown> = {};
	for (const k in v) {
		if (Object.prototype.hasOwnProperty.call(v, k)) {
			const item = (v as Record<string, unknown>)[k];
			if (item === undefined) {
				continue;
			}
			if (k === '__proto__') {
				Object.defineProperty(out, k, {
					value: cloneJSON(item),
					enumerable: true,
					writable: true,
					configurable: true,
				});
			} else {
				out[k] = cloneJSON(item);
			}
		}
	}
	return out as T;
}

/** 32-bit FNV-1a over UTF-16 code units (same as names.ts), seeded with a salt. */
function fnv(s: string, salt: number): number {
	let h = (0x811c9dc5 ^ salt) >>> 0;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	// Final avalanche so that seeds differing in the last character spread over the whole range.
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b) >>> 0;
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35) >>> 0;
	h ^= h >>> 16;
	return h >>> 0;
}

/** A deterministic 64-bit hash of a string. */
export function hash64(s: string): bigint {
	return (BigInt(fnv(s, 0)) << 32n) | BigInt(fnv(s, 0x9e3779b9));
}

/** A deterministic RFC 4122-shaped (version 4 layout) uid derived from `seed`. */
export function deterministicUID(seed: string): string {
	const hex8 = (salt: number) => {
		const h = fnv(seed, salt).toString(16);
		return h.length === 8 ? h : '00000000'.slice(h.length) + h;
	};
	const a = hex8(0);
	const b = hex8(0x5bd1e995);
	const c = hex8(0xb7a3d32a);
	const d = hex8(0x1375bcbf);
	const variant = ((Number.parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16);
	return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

/** A parsed CIDR. `base` is the network address as an integer. */
export interface CIDR {
	family: IPFamily;
	base: bigint;
	prefixLength: number;
	/** 32 or 128. */
	bits: number;
}

function bytesToBigInt(bytes: number[]): bigint {
	let n = 0n;
	for (const b of bytes) {
		n = (n << 8n) | BigInt(b);
	}
	return n;
}

/** Parses `10.96.0.0/16` or `fd00::/112`; the address is masked to the prefix. Undefined when invalid. */
export function parseCIDR(s: string): CIDR | undefined {
	const slash = s.indexOf('/');
	if (slash < 0) {
		return undefined;
	}
	const ip = parseIP(s.slice(0, slash));
	const lenText = s.slice(slash + 1);
	if (!ip || !/^[0-9]{1,3}$/.test(lenText)) {
		return undefined;
	}
	const bits = ip.family === 'IPv4' ? 32 : 128;
	const prefixLength = Number(lenText);
	if (prefixLength > bits) {
		return undefined;
	}
	const hostBits = BigInt(bits - prefixLength);
	const base = (bytesToBigInt(ip.bytes) >> hostBits) << hostBits;
	return { family: ip.family, base, prefixLength, bits };
}

/** The canonical string of the integer address `n` in `family`. */
export function ipFromBigInt(family: IPFamily, n: bigint): string {
	const len = family === 'IPv4' ? 4 : 16;
	const bytes = new Array<number>(len);
	for (let i = len - 1; i >= 0; i--) {
		bytes[i] = Number(n & 0xffn);
		n >>= 8n;
	}
	return formatIP({ family, bytes });
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: CIDR, ip: string): boolean {
	const p = parseIP(ip);
	if (!p || p.family !== cidr.family) {
		return false;
	}
	const hostBits = BigInt(cidr.bits - cidr.prefixLength);
	return bytesToBigInt(p.bytes) >> hostBits === cidr.base >> hostBits;
}

const maxCandidates = 1n << 24n;

/**
 * At most this many addresses are probed per allocation: past it the pool counts as full (it is then over 98% taken,
 * which no real cluster runs at). Without a bound, filling a /16 pod CIDR costs a quadratic number of probes.
 */
const maxProbes = 4096;

/**
 * Pools found full, per `taken` set: the set's size then. Sets of taken addresses only grow while they are used, so
 * a pool that was full stays full and is not probed again (a file with more pods than its pod CIDR has addresses).
 */
const fullPools = new WeakMap<Set<string>, Map<string, number>>();

/**
 * A deterministic address inside `cidr` for `seed`: offset `2 + hash(seed) mod n`, n at most 2^24 (skipping the network address,
 * the first host address — the gateway, or `kubernetes.default` in a service range — and the IPv4 broadcast), then
 * the next free one when it is in `taken`. The result is added to `taken`. Undefined when the CIDR is invalid or full
 * (no free address within `maxProbes` of the hashed one).
 */
export function allocateIPFromCIDR(cidr: string, seed: string, taken?: Set<string>): string | undefined {
	const pool = poolOf(cidr);
	if (!pool) {
		return undefined;
	}
	const fullAt = taken ? fullPools.get(taken)?.get(cidr) : undefined;
	if (taken && fullAt !== undefined && taken.size >= fullAt) {
		return undefined;
	}
	// (h1·2^32 + h2) mod count, in doubles: count ≤ 2^24 keeps every intermediate below 2^53.
	const n = pool.count;
	let offset = ((((fnv(seed, 0) % n) * (4294967296 % n)) % n) + (fnv(seed, 0x9e3779b9) % n)) % n;
	// Probe at most the whole range (and `maxProbes`); stop early when it is obviously full.
	const limit = taken ? Math.min(n, taken.size + 1, maxProbes) : 1;
	for (let i = 0; i < limit; i++) {
		const ip = pool.at(offset);
		if (!taken?.has(ip)) {
			taken?.add(ip);
			return ip;
		}
		offset = (offset + 1) % pool.count;
	}
	if (taken) {
		const pools = fullPools.get(taken) ?? new Map<string, number>();
		pools.set(cidr, taken.size);
		fullPools.set(taken, pools);
	}
	return undefined;
}

interface Pool {
	/** Number of candidate addresses (at most 2^24). */
	count: number;
	/** The candidate at `offset` (0 ≤ offset < count). */
	at(offset: number): string;
}

const pools = new Map<string, Pool | undefined>();

/** The allocation pool of a CIDR (cached): every host address but the network, the first one and the broadcast. */
function poolOf(cidr: string): Pool | undefined {
	if (pools.has(cidr)) {
		return pools.get(cidr);
	}
	const c = parseCIDR(cidr);
	let pool: Pool | undefined;
	if (c) {
		const size = 1n << BigInt(c.bits - c.prefixLength);
		let first = 2n;
		let last = c.family === 'IPv4' ? size - 2n : size - 1n;
		if (last < first) {
			first = 0n;
			last = size - 1n;
		}
		// At most 2^24 candidates: plenty for any workspace, and IPv6 addresses stay short (fd00:10:244::3a:1f2c).
		const count = Number(last - first + 1n > maxCandidates ? maxCandidates : last - first + 1n);
		const start = c.base + first;
		if (c.family === 'IPv4') {
			const base = Number(start);
			pool = {
				count,
				at: (offset) => {
					const n = base + offset;
					return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
				},
			};
		} else {
			const startBytes: number[] = [];
			for (let i = 15, v = start; i >= 0; i--, v >>= 8n) {
				startBytes[i] = Number(v & 0xffn);
			}
			pool = {
				count,
				at: (offset) => {
					const bytes = startBytes.slice();
					let carry = offset;
					for (let i = 15; i >= 0 && carry > 0; i--) {
						const sum = bytes[i]! + (carry % 256);
						bytes[i] = sum % 256;
						carry = Math.floor(carry / 256) + (sum >= 256 ? 1 : 0);
					}
					return formatIP({ family: 'IPv6', bytes });
				},
			};
		}
	}
	pools.set(cidr, pool);
	return pool;
}

// ---------------------------------------------------------------------------------------------------------------
// Object metadata

/** Kinds that have no namespace. */
const clusterScopedKinds = new Set([
	'Node',
	'Namespace',
	'PersistentVolume',
	'StorageClass',
	'ClusterRole',
	'ClusterRoleBinding',
	'CustomResourceDefinition',
	'PriorityClass',
	'IngressClass',
]);

/** Whether objects of `kind` live in a namespace. */
export function isNamespacedKind(kind: string): boolean {
	return !clusterScopedKinds.has(kind);
}

/**
 * Defaults `metadata` as the API server does on create: the namespace (namespaced kinds only), a name from
 * `generateName`, a uid and a creationTimestamp (deterministic, from the kind/namespace/name and `profile.now`).
 * Labels and annotations are copied; a missing map stays missing.
 */
export function defaultObjectMeta(
	meta: ObjectMeta | undefined,
	kind: string,
	profile: ClusterProfile,
	ctx?: DefaultingContext,
): ObjectMeta {
	const out: ObjectMeta = meta ? cloneJSON(meta) : {};
	if (isNamespacedKind(kind)) {
		out.namespace = out.namespace || ctx?.defaultNamespace || 'default';
	} else {
		delete out.namespace;
	}
	if (!out.name && out.generateName) {
		out.name = generateName(out.generateName, `${kind}/${out.namespace ?? ''}/${out.generateName}`);
	}
	if (!out.uid) {
		out.uid = deterministicUID(`${kind}/${out.namespace ?? ''}/${out.name ?? ''}`);
	}
	if (!out.creationTimestamp) {
		out.creationTimestamp = profile.now;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Service

type Loose<T> = T & Record<string, unknown>;

/** `clusterIP` is `None`: headless. */
function isNone(ip: string | undefined): boolean {
	return ip === 'None';
}

/**
 * Defaults a Service as `SetDefaults_Service` plus the REST storage's allocation would on create:
 * `type: ClusterIP`, `sessionAffinity: None`, ports' `protocol: TCP` and `targetPort = port`, internal (and for
 * externally reachable Services external) traffic policy `Cluster`, ipFamilyPolicy/ipFamilies (see the module
 * header), clusterIP/clusterIPs (allocated from `profile.serviceCIDRs` unless `None`; none for ExternalName),
 * node ports for NodePort/LoadBalancer, and the metadata defaults.
 */
export function defaultService(raw: Service, profile?: Partial<ClusterProfile>, ctx?: DefaultingContext): Service {
	const p = resolveClusterProfile(profile);
	const svc: Service = cloneJSON(raw);
	svc.apiVersion = svc.apiVersion ?? 'v1';
	svc.kind = svc.kind ?? 'Service';
	svc.metadata = defaultObjectMeta(svc.metadata, 'Service', p, ctx);
	const spec = (svc.spec ?? {}) as Loose<NonNullable<Service['spec']>>;
	svc.spec = spec;
	const problem = (severity: DefaultingProblem['severity'], path: string, message: string) =>
		ctx?.problems?.push({ severity, path, message });

	spec.type = spec.type || 'ClusterIP';
	spec.sessionAffinity = spec.sessionAffinity || 'None';
	if (spec.sessionAffinity === 'ClientIP' && spec['sessionAffinityConfig'] === undefined) {
		spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } };
	}
	if (spec.ports) {
		spec.ports = spec.ports.map((port): ServicePort => {
			const out = { ...port };
			out.protocol = out.protocol || 'TCP';
			if (out.targetPort === undefined || out.targetPort === 0 || out.targetPort === '') {
				out.targetPort = out.port;
			}
			return out;
		});
	}
	const externalIPs = spec['externalIPs'];
	const externallyAccessible =
		spec.type === 'NodePort' ||
		spec.type === 'LoadBalancer' ||
		(spec.type === 'ClusterIP' && Array.isArray(externalIPs) && externalIPs.length > 0);
	if (externallyAccessible && !spec.externalTrafficPolicy) {
		spec.externalTrafficPolicy = 'Cluster';
	}
	if (!spec.internalTrafficPolicy && spec.type !== 'ExternalName') {
		spec.internalTrafficPolicy = 'Cluster';
	}
	if (spec.type === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] === undefined) {
		spec['allocateLoadBalancerNodePorts'] = true;
	}
	if (spec.type === 'ExternalName') {
		// initIPFamilyFields and allocClusterIPs both return early: no families, no IPs.
		return svc;
	}

	// normalizeClusterIPs: clusterIP and clusterIPs[0] are the same field, whichever was given.
	if (spec.clusterIP && (!spec.clusterIPs || spec.clusterIPs.length === 0)) {
		spec.clusterIPs = [spec.clusterIP];
	} else if (!spec.clusterIP && spec.clusterIPs && spec.clusterIPs.length > 0) {
		spec.clusterIP = spec.clusterIPs[0];
	} else if (spec.clusterIP && spec.clusterIPs && spec.clusterIPs[0] !== spec.clusterIP) {
		problem(
			'error',
			'spec.clusterIPs',
			`clusterIPs[0] (${spec.clusterIPs[0]}) must match clusterIP (${spec.clusterIP})`,
		);
	}
	if (isNone(spec.clusterIP) && spec.type !== 'ClusterIP') {
		problem(
			'error',
			'spec.clusterIP',
			`may not be "None" for ${spec.type} services: only a ClusterIP Service can be headless`,
		);
	}

	const selectorless = !spec.selector || Object.keys(spec.selector).length === 0;
	const headless = isNone(spec.clusterIP);
	if (!spec.ipFamilyPolicy) {
		spec.ipFamilyPolicy = headless && selectorless ? 'RequireDualStack' : 'SingleStack';
	}
	const families: IPFamily[] = [...(spec.ipFamilies ?? [])];
	const configured = new Set(clusterFamilies(p));
	let failed = false;
	if (spec.ipFamilyPolicy === 'SingleStack') {
		if ((spec.clusterIPs ?? []).length === 2) {
			problem(
				'error',
				'spec.ipFamilyPolicy',
				"must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
			);
			failed = true;
		}
		if (families.length === 2) {
			problem(
				'error',
				'spec.ipFamilyPolicy',
				"must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
			);
			failed = true;
		}
	}
	for (const [i, ip] of (spec.clusterIPs ?? []).entries()) {
		if (isNone(ip) || ip === '') {
			break;
		}
		const fam = ipFamilyOf(ip);
		if (!fam) {
			problem('error', `spec.clusterIPs[${i}]`, `${JSON.stringify(ip)} is not a valid IP address`);
			failed = true;
			continue;
		}
		if (i >= families.length) {
			if (!configured.has(fam)) {
				problem('error', `spec.clusterIPs[${i}]`, `${fam} is not configured on this cluster`);
				failed = true;
			} else {
				families.push(fam);
			}
		} else if (families[i] !== fam) {
			problem('error', `spec.clusterIPs[${i}]`, `${ip} is ${fam} but ipFamilies[${i}] is ${families[i]}`);
			failed = true;
		}
	}
	if (headless && selectorless) {
		if (families.length === 0) {
			families.push(p.primaryFamily);
		}
		if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') {
			families.push(otherFamily(families[0]!));
		}
		spec.ipFamilies = families;
		spec.clusterIPs = ['None'];
		return svc;
	}
	if (!failed && spec.ipFamilyPolicy === 'RequireDualStack' && !p.dualStack) {
		problem('error', 'spec.ipFamilyPolicy', 'this cluster is not configured for dual-stack services');
		failed = true;
	}
	for (const [i, fam] of families.entries()) {
		if (!configured.has(fam)) {
			problem('error', `spec.ipFamilies[${i}]`, `${fam} is not configured on this cluster`);
			failed = true;
		}
	}
	if (families.length === 0) {
		families.push(p.primaryFamily);
	}
	if (spec.ipFamilyPolicy !== 'SingleStack' && families.length === 1 && p.dualStack) {
		families.push(otherFamily(families[0]!));
	}
	spec.ipFamilies = families;
	if (headless) {
		spec.clusterIPs = ['None'];
		return svc;
	}
	if (failed) {
		return svc;
	}
	const ips = [...(spec.clusterIPs ?? [])];
	for (const [i, fam] of families.entries()) {
		if (ips[i]) {
			ctx?.allocatedIPs?.add(ips[i]!);
			continue;
		}
		const cidr = p.serviceCIDRs[fam];
		const ip = cidr
			? allocateIPFromCIDR(cidr, `${svc.metadata.namespace}/${svc.metadata.name}`, ctx?.allocatedIPs)
			: undefined;
		if (!ip) {
			problem(
				'error',
				'spec.clusterIPs',
				`failed to allocate a serviceIP: no ${fam} service CIDR with free addresses`,
			);
			return svc;
		}
		ips[i] = ip;
	}
	spec.clusterIPs = ips;
	spec.clusterIP = ips[0];
	if (spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] !== false)) {
		spec.ports = (spec.ports ?? []).map((port, i) => {
			if (port.nodePort) {
				ctx?.allocatedNodePorts?.add(port.nodePort);
				return port;
			}
			return {
				...port,
				nodePort: allocateNodePort(
					`${svc.metadata!.namespace}/${svc.metadata!.name}/${i}`,
					ctx?.allocatedNodePorts,
				),
			};
		});
	}
	return svc;
}

/** A deterministic node port in the default `--service-node-port-range` 30000-32767. */
function allocateNodePort(seed: string, taken?: Set<number>): number {
	const size = 2768;
	let off = fnv(seed, 7) % size;
	for (let i = 0; i < size; i++) {
		const port = 30000 + off;
		if (!taken?.has(port)) {
			taken?.add(port);
			return port;
		}
		off = (off + 1) % size;
	}
	return 30000 + (fnv(seed, 7) % size);
}

// ---------------------------------------------------------------------------------------------------------------
// Pods and templates

/**
 * `SetDefaults_PodSpec` and `SetDefaults_ContainerPort`, the fields that matter here: `restartPolicy: Always`,
 * every container and init container port's `protocol: TCP`, `terminationGracePeriodSeconds: 30`,
 * `dnsPolicy: ClusterFirst`, `schedulerName: default-scheduler`.
 */
export function defaultPodSpec(spec: PodSpec | undefined): PodSpec {
	const out = (spec ? cloneJSON(spec) : {}) as Loose<PodSpec>;
	out.restartPolicy = out.restartPolicy || 'Always';
	out.terminationGracePeriodSeconds = out.terminationGracePeriodSeconds ?? 30;
	out['dnsPolicy'] = out['dnsPolicy'] || 'ClusterFirst';
	out['schedulerName'] = out['schedulerName'] || 'default-scheduler';
	for (const list of [out.containers, out.initContainers]) {
		for (const c of list ?? []) {
			for (const port of c.ports ?? []) {
				port.protocol = port.protocol || 'TCP';
			}
		}
	}
	return out;
}

/** Defaults a pod template: the spec as `defaultPodSpec`; metadata is copied (templates have no name or uid). */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): PodTemplateSpec {
	return {
		...(template?.metadata ? { metadata: cloneJSON(template.metadata) } : {}),
		spec: defaultPodSpec(template?.spec),
	};
}

/** Defaults a Pod: metadata and spec. The status is kept as given (absent stays absent). */
export function defaultPod(raw: Pod, profile?: Partial<ClusterProfile>, ctx?: DefaultingContext): Pod {
	const p = resolveClusterProfile(profile);
	const pod: Pod = cloneJSON(raw);
	pod.apiVersion = pod.apiVersion ?? 'v1';
	pod.kind = pod.kind ?? 'Pod';
	pod.metadata = defaultObjectMeta(pod.metadata, 'Pod', p, ctx);
	pod.spec = defaultPodSpec(pod.spec);
	return pod;
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoints, EndpointSlices, Nodes

/** `SetDefaults_Endpoints`: every subset port's `protocol: TCP`; plus the metadata defaults. */
export function defaultEndpoints(
	raw: Endpoints,
	profile?: Partial<ClusterProfile>,
	ctx?: DefaultingContext,
): Endpoints {
	const p = resolveClusterProfile(profile);
	const ep: Endpoints = cloneJSON(raw);
	ep.apiVersion = ep.apiVersion ?? 'v1';
	ep.kind = ep.kind ?? 'Endpoints';
	ep.metadata = defaultObjectMeta(ep.metadata, 'Endpoints', p, ctx);
	for (const subset of ep.subsets ?? []) {
		for (const port of subset.ports ?? []) {
			port.protocol = port.protocol || 'TCP';
		}
	}
	return ep;
}

/** discovery/v1 `SetDefaults_EndpointPort`: `name: ""` and `protocol: TCP`; `endpoints` absent → `[]`. */
export function defaultEndpointSlice(
	raw: EndpointSlice,
	profile?: Partial<ClusterProfile>,
	ctx?: DefaultingContext,
): EndpointSlice {
	const p = resolveClusterProfile(profile);
	const slice: EndpointSlice = cloneJSON(raw);
	slice.apiVersion = slice.apiVersion ?? 'discovery.k8s.io/v1';
	slice.kind = slice.kind ?? 'EndpointSlice';
	slice.metadata = defaultObjectMeta(slice.metadata, 'EndpointSlice', p, ctx);
	slice.endpoints = slice.endpoints ?? [];
	if (slice.ports) {
		slice.ports = slice.ports.map((port) => ({ ...port, name: port.name ?? '', protocol: port.protocol || 'TCP' }));
	}
	return slice;
}

/** A Node gets the metadata defaults only (cluster-scoped: no namespace). */
export function defaultNode(raw: Node, profile?: Partial<ClusterProfile>, ctx?: DefaultingContext): Node {
	const p = resolveClusterProfile(profile);
	const node: Node = cloneJSON(raw);
	node.apiVersion = node.apiVersion ?? 'v1';
	node.kind = node.kind ?? 'Node';
	node.metadata = defaultObjectMeta(node.metadata, 'Node', p, ctx);
	return node;
}

// ---------------------------------------------------------------------------------------------------------------
// Workloads

/** A workload object Endpoint Lens expands into pods. */
export type Workload = Deployment | ReplicaSet | StatefulSet | DaemonSet | Job | CronJob;

/** Job labels the API server adds to the template (`generateSelector`), legacy and `batch.kubernetes.io/` keys. */
export const jobControllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const legacyJobControllerUidLabel = 'controller-uid';
export const legacyJobNameLabel = 'job-name';

/**
 * Defaults a Job spec (`SetDefaults_Job` + the registry's `generateSelector`): parallelism and completions both 1
 * when neither is set, parallelism 1, backoffLimit 6, completionMode NonIndexed, suspend false; unless
 * `manualSelector`, the selector is `{batch.kubernetes.io/controller-uid: <uid>}` and the template gets the
 * controller-uid and job-name labels (both spellings).
 */
function defaultJobSpec(job: Job, uid: string, name: string): void {
	const spec = job.spec ?? {};
	job.spec = spec;
	if (spec.completions === undefined && spec.parallelism === undefined) {
		spec.completions = 1;
		spec.parallelism = 1;
	}
	spec.parallelism = spec.parallelism ?? 1;
	spec.backoffLimit = spec.backoffLimit ?? 6;
	spec.completionMode = spec.completionMode || 'NonIndexed';
	spec.suspend = spec.suspend ?? false;
	spec.template = defaultPodTemplate(spec.template);
	if (!spec.manualSelector) {
		spec.template.metadata = spec.template.metadata ?? {};
		spec.template.metadata.labels = {
			...(spec.template.metadata.labels ?? {}),
			[jobControllerUidLabel]: uid,
			[jobNameLabel]: name,
			[legacyJobControllerUidLabel]: uid,
			[legacyJobNameLabel]: name,
		};
		spec.selector = { matchLabels: { [jobControllerUidLabel]: uid } };
	}
}

/**
 * Defaults a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob): metadata, `replicas: 1`,
 * StatefulSet `podManagementPolicy: OrderedReady`, the Job fields above, CronJob `suspend: false`, and every pod
 * template as `defaultPodTemplate`. A CronJob's job template is defaulted as a Job spec, except for the generated
 * selector, which belongs to each Job run.
 */
export function defaultWorkload<T extends Workload>(
	raw: T,
	profile?: Partial<ClusterProfile>,
	ctx?: DefaultingContext,
): T {
	const p = resolveClusterProfile(profile);
	const obj = cloneJSON(raw) as Workload;
	const kind = obj.kind ?? '';
	obj.metadata = defaultObjectMeta(obj.metadata, kind, p, ctx);
	switch (kind) {
		case 'Deployment':
		case 'ReplicaSet': {
			const w = obj as Deployment;
			w.spec = w.spec ?? {};
			w.spec.replicas = w.spec.replicas ?? 1;
			w.spec.template = defaultPodTemplate(w.spec.template);
			break;
		}
		case 'StatefulSet': {
			const w = obj as StatefulSet;
			w.spec = w.spec ?? {};
			w.spec.replicas = w.spec.replicas ?? 1;
			w.spec.podManagementPolicy = w.spec.podManagementPolicy || 'OrderedReady';
			w.spec.template = defaultPodTemplate(w.spec.template);
			break;
		}
		case 'DaemonSet': {
			const w = obj as DaemonSet;
			w.spec = w.spec ?? {};
			w.spec.template = defaultPodTemplate(w.spec.template);
			break;
		}
		case 'Job':
			defaultJobSpec(obj as Job, obj.metadata.uid!, obj.metadata.name ?? '');
			break;
		case 'CronJob': {
			const w = obj as CronJob;
			w.spec = w.spec ?? {};
			w.spec.suspend = w.spec.suspend ?? false;
			const jt = w.spec.jobTemplate ?? {};
			w.spec.jobTemplate = jt;
			const js = jt.spec ?? {};
			jt.spec = js;
			if (js.completions === undefined && js.parallelism === undefined) {
				js.completions = 1;
				js.parallelism = 1;
			}
			js.parallelism = js.parallelism ?? 1;
			js.backoffLimit = js.backoffLimit ?? 6;
			js.completionMode = js.completionMode || 'NonIndexed';
			js.template = defaultPodTemplate(js.template);
			break;
		}
	}
	return obj as T;
}

/**
 * Defaults any supported object by kind (Service, Pod, Endpoints, EndpointSlice, Node, and the workloads);
 * other kinds get the metadata defaults only.
 */
export function defaultObject(
	raw: TypedObject,
	profile?: Partial<ClusterProfile>,
	ctx?: DefaultingContext,
): TypedObject {
	switch (raw.kind) {
		case 'Service':
			return defaultService(raw as Service, profile, ctx);
		case 'Pod':
			return defaultPod(raw as Pod, profile, ctx);
		case 'Endpoints':
			return defaultEndpoints(raw as Endpoints, profile, ctx);
		case 'EndpointSlice':
			return defaultEndpointSlice(raw as EndpointSlice, profile, ctx);
		case 'Node':
			return defaultNode(raw as Node, profile, ctx);
		case 'Deployment':
		case 'ReplicaSet':
		case 'StatefulSet':
		case 'DaemonSet':
		case 'Job':
		case 'CronJob':
			return defaultWorkload(raw as Workload, profile, ctx);
		default: {
			const out = cloneJSON(raw);
			out.metadata = defaultObjectMeta(out.metadata, raw.kind ?? '', resolveClusterProfile(profile), ctx);
			return out;
		}
	}
}
