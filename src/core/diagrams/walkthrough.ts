/**
 * The classic walk-through of a Service's endpoints in twelve steps, as data and as a diagram: a Service is created,
 * its pods start, the Endpoints controller and the EndpointSlice controller write what they see, kube-proxy and
 * CoreDNS pick it up, a client connects; then pods go away until the slices are empty placeholders and the client's
 * connection is refused. Each step's explanation follows upstream behaviour (see
 * shared/reference/endpointslice-semantics.md). `buildWalkthroughDiagram` draws the flow up to a step, with that
 * step's messages in a highlighted band, using the names from the current state.
 */
import { flowFacts, flowKeys, userLabel } from './flow';
import type { FlowInput } from './flow';
import type { BuiltDiagram } from './sequence';
import { SequenceWriter, capped } from './sequence';

/** One step: a short title and a one-line explanation. */
export interface WalkthroughStepText {
	title: string;
	explanation: string;
}

export const walkthroughSteps: readonly WalkthroughStepText[] = [
	{
		title: 'Create the Service',
		explanation:
			'kubectl sends the Service to the API server, which stores it in etcd; the EndpointSlice and Endpoints controllers watch Services and Pods and queue it.',
	},
	{
		title: 'Pods start',
		explanation:
			'The selected pods are scheduled, get an IP from their node, and become Ready when their readiness probe passes; the kubelet reports this in the pod status.',
	},
	{
		title: 'Endpoints created',
		explanation:
			'The Endpoints controller writes one Endpoints object named like the Service: Ready pod IPs under addresses, the others under notReadyAddresses, primary IP family only.',
	},
	{
		title: 'EndpointSlices created',
		explanation:
			'The EndpointSlice controller writes slices labelled kubernetes.io/service-name, one group per IP family and port set, at most 100 endpoints each, with ready/serving/terminating conditions.',
	},
	{
		title: 'kube-proxy and CoreDNS watch the slices',
		explanation:
			'kube-proxy on every node turns the ready endpoints into DNAT rules for the ClusterIP; CoreDNS serves the Service name from the Service and its slices.',
	},
	{
		title: 'The client resolves the name',
		explanation: 'A client pod asks cluster DNS for name.namespace.svc.cluster.local and gets the ClusterIP.',
	},
	{
		title: 'The client connects',
		explanation:
			'The connection to the ClusterIP is rewritten by kube-proxy’s rules on the client’s node to one ready endpoint’s pod IP and target port.',
	},
	{
		title: 'A pod is removed',
		explanation:
			'Deleting a pod sets its deletionTimestamp: it is terminating for its grace period, and is no longer Ready for new traffic.',
	},
	{
		title: 'Endpoints and slices updated',
		explanation:
			'The Endpoints controller drops the terminating pod; the EndpointSlice controller keeps it with ready=false, terminating=true (serving while it still passes readiness) until it is gone.',
	},
	{
		title: 'No pods left',
		explanation: 'When the last selected pod is gone, the Endpoints object is kept with no subsets.',
	},
	{
		title: 'Empty slices',
		explanation:
			'The EndpointSlice controller replaces the slices with one placeholder per IP family: no endpoints and no ports.',
	},
	{
		title: 'The connection fails',
		explanation:
			'With no ready or serving endpoint, kube-proxy installs a REJECT rule for the ClusterIP: the client’s connection is refused at once.',
	},
];

interface Ids {
	user: string;
	api: string;
	etcd: string;
	esc: string;
	epc: string;
	slices: string;
	proxy: string;
	dns: string;
	client: string;
	pods: string;
}

