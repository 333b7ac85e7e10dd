// Draws media/icon.png (128×128, the Marketplace size): a lens over three endpoint dots on a dark rounded square.
// Node built-ins only, so the icon can be redrawn anywhere: `node scripts/drawIcon.mjs`. Shapes are signed-distance
// tests, anti-aliased by averaging 4×4 samples per pixel.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const samples = 4;

const background = [0x1b, 0x21, 0x30];
const lensColor = [0x38, 0xbd, 0xf8];
const dotColors = [
	[0x4a, 0xde, 0x80],
	[0x4a, 0xde, 0x80],
	[0xfa, 0xcc, 0x15],
];

const lens = { x: 55, y: 55, r: 34, width: 9 };
const handle = { x0: 81, y0: 81, x1: 106, y1: 106, r: 7.5 };
const dots = [
	{ x: 55, y: 41.5, r: 9 },
	{ x: 43, y: 62.5, r: 9 },
	{ x: 67, y: 62.5, r: 9 },
];

/** Distance from (x, y) to a square of side `size` with corner radius `r`; negative inside. */
function roundedSquare(x, y, r) {
	const half = size / 2;
	const qx = Math.abs(x - half) - (half - r);
	const qy = Math.abs(y - half) - (half - r);
	return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function segmentDistance(x, y, { x0, y0, x1, y1 }) {
	const dx = x1 - x0;
	const dy = y1 - y0;
	const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
	return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
}

/** The colour at one sample point, painted back to front, or undefined outside the icon. */
function colourAt(x, y) {
	if (roundedSquare(x, y, 26) > 0) {
		return undefined;
	}
	let colour = background;
	const fromLens = Math.hypot(x - lens.x, y - lens.y);
	if (Math.abs(fromLens - lens.r) <= lens.width / 2 || segmentDistance(x, y, handle) <= handle.r) {
		colour = lensColor;
	}
	dots.forEach((dot, i) => {
		if (Math.hypot(x - dot.x, y - dot.y) <= dot.r) {
			colour = dotColors[i];
		}
	});
	return colour;
}

const pixels = Buffer.alloc(size * (size * 4 + 1));
for (let py = 0; py < size; py++) {
	const row = py * (size * 4 + 1);
	pixels[row] = 0; // PNG filter type: none
	for (let px = 0; px < size; px++) {
		const sum = [0, 0, 0];
		let covered = 0;
		for (let sy = 0; sy < samples; sy++) {
			for (let sx = 0; sx < samples; sx++) {
				const c = colourAt(px + (sx + 0.5) / samples, py + (sy + 0.5) / samples);
				if (c) {
					covered++;
					sum[0] += c[0];
					sum[1] += c[1];
					sum[2] += c[2];
				}
			}
		}
		const o = row + 1 + px * 4;
		if (covered > 0) {
			pixels[o] = Math.round(sum[0] / covered);
			pixels[o + 1] = Math.round(sum[1] / covered);
			pixels[o + 2] = Math.round(sum[2] / covered);
		}
		pixels[o + 3] = Math.round((255 * covered) / (samples * samples));
	}
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) {
		c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	}
	return c >>> 0;
});

function crc32(buffer) {
	let c = 0xffffffff;
	for (const byte of buffer) {
		c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
	}
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
// compression, filter and interlace methods stay 0

const png = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	chunk('IHDR', header),
	chunk('IDAT', deflateSync(pixels, { level: 9 })),
	chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../media/icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote media/icon.png (${png.length} bytes)`);
