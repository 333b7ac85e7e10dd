/**
 * The soak's randomized script of changes: Services, Pods, EndpointSlices and Endpoints created, changed and deleted
 * across a changing set of namespaces, written through the test API server's scripting API (its watch streams
 * carry them to the clients). Seeded, so a failing run can be replayed with the same `SOAK_SEED`.
 *
 * Names are reused after deletion (a recreated object has a new uid, which the store must treat as a new object),
 * and annotations carry hostile text — HTML, Mermaid directives, `%%{init}%%` — as a cluster may.
 */
import type { TypedObject } from '../../src/core/k8s/types';
import type { ResourceKind } from '../../src/core/store/types';
import type { TestApiServer } from '../support/apiserver/server';

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Text a cluster may hold that must stay inert in every view. */
export const hostileTexts: readonly string[] = [
	'<img src=x onerror="alert(1)">',
	'%%{init: {"securityLevel": "loose", "theme": "dark"}}%%',
	'</script><script>alert(1)</script>',
	'click web call alert(1)',
	'Note over A: <b>bold</b>; A->>B: #59; end',
	'"quoted" & <tags> ` backticks `',
];

interface NamespaceModel {
	services: string[];
	pods: string[];
	slices: string[];
	endpoints: string[];
}

/** Counts of the changes written, by kind and operation. */
export type ChangeCounts = Record<string, number>;

/**
 * Writes random changes to one server. It remembers what it wrote (names per namespace) so each change is valid:
 * updates and deletes name existing objects, creates may reuse a deleted name.
 */
export class Workload {
	private readonly random: () => number;
	private readonly namespaces = new Map<string, NamespaceModel>();
	private readonly objects = new Map<string, TypedObject>();
	private nextNamespace = 0;
	private serial = 0;
	readonly counts: ChangeCounts = {};
	/** Changes written so far. */
	total = 0;

	constructor(
		private readonly server: TestApiServer,
		seed: number,
		namespaceCount: number,
	) {
		this.random = prng(seed);
		for (let i = 0; i < namespaceCount; i++) {
			this.addNamespace();
		}
	}

	/** The namespaces the workload writes to now. */
	get namespaceNames(): string[] {
		return [...this.namespaces.keys()];
	}

