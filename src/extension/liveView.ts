/**
 * The connected context's store as the read-only `LiveView` the previews take. Only a context that the Services
 * view has connected and synced counts: previews never open a connection of their own.
 */
import type { LiveView } from '../core/hover/types';
import type { LiveContexts } from './liveContexts';

export function liveViewOf(live: LiveContexts): LiveView | undefined {
	const context = live.active;
	const state = live.connection;
	if (!context || state.phase !== 'ready') {
		return undefined;
	}
	const store = live.activeStore;
	const unreadable = (namespace: string) =>
		state.limits.some(
			(l) =>
				(l.kind === 'Pod' || l.kind === 'EndpointSlice') &&
				(l.namespace === namespace || (l.namespace === undefined && store.list('Pod', namespace).length === 0)),
		);
	return {
		context,
		hasNamespace: (namespace) => !unreadable(namespace),
		services: (namespace) => store.list('Service', namespace),
		pods: (namespace) => store.list('Pod', namespace),
		endpointSlices: (namespace) => store.list('EndpointSlice', namespace),
		endpoints: (namespace) => store.list('Endpoints', namespace),
		nodes: () => store.list('Node'),
	};
}