/** The messages of each step, drawn with the state's names. */
function drawStep(step: number, w: SequenceWriter, p: Ids, input: FlowInput): void {
	const f = flowFacts(input);
	const podNames = (input.pods ?? []).map((pod) => pod.metadata?.name ?? '').filter(Boolean);
	const sliceNames = input.slices.map((s) => s.metadata?.name ?? '').filter(Boolean);
	const vip = f.clusterIPs[0] ?? 'the ClusterIP';
	const target = `${vip}${f.servicePort !== undefined ? ` port ${f.servicePort}` : ''}`;
	const victim = podNames[0] ?? 'one pod';
	switch (step) {
		case 0:
			w.message(p.user, p.api, `apply Service ${f.namespace}/${f.name} (selector ${f.selector || 'none'})`);
			w.message(p.api, p.etcd, `persist Service ${f.name}`);
			w.message(p.api, p.esc, `watch: Service ${f.name} added`, 'reply');
			w.message(p.api, p.epc, `watch: Service ${f.name} added`, 'reply');
			break;
		case 1:
			w.message(p.api, p.pods, `schedule pods ${podNames.length ? capped(podNames, 3) : f.selector}`);
			w.message(p.pods, p.api, 'status: IP assigned, readiness probe passes, Ready=True');
			break;
		case 2:
			w.message(p.api, p.epc, `watch: Pods ${f.selector} changed`, 'reply');
			w.message(p.epc, p.api, `write Endpoints ${f.name} (${f.v1?.ready ?? 0} addresses, ${f.v1?.notReady ?? 0} not ready)`);
			break;
		case 3:
			w.message(p.api, p.esc, `watch: Pods ${f.selector} changed`, 'reply');
			w.message(
				p.esc,
				p.slices,
				`write ${sliceNames.length ? capped(sliceNames, 3) : 'EndpointSlices'} (${f.counts.ready} ready of ${f.endpoints.length})`,
			);
			break;
		case 4:
			w.message(p.slices, p.proxy, `watch: ${f.counts.ready} ready endpoints → DNAT rules for ${vip}`, 'reply');
			w.message(p.slices, p.dns, `watch: ${f.fqdn}`, 'reply');
			break;
		case 5:
			w.message(p.client, p.dns, `resolve ${f.fqdn}`);
			w.message(p.dns, p.client, `A ${vip}`, 'reply');
			break;
		case 6:
			w.message(p.client, p.proxy, `connect ${target}`);
			w.message(p.proxy, p.pods, 'DNAT to one ready endpoint');
			break;
		case 7:
			w.message(p.user, p.api, `delete pod ${victim}`);
			w.message(p.api, p.pods, `${victim}: deletionTimestamp set, terminating`, 'reply');
			break;
		case 8:
			w.message(p.epc, p.api, `Endpoints ${f.name}: ${victim} removed`);
			w.message(p.esc, p.slices, `${victim}: ready=false, terminating=true`);
			w.message(p.slices, p.proxy, `watch: no new connections to ${victim}`, 'reply');
			break;
		case 9:
			w.message(p.user, p.api, 'delete the remaining pods');
			w.message(p.pods, p.api, 'last pod gone');
			w.message(p.epc, p.api, `Endpoints ${f.name}: no subsets`);
			break;
		case 10:
			w.message(p.esc, p.slices, 'placeholder: no endpoints, no ports (one per family)');
			w.message(p.slices, p.proxy, 'watch: 0 endpoints', 'reply');
			break;
		case 11:
			w.message(p.client, p.proxy, `connect ${target}`);
			w.message(p.proxy, p.client, 'REJECT: connection refused', 'fail');
			break;
		default:
			break;
	}
}

/** The walk-through diagram up to `stepIndex` (0-based, clamped), the current step highlighted. */
export function buildWalkthroughDiagram(stepIndex: number, state: FlowInput): BuiltDiagram {
	const last = walkthroughSteps.length - 1;
	const current = Math.min(last, Math.max(0, Math.floor(Number.isFinite(stepIndex) ? stepIndex : 0)));
	const f = flowFacts(state);
	const w = new SequenceWriter();
	const k = flowKeys;
	const ids: Ids = {
		user: w.participant(k.user, userLabel(state)),
		api: w.participant(k.api, 'API server'),
		etcd: w.participant(k.etcd, 'etcd'),
		esc: w.participant(k.sliceController, 'EndpointSlice controller'),
		epc: w.participant(k.endpointsController, 'Endpoints controller'),
		slices: w.participant('slices', `EndpointSlices of ${f.name}`),
		proxy: w.participant(k.proxy, 'kube-proxy'),
		dns: w.participant(k.dns, 'CoreDNS (cluster DNS)'),
		client: w.participant(k.client, 'client pod'),
		pods: w.participant(k.backends, `Pods ${f.selector || '(no selector)'}`),
	};
	for (let i = 0; i < current; i++) {
		drawStep(i, w, ids, state);
	}
	const step = walkthroughSteps[current]!;
	w.rect('rgba(255, 200, 0, 0.15)', () => {
		w.note([ids.user, ids.pods], `Step ${current + 1} of ${walkthroughSteps.length}: ${step.title}`);
		drawStep(current, w, ids, state);
	});
	return w.build([`Step ${current + 1} of ${walkthroughSteps.length}: ${step.title}. ${step.explanation}`]);
}
