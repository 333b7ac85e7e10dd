/**
 * `endpoint-lens simulate`: one JSON scenario in, one JSON result out. The contract is fixed (see README):
 *
 * - `endpointslice-reconcile` — upstream `Reconciler.Reconcile` on pods already selected;
 * - `endpointslice-sync` — the EndpointSlice controller's `syncService` over a whole store;
 * - `endpoints-sync` — the Endpoints controller's `syncService`;
 * - `mirroring-reconcile` — the mirroring reconciler on one Endpoints object.
 *
 * Inputs are Kubernetes JSON as the API serves it; no API defaulting is applied. Validation here only rejects
 * input that is not of the scenario's shape (exit 2); whatever the controller itself reports goes in `error`.
 * Pure: no I/O.
 */
import { EndpointSliceController } from '../core/controllers/endpointslice/controller';
import { Reconciler, applySliceActions } from '../core/controllers/endpointslice/reconciler';
import { TopologyCache } from '../core/controllers/endpointslice/topologyCache';
import { syncEndpoints } from '../core/controllers/endpoints/endpointsController';
import { reconcileMirroring } from '../core/controllers/mirroring/reconciler';
import { formatRFC3339Nano } from '../core/controllers/triggerTime';
import type { EndpointSlice, Endpoints, Node, Pod, Service } from '../core/k8s/types';

export const scenarioKinds = ['endpointslice-reconcile', 'endpointslice-sync', 'endpoints-sync', 'mirroring-reconcile'] as const;

export type ScenarioOutcome = { ok: true; output: unknown } | { ok: false; message: string };

type Obj = Record<string, unknown>;

class InputError extends Error {}

