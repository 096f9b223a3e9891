// The cpu backend (registered on import) and the configs of the kernels inference dispatches,
// which backends.ts registers (backendKernels.test.ts checks them). Loaded only where nothing
// faster starts.
import '@tensorflow/tfjs-backend-cpu/dist/base';
export { absConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Abs';
export { addConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Add';
export { batchMatMulConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/BatchMatMul';
export { castConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Cast';
export { concatConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Concat';
export { expConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Exp';
export { expandDimsConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/ExpandDims';
export { fillConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Fill';
export { gatherV2Config } from '@tensorflow/tfjs-backend-cpu/dist/kernels/GatherV2';
export { greaterEqualConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/GreaterEqual';
export { lessConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Less';
export { logConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Log';
export { logicalAndConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/LogicalAnd';
export { maxConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Max';
export { meanConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Mean';
export { minimumConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Minimum';
export { multiplyConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Multiply';
export { packConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Pack';
export { padV2Config } from '@tensorflow/tfjs-backend-cpu/dist/kernels/PadV2';
export { powConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Pow';
export { reluConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Relu';
export { reshapeConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Reshape';
export { rsqrtConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Rsqrt';
export { sliceConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Slice';
export { sqrtConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sqrt';
export { squareConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Square';
export { subConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sub';
export { sumConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Sum';
export { topKConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/TopK';
export { transposeConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Transpose';
export { unpackConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Unpack';
