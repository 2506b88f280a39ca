// Open Badges 3.0 baking: PNG (iTXt chunk) and SVG (openbadges:credential).
import {PNG} from 'pngjs';
import CRC32 from 'crc-32';

export const PNG_KEYWORD = 'openbadgecredential';
export const SVG_NS = 'https://purl.imsglobal.org/ob/v3p0';

// A tiny real 16x16 RGBA badge image (a gold disc with a dark ring on a
// transparent background). Deterministic: no timestamps are written.
export function makeBadgePng() {
  const size = 16;
  const png = new PNG({width: size, height: size, colorType: 6});
  const c = (size - 1) / 2;
  for(let y = 0; y < size; y++) {
    for(let x = 0; x < size; x++) {
      const i = (size * y + x) << 2;
      const r = Math.hypot(x - c, y - c);
      let px = [0, 0, 0, 0];
      if(r <= 5.2) {
        px = [245, 190, 40, 255]; // gold
      } else if(r <= 7.4) {
        px = [30, 60, 120, 255]; // navy ring
      }
      if(r <= 2 && x >= c) {
        px = [255, 255, 255, 255]; // highlight
      }
      png.data[i] = px[0];
      png.data[i + 1] = px[1];
      png.data[i + 2] = px[2];
      png.data[i + 3] = px[3];
    }
  }
  return PNG.sync.write(png, {colorType: 6});
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeBuf = Buffer.from(type, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(CRC32.buf(Buffer.concat([typeBuf, data])) >>> 0);
  return Buffer.concat([len, typeBuf, data, crc]);
}

// iTXt: keyword \0 compression-flag(0) compression-method(0)
//       language-tag \0 translated-keyword \0 text(UTF-8, uncompressed)
export function itxtChunk(keyword, text) {
  const data = Buffer.concat([
    Buffer.from(keyword, 'latin1'), Buffer.from([0]),
    Buffer.from([0, 0]),
    Buffer.from([0]), // empty language tag
    Buffer.from([0]), // empty translated keyword
    Buffer.from(text, 'utf8')
  ]);
  return chunk('iTXt', data);
}

const PNG_SIG = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

// Insert the iTXt chunk right after IHDR.
export function bakePng(png, text) {
  if(!png.subarray(0, 8).equals(PNG_SIG)) {
    throw new Error('not a PNG');
  }
  const ihdrLen = png.readUInt32BE(8);
  if(png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('first chunk is not IHDR');
  }
  const end = 8 + 4 + 4 + ihdrLen + 4;
  return Buffer.concat([
    png.subarray(0, end), itxtChunk(PNG_KEYWORD, text), png.subarray(end)]);
}

// Read back (used for self-checks).
export function readPngCredential(png) {
  let off = 8;
  while(off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    const crc = png.readUInt32BE(off + 8 + len);
    const calc = CRC32.buf(png.subarray(off + 4, off + 8 + len)) >>> 0;
    if(crc !== calc) {
      throw new Error(`bad CRC in ${type}`);
    }
    if(type === 'iTXt') {
      const z = data.indexOf(0);
      if(data.toString('latin1', 0, z) === PNG_KEYWORD) {
        let p = z + 3;
        p = data.indexOf(0, p) + 1; // language tag
        p = data.indexOf(0, p) + 1; // translated keyword
        return data.subarray(p).toString('utf8');
      }
    }
    off += 12 + len;
  }
  return null;
}

const SVG_ART = [
  '  <title>Example badge</title>',
  '  <circle cx="8" cy="8" r="7.4" fill="#1e3c78"/>',
  '  <circle cx="8" cy="8" r="5.2" fill="#f5be28"/>',
  '  <path d="M8 6 A2 2 0 0 1 8 10 Z" fill="#ffffff"/>'
].join('\n');

function svgDoc(inner) {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<svg xmlns="http://www.w3.org/2000/svg" ' +
      `xmlns:openbadges="${SVG_NS}" width="16" height="16" ` +
      'viewBox="0 0 16 16">',
    ...(inner ? [inner] : []),
    SVG_ART,
    '</svg>',
    ''
  ].join('\n');
}

export function makeBadgeSvg() {
  return svgDoc(null);
}

// JSON-LD credential: CDATA element body.
export function bakeSvgJson(json) {
  if(json.includes(']]>')) {
    throw new Error('credential JSON contains CDATA terminator');
  }
  return svgDoc(
    `  <openbadges:credential><![CDATA[${json}]]></openbadges:credential>`);
}

// VC-JWT: compact JWS in the `verify` attribute.
export function bakeSvgJwt(jwt) {
  if(!/^[A-Za-z0-9_\-.]+$/.test(jwt)) {
    throw new Error('unexpected characters in JWT');
  }
  return svgDoc(`  <openbadges:credential verify="${jwt}"/>`);
}
