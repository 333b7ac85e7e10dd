/**
 * Label selectors, the three ways Kubernetes spells them.
 *
 * 1. **Service map selectors** (`spec.selector: {app: web}`), matched by the Endpoints and EndpointSlice controllers.
 *    Upstream turns the map into a selector with `labels.Set(selector).AsSelectorPreValidated()`, so `{}` matches
 *    every pod; but both controllers return early when the selector is **nil**, so a Service without a selector
 *    selects **nothing** (its endpoints come from a user-written Endpoints object, mirrored into slices).
 *    `selectorMatches` and `serviceSelects` encode exactly that: nil → false, `{}` → true.
 * 2. **`metav1.LabelSelector`** (`matchLabels` + `matchExpressions`), used by workloads. `labelSelectorAsSelector`
 *    mirrors `metav1.LabelSelectorAsSelector`: nil → matches nothing, `{}` → matches everything, and invalid
 *    requirements (bad operator, values where none are allowed, invalid keys or values) are returned as errors.
 * 3. **Selector strings** (`a=b,c!=d,e in (x,y),!f`), the `--selector`/`labelSelector` query syntax, parsed by
 *    `parseSelectorString` with the grammar of `k8s.io/apimachinery/pkg/labels.Parse`.
 *
 * All three compile to the same plain-data `Selector` (a list of ANDed requirements). Nothing here throws.
 */
import type { LabelSelector, Pod, Service } from './types';

/** The operators of `selection.Operator` that selectors can carry. */
export type SelectorOperator =
	'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'GreaterThan' | 'LessThan';

/** One `labels.Requirement`: `values` is sorted and de-duplicated (a `sets.String` upstream). */
export interface Requirement {
	readonly key: string;
	readonly operator: SelectorOperator;
	readonly values: readonly string[];
}

/**
 * A compiled selector: the requirements are ANDed. `matchesNothing` is upstream's `labels.Nothing()` (what a nil
 * LabelSelector becomes); an empty requirement list without it is `labels.Everything()`.
 */
export interface Selector {
	readonly matchesNothing: boolean;
	readonly requirements: readonly Requirement[];
}

/** The outcome of compiling or parsing a selector: a value, never a throw. */
export type SelectorResult = { ok: true; selector: Selector } | { ok: false; errors: string[] };

/** `labels.Everything()`. */
export const everythingSelector: Selector = Object.freeze({ matchesNothing: false, requirements: Object.freeze([]) });

/** `labels.Nothing()`. */
export const nothingSelector: Selector = Object.freeze({ matchesNothing: true, requirements: Object.freeze([]) });

type Labels = Readonly<Record<string, string>> | null | undefined;

