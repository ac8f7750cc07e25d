/**
 * Builds tiny ONNX models with the WD tagger contract (input `[N, S, S, 3]` float32, output `[N, T]`) for the
 * tests and the bench, since no model weights can be downloaded here. A hand-written protobuf encoder for the few
 * messages of onnx.proto that a model needs (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto); field numbers are those of onnx/onnx.proto.
 */

/** A protobuf field as the encoder writes it. */
type Field = [no: number, value: number | bigint | string | Uint8Array | Field[]];

function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function encode(fields: Field[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const [no, value] of fields) {
    if (typeof value === 'number' || typeof value === 'bigint') {
      chunks.push(Uint8Array.from([...varint(BigInt(no << 3)), ...varint(BigInt(value))]));
      continue;
    }
    const body =
      typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : encode(value);
    chunks.push(Uint8Array.from([...varint(BigInt((no << 3) | 2)), ...varint(BigInt(body.length))]));
    chunks.push(body);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const FLOAT = 1;
const INT64 = 7;

/** A float32 or int64 initializer. */
export function tensor(name: string, dims: number[], data: Float32Array | BigInt64Array): Field[] {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return [...dims.map((d): Field => [1, d]), [2, data instanceof Float32Array ? FLOAT : INT64], [8, name], [9, raw]];
}

/** A node attribute: an int or a list of ints (all these models need). */
export type Attr = { name: string } & ({ i: number } | { ints: number[] });

function attribute(a: Attr): Field[] {
  if ('i' in a)
    return [
      [1, a.name],
      [3, a.i],
      [20, 2],
    ];
  return [[1, a.name], ...a.ints.map((v): Field => [8, v]), [20, 7]];
}

/** One graph node. */
export function node(op: string, inputs: string[], outputs: string[], attrs: Attr[] = []): Field[] {
  return [
    ...inputs.map((i): Field => [1, i]),
    ...outputs.map((o): Field => [2, o]),
    [3, `${op}_${outputs[0]}`],
    [4, op],
    ...attrs.map((a): Field => [5, attribute(a)]),
  ];
}

/** A graph input or output: a float tensor whose dims are numbers or symbolic names. */
export function valueInfo(name: string, dims: (number | string)[]): Field[] {
  const dim = dims.map((d): Field => [1, typeof d === 'number' ? [[1, d]] : [[2, d]]]);
  return [
    [1, name],
    [
      2,
      [
        [
          1,
          [
            [1, FLOAT],
            [2, dim],
          ],
        ],
      ],
    ],
  ];
}

/** A whole model (opset 13, IR version 7) from its nodes, initializers, inputs and outputs. */
export function model(g: {
  nodes: Field[][];
  initializers: Field[][];
  inputs: Field[][];
  outputs: Field[][];
}): Uint8Array {
  const graph: Field[] = [
    ...g.nodes.map((n): Field => [1, n]),
    [2, 'tiny_wd_tagger'],
    ...g.initializers.map((t): Field => [5, t]),
    ...g.inputs.map((v): Field => [11, v]),
    ...g.outputs.map((v): Field => [12, v]),
  ];
  return encode([
    [1, 7],
    [2, 'lora-dataset-tagger tests'],
    [7, graph],
    [
      8,
      [
        [1, ''],
        [2, 13],
      ],
    ],
  ]);
}

/**
 * The test tagger. Over the model input (values 0-255, channel 0 first: the WD models are fed BGR) it computes six
 * features, each scaled to 0-1: the means of channels 0, 1 and 2, the mean of channel 0 over the left half, of
 * channel 1 over the top half, and the mean of the squared values (which tells an area average from a sampling
 * resize). Then `sigmoid(features · W + b)` with `W` `[6, T]` and `b` `[T]` chosen by the test. Input
 * `[N, size, size, 3]` (N symbolic), output `[N, T]`.
 */
export function meanTaggerModel(size: number, weights: number[][], bias: number[]): Uint8Array {
  const t = bias.length;
  if (weights.length !== 6 || weights.some((r) => r.length !== t)) throw new Error('weights must be [6][T]');
  const half = Math.floor(size / 2);
  const i64 = (v: number[]) => BigInt64Array.from(v.map(BigInt));
  return model({
    inputs: [valueInfo('input', ['N', size, size, 3])],
    outputs: [valueInfo('output', ['N', t])],
    initializers: [
      tensor('W', [6, t], Float32Array.from(weights.flat())),
      tensor('b', [t], Float32Array.from(bias)),
      tensor('scale', [], Float32Array.from([1 / 255])),
      tensor('scale2', [], Float32Array.from([1 / 255 / 255])),
      tensor('left_starts', [2], i64([0, 0])),
      tensor('left_ends', [2], i64([half, 1])),
      tensor('left_axes', [2], i64([2, 3])),
      tensor('top_starts', [2], i64([0, 1])),
      tensor('top_ends', [2], i64([half, 2])),
      tensor('top_axes', [2], i64([1, 3])),
      tensor('one_axis', [1], i64([1])),
    ],
    nodes: [
      node(
        'ReduceMean',
        ['input'],
        ['means'],
        [
          { name: 'axes', ints: [1, 2] },
          { name: 'keepdims', i: 0 },
        ],
      ),
      node('Slice', ['input', 'left_starts', 'left_ends', 'left_axes'], ['left']),
      node(
        'ReduceMean',
        ['left'],
        ['left_mean'],
        [
          { name: 'axes', ints: [1, 2] },
          { name: 'keepdims', i: 0 },
        ],
      ),
      node('Slice', ['input', 'top_starts', 'top_ends', 'top_axes'], ['top']),
      node(
        'ReduceMean',
        ['top'],
        ['top_mean'],
        [
          { name: 'axes', ints: [1, 2] },
          { name: 'keepdims', i: 0 },
        ],
      ),
      node('Mul', ['input', 'input'], ['squares']),
      node(
        'ReduceMean',
        ['squares'],
        ['square_mean'],
        [
          { name: 'axes', ints: [1, 2, 3] },
          { name: 'keepdims', i: 0 },
        ],
      ),
      node('Unsqueeze', ['square_mean', 'one_axis'], ['square_col']),
      node('Mul', ['square_col', 'scale2'], ['square_feature']),
      node('Concat', ['means', 'left_mean', 'top_mean'], ['raw_features'], [{ name: 'axis', i: 1 }]),
      node('Mul', ['raw_features', 'scale'], ['scaled']),
      node('Concat', ['scaled', 'square_feature'], ['features'], [{ name: 'axis', i: 1 }]),
      node('MatMul', ['features', 'W'], ['logits']),
      node('Add', ['logits', 'b'], ['biased']),
      node('Sigmoid', ['biased'], ['output']),
    ],
  });
}

/**
 * A model with the same contract whose cost resembles a real tagger's, for the bench: the image cut into 16x16
 * patches (a ViT's patch embedding), then `layers` dense layers of width `width` with Relu, mean-pooled, then a
 * sigmoid head of `tags` outputs. Weights are small pseudo-random numbers (a fixed seed).
 */
export function denseTaggerModel(size: number, tags: number, width: number, layers: number): Uint8Array {
  const patch = 16;
  const grid = size / patch;
  if (!Number.isInteger(grid)) throw new Error('size must be a multiple of 16');
  let seed = 1;
  const rand = (n: number) =>
    Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.05);
  const i64 = (v: number[]) => BigInt64Array.from(v.map(BigInt));
  const dims = patch * patch * 3;
  const initializers: Field[][] = [
    tensor('shape1', [6], i64([-1, grid, patch, grid, patch, 3])),
    tensor('shape2', [3], i64([-1, grid * grid, dims])),
    tensor('embed', [dims, width], rand(dims * width)),
  ];
  const nodes: Field[][] = [
    node('Reshape', ['input', 'shape1'], ['p1']),
    node('Transpose', ['p1'], ['p2'], [{ name: 'perm', ints: [0, 1, 3, 2, 4, 5] }]),
    node('Reshape', ['p2', 'shape2'], ['patches']),
    node('MatMul', ['patches', 'embed'], ['h0']),
  ];
  for (let l = 0; l < layers; l++) {
    initializers.push(tensor(`w${l}`, [width, width], rand(width * width)));
    nodes.push(node('MatMul', [`h${l}`, `w${l}`], [`m${l}`]), node('Relu', [`m${l}`], [`h${l + 1}`]));
  }
  initializers.push(tensor('head', [width, tags], rand(width * tags)));
  nodes.push(
    node(
      'ReduceMean',
      [`h${layers}`],
      ['pooled'],
      [
        { name: 'axes', ints: [1] },
        { name: 'keepdims', i: 0 },
      ],
    ),
    node('MatMul', ['pooled', 'head'], ['logits']),
    node('Sigmoid', ['logits'], ['output']),
  );
  return model({
    inputs: [valueInfo('input', ['N', size, size, 3])],
    outputs: [valueInfo('output', ['N', tags])],
    initializers,
    nodes,
  });
}
