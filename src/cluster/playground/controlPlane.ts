/**
 * The control plane's controllers in the playground: which Services and Endpoints keys a write concerns (upstream's
 * event handlers and pod-update filter), and, once a change's own writes are done, the EndpointSlice controller, the
 * Endpoints controller and the mirroring controller over those keys until nothing is left to do, then the garbage
 * collector. Their writes go to the object store like anyone else's, so they become watch events too.
 *
 * The EndpointSlice controller is one long-lived instance (it keeps the trigger-time tracker and the topology cache,
 * like a running kube-controller-manager); the Endpoints controller is a pure function, so its trigger-time tracker
 * state is kept here, per Service, with the same logic — both stamp consistent
 * `endpoints.kubernetes.io/last-change-trigger-time` values.
 */
import { EndpointSliceController } from '../../core/controllers/endpointslice/controller';
import type { SliceAction } from '../../core/controllers/endpointslice/reconciler';
import { syncEndpoints } from '../../core/controllers/endpoints/endpointsController';
import {
	endpointSlicesMirroredForService,
	shouldMirror,
	syncMirroring,
} from '../../core/controllers/mirroring/mirroringController';
import type { MirroringAction } from '../../core/controllers/mirroring/reconciler';
import { isPodReady } from '../../core/controllers/podUtil';
import type { TriggerTimeState } from '../../core/controllers/triggerTime';
import { computeTriggerTime } from '../../core/controllers/triggerTime';
import { podsForService, selectorMatches } from '../../core/k8s/selector';
import type { EndpointSlice, Pod } from '../../core/k8s/types';
import { labelServiceName } from '../../core/k8s/types';
import type { ResourceKind, ResourceTypes, WatchEvent } from '../../core/store/types';
import { podIPsOf } from './kubelet';
import type { ObjectStore } from './objectStore';
import { keyOf } from './objectStore';

/** Creates an object the way the playground does (namespace first, uid, creationTimestamp). */
export type CreateObject = <K extends ResourceKind>(kind: K, obj: ResourceTypes[K]) => void;

/** Reports something that should not happen (a controller answer the store cannot take). */
export type ReportError = (error: unknown) => void;

