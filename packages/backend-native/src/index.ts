export { createNativeBackend, type NativeBackend, type NativeBackendOptions } from './createNativeBackend.js';
export { blasCoreFor, type AddonInfo } from './loadAddon.js';
