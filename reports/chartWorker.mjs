// Renders Vega-Lite specifications to SVG strings, in a worker thread: vega and vega-lite are ES modules
// only, and rendering is CPU work that should not hold up the API's event loop. Input: workerData.specs;
// output: one message with the SVG of each spec, in order. No canvas is needed for SVG output.
import { parentPort, workerData } from 'node:worker_threads';
import { parse, textMetrics, View } from 'vega';
import { compile } from 'vega-lite';

// Without a canvas vega estimates every character at 0.8 em, too narrow for Chinese (1 em), so axis labels
// got clipped. A width function of our own is vega's documented hook for this (vl-convert does the same):
// full-width characters count 1 em, others 0.62 em (Noto Sans CJK's Latin is about 0.55).
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;
textMetrics.width = (item, text) => {
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  let ems = 0;
  for (const ch of text == null ? '' : String(text).trim()) ems += WIDE.test(ch) ? 1 : 0.62;
  return Math.ceil(ems * size);
};

const svgs = [];
for (const spec of workerData.specs) {
  // No loader access: every chart carries its data inline.
  const view = new View(parse(compile(spec).spec), { renderer: 'none', logLevel: 0 });
  try {
    svgs.push(await view.toSVG());
  } finally {
    view.finalize();
  }
}
parentPort.postMessage(svgs);
