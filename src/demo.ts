/**
 * `npm start` until the storefront exists: builds CpRec and its uncompressed NextItNet twin at
 * MovieLens scale, compares their sizes, then trains CpRec briefly on a synthetic next-item rule
 * on the wasm backend and shows its top-5.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { countParameters, CpRec } from './model/cprec';
import { createConfig, SHARING_SCHEMES } from './model/config';

await tf.setBackend('wasm');
const numItems = 9724;
const base = { numItems, d: 64, numBlocks: 4 };
const nextItNet = countParameters(createConfig({ ...base, cutoffs: [], sharing: 'none' }));
console.log(`Parameters at ${numItems} items, d=64, 4 residual blocks:`);
console.log(`  NextItNet (one block, no sharing)       ${nextItNet.toLocaleString('en')}`);
for (const sharing of SHARING_SCHEMES) {
  const n = countParameters(createConfig({ ...base, cutoffs: [2000, 6000], sharing }));
  const label = `CpRec cut-offs 2000/6000, ${sharing}`.padEnd(41);
  console.log(`  ${label}${n.toLocaleString('en')}  (${(nextItNet / n).toFixed(1)}x smaller)`);
}

const items = 60;
const model = new CpRec({ numItems: items, cutoffs: [20, 40], d: 32, numBlocks: 2, maxLength: 16 });
// Every sequence steps by 3 (wrapping): the next item is always predictable.
const batch = 16;
const t = model.config.maxLength;
const next = (id: number) => ((id + 2) % items) + 1;
const inputs = new Int32Array(batch * t);
const targets = new Int32Array(batch * t);
for (let b = 0; b < batch; b++) {
  let id = b + 1;
  for (let i = 0; i < t; i++) {
    inputs[b * t + i] = id;
    targets[b * t + i] = id = next(id);
  }
}
const optimizer = tf.train.adam(0.02);
console.log(`\nTraining CpRec (${model.parameterCount} parameters) on "next = item + 3" (wasm):`);
for (let step = 1; step <= 60; step++) {
  const loss = optimizer.minimize(
    () => model.loss(inputs, targets, batch),
    true,
    model.params.variables(),
  )!;
  if (step % 10 === 0) console.log(`  step ${step}  loss ${(await loss.data())[0].toFixed(3)}`);
  loss.dispose();
}
const history = Array.from({ length: t }, (_, i) => ((4 + 3 * i) % items) + 1);
const top = await model.topK(history, 5);
console.log(
  `\nAfter ...${history.slice(-3)} the model expects: ${top.ids.join(', ')} (rule: ${next(history[t - 1])})`,
);
optimizer.dispose();
model.dispose();
