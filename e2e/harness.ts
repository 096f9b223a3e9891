// Test-only page: exposes the runtime to Playwright, which drives it with page.evaluate.
import * as tf from '@tensorflow/tfjs-core';
import { loadRecommender } from '../src/runtime';

Object.assign(globalThis, {
  harness: { loadRecommender, numTensors: () => tf.memory().numTensors },
});
document.getElementById('status')!.textContent = 'ready';
