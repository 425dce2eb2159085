import { ModelFileError } from './modelFileError.js';

// One database, one object store keyed by the model's name; values are the file's bytes.
const databaseName = 'recurrent-models';
const storeName = 'models';

function open(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new ModelFileError('storage-failed', 'loadModel: expected IndexedDB (a browser or a worker), got none in this environment'));
  }
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new ModelFileError('storage-failed', `loadModel: expected to open IndexedDB '${databaseName}', got ${request.error?.message}`));
  });
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then((database) => new Promise<T>((resolve, reject) => {
    const transaction = database.transaction(storeName, mode);
    const request = work(transaction.objectStore(storeName));
    // resolved when the transaction commits, so a stored model is durable before saveModel returns
    transaction.oncomplete = () => {
      database.close();
      resolve(request.result);
    };
    transaction.onerror = transaction.onabort = () => {
      database.close();
      reject(new ModelFileError('storage-failed', `IndexedDB: expected the ${mode} transaction to complete, got ${transaction.error?.message ?? 'an abort'}`));
    };
  }));
}

/** Keeps a model file's bytes in IndexedDB under `name`. */
export async function storeModel(name: string, bytes: Uint8Array): Promise<void> {
  await run('readwrite', (store) => store.put(bytes, name));
}

/** A model file's bytes from IndexedDB; a missing name is a `not-found` error. */
export async function readStoredModel(name: string): Promise<Uint8Array> {
  const value: unknown = await run('readonly', (store) => store.get(name));
  if (value === undefined) throw new ModelFileError('not-found', `loadModel: expected a model named '${name}' in IndexedDB, got none`);
  if (!(value instanceof Uint8Array)) throw new ModelFileError('storage-failed', `loadModel: expected bytes under '${name}' in IndexedDB, got ${Object.prototype.toString.call(value)}`);
  return value;
}

/**
 * Removes a model kept with `saveModel(module, 'indexeddb://NAME')`; true when there was one.
 *
 * @example
 * await deleteStoredModel('moby');
 */
export async function deleteStoredModel(name: string): Promise<boolean> {
  const existed = (await run('readonly', (store) => store.count(name))) > 0;
  await run('readwrite', (store) => store.delete(name));
  return existed;
}
