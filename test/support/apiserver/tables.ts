/**
 * Server-side printing: the `meta.k8s.io/v1` Table the real server returns when a client's Accept header asks for
 * `as=Table;v=v1;g=meta.k8s.io` (what `kubectl get` does). Column definitions and cell formats follow
 * kubernetes/pkg/printers/internalversion/printers.go for the kinds we serve; the AGE cell is
 * apimachinery's `duration.HumanDuration`. kubectl uppercases the column names and adds NAMESPACE itself (from the
 * row's object metadata) for `-A`.
 */
import type { Endpoints, EndpointSlice, Node, NodeSpec, Pod, Service, TypedObject } from '../../../src/core/k8s/types';
import type { ResourceKind } from '../../../src/core/store/types';

/** `metav1.TableColumnDefinition`. */
export interface TableColumn {
	name: string;
	type: string;
	format: string;
	description: string;
	priority: number;
}

/** `metav1.TableRow`. */
export interface TableRow {
	cells: (string | number)[];
	object?: object;
}

/** `includeObject`: what each row carries besides its cells. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

function col(name: string, description: string, priority = 0, format = ''): TableColumn {
	return { name, type: 'string', format, description, priority };
}

const nameCol = col(
	'Name',
	'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
	0,
	'name',
);
const ageCol = col(
	'Age',
	'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

const columns: Record<ResourceKind, TableColumn[]> = {
	Service: [
		nameCol,
		col('Type', 'type determines how the Service is exposed.'),
		col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
		col(
			'External-IP',
			'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
		),
		col('Port(s)', 'The list of ports that are exposed by this service.'),
		ageCol,
		col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
	],
	Endpoints: [nameCol, col('Endpoints', 'The set of all endpoints is the union of all subsets.'), ageCol],
	EndpointSlice: [
		nameCol,
		col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
		col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
		col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
		ageCol,
	],
	Pod: [
		nameCol,
		col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
		col('Status', 'The aggregate status of the containers in this pod.'),
		col(
			'Restarts',
			'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
		),
		ageCol,
		col('IP', 'podIP address allocated to the pod.', 1),
		col('Node', 'NodeName indicates in which node this pod is scheduled.', 1),
		col('Nominated Node', 'nominatedNodeName is set when this pod preempts other pods on the node.', 1),
		col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
	],
	Node: [
		nameCol,
		col('Status', 'The status of the node'),
		col('Roles', 'The roles of the node'),
		ageCol,
		col('Version', 'Kubelet Version reported by the node.'),
		col('Internal-IP', 'List of addresses reachable to the node.', 1),
		col('External-IP', 'List of addresses reachable to the node.', 1),
		col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
		col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
		col(
			'Container-Runtime',
			'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
			1,
		),
	],
	Namespace: [nameCol, col('Status', 'The status of the namespace'), ageCol],
};

/** `duration.HumanDuration`. */
export function humanDuration(ms: number): string {
	const seconds = Math.trunc(ms / 1000);
	if (seconds < -1) {
		return '<invalid>';
	} else if (seconds < 0) {
		return '0s';
	} else if (seconds < 120) {
		return `${seconds}s`;
	}
	const minutes = Math.trunc(seconds / 60);
	if (minutes < 10) {
		const s = seconds % 60;
		return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
	} else if (minutes < 180) {
		return `${minutes}m`;
	}
	const hours = Math.trunc(minutes / 60);
	if (hours < 8) {
		const m = minutes % 60;
		return m === 0 ? `${hours}h` : `${hours}h${m}m`;
	} else if (hours < 48) {
		return `${hours}h`;
	} else if (hours < 24 * 8) {
		const h = hours % 24;
		return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
	} else if (hours < 24 * 365 * 2) {
		return `${Math.trunc(hours / 24)}d`;
	} else if (hours < 24 * 365 * 8) {
		const dy = Math.trunc(hours / 24) % 365;
		return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
	}
	return `${Math.trunc(hours / 24 / 365)}y`;
}

