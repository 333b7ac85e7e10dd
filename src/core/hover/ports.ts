/**
 * How a Service port's targetPort resolves against one pod (template), with the reasons upstream's `FindPort` gives
 * no answer: no container port of that name, one of that name but another protocol, or one only in an init
 * container that is not a restartable sidecar (those are never searched).
 */
import { findPort } from '../controllers/podUtil';
import type { Container, Pod, ServicePort } from '../k8s/types';
import { md } from './format';

/** The outcome of resolving one Service port against one pod. */
export type TargetPortResolution =
	| { kind: 'resolved'; port: number; container?: string; named: boolean; declared: boolean }
	| { kind: 'otherProtocol'; protocols: string[]; container: string }
	| { kind: 'initOnly'; container: string }
	| { kind: 'missing'; namedPorts: string[] };

function containersOf(pod: Pod): { regular: Container[]; sidecars: Container[]; init: Container[] } {
	const init = pod.spec?.initContainers ?? [];
	return {
		regular: pod.spec?.containers ?? [],
		sidecars: init.filter((c) => c.restartPolicy === 'Always'),
		init: init.filter((c) => c.restartPolicy !== 'Always'),
	};
}

/** Resolves a (defaulted) Service port against a pod, as the endpoint controllers do, and says why not. */
export function resolveTargetPort(pod: Pod, port: ServicePort): TargetPortResolution {
	const { regular, sidecars, init } = containersOf(pod);
	const serving = [...regular, ...sidecars];
	const protocol = port.protocol ?? 'TCP';
	const target = port.targetPort;
	if (typeof target !== 'string') {
		const number = target ?? port.port;
		const owner = serving.find((c) =>
			(c.ports ?? []).some((cp) => cp.containerPort === number && (cp.protocol ?? 'TCP') === protocol),
		);
		return {
			kind: 'resolved',
			port: number,
			named: false,
			declared: owner !== undefined,
			...(owner ? { container: owner.name } : {}),
		};
	}
	const resolved = findPort(pod, port);
	if (resolved !== undefined) {
		const owner = serving.find((c) =>
			(c.ports ?? []).some((cp) => cp.name === target && (cp.protocol ?? 'TCP') === protocol),
		);
		return { kind: 'resolved', port: resolved, named: true, declared: true, ...(owner ? { container: owner.name } : {}) };
	}
	for (const c of serving) {
		const sameName = (c.ports ?? []).filter((cp) => cp.name === target);
		if (sameName.length > 0) {
			return { kind: 'otherProtocol', protocols: sameName.map((cp) => cp.protocol ?? 'TCP'), container: c.name };
		}
	}
	const inInit = init.find((c) => (c.ports ?? []).some((cp) => cp.name === target));
	if (inInit) {
		return { kind: 'initOnly', container: inInit.name };
	}
	return {
		kind: 'missing',
		namedPorts: serving.flatMap((c) => (c.ports ?? []).filter((cp) => cp.name).map((cp) => `${cp.name}/${cp.protocol ?? 'TCP'}`)),
	};
}

/** The resolution in words (markdown, names escaped). */
export function resolutionText(r: TargetPortResolution, port: ServicePort): string {
	const protocol = port.protocol ?? 'TCP';
	switch (r.kind) {
		case 'resolved':
			if (r.named) {
				return `→ ${r.port}/${md(protocol)}${r.container ? ` (container ${md(r.container)})` : ''}`;
			}
			return r.declared
				? `→ ${r.port}/${md(protocol)}, declared by container ${md(r.container ?? '')}`
				: `→ ${r.port}/${md(protocol)} as written; no container declares it (fine if the process listens there: containerPorts are informational)`;
		case 'otherProtocol':
			return `not resolved: container ${md(r.container)} names a port ${md(String(port.targetPort))} but with protocol ${md(r.protocols.join(', '))}, not ${md(protocol)} (a named targetPort must match name and protocol)`;
		case 'initOnly':
			return `not resolved: only init container ${md(r.container)} names it, and init containers that are not restartable sidecars are never searched`;
		case 'missing':
			return `not resolved: no container port named ${md(String(port.targetPort))}${r.namedPorts.length > 0 ? ` (named ports: ${md(r.namedPorts.join(', '))})` : ' (the containers name no ports)'}`;
	}
}
