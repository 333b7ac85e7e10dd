/**
 * Certificates for the test API server, made with node-forge: a self-signed CA, a serving certificate for
 * `127.0.0.1` and `localhost` signed by it, and client certificates whose subject carries the Kubernetes user
 * (CN) and groups (O), as kube-apiserver's x509 authenticator reads them.
 *
 * RSA key generation is the slow part (up to a second per 2048-bit key on a small CI machine), so the PKI is made
 * once and kept: in memory for the process, and in a cache file under the OS temp directory (mode 0600; a test CA
 * that nothing trusts outside these tests) so that each test file's process does not generate keys again. A cache
 * that is unreadable, of another version or close to expiry is replaced.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/** A PEM certificate and its PEM private key. */
export interface CertPair {
	cert: string;
	key: string;
}

/** What one server needs: the CA (to trust and to verify clients), its serving pair, and a signer for clients. */
export interface TestPki {
	ca: CertPair;
	server: CertPair;
	/** Issues a client certificate signed by the CA for `user` in `groups`. */
	issueClient(user: string, groups?: readonly string[]): CertPair;
}

/** The cache file's content. */
interface StoredPki {
	version: 1;
	notAfter: string;
	ca: CertPair;
	server: CertPair;
	clients: Record<string, CertPair>;
}

const cacheDir = join(tmpdir(), 'endpoint-lens-test-pki');
const cacheFile = join(cacheDir, 'pki-v1.json');

let shared: TestPki | undefined;

/** The process-wide PKI (from the cache file, else made on first use). */
export function testPki(): TestPki {
	shared ??= makePki(readCache());
	return shared;
}

function readCache(): StoredPki | undefined {
	try {
		const stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as StoredPki;
		const dayMs = 24 * 60 * 60 * 1000;
		return stored.version === 1 && Date.parse(stored.notAfter) > Date.now() + dayMs ? stored : undefined;
	} catch {
		return undefined;
	}
}

function writeCache(stored: StoredPki): void {
	try {
		mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
		const tmp = `${cacheFile}.${process.pid}.tmp`;
		writeFileSync(tmp, JSON.stringify(stored), { mode: 0o600 });
		renameSync(tmp, cacheFile);
	} catch {
		// A cache is an optimization: without it every process generates its own keys.
	}
}

function nextSerial(): string {
	// Positive (high bit clear) random 64-bit serials: unique across processes sharing the CA.
	const bytes = randomBytes(8);
	bytes[0] = bytes[0]! & 0x7f;
	return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
	const now = Date.now();
	cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
	cert.validity.notAfter = new Date(now + 365 * 24 * 60 * 60 * 1000);
}

interface KeyPair {
	publicKey: forge.pki.rsa.PublicKey;
	privateKey: forge.pki.rsa.PrivateKey;
}

/** A 2048-bit RSA key pair from Node's native generator, as forge keys. */
function rsaKeys(): KeyPair {
	const { privateKey } = generateKeyPairSync('rsa', {
		modulusLength: 2048,
		publicExponent: 0x10001,
		privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		publicKeyEncoding: { type: 'spki', format: 'pem' },
	});
	const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
	return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function makeCa(): { cert: forge.pki.Certificate; privateKey: forge.pki.rsa.PrivateKey } {
	const caKeys = rsaKeys();
	const caCert = forge.pki.createCertificate();
	caCert.publicKey = caKeys.publicKey;
	caCert.serialNumber = nextSerial();
	validity(caCert);
	const caSubject = [{ name: 'commonName', value: 'endpoint-lens-test-ca' }];
	caCert.setSubject(caSubject);
	caCert.setIssuer(caSubject);
	caCert.setExtensions([
		{ name: 'basicConstraints', cA: true, critical: true },
		{ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
		{ name: 'subjectKeyIdentifier' },
	]);
	caCert.sign(caKeys.privateKey, forge.md.sha256.create());
	return { cert: caCert, privateKey: caKeys.privateKey };
}

function makePki(stored: StoredPki | undefined): TestPki {
	const ca = stored
		? {
				cert: forge.pki.certificateFromPem(stored.ca.cert),
				privateKey: forge.pki.privateKeyFromPem(stored.ca.key) as forge.pki.rsa.PrivateKey,
			}
		: makeCa();
	const caCert = ca.cert;
	const caKeys = { privateKey: ca.privateKey };

	const issue = (subject: forge.pki.CertificateField[], extensions: object[]): CertPair => {
		const keys = rsaKeys();
		const cert = forge.pki.createCertificate();
		cert.publicKey = keys.publicKey;
		cert.serialNumber = nextSerial();
		validity(cert);
		cert.setSubject(subject);
		cert.setIssuer(caCert.subject.attributes);
		cert.setExtensions([
			{ name: 'basicConstraints', cA: false },
			{ name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
			...extensions,
		]);
		cert.sign(caKeys.privateKey, forge.md.sha256.create());
		return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
	};

	const server =
		stored?.server ??
		issue(
			[{ name: 'commonName', value: 'kube-apiserver' }],
			[
				{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
				{ name: 'extKeyUsage', serverAuth: true },
				{
					name: 'subjectAltName',
					altNames: [
						{ type: 7, ip: '127.0.0.1' },
						{ type: 2, value: 'localhost' },
					],
				},
			],
		);
	const cache: StoredPki = {
		version: 1,
		notAfter: caCert.validity.notAfter.toISOString(),
		ca: stored?.ca ?? {
			cert: forge.pki.certificateToPem(caCert),
			key: forge.pki.privateKeyToPem(caKeys.privateKey),
		},
		server,
		clients: { ...stored?.clients },
	};
	if (!stored) {
		writeCache(cache);
	}
	return {
		ca: cache.ca,
		server,
		issueClient(user, groups = []) {
			const id = JSON.stringify([user, groups]);
			let pair = cache.clients[id];
			if (!pair) {
				pair = issue(
					[
						{ name: 'commonName', value: user },
						...groups.map((g) => ({ name: 'organizationName', value: g })),
					],
					[
						{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
						{ name: 'extKeyUsage', clientAuth: true },
					],
				);
				cache.clients[id] = pair;
				writeCache(cache);
			}
			return pair;
		},
	};
}
