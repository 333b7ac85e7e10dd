/**
 * The flow and walk-through diagrams: golden Mermaid text for each Service shape (test/fixtures/diagrams/*.mmd;
 * `UPDATE_GOLDENS=1` rewrites them), escaping of hostile names, and Mermaid's own parser accepting every diagram.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mermaidText, participantId } from '../../src/core/diagrams/escape';
import type { FlowInput } from '../../src/core/diagrams/flow';
import { buildServiceFlow } from '../../src/core/diagrams/flow';
import { buildWalkthroughDiagram, walkthroughSteps } from '../../src/core/diagrams/walkthrough';
import type { Endpoint, EndpointSlice, Endpoints, Pod, Service } from '../../src/core/k8s/types';
import { lineType, parseMermaid } from './support/mermaidParse';

const fixtures = 'test/fixtures/diagrams';

function golden(name: string, text: string): void {
	const path = join(fixtures, `${name}.mmd`);
	if (process.env.UPDATE_GOLDENS === '1') {
		writeFileSync(path, text);
	}
	assert.ok(existsSync(path), `missing golden ${path}: run with UPDATE_GOLDENS=1 to write it`);
	assert.equal(text, readFileSync(path, 'utf8'), `golden ${path} (UPDATE_GOLDENS=1 rewrites it)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Small objects

function service(name: string, spec: Service['spec'], namespace = 'shop'): Service {
	return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, uid: `uid-${name}` }, spec };
}

function ep(ip: string, pod: string, conditions: Endpoint['conditions'] = { ready: true }, extra: Partial<Endpoint> = {}): Endpoint {
	return { addresses: [ip], conditions, targetRef: { kind: 'Pod', name: pod, namespace: 'shop' }, ...extra };
}

function slice(
	name: string,
	svc: string,
	endpoints: Endpoint[],
	options: { addressType?: string; port?: number; portName?: string; managedBy?: string; namespace?: string } = {},
): EndpointSlice {
	return {
		apiVersion: 'discovery.k8s.io/v1',
		kind: 'EndpointSlice',
		metadata: {
			name,
			namespace: options.namespace ?? 'shop',
			labels: {
				'kubernetes.io/service-name': svc,
				'endpointslice.kubernetes.io/managed-by': options.managedBy ?? 'endpointslice-controller.k8s.io',
			},
		},
		addressType: options.addressType ?? 'IPv4',
		endpoints,
		ports: [{ name: options.portName ?? 'http', port: options.port ?? 8080, protocol: 'TCP' }],
	};
}

function endpointsObj(name: string, ready: string[], notReady: string[] = [], port = 8080): Endpoints {
	return {
		apiVersion: 'v1',
		kind: 'Endpoints',
		metadata: { name, namespace: 'shop' },
		subsets: [
			{
				...(ready.length ? { addresses: ready.map((ip) => ({ ip })) } : {}),
				...(notReady.length ? { notReadyAddresses: notReady.map((ip) => ({ ip })) } : {}),
				ports: [{ name: 'http', port }],
			},
		],
	};
}

function pod(name: string, ready: boolean, labels: Record<string, string> = { app: 'web' }): Pod {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace: 'shop', labels },
		status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
	};
}

const web = service('web', {
	type: 'ClusterIP',
	selector: { app: 'web' },
	clusterIP: '10.96.0.10',
	clusterIPs: ['10.96.0.10'],
	ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
});

/** Every variant's input, by golden name. */
const variants: Record<string, FlowInput> = {
	clusterIP: {
		service: web,
		slices: [slice('web-abc12', 'web', [ep('10.244.1.5', 'web-1'), ep('10.244.2.6', 'web-2')])],
		endpoints: endpointsObj('web', ['10.244.1.5', '10.244.2.6']),
		pods: [pod('web-1', true), pod('web-2', true)],
		origin: 'live',
		context: 'prod-eu',
	},
	headless: {
		service: service('db', {
			clusterIP: 'None',
			selector: { app: 'db' },
			ports: [{ name: 'postgres', port: 5432 }],
		}),
		slices: [
			slice(
				'db-x1',
				'db',
				[
					ep('10.244.1.7', 'db-0', { ready: true }, { hostname: 'db-0' }),
					ep('10.244.2.8', 'db-1', { ready: true }, { hostname: 'db-1' }),
				],
				{ portName: 'postgres', port: 5432 },
			),
		],
		endpoints: endpointsObj('db', ['10.244.1.7', '10.244.2.8'], [], 5432),
		origin: 'playground',
	},
	externalName: {
		service: service('payments', { type: 'ExternalName', externalName: 'payments.example.com' }),
		slices: [],
		origin: 'manifest',
	},
	selectorless: {
		service: service('legacy-db', { clusterIP: '10.96.0.20', ports: [{ name: 'mysql', port: 3306 }] }),
		slices: [
			slice('legacy-db-m1', 'legacy-db', [ep('192.168.10.11', ''), ep('192.168.10.13', '', { ready: false })], {
				managedBy: 'endpointslicemirroring-controller.k8s.io',
				portName: 'mysql',
				port: 3306,
			}),
		],
		endpoints: endpointsObj('legacy-db', ['192.168.10.11'], ['192.168.10.13'], 3306),
		origin: 'playground',
	},
	dualStack: {
		service: service('echo', {
			selector: { app: 'echo' },
			clusterIP: '10.96.0.30',
			clusterIPs: ['10.96.0.30', 'fd00::30'],
			ipFamilies: ['IPv4', 'IPv6'],
			ports: [{ name: 'http', port: 80, targetPort: 5678 }],
		}),
		slices: [
			slice('echo-v4', 'echo', [ep('10.244.1.9', 'echo-1')], { port: 5678 }),
			slice('echo-v6', 'echo', [ep('fd00:10:244::9', 'echo-1')], { addressType: 'IPv6', port: 5678 }),
		],
		endpoints: endpointsObj('echo', ['10.244.1.9'], [], 5678),
		origin: 'playground',
	},
	publishNotReady: {
		service: service('peers', {
			clusterIP: 'None',
			selector: { app: 'peers' },
			publishNotReadyAddresses: true,
			ports: [{ name: 'gossip', port: 7946 }],
		}),
		slices: [slice('peers-p1', 'peers', [ep('10.244.3.1', 'peers-0'), ep('10.244.3.2', 'peers-1')], { portName: 'gossip', port: 7946 })],
		endpoints: endpointsObj('peers', ['10.244.3.1', '10.244.3.2'], [], 7946),
		pods: [pod('peers-0', true, { app: 'peers' }), pod('peers-1', false, { app: 'peers' })],
		origin: 'playground',
	},
	noReady: {
		service: web,
		slices: [slice('web-abc12', 'web', [ep('10.244.1.5', 'web-1', { ready: false })])],
		endpoints: endpointsObj('web', [], ['10.244.1.5']),
		pods: [pod('web-1', false)],
		origin: 'playground',
	},
	noEndpointsAtAll: {
		service: web,
		slices: [{ ...slice('web-abc12', 'web', []), ports: [] }],
		endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop' } },
		pods: [],
		origin: 'playground',
	},
	terminatingServing: {
		service: web,
		slices: [
			slice('web-abc12', 'web', [
				ep('10.244.1.5', 'web-1', { ready: false, serving: true, terminating: true }),
				ep('10.244.2.6', 'web-2', { ready: false, serving: false, terminating: true }),
			]),
		],
		endpoints: endpointsObj('web', []),
		origin: 'playground',
	},
	capped: {
		service: web,
		slices: Array.from({ length: 5 }, (_, s) =>
			slice(
				`web-s${s}`,
				'web',
				Array.from({ length: 3 }, (_, i) => ep(`10.244.${s}.${i + 1}`, `web-${s}-${i}`)),
			),
		),
		origin: 'playground',
		maxSlices: 2,
		maxEndpoints: 3,
	},
};