function isObject(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireObject(s: Obj, field: string, what: string): Obj {
	const v = s[field];
	if (v === undefined || v === null) {
		throw new InputError(`"${field}" is required: ${what} object`);
	}
	if (!isObject(v)) {
		throw new InputError(`"${field}" must be ${what} object, got ${describe(v)}`);
	}
	return v;
}

function optionalObject(s: Obj, field: string, what: string): Obj | null {
	const v = s[field];
	if (v === undefined || v === null) {
		return null;
	}
	if (!isObject(v)) {
		throw new InputError(`"${field}" must be ${what} object or null, got ${describe(v)}`);
	}
	return v;
}

function objectList(s: Obj, field: string, kind: string, required = false): Obj[] {
	const v = s[field];
	if (v === undefined || v === null) {
		if (required) {
			throw new InputError(`"${field}" is required: a list of ${kind} objects`);
		}
		return [];
	}
	if (!Array.isArray(v)) {
		throw new InputError(`"${field}" must be a list of ${kind} objects, got ${describe(v)}`);
	}
	v.forEach((item, i) => {
		if (!isObject(item)) {
			throw new InputError(`"${field}[${i}]" must be a ${kind} object, got ${describe(item)}`);
		}
	});
	return v as Obj[];
}

function intInRange(s: Obj, field: string, def: number, min: number, max: number): number {
	const v = s[field];
	if (v === undefined || v === null) {
		return def;
	}
	if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
		throw new InputError(`"${field}" must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
	}
	return v;
}

function optionalString(s: Obj, field: string): string | undefined {
	const v = s[field];
	if (v === undefined || v === null) {
		return undefined;
	}
	if (typeof v !== 'string' || v === '') {
		throw new InputError(`"${field}" must be a non-empty string, got ${JSON.stringify(v)}`);
	}
	return v;
}

function optionalBool(s: Obj, field: string): boolean | undefined {
	const v = s[field];
	if (v === undefined || v === null) {
		return undefined;
	}
	if (typeof v !== 'boolean') {
		throw new InputError(`"options.${field}" must be true or false, got ${JSON.stringify(v)}`);
	}
	return v;
}

function describe(v: unknown): string {
	if (v === null) {
		return 'null';
	}
	if (Array.isArray(v)) {
		return 'a list';
	}
	return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** Checks that an object claiming a kind is that kind (objects without `kind` are accepted as-is). */
function checkKind(o: Obj, field: string, kind: string): void {
	if (o.kind !== undefined && o.kind !== kind) {
		throw new InputError(`"${field}" must be a ${kind}, got kind ${JSON.stringify(o.kind)}`);
	}
	if (!isObject(o.metadata) || typeof o.metadata.name !== 'string' || o.metadata.name === '') {
		throw new InputError(`"${field}" needs metadata.name`);
	}
}

function checkSlices(list: Obj[], field: string): void {
	list.forEach((s, i) => {
		checkKind(s, `${field}[${i}]`, 'EndpointSlice');
		if (typeof s.addressType !== 'string') {
			throw new InputError(`"${field}[${i}]" needs an addressType`);
		}
		if (s.endpoints !== undefined && s.endpoints !== null && !Array.isArray(s.endpoints)) {
			throw new InputError(`"${field}[${i}].endpoints" must be a list`);
		}
		for (const [j, ep] of ((s.endpoints as unknown[] | null | undefined) ?? []).entries()) {
			if (!isObject(ep) || !Array.isArray(ep.addresses)) {
				throw new InputError(`"${field}[${i}].endpoints[${j}]" needs an addresses list`);
			}
		}
	});
}

function readOptions(s: Obj): { topologyCache: boolean; preferSameTrafficDistribution: boolean } {
	const o = optionalObject(s, 'options', 'an options');
	return {
		topologyCache: (o && optionalBool(o, 'topologyCache')) ?? false,
		preferSameTrafficDistribution: (o && optionalBool(o, 'preferSameTrafficDistribution')) ?? false,
	};
}

/** An RFC3339 input time, printed as the controller writes it (RFC3339Nano, UTC). */
function checkTime(value: string | undefined, field: string): string | undefined {
	if (value === undefined) {
		return undefined;
	}
	const formatted = formatRFC3339Nano(value);
	if (formatted === undefined) {
		throw new InputError(`"${field}" must be an RFC3339 time, got ${JSON.stringify(value)}`);
	}
	return formatted;
}

function sliceScenario(s: Obj, sync: boolean): unknown {
	const service = requireObject(s, 'service', 'a Service');
	checkKind(service, 'service', 'Service');
	const pods = objectList(s, 'pods', 'Pod');
	pods.forEach((p, i) => checkKind(p, `pods[${i}]`, 'Pod'));
	const nodes = objectList(s, 'nodes', 'Node');
	nodes.forEach((n, i) => checkKind(n, `nodes[${i}]`, 'Node'));
	const slicesField = sync ? 'endpointSlices' : 'existingSlices';
	const slices = objectList(s, slicesField, 'EndpointSlice');
	checkSlices(slices, slicesField);
	const maxEndpointsPerSlice = intInRange(s, 'maxEndpointsPerSlice', 100, 1, 1000);
	const controllerName = optionalString(s, 'controllerName');
	const options = readOptions(s);
	const svc = service as Service;
	const typedSlices = slices as unknown as EndpointSlice[];
	if (sync) {
		const controller = new EndpointSliceController({ maxEndpointsPerSlice, controllerName, ...options });
		const r = controller.syncService(svc, {
			pods: pods as Pod[],
			nodes: nodes as Node[],
			endpointSlices: typedSlices,
		});
		return { actions: r.actions, slices: r.slices, error: r.error };
	}
	const triggerTime = checkTime(optionalString(s, 'triggerTime'), 'triggerTime');
	let topologyCache: TopologyCache | undefined;
	if (options.topologyCache) {
		topologyCache = new TopologyCache();
		topologyCache.setNodes(nodes as Node[]);
	}
	const reconciler = new Reconciler({
		maxEndpointsPerSlice,
		controllerName,
		topologyCache,
		preferSameTrafficDistribution: options.preferSameTrafficDistribution,
	});
	const r = reconciler.reconcile(
		svc,
		pods as Pod[],
		typedSlices,
		nodes as Node[],
		triggerTime,
	);
	return { actions: r.actions, slices: applySliceActions(typedSlices, r), error: r.error };
}

function endpointsScenario(s: Obj): unknown {
	const service = optionalObject(s, 'service', 'a Service');
	if (service) {
		checkKind(service, 'service', 'Service');
	}
	const pods = objectList(s, 'pods', 'Pod');
	pods.forEach((p, i) => checkKind(p, `pods[${i}]`, 'Pod'));
	const existing = optionalObject(s, 'existingEndpoints', 'an Endpoints');
	if (existing) {
		checkKind(existing, 'existingEndpoints', 'Endpoints');
	}
	const controllerName = optionalString(s, 'controllerName');
	const r = syncEndpoints({
		service: service as Service | null,
		pods: pods as Pod[],
		existingEndpoints: existing as Endpoints | null,
		controllerName,
	});
	return { actions: r.actions, endpoints: r.endpoints, error: r.error };
}

function mirroringScenario(s: Obj): unknown {
	const endpoints = requireObject(s, 'endpoints', 'an Endpoints');
	checkKind(endpoints, 'endpoints', 'Endpoints');
	const slices = objectList(s, 'existingSlices', 'EndpointSlice');
	checkSlices(slices, 'existingSlices');
	const maxEndpointsPerSubset = intInRange(s, 'maxEndpointsPerSubset', 1000, 1, 1000);
	const controllerName = optionalString(s, 'controllerName');
	const r = reconcileMirroring({
		endpoints: endpoints as Endpoints,
		existingSlices: slices as unknown as EndpointSlice[],
		maxEndpointsPerSubset,
		controllerName,
	});
	return { actions: r.actions, slices: r.slices, error: r.error };
}

/** Runs one parsed scenario. Shape errors come back as `{ok: false}` with a message naming the field. */
export function runScenario(scenario: unknown): ScenarioOutcome {
	if (!isObject(scenario)) {
		return { ok: false, message: `a scenario must be a JSON object, got ${describe(scenario)}` };
	}
	const kind = scenario.kind;
	try {
		switch (kind) {
			case 'endpointslice-reconcile':
				return { ok: true, output: sliceScenario(scenario, false) };
			case 'endpointslice-sync':
				return { ok: true, output: sliceScenario(scenario, true) };
			case 'endpoints-sync':
				return { ok: true, output: endpointsScenario(scenario) };
			case 'mirroring-reconcile':
				return { ok: true, output: mirroringScenario(scenario) };
			default:
				return {
					ok: false,
					message:
						kind === undefined
							? `the scenario has no "kind"; expected one of: ${scenarioKinds.join(', ')}`
							: `unknown scenario kind ${JSON.stringify(kind)}; expected one of: ${scenarioKinds.join(', ')}`,
				};
		}
	} catch (e) {
		if (e instanceof InputError) {
			return { ok: false, message: `${String(kind)}: ${e.message}` };
		}
		throw e;
	}
}