function has(labels: Labels, key: string): boolean {
	return !!labels && Object.prototype.hasOwnProperty.call(labels, key);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Service map selectors

/**
 * Whether a Service-style map selector matches a label set, as the endpoint controllers see it:
 * - `null`/`undefined` (no selector) matches **nothing**: the controllers skip selector-less Services;
 * - `{}` matches **everything** (every pod of the namespace);
 * - otherwise every key must be present with exactly that value (`a: ""` needs the label present and empty).
 */
export function selectorMatches(
	selector: Readonly<Record<string, string>> | null | undefined,
	labels: Labels,
): boolean {
	if (selector === null || selector === undefined) {
		return false;
	}
	for (const key of Object.keys(selector)) {
		if (!has(labels, key) || labels![key] !== selector[key]) {
			return false;
		}
	}
	return true;
}

/**
 * Whether the EndpointSlice and Endpoints controllers would select `pod` for `service`: the Service has a selector
 * (nil selects nothing, `{}` everything), the pod lives in the Service's namespace (absent = "default"), and the
 * labels match. The Service's type is not consulted: the controllers skip `ExternalName` Services on their own.
 */
export function serviceSelects(service: Service, pod: Pod): boolean {
	const svcNs = service.metadata?.namespace || 'default';
	const podNs = pod.metadata?.namespace || 'default';
	return svcNs === podNs && selectorMatches(service.spec?.selector, pod.metadata?.labels);
}

/** `labels.SelectorFromSet`: one Equals requirement per key (`{}` → everything). No validation. */
export function selectorFromSet(set: Readonly<Record<string, string>>): Selector {
	const requirements = Object.keys(set)
		.sort()
		.map((key): Requirement => ({ key, operator: 'Equals', values: [set[key]!] }));
	return { matchesNothing: false, requirements };
}

// ---------------------------------------------------------------------------------------------------------------
// Matching and printing

function matchesRequirement(r: Requirement, labels: Labels): boolean {
	switch (r.operator) {
		case 'In':
		case 'Equals':
		case 'DoubleEquals':
			return has(labels, r.key) && r.values.includes(labels![r.key]!);
		case 'NotIn':
		case 'NotEquals':
			return !has(labels, r.key) || !r.values.includes(labels![r.key]!);
		case 'Exists':
			return has(labels, r.key);
		case 'DoesNotExist':
			return !has(labels, r.key);
		case 'GreaterThan':
		case 'LessThan': {
			if (!has(labels, r.key)) {
				return false;
			}
			const raw = labels![r.key]!;
			if (!/^[+-]?[0-9]+$/.test(raw)) {
				return false;
			}
			const have = BigInt(raw);
			const want = BigInt(r.values[0] ?? '0');
			return r.operator === 'GreaterThan' ? have > want : have < want;
		}
	}
	return false;
}

/** `Selector.Matches`: every requirement holds. `nothingSelector` matches no label set, not even `{}`. */
export function selectorMatchesLabels(selector: Selector, labels: Labels): boolean {
	if (selector.matchesNothing) {
		return false;
	}
	return selector.requirements.every((r) => matchesRequirement(r, labels));
}

/** Whether the selector is `labels.Everything()` (no requirements, not Nothing). */
export function isEverything(selector: Selector): boolean {
	return !selector.matchesNothing && selector.requirements.length === 0;
}

function requirementToString(r: Requirement): string {
	const list = `(${r.values.join(',')})`;
	switch (r.operator) {
		case 'Exists':
			return r.key;
		case 'DoesNotExist':
			return `!${r.key}`;
		case 'Equals':
			return `${r.key}=${r.values[0] ?? ''}`;
		case 'DoubleEquals':
			return `${r.key}==${r.values[0] ?? ''}`;
		case 'NotEquals':
			return `${r.key}!=${r.values[0] ?? ''}`;
		case 'In':
			return `${r.key} in ${list}`;
		case 'NotIn':
			return `${r.key} notin ${list}`;
		case 'GreaterThan':
			return `${r.key}>${r.values[0] ?? ''}`;
		case 'LessThan':
			return `${r.key}<${r.values[0] ?? ''}`;
	}
	return r.key;
}

/**
 * `Selector.String()`: requirements sorted by key, joined by commas (`app=web,tier in (a,b)`). Both Everything and
 * Nothing print as the empty string upstream; this returns `'<none>'` for Nothing so that the two can be told apart
 * in the UI (kubectl prints `<none>` for a missing selector too).
 */
export function selectorToString(selector: Selector): string {
	if (selector.matchesNothing) {
		return '<none>';
	}
	return [...selector.requirements]
		.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
		.map(requirementToString)
		.join(',');
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (k8s.io/apimachinery/pkg/util/validation)

const qualifiedNameFmt = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValueFmt = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const dns1123SubdomainFmt = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `validation.IsQualifiedName` (label and annotation keys): an optional DNS-subdomain prefix and `/`, then a name
 * of at most 63 alphanumerics, `-`, `_` or `.` that starts and ends alphanumeric. Returns the problems (empty = ok).
 */
export function validateLabelKey(key: string): string[] {
	const errs: string[] = [];
	const parts = key.split('/');
	let name: string;
	if (parts.length === 1) {
		name = parts[0]!;
	} else if (parts.length === 2) {
		const prefix = parts[0]!;
		name = parts[1]!;
		if (prefix.length === 0) {
			errs.push('prefix part must be non-empty');
		} else if (prefix.length > 253) {
			errs.push('prefix part must be no more than 253 characters');
		} else if (!dns1123SubdomainFmt.test(prefix)) {
			errs.push(
				"prefix part must be a lowercase RFC 1123 subdomain: lowercase alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')",
			);
		}
	} else {
		return [
			"a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
		];
	}
	if (name.length === 0) {
		errs.push('name part must be non-empty');
	} else if (name.length > 63) {
		errs.push('name part must be no more than 63 characters');
	} else if (!qualifiedNameFmt.test(name)) {
		errs.push(
			"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')",
		);
	}
	return errs;
}

/** `validation.IsValidLabelValue`: empty, or at most 63 alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric. */
export function validateLabelValue(value: string): string[] {
	const errs: string[] = [];
	if (value.length > 63) {
		errs.push('must be no more than 63 characters');
	}
	if (!labelValueFmt.test(value)) {
		errs.push(
			"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')",
		);
	}
	return errs;
}

/** Validates a whole label map: one message per bad key or value, prefixed with the key. */
export function validateLabels(labels: Readonly<Record<string, string>>): string[] {
	const errs: string[] = [];
	for (const [k, v] of Object.entries(labels)) {
		for (const e of validateLabelKey(k)) {
			errs.push(`label key ${JSON.stringify(k)}: ${e}`);
		}
		for (const e of validateLabelValue(v)) {
			errs.push(`label ${JSON.stringify(k)} value ${JSON.stringify(v)}: ${e}`);
		}
	}
	return errs;
}

/** `labels.NewRequirement`: validates the key, the value count for the operator, and each value. */
export function newRequirement(
	key: string,
	operator: SelectorOperator,
	values: readonly string[],
): Requirement | string[] {
	const errs: string[] = validateLabelKey(key).map((e) => `key ${JSON.stringify(key)}: ${e}`);
	switch (operator) {
		case 'In':
		case 'NotIn':
			if (values.length === 0) {
				errs.push(`key ${JSON.stringify(key)}: for 'in', 'notin' operators, values set can't be empty`);
			}
			break;
		case 'Equals':
		case 'DoubleEquals':
		case 'NotEquals':
			if (values.length !== 1) {
				errs.push(`key ${JSON.stringify(key)}: exact-match compatibility requires one single value`);
			}
			break;
		case 'Exists':
		case 'DoesNotExist':
			if (values.length !== 0) {
				errs.push(`key ${JSON.stringify(key)}: values set must be empty for exists and does not exist`);
			}
			break;
		case 'GreaterThan':
		case 'LessThan':
			if (values.length !== 1) {
				errs.push(`key ${JSON.stringify(key)}: for 'Gt', 'Lt' operators, exactly one value is required`);
			} else if (!/^[+-]?[0-9]+$/.test(values[0]!)) {
				errs.push(`key ${JSON.stringify(key)}: for 'Gt', 'Lt' operators, the value must be an integer`);
			}
			break;
	}
	if (operator !== 'GreaterThan' && operator !== 'LessThan') {
		for (const v of values) {
			for (const e of validateLabelValue(v)) {
				errs.push(`key ${JSON.stringify(key)} value ${JSON.stringify(v)}: ${e}`);
			}
		}
	}
	if (errs.length > 0) {
		return errs;
	}
	return { key, operator, values: [...new Set(values)].sort() };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. metav1.LabelSelector

const labelSelectorOperators: Readonly<Record<string, SelectorOperator>> = {
	In: 'In',
	NotIn: 'NotIn',
	Exists: 'Exists',
	DoesNotExist: 'DoesNotExist',
};

/**
 * `metav1.LabelSelectorAsSelector`: nil → Nothing, `{}` (no matchLabels, no matchExpressions) → Everything;
 * matchLabels become Equals requirements and matchExpressions In/NotIn/Exists/DoesNotExist requirements. Any other
 * operator (`Gt`, `=`, a typo) is the error `"X" is not a valid label selector operator`; bad keys, an empty value
 * list for In/NotIn and values for Exists/DoesNotExist are errors too. All errors are collected.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): SelectorResult {
	if (ls === null || ls === undefined) {
		return { ok: true, selector: nothingSelector };
	}
	const matchLabels = ls.matchLabels ?? {};
	const matchExpressions = ls.matchExpressions ?? [];
	if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
		return { ok: true, selector: everythingSelector };
	}
	const requirements: Requirement[] = [];
	const errors: string[] = [];
	for (const key of Object.keys(matchLabels)) {
		const r = newRequirement(key, 'Equals', [matchLabels[key]!]);
		if (Array.isArray(r)) {
			errors.push(...r);
		} else {
			requirements.push(r);
		}
	}
	for (const expr of matchExpressions) {
		const op = Object.prototype.hasOwnProperty.call(labelSelectorOperators, expr.operator)
			? labelSelectorOperators[expr.operator]
			: undefined;
		if (!op) {
			errors.push(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
			continue;
		}
		const r = newRequirement(expr.key, op, expr.values ?? []);
		if (Array.isArray(r)) {
			errors.push(...r);
		} else {
			requirements.push(r);
		}
	}
	if (errors.length > 0) {
		return { ok: false, errors };
	}
	requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return { ok: true, selector: { matchesNothing: false, requirements } };
}

/**
 * Whether a LabelSelector matches a label set: nil matches nothing, `{}` everything, and an **invalid** selector
 * matches nothing (the workload controllers refuse to act on it; callers report the errors separately).
 */
export function labelSelectorMatches(ls: LabelSelector | null | undefined, labels: Labels): boolean {
	const r = labelSelectorAsSelector(ls);
	return r.ok && selectorMatchesLabels(r.selector, labels);
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Selector strings (labels.Parse)

type TokenKind = 'identifier' | 'in' | 'notin' | '(' | ')' | ',' | '=' | '==' | '!=' | '!' | '>' | '<' | 'end';

interface Token {
	kind: TokenKind;
	text: string;
	/** 1-based column of the token's first character. */
	column: number;
}

const specialChars = new Set(['=', '!', '(', ')', ',', '>', '<']);

function isWhitespace(ch: string): boolean {
	return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** The lexer of `labels.Parse`: identifiers are runs of anything but whitespace and `=!(),><`. */
function lex(input: string): Token[] {
	const out: Token[] = [];
	let i = 0;
	while (i < input.length) {
		const ch = input[i]!;
		if (isWhitespace(ch)) {
			i++;
			continue;
		}
		const column = i + 1;
		if (specialChars.has(ch)) {
			const two = input.slice(i, i + 2);
			if (two === '==' || two === '!=') {
				out.push({ kind: two, text: two, column });
				i += 2;
			} else {
				out.push({ kind: ch as TokenKind, text: ch, column });
				i++;
			}
			continue;
		}
		let j = i;
		while (j < input.length && !isWhitespace(input[j]!) && !specialChars.has(input[j]!)) {
			j++;
		}
		const text = input.slice(i, j);
		out.push({ kind: text === 'in' ? 'in' : text === 'notin' ? 'notin' : 'identifier', text, column });
		i = j;
	}
	out.push({ kind: 'end', text: '', column: input.length + 1 });
	return out;
}

class SelectorParser {
	private pos = 0;

	constructor(private readonly tokens: Token[]) {}

	private peek(): Token {
		return this.tokens[this.pos]!;
	}

	private next(): Token {
		const t = this.tokens[this.pos]!;
		if (t.kind !== 'end') {
			this.pos++;
		}
		return t;
	}

	private describe(t: Token): string {
		return t.kind === 'end' ? 'end of string' : `'${t.text}' at column ${t.column}`;
	}

	/** A token read in "values" context, where `in`/`notin` are plain identifiers. */
	private static isValue(t: Token): boolean {
		return t.kind === 'identifier' || t.kind === 'in' || t.kind === 'notin';
	}

	parse(): SelectorResult {
		const requirements: Requirement[] = [];
		const errors: string[] = [];
		if (this.peek().kind === 'end') {
			return { ok: true, selector: everythingSelector };
		}
		for (;;) {
			const r = this.parseRequirement();
			if (typeof r === 'string') {
				return { ok: false, errors: [r] };
			}
			if (Array.isArray(r)) {
				errors.push(...r);
			} else {
				requirements.push(r);
			}
			const t = this.next();
			if (t.kind === 'end') {
				break;
			}
			if (t.kind !== ',') {
				return { ok: false, errors: [`found ${this.describe(t)}, expected: ','`] };
			}
			if (this.peek().kind === 'end') {
				return { ok: false, errors: ["found end of string, expected: identifier after ','"] };
			}
		}
		if (errors.length > 0) {
			return { ok: false, errors };
		}
		requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
		return { ok: true, selector: { matchesNothing: false, requirements } };
	}

	/** A requirement, validation errors (string[]) or a syntax error (string). */
	private parseRequirement(): Requirement | string[] | string {
		let t = this.next();
		let negated = false;
		if (t.kind === '!') {
			negated = true;
			t = this.next();
		}
		// Keys are read in "values" context upstream, so `in` and `notin` are valid keys.
		if (!SelectorParser.isValue(t)) {
			return `found ${this.describe(t)}, expected: ${negated ? 'identifier after !' : "!, identifier, or 'end of string'"}`;
		}
		const key = t.text;
		if (negated) {
			return newRequirement(key, 'DoesNotExist', []);
		}
		const look = this.peek();
		if (look.kind === 'end' || look.kind === ',') {
			return newRequirement(key, 'Exists', []);
		}
		const opToken = this.next();
		const operators: Partial<Record<TokenKind, SelectorOperator>> = {
			in: 'In',
			notin: 'NotIn',
			'=': 'Equals',
			'==': 'DoubleEquals',
			'!=': 'NotEquals',
			'>': 'GreaterThan',
			'<': 'LessThan',
		};
		const op = operators[opToken.kind];
		if (!op) {
			return `found ${this.describe(opToken)}, expected: in, notin, =, ==, !=, gt, lt`;
		}
		if (op === 'In' || op === 'NotIn') {
			const values = this.parseValueSet();
			return typeof values === 'string' ? values : newRequirement(key, op, values);
		}
		const v = this.peek();
		if (SelectorParser.isValue(v)) {
			this.next();
			return newRequirement(key, op, [v.text]);
		}
		if (v.kind === 'end' || v.kind === ',') {
			return newRequirement(key, op, ['']);
		}
		return `found ${this.describe(v)}, expected: identifier`;
	}

	/** `(a,b)`; like upstream, `()` and empty entries (`(a,)`, `(,a)`) stand for the empty value. */
	private parseValueSet(): string[] | string {
		const open = this.next();
		if (open.kind !== '(') {
			return `found ${this.describe(open)}, expected: '('`;
		}
		const values: string[] = [];
		if (this.peek().kind === ')') {
			this.next();
			return [''];
		}
		let expectValue = true;
		for (;;) {
			const t = this.next();
			if (SelectorParser.isValue(t) && expectValue) {
				values.push(t.text);
				expectValue = false;
				continue;
			}
			if (t.kind === ',') {
				if (expectValue) {
					values.push('');
				}
				expectValue = true;
				continue;
			}
			if (t.kind === ')') {
				if (expectValue) {
					values.push('');
				}
				return values;
			}
			return `found ${this.describe(t)}, expected: ${expectValue ? "',', ')' or identifier" : "',' or ')'"}`;
		}
	}
}

/**
 * Parses a selector string with the grammar of `labels.Parse` (what `kubectl -l` and the API's `labelSelector`
 * query parameter accept): comma-separated requirements `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k>1`, `k<1`. The empty string is Everything. Syntax and validation errors come back as values
 * (`{ok: false, errors}`), with the column of the offending token for syntax errors.
 */
export function parseSelectorString(input: string): SelectorResult {
	return new SelectorParser(lex(input)).parse();
}

/**
 * The pods a Service's selector picks, as both endpoint controllers list them
 * (`podLister.Pods(service.Namespace).List(selector)`): same namespace, exact match; nil selects none, `{}` all.
 */
export function podsForService(service: Service, pods: readonly Pod[]): Pod[] {
	const selector = service.spec?.selector;
	if (selector === undefined || selector === null) {
		return [];
	}
	const ns = service.metadata?.namespace ?? '';
	return pods.filter((p) => (p.metadata?.namespace ?? '') === ns && selectorMatches(selector, p.metadata?.labels ?? {}));
}