function age(obj: TypedObject, now: number): string {
	const t = obj.metadata?.creationTimestamp;
	return t ? humanDuration(now - Date.parse(t)) : '<unknown>';
}

function listWithMore(list: string[], count: number, max: number, empty: string): string {
	const ret = list.join(',');
	if (count > max) {
		return `${ret} + ${count - max} more...`;
	}
	return ret || empty;
}

function joinHostPort(ip: string, port: number): string {
	return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

interface LoadBalancerStatus {
	loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
}

function serviceCells(svc: Service & { spec?: { externalIPs?: string[] } }): string[] {
	const spec = svc.spec ?? {};
	const type = spec.type ?? 'ClusterIP';
	const clusterIP = spec.clusterIP || '<none>';
	const externalIPs = spec.externalIPs ?? [];
	let external: string;
	switch (type) {
		case 'ClusterIP':
		case 'NodePort':
			external = externalIPs.length ? externalIPs.join(',') : '<none>';
			break;
		case 'LoadBalancer': {
			const ingress = ((svc.status as LoadBalancerStatus | undefined)?.loadBalancer?.ingress ?? []).map(
				(i) => i.ip || i.hostname || '',
			);
			const all = [...ingress, ...externalIPs].filter((s) => s);
			external = all.length ? all.join(',') : '<pending>';
			break;
		}
		case 'ExternalName':
			external = spec.externalName ?? '<none>';
			break;
		default:
			external = '<unknown>';
	}
	const ports = (spec.ports ?? [])
		.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
		.join(',');
	const selector = spec.selector ? Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`) : [];
	return [type, clusterIP, external, ports || '<none>', '', selector.length ? selector.sort().join(',') : '<none>'];
}

function endpointsCell(ep: Endpoints): string {
	const list: string[] = [];
	let count = 0;
	for (const ss of ep.subsets ?? []) {
		const addresses = ss.addresses ?? [];
		if (!ss.ports?.length) {
			count += addresses.length;
			list.push(...addresses.map((a) => a.ip));
			continue;
		}
		for (const port of ss.ports) {
			count += addresses.length;
			list.push(...addresses.map((a) => joinHostPort(a.ip, port.port)));
		}
	}
	if (!ep.subsets?.length) {
		return '<none>';
	}
	return listWithMore(list.slice(0, 3), count, 3, '<none>');
}

function sliceCells(slice: EndpointSlice): string[] {
	const ports = (slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name || '*'));
	const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses);
	return [
		slice.addressType,
		listWithMore(ports.slice(0, 3), ports.length, 3, '<unset>'),
		listWithMore(addresses.slice(0, 3), addresses.length, 3, '<unset>'),
	];
}

interface ContainerStatus {
	ready?: boolean;
	restartCount?: number;
	state?: { waiting?: { reason?: string }; terminated?: { reason?: string; signal?: number; exitCode?: number } };
}

function podCells(pod: Pod): string[] {
	const status = (pod.status ?? {}) as Pod['status'] & {
		reason?: string;
		containerStatuses?: ContainerStatus[];
		nominatedNodeName?: string;
	};
	const total = pod.spec?.containers?.length ?? 0;
	const statuses = status.containerStatuses;
	const podReady = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
	const ready = statuses ? statuses.filter((s) => s.ready).length : podReady ? total : 0;
	const restarts = (statuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
	let reason = status.reason || status.phase || 'Unknown';
	for (const s of statuses ?? []) {
		const waiting = s.state?.waiting?.reason;
		const terminated = s.state?.terminated?.reason;
		if (waiting && waiting !== 'ContainerCreating') {
			reason = waiting;
		} else if (waiting && reason === 'Pending') {
			reason = waiting;
		} else if (terminated) {
			reason = terminated;
		}
	}
	if (!statuses && status.phase === 'Pending' && pod.spec?.nodeName && !status.podIP) {
		reason = 'ContainerCreating';
	}
	if (pod.metadata?.deletionTimestamp) {
		reason = 'Terminating';
	}
	return [
		`${ready}/${total}`,
		reason,
		String(restarts),
		'',
		status.podIP || '<none>',
		pod.spec?.nodeName || '<none>',
		status.nominatedNodeName || '<none>',
		'<none>',
	];
}

interface NodeStatusExtra {
	nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
}

function nodeCells(node: Node): string[] {
	const status = (node.status ?? {}) as Node['status'] & NodeStatusExtra;
	const ready = status.conditions?.find((c) => c.type === 'Ready');
	const states = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
	if ((node.spec as NodeSpec | undefined)?.unschedulable) {
		states.push('SchedulingDisabled');
	}
	const roles = Object.keys(node.metadata?.labels ?? {})
		.filter((k) => k.startsWith('node-role.kubernetes.io/'))
		.map((k) => k.slice('node-role.kubernetes.io/'.length))
		.filter((r) => r)
		.sort();
	const addr = (type: string): string => status.addresses?.find((a) => a.type === type)?.address ?? '<none>';
	const info = status.nodeInfo ?? {};
	return [
		states.join(','),
		roles.length ? roles.join(',') : '<none>',
		'',
		info.kubeletVersion || '',
		addr('InternalIP'),
		addr('ExternalIP'),
		info.osImage || '<unknown>',
		info.kernelVersion || '<unknown>',
		info.containerRuntimeVersion || '<unknown>',
	];
}

/** The cells of one object's row: name first, AGE filled in where the column says. */
export function rowCells(kind: ResourceKind, obj: TypedObject, now: number): string[] {
	let rest: string[];
	switch (kind) {
		case 'Service':
			rest = serviceCells(obj as Service);
			break;
		case 'Endpoints':
			rest = [endpointsCell(obj as Endpoints), ''];
			break;
		case 'EndpointSlice':
			rest = [...sliceCells(obj as EndpointSlice), ''];
			break;
		case 'Pod':
			rest = podCells(obj as Pod);
			break;
		case 'Node':
			rest = nodeCells(obj as Node);
			break;
		case 'Namespace':
			rest = [(obj as { status?: { phase?: string } }).status?.phase ?? 'Active', ''];
			break;
	}
	const cells = [obj.metadata?.name ?? '', ...rest];
	const ageIndex = columns[kind].indexOf(ageCol);
	cells[ageIndex] = age(obj, now);
	return cells;
}

function rowObject(obj: TypedObject, include: IncludeObject): object | undefined {
	if (include === 'None') {
		return undefined;
	}
	if (include === 'Object') {
		return obj;
	}
	return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

/** A `meta.k8s.io/v1` Table of `objects`; `withColumns: false` leaves the definitions out (watch events after the first). */
export function toTable(
	kind: ResourceKind,
	objects: readonly TypedObject[],
	opts: { include: IncludeObject; now: number; withColumns?: boolean; listMeta?: object },
): object {
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: opts.listMeta ?? {},
		columnDefinitions: opts.withColumns === false ? null : columns[kind],
		rows: objects.map((o) => {
			const object = rowObject(o, opts.include);
			return { cells: rowCells(kind, o, opts.now), ...(object ? { object } : {}) };
		}),
	};
}

/** Whether an Accept header asks for a meta.k8s.io/v1 Table. */
export function wantsTable(accept: string | undefined): boolean {
	for (const part of (accept ?? '').split(',')) {
		const params = new Map(
			part
				.split(';')
				.slice(1)
				.map((p) => p.trim().split('=') as [string, string]),
		);
		if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io' && params.get('v') === 'v1') {
			return true;
		}
		if (!params.has('as') && /application\/json|\*\/\*/.test(part)) {
			return false;
		}
	}
	return false;
}
