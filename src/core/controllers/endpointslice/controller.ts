/**
 * The EndpointSlice controller's `syncService`, after
 * `kubernetes:pkg/controller/endpointslice/endpointslice_controller.go`: which Services it acts on, which pods and
 * slices it reads from its informers, and the trigger time it hands to the reconciler.
 *
 * The informers are replaced by the store contents the caller passes in. The controller keeps upstream's per-Service
 * state (the trigger-time tracker and the topology cache) so that a long-lived instance — the playground's control
 * plane — behaves like a running kube-controller-manager, while a fresh instance behaves like a first sync.
 */
import { podsForService } from '../../k8s/selector';
import type { EndpointSlice, Node, Pod, Service } from '../../k8s/types';
import { labelManagedBy, labelServiceName } from '../../k8s/types';
import type { TriggerTimeState } from '../triggerTime';
import { computeTriggerTime } from '../triggerTime';
import type { ReconcileResult, SliceAction } from './reconciler';
import { Reconciler, applySliceActions } from './reconciler';
import type { HintEvent } from './sliceInfo';
import { TopologyCache } from './topologyCache';

export interface EndpointSliceControllerOptions {
	maxEndpointsPerSlice?: number;
	controllerName?: string;
	/** Run with a TopologyCache, i.e. honour the `service.kubernetes.io/topology-mode: Auto` annotation. */
	topologyCache?: boolean;
	/** Accept `PreferSameZone` / `PreferSameNode` trafficDistribution values. */
	preferSameTrafficDistribution?: boolean;
}

export interface StoreSnapshot {
	/** Every pod in the store; the controller selects by namespace and selector. */
	pods: readonly Pod[];
	nodes: readonly Node[];
	/** Every EndpointSlice in the store; the controller keeps only the Service's managed slices. */
	endpointSlices: readonly EndpointSlice[];
}

export interface SyncResult {
	actions: SliceAction[];
	/** Every slice in the store after the writes (all of the input, with the writes applied). */
	slices: EndpointSlice[];
	events: HintEvent[];
	error: string | null;
	/** Why the controller did nothing, when it returned early. */
	skipped?: 'serviceDeleted' | 'externalName' | 'noSelector';
}

/** The slices `syncService` lists: service-name and managed-by labels match, not pending deletion. */
export function managedSlicesForService(
	service: Service,
	slices: readonly EndpointSlice[],
	controllerName: string,
): EndpointSlice[] {
	const ns = service.metadata?.namespace ?? '';
	const name = service.metadata?.name ?? '';
	return slices.filter(
		(s) =>
			(s.metadata?.namespace ?? '') === ns &&
			s.metadata?.labels?.[labelServiceName] === name &&
			s.metadata?.labels?.[labelManagedBy] === controllerName &&
			!s.metadata?.deletionTimestamp,
	);
}

export class EndpointSliceController {
	readonly reconciler: Reconciler;
	private readonly topologyCache: TopologyCache | undefined;
	private readonly triggerTimes = new Map<string, TriggerTimeState>();

	constructor(options: EndpointSliceControllerOptions = {}) {
		this.topologyCache = options.topologyCache ? new TopologyCache() : undefined;
		this.reconciler = new Reconciler({
			maxEndpointsPerSlice: options.maxEndpointsPerSlice,
			controllerName: options.controllerName,
			topologyCache: this.topologyCache,
			preferSameTrafficDistribution: options.preferSameTrafficDistribution,
		});
	}

	/**
	 * `syncService` for one Service key. `service` is undefined/null when the Service is gone: the controller forgets
	 * it, and the garbage collector (not this controller) removes its slices through their ownerReferences.
	 */
	syncService(service: Service | null | undefined, store: StoreSnapshot, key?: { namespace: string; name: string }): SyncResult {
		const unchanged = (skipped: SyncResult['skipped']): SyncResult => ({
			actions: [],
			slices: [...store.endpointSlices],
			events: [],
			error: null,
			skipped,
		});
		if (!service) {
			if (key) {
				const k = `${key.namespace}/${key.name}`;
				this.triggerTimes.delete(k);
				this.topologyCache?.removeHints(k, 'IPv4');
				this.topologyCache?.removeHints(k, 'IPv6');
			}
			return unchanged('serviceDeleted');
		}
		if (service.spec?.type === 'ExternalName') {
			return unchanged('externalName');
		}
		if (service.spec?.selector === undefined || service.spec.selector === null) {
			return unchanged('noSelector');
		}
		const pods = podsForService(service, store.pods);
		const slices = managedSlicesForService(service, store.endpointSlices, this.reconciler.controllerName);
		const svcKey = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
		const trigger = computeTriggerTime(service, pods, this.triggerTimes.get(svcKey));
		this.triggerTimes.set(svcKey, trigger.state);
		this.topologyCache?.setNodes([...store.nodes]);
		const ns = service.metadata?.namespace ?? '';
		const taken = store.endpointSlices.filter((s) => (s.metadata?.namespace ?? '') === ns).map((s) => s.metadata?.name ?? '');
		const result: ReconcileResult = this.reconciler.reconcile(service, pods, slices, store.nodes, trigger.time, taken);
		const events = [...result.events];
		if (result.error !== null) {
			events.push({
				type: 'Warning',
				reason: 'FailedToUpdateEndpointSlices',
				message: `Error updating Endpoint Slices for Service ${svcKey}: ${result.error}`,
			});
		}
		return {
			actions: result.actions,
			slices: applySliceActions(store.endpointSlices, result),
			events,
			error: result.error,
		};
	}
}
