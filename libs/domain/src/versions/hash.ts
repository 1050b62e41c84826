// FNV-1a, 64 bits, over the UTF-8 bytes of a string, so data versions are stable across
// processes and languages without Node's crypto. Not cryptographic: a data version only has to
// change when its inputs change. Computed on four 16-bit limbs, so no BigInt on the hot path.

/** FNV-1a 64 of the UTF-8 bytes of `text`, as 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  // Offset basis 0xcbf29ce484222325, low limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const step = (byte: number): void => {
    h0 ^= byte;
    // × prime 0x100000001b3 = 2^40 + 0x1b3, i.e. limbs [0x1b3, 0, 0x100, 0], modulo 2^64.
    const r0 = h0 * 0x1b3;
    const r1 = h1 * 0x1b3;
    const r2 = h2 * 0x1b3 + h0 * 0x100;
    const r3 = h3 * 0x1b3 + h1 * 0x100;
    h0 = r0 & 0xffff;
    const c1 = r1 + (r0 >>> 16);
    h1 = c1 & 0xffff;
    const c2 = r2 + (c1 >>> 16);
    h2 = c2 & 0xffff;
    h3 = (r3 + (c2 >>> 16)) & 0xffff;
  };
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (cp < 0x80) step(cp);
    else if (cp < 0x800) {
      step(0xc0 | (cp >> 6));
      step(0x80 | (cp & 63));
    } else if (cp < 0x10000) {
      step(0xe0 | (cp >> 12));
      step(0x80 | ((cp >> 6) & 63));
      step(0x80 | (cp & 63));
    } else {
      step(0xf0 | (cp >> 18));
      step(0x80 | ((cp >> 12) & 63));
      step(0x80 | ((cp >> 6) & 63));
      step(0x80 | (cp & 63));
    }
  }
  const hex = (limb: number): string => limb.toString(16).padStart(4, '0');
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
}
