import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterProfile, DefaultingProblem } from '../../src/core/k8s/defaulting';
import {
	allocateIPFromCIDR,
	cidrContains,
	clusterFamilies,
	defaultClusterProfile,
	defaultEndpointSlice,
	defaultEndpoints,
	defaultPod,
	defaultService,
	defaultWorkload,
	deterministicUID,
	parseCIDR,
	resolveClusterProfile,
} from '../../src/core/k8s/defaulting';
import type { Deployment, EndpointSlice, Endpoints, Job, Pod, Service } from '../../src/core/k8s/types';

const singleStack: Partial<ClusterProfile> = { dualStack: false };
const ipv6Primary: Partial<ClusterProfile> = { primaryFamily: 'IPv6' };

function svc(spec: Service['spec'], name = 'web', namespace?: string): Service {
	return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...(namespace ? { namespace } : {}) }, spec };
}

const v4 = parseCIDR('10.96.0.0/16')!;
const v6 = parseCIDR('fd00:10:96::/112')!;

describe('cluster profile', () => {
	it('defaults to an IPv4-primary dual-stack cluster with a fixed clock', () => {
		const p = resolveClusterProfile();
		assert.equal(p.primaryFamily, 'IPv4');
		assert.equal(p.dualStack, true);
		assert.deepEqual(clusterFamilies(p), ['IPv4', 'IPv6']);
		assert.equal(p.serviceCIDRs.IPv4, '10.96.0.0/16');
		assert.equal(p.now, defaultClusterProfile.now);
	});
	it('single-stack and IPv6-primary profiles change the families', () => {
		assert.deepEqual(clusterFamilies(resolveClusterProfile(singleStack)), ['IPv4']);
		assert.deepEqual(clusterFamilies(resolveClusterProfile(ipv6Primary)), ['IPv6', 'IPv4']);
	});
});

