import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalIP, ipFamilyOf } from '../../src/core/k8s/ip';

describe('IP canonicalization (utilnet.ParseIPSloppy + net.IP.String, kubernetes#130101)', () => {
	const cases: [string, string][] = [
		['1234::5678:0000:0000:9abc:def0', '1234::5678:0:0:9abc:def0'],
		['010.001.0.1', '10.1.0.1'],
		['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
		['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
		['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
		['::ffff:1.2.3.4', '1.2.3.4'],
		['::', '::'],
		['fe80::', 'fe80::'],
		['not-an-ip', '<nil>'],
		['1.2.3', '<nil>'],
		['256.1.1.1', '<nil>'],
		['1:2:3:4:5:6:7:8::', '<nil>'],
	];
	for (const [input, want] of cases) {
		it(`${input} → ${want}`, () => assert.equal(canonicalIP(input), want));
	}
	it('an IPv4-mapped IPv6 address is IPv4 (Go To4() != nil)', () => {
		assert.equal(ipFamilyOf('::ffff:10.0.0.1'), 'IPv4');
		assert.equal(ipFamilyOf('fd00::1'), 'IPv6');
		assert.equal(ipFamilyOf('x'), undefined);
	});
});
