/**
 * List and watch options from a request's query string, as kube-apiserver reads `metav1.ListOptions`: label and
 * field selectors, `limit`/`continue` paging, `resourceVersion`/`resourceVersionMatch`, and the watch parameters.
 *
 * Continue tokens have the real server's shape (base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}`),
 * but later pages are read from the current state rather than a snapshot at `rv`: a client that watches from the
 * list's resourceVersion afterwards still converges, which is what informers rely on.
 */
import type { Selector } from '../../../src/core/k8s/selector';
import { everythingSelector, parseSelectorString, selectorMatchesLabels } from '../../../src/core/k8s/selector';
import type { TypedObject } from '../../../src/core/k8s/types';

/** One `fieldSelector` term. */
export interface FieldRequirement {
	path: string;
	op: '=' | '!=';
	value: string;
}

/** The parsed options of a list or watch request. */
export interface ListOptions {
	labelSelector: Selector;
	fieldSelector: FieldRequirement[];
	limit?: number;
	continueToken?: ContinueToken;
	resourceVersion?: string;
	resourceVersionMatch?: string;
	watch: boolean;
	allowWatchBookmarks: boolean;
	timeoutSeconds?: number;
	sendInitialEvents: boolean;
}

/** A decoded continue token. */
export interface ContinueToken {
	rv: number;
	/** The key after which the next page starts. */
	start: string;
}

/** A bad query parameter: the server answers 400 BadRequest with this message. */
export class QueryError extends Error {}

function truthy(v: string | null): boolean {
	return v === 'true' || v === '1';
}

/** Parses the list/watch options of a request URL. */
export function parseListOptions(params: URLSearchParams): ListOptions {
	const label = params.get('labelSelector') ?? '';
	const parsed = label ? parseSelectorString(label) : ({ ok: true, selector: everythingSelector } as const);
	if (!parsed.ok) {
		throw new QueryError(`unable to parse requirement: ${parsed.errors.join('; ')}`);
	}
	const limitText = params.get('limit');
	const limit = limitText ? Number(limitText) : undefined;
	if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
		throw new QueryError(`invalid limit ${JSON.stringify(limitText)}`);
	}
	const timeoutText = params.get('timeoutSeconds');
	const cont = params.get('continue');
	return {
		labelSelector: parsed.selector,
		fieldSelector: parseFieldSelector(params.get('fieldSelector') ?? ''),
		...(limit ? { limit } : {}),
		...(cont ? { continueToken: decodeContinue(cont) } : {}),
		...(params.has('resourceVersion') ? { resourceVersion: params.get('resourceVersion')! } : {}),
		...(params.get('resourceVersionMatch') ? { resourceVersionMatch: params.get('resourceVersionMatch')! } : {}),
		watch: truthy(params.get('watch')),
		allowWatchBookmarks: truthy(params.get('allowWatchBookmarks')),
		...(timeoutText ? { timeoutSeconds: Number(timeoutText) } : {}),
		sendInitialEvents: truthy(params.get('sendInitialEvents')),
	};
}

/** Splits on unescaped commas and parses `path=value`, `path==value`, `path!=value` terms. */
export function parseFieldSelector(text: string): FieldRequirement[] {
	const terms: string[] = [];
	let cur = '';
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (c === '\\' && i + 1 < text.length) {
			cur += c + text[++i];
		} else if (c === ',') {
			terms.push(cur);
			cur = '';
		} else {
			cur += c;
		}
	}
	if (cur || terms.length) {
		terms.push(cur);
	}
	return terms
		.filter((t) => t.trim() !== '')
		.map((t) => {
			const m = /^([^=!]+)(!=|==|=)(.*)$/.exec(t.trim());
			if (!m) {
				throw new QueryError(`invalid selector: '${t}'; can't understand '${t}'`);
			}
			return {
				path: m[1]!.trim(),
				op: m[2] === '!=' ? '!=' : '=',
				value: m[3]!.replace(/\\(.)/g, '$1'),
			};
		});
}

function fieldValue(obj: TypedObject, path: string): string {
	let cur: unknown = obj;
	for (const part of path.split('.')) {
		cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
	}
	return cur === undefined || cur === null ? '' : String(cur);
}

/** Whether an object passes the label and field selectors of `opts`. */
export function matchesOptions(obj: TypedObject, opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): boolean {
	if (!selectorMatchesLabels(opts.labelSelector, obj.metadata?.labels ?? {})) {
		return false;
	}
	return opts.fieldSelector.every((f) => (fieldValue(obj, f.path) === f.value) === (f.op === '='));
}

/** Encodes a continue token the way kube-apiserver does. */
export function encodeContinue(rv: number, lastKey: string): string {
	return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
	try {
		const json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as {
			v?: string;
			rv?: number;
			start?: string;
		};
		if (json.v !== 'meta.k8s.io/v1' || typeof json.rv !== 'number' || typeof json.start !== 'string') {
			throw new Error('bad token');
		}
		return { rv: json.rv, start: json.start.endsWith('\u0000') ? json.start.slice(0, -1) : json.start };
	} catch {
		throw new QueryError(
			'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
		);
	}
}