describe('Service defaulting: simple fields', () => {
	it('type ClusterIP, sessionAffinity None, internalTrafficPolicy Cluster', () => {
		const s = defaultService(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
		assert.equal(s.spec?.type, 'ClusterIP');
		assert.equal(s.spec?.sessionAffinity, 'None');
		assert.equal(s.spec?.internalTrafficPolicy, 'Cluster');
		assert.equal(s.spec?.externalTrafficPolicy, undefined);
	});
	it('ports get protocol TCP and targetPort = port; named and explicit targetPorts are kept', () => {
		const s = defaultService(
			svc({
				selector: { app: 'web' },
				ports: [
					{ name: 'a', port: 80 },
					{ name: 'b', port: 81, targetPort: 'http', protocol: 'UDP' },
					{ name: 'c', port: 82, targetPort: 8082 },
					{ name: 'd', port: 83, targetPort: 0 },
				],
			}),
		);
		assert.deepEqual(
			s.spec?.ports?.map((p) => [p.protocol, p.targetPort]),
			[
				['TCP', 80],
				['UDP', 'http'],
				['TCP', 8082],
				['TCP', 83],
			],
		);
	});
	it('NodePort Services get externalTrafficPolicy Cluster and a node port in 30000-32767', () => {
		const s = defaultService(svc({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] }));
		assert.equal(s.spec?.externalTrafficPolicy, 'Cluster');
		const np = s.spec?.ports?.[0]?.nodePort ?? 0;
		assert.ok(np >= 30000 && np <= 32767, String(np));
	});
	it('ClientIP affinity gets the 3-hour timeout', () => {
		const s = defaultService(svc({ sessionAffinity: 'ClientIP', selector: {}, ports: [{ port: 80 }] }));
		assert.deepEqual((s.spec as Record<string, unknown>)['sessionAffinityConfig'], {
			clientIP: { timeoutSeconds: 10800 },
		});
	});
	it('metadata: namespace default (or the context namespace), deterministic uid and creationTimestamp', () => {
		const a = defaultService(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
		const b = defaultService(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
		assert.equal(a.metadata?.namespace, 'default');
		assert.match(a.metadata?.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		assert.equal(a.metadata?.uid, b.metadata?.uid);
		assert.equal(a.metadata?.creationTimestamp, '2025-01-01T00:00:00Z');
		const c = defaultService(
			svc({ ports: [{ port: 80 }] }),
			{ now: '2030-05-06T07:08:09Z' },
			{ defaultNamespace: 'team-a' },
		);
		assert.equal(c.metadata?.namespace, 'team-a');
		assert.equal(c.metadata?.creationTimestamp, '2030-05-06T07:08:09Z');
		assert.notEqual(c.metadata?.uid, a.metadata?.uid);
	});
	it('keeps a given uid and timestamp and never mutates its input', () => {
		const raw = svc({ selector: { app: 'web' }, ports: [{ port: 80 }] });
		raw.metadata!.uid = 'given';
		raw.metadata!.creationTimestamp = '2020-01-01T00:00:00Z';
		const before = JSON.stringify(raw);
		const s = defaultService(raw);
		assert.equal(s.metadata?.uid, 'given');
		assert.equal(s.metadata?.creationTimestamp, '2020-01-01T00:00:00Z');
		assert.equal(JSON.stringify(raw), before);
	});
	it('generateName becomes a deterministic name', () => {
		const a = defaultService({
			kind: 'Service',
			metadata: { generateName: 'tmp-' },
			spec: { ports: [{ port: 1 }] },
		});
		assert.match(a.metadata?.name ?? '', /^tmp-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
	});
});

describe('Service defaulting: cluster IPs and IP families', () => {
	it('SingleStack (the default policy) gets the primary family and one IP from the service CIDR', () => {
		const s = defaultService(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
		assert.equal(s.spec?.ipFamilyPolicy, 'SingleStack');
		assert.deepEqual(s.spec?.ipFamilies, ['IPv4']);
		assert.equal(s.spec?.clusterIPs?.length, 1);
		assert.equal(s.spec?.clusterIP, s.spec?.clusterIPs?.[0]);
		assert.ok(cidrContains(v4, s.spec!.clusterIP!), s.spec?.clusterIP);
	});
	it('the IP is derived from namespace/name: stable across runs, different across names', () => {
		const a = defaultService(svc({ ports: [{ port: 80 }], selector: {} }, 'alpha'));
		const a2 = defaultService(svc({ ports: [{ port: 80 }], selector: {} }, 'alpha'));
		const b = defaultService(svc({ ports: [{ port: 80 }], selector: {} }, 'beta'));
		const a3 = defaultService(svc({ ports: [{ port: 80 }], selector: {} }, 'alpha', 'other'));
		assert.equal(a.spec?.clusterIP, a2.spec?.clusterIP);
		assert.notEqual(a.spec?.clusterIP, b.spec?.clusterIP);
		assert.notEqual(a.spec?.clusterIP, a3.spec?.clusterIP);
	});
	it('never hands out an address that is already taken', () => {
		const first = defaultService(svc({ ports: [{ port: 80 }], selector: {} }, 'alpha'));
		const taken = new Set([first.spec!.clusterIP!]);
		const again = defaultService(svc({ ports: [{ port: 80 }], selector: {} }, 'alpha'), undefined, {
			allocatedIPs: taken,
		});
		assert.notEqual(again.spec?.clusterIP, first.spec?.clusterIP);
		assert.ok(taken.has(again.spec!.clusterIP!));
	});
	it('an IPv6-primary cluster allocates from the IPv6 service CIDR', () => {
		const s = defaultService(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }), ipv6Primary);
		assert.deepEqual(s.spec?.ipFamilies, ['IPv6']);
		assert.ok(cidrContains(v6, s.spec!.clusterIP!), s.spec?.clusterIP);
	});
	it('PreferDualStack on a dual-stack cluster gets both families, primary first, and two IPs', () => {
		const s = defaultService(
			svc({ ipFamilyPolicy: 'PreferDualStack', selector: { app: 'web' }, ports: [{ port: 80 }] }),
		);
		assert.deepEqual(s.spec?.ipFamilies, ['IPv4', 'IPv6']);
		assert.ok(cidrContains(v4, s.spec!.clusterIPs![0]!));
		assert.ok(cidrContains(v6, s.spec!.clusterIPs![1]!));
		const s6 = defaultService(
			svc({ ipFamilyPolicy: 'RequireDualStack', selector: {}, ports: [{ port: 80 }] }),
			ipv6Primary,
		);
		assert.deepEqual(s6.spec?.ipFamilies, ['IPv6', 'IPv4']);
	});
	it('PreferDualStack on a single-stack cluster quietly stays single-stack', () => {
		const problems: DefaultingProblem[] = [];
		const s = defaultService(
			svc({ ipFamilyPolicy: 'PreferDualStack', selector: {}, ports: [{ port: 80 }] }),
			singleStack,
			{ problems },
		);
		assert.deepEqual(s.spec?.ipFamilies, ['IPv4']);
		assert.deepEqual(problems, []);
	});
	it('RequireDualStack on a single-stack cluster is rejected like the API server does', () => {
		const problems: DefaultingProblem[] = [];
		defaultService(svc({ ipFamilyPolicy: 'RequireDualStack', selector: {}, ports: [{ port: 80 }] }), singleStack, {
			problems,
		});
		assert.deepEqual(problems, [
			{
				severity: 'error',
				path: 'spec.ipFamilyPolicy',
				message: 'this cluster is not configured for dual-stack services',
			},
		]);
	});
	it('explicit ipFamilies are kept (and completed for Prefer/RequireDualStack)', () => {
		const s = defaultService(svc({ ipFamilies: ['IPv6'], selector: {}, ports: [{ port: 80 }] }));
		assert.deepEqual(s.spec?.ipFamilies, ['IPv6']);
		assert.ok(cidrContains(v6, s.spec!.clusterIP!));
		const d = defaultService(
			svc({ ipFamilies: ['IPv6'], ipFamilyPolicy: 'PreferDualStack', selector: {}, ports: [{ port: 80 }] }),
		);
		assert.deepEqual(d.spec?.ipFamilies, ['IPv6', 'IPv4']);
	});
	it('a given clusterIP is kept, copied to clusterIPs, and decides the family', () => {
		const s = defaultService(svc({ clusterIP: 'fd00:10:96::a', selector: {}, ports: [{ port: 80 }] }));
		assert.deepEqual(s.spec?.clusterIPs, ['fd00:10:96::a']);
		assert.deepEqual(s.spec?.ipFamilies, ['IPv6']);
	});
	it('two families with SingleStack is an error', () => {
		const problems: DefaultingProblem[] = [];
		defaultService(
			svc({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'], selector: {}, ports: [{ port: 80 }] }),
			undefined,
			{ problems },
		);
		assert.equal(problems[0]?.path, 'spec.ipFamilyPolicy');
		assert.equal(problems[0]?.severity, 'error');
	});
	it('headless with a selector follows the normal family rules and gets no IP', () => {
		const s = defaultService(svc({ clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] }));
		assert.equal(s.spec?.clusterIP, 'None');
		assert.deepEqual(s.spec?.clusterIPs, ['None']);
		assert.equal(s.spec?.ipFamilyPolicy, 'SingleStack');
		assert.deepEqual(s.spec?.ipFamilies, ['IPv4']);
		const p = defaultService(
			svc({ clusterIP: 'None', ipFamilyPolicy: 'PreferDualStack', selector: { app: 'db' } }),
			singleStack,
		);
		assert.deepEqual(p.spec?.ipFamilies, ['IPv4']);
	});
	it('headless without a selector defaults to RequireDualStack and gets both families, even single-stack', () => {
		const s = defaultService(svc({ clusterIP: 'None', ports: [{ port: 80 }] }), singleStack);
		assert.equal(s.spec?.ipFamilyPolicy, 'RequireDualStack');
		assert.deepEqual(s.spec?.ipFamilies, ['IPv4', 'IPv6']);
		const p = defaultService(
			svc({ clusterIP: 'None', ipFamilyPolicy: 'PreferDualStack', selector: {} }),
			singleStack,
		);
		assert.deepEqual(p.spec?.ipFamilies, ['IPv4', 'IPv6']);
		const single = defaultService(svc({ clusterIP: 'None', ipFamilyPolicy: 'SingleStack' }));
		assert.deepEqual(single.spec?.ipFamilies, ['IPv4']);
	});
	it('ExternalName gets no cluster IP, no families and no internalTrafficPolicy', () => {
		const s = defaultService(
			svc({ type: 'ExternalName', externalName: 'db.example.com', ports: [{ port: 5432 }] }),
		);
		assert.equal(s.spec?.clusterIP, undefined);
		assert.equal(s.spec?.clusterIPs, undefined);
		assert.equal(s.spec?.ipFamilies, undefined);
		assert.equal(s.spec?.ipFamilyPolicy, undefined);
		assert.equal(s.spec?.internalTrafficPolicy, undefined);
		assert.equal(s.spec?.ports?.[0]?.targetPort, 5432);
	});
});

describe('CIDR allocation', () => {
	it('stays inside the CIDR and skips the network and first addresses', () => {
		const c = parseCIDR('10.0.0.0/30')!;
		const taken = new Set<string>();
		assert.equal(allocateIPFromCIDR('10.0.0.0/30', 'a', taken), '10.0.0.2');
		assert.equal(allocateIPFromCIDR('10.0.0.0/30', 'b', taken), undefined, 'a /30 has one allocatable address');
		assert.ok(cidrContains(c, '10.0.0.2'));
		assert.equal(cidrContains(c, '10.0.0.4'), false);
	});
	it('rejects invalid CIDRs', () => {
		assert.equal(parseCIDR('10.0.0.0'), undefined);
		assert.equal(parseCIDR('10.0.0.0/33'), undefined);
		assert.equal(allocateIPFromCIDR('nope/8', 'x'), undefined);
		assert.equal(parseCIDR('10.1.2.3/16')?.base, (10n << 24n) | (1n << 16n));
	});
	it('uids are deterministic and seed-dependent', () => {
		assert.equal(deterministicUID('a'), deterministicUID('a'));
		assert.notEqual(deterministicUID('a'), deterministicUID('b'));
	});
});

describe('Pod, Endpoints, EndpointSlice and workload defaulting', () => {
	it('pods: restartPolicy Always and TCP on every container and init container port; status kept', () => {
		const raw: Pod = {
			kind: 'Pod',
			metadata: { name: 'p' },
			spec: {
				containers: [{ name: 'c', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }],
				initContainers: [
					{ name: 'side', restartPolicy: 'Always', ports: [{ containerPort: 9100, name: 'metrics' }] },
				],
			},
			status: { phase: 'Pending' },
		};
		const p = defaultPod(raw);
		assert.equal(p.spec?.restartPolicy, 'Always');
		assert.deepEqual(
			p.spec?.containers?.[0]?.ports?.map((x) => x.protocol),
			['TCP', 'UDP'],
		);
		assert.equal(p.spec?.initContainers?.[0]?.ports?.[0]?.protocol, 'TCP');
		assert.deepEqual(p.status, { phase: 'Pending' });
		assert.equal(p.metadata?.namespace, 'default');
		assert.equal(raw.spec?.restartPolicy, undefined, 'input untouched');
	});
	it('Endpoints: subset ports get protocol TCP', () => {
		const e = defaultEndpoints({
			kind: 'Endpoints',
			metadata: { name: 'x' },
			subsets: [{ addresses: [{ ip: '1.2.3.4' }], ports: [{ port: 80 }] }],
		} as Endpoints);
		assert.equal(e.subsets?.[0]?.ports?.[0]?.protocol, 'TCP');
	});
	it('EndpointSlice: ports get name "" and protocol TCP, endpoints default to []', () => {
		const s = defaultEndpointSlice({
			kind: 'EndpointSlice',
			metadata: { name: 'x' },
			addressType: 'IPv4',
			ports: [{ port: 80 }],
		} as EndpointSlice);
		assert.deepEqual(s.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
		assert.deepEqual(s.endpoints, []);
	});
	it('Deployments get replicas 1 and a defaulted template', () => {
		const d = defaultWorkload<Deployment>({
			kind: 'Deployment',
			metadata: { name: 'd' },
			spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 1 }] }] } } },
		});
		assert.equal(d.spec?.replicas, 1);
		assert.equal(d.spec?.template?.spec?.restartPolicy, 'Always');
		assert.equal(d.spec?.template?.spec?.containers?.[0]?.ports?.[0]?.protocol, 'TCP');
	});
	it('Jobs: completions and parallelism 1, a controller-uid selector and job labels', () => {
		const j = defaultWorkload<Job>({
			kind: 'Job',
			metadata: { name: 'pi' },
			spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c' }] } } },
		});
		assert.equal(j.spec?.completions, 1);
		assert.equal(j.spec?.parallelism, 1);
		assert.equal(j.spec?.completionMode, 'NonIndexed');
		const uid = j.metadata!.uid!;
		assert.deepEqual(j.spec?.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
		assert.equal(j.spec?.template?.metadata?.labels?.['job-name'], 'pi');
		assert.equal(j.spec?.template?.metadata?.labels?.['batch.kubernetes.io/job-name'], 'pi');
		const p = defaultWorkload<Job>({
			kind: 'Job',
			metadata: { name: 'w' },
			spec: { parallelism: 3, template: {} },
		});
		assert.equal(p.spec?.completions, undefined, 'a work-queue Job keeps completions unset');
	});
});