	/** Seeds each namespace with Services, their pods, slices and Endpoints. */
	seed(servicesPerNamespace: number): void {
		for (const ns of this.namespaces.keys()) {
			for (let i = 0; i < servicesPerNamespace; i++) {
				this.createService(ns);
				for (let p = 0; p < 3; p++) {
					this.createPod(ns);
				}
				this.upsertSlice(ns);
				this.upsertEndpoints(ns);
			}
		}
		this.write({
			apiVersion: 'v1',
			kind: 'Node',
			metadata: { name: 'soak-node-a', labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
		});
		this.write({
			apiVersion: 'v1',
			kind: 'Node',
			metadata: { name: 'soak-node-b', labels: { 'topology.kubernetes.io/zone': 'zone-b' } },
		});
	}

	/** Writes `n` random changes. */
	step(n: number): void {
		for (let i = 0; i < n; i++) {
			this.change();
		}
	}

	private pick<T>(items: readonly T[]): T | undefined {
		return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
	}

	private addNamespace(): string {
		const name = `soak-${this.nextNamespace++}`;
		this.namespaces.set(name, { services: [], pods: [], slices: [], endpoints: [] });
		this.write({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
		return name;
	}

	/** Deletes a namespace with everything in it, contents first (as the namespace controller does). */
	private removeNamespace(name: string): void {
		const model = this.namespaces.get(name);
		if (!model) {
			return;
		}
		for (const svc of [...model.services]) {
			this.remove('Service', name, svc, model.services);
		}
		for (const pod of [...model.pods]) {
			this.remove('Pod', name, pod, model.pods);
		}
		for (const s of [...model.slices]) {
			this.remove('EndpointSlice', name, s, model.slices);
		}
		for (const e of [...model.endpoints]) {
			this.remove('Endpoints', name, e, model.endpoints);
		}
		this.namespaces.delete(name);
		this.server.remove('Namespace', undefined, name);
		this.count('Namespace.delete');
	}

	private change(): void {
		this.total++;
		const r = this.random();
		// Every ~700 changes a namespace comes or goes: per-namespace readers must follow.
		if (r < 0.0015) {
			if (this.namespaces.size > 3 && this.random() < 0.5) {
				this.removeNamespace(this.pick([...this.namespaces.keys()])!);
			} else {
				this.addNamespace();
				this.count('Namespace.create');
			}
			return;
		}
		const ns = this.pick([...this.namespaces.keys()])!;
		const model = this.namespaces.get(ns)!;
		if (r < 0.12) {
			this.createService(ns);
		} else if (r < 0.22) {
			this.updateService(ns);
		} else if (r < 0.26) {
			this.removeRandom('Service', ns, model.services);
		} else if (r < 0.46) {
			this.createPod(ns);
		} else if (r < 0.66) {
			this.updatePod(ns);
		} else if (r < 0.74) {
			this.removeRandom('Pod', ns, model.pods);
		} else if (r < 0.86) {
			this.upsertSlice(ns);
		} else if (r < 0.9) {
			this.removeRandom('EndpointSlice', ns, model.slices);
		} else if (r < 0.97) {
			this.upsertEndpoints(ns);
		} else {
			this.removeRandom('Endpoints', ns, model.endpoints);
		}
	}

	private count(what: string): void {
		this.counts[what] = (this.counts[what] ?? 0) + 1;
	}

	private key(kind: ResourceKind, ns: string | undefined, name: string): string {
		return `${kind}/${ns ?? ''}/${name}`;
	}

	private write(obj: TypedObject): void {
		this.server.apply([obj]);
		this.objects.set(this.key(obj.kind as ResourceKind, obj.metadata?.namespace, obj.metadata!.name!), obj);
	}

	private remove(kind: ResourceKind, ns: string, name: string, names: string[]): void {
		this.server.remove(kind, ns, name);
		this.objects.delete(this.key(kind, ns, name));
		names.splice(names.indexOf(name), 1);
		this.count(`${kind}.delete`);
	}

	private removeRandom(kind: ResourceKind, ns: string, names: string[]): void {
		const name = this.pick(names);
		if (name !== undefined) {
			this.remove(kind, ns, name, names);
		}
	}

	/** A new name, or (one time in five) a name used before in this namespace's history. */
	private name(prefix: string, taken: readonly string[]): string {
		if (this.random() < 0.2) {
			const reuse = `${prefix}-${Math.floor(this.random() * Math.max(1, this.serial / 4))}`;
			if (!taken.includes(reuse)) {
				return reuse;
			}
		}
		return `${prefix}-${this.serial++}`;
	}

	private createService(ns: string): void {
		const model = this.namespaces.get(ns)!;
		const name = this.name('svc', model.services);
		model.services.push(name);
		this.write({
			apiVersion: 'v1',
			kind: 'Service',
			metadata: { name, namespace: ns, annotations: { note: this.pick(hostileTexts)! } },
			spec: {
				selector: { app: name },
				ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
				clusterIP: `10.96.${Math.floor(this.random() * 250)}.${Math.floor(this.random() * 250)}`,
			},
		} as TypedObject);
		this.count('Service.create');
	}

	private updateService(ns: string): void {
		const name = this.pick(this.namespaces.get(ns)!.services);
		const current = name && this.objects.get(this.key('Service', ns, name));
		if (!current) {
			return;
		}
		const next = structuredClone(current) as TypedObject & { spec: { ports: { port: number }[] } };
		next.metadata!.annotations = { note: this.pick(hostileTexts)!, serial: String(this.serial++) };
		next.spec.ports[0]!.port = 80 + Math.floor(this.random() * 20);
		this.write(next);
		this.count('Service.update');
	}

	private createPod(ns: string): void {
		const model = this.namespaces.get(ns)!;
		const app = this.pick(model.services) ?? 'orphan';
		const name = this.name(`${app}-pod`, model.pods);
		model.pods.push(name);
		this.write(this.pod(ns, name, app, this.random() < 0.7));
		this.count('Pod.create');
	}

	private pod(ns: string, name: string, app: string, ready: boolean): TypedObject {
		const ip = `10.244.${Math.floor(this.random() * 250)}.${Math.floor(this.random() * 250)}`;
		return {
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name, namespace: ns, labels: { app } },
			spec: {
				nodeName: this.random() < 0.5 ? 'soak-node-a' : 'soak-node-b',
				containers: [{ name: 'app', image: 'registry.example/app:1', ports: [{ name: 'http', containerPort: 8080 }] }],
			},
			status: {
				phase: 'Running',
				podIP: ip,
				podIPs: [{ ip }],
				conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
			},
		} as TypedObject;
	}

	private updatePod(ns: string): void {
		const name = this.pick(this.namespaces.get(ns)!.pods);
		const current = name && this.objects.get(this.key('Pod', ns, name));
		if (!current) {
			return;
		}
		const app = (current.metadata?.labels?.app as string | undefined) ?? 'orphan';
		this.write(this.pod(ns, name!, app, this.random() < 0.6));
		this.count('Pod.update');
	}

	private endpointList(ns: string, app: string): { addresses: string[]; ready: boolean }[] {
		const out: { addresses: string[]; ready: boolean }[] = [];
		for (const pod of this.namespaces.get(ns)!.pods) {
			const obj = this.objects.get(this.key('Pod', ns, pod)) as
				| (TypedObject & { status?: { podIP?: string; conditions?: { status: string }[] } })
				| undefined;
			if (obj?.metadata?.labels?.app === app && obj.status?.podIP) {
				out.push({ addresses: [obj.status.podIP], ready: obj.status.conditions?.[0]?.status === 'True' });
			}
		}
		return out;
	}

	private upsertSlice(ns: string): void {
		const model = this.namespaces.get(ns)!;
		const svc = this.pick(model.services);
		if (!svc) {
			return;
		}
		const existing = model.slices.filter((s) => s.startsWith(`${svc}-`));
		const name = existing.length > 0 && this.random() < 0.7 ? this.pick(existing)! : `${svc}-${this.serial++}`;
		if (!model.slices.includes(name)) {
			model.slices.push(name);
		}
		this.write({
			apiVersion: 'discovery.k8s.io/v1',
			kind: 'EndpointSlice',
			metadata: {
				name,
				namespace: ns,
				labels: { 'kubernetes.io/service-name': svc, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
			},
			addressType: 'IPv4',
			ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
			endpoints: this.endpointList(ns, svc).map((e) => ({
				addresses: e.addresses,
				conditions: { ready: e.ready, serving: e.ready, terminating: false },
			})),
		} as TypedObject);
		this.count('EndpointSlice.upsert');
	}

	private upsertEndpoints(ns: string): void {
		const model = this.namespaces.get(ns)!;
		const svc = this.pick(model.services);
		if (!svc) {
			return;
		}
		if (!model.endpoints.includes(svc)) {
			model.endpoints.push(svc);
		}
		const eps = this.endpointList(ns, svc);
		this.write({
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: { name: svc, namespace: ns },
			subsets:
				eps.length === 0
					? []
					: [
							{
								addresses: eps.filter((e) => e.ready).map((e) => ({ ip: e.addresses[0] })),
								notReadyAddresses: eps.filter((e) => !e.ready).map((e) => ({ ip: e.addresses[0] })),
								ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
							},
						],
		} as TypedObject);
		this.count('Endpoints.upsert');
	}
}