describe('diagrams: service flow', () => {
	for (const [name, input] of Object.entries(variants)) {
		it(`${name}: golden text, parsed by Mermaid`, async () => {
			const d = buildServiceFlow(input);
			golden(`flow-${name}`, d.mermaid);
			const parsed = await parseMermaid(d.mermaid);
			assert.equal(parsed.diagramType, 'sequence');
			assert.deepEqual([...parsed.actors.values()], d.participants);
			assert.equal(buildServiceFlow(input).mermaid, d.mermaid, 'deterministic');
		});
	}

	it('ClusterIP: kube-proxy DNATs to a ready endpoint; DNS answers the ClusterIP', async () => {
		const d = buildServiceFlow(variants.clusterIP!);
		const texts = (await parseMermaid(d.mermaid)).messages.map((m) => m.text);
		assert.ok(texts.includes('A 10.96.0.10 (ClusterIP)'));
		assert.ok(texts.some((t) => t.startsWith('DNAT to 10.244.1.5:8080 (web-1)')));
		assert.ok(d.participants.includes('kubectl (context prod-eu)'));
		assert.ok(d.participants.includes('EndpointSlice web-abc12'));
	});

	it('headless: A records per ready endpoint, hostnames, no kube-proxy', () => {
		const d = buildServiceFlow(variants.headless!);
		assert.ok(!d.participants.includes('kube-proxy'));
		assert.match(d.mermaid, /A 10\.244\.1\.7, A 10\.244\.2\.8 \(one record per ready endpoint\)/);
		assert.match(d.mermaid, /db-0\.db\.shop\.svc\.cluster\.local → 10\.244\.1\.7/);
	});

	it('ExternalName: a CNAME, no controllers and no slices', () => {
		const d = buildServiceFlow(variants.externalName!);
		assert.match(d.mermaid, /CNAME payments\.example\.com/);
		assert.ok(!d.participants.some((p) => p.includes('controller')));
	});

	it('selector-less: mirrored by the mirroring controller from a hand-written Endpoints', () => {
		const d = buildServiceFlow(variants.selectorless!);
		assert.ok(d.participants.includes('EndpointSlice mirroring controller'));
		assert.ok(!d.participants.includes('Endpoints controller'));
		assert.match(d.mermaid, /managed-by endpointslicemirroring-controller\.k8s\.io/);
		assert.match(d.mermaid, /user->>apiserver: apply Endpoints legacy-db/);
	});

	it('no ready endpoints: kube-proxy rejects, the connection is refused', async () => {
		for (const name of ['noReady', 'noEndpointsAtAll']) {
			const parsed = await parseMermaid(buildServiceFlow(variants[name]!).mermaid);
			const reject = parsed.messages.find((m) => m.text.startsWith('REJECT'));
			assert.ok(reject, name);
			assert.equal(reject.type, lineType.solidCross);
			assert.equal(reject.to, 'client');
		}
	});

	it('terminating but serving: used when no ready endpoint is left', () => {
		const d = buildServiceFlow(variants.terminatingServing!);
		assert.match(d.mermaid, /DNAT to 10\.244\.1\.5:8080 \(web-1\) · terminating but serving/);
		assert.match(d.mermaid, /1 endpoint terminating but still serving/);
	});

	it('caps slices and endpoints and says how many more', () => {
		const d = buildServiceFlow(variants.capped!);
		assert.equal(d.participants.filter((p) => p.startsWith('EndpointSlice web-')).length, 2);
		assert.match(d.mermaid, /and 3 more slices/);
		assert.match(d.mermaid, /and 12 more/);
		assert.ok(d.notes.includes('Showing 2 of 5 EndpointSlices.'));
		assert.ok(d.notes.includes('Listing 3 of 15 ready endpoints.'));
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Escaping

const evil = 'x;alt <img src=x onerror=alert(1)>';

describe('diagrams: escaping', () => {
	it('mermaidText: entities for every character Mermaid reads', () => {
		assert.equal(mermaidText(evil), 'x#59;alt #lt;img src=x onerror=alert(1)#gt;');
		assert.equal(mermaidText('a:b,c@d#e%f$g{h}i&j"k\'l`m\\n'), 'a#58;b#44;c#64;d#35;e#37;f#36;g#123;h#125;i#amp;j#quot;k#39;l#96;m#92;n');
		assert.equal(mermaidText('a:b,c@d', 'message'), 'a:b,c@d');
		assert.equal(mermaidText('line1\nend\r\nalt x\u2028y'), 'line1 end  alt x y');
		assert.equal(mermaidText('%%{init: {"theme":"dark"}}%%'), '#37;#37;#123;init#58; #123;#quot;theme#quot;#58;#quot;dark#quot;#125;#125;#37;#37;');
		assert.equal(mermaidText('a-->>b'), 'a--#gt;#gt;b');
		assert.equal(mermaidText('wrap:yes', 'message'), 'wrap#58;yes');
		assert.equal(mermaidText('\uFB02\u00B0lt\u00B6\u00DF'), '#64258;#176;lt#182;#223;');
		assert.equal(mermaidText('#59;'), '#35;59#59;');
		assert.equal(mermaidText('  '), '');
	});

	it('mermaidText: Mermaid shows exactly the input, in every context', async () => {
		const hostile = [
			evil,
			'end',
			'a;b#c',
			'x\nalt y\nend',
			'%%{init: {"securityLevel":"loose"}}%%',
			'$$\\frac{1}{2}$$',
			'<br>two<br/>lines',
			'#lt;already#gt;',
			'\uFB02\u00B0lt\u00B6\u00DF',
			'wrap:text',
			'A-->>B: hi',
			'&amp; &#59; "q" \'s\'',
		];
		for (const s of hostile) {
			const alias = mermaidText(s);
			const msg = mermaidText(s, 'message');
			const text = `sequenceDiagram\n\tparticipant a as ${alias}\n\ta->>a: ${msg}\n\tNote over a: ${msg}\n`;
			const parsed = await parseMermaid(text);
			const seen = s.replace(/[\n\r\u2028]/g, ' ').trim();
			assert.equal(parsed.actors.get('a'), seen, `alias of ${JSON.stringify(s)}`);
			assert.deepEqual(
				parsed.messages.map((m) => [m.type, m.text]),
				[
					[lineType.solid, seen],
					[lineType.note, seen],
				],
				`message of ${JSON.stringify(s)}`,
			);
		}
	});

	it('participantId: safe, unique, stable', () => {
		assert.equal(participantId('kubeProxy'), 'kubeProxy');
		assert.equal(participantId('api_server'), 'api_server');
		for (const s of ['end', 'alt', 'Note', 'x', '1abc', '', '_a', 'a__b', evil, 'slice:web-abc', 'slice:web_abc']) {
			const id = participantId(s);
			assert.match(id, /^[A-Za-z][A-Za-z0-9_]*$/, s);
			assert.notEqual(id.toLowerCase(), s.toLowerCase() === '' ? 'x' : s.toLowerCase());
			assert.equal(participantId(s), id);
		}
		const inputs = ['a-b', 'a_b', 'a.b', 'a b', 'a--b', 'a__b', 'A-b', 'a-b ', 'end', 'End'];
		assert.equal(new Set(inputs.map(participantId)).size, inputs.length);
	});

	it('a hostile name in the Service, a pod, a slice and the namespace stays inert text', async () => {
		const svc: Service = {
			kind: 'Service',
			metadata: { name: evil, namespace: evil },
			spec: { selector: { app: evil }, clusterIP: '10.96.0.1', ports: [{ name: evil, port: 80 }] },
		};
		const input: FlowInput = {
			service: svc,
			slices: [
				{
					...slice(evil, evil, [ep('10.244.0.1', evil)], { namespace: evil, portName: evil }),
				},
			],
			endpoints: { kind: 'Endpoints', metadata: { name: evil, namespace: evil }, subsets: [{ addresses: [{ ip: '10.244.0.1' }] }] },
			pods: [pod(evil, true, { app: evil })],
			origin: 'live',
			context: evil,
		};
		const diagrams = [
			buildServiceFlow(input),
			buildServiceFlow({ ...input, service: { ...svc, spec: { ...svc.spec, clusterIP: 'None' } } }),
			buildServiceFlow({ ...input, service: { ...svc, spec: { type: 'ExternalName', externalName: evil } } }),
			buildServiceFlow({ ...input, service: { ...svc, spec: { clusterIP: '10.96.0.1' } } }),
			...walkthroughSteps.map((_, i) => buildWalkthroughDiagram(i, input)),
		];
		for (const d of diagrams) {
			assert.ok(!d.mermaid.includes('<'), 'no raw <');
			assert.ok(!d.mermaid.includes('>') || !/[^-]>[^>]/.test(d.mermaid.replace(/-->>|->>|-x/g, '')), 'no raw >');
			for (const line of d.mermaid.split('\n')) {
				const body = line.trim();
				// `;` only ever appears inside an entity code.
				assert.ok(!/;/.test(body.replace(/#(?:\d+|lt|gt|amp|quot);/g, '')), `raw ; in ${body}`);
				assert.ok(!/^(alt|else|opt|loop|par|critical|break)\b/i.test(body), `block started: ${body}`);
			}
			const parsed = await parseMermaid(d.mermaid);
			const blocks = parsed.messages.filter((m) =>
				[lineType.altStart, lineType.optStart, lineType.loopStart, lineType.parStart, lineType.criticalStart, lineType.breakStart].includes(
					m.type as never,
				),
			);
			assert.deepEqual(blocks, []);
			assert.ok(
				[...parsed.actors.values(), ...parsed.messages.map((m) => m.text)].some((t) => t.includes(evil)),
				'the name is shown as it is',
			);
		}
	});
});

describe('diagrams: Mermaid parse check', () => {
	it('rejects invalid text', async () => {
		await assert.rejects(parseMermaid('sequenceDiagram\n\tA->>: \n'));
		await assert.rejects(parseMermaid('sequenceDiagram\n\tparticipant a\n\tend\n'));
		await assert.rejects(parseMermaid('not a diagram at all'));
		// What escaping prevents: a raw name opens an `alt` block that never ends.
		await assert.rejects(parseMermaid(`sequenceDiagram\n\tparticipant a\n\ta->>a: ${evil.replace(';', '\n')}\n`));
	});
});

// ---------------------------------------------------------------------------------------------------------------
// Walk-through

describe('diagrams: walk-through', () => {
	it('has twelve one-line steps', () => {
		assert.equal(walkthroughSteps.length, 12);
		for (const s of walkthroughSteps) {
			assert.ok(s.title.length > 0 && !s.title.includes('\n'));
			assert.ok(s.explanation.length > 0 && !s.explanation.includes('\n'));
		}
		assert.deepEqual(
			walkthroughSteps.map((s) => s.title),
			[
				'Create the Service',
				'Pods start',
				'Endpoints created',
				'EndpointSlices created',
				'kube-proxy and CoreDNS watch the slices',
				'The client resolves the name',
				'The client connects',
				'A pod is removed',
				'Endpoints and slices updated',
				'No pods left',
				'Empty slices',
				'The connection fails',
			],
		);
	});

	it('draws the flow up to a step and highlights that step; every step parses', async () => {
		let previous = 0;
		for (let i = 0; i < walkthroughSteps.length; i++) {
			const d = buildWalkthroughDiagram(i, variants.clusterIP!);
			const parsed = await parseMermaid(d.mermaid);
			const rects = parsed.messages.filter((m) => m.type === lineType.rectStart);
			assert.equal(rects.length, 1, `step ${i}: one highlighted band`);
			const count = parsed.messages.filter((m) => m.type === lineType.solid || m.type === lineType.dotted || m.type === lineType.solidCross).length;
			assert.ok(count > previous, `step ${i} adds messages`);
			previous = count;
			assert.ok(d.notes[0]!.startsWith(`Step ${i + 1} of 12: ${walkthroughSteps[i]!.title}.`));
		}
		golden('walkthrough-step12', buildWalkthroughDiagram(11, variants.clusterIP!).mermaid);
		golden('walkthrough-step1', buildWalkthroughDiagram(0, variants.clusterIP!).mermaid);
		assert.equal(buildWalkthroughDiagram(99, variants.clusterIP!).mermaid, buildWalkthroughDiagram(11, variants.clusterIP!).mermaid);
		assert.equal(buildWalkthroughDiagram(-3, variants.clusterIP!).mermaid, buildWalkthroughDiagram(0, variants.clusterIP!).mermaid);
	});
});
