import * as tf from '@tensorflow/tfjs-core';
import type { ItemBlock } from './config';
import { gatherRows } from './gatherRows';
import { matMul } from './matMul';
import type { Parameters } from './parameters';

/**
 * Block-wise adaptive input embedding: block j has a table of width `width_j` and, for j > 0, a
 * projection to d. Padding (id 0) belongs to no block and embeds to the zero vector, like the
 * zeros the causal convolutions pad with.
 */
export class AdaptiveEmbedding {
  readonly tables: tf.Variable[];
  readonly projections: (tf.Variable | null)[];

  constructor(
    params: Parameters,
    private readonly blocks: readonly ItemBlock[],
    private readonly d: number,
  ) {
    this.tables = blocks.map((b, j) =>
      params.normal(`embedding/block${j}/table`, [b.size, b.width], 0.02),
    );
    this.projections = blocks.map((b, j) =>
      j === 0 ? null : params.glorot(`embedding/block${j}/projection`, [b.width, d]),
    );
  }

  static parameterCount(blocks: readonly ItemBlock[], d: number): number {
    return blocks.reduce((n, b, j) => n + b.size * b.width + (j === 0 ? 0 : b.width * d), 0);
  }

  /** ids [B, T] int32 -> [B, T, d] */
  apply(ids: tf.Tensor2D): tf.Tensor3D {
    const [b, t] = ids.shape;
    const flat = tf.reshape(ids, [b * t]) as tf.Tensor1D; // [N]
    let sum: tf.Tensor2D = tf.zeros([b * t, this.d]);
    this.blocks.forEach((block, j) => {
      const inBlock = tf.cast(
        tf.logicalAnd(tf.greaterEqual(flat, block.start), tf.less(flat, block.end)),
        'int32',
      ); // [N]
      // Rows outside the block read row 0 and are zeroed below. (wasm's ClipByValue is float-only.)
      const local = tf.mul(tf.sub(flat, tf.scalar(block.start, 'int32')), inBlock) as tf.Tensor1D;
      let e = gatherRows(this.tables[j] as tf.Tensor2D, local); // [N, width_j]
      const projection = this.projections[j];
      if (projection) e = matMul(e, projection as tf.Tensor2D); // [N, d]
      sum = tf.add(sum, tf.mul(e, tf.expandDims(tf.cast(inBlock, 'float32'), 1)));
    });
    return tf.reshape(sum, [b, t, this.d]);
  }
}