function splitKey(key: string): { namespace: string; name: string } {
	const slash = key.indexOf('/');
	return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function sameJSON(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

export class ControlPlane {
	/** One long-lived controller: it keeps the trigger-time tracker and topology cache across syncs. */
	private readonly sliceController: EndpointSliceController;
	/** The Endpoints controller's trigger-time tracker, per Service (upstream's is a separate instance too). */
	private readonly endpointsTriggerTimes = new Map<string, TriggerTimeState>();
	private readonly dirtyServices = new Set<string>();
	private readonly dirtyMirroring = new Set<string>();
	/** Set while the controllers write: their own slice writes do not requeue their Service. */
	private controllersWriting = false;

	constructor(
		private readonly store: ObjectStore,
		private readonly createObject: CreateObject,
		private readonly onError: ReportError,
		options: { maxEndpointsPerSlice: number },
	) {
		this.sliceController = new EndpointSliceController({
			maxEndpointsPerSlice: options.maxEndpointsPerSlice,
			topologyCache: true,
		});
	}

	/** Records which controllers a write concerns. */
	noteWrite<K extends ResourceKind>(
		kind: K,
		_type: WatchEvent['type'],
		before: ResourceTypes[K] | undefined,
		after: ResourceTypes[K] | undefined,
	): void {
		const obj = (after ?? before)!;
		const namespace = obj.metadata?.namespace ?? '';
		switch (kind) {
			case 'Service': {
				const key = keyOf('Service', obj);
				this.dirtyServices.add(key);
				this.dirtyMirroring.add(key);
				break;
			}
			case 'Endpoints':
				this.dirtyMirroring.add(keyOf('Endpoints', obj));
				break;
			case 'EndpointSlice': {
				const service = obj.metadata?.labels?.[labelServiceName];
				if (!this.controllersWriting && service) {
					this.dirtyServices.add(`${namespace}/${service}`);
					this.dirtyMirroring.add(`${namespace}/${service}`);
				}
				break;
			}
			case 'Node':
				for (const svc of this.store.list('Service')) {
					this.dirtyServices.add(keyOf('Service', svc));
				}
				break;
			case 'Pod':
				this.notePodChange(before as Pod | undefined, after as Pod | undefined);
				break;
		}
	}

	/**
	 * Requeues the Services a pod change matters to, with upstream's filter (`podEndpointsChanged`): labels,
	 * hostname or subdomain (membership), deletionTimestamp, readiness or pod IPs — plus the phase, so that a pod
	 * turning terminal leaves at once.
	 */
	private notePodChange(before: Pod | undefined, after: Pod | undefined): void {
		const touch = (pod: Pod) => {
			const ns = pod.metadata?.namespace ?? '';
			for (const svc of this.store.list('Service', ns)) {
				if (selectorMatches(svc.spec?.selector, pod.metadata?.labels)) {
					this.dirtyServices.add(keyOf('Service', svc));
				}
			}
		};
		if (!before || !after) {
			touch((before ?? after)!);
			return;
		}
		const membership =
			!sameJSON(sortedEntries(before.metadata?.labels), sortedEntries(after.metadata?.labels)) ||
			before.spec?.hostname !== after.spec?.hostname ||
			before.spec?.subdomain !== after.spec?.subdomain;
		const endpoints =
			before.metadata?.deletionTimestamp !== after.metadata?.deletionTimestamp ||
			isPodReady(before) !== isPodReady(after) ||
			!sameJSON(podIPsOf(before), podIPsOf(after)) ||
			before.status?.phase !== after.status?.phase;
		if (membership) {
			touch(before);
		}
		if (membership || endpoints) {
			touch(after);
		}
	}

	/** Runs the controllers until nothing they care about is left changed, then collects garbage. */
	run(): void {
		for (let round = 0; round < 20; round++) {
			if (this.dirtyServices.size === 0 && this.dirtyMirroring.size === 0) {
				break;
			}
			const services = [...this.dirtyServices].sort();
			this.dirtyServices.clear();
			for (const key of services) {
				this.syncSlices(key);
				this.syncEndpointsObject(key);
			}
			const mirrored = [...this.dirtyMirroring].sort();
			this.dirtyMirroring.clear();
			for (const key of mirrored) {
				this.syncMirrored(key);
			}
			this.collectGarbage();
		}
	}

	/** The EndpointSlice controller's `syncService`. */
	private syncSlices(key: string): void {
		const { namespace, name } = splitKey(key);
		const service = this.store.get('Service', key) ?? null;
		const result = this.sliceController.syncService(
			service,
			{
				pods: this.store.list('Pod', namespace),
				nodes: this.store.list('Node'),
				endpointSlices: this.store.list('EndpointSlice', namespace),
			},
			{ namespace, name },
		);
		this.applySliceWrites(result.actions, result.slices);
	}

	/** The Endpoints controller's `syncService`, with a per-Service trigger-time tracker as the slice controller has. */
	private syncEndpointsObject(key: string): void {
		const { namespace, name } = splitKey(key);
		const service = this.store.get('Service', key) ?? null;
		const existing = this.store.get('Endpoints', key) ?? null;
		const pods = this.store.list('Pod', namespace);
		let triggerTime: string | undefined;
		if (!service) {
			this.endpointsTriggerTimes.delete(key);
		} else if (service.spec?.type !== 'ExternalName' && service.spec?.selector != null) {
			const t = computeTriggerTime(service, podsForService(service, pods), this.endpointsTriggerTimes.get(key));
			this.endpointsTriggerTimes.set(key, t.state);
			triggerTime = t.time ?? '';
		}
		if (!service && !existing) {
			return;
		}
		const result = syncEndpoints({
			service,
			serviceKey: { namespace, name },
			pods,
			existingEndpoints: existing,
			...(triggerTime !== undefined ? { triggerTime } : {}),
		});
		this.controllersWriting = true;
		try {
			for (const action of result.actions) {
				if (action.verb === 'create' && result.endpoints) {
					this.createObject('Endpoints', {
						...result.endpoints,
						metadata: { ...result.endpoints.metadata, namespace, name },
					});
				} else if (action.verb === 'update' && result.endpoints) {
					this.store.update('Endpoints', {
						...result.endpoints,
						metadata: { ...result.endpoints.metadata, namespace, name },
					});
				} else if (action.verb === 'delete') {
					this.store.delete('Endpoints', key);
				}
			}
		} finally {
			this.controllersWriting = false;
		}
	}

	/** The mirroring controller's `syncEndpoints` for one Endpoints key. */
	private syncMirrored(key: string): void {
		const { namespace, name } = splitKey(key);
		const service = this.store.get('Service', key) ?? null;
		const endpoints = this.store.get('Endpoints', key) ?? null;
		const slices = this.store.list('EndpointSlice', namespace);
		if (
			!shouldMirror(endpoints, service) &&
			endpointSlicesMirroredForService(slices, namespace, name).length === 0
		) {
			// Nothing to mirror and nothing to clean up: the sync would write nothing (and copy every slice).
			return;
		}
		const result = syncMirroring({ service, endpoints, existingSlices: slices, namespace, name });
		this.applySliceWrites(result.actions, result.slices);
	}

	/**
	 * Stores a slice controller's writes. Creates carry generateName; the named objects are the last entries of
	 * `after`, in the same order (both controllers append them there).
	 */
	private applySliceWrites(
		actions: readonly (SliceAction | MirroringAction)[],
		after: readonly EndpointSlice[],
	): void {
		const creates = actions.filter((a) => a.verb === 'create').length;
		const created = after.slice(after.length - creates);
		let next = 0;
		this.controllersWriting = true;
		try {
			for (const action of actions) {
				if (action.verb === 'create') {
					const slice = created[next++];
					if (!slice?.metadata?.name || this.store.get('EndpointSlice', keyOf('EndpointSlice', slice))) {
						this.onError(
							new Error(`controller created a slice without a free name: ${slice?.metadata?.name}`),
						);
						continue;
					}
					this.createObject('EndpointSlice', { ...slice, metadata: { ...slice.metadata, generation: 1 } });
				} else if (action.verb === 'update') {
					const previous = this.store.get('EndpointSlice', keyOf('EndpointSlice', action.object));
					if (previous) {
						const generation = (previous.metadata?.generation ?? 1) + 1;
						this.store.update('EndpointSlice', {
							...action.object,
							metadata: { ...action.object.metadata, generation },
						});
					}
				} else {
					this.store.delete('EndpointSlice', keyOf('EndpointSlice', action.object));
				}
			}
		} finally {
			this.controllersWriting = false;
		}
	}

	/** The garbage collector: slices whose owning Service or Endpoints (by uid) are all gone are deleted. */
	private collectGarbage(): void {
		const owners = new Set<string>();
		for (const o of [...this.store.list('Service'), ...this.store.list('Endpoints')]) {
			if (o.metadata?.uid) {
				owners.add(o.metadata.uid);
			}
		}
		this.controllersWriting = true;
		try {
			for (const slice of this.store.list('EndpointSlice')) {
				const refs = (slice.metadata?.ownerReferences ?? []).filter(
					(r) => r.apiVersion === 'v1' && (r.kind === 'Service' || r.kind === 'Endpoints'),
				);
				if (refs.length > 0 && refs.every((r) => !owners.has(r.uid))) {
					this.store.delete('EndpointSlice', keyOf('EndpointSlice', slice));
				}
			}
		} finally {
			this.controllersWriting = false;
		}
	}
}

function sortedEntries(map: Record<string, string> | undefined): [string, string][] {
	return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
