// The WASM backend (registered on import) and the configs of the kernels inference dispatches,
// which backends.ts registers (backendKernels.test.ts checks them).
import '@tensorflow/tfjs-backend-wasm/dist/base';
export { absConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Abs';
export { addConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Add';
export { batchMatMulConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/BatchMatMul';
export { castConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Cast';
export { concatConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Concat';
export { expConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Exp';
export { expandDimsConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/ExpandDims';
export { fillConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Fill';
export { gatherV2Config } from '@tensorflow/tfjs-backend-wasm/dist/kernels/GatherV2';
export { greaterEqualConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/GreaterEqual';
export { lessConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Less';
export { logConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Log';
export { logicalAndConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/LogicalAnd';
export { maxConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Max';
export { meanConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Mean';
export { minimumConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Minimum';
export { multiplyConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Multiply';
export { packConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Pack';
export { padV2Config } from '@tensorflow/tfjs-backend-wasm/dist/kernels/PadV2';
export { powConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Pow';
export { reluConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Relu';
export { reshapeConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Reshape';
export { rsqrtConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Rsqrt';
export { sliceConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Slice';
export { sqrtConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sqrt';
export { squareConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Square';
export { subConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sub';
export { sumConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sum';
export { topKConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/TopK';
export { transposeConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Transpose';
export { unpackConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Unpack';

export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm/dist/base';
