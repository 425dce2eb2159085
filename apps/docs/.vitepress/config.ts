import { defineConfig } from 'vitepress';

// The docs compile the workspace packages from their sources (the "source" export condition),
// so the site always shows the code of this checkout.
export default defineConfig({
  title: 'recurrent',
  description: 'Recurrent neural networks for JavaScript: exact to PyTorch, fast, with live demos.',
  cleanUrls: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  markdown: { math: true },
  ignoreDeadLinks: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Applications', link: '/applications/text-generation' },
      { text: 'Performance', link: '/performance' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Recurrent networks', link: '/guide/recurrent-networks' },
          { text: 'Training through time', link: '/guide/training' },
          { text: 'LSTM and GRU', link: '/guide/lstm-gru' },
          { text: 'Deep and bidirectional', link: '/guide/deep-bidirectional' },
          { text: 'CTC', link: '/guide/ctc' },
          { text: 'Clockwork RNN and SCRN', link: '/guide/clockwork-scrn' },
          { text: 'Sequence to sequence', link: '/guide/seq2seq' },
          { text: 'Attention', link: '/guide/attention' },
          { text: 'Exploding gradients and clipping', link: '/guide/clipping' },
          { text: 'PyTorch, ONNX, TensorFlow.js', link: '/guide/interchange' },
          { text: 'Deploy', link: '/guide/deploy' },
        ],
      },
      {
        text: 'Applications',
        items: [
          { text: 'Text generation', link: '/applications/text-generation' },
          { text: 'Time-series forecasting', link: '/applications/forecasting' },
          { text: 'Sequence classification', link: '/applications/classification' },
          { text: 'Spam, with saliency', link: '/applications/spam' },
          { text: 'Forecasting US births', link: '/applications/births' },
          { text: 'Sequence auto-encoder', link: '/applications/autoencoder' },
        ],
      },
      { text: 'Performance', link: '/performance' },
      { text: 'API reference', link: '/api/' },
    ],
    search: { provider: 'local' },
  },
  vite: {
    resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
    worker: { format: 'es' },
    ssr: { noExternal: [/^@recurrent\//] },
    build: { minify: false, chunkSizeWarningLimit: 4000 },
  },
});
