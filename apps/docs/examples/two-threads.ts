// An LSTM whose matrix products run on two threads: a CPU backend with the threaded gemm (and its
// packB, so the recurrent weight is packed once per sequence in the shared memory), the same
// numbers as one thread. Runs in Node; in a browser it needs cross-origin isolation.
import { Generator, cpu, createCpuBackend, createThreadedGemm, randn } from '@recurrent/tensor';
import { noGrad } from '@recurrent/autograd';
import { LSTM } from '@recurrent/layers';

const threaded = await createThreadedGemm({ threads: 2 });
const backend = createCpuBackend({ kernels: threaded.kernels, name: 'cpu-2-threads' });
const options = { inputSize: 64, hiddenSize: 256, batchFirst: true };
const lstm = new LSTM({ ...options, backend, generator: new Generator(0) });
const single = new LSTM({ ...options, backend: cpu, generator: new Generator(0) });
const x = randn([32, 64, 64], new Generator(1), { backend });
const start = performance.now();
const { output } = noGrad(() => lstm.forward(x));
const milliseconds = performance.now() - start;
const reference = noGrad(() => single.forward(randn([32, 64, 64], new Generator(1)))).output;
let largest = 0;
for (let i = 0; i < output.size; i++) largest = Math.max(largest, Math.abs(output.value.data[i] - reference.value.data[i]));
console.log(`threads: ${threaded.threads}, output ${output.shape.join('×')}, ${milliseconds.toFixed(1)} ms, largest difference from one thread: ${largest}`);
threaded.dispose();
