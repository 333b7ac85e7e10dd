/**
 * Pod helpers shared by the three controllers, following upstream function by function:
 * `k8s.io/endpointslice/util/controller_utils.go` (ShouldPodBeInEndpoints, ShouldSetHostname),
 * `k8s.io/kubernetes/pkg/api/v1/pod/util.go` (IsPodReady, FindPort, IsPodTerminal).
 */
import type { Container, Pod, Service, ServicePort } from '../k8s/types';

/** `podutil.IsPodTerminal`: phase Failed or Succeeded. */
export function isPodTerminal(pod: Pod): boolean {
	const phase = pod.status?.phase;
	return phase === 'Failed' || phase === 'Succeeded';
}

/** `podutil.IsPodReady`: the first Ready condition is "True". A missing condition is not ready. */
export function isPodReady(pod: Pod): boolean {
	for (const c of pod.status?.conditions ?? []) {
		if (c.type === 'Ready') {
			return c.status === 'True';
		}
	}
	return false;
}

/** The Ready condition's lastTransitionTime, if the pod has one. */
export function podReadyTransitionTime(pod: Pod): string | undefined {
	return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime;
}

/**
 * `ShouldPodBeInEndpoints`: not terminal, has an IP (podIP or podIPs), and — unless `includeTerminating` — no
 * deletionTimestamp. The EndpointSlice controller passes true; the Endpoints controller passes
 * publishNotReadyAddresses.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
	if (isPodTerminal(pod)) {
		return false;
	}
	if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) {
		return false;
	}
	if (!includeTerminating && pod.metadata?.deletionTimestamp) {
		return false;
	}
	return true;
}

/** `ShouldSetHostname`: a hostname counts only when the pod's subdomain names this Service, in its namespace. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
	return (
		!!pod.spec?.hostname &&
		pod.spec.subdomain === svc.metadata?.name &&
		(svc.metadata?.namespace ?? '') === (pod.metadata?.namespace ?? '')
	);
}

/**
 * `podutil.FindPort`: an integer targetPort is taken literally (absent = 0); a named one resolves to the first
 * container port whose name and protocol both match, searching regular containers, then restartable (sidecar) init
 * containers. Undefined when a named port does not resolve (upstream returns an error and the port is skipped).
 * Objects are compared as given: the API server defaults protocols to TCP before controllers see them.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
	const target = svcPort.targetPort;
	if (typeof target === 'string') {
		const protocol = svcPort.protocol ?? '';
		const fromContainers = findContainerPort(pod.spec?.containers ?? [], target, protocol, false);
		if (fromContainers !== undefined) {
			return fromContainers;
		}
		return findContainerPort(pod.spec?.initContainers ?? [], target, protocol, true);
	}
	return target ?? 0;
}

/** The first port named `name` with `protocol` among the containers (only restartable ones when `sidecarsOnly`). */
function findContainerPort(
	containers: readonly Container[],
	name: string,
	protocol: string,
	sidecarsOnly: boolean,
): number | undefined {
	for (const c of containers) {
		if (sidecarsOnly && c.restartPolicy !== 'Always') {
			continue;
		}
		for (const p of c.ports ?? []) {
			if ((p.name ?? '') === name && (p.protocol ?? '') === protocol) {
				return p.containerPort;
			}
		}
	}
	return undefined;
}

/** `isServiceIPSet` inverted: headless when clusterIP is "None" or empty. */
export function isHeadlessService(svc: Service): boolean {
	const ip = svc.spec?.clusterIP ?? '';
	return ip === 'None' || ip === '';
}
