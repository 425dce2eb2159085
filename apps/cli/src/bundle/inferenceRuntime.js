// The inference runtime of `recurrent export --format bundle`: plain JavaScript with no imports,
// copied into the bundle after the model's bytes. It reads a model file (a safetensors file whose
// __metadata__ holds the description), runs Embedding → LSTM/GRU/RNN → Linear (TokenModel),
// LSTM/GRU/RNN → Linear (SequenceModel), an EncoderDecoder of cells or an attentional
// encoder–decoder on typed arrays, and samples text, decodes CTC or decodes greedily the way the
// recurrent command does. Arithmetic is float64 over the file's float32 weights.

/** The bytes of a base64 text. */
function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The description and the float32 tensors of a model file, checked against each other. */
function readModelFile(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) throw new Error(`bundle: expected the bytes of a model file, got ${bytes && bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (8 + length > bytes.length) throw new Error(`bundle: expected a header of ${length} bytes inside the file, got a file of ${bytes.length} bytes`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  const text = header.__metadata__ && header.__metadata__.recurrent;
  if (typeof text !== 'string') throw new Error('bundle: expected a model file (a recurrent description in __metadata__), got plain weights');
  const description = JSON.parse(text);
  if (description.format !== 'recurrent-model' || description.version !== 1) throw new Error(`bundle: expected description version 1, got ${description.version}`);
  const tensors = new Map();
  for (const [name, shape] of Object.entries(description.tensors)) {
    const entry = header[name];
    const size = shape.reduce((a, b) => a * b, 1);
    if (!entry || entry.dtype !== 'F32' || entry.data_offsets[1] - entry.data_offsets[0] !== 4 * size) throw new Error(`bundle: expected tensor '${name}' F32 [${shape}], got ${JSON.stringify(entry)}`);
    const start = 8 + length + entry.data_offsets[0];
    if (start + 4 * size > bytes.length) throw new Error(`bundle: expected tensor '${name}' inside the file, got a truncated file`);
    // copied (not a view: the data may not be 4-byte aligned, and Node's Buffer.slice shares memory)
    tensors.set(name, new Float32Array(new Uint8Array(bytes.subarray(start, start + 4 * size)).buffer));
  }
  return { description, tensors };
}

/** The recurrent command's seeded generator (xoshiro128**, seeded through splitmix32). */
class Generator {
  constructor(seed = 0) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = [next(), next(), next(), next()];
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  nextUint32() {
    const s = this.s;
    const rotl = (v, k) => (v << k) | (v >>> (32 - k));
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  uniform() {
    return (this.nextUint32() >>> 8) / 16777216;
  }
}

const sigmoid = (v) => 1 / (1 + Math.exp(-v));

/** `out[r] = b[r] + Σ_c W[r, c] x[c]` for a row-major `[rows, columns]` matrix (bias optional). */
function affine(W, b, x, rows, columns, out) {
  for (let r = 0; r < rows; r++) {
    let sum = b ? b[r] : 0;
    const row = r * columns;
    for (let c = 0; c < columns; c++) sum += W[row + c] * x[c];
    out[r] = sum;
  }
  return out;
}

/** One direction of one layer of nn.LSTM / nn.GRU / nn.RNN, PyTorch's equations and gate order. */
function makeDirection(kind, options, tensors, prefix, suffix, inputSize) {
  const H = options.hiddenSize;
  const P = options.projSize || 0;
  const width = P || H;
  const gates = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
  const get = (name) => tensors.get(`${prefix}${name}${suffix}`) || null;
  const Wih = get('weight_ih'), Whh = get('weight_hh'), bih = get('bias_ih'), bhh = get('bias_hh'), Whr = get('weight_hr');
  const xi = new Float64Array(gates * H), hh = new Float64Array(gates * H);
  const relu = options.nonlinearity === 'relu';
  return {
    width,
    /** Advances `{ h, c }` by one input vector (the state is replaced, not mutated). */
    step(x, state) {
      affine(Wih, bih, x, gates * H, inputSize, xi);
      affine(Whh, bhh, state.h, gates * H, width, hh);
      if (kind === 'RNN') {
        const h = new Float64Array(H);
        for (let j = 0; j < H; j++) h[j] = relu ? Math.max(0, xi[j] + hh[j]) : Math.tanh(xi[j] + hh[j]);
        return { h };
      }
      if (kind === 'GRU') {
        const h = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const r = sigmoid(xi[j] + hh[j]);
          const z = sigmoid(xi[H + j] + hh[H + j]);
          const n = Math.tanh(xi[2 * H + j] + r * hh[2 * H + j]);
          h[j] = (1 - z) * n + z * state.h[j];
        }
        return { h };
      }
      const c = new Float64Array(H), m = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const i = sigmoid(xi[j] + hh[j]), f = sigmoid(xi[H + j] + hh[H + j]);
        const g = Math.tanh(xi[2 * H + j] + hh[2 * H + j]), o = sigmoid(xi[3 * H + j] + hh[3 * H + j]);
        c[j] = f * state.c[j] + i * g;
        m[j] = o * Math.tanh(c[j]);
      }
      return { h: P ? affine(Whr, null, m, P, H, new Float64Array(P)) : m, c };
    },
    zero() {
      return kind === 'LSTM' ? { h: new Float64Array(width), c: new Float64Array(H) } : { h: new Float64Array(width) };
    },
  };
}

/** A whole nn.LSTM / nn.GRU / nn.RNN: `run(inputs, state)` over a list of input vectors. */
function makeRecurrent(node, tensors, prefix) {
  const options = node.options;
  const D = options.bidirectional ? 2 : 1;
  const layers = [];
  let inputSize = options.inputSize;
  for (let k = 0; k < (options.numLayers || 1); k++) {
    const directions = [];
    for (let d = 0; d < D; d++) directions.push(makeDirection(node.kind, options, tensors, prefix, `_l${k}${d ? '_reverse' : ''}`, inputSize));
    layers.push(directions);
    inputSize = D * directions[0].width;
  }
  return {
    outputSize: inputSize,
    /** Zero states, one per layer and direction (PyTorch's h_n order). */
    initialState: () => layers.flatMap((directions) => directions.map((direction) => direction.zero())),
    run(inputs, state) {
      const next = [];
      let sequence = inputs;
      layers.forEach((directions, k) => {
        const outputs = sequence.map(() => new Float64Array(D * directions[0].width));
        directions.forEach((direction, d) => {
          let s = state[k * D + d];
          const order = sequence.map((_, t) => (d ? sequence.length - 1 - t : t));
          for (const t of order) {
            s = direction.step(sequence[t], s);
            outputs[t].set(s.h, d * direction.width);
          }
          next.push(s);
        });
        sequence = outputs;
      });
      return { outputs: sequence, state: next };
    },
  };
}

/** Refuses what the runtime does not compute (it is refused, not approximated): PyTorch's default gates only. */
function checkGates(node, kinds) {
  const o = node.options;
  if (!kinds.includes(node.kind)) throw new Error(`bundle: expected ${kinds.join(', ')}, got ${node.kind}`);
  if (o.peephole || (o.recurrentActivation && o.recurrentActivation !== 'sigmoid') || o.resetAfter === false || o.batchFirst) {
    throw new Error(`bundle: expected ${node.kind} with sigmoid gates, no peepholes, resetAfter and time-major input, got ${JSON.stringify(o)}`);
  }
}

/** One step of an LSTMCell / GRUCell / RNNCell whose parameters are named `${prefix}weight_ih` and so on. */
function makeCell(node, tensors, prefix) {
  checkGates(node, ['LSTMCell', 'GRUCell', 'RNNCell']);
  return makeDirection(node.kind.replace('Cell', ''), node.options, tensors, prefix, '', node.options.inputSize);
}

/** The row `id` of an embedding matrix of width `dim`, the id checked. */
function embedRow(weight, dim, id) {
  if (!Number.isInteger(id) || id < 0 || id * dim >= weight.length) throw new Error(`bundle: expected token ids in [0, ${weight.length / dim - 1}], got ${id}`);
  return weight.subarray(id * dim, (id + 1) * dim);
}

/** The first index of the largest value. */
function argmax(row) {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}

/** Builds the runnable model from a model file's bytes. */
function createModel(bytes) {
  const { description, tensors } = readModelFile(bytes);
  const root = description.module;
  if (root.kind === 'EncoderDecoder' || root.kind === 'AttentionEncoderDecoder') return createSeq2Seq(description, tensors);
  const io = description.io || {};
  if (root.kind !== 'TokenModel' && root.kind !== 'SequenceModel') throw new Error(`bundle: expected a TokenModel, SequenceModel, EncoderDecoder or AttentionEncoderDecoder, got ${root.kind}`);
  const rnnNode = root.children.rnn;
  checkGates(rnnNode, ['LSTM', 'GRU', 'RNN']);
  const rnn = makeRecurrent(rnnNode, tensors, 'rnn.');
  const linear = root.children.linear.options;
  const W = tensors.get('linear.weight'), b = tensors.get('linear.bias') || null;
  const head = (h) => affine(W, b, h, linear.outFeatures, linear.inFeatures, new Float32Array(linear.outFeatures));
  const embedding = root.kind === 'TokenModel' ? tensors.get('embedding.weight') : null;
  const dim = embedding ? root.children.embedding.options.embeddingDim : 0;
  const embed = (id) => embedRow(embedding, dim, id);
  const index = new Map((io.vocabulary || []).map((symbol, k) => [symbol, k]));

  /** Logits `[T, outputSize]` (one Float32Array per step) for token ids, and the state after them. */
  function forward(ids, state = rnn.initialState()) {
    const result = rnn.run(Array.from(ids, embed), state);
    return { logits: result.outputs.map(head), state: result.state };
  }

  /** The command's drawIndex: the argmax at temperature 0, else softmax(logits / T) with one uniform. */
  function drawIndex(logits, temperature, generator) {
    let best = 0;
    for (let k = 1; k < logits.length; k++) if (logits[k] > logits[best]) best = k;
    if (temperature <= 0) return best;
    const weights = new Float64Array(logits.length);
    let total = 0;
    for (let k = 0; k < logits.length; k++) {
      weights[k] = Math.exp((logits[k] - logits[best]) / temperature);
      total += weights[k];
    }
    let u = generator.uniform() * total;
    for (let k = 0; k < logits.length; k++) {
      u -= weights[k];
      if (u < 0) return k;
    }
    return logits.length - 1;
  }

  /** Text after `prime`, as `recurrent sample` draws it for the same seed (char-lm and names models). */
  function sample({ length = 500, temperature = 0.8, prime = '', seed = 0 } = {}) {
    const generator = new Generator(seed);
    const vocabulary = io.vocabulary;
    if (io.task === 'names') {
      const { bosId, eosId, padId } = io.extra;
      const drawn = [];
      for (let used = 0; used < length && drawn.length < 50;) {
        let { logits, state } = forward([bosId, ...Array.from(prime, (symbol) => index.get(symbol) ?? 0)]);
        let name = prime;
        let last = logits[logits.length - 1];
        for (let k = 0; k < 40; k++) {
          const id = drawIndex(last, temperature, generator);
          if (id === eosId || id === padId || id === bosId) break;
          name += vocabulary[id];
          ({ logits, state } = forward([id], state));
          last = logits[0];
        }
        drawn.push(name);
        used += name.length + 1;
      }
      return drawn.join(' ');
    }
    const primeIds = Array.from(prime, (symbol) => index.get(symbol) ?? 0);
    if (primeIds.length === 0) primeIds.push(index.get('\n') ?? 0);
    let { logits, state } = forward(primeIds);
    let last = logits[logits.length - 1];
    let out = '';
    for (let k = 0; k < length; k++) {
      const id = drawIndex(last, temperature, generator);
      out += vocabulary[id];
      ({ logits, state } = forward([id], state));
      last = logits[0];
    }
    return out;
  }

  /** Greedy CTC decoding of a word (each letter fed `repeat` times): the output symbols. */
  function decode(word) {
    const ids = [];
    for (const symbol of Array.from(word)) {
      const id = index.get(symbol);
      if (id === undefined) throw new Error(`bundle: expected symbols of the vocabulary, got '${symbol}' in '${word}'`);
      for (let r = 0; r < (io.repeat || 1); r++) ids.push(id);
    }
    const blank = io.blank ?? 0;
    const symbols = [];
    let previous = -1;
    for (const row of forward(ids).logits) {
      let best = 0;
      for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
      if (best !== previous && best !== blank) symbols.push(io.outputVocabulary ? io.outputVocabulary[best] : best);
      previous = best;
    }
    return symbols;
  }

  /** A SequenceModel's output `[outputSize]` for steps `x` (an array of Float32Array rows, or one flat array). */
  function predict(x) {
    const rows = Array.isArray(x) ? x : Array.from({ length: x.length / rnnNode.options.inputSize }, (_, t) => x.subarray(t * rnnNode.options.inputSize, (t + 1) * rnnNode.options.inputSize));
    const { outputs } = rnn.run(rows, rnn.initialState());
    return head(outputs[outputs.length - 1]);
  }

  return { description, io, forward, initialState: rnn.initialState, sample, decode, predict };
}

/**
 * An encoder–decoder: `EncoderDecoder` (a Recurrent cell, or a Stacked of one, encodes; its final
 * state starts the decoder cell) or `AttentionEncoderDecoder` (a bidirectional LSTM/GRU encodes, a
 * bridge starts the decoder cell, which attends over the encoder's outputs at every step).
 * `forward(source, targets)` gives teacher-forced logits; `greedy(source, maxLength)` and
 * `decode(text)` decode as the library's greedyDecode does.
 */
function createSeq2Seq(description, tensors) {
  const root = description.module;
  const io = description.io || {};
  const c = root.children;
  const { bos, eos } = root.options;
  const table = (name) => tensors.get(`${name}.weight`);
  const linear = (name) => {
    const o = c[name].options, W = table(name), b = tensors.get(`${name}.bias`) || null;
    return (x) => affine(W, b, x, o.outFeatures, o.inFeatures, new Float64Array(o.outFeatures));
  };
  const sourceDim = c.sourceEmbedding ? c.sourceEmbedding.options.embeddingDim : 0;
  const targetDim = c.targetEmbedding.options.embeddingDim;
  const projection = linear('projection');
  const decoder = makeCell(c.decoder, tensors, 'decoder.');
  const sourceRows = (source) => Array.from(source, (id) => embedRow(table('sourceEmbedding'), sourceDim, id));
  let encode, step;
  if (root.kind === 'EncoderDecoder') {
    if (!c.sourceEmbedding) throw new Error('bundle: expected an EncoderDecoder of token sources (a sourceEmbedding), got float sources');
    // the encoder: Recurrent(cell) or Stacked([Recurrent(cell)]), forward in time
    let node = c.encoder, prefix = 'encoder.';
    if (node.kind === 'Stacked' && node.options.layers === 1) [node, prefix] = [node.children['0'], 'encoder.0.'];
    if (node.kind !== 'Recurrent' || node.options.reverse || node.options.batchFirst) throw new Error(`bundle: expected an encoder Recurrent(cell) running forward, got ${node.kind} ${JSON.stringify(node.options)}`);
    const encoder = makeCell(node.children.cell, tensors, prefix);
    encode = (source) => {
      let state = encoder.zero();
      for (const x of sourceRows(source)) state = encoder.step(x, state);
      return { state, memory: null };
    };
    step = (previous, carried) => {
      const state = decoder.step(embedRow(table('targetEmbedding'), targetDim, previous), carried.state);
      return { logits: projection(state.h), carried: { state, memory: null } };
    };
  } else {
    checkGates(c.encoder, ['LSTM', 'GRU']);
    const encoder = makeRecurrent(c.encoder, tensors, 'encoder.');
    const bridge = linear('bridge'), combine = linear('combine');
    const layers = c.encoder.options.numLayers || 1;
    const { score, querySize: Q, keySize: K } = c.attention.options;
    const A = c.attention.options.attentionSize || Q;
    const C = c.combine.options.outFeatures;
    const feeding = root.options.inputFeeding;
    const W = tensors.get('attention.weight') || tensors.get('attention.linear.weight') || tensors.get('attention.query.weight');
    const Wk = tensors.get('attention.key.weight'), bk = tensors.get('attention.key.bias'), v = tensors.get('attention.v.weight');
    encode = (source) => {
      const { outputs, state } = encoder.run(sourceRows(source), encoder.initialState());
      // the last layer's two final hidden states, forward then reverse, through the bridge and tanh
      const last = new Float64Array(K);
      last.set(state[2 * layers - 2].h, 0);
      last.set(state[2 * layers - 1].h, K / 2);
      const h = bridge(last).map(Math.tanh);
      const cell = c.decoder.kind === 'LSTMCell' ? { h, c: new Float64Array(c.decoder.options.hiddenSize) } : { h };
      // the keys' projections that do not depend on the query (concat: W_a[:, Q:] k; additive: W_k k + b)
      const projected = outputs.map((k) => {
        if (score === 'additive') return affine(Wk, bk, k, A, K, new Float64Array(A));
        if (score !== 'concat') return null;
        const out = new Float64Array(A);
        for (let a = 0; a < A; a++) for (let j = 0; j < K; j++) out[a] += W[a * (Q + K) + Q + j] * k[j];
        return out;
      });
      return { state: cell, feed: feeding ? new Float64Array(C) : null, memory: { keys: outputs, projected } };
    };
    const attend = (q, memory) => {
      const S = memory.keys.length, e = new Float64Array(S);
      let u = q;
      if (score === 'general') {
        u = new Float64Array(K);
        for (let i = 0; i < Q; i++) for (let j = 0; j < K; j++) u[j] += q[i] * W[i * K + j];
      }
      let queryPart = null;
      if (score === 'additive') queryPart = affine(W, null, q, A, Q, new Float64Array(A));
      if (score === 'concat') {
        queryPart = new Float64Array(A);
        for (let a = 0; a < A; a++) for (let i = 0; i < Q; i++) queryPart[a] += W[a * (Q + K) + i] * q[i];
      }
      for (let s = 0; s < S; s++) {
        if (queryPart) {
          for (let a = 0; a < A; a++) e[s] += v[a] * Math.tanh(memory.projected[s][a] + queryPart[a]);
        } else for (let j = 0; j < K; j++) e[s] += u[j] * memory.keys[s][j];
      }
      const top = Math.max(...e);
      let total = 0;
      for (let s = 0; s < S; s++) total += (e[s] = Math.exp(e[s] - top));
      const context = new Float64Array(K);
      for (let s = 0; s < S; s++) {
        e[s] /= total;
        for (let j = 0; j < K; j++) context[j] += e[s] * memory.keys[s][j];
      }
      return { context, weights: e };
    };
    step = (previous, carried) => {
      const embedded = embedRow(table('targetEmbedding'), targetDim, previous);
      const input = new Float64Array(targetDim + (carried.feed ? C : 0));
      input.set(embedded, 0);
      if (carried.feed) input.set(carried.feed, targetDim);
      const state = decoder.step(input, carried.state);
      const { context, weights } = attend(state.h, carried.memory);
      const joined = new Float64Array(K + state.h.length);
      joined.set(context, 0);
      joined.set(state.h, K);
      const attentional = combine(joined).map(Math.tanh);
      return { logits: projection(attentional), weights, carried: { state, feed: carried.feed ? attentional : null, memory: carried.memory } };
    };
  }

  /** Teacher forcing: logits per target step (Float32Array), step t reading target t − 1 (bos first). */
  function forward(source, targets) {
    let carried = encode(source);
    const logits = [], weights = [];
    let previous = bos;
    for (const target of targets) {
      const result = step(previous, carried);
      logits.push(Float32Array.from(result.logits));
      if (result.weights) weights.push(Float32Array.from(result.weights));
      carried = result.carried;
      previous = target;
    }
    return { logits, weights };
  }

  /** Greedy decoding: the argmax at every step until eos or `maxLength` tokens (eos not included). */
  function greedy(source, maxLength) {
    let carried = encode(source);
    const ids = [], weights = [];
    let previous = bos;
    for (let t = 0; t < maxLength; t++) {
      const result = step(previous, carried);
      carried = result.carried;
      previous = argmax(result.logits);
      if (previous === eos) break;
      ids.push(previous);
      if (result.weights) weights.push(Array.from(result.weights));
    }
    return { ids, weights };
  }

  const index = new Map((io.vocabulary || []).map((symbol, k) => [symbol, k]));
  const extraSteps = io.extra && Number.isInteger(io.extra.extraSteps) ? io.extra.extraSteps : 8;
  /** Greedy decoding of a text (one id a character), at most its length + extraSteps symbols: the output symbols. */
  function decode(text) {
    const ids = Array.from(text, (symbol) => {
      const id = index.get(symbol);
      if (id === undefined) throw new Error(`bundle: expected symbols of the vocabulary, got '${symbol}' in '${text}'`);
      return id;
    });
    const symbols = io.outputVocabulary || io.vocabulary;
    return greedy(ids, ids.length + extraSteps).ids.map((id) => (symbols ? symbols[id] : id));
  }

  return { description, io, forward, greedy, decode };
}
