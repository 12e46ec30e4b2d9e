/**
 * mulberry32: a small, well-known 32-bit generator; each call gives a number in [0, 1), and the same seed gives
 * the same numbers. The site visits' sample draws from it (its seed recorded for auditors), the simulators'
 * synthetic registry too.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
