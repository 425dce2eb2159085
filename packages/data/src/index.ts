export { DataError, type DataLocation, type ErrorPolicy } from './dataError.js';
export { decodeText, type TextSource } from './textSource.js';
export { type ColumnType, type Columns, type RowOf } from './columns.js';
export { CsvReader, parseCsv, type ColumnBatch, type CsvOptions } from './csv.js';
export { JsonlReader, parseJsonl, type JsonlOptions } from './jsonl.js';
export { Vocabulary, compareCodePoints, type SpecialTokens, type VocabularyJSON, type VocabularyOptions, type VocabularyOrder } from './vocabulary.js';
export { CharacterTokenizer, WordTokenizer, tokenizerFromJSON, type EncodeOptions, type Tokenizer, type TokenizerJSON } from './tokenizer.js';
export { TextStream, type TextStreamBatch, type TextStreamOptions, type TextStreamState } from './textStream.js';
export { padFeatures, padSequences, paddedLength, type PadOptions, type PadTo, type PaddedBatch } from './collate.js';
export {
  BucketBatchSampler, RandomBatchSampler, epochGenerator,
  type BatchSampler, type BucketBatchSamplerOptions, type RandomBatchSamplerOptions,
} from './batchSampler.js';
export { DataLoader, type DataLoaderOptions, type Dataset } from './dataLoader.js';
export {
  SequenceClassificationDataset, SequenceLabellingDataset,
  type ClassificationBatch, type ClassificationExample, type LabellingBatch, type LabellingExample, type SequenceDatasetOptions,
} from './sequenceDatasets.js';
export { Standardizer, WindowDataset, splitSeries, type SplitSeriesOptions, type WindowExample, type WindowOptions } from './timeSeries.js';
export { addingProblem, type AddingProblemOptions } from './synthetic/addingProblem.js';
export { copyTask, type CopyTaskOptions } from './synthetic/copyTask.js';
export {
  embeddedReber, embeddedReberNextSymbols, embeddedReberString, reberString, reberSymbols, type EmbeddedReberOptions,
} from './synthetic/reberGrammar.js';
export { mackeyGlass, sineMixture, type MackeyGlassOptions, type SineComponent, type SineMixtureOptions } from './synthetic/series.js';
export { loadSequentialMnist, type MnistExample, type MnistSplit, type SequentialMnist } from './datasets/sequentialMnist.js';
export { loadMobyDick, type MobyDick } from './datasets/mobyDick.js';
export { g2pCollator, loadCmudict, type Cmudict, type G2PBatch, type G2PExample } from './datasets/cmudict.js';
export { loadFirstNames, nameCollator, type FirstNames, type NameBatch, type NameExample } from './datasets/firstNames.js';
export { loadSpamAssassin, type SpamAssassin, type SpamMessage } from './datasets/spamAssassin.js';
export { birthsSplits, loadUsBirths, type BirthsSplits, type UsBirths, type UsBirthsSeries } from './datasets/usBirths.js';
export { fnv1a32, importOptional } from './datasets/importOptional.js';
